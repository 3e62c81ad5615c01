//! The `[telegram]` section of the configuration file, and the bot token (from `TELOXIDE_TOKEN` or a
//! file named here; never from this file, never printed).

use anyhow::{Context, bail};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramCfg {
    /// A file holding the bot token (used when `TELOXIDE_TOKEN` is not set).
    pub token_file: Option<PathBuf>,
    /// How long one `getUpdates` long poll waits for news, in seconds.
    pub poll_timeout_secs: u32,
    /// Messages per second to one chat (Telegram: about 1).
    pub per_chat_per_second: u32,
    /// Messages per minute to one group or channel (Telegram: 20).
    pub per_group_per_minute: u32,
    /// Messages per second overall (Telegram: 30).
    pub overall_per_second: u32,
    /// On SIGTERM or Ctrl-C, how long to wait for queued updates to be answered before exiting
    /// (those not answered by then are answered after the next start).
    pub shutdown_grace_secs: u64,
    /// The longest wait between retries while the Bot API is unreachable or failing, in seconds.
    pub max_backoff_secs: u64,
    /// Whether to publish the command menu (`setMyCommands`) at start and when staff change.
    pub set_commands: bool,
}

impl Default for TelegramCfg {
    fn default() -> Self {
        TelegramCfg {
            token_file: None,
            poll_timeout_secs: 25,
            per_chat_per_second: 1,
            per_group_per_minute: 20,
            overall_per_second: 30,
            shutdown_grace_secs: 30,
            max_backoff_secs: 30,
            set_commands: true,
        }
    }
}

impl TelegramCfg {
    pub fn check(&self) -> anyhow::Result<()> {
        if self.poll_timeout_secs > 50 {
            bail!("telegram.poll_timeout_secs must be at most 50");
        }
        if self.per_chat_per_second == 0 || self.per_group_per_minute == 0 || self.overall_per_second == 0 {
            bail!(
                "telegram rate limits (per_chat_per_second, per_group_per_minute, overall_per_second) must be at least 1"
            );
        }
        if self.max_backoff_secs == 0 {
            bail!("telegram.max_backoff_secs must be at least 1");
        }
        Ok(())
    }

    /// The bot token: `TELOXIDE_TOKEN`, else the first line of `token_file`.
    pub fn token(&self) -> anyhow::Result<Token> {
        if let Ok(t) = std::env::var("TELOXIDE_TOKEN") {
            let t = t.trim();
            if !t.is_empty() {
                return Ok(Token(t.to_string()));
            }
        }
        let Some(path) = &self.token_file else {
            bail!("no bot token: set TELOXIDE_TOKEN, or name a token file in the config ([telegram] token_file)");
        };
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the token file {}", path.display()))?;
        let t = text.lines().next().unwrap_or("").trim();
        if t.is_empty() {
            bail!("the token file {} is empty", path.display());
        }
        Ok(Token(t.to_string()))
    }
}

/// A bot token. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Token {
        Token(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced (for log lines built from errors).
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() { text.to_string() } else { text.replace(&self.0, "<token>") }
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

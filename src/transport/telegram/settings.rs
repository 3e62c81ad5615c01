//! The bot token (from `TELOXIDE_TOKEN` or the file `[telegram] token_file` names; never from the
//! config file itself, never printed) and the webhook's secret token. The `[telegram]` settings are
//! plain data in `config::telegram`.

use crate::config::telegram::valid_secret;
pub use crate::config::telegram::{Mode, TelegramCfg};
use anyhow::{Context, bail};

impl TelegramCfg {
    /// Webhook mode: the secret token Telegram sends in `X-Telegram-Bot-Api-Secret-Token`:
    /// `AMITY_WEBHOOK_SECRET`, else the first line of `webhook_secret_file`. 1–256 characters of
    /// `A-Z a-z 0-9 _ -` (Telegram's rule).
    pub fn webhook_secret(&self) -> anyhow::Result<Token> {
        let secret = match std::env::var("AMITY_WEBHOOK_SECRET").ok().filter(|s| !s.trim().is_empty()) {
            Some(s) => s.trim().to_string(),
            None => {
                let Some(path) = &self.webhook_secret_file else {
                    bail!(
                        "webhook mode needs a secret token: set AMITY_WEBHOOK_SECRET, or name a file in the config ([telegram] webhook_secret_file)"
                    );
                };
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the webhook secret file {}", path.display()))?;
                text.lines().next().unwrap_or("").trim().to_string()
            }
        };
        if !valid_secret(&secret) {
            bail!("the webhook secret token must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -");
        }
        Ok(Token(secret))
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

//! The `[telegram]` section: plain settings and their checks (bounds, the webhook's address and URL,
//! the files it names). Reading the token itself is the transport's (`transport::telegram`).

use super::bounded;
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
    /// Messages per second to one chat, private or group (Telegram: about 1).
    pub per_chat_per_second: u32,
    /// Messages one chat may get at once before `per_chat_per_second` applies (Telegram tolerates
    /// short bursts; a long answer split in three goes out together).
    pub per_chat_burst: u32,
    /// Messages per minute to one group or channel (Telegram: 20).
    pub per_group_per_minute: u32,
    /// Messages per second overall (Telegram: 30).
    pub overall_per_second: u32,
    /// On SIGTERM or Ctrl-C, how long to wait for queued updates to be answered before exiting
    /// (those not answered by then are answered after the next start).
    pub shutdown_grace_secs: u64,
    /// A chat's worker (which answers its updates in order) is closed after this many seconds with
    /// nothing to do, and opened again by the chat's next update.
    pub lane_idle_secs: u64,
    /// The longest wait between retries while the Bot API is unreachable or failing, in seconds.
    pub max_backoff_secs: u64,
    /// The largest file sent with an answer (an `/export`, a chart), in MB: the Bot API takes 50 MB
    /// (a photo 10 MB) from bots, a local Bot API server 2000 MB. A larger file is not sent; the asker
    /// is told why and what to ask for instead.
    pub max_file_mb: u32,
    /// Whether to publish the command menu (`setMyCommands`) at start and when staff change.
    pub set_commands: bool,
    /// How often the digest scheduler checks for digests due (and for `/digest send`), in seconds.
    pub digest_tick_secs: u64,
    /// Whether messages keep to `overall_per_second`. Turn it off only for benchmarks and local Bot API
    /// servers without limits: Telegram's own limits then answer `429`.
    pub throttle: bool,
    /// How updates arrive: long polling (default) or a webhook.
    pub mode: Mode,
    /// Webhook mode: the address the webhook server listens on, e.g. `127.0.0.1:8443` (behind a
    /// reverse proxy that terminates TLS).
    pub webhook_listen: Option<String>,
    /// Webhook mode: the public HTTPS URL Telegram posts updates to (given to `setWebhook`); the
    /// server answers on this URL's path.
    pub webhook_url: Option<String>,
    /// Webhook mode: a file holding the secret token, used when `AMITY_WEBHOOK_SECRET` is not set.
    pub webhook_secret_file: Option<PathBuf>,
}

/// How updates arrive.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `getUpdates` long polling (any webhook is deleted at start).
    #[default]
    Polling,
    /// Telegram posts updates to `webhook_url` (set with `setWebhook` at start).
    Webhook,
}

impl Default for TelegramCfg {
    fn default() -> Self {
        TelegramCfg {
            token_file: None,
            poll_timeout_secs: 25,
            per_chat_per_second: 1,
            per_chat_burst: 3,
            per_group_per_minute: 20,
            overall_per_second: 30,
            shutdown_grace_secs: 30,
            lane_idle_secs: 300,
            max_backoff_secs: 30,
            max_file_mb: 50,
            set_commands: true,
            digest_tick_secs: 20,
            throttle: true,
            mode: Mode::Polling,
            webhook_listen: None,
            webhook_url: None,
            webhook_secret_file: None,
        }
    }
}

impl TelegramCfg {
    /// Refuses settings out of their bounds (every duration is bounded: see [`bounded`]) and an
    /// incomplete webhook setup.
    pub fn check(&self) -> anyhow::Result<()> {
        bounded("telegram.poll_timeout_secs", self.poll_timeout_secs, 0..=50, "seconds", "25")?;
        if self.per_chat_per_second == 0 || self.per_group_per_minute == 0 || self.overall_per_second == 0 {
            bail!(
                "telegram rate limits (per_chat_per_second, per_group_per_minute, overall_per_second) must be at least 1"
            );
        }
        bounded("telegram.per_chat_burst", self.per_chat_burst, 1..=20, "messages", "3")?;
        bounded("telegram.shutdown_grace_secs", self.shutdown_grace_secs, 0..=3600, "seconds (an hour)", "30")?;
        bounded("telegram.digest_tick_secs", self.digest_tick_secs, 1..=3600, "seconds (an hour)", "20")?;
        bounded("telegram.max_backoff_secs", self.max_backoff_secs, 1..=3600, "seconds (an hour)", "30")?;
        // A chat's worker closes after that many idle seconds.
        bounded("telegram.lane_idle_secs", self.lane_idle_secs, 1..=86_400, "seconds (a day)", "300")?;
        bounded("telegram.max_file_mb", self.max_file_mb, 1..=2000, "MB (a local Bot API server's limit)", "50")?;
        if self.mode == Mode::Webhook {
            self.webhook_addr()?;
            self.webhook_path()?;
        }
        Ok(())
    }

    /// Checks the files this section names, when they would be used: `token_file` unless
    /// `TELOXIDE_TOKEN` is set, and in webhook mode `webhook_secret_file` unless `AMITY_WEBHOOK_SECRET`
    /// is set. Each must be readable with a first line that is not empty (and, for the secret, of
    /// Telegram's form). Errors name the setting and the path, never what the file holds.
    pub fn check_files(&self) -> anyhow::Result<()> {
        if let Some(path) = self.token_file.as_ref().filter(|_| env_unset("TELOXIDE_TOKEN")) {
            let first = first_line(path, "telegram.token_file", "the bot token (from @BotFather)")?;
            if first.is_empty() {
                bail!(
                    "telegram.token_file {}: the first line is empty; put the bot token (from @BotFather) on it",
                    path.display()
                );
            }
        }
        if self.mode == Mode::Webhook
            && let Some(path) = self.webhook_secret_file.as_ref().filter(|_| env_unset("AMITY_WEBHOOK_SECRET"))
        {
            let first = first_line(path, "telegram.webhook_secret_file", "the webhook's secret token")?;
            if !valid_secret(&first) {
                bail!(
                    "telegram.webhook_secret_file {}: its first line must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -",
                    path.display()
                );
            }
        }
        Ok(())
    }

    /// Webhook mode: the socket address to listen on.
    pub fn webhook_addr(&self) -> anyhow::Result<std::net::SocketAddr> {
        let Some(l) = &self.webhook_listen else {
            bail!("telegram.mode = \"webhook\" needs telegram.webhook_listen (e.g. \"127.0.0.1:8443\")");
        };
        l.trim().parse().with_context(|| format!("telegram.webhook_listen {l:?} is not an address like 127.0.0.1:8443"))
    }

    /// Webhook mode: the public URL's path (the route the webhook server answers on).
    pub fn webhook_path(&self) -> anyhow::Result<String> {
        let Some(u) = &self.webhook_url else {
            bail!("telegram.mode = \"webhook\" needs telegram.webhook_url (the public https:// URL)");
        };
        let u = u.trim();
        let rest = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))
            .with_context(|| format!("telegram.webhook_url {u:?} must start with https://"))?;
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        let path = path.split(['?', '#']).next().unwrap_or("/");
        if rest.is_empty() || rest.starts_with('/') {
            bail!("telegram.webhook_url {u:?} has no host");
        }
        Ok(if path.is_empty() { "/".into() } else { path.to_string() })
    }
}

/// Whether an environment variable is unset or blank.
fn env_unset(name: &str) -> bool {
    std::env::var(name).map_or(true, |v| v.trim().is_empty())
}

/// The first line of a file a setting names, trimmed; an error naming the setting and the path.
fn first_line(path: &std::path::Path, setting: &str, what: &str) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.lines().next().unwrap_or("").trim().to_string()),
        Err(e) => bail!(
            "{setting} {} {}; create it with {what} on its first line, readable only by the bot",
            path.display(),
            super::io_problem(&e)
        ),
    }
}

/// Telegram's rule for `secret_token`.
pub fn valid_secret(s: &str) -> bool {
    (1..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

//! The `[matrix]` section: plain settings and their checks (the homeserver URL, the user id, who may
//! invite the bot, bounded durations, the files it names). Reading the password and the store
//! passphrase is the transport's (`transport::matrix`); neither is ever written in this file.
//!
//! Matrix is on when a homeserver and a user are given, here or in `AMITY_MATRIX_HOMESERVER` and
//! `AMITY_MATRIX_USER` (which win over the file, like `TELOXIDE_TOKEN` for Telegram).

use super::{bounded, io_problem};
use crate::domain::UserKey;
use anyhow::bail;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatrixCfg {
    /// The homeserver's client-server URL, e.g. `https://matrix.example.org` or `http://127.0.0.1:8008`.
    pub homeserver: Option<String>,
    /// The bot's own Matrix id, e.g. `@amity:example.org`.
    pub user: Option<String>,
    /// A file holding the bot's password (used when `AMITY_MATRIX_PASSWORD` is not set). Needed for the
    /// first login only: the session is stored and reused after it.
    pub password_file: Option<PathBuf>,
    /// The folder of the SDK's state and crypto store and of the stored session (default: the folder
    /// `amity-matrix` beside the database).
    pub store: Option<PathBuf>,
    /// A file holding the passphrase the crypto store is encrypted with (used when
    /// `AMITY_MATRIX_STORE_PASSPHRASE` is not set). Without one the store is not encrypted at rest.
    pub store_passphrase_file: Option<PathBuf>,
    /// Who may invite the bot into a room: user ids (`@li.wei:example.org`) or whole servers
    /// (`:example.org`). Everyone else's invites are declined. Empty: the admins and staff only.
    pub allow_invites_from: Vec<String>,
    /// After a restart, commands sent while the bot was down are answered if they are at most this many
    /// hours old (older ones are left unanswered). Less than `[database] keep_update_ids_hours`.
    pub catch_up_hours: u32,
    /// How long a message the bot cannot decrypt waits for its keys before the sender is told.
    pub undecryptable_wait_secs: u64,
    /// How long one `/sync` long poll waits for news, in seconds.
    pub sync_timeout_secs: u64,
    /// The longest wait between retries while the homeserver is unreachable or failing, in seconds.
    pub max_backoff_secs: u64,
    /// On SIGTERM or Ctrl-C, how long to wait for queued events to be answered before exiting.
    pub shutdown_grace_secs: u64,
    /// A room's worker is closed after this many seconds with nothing to do.
    pub lane_idle_secs: u64,
    /// Messages a minute one room may get from digests.
    pub per_room_per_minute: u32,
    /// How often the digest scheduler checks for Matrix digests due, in seconds.
    pub digest_tick_secs: u64,
}

impl Default for MatrixCfg {
    fn default() -> Self {
        MatrixCfg {
            homeserver: None,
            user: None,
            password_file: None,
            store: None,
            store_passphrase_file: None,
            allow_invites_from: Vec::new(),
            catch_up_hours: 24,
            undecryptable_wait_secs: 30,
            sync_timeout_secs: 30,
            max_backoff_secs: 30,
            shutdown_grace_secs: 30,
            lane_idle_secs: 300,
            per_room_per_minute: 20,
            digest_tick_secs: 20,
        }
    }
}

/// Who may invite the bot: one user, or every user of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inviter {
    User(String),
    Server(String),
}

impl Inviter {
    pub fn parse(s: &str) -> Option<Inviter> {
        let s = s.trim();
        if let Some(server) = s.strip_prefix(':') {
            return valid_server(server).then(|| Inviter::Server(server.to_ascii_lowercase()));
        }
        UserKey::parse(s).filter(|k| k.as_str().starts_with("mx:")).map(|k| Inviter::User(k.bare_id().to_string()))
    }

    pub fn allows(&self, user: &str) -> bool {
        match self {
            Inviter::User(u) => u == user,
            Inviter::Server(s) => user.rsplit_once(':').is_some_and(|(_, server)| server.eq_ignore_ascii_case(s)),
        }
    }
}

fn valid_server(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && s.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
}

/// The environment variable, when set and not blank.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl MatrixCfg {
    /// The homeserver URL: `AMITY_MATRIX_HOMESERVER`, else the file's.
    pub fn homeserver_url(&self) -> Option<String> {
        env("AMITY_MATRIX_HOMESERVER").or_else(|| self.homeserver.clone().filter(|h| !h.trim().is_empty()))
    }

    /// The bot's user id: `AMITY_MATRIX_USER`, else the file's.
    pub fn user_id(&self) -> Option<String> {
        env("AMITY_MATRIX_USER").or_else(|| self.user.clone().filter(|u| !u.trim().is_empty()))
    }

    /// Whether Matrix is meant to run: a homeserver or a user is given (one without the other is
    /// refused by [`MatrixCfg::check`], so `amity serve` runs only a complete account).
    pub fn enabled(&self) -> bool {
        self.homeserver_url().is_some() || self.user_id().is_some()
    }

    /// The store folder: the setting, else `amity-matrix` beside the database.
    pub fn store_dir(&self, db: &Path) -> PathBuf {
        match &self.store {
            Some(s) => s.clone(),
            None => db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("amity-matrix"),
        }
    }

    /// The parsed `allow_invites_from`.
    pub fn inviters(&self) -> Vec<Inviter> {
        self.allow_invites_from.iter().filter_map(|s| Inviter::parse(s)).collect()
    }

    /// Refuses settings out of their bounds and an incomplete account. `keep_update_ids_hours`: the
    /// inbox's memory, which catching up must stay inside (an event older than it could be answered
    /// twice).
    pub fn check(&self, keep_update_ids_hours: u32) -> anyhow::Result<()> {
        if self.enabled() {
            let Some(url) = self.homeserver_url() else {
                bail!(
                    "matrix.user is set but matrix.homeserver is not: give the homeserver's URL, e.g. homeserver = \"https://matrix.example.org\" (or AMITY_MATRIX_HOMESERVER)"
                );
            };
            let u = url.trim();
            let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
                bail!(
                    "matrix.homeserver {u:?} must be an http:// or https:// URL, e.g. \"https://matrix.example.org\""
                );
            }
            let Some(user) = self.user_id() else {
                bail!(
                    "matrix.homeserver is set but matrix.user is not: give the bot's Matrix id, e.g. user = \"@amity:example.org\" (or AMITY_MATRIX_USER)"
                );
            };
            if !UserKey::parse(&user).is_some_and(|k| k.as_str().starts_with("mx:")) {
                bail!("matrix.user {user:?} is not a Matrix id like \"@amity:example.org\"");
            }
        }
        for a in &self.allow_invites_from {
            if Inviter::parse(a).is_none() {
                bail!(
                    "matrix.allow_invites_from: {a:?} is neither a Matrix id like \"@li.wei:example.org\" nor a server like \":example.org\""
                );
            }
        }
        let below = keep_update_ids_hours.saturating_sub(1).max(1);
        bounded(
            "matrix.catch_up_hours",
            self.catch_up_hours,
            0..=below,
            "hours (less than database.keep_update_ids_hours)",
            "24",
        )?;
        bounded("matrix.undecryptable_wait_secs", self.undecryptable_wait_secs, 1..=86_400, "seconds (a day)", "30")?;
        bounded("matrix.sync_timeout_secs", self.sync_timeout_secs, 0..=120, "seconds", "30")?;
        bounded("matrix.max_backoff_secs", self.max_backoff_secs, 1..=3600, "seconds (an hour)", "30")?;
        bounded("matrix.shutdown_grace_secs", self.shutdown_grace_secs, 0..=3600, "seconds (an hour)", "30")?;
        bounded("matrix.lane_idle_secs", self.lane_idle_secs, 1..=86_400, "seconds (a day)", "300")?;
        bounded("matrix.digest_tick_secs", self.digest_tick_secs, 1..=3600, "seconds (an hour)", "20")?;
        bounded("matrix.per_room_per_minute", self.per_room_per_minute, 1..=600, "messages", "20")?;
        Ok(())
    }

    /// Checks the files this section names, when they would be used: each must be readable with a
    /// first line that is not empty. Errors name the setting and the path, never what the file holds.
    pub fn check_files(&self) -> anyhow::Result<()> {
        if !self.enabled() {
            return Ok(());
        }
        let files = [
            (&self.password_file, "AMITY_MATRIX_PASSWORD", "matrix.password_file", "the bot's password"),
            (
                &self.store_passphrase_file,
                "AMITY_MATRIX_STORE_PASSPHRASE",
                "matrix.store_passphrase_file",
                "the store's passphrase",
            ),
        ];
        for (file, var, setting, what) in files {
            if let Some(path) = file.as_ref().filter(|_| env(var).is_none()) {
                match std::fs::read_to_string(path) {
                    Ok(text) if text.lines().next().unwrap_or("").trim().is_empty() => {
                        bail!("{setting} {}: the first line is empty; put {what} on it", path.display())
                    }
                    Ok(_) => {}
                    Err(e) => bail!(
                        "{setting} {} {}; create it with {what} on its first line, readable only by the bot",
                        path.display(),
                        io_problem(&e)
                    ),
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inviters_are_users_or_servers() {
        let u = Inviter::parse("@li.wei:example.org").unwrap();
        assert!(u.allows("@li.wei:example.org"));
        assert!(!u.allows("@li.wei:example.com"));
        let s = Inviter::parse(":Example.org").unwrap();
        assert!(s.allows("@anyone:example.org"));
        assert!(!s.allows("@anyone:example.org.evil"));
        assert!(Inviter::parse("li.wei").is_none());
        assert!(Inviter::parse(":").is_none());
    }

    #[test]
    fn an_incomplete_account_is_refused_with_an_example() {
        let cfg = MatrixCfg { user: Some("@amity:example.org".into()), ..MatrixCfg::default() };
        if std::env::var("AMITY_MATRIX_HOMESERVER").is_err() {
            let e = cfg.check(48).unwrap_err().to_string();
            assert!(e.contains("matrix.homeserver"), "{e}");
        }
        let cfg = MatrixCfg { catch_up_hours: 48, ..MatrixCfg::default() };
        let e = cfg.check(48).unwrap_err().to_string();
        assert!(e.contains("catch_up_hours"), "{e}");
    }
}

//! The configuration file (`amity.toml`): every setting has a default, so amity runs with no file at
//! all. `config.example.toml` documents each one. Every setting is checked at load: durations and
//! limits against stated bounds ([`bounded`]), so nothing read from the file can make arithmetic on
//! times overflow later. Secrets (bot tokens, passwords) never come from this file: one written here
//! by mistake is refused with an error that names the line and key but never shows the line or its
//! value (nor does any `Debug` output of these types hold a secret).

pub mod digest;
pub mod matrix;
pub mod telegram;

use crate::domain::UserKey;
use anyhow::{Context, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub office: Office,
    pub database: Database,
    pub access: Access,
    pub reply: ReplyCfg,
    pub rates: RatesCfg,
    pub telegram: telegram::TelegramCfg,
    pub matrix: matrix::MatrixCfg,
    pub backup: BackupCfg,
    /// `[[digest]]` tables: scheduled summaries (see `digest::spec`).
    #[serde(rename = "digest")]
    pub digests: Vec<digest::DigestCfg>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Office {
    /// Shown in /start and digests.
    pub name: String,
    /// IANA time zone whose calendar days are the ledger's dates.
    pub timezone: String,
    /// "en" or "zh": the language of users who have not chosen one and whose client says nothing.
    pub default_language: String,
    /// The donor when a donation names none.
    pub default_donor: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    pub path: PathBuf,
    /// How long the ids of handled updates are kept, so that a redelivered update is recognised and
    /// not handled twice (hours; see [`KEEP_UPDATE_IDS_HOURS`]). Telegram redelivers for at most 24
    /// hours and picks ids at random after a week without updates: a longer memory would only drop
    /// new updates whose id happens to match an old one.
    pub keep_update_ids_hours: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Access {
    /// The first admins, by user id: Telegram numeric ids ("123456789"), Matrix ids ("@me:example.org").
    pub admins: Vec<String>,
    /// Whether people who are not staff may use the reading commands (public records only).
    pub public_read: bool,
    /// Whether staff may log entries from groups and channels (default: private chats only).
    pub logging_in_groups: bool,
    /// How long /undo can take back a person's last change.
    pub undo_window_hours: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplyCfg {
    /// Longest message, in UTF-16 code units (Telegram's measure), before a reply is split.
    pub max_message_len: usize,
    /// Longest list shown in one reply before "and N more".
    pub max_list_items: usize,
    /// Most records of one kind in one `/export` file (more: the reply asks for a shorter period).
    pub max_export_rows: usize,
}

/// `[backup]`: copies of the database that `amity serve` takes on a schedule, each checked.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupCfg {
    /// The directory the copies go to (`amity-YYYYMMDD-HHMMSS.db`); none: no scheduled backups.
    pub dir: Option<PathBuf>,
    /// How often: from "10m" to "30d", e.g. "1d". The first copy is taken at start when the newest
    /// one in `dir` is older than this.
    pub every: String,
    /// How many copies are kept in `dir`; older ones (by name) are deleted after a good copy.
    pub keep: u32,
}

impl Default for BackupCfg {
    fn default() -> Self {
        BackupCfg { dir: None, every: "1d".into(), keep: 14 }
    }
}

impl BackupCfg {
    /// The schedule, when backups are configured (checked by `Config::check`).
    pub fn every(&self) -> Option<std::time::Duration> {
        self.dir.as_ref().and(crate::domain::time::parse_duration(&self.every))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RatesCfg {
    /// A rate older than this many days before a value date is used, but the reply says it is stale
    /// and `/totals` counts the amounts that rest on such rates.
    pub stale_after_days: u32,
}

impl Default for RatesCfg {
    fn default() -> Self {
        RatesCfg { stale_after_days: 31 }
    }
}

impl Default for Office {
    fn default() -> Self {
        Office {
            name: "Provincial Foreign Affairs Office".into(),
            timezone: "Asia/Shanghai".into(),
            default_language: "en".into(),
            default_donor: "Provincial Foreign Affairs Office".into(),
        }
    }
}

/// How long idempotency keys count by default: twice the 24 hours Telegram redelivers for.
pub const DEFAULT_UPDATE_RETENTION_HOURS: u32 = 48;

impl Default for Database {
    fn default() -> Self {
        Database { path: PathBuf::from("amity.db"), keep_update_ids_hours: DEFAULT_UPDATE_RETENTION_HOURS }
    }
}

impl Default for Access {
    fn default() -> Self {
        Access { admins: Vec::new(), public_read: true, logging_in_groups: false, undo_window_hours: 24 }
    }
}

impl Default for ReplyCfg {
    fn default() -> Self {
        ReplyCfg { max_message_len: 4096, max_list_items: 50, max_export_rows: 50_000 }
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
        let cfg: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("config file {} is not valid: {}", path.display(), toml_error(&text, &e)))?;
        // A value echoed by a check (an admin id, a target) is shown unless it looks like a secret.
        cfg.check().map_err(|e| anyhow::anyhow!("{}", hide_tokens(&format!("{e:#}"))))?;
        Ok(cfg)
    }

    /// Refuses settings that would fail later: an unknown time zone or language, a malformed admin id.
    pub fn check(&self) -> anyhow::Result<()> {
        self.tz()?;
        if crate::i18n::Lang::parse(&self.office.default_language).is_none() {
            bail!("office.default_language must be \"en\" or \"zh\", not {:?}", self.office.default_language);
        }
        bounded("access.undo_window_hours", self.access.undo_window_hours, UNDO_WINDOW_HOURS, "hours", "24")?;
        bounded(
            "database.keep_update_ids_hours",
            self.database.keep_update_ids_hours,
            KEEP_UPDATE_IDS_HOURS,
            "hours (more than the 24 h Telegram redelivers for, less than the week after which it reuses ids)",
            "48",
        )?;
        for a in &self.access.admins {
            if UserKey::parse(a).is_none() {
                bail!(
                    "access.admins: {a:?} is not a user id (a Telegram numeric id like \"123456789\" or a Matrix id like \"@me:example.org\")"
                );
            }
        }
        if self.reply.max_message_len < 200 {
            bail!("reply.max_message_len must be at least 200");
        }
        if self.reply.max_export_rows == 0 {
            bail!("reply.max_export_rows must be at least 1");
        }
        if self.reply.max_list_items == 0 {
            bail!("reply.max_list_items must be at least 1");
        }
        if self.backup.dir.is_some() {
            let every = crate::domain::time::parse_duration(&self.backup.every);
            if !every.is_some_and(|d| (600..=30 * 86_400).contains(&d.as_secs())) {
                bail!(
                    "backup.every {:?} must be a duration from \"10m\" to \"30d\", e.g. every = \"1d\"",
                    self.backup.every
                );
            }
            if !(1..=1000).contains(&self.backup.keep) {
                bail!("backup.keep must be from 1 to 1000 (copies), e.g. keep = 14");
            }
        }
        if !(1..=3660).contains(&self.rates.stale_after_days) {
            bail!("rates.stale_after_days must be from 1 to 3660 (days), e.g. 31");
        }
        self.telegram.check()?;
        self.matrix.check(self.database.keep_update_ids_hours)
        // The `[[digest]]` tables are checked by `digest::spec::specs` (above config, which is plain
        // data): `Core` does it when it opens, `check-config` too.
    }

    /// Checks what the file names outside itself, which [`Config::check`] cannot see: the database's
    /// directory exists (the file itself is created at the first start), and the token file (and in
    /// webhook mode the secret file) can be read and is not empty, when it would be used (see
    /// [`telegram::TelegramCfg::check_files`]). `check-config` runs it, and `serve`
    /// before it starts anything. Each error is one line naming the setting and the path, never a
    /// secret.
    pub fn check_paths(&self) -> anyhow::Result<()> {
        let db = &self.database.path;
        match std::fs::metadata(db) {
            Ok(m) if m.is_dir() => {
                bail!("database.path {} is a directory; name the SQLite file, e.g. path = \"amity.db\"", db.display())
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                match std::fs::metadata(dir) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => bail!("database.path {}: {} is not a directory", db.display(), dir.display()),
                    Err(e) => bail!(
                        "database.path {}: the directory {} {}; create it, or name a file in an existing directory",
                        db.display(),
                        dir.display(),
                        io_problem(&e)
                    ),
                }
            }
            Err(e) => bail!("database.path {}: {}", db.display(), io_problem(&e)),
        }
        if let Some(dir) = &self.backup.dir {
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => bail!("backup.dir {} is not a directory", dir.display()),
                Err(e) => bail!("backup.dir {}: {}; create it first", dir.display(), io_problem(&e)),
            }
        }
        self.telegram.check_files()?;
        self.matrix.check_files()
    }

    pub fn tz(&self) -> anyhow::Result<chrono_tz::Tz> {
        self.office.timezone.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow::anyhow!(
                "office.timezone {:?} is not an IANA time zone such as \"Asia/Shanghai\"",
                self.office.timezone
            )
        })
    }

    pub fn admin_keys(&self) -> Vec<UserKey> {
        self.access.admins.iter().filter_map(|a| UserKey::parse(a)).collect()
    }
}

/// What went wrong with a path, in words ("does not exist", "cannot be read: permission denied").
pub fn io_problem(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)".into(),
        _ => format!("cannot be read ({e})"),
    }
}

/// `database.keep_update_ids_hours`: longer than Telegram's 24 hours of redelivery, at most the week
/// after which it may pick ids again.
pub const KEEP_UPDATE_IDS_HOURS: std::ops::RangeInclusive<u32> = 25..=168;

/// `access.undo_window_hours`: an hour to 30 days.
pub const UNDO_WINDOW_HOURS: std::ops::RangeInclusive<u32> = 1..=720;

/// Refuses a whole-number setting outside `range`, naming the setting (`section.key`), its bounds and
/// an example, so that no value read from the file can reach arithmetic on times unchecked.
pub fn bounded<T>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
    example: &str,
) -> anyhow::Result<()>
where
    T: PartialOrd + std::fmt::Display + Copy,
{
    if !range.contains(&value) {
        let short = key.rsplit('.').next().unwrap_or(key);
        bail!(
            "{key} must be at least {} and at most {} {unit}, not {value}; e.g. {short} = {example}",
            range.start(),
            range.end()
        );
    }
    Ok(())
}

/// A TOML error as one line: where (line, column, the table and key) and what is wrong, with the
/// line itself shown only when it holds no secret. A line holds a secret when a key on it speaks of a
/// token, secret or password, or a value on it looks like a bot token (`123456:ABC…`); then neither the
/// line nor any value of it appears in the message, and the message says how secrets are given instead.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(span) = e.span() else {
        return hide_tokens(&message);
    };
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let lines: Vec<&str> = text[line_start..line_end].lines().collect();
    let this_line = text[line_start..].lines().next().unwrap_or("");
    // The key the error points at (an unknown field), else the key of its line (a wrong value).
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let at_span: String = text[start..].chars().take_while(|c| is_key(*c)).collect();
    let key = Some(at_span.as_str())
        .filter(|k| !k.is_empty() && text[start..].trim_start_matches(is_key).trim_start().starts_with('='))
        .or_else(|| this_line.split_once('=').map(|(k, _)| k.trim().trim_matches('"')))
        .filter(|k| !k.is_empty());
    let table = text[..line_start]
        .lines()
        .map(str::trim)
        .rfind(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
    let place = match (table, key) {
        (Some(t), Some(k)) => format!(" ({t} {k})"),
        (None, Some(k)) => format!(" ({k})"),
        (Some(t), None) => format!(" ({t})"),
        (None, None) => String::new(),
    };
    let at = format!("line {line_no}, column {column}{place}");
    if !lines.iter().any(|l| holds_secret(l)) {
        return format!("{at}: {} (line {line_no} reads: {})", hide_tokens(&message), this_line.trim());
    }
    // Neither the line nor its values: the message keeps only what names keys and types.
    let mut message = hide_tokens(&message);
    for l in &lines {
        if let Some((_, value)) = l.split_once('=') {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            if value.len() >= 4 {
                message = message.replace(value, "<hidden>");
            }
        }
    }
    let bot_token = lines.iter().any(|l| hide_tokens(l) != *l);
    let hint = match key.map(str::to_lowercase) {
        _ if bot_token => BOT_TOKEN_HINT,
        Some(k) if k.contains("secret") => {
            "The webhook secret never goes in the config file: set AMITY_WEBHOOK_SECRET, or put it alone in a \
             file readable only by the bot and name that file with webhook_secret_file = \"/etc/amity/webhook-secret\" \
             under [telegram]."
        }
        Some(k) if k.contains("token") && k != "token_file" => BOT_TOKEN_HINT,
        Some(k) if k.contains("pass") && !k.ends_with("_file") => {
            "Passwords never go in the config file: amity reads the Matrix password from the environment \
             (AMITY_MATRIX_PASSWORD) or from the file named by password_file = \"/etc/amity/matrix-password\" under \
             [matrix], readable only by the bot (the store's passphrase likewise: AMITY_MATRIX_STORE_PASSPHRASE or \
             store_passphrase_file)."
        }
        _ => {
            "Secrets never go in the config file: amity reads them from the environment (TELOXIDE_TOKEN, \
             AMITY_WEBHOOK_SECRET, AMITY_MATRIX_PASSWORD) or from the files named by token_file, webhook_secret_file \
             and password_file."
        }
    };
    format!("{at}: {message}. The line is not shown because it holds a secret. {hint}")
}

/// How to give the bot token instead of writing it in the config file.
const BOT_TOKEN_HINT: &str = "The bot token never goes in the config file: set TELOXIDE_TOKEN, or put it alone in a \
     file readable only by the bot and name that file with token_file = \"/etc/amity/telegram-token\" under \
     [telegram]; if others could read this file, revoke the token with @BotFather.";

/// Whether a line of the config file holds a secret (see [`toml_error`]).
fn holds_secret(line: &str) -> bool {
    let l = line.to_lowercase();
    ["token", "secret", "password", "passwd", "api_key", "apikey", "private_key"].iter().any(|w| l.contains(w))
        || hide_tokens(line) != line
}

/// `text` with every run that looks like a Telegram bot token (digits, a colon, 20 or more of
/// `A-Z a-z 0-9 _ -`) replaced by `<hidden>`.
pub fn hide_tokens(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let colon = i + digits;
            if digits >= 5 && b.get(colon) == Some(&b':') {
                let tail = b[colon + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
                    .count();
                if tail >= 20 {
                    out.push_str(&text[copied..i]);
                    out.push_str("<hidden>");
                    i = colon + 1 + tail;
                    copied = i;
                    continue;
                }
            }
            i += digits;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_checks() {
        let text = include_str!("../../config.example.toml");
        let cfg: Config = toml::from_str(text).expect("config.example.toml parses");
        cfg.check().expect("config.example.toml is valid");
    }

    #[test]
    fn bad_settings_are_refused_with_the_setting_named() {
        let cfg: Config = toml::from_str("[office]\ntimezone = \"Mars/Base\"").unwrap();
        assert!(cfg.check().unwrap_err().to_string().contains("office.timezone"));
        assert!(toml::from_str::<Config>("[office]\ntimezon = \"UTC\"").is_err());
        let cfg: Config = toml::from_str("[access]\nadmins = [\"bob\"]").unwrap();
        assert!(cfg.check().unwrap_err().to_string().contains("access.admins"));
    }

    #[test]
    fn bot_tokens_are_hidden_wherever_they_appear() {
        let t = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        assert_eq!(hide_tokens(&format!("x {t}, y")), "x <hidden>, y");
        assert_eq!(hide_tokens("at 12:30, id 123456789"), "at 12:30, id 123456789");
        assert_eq!(hide_tokens("éé 12345:short"), "éé 12345:short");
        assert!(holds_secret(&format!("tokn = \"{t}\"")));
        assert!(holds_secret("webhook_secret = \"abc\""));
        assert!(!holds_secret("poll_timeout_secs = 25"));
    }
}

//! The configuration file (`amity.toml`): every setting has a default, so amity runs with no file at
//! all. `config.example.toml` documents each one. Secrets (bot tokens, passwords) are never read from
//! here directly into logs or `Debug` output.

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
    pub telegram: crate::transport::telegram::TelegramCfg,
    /// `[[digest]]` tables: scheduled summaries (see `digest::spec`).
    #[serde(rename = "digest")]
    pub digests: Vec<crate::digest::DigestCfg>,
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

impl Default for Database {
    fn default() -> Self {
        Database { path: PathBuf::from("amity.db") }
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
        let cfg: Config =
            toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))?;
        cfg.check()?;
        Ok(cfg)
    }

    /// Refuses settings that would fail later: an unknown time zone or language, a malformed admin id.
    pub fn check(&self) -> anyhow::Result<()> {
        self.tz()?;
        if crate::i18n::Lang::parse(&self.office.default_language).is_none() {
            bail!("office.default_language must be \"en\" or \"zh\", not {:?}", self.office.default_language);
        }
        bounded("access.undo_window_hours", self.access.undo_window_hours, UNDO_WINDOW_HOURS, "hours", "24")?;
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
        self.telegram.check()?;
        crate::digest::spec::specs(self)?;
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_checks() {
        let text = include_str!("../config.example.toml");
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
}

//! The `[[digest]]` tables of the configuration, and their checked form [`DigestSpec`]. Every setting is
//! checked when the config is loaded; an error names the digest and the setting.

use super::schedule::Schedule;
use crate::domain::UserKey;
use crate::i18n::Lang;
use anyhow::{Context, bail};
use std::time::Duration;

pub use crate::config::digest::DigestCfg;

/// Where a digest (or a failure report) goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A Telegram channel or group: `@name` or a numeric chat id.
    Telegram(String),
    /// A Matrix room id `!room:server` (or alias `#room:server`).
    Matrix(String),
    /// The terminal (`amity digest run`, tests).
    Console,
    /// A person's private chat, for failure reports to admins.
    User(UserKey),
}

impl Target {
    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim();
        if s == "console" {
            return Some(Target::Console);
        }
        if let Some(t) = s.strip_prefix("telegram:") {
            let ok = if let Some(name) = t.strip_prefix('@') {
                (5..=32).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            } else {
                t.parse::<i64>().is_ok()
            };
            return ok.then(|| Target::Telegram(t.to_string()));
        }
        if let Some(t) = s.strip_prefix("matrix:") {
            // A room id (`!opaque`, with `:server` before room version 12) or an alias (`#name:server`).
            let clean = t.len() > 1 && t.len() <= 255 && !t.contains(|c: char| c.is_whitespace() || c.is_control());
            let ok = clean && (t.starts_with('!') || (t.starts_with('#') && t[1..].contains(':')));
            return ok.then(|| Target::Matrix(t.to_string()));
        }
        None
    }

    /// The stored form (`telegram:@x`, `matrix:!r:s`, `console`, `user:tg:1`).
    pub fn key(&self) -> String {
        match self {
            Target::Telegram(c) => format!("telegram:{c}"),
            Target::Matrix(r) => format!("matrix:{r}"),
            Target::Console => "console".into(),
            Target::User(u) => format!("user:{u}"),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Public,
    Staff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    Latest,
    Each,
}

/// The parts of a digest, in the order the config lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Donations,
    Letters,
    /// Sent letters still awaiting a reply (off by default for public digests).
    Awaiting,
    Events,
    Receptions,
    /// Figures sources published in the period, with how much of each the ledger itemizes.
    Reported,
    Late,
    Totals,
    Chart,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Donations,
        Section::Letters,
        Section::Awaiting,
        Section::Events,
        Section::Receptions,
        Section::Reported,
        Section::Late,
        Section::Totals,
        Section::Chart,
    ];

    /// The sections of a digest whose config names none: all of them, except the letters awaiting a
    /// reply in a public digest (which partners have not answered is the office's business).
    pub fn defaults(audience: Audience) -> Vec<Section> {
        Section::ALL.into_iter().filter(|s| *s != Section::Awaiting || audience == Audience::Staff).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Donations => "donations",
            Section::Letters => "letters",
            Section::Awaiting => "awaiting",
            Section::Events => "events",
            Section::Receptions => "receptions",
            Section::Reported => "reported",
            Section::Late => "late",
            Section::Totals => "totals",
            Section::Chart => "chart",
        }
    }

    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.as_str() == s.trim().to_lowercase())
    }
}

/// A checked digest: everything parsed, nothing left to fail later.
#[derive(Clone, Debug)]
pub struct DigestSpec {
    pub name: String,
    pub target: Target,
    pub schedule: Schedule,
    pub lang: Lang,
    pub audience: Audience,
    pub sections: Vec<Section>,
    pub skip_empty: bool,
    pub catch_up: CatchUp,
    pub retry_for: Duration,
}

impl DigestSpec {
    pub fn has(&self, s: Section) -> bool {
        self.sections.contains(&s)
    }

    pub fn staff(&self) -> bool {
        self.audience == Audience::Staff
    }

    /// Checks one table. `office_tz` and `office_lang` are the defaults.
    pub fn from_cfg(c: &DigestCfg, office_tz: &str, office_lang: &str) -> anyhow::Result<DigestSpec> {
        let name = c.name.trim();
        if name.is_empty() || name.len() > 40 || !name.chars().all(|ch| ch.is_alphanumeric() || "-_".contains(ch)) {
            bail!("digest.name {:?}: use letters, digits, - and _ (at most 40)", c.name);
        }
        let at = |setting: &str| format!("digest {name:?}: {setting}");
        let target = Target::parse(&c.target).with_context(|| {
            format!(
                "{} {:?} is not a target: use telegram:@channel, telegram:-1001234567890, matrix:!room (a room id), matrix:#alias:server or console",
                at("target"),
                c.target
            )
        })?;
        if matches!(target, Target::User(_)) {
            bail!("{} {:?}: not a channel", at("target"), c.target);
        }
        let tz_name = c.timezone.as_deref().unwrap_or(office_tz);
        let tz: chrono_tz::Tz = tz_name.parse().map_err(|_| {
            anyhow::anyhow!("{} {tz_name:?} is not an IANA time zone such as \"Asia/Shanghai\"", at("timezone"))
        })?;
        let schedule = Schedule::new(&c.schedule, tz).map_err(|e| {
            anyhow::anyhow!(
                "{} {:?} is not a cron schedule ({e}); e.g. \"0 9 * * MON\" for Mondays at 09:00",
                at("schedule"),
                c.schedule
            )
        })?;
        let lang_s = c.language.as_deref().unwrap_or(office_lang);
        let lang = Lang::parse(lang_s)
            .with_context(|| format!("{} must be \"en\" or \"zh\", not {lang_s:?}", at("language")))?;
        let audience = match c.audience.trim() {
            "public" => Audience::Public,
            "staff" => Audience::Staff,
            other => bail!("{} must be \"public\" or \"staff\", not {other:?}", at("audience")),
        };
        let sections = match &c.sections {
            None => Section::defaults(audience),
            Some(list) => {
                let mut v = Vec::new();
                for s in list {
                    let sec = Section::parse(s).with_context(|| {
                        format!(
                            "{} {s:?} is not a section; choose from {}",
                            at("sections"),
                            Section::ALL.map(|x| x.as_str()).join(", ")
                        )
                    })?;
                    if !v.contains(&sec) {
                        v.push(sec);
                    }
                }
                if v.is_empty() {
                    bail!("{} is empty", at("sections"));
                }
                v
            }
        };
        let catch_up = match c.catch_up.trim() {
            "latest" => CatchUp::Latest,
            "each" => CatchUp::Each,
            other => bail!("{} must be \"latest\" or \"each\", not {other:?}", at("catch_up")),
        };
        let not_a_duration = || {
            anyhow::anyhow!(
                "{} {:?} is not a duration from \"1s\" to \"7d\" such as \"30m\", \"6h\" or \"2d\"",
                at("retry_for"),
                c.retry_for
            )
        };
        let (n, unit) = split_duration(&c.retry_for).ok_or_else(not_a_duration)?;
        // Only digits: a number that does not parse is too large for a u64.
        let retry_for = match n.parse::<u64>().ok().and_then(|n| n.checked_mul(unit)) {
            Some(0) => return Err(not_a_duration()),
            Some(secs) if secs <= MAX_RETRY_FOR.as_secs() => Duration::from_secs(secs),
            _ => bail!(
                "{} {:?} is too long: at most \"7d\" (a week); e.g. retry_for = \"6h\"",
                at("retry_for"),
                c.retry_for
            ),
        };
        Ok(DigestSpec {
            name: name.to_string(),
            target,
            schedule,
            lang,
            audience,
            sections,
            skip_empty: c.skip_empty,
            catch_up,
            retry_for,
        })
    }
}

/// Checks every `[[digest]]` of a config: each valid, names unique.
pub fn specs(cfg: &crate::Config) -> anyhow::Result<Vec<DigestSpec>> {
    let mut out: Vec<DigestSpec> = Vec::new();
    for c in &cfg.digests {
        let s = DigestSpec::from_cfg(c, &cfg.office.timezone, &cfg.office.default_language)?;
        if out.iter().any(|o| o.name == s.name) {
            bail!("digest.name {:?} is used twice; each digest needs its own name", s.name);
        }
        out.push(s);
    }
    Ok(out)
}

/// The longest `retry_for`: a week (a weekly digest retried longer would overlap the next one).
pub const MAX_RETRY_FOR: Duration = Duration::from_secs(7 * 86_400);

pub use crate::domain::time::parse_duration;
use crate::domain::time::split_duration;

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(extra: &str) -> DigestCfg {
        toml::from_str(&format!(
            "name = \"weekly\"\ntarget = \"telegram:@shanxi_outreach\"\nschedule = \"0 9 * * MON\"\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn targets_parse() {
        assert_eq!(Target::parse("telegram:@shanxi_outreach"), Some(Target::Telegram("@shanxi_outreach".into())));
        assert_eq!(Target::parse("telegram:-1001234567890"), Some(Target::Telegram("-1001234567890".into())));
        assert_eq!(Target::parse("matrix:!abc:example.org"), Some(Target::Matrix("!abc:example.org".into())));
        // Room version 12 ids have no server part.
        assert_eq!(Target::parse("matrix:!Zc3JFuwpWLS-YDyN"), Some(Target::Matrix("!Zc3JFuwpWLS-YDyN".into())));
        assert_eq!(Target::parse("matrix:#outreach:example.org"), Some(Target::Matrix("#outreach:example.org".into())));
        assert_eq!(Target::parse("console"), Some(Target::Console));
        for bad in
            ["telegram:@ab", "telegram:chan", "slack:#x", "matrix:room", "matrix:#alias", "matrix:!", "matrix:! x", ""]
        {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let e = |extra: &str| DigestSpec::from_cfg(&cfg(extra), "Asia/Shanghai", "en").unwrap_err().to_string();
        assert!(e("timezone = \"Mars/Base\"").contains("timezone"));
        assert!(e("language = \"de\"").contains("language"));
        assert!(e("audience = \"all\"").contains("audience"));
        assert!(e("catch_up = \"all\"").contains("catch_up"));
        assert!(e("retry_for = \"soon\"").contains("retry_for"));
        assert!(e("sections = [\"gossip\"]").contains("sections"));
        let mut c = cfg("");
        c.schedule = "0 9 * *".into();
        assert!(DigestSpec::from_cfg(&c, "Asia/Shanghai", "en").unwrap_err().to_string().contains("schedule"));
        c = cfg("");
        c.target = "telegram:nope".into();
        assert!(DigestSpec::from_cfg(&c, "Asia/Shanghai", "en").unwrap_err().to_string().contains("target"));
    }

    #[test]
    fn defaults_come_from_the_office() {
        let s = DigestSpec::from_cfg(&cfg(""), "Asia/Shanghai", "zh").unwrap();
        assert_eq!(s.lang, Lang::Zh);
        assert_eq!(s.schedule.tz(), chrono_tz::Asia::Shanghai);
        assert_eq!(s.audience, Audience::Public);
        assert_eq!(s.catch_up, CatchUp::Latest);
        // Every section but the letters awaiting a reply, which a public digest leaves out by default.
        assert_eq!(s.sections.len(), Section::ALL.len() - 1);
        assert!(!s.has(Section::Awaiting) && s.has(Section::Reported));
        let staff = DigestSpec::from_cfg(&cfg("audience = \"staff\""), "Asia/Shanghai", "zh").unwrap();
        assert_eq!(staff.sections, Section::ALL.to_vec());
        assert_eq!(s.retry_for, Duration::from_secs(6 * 3600));
        assert_eq!(parse_duration("30m"), Some(Duration::from_secs(1800)));
    }

    #[test]
    fn a_retry_for_is_bounded_and_never_overflows() {
        let e = |extra: &str| DigestSpec::from_cfg(&cfg(extra), "Asia/Shanghai", "en").unwrap_err().to_string();
        for huge in ["99999999999d", "8d", "99999999999999999999999s", "18446744073709551615d"] {
            let msg = e(&format!("retry_for = {huge:?}"));
            assert!(msg.contains("retry_for") && msg.contains("7d") && msg.contains("6h"), "{msg}");
        }
        assert!(e("retry_for = \"0s\"").contains("not a duration"));
        assert!(e("retry_for = \"d\"").contains("not a duration"));
        assert_eq!(parse_duration("18446744073709551615d"), None);
        let s = DigestSpec::from_cfg(&cfg("retry_for = \"7d\""), "Asia/Shanghai", "en").unwrap();
        assert_eq!(s.retry_for, MAX_RETRY_FOR);
    }
}

//! One-line forms (`/donation DATE | RECIPIENT | ITEMS | VALUE | donor: …`): splitting into positional
//! fields, `key: value` options and flags, and the field parsers that turn text into domain values with
//! errors in the asker's language.

use super::{CmdError, Ctx};
use crate::domain::money::{self, Currency, ItemLine, Money};
use crate::domain::period::{self, Period};
use chrono::NaiveDate;

/// A parsed one-line form.
#[derive(Debug, Default)]
pub struct Form {
    pub positional: Vec<String>,
    pub options: Vec<(&'static str, String)>,
    pub flags: Vec<&'static str>,
    /// Options given more than once (`| status: shipped | status: pledged`), and `visibility` when
    /// both `internal` and `public` are: the form is refused rather than one silently winning.
    pub repeated: Vec<&'static str>,
}

/// Option keys: canonical name and the words users may type (English, Chinese).
pub type Keys = &'static [(&'static str, &'static [&'static str])];

pub const COMMON_KEYS: Keys =
    &[("note", &["note", "notes", "备注"]), ("source", &["source", "sources", "src", "来源", "出处", "信息来源"])];
pub const FLAGS: Keys = &[("internal", &["internal", "内部"]), ("public", &["public", "公开"])];

impl Form {
    pub fn parse(args: &str, keys: Keys) -> Form {
        let mut f = Form::default();
        if args.trim().is_empty() {
            return f;
        }
        for field in args.split(['|', '｜']) {
            let field = field.trim();
            if let Some(flag) = lookup(FLAGS, field) {
                if !f.flags.is_empty() && !f.flags.contains(&flag) {
                    f.repeated.push("visibility");
                }
                f.flags.push(flag);
                continue;
            }
            if let Some((k, v)) = field.split_once([':', '：'])
                && let Some(key) = lookup(keys, k).or_else(|| lookup(COMMON_KEYS, k))
            {
                if f.options.iter().any(|(o, _)| *o == key) {
                    f.repeated.push(key);
                }
                f.options.push((key, v.trim().to_string()));
                continue;
            }
            f.positional.push(field.to_string());
        }
        // A trailing empty field ("… | ") is not a field.
        while f.positional.last().is_some_and(|s| s.is_empty()) {
            f.positional.pop();
        }
        f
    }

    pub fn opt(&self, key: &str) -> Option<&str> {
        self.options.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    pub fn pos(&self, i: usize) -> Option<&str> {
        self.positional.get(i).map(String::as_str).filter(|s| !s.is_empty())
    }
}

fn lookup(keys: Keys, word: &str) -> Option<&'static str> {
    let w = word.trim().to_lowercase();
    let w = w.replace(['_', '-'], " ");
    keys.iter().find(|(_, words)| words.iter().any(|x| x.replace(['_', '-'], " ") == w)).map(|(k, _)| *k)
}

/// Strips one pair of surrounding quotes ("…", “…”, «…», 「…」).
pub fn unquote(s: &str) -> String {
    let s = s.trim();
    for (a, b) in [('"', '"'), ('“', '”'), ('«', '»'), ('「', '」'), ('\'', '\''), ('‘', '’')] {
        if let Some(inner) = s.strip_prefix(a).and_then(|r| r.strip_suffix(b)) {
            return inner.trim().to_string();
        }
    }
    s.to_string()
}

/// Splits a list field: `A, B, C` (also `，`, `、`, `;`).
pub fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// Limits on free text, so that one entry cannot hold a novel.
pub const MAX_TEXT: usize = 2000;
pub const MAX_NAME: usize = 200;

impl Ctx<'_> {
    /// An error about one field of a command, with the command's usage and an example.
    pub fn bad_field(&self, usage: &str, field: &str, reason: String) -> CmdError {
        let message = self.t(
            "err-field",
            &[("field", self.field_name(field)), ("reason", reason.clone()), ("usage", self.t(usage, &[]))],
        );
        CmdError::Field { field: field.to_string(), reason: Some(reason), error: Box::new(CmdError::Invalid(message)) }
    }

    /// A field's name as the asker's form shows it: `DATE` in English, `日期` in Chinese. Names without
    /// a translation (`#5`, option keys) stay as they are.
    pub(crate) fn field_name(&self, field: &str) -> String {
        let slug: String = field
            .trim_end_matches(':')
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let id = format!("field-{slug}");
        if crate::i18n::has(self.lang, &id) { self.t(&id, &[]) } else { field.to_string() }
    }

    /// A one-line form typed with spaces where its fields need `|` (`/donation 2020-03-23 Mantova 500
    /// masks`, also with options after a `|`): a single field of several words, where the form needs
    /// more than one field. Said as that, not as a date that is not understood. A single word is left
    /// to the next field's "missing".
    pub fn unseparated(&self, usage: &str, form: &Form) -> Result<(), CmdError> {
        match form.positional.as_slice() {
            [only] if only.split_whitespace().nth(1).is_some() => Err(CmdError::Invalid(
                self.t("err-form-unseparated", &[("input", only.clone()), ("usage", self.t(usage, &[]))]),
            )),
            _ => Ok(()),
        }
    }

    pub fn missing_field(&self, usage: &str, field: &str) -> CmdError {
        let message = self.t("err-missing-field", &[("field", self.field_name(field)), ("usage", self.t(usage, &[]))]);
        CmdError::Field { field: field.to_string(), reason: None, error: Box::new(CmdError::Invalid(message)) }
    }

    pub fn date(&self, usage: &str, s: &str) -> Result<NaiveDate, CmdError> {
        self.date_of(usage, "DATE", s)
    }

    /// A date in the field `field` (errors name it).
    pub fn date_of(&self, usage: &str, field: &str, s: &str) -> Result<NaiveDate, CmdError> {
        period::parse_date(s, self.today).map_err(|e| self.bad_field(usage, field, self.t(e.msg_id(), &e.args())))
    }

    pub fn period(&self, s: &str) -> Result<Period, CmdError> {
        period::parse_period(s, self.today).map_err(|e| CmdError::Invalid(self.t(e.msg_id(), &e.args())))
    }

    /// Splits "`[FILTER] [PERIOD]`".
    pub fn filter_and_period(&self, args: &str) -> Result<(String, Period), CmdError> {
        let (filter, period) =
            period::split_period(args, self.today).map_err(|e| CmdError::Invalid(self.t(e.msg_id(), &e.args())))?;
        Ok((filter, period.unwrap_or_else(Period::all)))
    }

    pub fn items(&self, usage: &str, s: &str) -> Result<Vec<ItemLine>, CmdError> {
        if s.trim() == "-" {
            return Ok(Vec::new());
        }
        money::parse_items(s).map_err(|e| self.bad_field(usage, "ITEMS", self.t(e.msg_id(), &e.args())))
    }

    pub fn value(&self, usage: &str, s: &str) -> Result<Option<Money>, CmdError> {
        money::parse_value(s).map_err(|e| self.bad_field(usage, "VALUE", self.t(e.msg_id(), &e.args())))
    }

    pub fn quantity(&self, usage: &str, field: &str, s: &str) -> Result<u64, CmdError> {
        money::parse_quantity(s).map_err(|e| self.bad_field(usage, field, self.t(e.msg_id(), &e.args())))
    }

    pub fn currency(&self, s: &str) -> Result<Currency, CmdError> {
        let s = s.trim();
        Currency::from_code(s)
            .or_else(|| money::parse_value(&format!("1 {s}")).ok().flatten().map(|m| m.currency))
            .ok_or_else(|| self.invalid("err-unknown-currency", &[("input", s.to_string())]))
    }

    /// Free text with a length limit.
    pub fn text(&self, usage: &str, field: &str, s: &str, max: usize) -> Result<String, CmdError> {
        let s = s.trim();
        if s.chars().count() > max {
            return Err(self.bad_field(usage, field, self.t("err-text-too-long", &[("max", max.to_string())])));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(self.bad_field(usage, field, self.t("err-control-chars", &[])));
        }
        Ok(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: Keys =
        &[("donor", &["donor", "捐赠方"]), ("from", &["from"]), ("reply to", &["reply to", "in reply to", "回复"])];

    #[test]
    fn forms_split_fields_options_and_flags() {
        let f = Form::parse(
            "2020-05-31 | Mantova | 100 goggles | ¥38,500 | donor: Education Dept | internal | note: x: y",
            KEYS,
        );
        assert_eq!(f.positional, vec!["2020-05-31", "Mantova", "100 goggles", "¥38,500"]);
        assert_eq!(f.opt("donor"), Some("Education Dept"));
        assert_eq!(f.opt("note"), Some("x: y"));
        assert!(f.has_flag("internal"));
    }

    #[test]
    fn a_quote_with_a_colon_stays_positional() {
        let f = Form::parse("2020-04-02 | received | NRW | from: Armin Laschet | \"Note: friends\"", KEYS);
        assert_eq!(f.positional.len(), 4);
        assert_eq!(unquote(&f.positional[3]), "Note: friends");
    }

    #[test]
    fn reply_to_option_accepts_spaces_and_dashes() {
        let f = Form::parse("x | reply-to: L-3", KEYS);
        assert_eq!(f.opt("reply to"), Some("L-3"));
    }
}

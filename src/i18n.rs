//! Languages and the message catalogue: every word amity says comes from `locales/<lang>/*.ftl`
//! (Project Fluent), so English and Chinese replies stay in step. Numbers, names and dates are
//! formatted by the caller and passed in as string arguments.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// "en", "zh", and what clients send: "en-US", "zh-hans", "zh_CN", "中文", "english".
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_lowercase();
        if s.starts_with("zh") || s == "中文" || s == "chinese" || s == "汉语" || s == "cn" {
            Some(Lang::Zh)
        } else if s.starts_with("en") || s == "英文" || s == "english" {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

macro_rules! ftl_files {
    ($lang:literal: $($name:literal),+) => {
        &[$( (concat!($lang, "/", $name), include_str!(concat!("../locales/", $lang, "/", $name))) ),+]
    };
}

const EN: &[(&str, &str)] = ftl_files!("en": "main.ftl", "country.ftl", "money.ftl", "period.ftl", "telegram.ftl", "digest.ftl", "matrix.ftl", "reported.ftl", "import.ftl");
const ZH: &[(&str, &str)] = ftl_files!("zh": "main.ftl", "country.ftl", "money.ftl", "period.ftl", "telegram.ftl", "digest.ftl", "matrix.ftl", "reported.ftl", "import.ftl");

type Bundle = FluentBundle<FluentResource>;

fn build(lang: &str, files: &[(&str, &str)]) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(grouped));
    for (name, text) in files {
        let res = match FluentResource::try_new((*text).to_string()) {
            Ok(r) => r,
            Err((r, errs)) => {
                log::error!("{name}: {} Fluent syntax errors, first: {:?}", errs.len(), errs.first());
                r
            }
        };
        if let Err(errs) = bundle.add_resource(res) {
            log::error!("{name}: duplicate messages: {errs:?}");
        }
    }
    bundle
}

/// Whole numbers (the counts of `t`) with thousands separators, in both languages as the money and
/// quantities are written ("3,000 donations", "共 3,000 笔"): fluent-bundle writes them bare.
fn grouped<M>(v: &FluentValue, _: &M) -> Option<String> {
    let FluentValue::Number(n) = v else { return None };
    if n.value.fract() != 0.0 || n.value.abs() >= 1e15 || n.value.abs() < 1000.0 {
        return None;
    }
    let digits = (n.value.abs() as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    Some(out)
}

static BUNDLES: LazyLock<[Bundle; 2]> = LazyLock::new(|| [build("en", EN), build("zh", ZH)]);

fn bundle(lang: Lang) -> &'static Bundle {
    &BUNDLES[lang as usize]
}

/// Looks a message up and fills in its arguments. A missing message yields `⟨id⟩` (and an error in
/// the log) rather than a panic; tests check that no reply contains one.
pub fn t(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    let b = bundle(lang);
    let Some(msg) = b.get_message(id) else {
        log::error!("missing message {id} for {}", lang.code());
        return format!("⟨{id}⟩");
    };
    let Some(pattern) = msg.value() else {
        return format!("⟨{id}⟩");
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        // Arguments named `count` or `n_*` are numbers, so plural selectors work; everything else,
        // ids included, is text shown exactly as given.
        let numeric = *k == "count" || k.starts_with("n_");
        match v.parse::<i64>() {
            Ok(n) if numeric => fargs.set(*k, FluentValue::from(n)),
            _ => fargs.set(*k, FluentValue::from(v.clone())),
        }
    }
    let mut errors = vec![];
    let out = b.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        log::error!("message {id} ({}): {errors:?}", lang.code());
    }
    out.into_owned()
}

/// Whether a language has a message.
pub fn has(lang: Lang, id: &str) -> bool {
    bundle(lang).has_message(id)
}

/// Every message id of a language (for the catalogue consistency test).
pub fn message_ids(lang: Lang) -> Vec<String> {
    let files = match lang {
        Lang::En => EN,
        Lang::Zh => ZH,
    };
    let mut ids = Vec::new();
    for (_, text) in files {
        if let Ok(res) = FluentResource::try_new((*text).to_string()) {
            for entry in res.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_string());
                }
            }
        }
    }
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let en = message_ids(Lang::En);
        let zh = message_ids(Lang::Zh);
        let missing_zh: Vec<_> = en.iter().filter(|i| !zh.contains(i)).collect();
        let missing_en: Vec<_> = zh.iter().filter(|i| !en.contains(i)).collect();
        assert!(missing_zh.is_empty(), "missing in zh: {missing_zh:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(en.len() > 50);
    }

    #[test]
    fn counts_of_a_thousand_and_more_are_grouped_in_both_languages() {
        // "3000 donations" was written bare beside "4,501,500 masks".
        let en = t(Lang::En, "donations-unvalued", &[("count", "3000".into())]);
        assert!(en.starts_with("3,000 donations are"), "{en}");
        let zh = t(Lang::Zh, "donations-unvalued", &[("count", "1234567".into())]);
        assert!(zh.contains("1,234,567"), "{zh}");
        assert!(t(Lang::En, "donations-unvalued", &[("count", "999".into())]).starts_with("999 donations"));
        assert!(t(Lang::En, "donations-unvalued", &[("count", "1".into())]).starts_with("One donation"));
        // Text arguments (ids, years) are never numbers, so never grouped.
        let title = t(Lang::En, "totals-title", &[("period", "2020".into())]);
        assert_eq!(title, "Totals · 2020");
    }

    #[test]
    fn languages_parse_from_client_codes() {
        assert_eq!(Lang::parse("zh-hans"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("中文"), Some(Lang::Zh));
        assert_eq!(Lang::parse("de"), None);
    }
}

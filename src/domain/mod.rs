//! Pure domain types: records, money, countries, periods and people. "Parse, don't validate": every type
//! here is built by a constructor that refuses bad input, so holding one means it is valid. No I/O.

pub mod country;
pub mod money;
pub mod period;
pub mod records;
pub mod reported;
pub mod text;
pub mod time;
pub mod user;

pub use country::CountryCode;
pub use money::{Currency, ItemLine, Money};
pub use period::Period;
pub use records::*;
pub use reported::{Reported, ReportedOf};
pub use user::{Role, UserKey};

/// A name as it is kept: NFKC-normalised (full-width and compatibility forms folded), invisible
/// format characters (zero-width spaces and joiners, bidi controls, soft hyphens: Unicode category
/// Cf) removed, runs of white space folded into one space, trimmed.
pub fn clean_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let visible: String = s.nfkc().filter(|c| c.general_category() != GeneralCategory::Format).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises a name for lookups: [`clean_name`], then lower case, accents and other scripts'
/// diacritics removed (Latin letters only; CJK, [`text::is_cjk`], kept as is), punctuation and runs of
/// spaces folded into one space.
pub fn norm_name(s: &str) -> String {
    let s = clean_name(s);
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars().take(500) {
        let piece: std::borrow::Cow<'_, str> = if ch.is_ascii() {
            std::borrow::Cow::Owned(ch.to_string())
        } else if ch.is_alphabetic() && !text::is_cjk(ch) {
            let d = deunicode::deunicode_char(ch).unwrap_or("");
            if d.is_empty() || d.chars().any(|c| !c.is_ascii_alphanumeric()) {
                std::borrow::Cow::Owned(ch.to_lowercase().to_string())
            } else {
                std::borrow::Cow::Borrowed(d)
            }
        } else {
            std::borrow::Cow::Owned(ch.to_string())
        };
        for c in piece.chars() {
            if c.is_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_lowercase());
            } else {
                space = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::norm_name;

    #[test]
    fn names_fold_case_accents_and_punctuation() {
        assert_eq!(norm_name("Nordrhein-Westfalen"), "nordrhein westfalen");
        assert_eq!(norm_name("  Nordrhein   Westfalen "), "nordrhein westfalen");
        assert_eq!(norm_name("São Paulo"), "sao paulo");
        assert_eq!(norm_name("北威州"), "北威州");
        assert_eq!(norm_name("Malaysia-China Association (Sabah)"), "malaysia china association sabah");
        assert_eq!(norm_name("Man\u{200B}tova"), "mantova");
        assert_eq!(norm_name("\u{202E}Mantova\u{202C}"), "mantova");
        assert_eq!(norm_name("Ｍａｎｔｏｖａ"), "mantova");
    }
}

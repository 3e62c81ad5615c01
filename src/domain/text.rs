//! Character classes the parsers and the name folding share, defined once: which characters are CJK
//! (Chinese, Japanese and Korean writing, with its punctuation and full-width forms), and how a
//! full-width form folds to the ordinary character it stands for.
//!
//! Both answer per character, so every parser can keep its own loop: the money parser (a quantity may
//! follow a CJK character with no space, `口罩5万个`; `50,000个口罩` is written without spaces), the
//! period parser (a period may start right after a CJK character, `德国2020年`) and the name lookup
//! key ([`super::norm_name`] folds Latin letters to ASCII but keeps CJK as it is).
//!
//! Full-width folding is Unicode's own compatibility mapping (the `unicode-normalization` crate), kept
//! to the full-width forms: a whole-text NFKC would also turn `²` into `2` or `½` into `1⁄2`, which a
//! parser of amounts must not do. Names, which do want every compatibility form folded, are NFKC'd
//! whole by [`super::clean_name`]; on the full-width forms the two agree (a test checks it).

/// The CJK blocks of Unicode, ascending and disjoint: the Han, kana, Hangul and Bopomofo scripts with
/// their radicals, strokes, marks, punctuation, enclosed and compatibility forms, and the half-width and
/// full-width forms. Block names and ranges are the Unicode Character Database's (`Blocks.txt`); a
/// block is listed whole, including code points not yet assigned in it.
pub const CJK_BLOCKS: &[(char, char, &str)] = &[
    ('\u{1100}', '\u{11FF}', "Hangul Jamo"),
    ('\u{2E80}', '\u{2EFF}', "CJK Radicals Supplement"),
    ('\u{2F00}', '\u{2FDF}', "Kangxi Radicals"),
    ('\u{2FF0}', '\u{2FFF}', "Ideographic Description Characters"),
    ('\u{3000}', '\u{303F}', "CJK Symbols and Punctuation"),
    ('\u{3040}', '\u{309F}', "Hiragana"),
    ('\u{30A0}', '\u{30FF}', "Katakana"),
    ('\u{3100}', '\u{312F}', "Bopomofo"),
    ('\u{3130}', '\u{318F}', "Hangul Compatibility Jamo"),
    ('\u{3190}', '\u{319F}', "Kanbun"),
    ('\u{31A0}', '\u{31BF}', "Bopomofo Extended"),
    ('\u{31C0}', '\u{31EF}', "CJK Strokes"),
    ('\u{31F0}', '\u{31FF}', "Katakana Phonetic Extensions"),
    ('\u{3200}', '\u{32FF}', "Enclosed CJK Letters and Months"),
    ('\u{3300}', '\u{33FF}', "CJK Compatibility"),
    ('\u{3400}', '\u{4DBF}', "CJK Unified Ideographs Extension A"),
    ('\u{4E00}', '\u{9FFF}', "CJK Unified Ideographs"),
    ('\u{A960}', '\u{A97F}', "Hangul Jamo Extended-A"),
    ('\u{AC00}', '\u{D7AF}', "Hangul Syllables"),
    ('\u{D7B0}', '\u{D7FF}', "Hangul Jamo Extended-B"),
    ('\u{F900}', '\u{FAFF}', "CJK Compatibility Ideographs"),
    ('\u{FE10}', '\u{FE1F}', "Vertical Forms"),
    ('\u{FE30}', '\u{FE4F}', "CJK Compatibility Forms"),
    ('\u{FE50}', '\u{FE6F}', "Small Form Variants"),
    ('\u{FF00}', '\u{FFEF}', "Halfwidth and Fullwidth Forms"),
    ('\u{16FE0}', '\u{16FFF}', "Ideographic Symbols and Punctuation"),
    ('\u{1AFF0}', '\u{1AFFF}', "Kana Extended-B"),
    ('\u{1B000}', '\u{1B0FF}', "Kana Supplement"),
    ('\u{1B100}', '\u{1B12F}', "Kana Extended-A"),
    ('\u{1B130}', '\u{1B16F}', "Small Kana Extension"),
    ('\u{1F200}', '\u{1F2FF}', "Enclosed Ideographic Supplement"),
    ('\u{20000}', '\u{2FFFF}', "Supplementary Ideographic Plane (CJK Extensions B to F, I; compatibility supplement)"),
    ('\u{30000}', '\u{3FFFF}', "Tertiary Ideographic Plane (CJK Extensions G, H)"),
];

/// Whether `c` is CJK: in one of the [`CJK_BLOCKS`]. Letters (`中`, `あ`, `한`), marks and punctuation
/// (`々`, `、`, `」`) and full-width forms (`，`, `Ａ`) alike: the characters of writing that puts no
/// space between words.
pub fn is_cjk(c: char) -> bool {
    // Everything below the first block (ASCII, Latin, Cyrillic, ...) answers at once.
    if c < CJK_BLOCKS[0].0 {
        return false;
    }
    CJK_BLOCKS
        .binary_search_by(|&(lo, hi, _)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether `c` is a full-width form: the ideographic space and the Fullwidth Forms (U+FF01–U+FF60,
/// U+FFE0–U+FFE6), whose compatibility mapping in Unicode is tagged `<wide>`.
pub fn is_full_width(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}')
}

/// A full-width form folded to the character it is a wide variant of, by Unicode's compatibility
/// decomposition: `Ａ` → `A`, `１` → `1`, `，` → `,`, `～` → `~`, `￥` → `¥`, `￡` → `£`, `￦` → `₩`, the
/// ideographic space → a space. Any other character, and the one full-width form that decomposes into
/// two (`￣`, a spacing macron), comes back as it is.
pub fn fold_full_width(c: char) -> char {
    if !is_full_width(c) {
        return c;
    }
    let mut folded = None;
    let mut count = 0;
    unicode_normalization::char::decompose_compatible(c, |d| {
        folded = Some(d);
        count += 1;
    });
    match folded {
        Some(d) if count == 1 => d,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=u32::from(char::MAX)).filter_map(char::from_u32)
    }

    #[test]
    fn the_block_table_is_ascending_and_disjoint() {
        for (lo, hi, name) in CJK_BLOCKS {
            assert!(lo <= hi, "{name}");
        }
        for w in CJK_BLOCKS.windows(2) {
            assert!(w[0].1 < w[1].0, "{} overlaps or precedes {}", w[1].2, w[0].2);
        }
    }

    #[test]
    fn cjk_is_exactly_the_blocks() {
        for c in every_char() {
            let listed = CJK_BLOCKS.iter().any(|&(lo, hi, _)| (lo..=hi).contains(&c));
            assert_eq!(is_cjk(c), listed, "{c:?} U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn cjk_letters_marks_and_punctuation() {
        for c in [
            '中', '国', '北', '㐀', '𠮷', '丽', 'あ', 'ア', 'ｱ', 'ー', '한', 'ᄀ', 'ㄱ', 'ㄅ', '々', '〇', '、', '。',
            '「', '」', '《', '》', '，', '：', 'Ａ', '１', '￥', '㎏', '㈱', '⼀', '㇀', '︰', '﹐', '\u{3000}',
        ] {
            assert!(is_cjk(c), "{c:?}");
        }
        for c in [
            'a', 'Z', '0', ' ', '¥', '€', 'é', 'ß', 'Ж', 'α', 'א', 'ع', 'क', 'ก', '—', '…', '×', '😀', 'ꀀ',
            '\u{FEFF}', '\u{2212}',
        ] {
            assert!(!is_cjk(c), "{c:?}");
        }
    }

    #[test]
    fn full_width_forms_fold_to_what_they_widen() {
        let cases = [
            ('Ａ', 'A'),
            ('ｚ', 'z'),
            ('０', '0'),
            ('９', '9'),
            ('，', ','),
            ('．', '.'),
            ('：', ':'),
            ('｜', '|'),
            ('～', '~'),
            ('！', '!'),
            ('＄', '$'),
            ('￥', '¥'),
            ('￡', '£'),
            ('￦', '₩'),
            ('￠', '¢'),
            ('｟', '⦅'),
            ('\u{3000}', ' '),
        ];
        for (wide, plain) in cases {
            assert_eq!(fold_full_width(wide), plain, "{wide:?}");
        }
        // The printable ASCII range, all of it, is U+FF01–U+FF5E shifted.
        for c in '\u{FF01}'..='\u{FF5E}' {
            assert_eq!(u32::from(fold_full_width(c)), u32::from(c) - 0xFEE0, "{c:?}");
        }
    }

    #[test]
    fn nothing_but_full_width_forms_is_folded() {
        // Not even other compatibility forms: a superscript is not a digit, half-width kana stay.
        for c in ['²', '½', '①', 'ﬁ', '㎏', 'ｱ', '｡', 'Ⅻ', '™', '\u{00A0}', '￣', 'a', '中', '¥', '〜']
        {
            assert_eq!(fold_full_width(c), c, "{c:?}");
        }
        for c in every_char().filter(|&c| !is_full_width(c)) {
            assert_eq!(fold_full_width(c), c, "{c:?}");
        }
    }

    #[test]
    fn folding_agrees_with_nfkc_and_the_folded_form_is_not_cjk() {
        // What the name folding (NFKC of the whole name) does to a full-width form is what the parsers'
        // folding does, and the folded character is an ordinary one.
        for c in every_char().filter(|&c| is_full_width(c) && c != '￣') {
            let nfkc: String = c.to_string().nfkc().collect();
            assert_eq!(nfkc, fold_full_width(c).to_string(), "{c:?}");
            assert!(is_cjk(c), "{c:?}");
            assert!(!is_cjk(fold_full_width(c)), "{c:?}");
        }
    }
}

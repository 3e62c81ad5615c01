//! The country table: ISO 3166-1 codes, display names and name resolution.
//!
//! Every country, territory and region the ledger can refer to is identified by a
//! [`CountryCode`] (ISO 3166-1 alpha-2, always uppercase and always one of the
//! entries of [`all`]). The data comes from the `keshvar` crate (all countries,
//! with its `translations` feature) plus a few curated tables kept in this module:
//!
//! * display names: [`CountryCode::name_en`] is a short, common English name and
//!   [`CountryCode::name_zh`] a Simplified Chinese one. keshvar's `en` / `zh_CN`
//!   translations are used unless an override below applies (long official forms
//!   such as "Russian Federation" are shortened, a few Chinese names that used
//!   Taiwan/Hong Kong usage or wrong characters are corrected). Following the
//!   naming this office uses, Taiwan, Hong Kong and Macao are shown as
//!   "Taiwan, China" / "中国台湾", "Hong Kong SAR, China" / "中国香港" and
//!   "Macao SAR, China" / "中国澳门".
//! * name resolution: [`resolve`] maps any common name to a code: alpha-2 and
//!   alpha-3 codes, IOC codes, English short/long/unofficial names, native names,
//!   the translations in every language keshvar ships (Deutschland, Allemagne,
//!   德国, 德國, ...), and a curated alias list for well-known short forms keshvar
//!   lacks (ROK, UK, USA, Ivory Coast, Holland, UAE, ...).
//! * [`suggest`] offers the closest countries for a misspelled name (Jaro-Winkler
//!   and optimal-string-alignment distance over the same names), and [`parse`]
//!   wraps both into a [`CountryError`] that carries Fluent message ids/arguments
//!   (`locales/*/country.ftl`).
//!
//! # Normalization
//!
//! Both the stored names and the user input go through the same normalization:
//! Latin letters lose their diacritics (`São Tomé` = `Sao Tome`, `ß` = `ss`),
//! everything is lowercased, `&` reads as `and`, punctuation and whitespace are
//! dropped (so `Cote d'Ivoire`, `Côte d’Ivoire` and `cote divoire` are the same
//! key), a leading `the` is ignored, and `St`/`St.` at the start may stand for
//! `Saint`. Non-Latin scripts (Chinese, Cyrillic, Arabic, ...) are kept as they
//! are, only lowercased.
//!
//! # Collision rule
//!
//! Different sources sometimes produce the same key for two countries (a
//! two-letter code that is also a word somewhere, a translation in one language
//! that equals another country's English name, "Kongo" for both Congos, ...).
//! Every name is indexed with a priority tier, and a key belongs to the country
//! of the best (lowest) tier that claims it:
//!
//! 1. ISO alpha-2 and alpha-3 codes, and this module's curated aliases;
//! 2. English names (display name, keshvar's `en` translation, ISO short and long names);
//! 3. Chinese names (display name and keshvar's `zh_CN` / `zh_HK` / `zh_TW`);
//! 4. keshvar's unofficial names and IOC codes;
//! 5. translations in all other languages.
//!
//! If two *different* countries claim the same key within the same (best) tier,
//! the key is ambiguous and [`resolve`] returns `None` for it; [`suggest`] still
//! offers both countries. So codes and English names always win over
//! translations, and an ambiguous translation never silently picks a side.
//!
//! The display names and the name index are built once each, lazily, on first use
//! ([`std::sync::LazyLock`]): replies that only name countries never build the index.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// ISO 3166-1 alpha-2 code, always uppercase and valid.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct CountryCode([u8; 2]);

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        CountryCode::from_alpha2(&code).ok_or_else(|| serde::de::Error::custom(format!("not a country code: {code}")))
    }
}

impl CountryCode {
    /// Exact alpha-2 code, case-insensitive; `None` unless it is a real country in the table.
    pub fn from_alpha2(s: &str) -> Option<CountryCode> {
        let b = s.as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let code = CountryCode([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]);
        entry(code).map(|_| code)
    }

    /// The alpha-2 code, e.g. `"DE"`.
    pub fn as_str(&self) -> &str {
        // Always two ASCII uppercase letters (checked on construction).
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Short, common English name, e.g. "Germany", "South Korea", "Czechia".
    pub fn name_en(&self) -> &'static str {
        entry(*self).map_or("", |e| e.name_en)
    }

    /// Simplified Chinese common name, e.g. "德国", "韩国", "捷克".
    pub fn name_zh(&self) -> &'static str {
        entry(*self).map_or("", |e| e.name_zh)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Resolve any common name of a country (see the module docs for what is accepted
/// and how collisions are settled). Returns `None` for unknown or ambiguous input.
pub fn resolve(input: &str) -> Option<CountryCode> {
    // No indexed name is anywhere near this long; don't bother normalizing huge input.
    if input.len() > MAX_RESOLVE_BYTES {
        return None;
    }
    let tokens = tokens(input);
    let index = &*INDEX;
    if let Some(code) = index.exact(&join_tokens(&tokens)) {
        return Some(code);
    }
    // "St Lucia", "St. Kitts and Nevis", "Ste ..." -> "Saint ..."
    let first = tokens.first().map(String::as_str);
    if tokens.len() > 1 && matches!(first, Some("st" | "ste")) {
        let mut t = tokens.clone();
        t[0] = if first == Some("st") { "saint" } else { "sainte" }.to_string();
        return index.exact(&join_tokens(&t));
    }
    None
}

/// Up to `n` closest countries for an unknown input, best first, no duplicates.
///
/// Scores are the best Jaro-Winkler / normalized optimal-string-alignment similarity
/// between the (normalized, truncated to 64 characters) input and any
/// indexed name of the country; countries scoring below a threshold are not offered.
/// Only candidates within a small margin of the best score are offered (so "Germny"
/// gives Germany, not also Grenada). An input that [`resolve`]s exactly yields that
/// country first.
pub fn suggest(input: &str, n: usize) -> Vec<CountryCode> {
    if n == 0 {
        return Vec::new();
    }
    // Truncate before normalizing so huge inputs cost nothing.
    let head: String = input.chars().take(MAX_FUZZY_CHARS * 2).collect();
    let key: String = normalize(&head).chars().take(MAX_FUZZY_CHARS).collect();
    if key.is_empty() {
        return Vec::new();
    }
    let key_len = key.chars().count();
    let key_ascii = key.is_ascii();
    let index = &*INDEX;
    let mut best: HashMap<CountryCode, f64> = HashMap::new();
    if let Some(code) = resolve(&head) {
        best.insert(code, 1.0);
    }
    for k in index.keys.iter().filter(|k| k.fuzzy) {
        let (name, name_len) = (index.name(k), usize::from(k.chars));
        // Cheap pre-filters: Latin input is only compared with Latin names (and other
        // scripts with non-Latin names); very different lengths cannot score well.
        if name.is_ascii() != key_ascii || name_len > key_len * 3 + 2 || key_len > name_len * 3 + 2 {
            continue;
        }
        let score = similarity(&key, name, key_len, name_len);
        let threshold = if key_ascii { SUGGEST_THRESHOLD } else { SUGGEST_THRESHOLD_NON_LATIN };
        if score < threshold {
            continue;
        }
        for code in index.countries(k) {
            let slot = best.entry(*code).or_insert(0.0);
            if score > *slot {
                *slot = score;
            }
        }
    }
    let mut ranked: Vec<(CountryCode, f64)> = best.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // Only offer candidates that are nearly as good as the best one.
    let cutoff = ranked.first().map_or(0.0, |(_, s)| s - SUGGEST_SPREAD);
    ranked.into_iter().take_while(|(_, s)| *s >= cutoff).take(n).map(|(c, _)| c).collect()
}

/// Every country, ordered by code.
pub fn all() -> impl Iterator<Item = CountryCode> {
    NAMES.iter().map(|e| e.code)
}

/// Error for parsing a user-supplied country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryError {
    /// Nothing matched `input`; `suggestions` are the closest countries (may be empty).
    Unknown { input: String, suggestions: Vec<CountryCode> },
}

impl CountryError {
    /// Fluent message id (`locales/*/country.ftl`).
    pub fn msg_id(&self) -> &'static str {
        match self {
            CountryError::Unknown { suggestions, .. } if suggestions.is_empty() => "country-unknown-no-suggestions",
            CountryError::Unknown { .. } => "country-unknown",
        }
    }

    /// Fluent arguments: `input` (what the user typed, trimmed and capped at 64
    /// characters), `suggestions` (English, e.g. "Germany (DE), Austria (AT)") and
    /// `suggestions_zh` (Chinese, e.g. "德国 (DE)、奥地利 (AT)").
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CountryError::Unknown { input, suggestions } => vec![
                ("input", display_input(input)),
                ("suggestions", join_names(suggestions, CountryCode::name_en, ", ")),
                ("suggestions_zh", join_names(suggestions, CountryCode::name_zh, "、")),
            ],
        }
    }
}

impl fmt::Display for CountryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountryError::Unknown { input, suggestions } if suggestions.is_empty() => {
                write!(f, "unknown country \"{}\"", display_input(input))
            }
            CountryError::Unknown { input, suggestions } => write!(
                f,
                "unknown country \"{}\"; did you mean {}?",
                display_input(input),
                join_names(suggestions, CountryCode::name_en, ", ")
            ),
        }
    }
}

impl std::error::Error for CountryError {}

/// Parse a user-supplied country: [`resolve`], or an error with up to 3 suggestions.
pub fn parse(input: &str) -> Result<CountryCode, CountryError> {
    resolve(input)
        .ok_or_else(|| CountryError::Unknown { input: input.trim().to_string(), suggestions: suggest(input, 3) })
}

/// Input is cut to this many characters before fuzzy matching in [`suggest`].
const MAX_FUZZY_CHARS: usize = 64;
/// Inputs longer than this (in bytes) never resolve.
const MAX_RESOLVE_BYTES: usize = 1024;
/// Minimum similarity (0..=1) for a country to be suggested.
const SUGGEST_THRESHOLD: f64 = 0.78;
/// Lower bar for non-Latin input: Chinese names are 2-4 characters, where one wrong
/// character (德过 for 德国) already costs a lot of similarity.
const SUGGEST_THRESHOLD_NON_LATIN: f64 = 0.69;
/// Candidates scoring more than this below the best candidate are not offered.
const SUGGEST_SPREAD: f64 = 0.12;

fn display_input(input: &str) -> String {
    let t = input.trim();
    let mut s: String = t.chars().take(64).collect();
    if s.len() < t.len() {
        s.push('…');
    }
    s
}

fn join_names(codes: &[CountryCode], name: fn(&CountryCode) -> &'static str, sep: &str) -> String {
    codes.iter().map(|c| format!("{} ({})", name(c), c)).collect::<Vec<_>>().join(sep)
}

fn similarity(a: &str, b: &str, a_len: usize, b_len: usize) -> f64 {
    // Jaro-Winkler without strsim's "jaro > 0.7" gate on the prefix bonus, so that
    // short names with a shared first character (德过 / 德国) still get it.
    let jaro = strsim::jaro(a, b);
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).take(4).count();
    let jw = jaro + prefix as f64 * 0.1 * (1.0 - jaro);
    let max = a_len.max(b_len);
    let osa = if max == 0 { 1.0 } else { 1.0 - strsim::osa_distance(a, b) as f64 / max as f64 };
    jw.max(osa)
}

// ---------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------

/// Normalized lookup key: see the module docs.
fn normalize(s: &str) -> String {
    join_tokens(&tokens(s))
}

fn join_tokens(tokens: &[String]) -> String {
    let skip = usize::from(tokens.len() > 1 && tokens[0] == "the");
    tokens[skip..].concat()
}

fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for ch in s.chars() {
        if ch == '&' {
            flush(&mut cur, &mut out);
            out.push("and".to_string());
        } else if is_separator(ch) {
            flush(&mut cur, &mut out);
        } else if is_latin_to_fold(ch) {
            match deunicode::deunicode_char(ch) {
                Some(ascii) => {
                    for a in ascii.chars() {
                        if a.is_ascii_alphanumeric() {
                            cur.push(a.to_ascii_lowercase());
                        } else {
                            flush(&mut cur, &mut out);
                        }
                    }
                }
                None => flush(&mut cur, &mut out),
            }
        } else {
            cur.extend(ch.to_lowercase());
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Non-ASCII Latin letters (and full-width ASCII) that are folded to ASCII.
fn is_latin_to_fold(ch: char) -> bool {
    matches!(ch,
        '\u{00C0}'..='\u{024F}'   // Latin-1 supplement letters, Latin Extended-A/B
        | '\u{1E00}'..='\u{1EFF}' // Latin Extended Additional (Vietnamese, ...)
        | '\u{FF10}'..='\u{FF19}' // full-width digits
        | '\u{FF21}'..='\u{FF3A}' // full-width A-Z
        | '\u{FF41}'..='\u{FF5A}' // full-width a-z
    ) && !matches!(ch, '\u{00D7}' | '\u{00F7}')
}

fn is_separator(ch: char) -> bool {
    ch.is_whitespace()
        || ch.is_control()
        || ch.is_ascii_punctuation()
        || matches!(ch,
            '\u{00A0}'..='\u{00BF}'   // Latin-1 punctuation and symbols
            | '\u{00D7}' | '\u{00F7}'
            | '\u{02B9}'..='\u{02DD}' // modifier apostrophes (ʻ ʼ) and accents
            | '\u{05BE}' | '\u{05F3}' | '\u{05F4}' // Hebrew punctuation
            | '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066B}' | '\u{066C}' // Arabic
            | '\u{2000}'..='\u{206F}' // general punctuation, zero-width chars
            | '\u{3000}'..='\u{303F}' // CJK symbols and punctuation
            | '\u{FE10}'..='\u{FE6F}' // vertical / small forms
            | '\u{FEFF}'
            | '\u{FF01}'..='\u{FF0F}' // full-width punctuation
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}')
}

// ---------------------------------------------------------------------------
// Curated data
// ---------------------------------------------------------------------------

/// English display names that differ from keshvar's `en` translation.
const NAME_EN_OVERRIDES: &[(&str, &str)] = &[
    ("BN", "Brunei"),
    ("CD", "Democratic Republic of the Congo"),
    ("CG", "Republic of the Congo"),
    ("FM", "Micronesia"),
    ("HK", "Hong Kong SAR, China"),
    ("LA", "Laos"),
    ("MO", "Macao SAR, China"),
    ("PN", "Pitcairn Islands"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SY", "Syria"),
    ("TW", "Taiwan, China"),
    ("VA", "Vatican City"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
];

/// Simplified Chinese display names that differ from keshvar's `zh_CN`
/// (Taiwan usage, wrong characters, over-long official forms, naming policy).
const NAME_ZH_OVERRIDES: &[(&str, &str)] = &[
    ("BD", "孟加拉国"),
    ("BL", "圣巴泰勒米"),
    ("BO", "玻利维亚"),
    ("BV", "布韦岛"),
    ("CC", "科科斯（基林）群岛"),
    ("CD", "刚果（金）"),
    ("CG", "刚果（布）"),
    ("FK", "马尔维纳斯群岛（福克兰）"),
    ("GS", "南乔治亚和南桑威奇群岛"),
    ("GT", "危地马拉"),
    ("HK", "中国香港"),
    ("HM", "赫德岛和麦克唐纳群岛"),
    ("IM", "马恩岛"),
    ("KG", "吉尔吉斯斯坦"),
    ("LA", "老挝"),
    ("LC", "圣卢西亚"),
    ("MO", "中国澳门"),
    ("MS", "蒙特塞拉特"),
    ("MT", "马耳他"),
    ("PF", "法属波利尼西亚"),
    ("PN", "皮特凯恩群岛"),
    ("SH", "圣赫勒拿、阿森松和特里斯坦-达库尼亚"),
    ("SJ", "斯瓦尔巴和扬马延"),
    ("SM", "圣马力诺"),
    ("TF", "法属南部领地"),
    ("TW", "中国台湾"),
    ("VA", "梵蒂冈"),
];

/// Well-known short forms and alternative names (tier 1, like codes).
const ALIASES: &[(&str, &[&str])] = &[
    ("AE", &["UAE", "U.A.E.", "Emirates", "阿拉伯联合酋长国"]),
    ("BA", &["Bosnia", "Bosnia & Herzegovina", "波黑"]),
    ("BD", &["孟加拉"]),
    ("BN", &["Brunei"]),
    ("BO", &["Bolivia", "波利维亚"]),
    ("BS", &["Bahamas"]),
    ("CC", &["Cocos Islands", "Keeling Islands"]),
    (
        "CD",
        &[
            "DRC",
            "DR Congo",
            "D.R. Congo",
            "Congo-Kinshasa",
            "Congo Kinshasa",
            "Democratic Republic of Congo",
            "Democratic Republic of the Congo",
            "刚果金",
            "刚果民主共和国",
        ],
    ),
    (
        "CG",
        &[
            "Republic of the Congo",
            "Republic of Congo",
            "Congo Republic",
            "Congo-Brazzaville",
            "Congo Brazzaville",
            "刚果布",
            "刚果共和国",
        ],
    ),
    ("CI", &["Ivory Coast", "Cote d'Ivoire", "象牙海岸"]),
    (
        "CN",
        &["PRC", "P.R.C.", "People's Republic of China", "Mainland China", "Zhongguo", "中华人民共和国", "中国大陆"],
    ),
    ("CV", &["Cape Verde", "Cabo Verde"]),
    ("CZ", &["Czech Republic", "Czechia", "Czech", "捷克共和国"]),
    ("DO", &["Dominican Rep"]),
    ("FK", &["Falklands", "Malvinas", "Malvinas Islands", "马尔维纳斯群岛", "福克兰群岛"]),
    ("FM", &["Micronesia"]),
    ("FO", &["Faroe", "Faroes", "Faeroe Islands"]),
    (
        "GB",
        &[
            "UK",
            "U.K.",
            "United Kingdom",
            "Britain",
            "Great Britain",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
            "英国",
            "大不列颠",
            "英格兰",
            "苏格兰",
            "威尔士",
            "北爱尔兰",
        ],
    ),
    ("GM", &["Gambia"]),
    (
        "HK",
        &[
            "Hong Kong",
            "Hong Kong SAR",
            "Hong Kong SAR China",
            "Hong Kong China",
            "HKSAR",
            "香港",
            "中国香港",
            "香港特别行政区",
        ],
    ),
    ("IM", &["Isle of Man", "曼岛"]),
    ("IN", &["Bharat"]),
    ("IR", &["Iran", "Persia"]),
    ("JP", &["Nippon", "Nihon"]),
    ("KG", &["Kyrgyzstan", "Kyrgyz Republic", "Kirghizia", "吉尔吉斯", "吉尔吉斯坦"]),
    (
        "KP",
        &[
            "DPRK",
            "D.P.R.K.",
            "North Korea",
            "N Korea",
            "Democratic People's Republic of Korea",
            "朝鲜",
            "北朝鲜",
            "조선",
            "북한",
            "朝鲜民主主义人民共和国",
        ],
    ),
    (
        "KR",
        &[
            "ROK",
            "R.O.K.",
            "South Korea",
            "S Korea",
            "Korea",
            "Republic of Korea",
            "Korea Republic",
            "韩国",
            "大韩民国",
            "南韩",
            "한국",
            "남한",
        ],
    ),
    ("LA", &["Laos", "Lao", "Lao PDR", "老挝人民民主共和国"]),
    ("LC", &["St Lucia", "圣路西亚"]),
    ("KN", &["Saint Kitts", "St Kitts"]),
    ("MD", &["Moldova", "Republic of Moldova"]),
    ("MF", &["Saint Martin", "St Martin"]),
    ("MK", &["Macedonia", "North Macedonia", "FYROM"]),
    (
        "MO",
        &[
            "Macao",
            "Macau",
            "Macao SAR",
            "Macau SAR",
            "Macao SAR China",
            "Macao China",
            "Macau China",
            "澳门",
            "中国澳门",
            "澳门特别行政区",
        ],
    ),
    ("MM", &["Burma", "Myanmar", "缅甸"]),
    ("MT", &["马尔他"]),
    ("NL", &["Holland", "Netherlands", "The Netherlands", "荷兰"]),
    ("PN", &["Pitcairn Islands"]),
    ("PS", &["Palestine", "State of Palestine", "巴勒斯坦国"]),
    ("RU", &["Russia", "Russian Federation", "俄罗斯联邦", "俄国"]),
    ("SA", &["KSA", "Saudi", "Kingdom of Saudi Arabia", "沙特"]),
    ("SH", &["Saint Helena", "St Helena"]),
    ("SJ", &["Svalbard"]),
    ("SK", &["Slovak Republic"]),
    ("ST", &["Sao Tome", "Sao Tome and Principe"]),
    ("SX", &["Sint Maarten"]),
    ("SY", &["Syria"]),
    ("SZ", &["Eswatini", "Swaziland", "斯威士兰", "埃斯瓦蒂尼"]),
    ("TL", &["East Timor", "Timor Leste"]),
    ("TR", &["Turkey", "Türkiye", "Turkiye", "土耳其"]),
    (
        "TW",
        &["Taiwan", "Taiwan China", "Taiwan Province of China", "Chinese Taipei", "台湾", "臺灣", "台灣", "中国台湾"],
    ),
    ("TZ", &["Tanzania", "United Republic of Tanzania"]),
    (
        "US",
        &[
            "USA",
            "U.S.A.",
            "US",
            "U.S.",
            "America",
            "United States",
            "United States of America",
            "美国",
            "美利坚合众国",
        ],
    ),
    ("VA", &["Vatican", "Vatican City", "Holy See", "梵蒂冈", "梵蒂冈城国"]),
    ("VC", &["Saint Vincent", "St Vincent"]),
    ("VE", &["Venezuela"]),
    ("VG", &["BVI", "British Virgin Islands"]),
    ("VI", &["USVI", "US Virgin Islands", "U.S. Virgin Islands"]),
    ("VN", &["Vietnam", "Viet Nam", "越南"]),
];

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

/// Priority of a name source; lower wins (see "Collision rule" in the module docs).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Tier {
    CodeOrAlias = 0,
    English = 1,
    Chinese = 2,
    Unofficial = 3,
    Translation = 4,
}

struct Entry {
    code: CountryCode,
    name_en: &'static str,
    name_zh: &'static str,
}

/// Every country with its display names, sorted by code: what replies need (small; built on first use).
static NAMES: LazyLock<Vec<Entry>> = LazyLock::new(build_names);

fn entry(code: CountryCode) -> Option<&'static Entry> {
    NAMES.binary_search_by(|e| e.code.cmp(&code)).ok().map(|i| &NAMES[i])
}

fn build_names() -> Vec<Entry> {
    let mut entries: Vec<Entry> = keshvar::CountryIterator::new()
        .filter_map(|country| {
            let code = code_of(&country.alpha2().to_string())?;
            let tr = country.translations();
            let name_en = lookup(NAME_EN_OVERRIDES, code)
                .or_else(|| tr.get("en").copied())
                .unwrap_or_else(|| country.iso_short_name());
            let name_zh = lookup(NAME_ZH_OVERRIDES, code)
                .or_else(|| tr.get("zh_CN").copied())
                .or_else(|| tr.get("zh").copied())
                .unwrap_or(name_en);
            Some(Entry { code, name_en, name_zh })
        })
        .collect();
    entries.sort_by_key(|e| e.code);
    entries
}

/// The name index for [`resolve`] and [`suggest`], built on first use. About 17,000 distinct names
/// (every keshvar translation), kept compact: each name once, in one string, with a small fixed-size
/// record per name (about 0.6 MB in all, where maps of owned strings took several).
struct Index {
    /// Every distinct normalized name, concatenated in sorted order.
    text: String,
    /// One record per name, sorted by name.
    keys: Vec<Key>,
    /// The countries of each name (`Key::all`), for suggestions.
    codes: Vec<CountryCode>,
    /// Names claimed by different countries within their best tier.
    #[cfg_attr(not(test), allow(dead_code))]
    ambiguous: Vec<(String, Tier, Vec<CountryCode>)>,
}

struct Key {
    start: u32,
    len: u16,
    /// Length in characters (for the fuzzy length filter).
    chars: u16,
    /// Range of `Index::codes`: every country that has this name, in any tier.
    all: (u32, u16),
    /// The country the name resolves to: the only one in the best tier claiming it (None: ambiguous).
    exact: Option<CountryCode>,
    /// Offered in suggestions (every name but bare two- and three-letter codes).
    fuzzy: bool,
}

impl Index {
    fn name(&self, k: &Key) -> &str {
        &self.text[k.start as usize..k.start as usize + usize::from(k.len)]
    }

    fn exact(&self, name: &str) -> Option<CountryCode> {
        let i = self.keys.binary_search_by(|k| self.name(k).cmp(name)).ok()?;
        self.keys[i].exact
    }

    fn countries(&self, k: &Key) -> &[CountryCode] {
        &self.codes[k.all.0 as usize..k.all.0 as usize + usize::from(k.all.1)]
    }
}

static INDEX: LazyLock<Index> = LazyLock::new(build_index);

fn code_of(s: &str) -> Option<CountryCode> {
    let b = s.as_bytes();
    (b.len() == 2 && b.iter().all(u8::is_ascii_uppercase)).then(|| CountryCode([b[0], b[1]]))
}

fn lookup<'a>(table: &'a [(&str, &'a str)], code: CountryCode) -> Option<&'a str> {
    table.iter().find(|(c, _)| *c == code.as_str()).map(|(_, v)| *v)
}

fn build_index() -> Index {
    // Every (name, tier, country) claim, the names written once into `buf`.
    let mut buf = String::new();
    let mut claims: Vec<(u32, u16, Tier, CountryCode)> = Vec::new();
    let mut add = |name: &str, tier: Tier, code: CountryCode| {
        let key = normalize(name);
        if key.is_empty() || key.len() > usize::from(u16::MAX) {
            return;
        }
        claims.push((buf.len() as u32, key.len() as u16, tier, code));
        buf.push_str(&key);
    };
    for country in keshvar::CountryIterator::new() {
        let alpha2 = country.alpha2().to_string();
        let Some(code) = code_of(&alpha2) else {
            continue;
        };
        let Some(names) = entry(code) else {
            continue;
        };
        let tr = country.translations();
        add(&alpha2, Tier::CodeOrAlias, code);
        add(&country.alpha3().to_string(), Tier::CodeOrAlias, code);

        add(names.name_en, Tier::English, code);
        if let Some(en) = tr.get("en") {
            add(en, Tier::English, code);
        }
        add(country.iso_short_name(), Tier::English, code);
        add(country.iso_long_name(), Tier::English, code);

        add(names.name_zh, Tier::Chinese, code);
        for lang in ["zh_CN", "zh_HK", "zh_TW", "zh"] {
            if let Some(n) = tr.get(lang) {
                add(n, Tier::Chinese, code);
            }
        }

        for n in country.unofficial_name_list() {
            add(n, Tier::Unofficial, code);
        }
        if let Some(ioc) = country.maybe_ioc() {
            add(&ioc.to_string(), Tier::Unofficial, code);
        }

        for (lang, n) in tr {
            if !lang.starts_with("zh") && *lang != "en" {
                add(n, Tier::Translation, code);
            }
        }
    }
    for (code, names) in ALIASES {
        if let Some(code) = code_of(code) {
            for n in *names {
                add(n, Tier::CodeOrAlias, code);
            }
        }
    }

    let name = |c: &(u32, u16, Tier, CountryCode)| &buf[c.0 as usize..c.0 as usize + usize::from(c.1)];
    // By name, then best tier first, then country.
    claims.sort_unstable_by(|a, b| name(a).cmp(name(b)).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    let mut index = Index { text: String::new(), keys: Vec::new(), codes: Vec::new(), ambiguous: Vec::new() };
    let mut i = 0;
    while i < claims.len() {
        let key = name(&claims[i]);
        let mut j = i;
        while j < claims.len() && name(&claims[j]) == key {
            j += 1;
        }
        let group = &claims[i..j];
        let best_tier = group[0].2;
        let mut best: Vec<CountryCode> = group.iter().filter(|c| c.2 == best_tier).map(|c| c.3).collect();
        best.dedup();
        let start = index.codes.len() as u32;
        for c in group {
            if !index.codes[start as usize..].contains(&c.3) {
                index.codes.push(c.3);
            }
        }
        let exact = if best.len() == 1 {
            Some(best[0])
        } else {
            index.ambiguous.push((key.to_string(), best_tier, best));
            None
        };
        index.keys.push(Key {
            start: index.text.len() as u32,
            len: key.len() as u16,
            chars: key.chars().count().min(usize::from(u16::MAX)) as u16,
            all: (start, (index.codes.len() as u32 - start) as u16),
            exact,
            fuzzy: !(key.len() <= 3 && key.is_ascii()),
        });
        index.text.push_str(key);
        i = j;
    }
    index.text.shrink_to_fit();
    index.keys.shrink_to_fit();
    index.codes.shrink_to_fit();
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> CountryCode {
        CountryCode::from_alpha2(s).unwrap()
    }

    fn assert_resolves(names: &[&str], expected: &str) {
        for n in names {
            assert_eq!(resolve(n), Some(code(expected)), "{n:?} should resolve to {expected}");
        }
    }

    #[test]
    fn germany() {
        assert_resolves(
            &[
                "Germany",
                "Deutschland",
                "DE",
                "de",
                "DEU",
                "德国",
                "德國",
                "germany",
                " GERMANY ",
                "Allemagne",
                "Alemania",
                "Германия",
                "the Germany",
            ],
            "DE",
        );
    }

    #[test]
    fn korea() {
        assert_resolves(
            &[
                "ROK",
                "South Korea",
                "Republic of Korea",
                "the Republic of Korea",
                "THE  republic of korea!",
                "Korea",
                "韩国",
                "大韩民国",
                "KR",
                "KOR",
                "Südkorea",
            ],
            "KR",
        );
        assert_resolves(&["DPRK", "North Korea", "朝鲜", "KP", "PRK"], "KP");
    }

    #[test]
    fn common_countries() {
        assert_resolves(&["Czech Republic", "Czechia", "czech", "捷克", "CZE"], "CZ");
        assert_resolves(&["Japan", "日本", "JPN", "Nippon"], "JP");
        assert_resolves(&["Italy", "Italia", "意大利", "ITA"], "IT");
        assert_resolves(&["Kyrgyzstan", "吉尔吉斯斯坦"], "KG");
        assert_resolves(&["Philippines", "菲律宾"], "PH");
        assert_resolves(&["Belarus", "白俄罗斯"], "BY");
        assert_resolves(&["Thailand", "泰国"], "TH");
        assert_resolves(&["Singapore"], "SG");
        assert_resolves(&["Kenya"], "KE");
        assert_resolves(&["Armenia"], "AM");
        assert_resolves(&["Tajikistan"], "TJ");
        assert_resolves(&["France", "法国", "Frankreich"], "FR");
        assert_resolves(&["South Africa", "南非"], "ZA");
        assert_resolves(&["Tanzania", "坦桑尼亚"], "TZ");
        assert_resolves(&["Russia", "Russian Federation", "俄罗斯", "Россия"], "RU");
        assert_resolves(&["Uruguay"], "UY");
        assert_resolves(&["Brazil", "Brasil", "巴西"], "BR");
        assert_resolves(&["Canada", "加拿大"], "CA");
        assert_resolves(&["Malaysia", "马来西亚"], "MY");
    }

    #[test]
    fn short_forms() {
        assert_resolves(&["UK", "Britain", "Great Britain", "England", "GB", "GBR", "United Kingdom"], "GB");
        assert_resolves(&["USA", "US", "U.S.", "America", "United States of America", "United States"], "US");
        assert_resolves(&["Vietnam", "Viet Nam"], "VN");
        assert_resolves(&["Laos"], "LA");
        assert_resolves(&["Iran"], "IR");
        assert_resolves(&["Syria"], "SY");
        assert_resolves(&["Bolivia"], "BO");
        assert_resolves(&["Venezuela"], "VE");
        assert_resolves(&["Moldova"], "MD");
        assert_resolves(&["Turkey", "Türkiye", "Turkiye"], "TR");
        assert_resolves(&["Ivory Coast", "Côte d'Ivoire", "Cote d’Ivoire", "cote divoire"], "CI");
        assert_resolves(&["Cape Verde", "Cabo Verde"], "CV");
        assert_resolves(&["Eswatini", "Swaziland"], "SZ");
        assert_resolves(&["Burma", "Myanmar"], "MM");
        assert_resolves(&["Holland", "Netherlands", "the Netherlands"], "NL");
        assert_resolves(&["UAE", "United Arab Emirates"], "AE");
        assert_resolves(&["KSA", "Saudi Arabia"], "SA");
        assert_resolves(&["São Tomé and Príncipe", "Sao Tome and Principe"], "ST");
        assert_resolves(&["St. Lucia", "Saint Lucia", "圣卢西亚"], "LC");
    }

    #[test]
    fn st_kitts() {
        assert_resolves(&["St Kitts & Nevis", "Saint Kitts and Nevis"], "KN");
        assert_resolves(&["Trinidad & Tobago"], "TT");
        assert_resolves(&["Bosnia & Herzegovina", "Bosnia"], "BA");
    }

    #[test]
    fn unknown_inputs() {
        for s in ["Sao Paulo", "Mantova", "xyz", "", "   ", "the", "!!!", "Q", "ZZ", "UKK"] {
            assert_eq!(resolve(s), None, "{s:?}");
        }
        assert_eq!(CountryCode::from_alpha2("ZZ"), None);
        assert_eq!(CountryCode::from_alpha2("UK"), None);
        assert_eq!(CountryCode::from_alpha2("DEU"), None);
        assert_eq!(CountryCode::from_alpha2("dé"), None);
        assert_eq!(CountryCode::from_alpha2("de"), Some(code("DE")));
    }

    #[test]
    fn suggestions() {
        let s = suggest("Germny", 3);
        assert_eq!(s.first(), Some(&code("DE")), "{s:?}");
        let s = suggest("Tailand", 3);
        assert!(s.contains(&code("TH")), "{s:?}");
        assert!(suggest("Germny", 3).len() <= 3);
        assert!(suggest("Germany", 0).is_empty());
        assert_eq!(suggest("Germany", 1), vec![code("DE")]);
        let s = suggest("Kirgistan", 3);
        assert!(s.contains(&code("KG")), "{s:?}");
        let s = suggest("Phillipines", 3);
        assert_eq!(s.first(), Some(&code("PH")), "{s:?}");
        let s = suggest("Columbia", 3);
        assert_eq!(s.first(), Some(&code("CO")), "{s:?}");
        let s = suggest("Kongo", 5);
        assert!(s.contains(&code("CG")) && s.contains(&code("CD")), "{s:?}");
        assert_eq!(suggest("德过", 3).first(), Some(&code("DE")));
        assert_eq!(suggest("俄罗丝", 3).first(), Some(&code("RU")));
        assert!(suggest("", 3).is_empty());
        assert!(suggest("!!!", 3).is_empty());
    }

    #[test]
    fn suggestions_have_no_duplicates() {
        for input in ["Germny", "Korea", "Congo", "Guinea", "Saint", "Islands"] {
            let s = suggest(input, 10);
            let mut d = s.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), s.len(), "{input}: {s:?}");
        }
    }

    #[test]
    fn all_countries() {
        let v: Vec<CountryCode> = all().collect();
        assert!(v.len() >= 245, "{}", v.len());
        assert!(v.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        for c in &v {
            assert_eq!(c.as_str().len(), 2);
            assert!(c.as_str().bytes().all(|b| b.is_ascii_uppercase()));
            assert_eq!(CountryCode::from_alpha2(c.as_str()), Some(*c));
            assert_eq!(c.to_string(), c.as_str());
            assert!(!c.name_en().is_empty(), "{c}");
            assert!(!c.name_zh().is_empty(), "{c}");
            // Every display name resolves back to its country.
            assert_eq!(resolve(c.name_en()), Some(*c), "{c} {}", c.name_en());
            assert_eq!(resolve(c.name_zh()), Some(*c), "{c} {}", c.name_zh());
            assert_eq!(resolve(c.as_str()), Some(*c));
        }
    }

    #[test]
    fn display_names() {
        let cases = [
            ("DE", "Germany", "德国"),
            ("KR", "South Korea", "韩国"),
            ("KP", "North Korea", "朝鲜"),
            ("JP", "Japan", "日本"),
            ("CZ", "Czechia", "捷克"),
            ("US", "United States", "美国"),
            ("GB", "United Kingdom", "英国"),
            ("RU", "Russia", "俄罗斯"),
            ("IT", "Italy", "意大利"),
            ("KG", "Kyrgyzstan", "吉尔吉斯斯坦"),
            ("PH", "Philippines", "菲律宾"),
            ("BY", "Belarus", "白俄罗斯"),
            ("CN", "China", "中国"),
            ("TW", "Taiwan, China", "中国台湾"),
            ("HK", "Hong Kong SAR, China", "中国香港"),
            ("MO", "Macao SAR, China", "中国澳门"),
            ("VN", "Vietnam", "越南"),
            ("LA", "Laos", "老挝"),
        ];
        for (c, en, zh) in cases {
            assert_eq!(code(c).name_en(), en);
            assert_eq!(code(c).name_zh(), zh);
        }
        assert_resolves(&["Taiwan", "中国台湾", "台湾", "TWN"], "TW");
        assert_resolves(&["Hong Kong", "中国香港", "香港", "HKG"], "HK");
        assert_resolves(&["Macao", "Macau", "中国澳门", "澳门"], "MO");
    }

    /// Common characters that only exist in Traditional Chinese.
    const TRADITIONAL_ONLY: &str =
        "國爾蘭亞維門灣島諾聖馬羅東來薩麥濟區屬與幾內盧賓萊達納紐聯澤韓烏開義圖賴貝寧剛約倫衛蘇龍爾灣";

    #[test]
    fn chinese_names_are_simplified() {
        let traditional: Vec<char> = TRADITIONAL_ONLY.chars().collect();
        let mut bad = Vec::new();
        for c in all() {
            if c.name_zh().chars().any(|ch| traditional.contains(&ch)) {
                bad.push(format!("{c} {}", c.name_zh()));
            }
            if !c.name_zh().chars().any(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch)) {
                bad.push(format!("{c} {} (no CJK)", c.name_zh()));
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn curated_aliases_and_codes_are_unambiguous() {
        let bad: Vec<_> = INDEX.ambiguous.iter().filter(|(_, tier, _)| *tier <= Tier::Chinese).collect();
        assert!(bad.is_empty(), "{bad:?}");
        for (c, names) in ALIASES {
            for n in *names {
                assert_eq!(resolve(n), Some(code(c)), "alias {n:?}");
            }
        }
    }

    #[test]
    fn collisions_follow_tiers() {
        // Codes win over words in other languages.
        assert_resolves(&["IT"], "IT");
        assert_resolves(&["NO"], "NO");
        assert_resolves(&["IN"], "IN");
        // English names win over translations.
        assert_resolves(&["Georgia"], "GE");
        assert_resolves(&["Niger"], "NE");
        assert_resolves(&["Guinea"], "GN");
        assert_resolves(&["Dominica"], "DM");
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("São Tomé"), normalize("sao tome"));
        assert_eq!(normalize("  The   Gambia "), "gambia");
        assert_eq!(normalize("the"), "the");
        assert_eq!(normalize("Straße"), "strasse");
        assert_eq!(normalize("Ｇｅｒｍａｎｙ"), "germany");
        assert_eq!(normalize("中国（台湾）"), "中国台湾");
        assert_eq!(normalize("A & B"), "aandb");
    }

    #[test]
    fn errors() {
        assert_eq!(parse("Deutschland"), Ok(code("DE")));
        let err = parse("Germny").unwrap_err();
        assert_eq!(err.msg_id(), "country-unknown");
        let CountryError::Unknown { input, suggestions } = &err;
        assert_eq!(input, "Germny");
        assert_eq!(suggestions.first(), Some(&code("DE")));
        let args = err.args();
        assert_eq!(args[0], ("input", "Germny".to_string()));
        assert!(args[1].1.starts_with("Germany (DE)"), "{args:?}");
        assert!(args[2].1.starts_with("德国 (DE)"), "{args:?}");
        assert!(err.to_string().contains("Germany (DE)"), "{err}");

        let err = parse("qqqqqqqqqq").unwrap_err();
        assert_eq!(err.msg_id(), "country-unknown-no-suggestions");
        assert_eq!(err.to_string(), "unknown country \"qqqqqqqqqq\"");
        let long = "x".repeat(10_000);
        let err = parse(&long).unwrap_err();
        assert!(err.args()[0].1.chars().count() <= 65);
    }

    #[test]
    fn long_input_is_fast() {
        let long: String = "Germany ü 德国 ".repeat(1_000);
        let start = std::time::Instant::now();
        for _ in 0..5 {
            assert_eq!(resolve(&long), None);
            let _ = suggest(&long, 5);
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = resolve(&s);
            let v = suggest(&s, 3);
            prop_assert!(v.len() <= 3);
            let _ = parse(&s).map_err(|e| (e.to_string(), e.args()));
        }

        #[test]
        fn never_panics_on_huge_input(s in "\\PC{1,16}", reps in 1usize..700) {
            let big = s.repeat(reps); // up to ~10 KB and beyond in multibyte chars
            let _ = resolve(&big);
            let v = suggest(&big, 5);
            prop_assert!(v.len() <= 5);
        }

        #[test]
        fn case_and_spacing_do_not_matter(i in 0usize..249) {
            let codes: Vec<CountryCode> = all().collect();
            let c = codes[i % codes.len()];
            let name = c.name_en();
            prop_assert_eq!(resolve(&name.to_uppercase()), Some(c));
            prop_assert_eq!(resolve(&format!("  {}  ", name.to_lowercase())), Some(c));
        }
    }
}

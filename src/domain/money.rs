//! Money, quantities and item lists: parsing what people type in chat and
//! formatting it back for English and Chinese replies.
//!
//! Everything numeric is [`rust_decimal::Decimal`] (never floating point);
//! numbers are scaled with exact decimal shifts, so `"3.5 million"` is exactly
//! `3500000`.
//!
//! # Input normalisation (all parsers)
//! Full-width forms are folded ([`super::text::fold_full_width`]): full-width
//! ASCII (`０-９`, `，`, `．`, `ＵＳＤ`, `；`, …) to ASCII, `￥ ￡ ￦` to `¥ £ ₩`;
//! `−` becomes `-`, and exotic spaces (ideographic, no-break, thin) a plain
//! space; zero-width characters are dropped.
//!
//! # Numbers
//! * Digits, optionally grouped by `,` or by a space in groups of exactly three
//!   (`45,000`, `45 000`); one `.` for decimals (`3.5`, `.5`). A malformed group
//!   (`1,5`, `1,0000`), a second point (`1.2.3`) or an exponent (`1e9`) is an error,
//!   so a European `1.234,56` is refused rather than misread.
//! * Multipliers after the number: `k`, `m`/`mn`/`mln`, `b`/`bn` (attached, as in
//!   `5k`, `1.2m`), the words `thousand`, `million`, `billion` (attached or after a
//!   space), and `百 千 万 十万 百万 千万 亿 万亿` (also `萬 億`); `千克` is the
//!   unit kilogram, not a multiplier. Scaling is exact. An attached `m`/`M` is
//!   always "million" (`3M masks` is 3,000,000 masks), so replies should echo
//!   the parsed figure back for confirmation.
//! * Limits: every value and quantity must be above zero and at most 10^12
//!   ([`MAX_MAGNITUDE`]) after scaling; a value may have at most 4 decimal places
//!   after scaling ([`MAX_VALUE_DECIMALS`]); a quantity must be whole.
//!
//! # Values ([`parse_value`])
//! `[approx] [sign] [currency] NUMBER [multiplier] [currency]`. `-` (or `--`, `—`)
//! means "not valued". A leading `约`, `大约`, `about`, `around`, `approx.`,
//! `approximately`, `ca.`, `~` or `≈` is ignored. Currencies: ISO 4217 codes in
//! capitals (`EUR`, `ALL`), common ones in any case (`usd`, `Cny`; see
//! `LOWERCASE_CODES`, so that words like `all` or `top` are not codes; special
//! X-codes such as `XXX`, `XAU` are refused),
//! symbols (`$`, `US$`, `HK$`, `¥`, `€`, `£`, `₩`, …) and words in English and
//! Chinese (`yuan`, `RMB`, `元`, `人民币`, `dollars`, `美元`, `euros`, `欧元`, `yen`,
//! `円`, `日元`, …; see `currency_word`). `¥` means CNY (the office is in China)
//! and `$` means USD, but both give way to a compatible explicit code
//! (`¥500 JPY`, `$500 HKD`); any other pair of different currencies is an error.
//!
//! # Items ([`parse_items`])
//! Lines `QUANTITY [x|×] [UNIT [of]] ITEM` separated by `;`, `；`, `、` or a newline
//! (a line that does not start with a number may also be `ITEM [:] QUANTITY [UNIT]`,
//! as in `口罩5万个`, `防护服 500套`, `masks: 500`);
//! a leading bullet (`- `, `* `, `•`, `·`) is ignored, empty lines are skipped.
//! At most [`MAX_ITEM_LINES`] lines and [`MAX_ITEM_NAME_CHARS`] characters per
//! item name. In the item-first form the quantity must follow a space, a
//! Chinese character or `:`, so `KN95` or `covid-19 kits` are not read as
//! quantities (but `gloves size 7` is 7 × `gloves size`). Known units ([`EN_UNITS`], matched case-insensitively, stored
//! lowercased; they may also be attached: `500pcs masks`):
//! set(s), piece(s), pc(s), box(es), pair(s), bottle(s), carton(s), case(s),
//! pack(s), packet(s), bag(s), roll(s), unit(s), pallet(s), kg, kgs, ton(s),
//! tonne(s), litre(s), liter(s), dose(s); and ([`ZH_UNITS`]) 套 件 个 箱 副 只 瓶
//! 包 盒 台 支 双 吨 公斤 千克 袋 卷 升 剂. A unit must be followed by an item
//! (`500 sets` alone is refused).
//!
//! # Item keys ([`item_key`])
//! Full-width folded, lowercased, whitespace collapsed, and every ASCII word
//! ending in `s` singularised: invariants kept (`goggles`, `glasses`, `scissors`,
//! `tweezers`, `forceps`, `pliers`, `trousers`, `pants`, `shorts`, `clothes`,
//! `series`, `species`, `news`, `diabetes`, `measles`, `mumps`, `rabies`,
//! `scabies`, `herpes`, `lens`), words of 3 letters or fewer and words ending
//! in `ss`, `us`, `is` kept (so `menus`, `taxis` keep their `s`); `lenses`→`lens`, `viruses`→`virus`; `-ies`→`-y` (`batteries`);
//! `-sses`, `-ches`, `-shes`, `-xes`, `-zzes` drop `es` (`boxes`); otherwise drop
//! the final `s` (`masks`→`mask`, `gloves`→`glove`). Chinese text is unchanged.
//!
//! # Formatting
//! Thousands separators; decimals only when non-zero, then exactly two, rounded
//! half away from zero (`38,500.50`). [`fmt_wan`] uses 元 / 万元 / 亿元 with at
//! most two decimals and no separators in the 万/亿 figure. [`fmt_item`] puts no
//! space between the number and a Chinese unit or item (`50,000个口罩`).
//!
//! # Errors
//! [`MoneyError`] variants carry the offending text (cut to 60 characters);
//! [`MoneyError::msg_id`] and [`MoneyError::args`] map to the Fluent messages in
//! `locales/{en,zh}/money.ftl`; `Display` is the English message.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::text::{fold_full_width, is_cjk};

/// Largest value or quantity accepted: 10^12.
pub const MAX_MAGNITUDE: u64 = 1_000_000_000_000;
/// Largest fixed CNY or USD amount of one donation (at the rate of its value date): 10^12. With
/// it, and the ledger-wide check of the running sums, no sum of minor units can leave `i64`.
pub const MAX_FIXED: i64 = 1_000_000_000_000;
/// Most decimal places a value may have after scaling.
pub const MAX_VALUE_DECIMALS: u32 = 4;
/// Most lines in an item list.
pub const MAX_ITEM_LINES: usize = 100;
/// Most characters in one item name.
pub const MAX_ITEM_NAME_CHARS: usize = 200;
/// Offending text in errors is cut to this many characters.
const SNIPPET_CHARS: usize = 60;

/// English units recognised in item lines (matched case-insensitively).
pub const EN_UNITS: &[&str] = &[
    "set", "sets", "piece", "pieces", "pc", "pcs", "box", "boxes", "pair", "pairs", "bottle", "bottles", "carton",
    "cartons", "case", "cases", "pack", "packs", "packet", "packets", "bag", "bags", "roll", "rolls", "unit", "units",
    "pallet", "pallets", "kg", "kgs", "ton", "tons", "tonne", "tonnes", "litre", "litres", "liter", "liters", "dose",
    "doses",
];
/// Chinese units recognised in item lines (longest first).
pub const ZH_UNITS: &[&str] = &[
    "公斤", "千克", "套", "件", "个", "箱", "副", "只", "瓶", "包", "盒", "台", "支", "双", "吨", "袋", "卷", "升",
    "剂",
];

// ---------------------------------------------------------------------------
// Currency
// ---------------------------------------------------------------------------

/// A valid ISO 4217 currency code (three upper-case ASCII letters).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("not a currency code: {code}")))
    }
}

impl Currency {
    /// Chinese yuan renminbi.
    pub const CNY: Currency = Currency(*b"CNY");
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");

    /// An ISO 4217 code in any letter case (`"usd"`, `"EUR"`). Codes the
    /// standard marks special (`XXX`, `XTS`, `XAU`, `XDR`, …) are refused.
    pub fn from_code(s: &str) -> Option<Currency> {
        let b = s.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let up = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase(), b[2].to_ascii_uppercase()];
        let code = std::str::from_utf8(&up).ok()?;
        let iso = iso_currency::Currency::from_code(code)?;
        if iso.is_special() {
            return None;
        }
        Some(Currency(up))
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    fn symbol(self) -> String {
        iso_currency::Currency::from_code(self.as_str()).map(|c| c.symbol().symbol).unwrap_or_default()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

/// An amount in a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

/// One line of an item list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ItemLine {
    pub quantity: u64,
    pub unit: Option<String>,
    pub item: String,
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why a value, quantity or item list was refused. Text fields hold the
/// offending input, cut to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "No value given. Write an amount with its currency, e.g. “90,000 CNY” or “$12,700”, or “-” if it is not valued."
    )]
    EmptyValue,
    #[error("The value “{text}” is negative. Write a positive amount, e.g. “90,000 CNY”.")]
    NegativeValue { text: String },
    #[error("The value “{text}” is zero. Write an amount above zero, e.g. “90,000 CNY”, or “-” if it is not valued.")]
    ZeroValue { text: String },
    #[error("The value “{text}” has more than 4 decimal places. Round it, e.g. “38,500.50 CNY”.")]
    ValueTooPrecise { text: String },
    #[error("The value “{text}” is more than 1,000,000,000,000 {currency}. Check the number, e.g. “3.5 million CNY”.")]
    ValueTooLarge { text: String, currency: String },
    #[error(
        "“{currency}” in “{text}” is not a currency I know. Write CNY (RMB, yuan, 元, ¥), USD ($, dollars), EUR (€, euros), GBP (£), JPY (yen, 円), KRW (₩) or another ISO 4217 code, e.g. “500 EUR”."
    )]
    UnknownCurrency { text: String, currency: String },
    #[error("The value “{text}” has no currency. Add one, e.g. “{text} CNY” or “{text} USD”.")]
    MissingCurrency { text: String },
    #[error("The value “{text}” names two currencies, {first} and {second}. Use one, e.g. “500 EUR”.")]
    CurrencyConflict { text: String, first: String, second: String },
    #[error("“{text}” is not an amount. Write digits and a currency, e.g. “90,000 CNY”, “350万元” or “$12,700”.")]
    BadValue { text: String },
    #[error("No quantity given. Write a whole number, e.g. “45,000” or “4.5万”.")]
    EmptyQuantity,
    #[error("“{text}”: the quantity is negative. Write a number above zero, e.g. “45,000”.")]
    NegativeQuantity { text: String },
    #[error("“{text}”: the quantity is zero. Write a number above zero, e.g. “45,000”.")]
    ZeroQuantity { text: String },
    #[error("“{text}”: the quantity is not a whole number. Write a count, e.g. “45,000” or “4.5万”.")]
    NotWholeQuantity { text: String },
    #[error("“{text}”: the quantity is more than 1,000,000,000,000. Check the number, e.g. “1.2 million”.")]
    QuantityTooLarge { text: String },
    #[error("“{text}” is not a quantity. Write plain digits, e.g. “45,000”, “4.5万” or “1.2 million”.")]
    BadQuantity { text: String },
    #[error(
        "“{text}”: is it {small} or {large}? A point is a decimal point here and a comma groups thousands: write “{large}” or “{small}”."
    )]
    AmbiguousQuantity { text: String, small: String, large: String },
    #[error("“{text}” has two multipliers in a row. Write one, e.g. “1亿”, “100 million” or “4.5万”.")]
    DoubleMultiplier { text: String },
    #[error(
        "The line “{line}” starts with two numbers. Write one quantity before the item, e.g. “10 masks” or “1,010 masks”."
    )]
    TwoNumbers { line: String },
    #[error(
        "The value “{text}” is worth more than 1,000,000,000,000 {currency} at the rate of its value date, the most one donation may hold. Check the amount and the rate."
    )]
    FixedTooLarge { text: String, currency: String },
    #[error(
        "The value “{text}” is worth less than one fen (CNY 0.01) or one cent ($0.01). Write an amount of at least 0.01, e.g. “90,000 CNY”."
    )]
    FixedBelowMinor { text: String },
    #[error(
        "No items given. Write “QUANTITY [UNIT] ITEM” lines separated by “;”, e.g. “500 sets protective suits; 45,000 masks”."
    )]
    NoItems,
    #[error(
        "The list has {count} lines; at most {max} are allowed. Split it into several records, e.g. “500 sets protective suits; 45,000 masks”."
    )]
    TooManyItems { count: usize, max: usize },
    #[error("The line “{line}” does not start with a quantity. Put the number first, e.g. “500 {line}”.")]
    MissingQuantity { line: String },
    #[error(
        "The line “{line}” starts with a number in Chinese numerals but no unit after it. Add the unit, e.g. “五千个口罩”, or write the number in digits, e.g. “5000 masks”."
    )]
    NumeralWithoutUnit { line: String },
    #[error("The line “{line}” has a quantity but no item. Say what was given, e.g. “500 sets protective suits”.")]
    MissingItem { line: String },
    #[error("The item name “{item}” is longer than {max} characters. Shorten it, e.g. “500 sets protective suits”.")]
    ItemNameTooLong { item: String, max: usize },
}

impl MoneyError {
    /// Fluent message id (in `locales/*/money.ftl`).
    pub fn msg_id(&self) -> &'static str {
        match self {
            MoneyError::EmptyValue => "money-value-empty",
            MoneyError::NegativeValue { .. } => "money-value-negative",
            MoneyError::ZeroValue { .. } => "money-value-zero",
            MoneyError::ValueTooPrecise { .. } => "money-value-too-precise",
            MoneyError::ValueTooLarge { .. } => "money-value-too-large",
            MoneyError::UnknownCurrency { .. } => "money-value-unknown-currency",
            MoneyError::MissingCurrency { .. } => "money-value-missing-currency",
            MoneyError::CurrencyConflict { .. } => "money-value-currency-conflict",
            MoneyError::BadValue { .. } => "money-value-not-a-number",
            MoneyError::EmptyQuantity => "money-quantity-empty",
            MoneyError::NegativeQuantity { .. } => "money-quantity-negative",
            MoneyError::ZeroQuantity { .. } => "money-quantity-zero",
            MoneyError::NotWholeQuantity { .. } => "money-quantity-not-whole",
            MoneyError::QuantityTooLarge { .. } => "money-quantity-too-large",
            MoneyError::BadQuantity { .. } => "money-quantity-not-a-number",
            MoneyError::AmbiguousQuantity { .. } => "money-quantity-ambiguous",
            MoneyError::DoubleMultiplier { .. } => "money-double-multiplier",
            MoneyError::TwoNumbers { .. } => "money-item-two-numbers",
            MoneyError::FixedTooLarge { .. } => "money-fixed-too-large",
            MoneyError::FixedBelowMinor { .. } => "money-fixed-below-minor",
            MoneyError::NoItems => "money-items-empty",
            MoneyError::TooManyItems { .. } => "money-items-too-many",
            MoneyError::MissingQuantity { .. } => "money-item-missing-quantity",
            MoneyError::NumeralWithoutUnit { .. } => "money-item-numeral-without-unit",
            MoneyError::MissingItem { .. } => "money-item-missing-item",
            MoneyError::ItemNameTooLong { .. } => "money-item-name-too-long",
        }
    }

    /// Fluent arguments (all strings) for [`MoneyError::msg_id`].
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MoneyError::EmptyValue | MoneyError::EmptyQuantity | MoneyError::NoItems => vec![],
            MoneyError::NegativeValue { text }
            | MoneyError::ZeroValue { text }
            | MoneyError::ValueTooPrecise { text }
            | MoneyError::MissingCurrency { text }
            | MoneyError::BadValue { text }
            | MoneyError::NegativeQuantity { text }
            | MoneyError::ZeroQuantity { text }
            | MoneyError::NotWholeQuantity { text }
            | MoneyError::QuantityTooLarge { text }
            | MoneyError::BadQuantity { text }
            | MoneyError::DoubleMultiplier { text }
            | MoneyError::FixedBelowMinor { text } => vec![("text", text.clone())],
            MoneyError::AmbiguousQuantity { text, small, large } => {
                vec![("text", text.clone()), ("small", small.clone()), ("large", large.clone())]
            }
            MoneyError::ValueTooLarge { text, currency }
            | MoneyError::UnknownCurrency { text, currency }
            | MoneyError::FixedTooLarge { text, currency } => {
                vec![("text", text.clone()), ("currency", currency.clone())]
            }
            MoneyError::CurrencyConflict { text, first, second } => {
                vec![("text", text.clone()), ("first", first.clone()), ("second", second.clone())]
            }
            MoneyError::TooManyItems { count, max } => {
                vec![("count", count.to_string()), ("max", max.to_string())]
            }
            MoneyError::MissingQuantity { line }
            | MoneyError::NumeralWithoutUnit { line }
            | MoneyError::MissingItem { line }
            | MoneyError::TwoNumbers { line } => {
                vec![("line", line.clone())]
            }
            MoneyError::ItemNameTooLong { item, max } => {
                vec![("item", item.clone()), ("max", max.to_string())]
            }
        }
    }
}

/// The first [`SNIPPET_CHARS`] characters of `s`, with `…` if cut.
fn snippet(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(SNIPPET_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Normalisation and scanning helpers
// ---------------------------------------------------------------------------

/// Fold full-width forms ([`fold_full_width`]) and odd spaces; collapse whitespace runs (newlines
/// included) to one space; trim.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = match fold_full_width(c) {
            '\u{2212}' => '-',
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The digits of a number as written, before any multiplier.
#[derive(Debug)]
struct Digits<'a> {
    int: String,
    frac: &'a str,
}

/// Scan a number at the start of `s` (which starts with a digit or `.digit`).
/// Returns the digits and the byte length consumed, or `Err(())` if malformed.
fn scan_number(s: &str) -> Result<(Digits<'_>, usize), ()> {
    let b = s.as_bytes();
    let digits_at = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut int = String::new();
    let mut i = digits_at(0);
    int.push_str(&s[..i]);
    let first_group = i;
    let mut sep: Option<u8> = None;
    while i < b.len() && (b[i] == b',' || b[i] == b' ') {
        let c = b[i];
        if sep.is_some_and(|s| s != c) {
            break;
        }
        let n = digits_at(i + 1);
        if n == 0 {
            break; // a separator not followed by digits ends the number
        }
        if c == b' '
            && (n != 3
                || first_group == 0
                || (sep.is_none() && first_group > 3)
                || b.get(i + 4).is_some_and(u8::is_ascii_alphanumeric))
        {
            break; // "500 100ml", "1000 000": the space is not a thousands separator
        }
        // "0,001" is not a grouped number (it is 0.001 in much of the world): refused, never 1.
        if n != 3 || first_group == 0 || (sep.is_none() && (first_group > 3 || b[0] == b'0')) {
            return Err(());
        }
        sep = Some(c);
        int.push_str(&s[i + 1..i + 4]);
        i += 4;
    }
    let mut frac = "";
    if i < b.len() && b[i] == b'.' {
        let n = digits_at(i + 1);
        if n > 0 {
            frac = &s[i + 1..i + 1 + n];
            i += 1 + n;
        }
    }
    if int.is_empty() && frac.is_empty() {
        return Err(());
    }
    // "1.2.3", "1.234,56", "1e9", "1E+9"
    if i < b.len() {
        let next_digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
        match b[i] {
            b'.' | b',' if next_digit(i + 1) => return Err(()),
            b'e' | b'E' if next_digit(i + 1) || (matches!(b.get(i + 1), Some(b'+' | b'-')) && next_digit(i + 2)) => {
                return Err(());
            }
            _ => {}
        }
    }
    Ok((Digits { int, frac: frac_trim(frac) }, i))
}

fn frac_trim(f: &str) -> &str {
    f.trim_end_matches('0')
}

const CJK_MULTIPLIERS: &[(&str, u32)] = &[
    ("万亿", 12),
    ("萬億", 12),
    ("十万", 5),
    ("十萬", 5),
    ("百万", 6),
    ("百萬", 6),
    ("千万", 7),
    ("千萬", 7),
    ("亿", 8),
    ("億", 8),
    ("万", 4),
    ("萬", 4),
    ("千", 3),
    ("百", 2),
];
const WORD_MULTIPLIERS: &[(&str, u32)] = &[("thousand", 3), ("million", 6), ("billion", 9)];
const ABBR_MULTIPLIERS: &[(&str, u32)] = &[("mln", 6), ("mn", 6), ("bn", 9), ("k", 3), ("m", 6), ("b", 9)];

/// A multiplier at the start of `s`: returns (power of ten, bytes consumed).
fn scan_multiplier(s: &str) -> (u32, usize) {
    let boundary = |rest: &str| !rest.starts_with(|c: char| c.is_ascii_alphanumeric());
    let lower_starts =
        |s: &str, w: &str| s.len() >= w.len() && s.is_char_boundary(w.len()) && s[..w.len()].eq_ignore_ascii_case(w);
    // Attached abbreviations: "5k", "1.2m", "3bn".
    for (w, e) in ABBR_MULTIPLIERS {
        if lower_starts(s, w) && boundary(&s[w.len()..]) {
            return (*e, w.len());
        }
    }
    let skip = s.len() - s.trim_start_matches(' ').len();
    let t = &s[skip..];
    for (w, e) in WORD_MULTIPLIERS {
        if lower_starts(t, w) && boundary(&t[w.len()..]) {
            return (*e, skip + w.len());
        }
    }
    for (w, e) in CJK_MULTIPLIERS {
        if let Some(rest) = t.strip_prefix(w) {
            if *w == "千" && rest.starts_with('克') {
                continue; // 千克 = kilogram
            }
            return (*e, skip + w.len());
        }
    }
    (0, 0)
}

/// Outcome of scaling a number.
enum Scaled {
    Zero,
    TooLarge,
    /// Decimal places needed after scaling exceed the allowed number.
    TooPrecise,
    Ok(Decimal),
}

/// `int.frac × 10^exp`, exactly; at most `max_dp` decimal places and at most
/// [`MAX_MAGNITUDE`].
fn scale(d: &Digits<'_>, exp: u32, max_dp: u32) -> Scaled {
    let int = d.int.trim_start_matches('0');
    let frac = d.frac; // trailing zeros already trimmed
    if int.is_empty() && frac.is_empty() {
        return Scaled::Zero;
    }
    let exp = exp as usize;
    if !int.is_empty() && int.len() + exp > 13 {
        return Scaled::TooLarge;
    }
    let dp = frac.len().saturating_sub(exp);
    if dp > max_dp as usize {
        return Scaled::TooPrecise;
    }
    // mantissa = int ++ frac ++ zeros, scale = dp
    let mut m: u128 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        m = m * 10 + u128::from(c - b'0');
    }
    for _ in 0..exp.saturating_sub(frac.len()) {
        m *= 10;
    }
    let limit = u128::from(MAX_MAGNITUDE) * 10u128.pow(dp as u32);
    if m > limit {
        return Scaled::TooLarge;
    }
    // m ≤ 10^16 here, well inside Decimal's 96-bit mantissa.
    Scaled::Ok(Decimal::from_i128_with_scale(m as i128, dp as u32).normalize())
}

/// Index of the first digit (or of a `.` right before a digit).
fn number_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let i = b.iter().position(u8::is_ascii_digit)?;
    Some(if i > 0 && b[i - 1] == b'.' { i - 1 } else { i })
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/// How a currency sign may give way to an explicit code.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Soft {
    /// A code or an unambiguous word or symbol.
    Hard,
    /// `$`: USD unless a code whose symbol has `$` is also given.
    Dollar,
    /// `¥`: CNY unless a code whose symbol has `¥` (JPY) is also given.
    Yen,
}

/// A currency word, symbol or code (already normalised).
fn currency_word(word: &str) -> Option<(Currency, Soft)> {
    let lower = word.to_ascii_lowercase();
    let w = lower.trim_end_matches('.').trim();
    let c = |code: &[u8; 3]| Currency(*code);
    let hard = match w {
        "$" => return Some((Currency::USD, Soft::Dollar)),
        "¥" => return Some((Currency::CNY, Soft::Yen)),
        "cn¥" | "rmb¥" | "rmb" | "yuan" | "renminbi" | "元" | "圆" | "块" | "块钱" | "人民币" | "人民币元"
        | "元人民币" => Currency::CNY,
        "us$" | "usd$" | "u.s.$" | "dollar" | "dollars" | "us dollar" | "us dollars" | "u.s. dollar"
        | "u.s. dollars" | "美元" | "美金" => Currency::USD,
        "€" | "euro" | "euros" | "欧元" => Currency::EUR,
        "£" | "pound" | "pounds" | "pound sterling" | "pounds sterling" | "sterling" | "英镑" => c(b"GBP"),
        "jp¥" | "円" | "yen" | "japanese yen" | "日元" | "日圆" | "日币" => c(b"JPY"),
        "₩" | "won" | "korean won" | "韩元" | "韩币" => c(b"KRW"),
        "hk$" | "hk dollar" | "hk dollars" | "hong kong dollar" | "hong kong dollars" | "港元" | "港币" => {
            c(b"HKD")
        }
        "a$" | "australian dollar" | "australian dollars" | "澳元" => c(b"AUD"),
        "c$" | "canadian dollar" | "canadian dollars" | "加元" => c(b"CAD"),
        "s$" | "singapore dollar" | "singapore dollars" | "新加坡元" => c(b"SGD"),
        "nt$" | "新台币" | "台币" => c(b"TWD"),
        "swiss franc" | "swiss francs" | "瑞士法郎" => c(b"CHF"),
        "₽" | "rouble" | "roubles" | "ruble" | "rubles" | "卢布" => c(b"RUB"),
        "₹" | "indian rupee" | "indian rupees" | "卢比" => c(b"INR"),
        "₫" | "dong" | "越南盾" => c(b"VND"),
        "฿" | "baht" | "泰铢" => c(b"THB"),
        "₱" | "philippine peso" | "philippine pesos" | "菲律宾比索" => c(b"PHP"),
        // Any ISO code in capitals ("500 ALL"); in other cases only common
        // ones, so English words such as "all", "top", "cup" are not codes.
        _ if word.bytes().all(|b| b.is_ascii_uppercase()) => Currency::from_code(word)?,
        _ if LOWERCASE_CODES.contains(&w) => Currency::from_code(w)?,
        _ => return None,
    };
    Some((hard, Soft::Hard))
}

/// ISO codes also accepted when not written in capitals (`usd`, `Eur`).
const LOWERCASE_CODES: &[&str] = &[
    "cny", "usd", "eur", "gbp", "jpy", "krw", "hkd", "mop", "twd", "aud", "cad", "nzd", "sgd", "chf", "sek", "nok",
    "dkk", "rub", "inr", "thb", "vnd", "myr", "idr", "php", "pkr", "lkr", "npr", "bdt", "mmk", "khr", "lak", "mnt",
    "kzt", "uzs", "aed", "sar", "egp", "zar", "ngn", "kes", "etb", "tzs", "brl", "mxn", "ars", "clp", "pen", "cop",
    "pln", "czk", "huf", "ron", "try", "ils", "irr",
];

fn compatible(soft: Soft, c: Currency) -> bool {
    match soft {
        Soft::Hard => false,
        Soft::Dollar => c.symbol().contains('$'),
        Soft::Yen => c.symbol().contains('¥'),
    }
}

const APPROX: &[&str] = &["approximately", "approx.", "approx", "around", "about", "ca.", "大约", "约", "~", "≈"];

/// Parse a donation's declared value. `Ok(None)` for `-` (not valued).
///
/// Accepts e.g. `90000 CNY`, `90,000 CNY`, `¥90,000`, `90,000 yuan`, `90000 RMB`,
/// `3.5 million yuan`, `350万元`, `350万 元`, `3.5亿元`, `人民币90000元`, `$12,700`,
/// `12700 USD`, `US$12,700`, `12,700 dollars`, `€500`, `500 EUR`, `500 euros`,
/// `£20`, `₩1,000,000`, `1000 JPY`, `5k USD`, `1.2m CNY`, `1.2 million CNY`.
pub fn parse_value(s: &str) -> Result<Option<Money>, MoneyError> {
    let norm = normalize(s);
    let mut t = norm.trim_end_matches(['.', '。']).trim();
    if t.is_empty() {
        return Err(MoneyError::EmptyValue);
    }
    if matches!(t, "-" | "--" | "—" | "——" | "–") {
        return Ok(None);
    }
    for a in APPROX {
        if t.len() >= a.len() && t.is_char_boundary(a.len()) && t[..a.len()].eq_ignore_ascii_case(a) {
            t = t[a.len()..].trim_start();
            break;
        }
    }
    let text = || snippet(t);
    let Some(start) = number_start(t) else {
        return Err(MoneyError::BadValue { text: text() });
    };
    let head = &t[..start];
    if head.contains('-') {
        return Err(MoneyError::NegativeValue { text: text() });
    }
    let prefix = head.trim_matches(|c: char| c == '+' || c == ' ');
    let (digits, used) = scan_number(&t[start..]).map_err(|_| MoneyError::BadValue { text: text() })?;
    let after = &t[start + used..];
    let (exp, mused) = scan_multiplier(after);
    let suffix = after[mused..].trim();
    if suffix.contains(|c: char| c.is_ascii_digit()) {
        return Err(MoneyError::BadValue { text: text() });
    }
    let lookup = |w: &str| {
        if w.is_empty() {
            Ok(None)
        } else {
            currency_word(w).map(Some).ok_or_else(|| MoneyError::UnknownCurrency { text: text(), currency: snippet(w) })
        }
    };
    let pre = lookup(prefix)?;
    let suf = lookup(suffix)?;
    let currency = match (pre, suf) {
        (None, None) => return Err(MoneyError::MissingCurrency { text: text() }),
        (Some((c, _)), None) | (None, Some((c, _))) => c,
        (Some((a, sa)), Some((b, sb))) => {
            if a == b {
                a
            } else if compatible(sa, b) {
                b
            } else if compatible(sb, a) {
                a
            } else {
                return Err(MoneyError::CurrencyConflict { text: text(), first: a.to_string(), second: b.to_string() });
            }
        }
    };
    match scale(&digits, exp, MAX_VALUE_DECIMALS) {
        Scaled::Zero => Err(MoneyError::ZeroValue { text: text() }),
        Scaled::TooLarge => Err(MoneyError::ValueTooLarge { text: text(), currency: currency.to_string() }),
        Scaled::TooPrecise => Err(MoneyError::ValueTooPrecise { text: text() }),
        Scaled::Ok(amount) => Ok(Some(Money { amount, currency })),
    }
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------

/// Scan a quantity at the start of `t` (normalised). Returns the quantity and
/// the rest of the text. `text` is what errors quote.
fn scan_quantity<'a>(t: &'a str, text: &str) -> Result<(u64, &'a str), MoneyError> {
    let text = || snippet(text);
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t).trim_start()),
    };
    if number_start(body) != Some(0) {
        return Err(MoneyError::BadQuantity { text: text() });
    }
    if neg {
        return Err(MoneyError::NegativeQuantity { text: text() });
    }
    let (digits, used) = scan_number(body).map_err(|_| MoneyError::BadQuantity { text: text() })?;
    let (exp, mused) = scan_multiplier(&body[used..]);
    let rest = &body[used + mused..];
    if mused > 0 && scan_multiplier(rest).1 > 0 {
        // "1万万", "10 million million": never multiply twice.
        return Err(MoneyError::DoubleMultiplier { text: text() });
    }
    if rest.starts_with(|c: char| c.is_ascii_punctuation()) {
        // "1_000", "500-600": the number does not end where a quantity ends.
        return Err(MoneyError::BadQuantity { text: text() });
    }
    if exp == 0
        && let Some((int, frac)) = body[..used].split_once('.')
        && frac.len() == 3
        && (1..=3).contains(&int.len())
        && int.bytes().all(|b| b.is_ascii_digit())
    {
        // "1.000 masks" is 1,000 in much of the world: a quantity never has three decimals, so ask.
        let small = format!("{int}.{frac}").trim_end_matches('0').trim_end_matches('.').to_string();
        let large = fmt_int(format!("{int}{frac}").parse::<i128>().unwrap_or(0));
        return Err(MoneyError::AmbiguousQuantity { text: text(), small, large });
    }
    match scale(&digits, exp, 0) {
        Scaled::Zero => Err(MoneyError::ZeroQuantity { text: text() }),
        Scaled::TooLarge => Err(MoneyError::QuantityTooLarge { text: text() }),
        Scaled::TooPrecise => Err(MoneyError::NotWholeQuantity { text: text() }),
        Scaled::Ok(d) => d.to_u64().map(|q| (q, rest)).ok_or_else(|| MoneyError::QuantityTooLarge { text: text() }),
    }
}

/// Parse a quantity: a whole number above zero and at most 10^12 after
/// scaling, e.g. `45000`, `45,000`, `45 000`, `4.5万`, `4.5k`, `1.2 million`,
/// `5千`, `1亿`.
pub fn parse_quantity(s: &str) -> Result<u64, MoneyError> {
    let norm = normalize(s);
    let t = norm.trim_end_matches(['.', '。']).trim();
    if t.is_empty() {
        return Err(MoneyError::EmptyQuantity);
    }
    let (q, rest) = scan_quantity(t, t)?;
    if !rest.trim().is_empty() {
        return Err(MoneyError::BadQuantity { text: snippet(t) });
    }
    Ok(q)
}

// ---------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------

fn is_item_separator(c: char) -> bool {
    matches!(c, ';' | '；' | '、' | '\n' | '\r')
}

/// Parse an item list: `QUANTITY [UNIT] ITEM` lines separated by `;`, `；`,
/// `、` or newlines. See the module docs for units and limits.
pub fn parse_items(s: &str) -> Result<Vec<ItemLine>, MoneyError> {
    let lines: Vec<&str> = s.split(is_item_separator).map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Err(MoneyError::NoItems);
    }
    if lines.len() > MAX_ITEM_LINES {
        return Err(MoneyError::TooManyItems { count: lines.len(), max: MAX_ITEM_LINES });
    }
    let mut out = Vec::with_capacity(lines.len());
    for raw in lines {
        if let Some(item) = parse_item_line(raw)? {
            out.push(item);
        }
    }
    if out.is_empty() {
        return Err(MoneyError::NoItems);
    }
    Ok(out)
}

/// Parse one item line (`478,000 masks`, `47.8万只口罩`), without splitting at list separators.
pub fn parse_item(s: &str) -> Result<ItemLine, MoneyError> {
    parse_item_line(s)?.ok_or(MoneyError::NoItems)
}

fn parse_item_line(raw: &str) -> Result<Option<ItemLine>, MoneyError> {
    let norm = normalize(raw);
    let mut line = norm.as_str();
    for bullet in ["- ", "* ", "•", "·"] {
        if let Some(r) = line.strip_prefix(bullet) {
            line = r.trim_start();
            break;
        }
    }
    if line.is_empty() {
        return Ok(None);
    }
    let sign_free = line.trim_start_matches(['-', '+']).trim_start();
    if number_start(sign_free) != Some(0) {
        if let Some(digits) = chinese_numeral_quantity(line)? {
            return parse_item_line(&digits);
        }
        return match parse_item_first(line) {
            Some(found) => found.map(Some),
            None if starts_with_chinese_number(line) => Err(MoneyError::NumeralWithoutUnit { line: snippet(line) }),
            None => Err(MoneyError::MissingQuantity { line: snippet(line) }),
        };
    }
    let (quantity, rest) = scan_quantity(line, line)?;
    // The quantity must end at a word boundary, unless an English unit is
    // attached ("500pcs masks"); "500mg", "1e9" are malformed.
    let mut unit: Option<String> = None;
    let mut rest = rest;
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        let n = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let word = rest[..n].to_ascii_lowercase();
        if n > 0 && EN_UNITS.contains(&word.as_str()) {
            unit = Some(word);
            rest = &rest[n..];
        } else {
            return Err(MoneyError::BadQuantity { text: snippet(line) });
        }
    }
    let mut rest = rest.trim_start();
    if unit.is_none() {
        if let Some(r) = rest.strip_prefix('×') {
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix("x ").or_else(|| rest.strip_prefix("X ")) {
            rest = r.trim_start();
        }
        if let Some(u) = ZH_UNITS.iter().find(|u| rest.starts_with(**u)) {
            unit = Some((*u).to_string());
            rest = rest[u.len()..].trim_start();
        } else {
            let n = rest.find(' ').unwrap_or(rest.len());
            let word = rest[..n].to_ascii_lowercase();
            if EN_UNITS.contains(&word.as_str()) {
                unit = Some(word);
                rest = rest[n..].trim_start();
            }
        }
    }
    if unit.as_deref().is_some_and(|u| u.is_ascii()) {
        let n = rest.find(' ').unwrap_or(rest.len());
        if rest[..n].eq_ignore_ascii_case("of") {
            rest = rest[n..].trim_start();
        }
    }
    if starts_with_count(rest) {
        // "10 10 masks": which number is the quantity? Never glue one into the item's name.
        return Err(MoneyError::TwoNumbers { line: snippet(line) });
    }
    finish_item(quantity, unit, rest, line).map(Some)
}

/// Characters of a number written in Chinese (simplified, traditional and financial forms).
const ZH_NUMERALS: &str = "零〇一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾佰仟";

/// A quantity in Chinese numerals before a Chinese unit (`五千个口罩`, `两万副手套`, `一千克`): the line
/// with the numerals as digits (`5000个口罩`), read then like any other. Only before a unit, so that an
/// item whose name begins with a numeral (`三角巾`) is never read as a quantity; the longest reading
/// that a unit follows wins (`一千克` is one 千克). Numerals before a unit that are no number
/// (`十十十个`, `万个`, or past what a `u64` holds) are a bad quantity.
fn chinese_numeral_quantity(line: &str) -> Result<Option<String>, MoneyError> {
    use chinese_number::{ChineseCountMethod, ChineseToNumber};
    let ends: Vec<usize> =
        line.char_indices().take_while(|(_, c)| ZH_NUMERALS.contains(*c)).map(|(i, c)| i + c.len_utf8()).collect();
    let mut before_a_unit = false;
    for &end in ends.iter().rev() {
        let (number, rest) = line.split_at(end);
        if !ZH_UNITS.iter().any(|u| rest.starts_with(u)) {
            continue;
        }
        before_a_unit = true;
        let parsed: Result<u64, _> = number.to_number(ChineseCountMethod::TenThousand);
        if let Ok(n) = parsed {
            return Ok(Some(format!("{n}{rest}")));
        }
    }
    if before_a_unit {
        return Err(MoneyError::BadQuantity { text: snippet(line) });
    }
    Ok(None)
}

/// Whether `line` plainly begins with a number in Chinese numerals (`一万口罩`): two numerals or more
/// with a scale among them. One numeral (`三角巾`, `十字绷带`) may be the item's own name.
fn starts_with_chinese_number(line: &str) -> bool {
    let run: Vec<char> = line.chars().take_while(|c| ZH_NUMERALS.contains(*c)).collect();
    run.len() >= 2 && run.iter().any(|c| "十百千万萬亿億拾佰仟".contains(*c))
}

/// Whether `s` starts with a count of its own: a number (with any multiplier) that ends the word or
/// is followed by a Chinese unit (`10 masks`, `5万个`), as opposed to a size or a model (`100ml`, `3-ply`).
fn starts_with_count(s: &str) -> bool {
    let s = s.trim_start_matches(['+', '-']);
    if number_start(s) != Some(0) {
        return false;
    }
    // A word of digits and number signs only ("10", "0001.", "1,000", "1_000"): a second number.
    let word = s.split(' ').next().unwrap_or("");
    if word.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '_' | '-' | '+')) {
        return true;
    }
    match scan_quantity(s, s) {
        Ok((_, r)) => r.is_empty() || r.starts_with(' ') || ZH_UNITS.iter().any(|u| r.starts_with(u)),
        Err(_) => false,
    }
}

fn finish_item(quantity: u64, unit: Option<String>, item: &str, line: &str) -> Result<ItemLine, MoneyError> {
    let item = item.trim();
    if item.is_empty() {
        return Err(MoneyError::MissingItem { line: snippet(line) });
    }
    if item.chars().count() > MAX_ITEM_NAME_CHARS {
        return Err(MoneyError::ItemNameTooLong { item: snippet(item), max: MAX_ITEM_NAME_CHARS });
    }
    Ok(ItemLine { quantity, unit, item: item.to_string() })
}

/// A whole unit word: `套`, `sets`, `PCS` (English units are lowercased).
fn unit_word(s: &str) -> Option<String> {
    if let Some(u) = ZH_UNITS.iter().find(|u| **u == s) {
        return Some((*u).to_string());
    }
    let lower = s.to_ascii_lowercase();
    EN_UNITS.contains(&lower.as_str()).then_some(lower)
}

/// The item-first form `ITEM [:] QUANTITY [UNIT]` (`口罩5万个`, `防护服 500套`,
/// `masks: 500`): the quantity must start after a space, a Chinese character or
/// `:`/`=`/`×`, lie in the last 64 bytes and be followed only by a unit.
fn parse_item_first(line: &str) -> Option<Result<ItemLine, MoneyError>> {
    let floor = line.len().saturating_sub(64);
    for (i, c) in line.char_indices() {
        if i < floor || !c.is_ascii_digit() {
            continue;
        }
        let prev = line[..i].chars().next_back();
        if !prev.is_some_and(|p| p == ' ' || is_cjk(p) || matches!(p, ':' | '=' | '×')) {
            continue;
        }
        let Ok((quantity, rest)) = scan_quantity(&line[i..], line) else {
            continue;
        };
        let rest = rest.trim();
        let unit = if rest.is_empty() {
            None
        } else {
            match unit_word(rest) {
                Some(u) => Some(u),
                None => continue,
            }
        };
        let mut item = line[..i].trim_end_matches([' ', ':', '=', '×', ',']);
        if let Some(r) = item.strip_suffix(" x").or_else(|| item.strip_suffix(" X")) {
            item = r.trim_end();
        }
        if item.is_empty() {
            continue;
        }
        return Some(finish_item(quantity, unit, item, line));
    }
    None
}

const INVARIANT_WORDS: &[&str] = &[
    "goggles", "glasses", "scissors", "tweezers", "forceps", "pliers", "trousers", "pants", "shorts", "clothes",
    "series", "species", "news", "diabetes", "measles", "mumps", "rabies", "scabies", "herpes", "lens",
];

fn singular(w: &str) -> String {
    let plain = w.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if !plain || !w.ends_with('s') || w.len() <= 3 || INVARIANT_WORDS.contains(&w) {
        return w.to_string();
    }
    match w {
        "lenses" => return "lens".into(),
        "viruses" => return "virus".into(),
        _ => {}
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for es in ["sses", "ches", "shes", "xes", "zzes"] {
        if w.ends_with(es) {
            return w[..w.len() - 2].to_string();
        }
    }
    w[..w.len() - 1].to_string()
}

/// Normalised key for grouping items across donations: full-width folded,
/// lowercased, whitespace collapsed, and each English word singularised (see
/// the module docs for the rule), so `Masks` and `mask`, `protective suits`
/// and `Protective  suit` share a key, while `goggles` stays `goggles`.
pub fn item_key(item: &str) -> String {
    normalize(item).to_lowercase().split(' ').filter(|w| !w.is_empty()).map(singular).collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Minor units (fen, cents) of an amount, rounded half away from zero; `None` when out of `i64`.
pub fn minor_units(d: Decimal) -> Option<i64> {
    d.checked_mul(Decimal::ONE_HUNDRED)?.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64()
}

/// A donation's fixed CNY or USD amount in minor units, checked: at least one fen or cent and at most
/// [`MAX_FIXED`]. `None` for `fixed` means the conversion itself overflowed. `declared` is what the
/// errors quote (the value as it was declared).
pub fn check_fixed(fixed: Option<Decimal>, currency: Currency, declared: &Money) -> Result<i64, MoneyError> {
    // Quoted exactly as declared: a rounded "CNY 0" would not say what was wrong.
    let text = format!("{} {}", declared.amount.normalize(), declared.currency);
    let too_large = || MoneyError::FixedTooLarge { text: text.clone(), currency: currency.to_string() };
    let minor = fixed.and_then(minor_units).ok_or_else(too_large)?;
    if minor > MAX_FIXED * 100 {
        return Err(too_large());
    }
    if minor < 1 {
        return Err(MoneyError::FixedBelowMinor { text });
    }
    Ok(minor)
}

/// An integer with thousands separators: `45000` → `45,000`.
pub fn fmt_int(n: i128) -> String {
    let body = group_digits(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{body}") } else { body }
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// An amount with thousands separators and two decimals only when they are
/// not zero: `3500000` → `3,500,000`, `38500.5` → `38,500.50`.
pub fn fmt_amount(d: Decimal) -> String {
    let r = round2(d);
    let sign = if r.is_sign_negative() && !r.is_zero() { "-" } else { "" };
    let a = r.abs();
    let int = a.trunc();
    let int_s = group_digits(&int.to_i128().unwrap_or(0).to_string());
    let cents = ((a - int) * Decimal::ONE_HUNDRED).to_u32().unwrap_or(0);
    if cents == 0 { format!("{sign}{int_s}") } else { format!("{sign}{int_s}.{cents:02}") }
}

/// `CNY 3,500,000`.
pub fn fmt_cny(d: Decimal) -> String {
    format!("CNY {}", fmt_amount(d))
}

/// `$494,100` (`-$5` for negatives).
pub fn fmt_usd(d: Decimal) -> String {
    let s = fmt_amount(d);
    match s.strip_prefix('-') {
        Some(r) => format!("-${r}"),
        None => format!("${s}"),
    }
}

/// `CNY 38,500`, `$12,700`, `EUR 500`.
pub fn fmt_money(m: &Money) -> String {
    if m.currency == Currency::USD { fmt_usd(m.amount) } else { format!("{} {}", m.currency, fmt_amount(m.amount)) }
}

/// Chinese style: `3500000` → `350万元`, `38500` → `3.85万元`, `5000` →
/// `5,000元`, `350000000` → `3.5亿元` (at most two decimals, half away from zero).
pub fn fmt_wan(d: Decimal) -> String {
    let r = round2(d);
    let sign = if r.is_sign_negative() && !r.is_zero() { "-" } else { "" };
    let a = r.abs();
    let wan = Decimal::from(10_000);
    if a < wan {
        return format!("{sign}{}元", fmt_amount(a));
    }
    let w = round2(a / wan);
    if w < wan {
        return format!("{sign}{}万元", w.normalize());
    }
    let y = round2(a / Decimal::from(100_000_000));
    format!("{sign}{}亿元", y.normalize())
}

/// `500 sets protective suits`, `45,000 masks`, `50,000个口罩`.
pub fn fmt_item(line: &ItemLine) -> String {
    let q = fmt_int(i128::from(line.quantity));
    let item_cjk = line.item.starts_with(is_cjk);
    match &line.unit {
        Some(u) if u.starts_with(is_cjk) => {
            let gap = if item_cjk { "" } else { " " };
            format!("{q}{u}{gap}{}", line.item)
        }
        Some(u) => format!("{q} {u} {}", line.item),
        None if item_cjk => format!("{q}{}", line.item),
        None => format!("{q} {}", line.item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn cur(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }
    fn val(s: &str) -> Money {
        match parse_value(s) {
            Ok(Some(m)) => m,
            other => panic!("{s:?} → {other:?}"),
        }
    }
    fn item(q: u64, unit: Option<&str>, name: &str) -> ItemLine {
        ItemLine { quantity: q, unit: unit.map(str::to_string), item: name.to_string() }
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::from_code("usd"), Some(Currency::USD));
        assert_eq!(Currency::from_code("EUR"), Some(Currency::EUR));
        assert_eq!(Currency::from_code("Cny"), Some(Currency::CNY));
        assert_eq!(cur("gbp").as_str(), "GBP");
        assert_eq!(Currency::CNY.to_string(), "CNY");
        assert_eq!(format!("{:?}", Currency::USD), "Currency(USD)");
        for bad in ["XYZ", "US", "USDD", "", "u$d", "ＵＳＤ", "XXX", "XTS", "XAU", "美元"] {
            assert_eq!(Currency::from_code(bad), None, "{bad}");
        }
        assert!(Currency::CNY < Currency::USD);
        // The constants are real codes.
        for c in [Currency::CNY, Currency::USD, Currency::EUR] {
            assert_eq!(Currency::from_code(c.as_str()), Some(c));
        }
    }

    #[test]
    fn value_forms() {
        let cny = |n: &str| Money { amount: d(n), currency: Currency::CNY };
        let usd = |n: &str| Money { amount: d(n), currency: Currency::USD };
        for (s, m) in [
            ("90000 CNY", cny("90000")),
            ("90,000 CNY", cny("90000")),
            ("¥90,000", cny("90000")),
            ("90,000 yuan", cny("90000")),
            ("90000 RMB", cny("90000")),
            ("3.5 million yuan", cny("3500000")),
            ("350万元", cny("3500000")),
            ("350万 元", cny("3500000")),
            ("350 万元", cny("3500000")),
            ("3.5亿元", cny("350000000")),
            ("人民币90000元", cny("90000")),
            ("人民币 90,000 元", cny("90000")),
            ("$12,700", usd("12700")),
            ("12700 USD", usd("12700")),
            ("US$12,700", usd("12700")),
            ("12,700 dollars", usd("12700")),
            ("12,700美元", usd("12700")),
            ("5k USD", usd("5000")),
            ("5K usd", usd("5000")),
            ("1.2m CNY", cny("1200000")),
            ("1.2 million CNY", cny("1200000")),
            ("1.2mn CNY", cny("1200000")),
            ("2bn CNY", cny("2000000000")),
            ("CNY 3,500,000", cny("3500000")),
            ("CNY 38,500.50", cny("38500.5")),
            ("USD 1.2345", usd("1.2345")),
            ("1.23456k CNY", cny("1234.56")),
            ("  90000   cny  ", cny("90000")),
            ("９００００元", cny("90000")),
            ("９０，０００ ＣＮＹ", cny("90000")),
            ("￥90,000", cny("90000")),
            ("90 000 CNY", cny("90000")),
            ("90000 CNY.", cny("90000")),
            ("约350万元", cny("3500000")),
            ("about $500", usd("500")),
            (".5 million yuan", cny("500000")),
            ("1,000,000,000,000 CNY", cny("1000000000000")),
            ("1万亿元", cny("1000000000000")),
            ("5千元", cny("5000")),
            ("+500 CNY", cny("500")),
            ("$500 USD", usd("500")),
            ("500 u.s. dollars", usd("500")),
        ] {
            assert_eq!(val(s), m, "{s}");
        }
        let eur = Currency::EUR;
        for s in ["€500", "500 EUR", "500 euros", "500€", "500 欧元", "500 eur"] {
            assert_eq!(val(s), Money { amount: d("500"), currency: eur }, "{s}");
        }
        assert_eq!(val("£20").currency, cur("GBP"));
        assert_eq!(val("₩1,000,000"), Money { amount: d("1000000"), currency: cur("KRW") });
        for s in ["1000 JPY", "1000 yen", "1000円", "1000日元", "¥1000 JPY", "JPY 1000"] {
            assert_eq!(val(s), Money { amount: d("1000"), currency: cur("JPY") }, "{s}");
        }
        assert_eq!(val("$500 HKD").currency, cur("HKD"));
        assert_eq!(val("HK$500").currency, cur("HKD"));
        assert_eq!(val("500 港币").currency, cur("HKD"));
        assert_eq!(val("500 chf").currency, cur("CHF"));
        assert_eq!(val("500 ALL").currency, cur("ALL"));
        assert_eq!(val("RMB 90,000").currency, Currency::CNY);
        assert_eq!(val("90000元人民币").currency, Currency::CNY);
    }

    #[test]
    fn value_not_valued() {
        for s in ["-", " - ", "--", "—", "－"] {
            assert_eq!(parse_value(s), Ok(None), "{s}");
        }
    }

    #[test]
    fn value_errors() {
        use MoneyError::*;
        assert_eq!(parse_value(""), Err(EmptyValue));
        assert_eq!(parse_value("   "), Err(EmptyValue));
        assert_eq!(parse_value("-500 CNY"), Err(NegativeValue { text: "-500 CNY".into() }));
        assert_eq!(parse_value("$-500"), Err(NegativeValue { text: "$-500".into() }));
        assert_eq!(parse_value("-$500"), Err(NegativeValue { text: "-$500".into() }));
        assert_eq!(parse_value("0 CNY"), Err(ZeroValue { text: "0 CNY".into() }));
        assert_eq!(parse_value("¥0.00"), Err(ZeroValue { text: "¥0.00".into() }));
        assert_eq!(parse_value("1.23456 CNY"), Err(ValueTooPrecise { text: "1.23456 CNY".into() }));
        assert_eq!(parse_value("0.00001 USD"), Err(ValueTooPrecise { text: "0.00001 USD".into() }));
        assert_eq!(
            parse_value("1,000,000,000,001 CNY"),
            Err(ValueTooLarge { text: "1,000,000,000,001 CNY".into(), currency: "CNY".into() })
        );
        assert_eq!(parse_value("2万亿元"), Err(ValueTooLarge { text: "2万亿元".into(), currency: "CNY".into() }));
        assert!(matches!(parse_value("99999999999999999999999999999999999999 USD"), Err(ValueTooLarge { .. })));
        assert_eq!(parse_value("500 XYZ"), Err(UnknownCurrency { text: "500 XYZ".into(), currency: "XYZ".into() }));
        assert_eq!(
            parse_value("500 bananas"),
            Err(UnknownCurrency { text: "500 bananas".into(), currency: "bananas".into() })
        );
        assert_eq!(parse_value("500 all"), Err(UnknownCurrency { text: "500 all".into(), currency: "all".into() }));
        assert_eq!(
            parse_value("roughly 500"),
            Err(UnknownCurrency { text: "roughly 500".into(), currency: "roughly".into() })
        );
        assert_eq!(parse_value("500"), Err(MissingCurrency { text: "500".into() }));
        assert_eq!(parse_value("350万"), Err(MissingCurrency { text: "350万".into() }));
        assert_eq!(
            parse_value("$500 EUR"),
            Err(CurrencyConflict { text: "$500 EUR".into(), first: "USD".into(), second: "EUR".into() })
        );
        assert!(matches!(parse_value("¥500 $"), Err(CurrencyConflict { .. })));
        for s in [
            "lots",
            "a lot of money",
            "five hundred yuan",
            "1e9 CNY",
            "1.2.3 CNY",
            "1,5 EUR",
            "1.234,56 EUR",
            "9,0000 CNY",
            "500 CNY 600",
            "¥",
            "1E+6 USD",
        ] {
            assert_eq!(parse_value(s), Err(BadValue { text: s.into() }), "{s}");
        }
        // Long text is cut in errors.
        let long = format!("{} bananas", "1".repeat(5));
        let e = parse_value(&format!("{long}{}", "z".repeat(500))).unwrap_err();
        assert!(e.args()[0].1.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn quantity_forms() {
        for (s, q) in [
            ("45000", 45_000),
            ("45,000", 45_000),
            ("45 000", 45_000),
            ("4.5万", 45_000),
            ("4.5k", 4_500),
            ("4.5K", 4_500),
            ("1.2 million", 1_200_000),
            ("1.2million", 1_200_000),
            ("5千", 5_000),
            ("1亿", 100_000_000),
            ("3 thousand", 3_000),
            ("1,000,000,000,000", 1_000_000_000_000),
            ("１２３", 123),
            ("45，000", 45_000),
            ("45.0", 45),
            ("4.5555万", 45_555),
            (" 7 ", 7),
        ] {
            assert_eq!(parse_quantity(s), Ok(q), "{s}");
        }
    }

    #[test]
    fn quantity_errors() {
        use MoneyError::*;
        assert_eq!(parse_quantity(""), Err(EmptyQuantity));
        assert_eq!(parse_quantity("0"), Err(ZeroQuantity { text: "0".into() }));
        assert_eq!(parse_quantity("0.0万"), Err(ZeroQuantity { text: "0.0万".into() }));
        assert_eq!(parse_quantity("-5"), Err(NegativeQuantity { text: "-5".into() }));
        assert_eq!(parse_quantity("4.5"), Err(NotWholeQuantity { text: "4.5".into() }));
        assert_eq!(parse_quantity("4.55555万"), Err(NotWholeQuantity { text: "4.55555万".into() }));
        assert_eq!(parse_quantity("1,000,000,000,001"), Err(QuantityTooLarge { text: "1,000,000,000,001".into() }));
        assert_eq!(parse_quantity("2万亿"), Err(QuantityTooLarge { text: "2万亿".into() }));
        for s in ["1e9", "abc", "5 masks", "1,5", "12,3456", "1.2.3", "五千", "--5", "$5"] {
            assert_eq!(parse_quantity(s), Err(BadQuantity { text: s.into() }), "{s}");
        }
    }

    #[test]
    fn item_forms() {
        let one = |s: &str| {
            let v = parse_items(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(v.len(), 1, "{s}");
            v.into_iter().next().unwrap()
        };
        assert_eq!(one("500 protective suits"), item(500, None, "protective suits"));
        assert_eq!(one("500 sets protective suits"), item(500, Some("sets"), "protective suits"));
        assert_eq!(one("500 sets of protective suits"), item(500, Some("sets"), "protective suits"));
        assert_eq!(one("500 Sets of protective suits"), item(500, Some("sets"), "protective suits"));
        assert_eq!(one("45,000 masks"), item(45_000, None, "masks"));
        assert_eq!(one("45 000 masks"), item(45_000, None, "masks"));
        assert_eq!(one("4.5万 masks"), item(45_000, None, "masks"));
        assert_eq!(one("4.5k masks"), item(4_500, None, "masks"));
        assert_eq!(one("1.2 million masks"), item(1_200_000, None, "masks"));
        assert_eq!(one("100 medical goggles"), item(100, None, "medical goggles"));
        assert_eq!(one("5万个口罩"), item(50_000, Some("个"), "口罩"));
        assert_eq!(one("500套防护服"), item(500, Some("套"), "防护服"));
        assert_eq!(one("500 套 防护服"), item(500, Some("套"), "防护服"));
        assert_eq!(one("100千克大米"), item(100, Some("千克"), "大米"));
        assert_eq!(one("20公斤消毒液"), item(20, Some("公斤"), "消毒液"));
        assert_eq!(one("500口罩"), item(500, None, "口罩"));
        assert_eq!(one("500pcs masks"), item(500, Some("pcs"), "masks"));
        assert_eq!(one("10kg rice"), item(10, Some("kg"), "rice"));
        assert_eq!(one("500 x masks"), item(500, None, "masks"));
        assert_eq!(one("500 × masks"), item(500, None, "masks"));
        assert_eq!(one("200 xylene bottles"), item(200, None, "xylene bottles"));
        assert_eq!(one("- 500 masks"), item(500, None, "masks"));
        assert_eq!(one("500   N95   masks"), item(500, None, "N95 masks"));
        assert_eq!(one("2 100ml bottles"), item(2, None, "100ml bottles"));
        assert_eq!(one("５００ boxes gloves"), item(500, Some("boxes"), "gloves"));
        for (unit, name) in [
            ("set", "x"),
            ("pieces", "x"),
            ("pcs", "x"),
            ("box", "x"),
            ("pairs", "x"),
            ("bottles", "x"),
            ("cartons", "x"),
            ("packs", "x"),
            ("bags", "x"),
            ("rolls", "x"),
            ("units", "x"),
            ("kg", "x"),
            ("tons", "x"),
            ("tonnes", "x"),
            ("litres", "x"),
            ("liters", "x"),
            ("doses", "x"),
        ] {
            assert_eq!(one(&format!("3 {unit} {name}")), item(3, Some(unit), name));
        }
        for u in ZH_UNITS {
            assert_eq!(one(&format!("3{u}物资")), item(3, Some(u), "物资"));
        }

        // Item first.
        assert_eq!(one("口罩5万个"), item(50_000, Some("个"), "口罩"));
        assert_eq!(one("N95口罩 5万只"), item(50_000, Some("只"), "N95口罩"));
        assert_eq!(one("防护服：500套"), item(500, Some("套"), "防护服"));
        assert_eq!(one("masks: 45,000"), item(45_000, None, "masks"));
        assert_eq!(one("protective suits x 500 sets"), item(500, Some("sets"), "protective suits"));
        assert_eq!(one("surgical masks 4.5万"), item(45_000, None, "surgical masks"));

        let many =
            parse_items("500 sets protective suits; 45,000 masks；5万个口罩、100 goggles\n2 ventilators;").unwrap();
        assert_eq!(
            many,
            vec![
                item(500, Some("sets"), "protective suits"),
                item(45_000, None, "masks"),
                item(50_000, Some("个"), "口罩"),
                item(100, None, "goggles"),
                item(2, None, "ventilators"),
            ]
        );
        let hundred = vec!["1 mask"; 100].join(";");
        assert_eq!(parse_items(&hundred).unwrap().len(), 100);
        let name200 = "a".repeat(200);
        assert_eq!(one(&format!("1 {name200}")).item, name200);
    }

    #[test]
    fn a_quantity_in_chinese_numerals_before_a_unit_is_read_as_digits() {
        let one = |s: &str| parse_item(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(one("五千个口罩"), item(5000, Some("个"), "口罩"));
        assert_eq!(one("两万副手套"), item(20000, Some("副"), "手套"));
        assert_eq!(one("一万两千件防护服"), item(12000, Some("件"), "防护服"));
        assert_eq!(one("兩千五百箱消毒液"), item(2500, Some("箱"), "消毒液"));
        assert_eq!(one("伍佰套防护服"), item(500, Some("套"), "防护服"));
        assert_eq!(one("十台呼吸机"), item(10, Some("台"), "呼吸机"));
        assert_eq!(one("一千个口罩"), item(1000, Some("个"), "口罩"));
        // Odd numerals are refused with a reason, never a panic.
        for s in ["亿亿亿亿亿亿个口罩", "九千九百九十九万亿亿亿个口罩", "十十十个口罩", "万个口罩"]
        {
            assert_eq!(parse_item(s), Err(MoneyError::BadQuantity { text: s.into() }), "{s}");
        }
        assert!(matches!(parse_item("零个口罩"), Err(MoneyError::ZeroQuantity { .. })));
        assert_eq!(one("一千克消毒粉"), item(1, Some("千克"), "消毒粉"), "one 千克, the unit");
        // A numeral that no unit follows is part of the item's name, never a quantity.
        assert_eq!(parse_item("三角巾"), Err(MoneyError::MissingQuantity { line: "三角巾".into() }));
        // Plainly a number but no unit: said so, with both ways to write it.
        assert_eq!(parse_item("一万口罩"), Err(MoneyError::NumeralWithoutUnit { line: "一万口罩".into() }));
        assert_eq!(one("100 三角巾"), item(100, None, "三角巾"));
    }

    #[test]
    fn item_errors() {
        use MoneyError::*;
        assert_eq!(parse_items(""), Err(NoItems));
        assert_eq!(parse_items(" ; ；\n "), Err(NoItems));
        // ("一千个口罩" was here: Chinese numerals before a unit are read now, see the test above.)
        for s in ["N95 masks", "KN95", "covid-19 test kits", "vitamin B12"] {
            assert_eq!(parse_items(s), Err(MissingQuantity { line: s.into() }), "{s}");
        }
        assert_eq!(parse_items("masks"), Err(MissingQuantity { line: "masks".into() }));
        assert_eq!(parse_items("500 masks; gloves"), Err(MissingQuantity { line: "gloves".into() }));
        assert_eq!(parse_items("500"), Err(MissingItem { line: "500".into() }));
        assert_eq!(parse_items("500 sets"), Err(MissingItem { line: "500 sets".into() }));
        assert_eq!(parse_items("500 sets of"), Err(MissingItem { line: "500 sets of".into() }));
        assert_eq!(parse_items("5万个"), Err(MissingItem { line: "5万个".into() }));
        assert_eq!(parse_items("0 masks"), Err(ZeroQuantity { text: "0 masks".into() }));
        assert_eq!(parse_items("-5 masks"), Err(NegativeQuantity { text: "-5 masks".into() }));
        assert_eq!(parse_items("4.55555万 masks"), Err(NotWholeQuantity { text: "4.55555万 masks".into() }));
        assert_eq!(parse_items("1e9 masks"), Err(BadQuantity { text: "1e9 masks".into() }));
        assert_eq!(parse_items("500mg tablets"), Err(BadQuantity { text: "500mg tablets".into() }));
        assert_eq!(parse_items("2万亿 masks"), Err(QuantityTooLarge { text: "2万亿 masks".into() }));
        let too_many = vec!["1 mask"; 101].join(";");
        assert_eq!(parse_items(&too_many), Err(TooManyItems { count: 101, max: 100 }));
        let long = format!("1 {}", "a".repeat(201));
        match parse_items(&long) {
            Err(ItemNameTooLong { item, max: 200 }) => {
                assert_eq!(item.chars().count(), SNIPPET_CHARS + 1)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keys() {
        assert_eq!(item_key("mask"), item_key("masks"));
        assert_eq!(item_key("Masks"), "mask");
        assert_eq!(item_key("protective suit"), item_key("protective  suits"));
        assert_eq!(item_key(" Protective   Suits "), "protective suit");
        assert_eq!(item_key("goggles"), "goggles");
        assert_eq!(item_key("medical goggles"), "medical goggles");
        assert_eq!(item_key("boxes"), "box");
        assert_eq!(item_key("batteries"), item_key("battery"));
        assert_eq!(item_key("gloves"), "glove");
        assert_eq!(item_key("lenses"), item_key("lens"));
        assert_eq!(item_key("viruses"), item_key("virus"));
        assert_eq!(item_key("glass"), "glass");
        assert_eq!(item_key("diagnosis kits"), "diagnosis kit");
        assert_eq!(item_key("N95 Masks"), item_key("n95 mask"));
        assert_eq!(item_key("Ｎ９５ masks"), "n95 mask");
        assert_eq!(item_key("x-rays"), "x-ray");
        assert_eq!(item_key("gas"), "gas");
        assert_eq!(item_key("口罩"), "口罩");
        assert_eq!(item_key("医用 口罩"), "医用 口罩");
        assert_eq!(item_key(""), "");
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_int(1000), "1,000");
        assert_eq!(fmt_int(45000), "45,000");
        assert_eq!(fmt_int(-1234567), "-1,234,567");
        assert_eq!(fmt_int(i128::MIN), "-170,141,183,460,469,231,731,687,303,715,884,105,728");
        assert_eq!(fmt_amount(d("3500000")), "3,500,000");
        assert_eq!(fmt_amount(d("38500.5")), "38,500.50");
        assert_eq!(fmt_amount(d("38500.00")), "38,500");
        assert_eq!(fmt_amount(d("0.005")), "0.01");
        assert_eq!(fmt_amount(d("0.004")), "0");
        assert_eq!(fmt_amount(d("1.995")), "2");
        assert_eq!(fmt_amount(d("-1234.5")), "-1,234.50");
        assert_eq!(fmt_amount(d("-0.001")), "0");
        assert_eq!(fmt_cny(d("3500000")), "CNY 3,500,000");
        assert_eq!(fmt_usd(d("494100")), "$494,100");
        assert_eq!(fmt_usd(d("-5")), "-$5");
        let m = |a: &str, c: Currency| Money { amount: d(a), currency: c };
        assert_eq!(fmt_money(&m("38500", Currency::CNY)), "CNY 38,500");
        assert_eq!(fmt_money(&m("12700", Currency::USD)), "$12,700");
        assert_eq!(fmt_money(&m("500", Currency::EUR)), "EUR 500");
        assert_eq!(fmt_wan(d("3500000")), "350万元");
        assert_eq!(fmt_wan(d("38500")), "3.85万元");
        assert_eq!(fmt_wan(d("5000")), "5,000元");
        assert_eq!(fmt_wan(d("350000000")), "3.5亿元");
        assert_eq!(fmt_wan(d("10000")), "1万元");
        assert_eq!(fmt_wan(d("12345")), "1.23万元");
        assert_eq!(fmt_wan(d("12355")), "1.24万元");
        assert_eq!(fmt_wan(d("99999999")), "1亿元");
        assert_eq!(fmt_wan(d("9999.999")), "1万元");
        assert_eq!(fmt_wan(d("38500.5")), "3.85万元");
        assert_eq!(fmt_wan(d("12.5")), "12.50元");
        assert_eq!(fmt_wan(d("-3500000")), "-350万元");
        assert_eq!(fmt_wan(d("1000000000000")), "10000亿元");
        assert_eq!(fmt_item(&item(500, Some("sets"), "protective suits")), "500 sets protective suits");
        assert_eq!(fmt_item(&item(45000, None, "masks")), "45,000 masks");
        assert_eq!(fmt_item(&item(50000, Some("个"), "口罩")), "50,000个口罩");
        assert_eq!(fmt_item(&item(500, None, "口罩")), "500口罩");
        assert_eq!(fmt_item(&item(500, Some("套"), "suits")), "500套 suits");
        // Formatting round-trips through the parsers.
        for s in ["500 sets protective suits", "45,000 masks", "50,000个口罩"] {
            let parsed = parse_items(s).unwrap();
            assert_eq!(fmt_item(&parsed[0]), s);
        }
        for s in ["CNY 38,500", "$12,700", "EUR 500", "CNY 38,500.50"] {
            assert_eq!(fmt_money(&val(s)), s);
        }
        assert_eq!(fmt_wan(val("350万元").amount), "350万元");
    }

    fn all_errors() -> Vec<MoneyError> {
        use MoneyError::*;
        let t = || "x".to_string();
        vec![
            EmptyValue,
            NegativeValue { text: t() },
            ZeroValue { text: t() },
            ValueTooPrecise { text: t() },
            ValueTooLarge { text: t(), currency: t() },
            UnknownCurrency { text: t(), currency: t() },
            MissingCurrency { text: t() },
            CurrencyConflict { text: t(), first: t(), second: t() },
            BadValue { text: t() },
            EmptyQuantity,
            NegativeQuantity { text: t() },
            ZeroQuantity { text: t() },
            NotWholeQuantity { text: t() },
            QuantityTooLarge { text: t() },
            BadQuantity { text: t() },
            NoItems,
            TooManyItems { count: 101, max: 100 },
            MissingQuantity { line: t() },
            NumeralWithoutUnit { line: t() },
            MissingItem { line: t() },
            ItemNameTooLong { item: t(), max: 200 },
            AmbiguousQuantity { text: t(), small: "1".into(), large: "1,000".into() },
            DoubleMultiplier { text: t() },
            TwoNumbers { line: t() },
            FixedTooLarge { text: t(), currency: "CNY".into() },
            FixedBelowMinor { text: t() },
        ]
    }

    /// Messages and argument names of a Fluent file (simple one-line messages).
    fn ftl_messages(src: &str) -> std::collections::HashMap<String, String> {
        src.lines()
            .filter(|l| !l.starts_with('#') && l.contains(" = "))
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, v)| (k.trim().to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn errors_match_fluent_files() {
        // Compiled in (not read at run time from a path fixed at build time, which a build cache
        // shared between clones can leave pointing at a deleted checkout).
        let files =
            [("en", include_str!("../../locales/en/money.ftl")), ("zh", include_str!("../../locales/zh/money.ftl"))];
        for (lang, src) in files {
            let msgs = ftl_messages(src);
            let errs = all_errors();
            assert_eq!(msgs.len(), errs.len(), "{lang}: one message per variant");
            for e in errs {
                let id = e.msg_id();
                assert!(id.starts_with("money-"));
                let body = msgs.get(id).unwrap_or_else(|| panic!("{lang}: no {id}"));
                for (name, _) in e.args() {
                    assert!(body.contains(&format!("{{ ${name} }}")), "{lang} {id}: ${name}");
                }
                if lang == "en" {
                    // Display says the same thing as the English message.
                    let mut rendered = body.clone();
                    for (name, v) in e.args() {
                        rendered = rendered.replace(&format!("{{ ${name} }}"), &v);
                    }
                    assert_eq!(e.to_string(), rendered, "{id}");
                }
            }
        }
    }

    fn arb_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "0", "1", "5", "9", ",", ".", " ", "-", "+", "e", "k", "m", "万", "亿", "千", "百", "元", "¥", "$", "€",
            "CNY", "usd", "yuan", "million", "套", "个", "口罩", "sets", "of", "masks", ";", "；", "、", "\n", "x",
            "×", "０", "，", "克", "US$", "约",
        ]);
        prop_oneof![any::<String>(), prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat()),]
    }

    proptest! {
        #[test]
        fn never_panics(s in arb_text()) {
            let _ = parse_value(&s);
            let _ = parse_quantity(&s);
            let _ = parse_items(&s);
            let _ = item_key(&s);
        }

        #[test]
        fn quantity_round_trip(q in 1u64..=MAX_MAGNITUDE) {
            prop_assert_eq!(parse_quantity(&fmt_int(i128::from(q))), Ok(q));
            let line = ItemLine { quantity: q, unit: Some("sets".into()), item: "masks".into() };
            prop_assert_eq!(parse_items(&fmt_item(&line)), Ok(vec![line]));
        }

        #[test]
        fn value_round_trip(cents in 1i64..=100_000_000_000_000i64) {
            let x = Decimal::new(cents, 2);
            prop_assert_eq!(
                parse_value(&fmt_cny(x)),
                Ok(Some(Money { amount: x, currency: Currency::CNY }))
            );
            prop_assert_eq!(
                parse_value(&fmt_usd(x)),
                Ok(Some(Money { amount: x, currency: Currency::USD }))
            );
        }

        #[test]
        fn key_is_idempotent_and_plural_insensitive(w in "[a-z]{4,12}") {
            let k = item_key(&w);
            prop_assert_eq!(item_key(&k), k.clone());
            let plural = format!("{w}s");
            let special = ["s", "u", "i", "ie", "sse", "che", "she", "xe", "zze"];
            if !special.iter().any(|e| w.ends_with(e))
                && !INVARIANT_WORDS.contains(&plural.as_str())
            {
                prop_assert_eq!(item_key(&format!("{w}s")), item_key(&w));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn never_panics_on_100kb(
            unit in prop::sample::select(vec!["1", ";", "9,", "万", "é", "口", " ", ".", "a", "0"]),
            tail in any::<String>(),
        ) {
            let big = unit.repeat(100 * 1024 / unit.len()) + tail.as_str();
            let _ = parse_value(&big);
            let _ = parse_quantity(&big);
            let _ = parse_items(&big);
            let _ = item_key(&big);
            let line = format!("5 {big}");
            let _ = parse_items(&line);
            let _ = parse_value(&format!("CNY {big}"));
        }

        #[test]
        fn never_panics_on_100kb_random(v in prop::collection::vec(any::<char>(), 100_000)) {
            let big: String = v.into_iter().collect();
            let _ = parse_value(&big);
            let _ = parse_quantity(&big);
            let _ = parse_items(&big);
            let _ = item_key(&big);
        }
    }
}

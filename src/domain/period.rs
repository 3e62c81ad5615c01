//! Dates and periods as people type them in chat, in English and Chinese.
//!
//! This module is self-contained (std + `chrono` only) and never reads a
//! clock: every function that understands words like "today" or "last month"
//! takes the office's local date as `today`.
//!
//! # Dates ([`parse_date`])
//!
//! `2020-03-23`, `2020-3-23`, `2020/03/23`, `2020.03.23`, `2020年3月23日`
//! (also `…23号`, full-width digits, spaces between the parts), `today`,
//! `yesterday`, `tomorrow`, `今天`, `昨天`, `明天`. The year always comes
//! first and has four digits in [`MIN_YEAR`]`..=`[`MAX_YEAR`]; impossible
//! dates are refused with a precise error (`2020-02-30` → "February 2020 has
//! 29 days"), and a year written last (`23/03/2020`) is refused because day
//! and month order would be a guess.
//!
//! # Periods ([`parse_period`])
//!
//! An inclusive range of calendar days, [`Period`], either end may be open.
//!
//! * units: `2020`, `2020年`, `2020-05`, `2020/5`, `2020年5月`, `May 2020`,
//!   any date, `today`, `yesterday`, `this week`, `last week`, `this month`,
//!   `last month`, `this year`, `last year`, `今天`, `昨天`, `本周`, `上周`,
//!   `本月`, `上月`, `今年`, `去年` (and a few synonyms: `这周`, `上个月`, …);
//!   quarters: `2020 Q1`, `Q1 2020`, `2020Q1`, `2020-Q1`, `2020年第一季度`,
//!   `2020年一季度`, `2020年第1季度`, `this quarter`, `last quarter`, `本季度`,
//!   `上季度` (January–March is the first);
//! * everything: `all`, `all time`, `全部`, `全部时间`;
//! * ranges of two units: `A..B`, `A .. B`, `A...B`, `A to B`, `from A to B`,
//!   `between A and B`, `A - B`, `A~B`, `A至B`, `A到B`, `从A到B`; the range
//!   runs from the first day of `A` to the last day of `B` (`2020..2021` is
//!   two whole years). `A..` and `..B` are open ranges. Two years joined by a
//!   dash or a slash (`2019-2021`, `2019/2021`, `2019年-2021年`) are a range of
//!   years too, not a month. A range whose end is before its start is refused;
//! * open ends: `since A`, `from A`, `A以来`, `A起`, `自A起`, `从A开始`,
//!   `自A至今` (from the first day of `A`); `after A` (from the day after
//!   `A`); `until A`, `till A`, `through A`, `截至A`, `截止A`, `到A为止`
//!   (to the last day of `A`); `before A`, `A之前`, `A以前` (exclusive: to the
//!   day before `A` starts).
//!
//! Matching is case-insensitive, whitespace runs count as one space, and
//! full-width ASCII (`２０２０－０５`) is read as ASCII
//! ([`super::text::fold_full_width`]). Weeks start on Monday.
//!
//! # Filter + period ([`split_period`])
//!
//! Commands take `[FILTER] [PERIOD]` in one string. The rules, in order:
//!
//! 1. Candidate tails start at each whitespace-separated token of the last
//!    [`MAX_TAIL_TOKENS`] tokens (and at most [`MAX_TAIL_BYTES`] bytes), plus,
//!    for Chinese written without spaces, right after any CJK character
//!    ([`super::text::is_cjk`]: `德国2020年` → `德国` + `2020年`). They are tried longest
//!    first.
//! 2. The first tail that parses as a period wins; what precedes it is the
//!    filter (trimmed).
//! 3. If, before any tail parses, a tail is a *clear but invalid* period, its
//!    error is returned instead of folding the text into the filter:
//!    `Germany 2020-02-30`, `Japan 2020-13`, `x 2020-05..2020-03`,
//!    `y since 2020-13-01`, `z 23/03/2020`. "Clear" means: a date/month form
//!    with separators (`-` `/` `.` `年`) whose year is four digits inside
//!    1900..=2100 but whose month or day is impossible; a year-last date whose
//!    year is in range; a reversed range.
//! 4. Otherwise the whole input is the filter and the period is `None`.
//!
//! Ambiguity: a trailing bare four-digit number in 1900..=2100 is taken as a
//! year (`Route 1999` → filter `Route`, period 1999), while any other bare
//! number (`Boeing 747`, `Room 2101`) and an out-of-range year in a dated form
//! (`Part 1234-5678`) stay in the filter. To search for a name that ends in a
//! year, add a period explicitly: `Route 1999 all`. Dotted or dashed numbers
//! with an in-range year are read as periods (`Rust 2024.1` → January 2024).
//!
//! # Errors
//!
//! [`PeriodError`] carries the offending text (clipped to
//! [`MAX_ECHO_CHARS`] characters), has an English [`Display`](fmt::Display),
//! and maps to Fluent messages in `locales/{en,zh}/period.ftl` through
//! [`PeriodError::msg_id`] and [`PeriodError::args`] (all arguments are
//! strings).

use chrono::{Datelike, Days, NaiveDate};
use std::fmt;

use super::text::{fold_full_width, is_cjk};

/// Earliest year accepted in a typed date or period.
pub const MIN_YEAR: i32 = 1900;
/// Latest year accepted in a typed date or period.
pub const MAX_YEAR: i32 = 2100;
/// [`split_period`] looks for a period in at most this many trailing tokens.
pub const MAX_TAIL_TOKENS: usize = 8;
/// [`split_period`] looks for a period in at most this many trailing bytes.
pub const MAX_TAIL_BYTES: usize = 160;
/// Offending text stored in a [`PeriodError`] is clipped to this many chars.
pub const MAX_ECHO_CHARS: usize = 60;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a date or period could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// No date was given.
    EmptyDate,
    /// No period was given.
    EmptyPeriod,
    /// The text does not look like any date form.
    UnknownDate { input: String },
    /// The text does not look like any period form.
    UnknownPeriod { input: String },
    /// The year is not four digits inside [`MIN_YEAR`]..=[`MAX_YEAR`].
    YearOutOfRange { input: String, year: String },
    /// The month is not 1..=12.
    MonthOutOfRange { input: String, year: i32, month: String },
    /// The day does not exist in that month.
    DayOutOfRange { input: String, year: i32, month: u32, day: String, days_in_month: u32 },
    /// The year was written last (`23/03/2020`): day/month order is ambiguous.
    YearLast { input: String },
    /// A range whose end is before its start.
    ReversedRange { input: String, from: NaiveDate, to: NaiveDate },
}

impl PeriodError {
    /// The Fluent message id (`locales/*/period.ftl`).
    pub fn msg_id(&self) -> &'static str {
        match self {
            PeriodError::EmptyDate => "period-empty-date",
            PeriodError::EmptyPeriod => "period-empty-period",
            PeriodError::UnknownDate { .. } => "period-unknown-date",
            PeriodError::UnknownPeriod { .. } => "period-unknown-period",
            PeriodError::YearOutOfRange { .. } => "period-year-out-of-range",
            PeriodError::MonthOutOfRange { .. } => "period-month-out-of-range",
            PeriodError::DayOutOfRange { .. } => "period-day-out-of-range",
            PeriodError::YearLast { .. } => "period-year-last",
            PeriodError::ReversedRange { .. } => "period-reversed-range",
        }
    }

    /// The Fluent arguments of [`msg_id`](Self::msg_id), all as strings.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PeriodError::EmptyDate | PeriodError::EmptyPeriod => Vec::new(),
            PeriodError::UnknownDate { input }
            | PeriodError::UnknownPeriod { input }
            | PeriodError::YearLast { input } => vec![("input", input.clone())],
            PeriodError::YearOutOfRange { input, year } => {
                vec![("input", input.clone()), ("year", year.clone())]
            }
            PeriodError::MonthOutOfRange { input, year, month } => {
                vec![("input", input.clone()), ("year", year.to_string()), ("month", month.clone())]
            }
            PeriodError::DayOutOfRange { input, year, month, day, days_in_month } => vec![
                ("input", input.clone()),
                ("year", year.to_string()),
                ("month", month.to_string()),
                ("month_name", month_name_en(*month).to_string()),
                ("day", day.clone()),
                ("days", days_in_month.to_string()),
                ("example", last_day_example(*year, *month, *days_in_month)),
            ],
            PeriodError::ReversedRange { input, from, to } => {
                vec![("input", input.clone()), ("from", from.to_string()), ("to", to.to_string())]
            }
        }
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodError::EmptyDate => {
                write!(f, "Please give a date, e.g. 2020-03-23, 2020年3月23日, today or yesterday.")
            }
            PeriodError::EmptyPeriod => write!(
                f,
                "Please give a period, e.g. 2020, 2020-05, 2020-03-01..2020-05-31, \
                 since 2020-04-01, last month or all."
            ),
            PeriodError::UnknownDate { input } => write!(
                f,
                "“{input}” is not a date I understand. Write it like 2020-03-23, \
                 2020/03/23, 2020年3月23日, today or yesterday."
            ),
            PeriodError::UnknownPeriod { input } => write!(
                f,
                "“{input}” is not a period I understand. Try 2020, 2020-05, \
                 2020-03-01..2020-05-31, since 2020-04-01, until 2020-05-31, \
                 this week, last month, this year or all."
            ),
            PeriodError::YearOutOfRange { input, year } => write!(
                f,
                "“{input}”: year {year} is outside {MIN_YEAR}–{MAX_YEAR}. \
                 Write the full four-digit year, e.g. 2020-03-23."
            ),
            PeriodError::MonthOutOfRange { input, year, month } => write!(
                f,
                "“{input}”: there is no month {month}; months run from 1 to 12, \
                 e.g. {year}-12."
            ),
            PeriodError::DayOutOfRange { input, year, month, day, days_in_month } => write!(
                f,
                "“{input}”: {} {year} has {days_in_month} days, so there is no day {day}. \
                 The last day is {}.",
                month_name_en(*month),
                last_day_example(*year, *month, *days_in_month)
            ),
            PeriodError::YearLast { input } => write!(
                f,
                "“{input}”: please put the year first, e.g. 2020-03-23 \
                 (with the year last, day and month could be read either way)."
            ),
            PeriodError::ReversedRange { input, from, to } => write!(
                f,
                "“{input}”: the end ({to}) is before the start ({from}). \
                 Put the earlier date first, e.g. 2020-03-01..2020-05-31."
            ),
        }
    }
}

impl std::error::Error for PeriodError {}

/// An inclusive range of calendar days; `None` = open end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Period {
    /// Every day: both ends open.
    pub fn all() -> Period {
        Period { from: None, to: None }
    }

    /// Whether `d` lies in the period (both ends inclusive).
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }

    /// Whether both ends are open.
    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// English label: `2020`, `May 2020`, `Q1 2020`, `2020-03-23`,
    /// `2020-03-01 to 2020-05-31`, `since 2020-04-01`, `until 2020-05-31`,
    /// `all time`. Every label parses back to the same period.
    pub fn describe_en(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "all time".to_string(),
            (Some(f), None) => format!("since {f}"),
            (None, Some(t)) => format!("until {t}"),
            (Some(f), Some(t)) => match shape(f, t) {
                Shape::Year(y) => y.to_string(),
                Shape::Month(y, m) => format!("{} {y}", month_name_en(m)),
                Shape::Quarter(y, q) => format!("Q{q} {y}"),
                Shape::Day(d) => d.to_string(),
                Shape::Range => format!("{f} to {t}"),
            },
        }
    }

    /// Chinese label: `2020年`, `2020年5月`, `2020年第一季度`, `2020-03-23`,
    /// `2020-03-01至2020-05-31`, `2020-04-01以来`, `截至2020-05-31`,
    /// `全部时间`. Every label parses back to the same period.
    pub fn describe_zh(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "全部时间".to_string(),
            (Some(f), None) => format!("{f}以来"),
            (None, Some(t)) => format!("截至{t}"),
            (Some(f), Some(t)) => match shape(f, t) {
                Shape::Year(y) => format!("{y}年"),
                Shape::Month(y, m) => format!("{y}年{m}月"),
                Shape::Quarter(y, q) => format!("{y}年第{}季度", ["一", "二", "三", "四"][q as usize - 1]),
                Shape::Day(d) => d.to_string(),
                Shape::Range => format!("{f}至{t}"),
            },
        }
    }
}

enum Shape {
    Year(i32),
    Month(i32, u32),
    /// Year and quarter (1–4).
    Quarter(i32, u32),
    Day(NaiveDate),
    Range,
}

fn shape(f: NaiveDate, t: NaiveDate) -> Shape {
    if f == t {
        return Shape::Day(f);
    }
    if f.year() == t.year() && f.day() == 1 && t.succ_opt().is_some_and(|n| n.day() == 1) {
        if f.month() == 1 && t.month() == 12 {
            return Shape::Year(f.year());
        }
        if f.month() == t.month() {
            return Shape::Month(f.year(), f.month());
        }
        if f.month() % 3 == 1 && t.month() == f.month() + 2 {
            return Shape::Quarter(f.year(), f.month().div_ceil(3));
        }
    }
    Shape::Range
}

/// Parse a calendar date; see the [module docs](self) for the forms.
/// `today` is the office's local date.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    let n = normalize(s);
    if n.is_empty() {
        return Err(PeriodError::EmptyDate);
    }
    let unknown = || PeriodError::UnknownDate { input: clip(&as_typed(s)) };
    if let Some(offset) = day_keyword(&n) {
        return shift(today, offset).ok_or_else(|| overflow(&n, today));
    }
    let Some(parts) = numeric_parts(&n) else {
        return Err(unknown());
    };
    if parts.len() != 3 {
        // Checks the parts anyway so that "2020-13" says "month 13".
        return match interpret(&n, &parts) {
            Err(f) => Err(f.err),
            Ok(_) => Err(unknown()),
        };
    }
    match interpret(&n, &parts) {
        Ok(Unit::Day(d)) => Ok(d),
        Ok(_) => Err(unknown()),
        Err(f) => Err(f.err),
    }
}

/// Parse a period; see the [module docs](self) for the forms.
/// `today` is the office's local date.
pub fn parse_period(s: &str, today: NaiveDate) -> Result<Period, PeriodError> {
    parse_period_inner(s, today).map_err(|f| f.err)
}

/// Split `"[FILTER] [PERIOD]"` into the trimmed filter and the period, by the
/// rules in the [module docs](self#filter--period-split_period).
pub fn split_period(args: &str, today: NaiveDate) -> Result<(String, Option<Period>), PeriodError> {
    let trimmed = args.trim();
    if trimmed.is_empty() {
        return Ok((String::new(), None));
    }
    for start in tail_starts(trimmed) {
        match parse_period_inner(&trimmed[start..], today) {
            Ok(p) => return Ok((trimmed[..start].trim_end().to_string(), Some(p))),
            Err(f) if f.strong => return Err(f.err),
            Err(_) => {}
        }
    }
    Ok((trimmed.to_string(), None))
}

/// Byte offsets in `s` (trimmed, non-empty) where a period may start,
/// ascending (longest tail first).
fn tail_starts(s: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut tokens = 0;
    let mut iter = s.char_indices().rev().peekable();
    while let Some((i, c)) = iter.next() {
        if s.len() - i > MAX_TAIL_BYTES {
            break;
        }
        let prev = iter.peek().map(|&(_, p)| p);
        if !c.is_whitespace() {
            let token_start = prev.is_none_or(char::is_whitespace);
            let after_cjk = prev.is_some_and(is_cjk);
            if token_start || after_cjk {
                starts.push(i);
            }
            if token_start {
                tokens += 1;
                if tokens >= MAX_TAIL_TOKENS {
                    break;
                }
            }
        }
    }
    starts.reverse();
    starts
}

/// A parse failure; `strong` = the text is clearly an attempted period.
struct Fail {
    err: PeriodError,
    strong: bool,
}

impl Fail {
    fn weak(err: PeriodError) -> Fail {
        Fail { err, strong: false }
    }
    fn strong(err: PeriodError) -> Fail {
        Fail { err, strong: true }
    }
}

/// A bounded unit of time as typed.
enum Unit {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl Unit {
    fn bounds(&self) -> (NaiveDate, NaiveDate) {
        match *self {
            Unit::Year(y) => (ymd(y, 1, 1), ymd(y, 12, 31)),
            Unit::Month(y, m) => (ymd(y, m, 1), ymd(y, m, days_in_month(y, m))),
            Unit::Day(d) => (d, d),
        }
    }
}

/// Only for validated years in MIN_YEAR..=MAX_YEAR.
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn parse_period_inner(s: &str, today: NaiveDate) -> Result<Period, Fail> {
    let n = normalize(s);
    if n.is_empty() {
        return Err(Fail::weak(PeriodError::EmptyPeriod));
    }
    period_norm(&n, today).map_err(|mut f| {
        // Report unknown pieces as the whole text the user typed.
        match &mut f.err {
            PeriodError::UnknownPeriod { input } | PeriodError::UnknownDate { input } => {
                *input = clip(&as_typed(s));
                f.err = PeriodError::UnknownPeriod { input: input.clone() };
            }
            _ => {}
        }
        f
    })
}

fn period_norm(n: &str, today: NaiveDate) -> Result<Period, Fail> {
    if matches!(n, "all" | "all time" | "everything" | "全部" | "全部时间" | "所有" | "所有时间") {
        return Ok(Period::all());
    }
    // "到2020-05-31为止", "截至2020-05-31为止"
    if let Some(x) = n.strip_suffix("为止") {
        let x = strip_prefixes(x.trim(), &["截止到", "截至", "截止", "直到", "到"]);
        return until(x, today);
    }
    // "自2020-04-01至今"
    if let Some(x) = n.strip_suffix("至今") {
        let x = strip_prefixes(x.trim(), &["自从", "自", "从"]);
        return since(x, today);
    }
    // "截至2020-05-31" (before range splitting: it contains "至").
    if let Some(x) = strip_prefix_any(n, &["截止到", "截至", "截止"]) {
        return until(x, today);
    }
    // "2019-2021", "2019年-2021年": two years joined by a dash or slash can only be a range (a month is
    // one or two digits), so it is not refused as a month 2021.
    let bare_year = |x: &str| year_ok(x.trim().strip_suffix('年').unwrap_or(x.trim()).trim_end()).is_some();
    if let Some((a, b)) = n.split_once(['-', '/'])
        && bare_year(a)
        && bare_year(b)
    {
        return range(n, a, b, today);
    }
    if let Some((a, b)) = split_range(n) {
        return range(n, a, b, today);
    }
    for (prefix, kind) in [
        ("since ", Open::Since),
        ("from ", Open::Since),
        ("starting ", Open::Since),
        ("after ", Open::After),
        ("until ", Open::Until),
        ("till ", Open::Until),
        ("through ", Open::Until),
        ("before ", Open::Before),
        ("直到", Open::Until),
    ] {
        if let Some(x) = n.strip_prefix(prefix) {
            return open(kind, x.trim(), today);
        }
    }
    if let Some(x) = strip_prefix_any(n, &["自从", "自", "从"]) {
        return since(strip_suffixes(x, &["以来", "开始", "起"]), today);
    }
    if let Some(x) = strip_suffix_any(n, &["以来", "开始", "起"]) {
        return since(x, today);
    }
    if let Some(x) = strip_suffix_any(n, &["之前", "以前"]) {
        return open(Open::Before, x, today);
    }
    let (f, t) = unit(n, today)?;
    Ok(Period { from: Some(f), to: Some(t) })
}

#[derive(Clone, Copy)]
enum Open {
    Since,
    After,
    Until,
    Before,
}

fn since(x: &str, today: NaiveDate) -> Result<Period, Fail> {
    open(Open::Since, x, today)
}

fn until(x: &str, today: NaiveDate) -> Result<Period, Fail> {
    open(Open::Until, x, today)
}

fn open(kind: Open, x: &str, today: NaiveDate) -> Result<Period, Fail> {
    let (f, t) = unit(x.trim(), today)?;
    let too_far = || Fail::weak(overflow(x, f));
    Ok(match kind {
        Open::Since => Period { from: Some(f), to: None },
        Open::After => Period { from: Some(t.succ_opt().ok_or_else(too_far)?), to: None },
        Open::Until => Period { from: None, to: Some(t) },
        Open::Before => Period { from: None, to: Some(f.pred_opt().ok_or_else(too_far)?) },
    })
}

fn split_range(n: &str) -> Option<(&str, &str)> {
    if let Some(rest) = n.strip_prefix("between ")
        && let Some((a, b)) = rest.split_once(" and ")
    {
        return Some((a, b));
    }
    ["...", "..", "~", "至", "到", " to ", " - ", "–", "—"].iter().find_map(|sep| n.split_once(sep))
}

fn range(n: &str, a: &str, b: &str, today: NaiveDate) -> Result<Period, Fail> {
    let a = strip_prefixes(a.trim(), &["from ", "自从", "自", "从"]);
    let a = strip_suffixes(a, &["起"]);
    let b = b.trim();
    if a.is_empty() && b.is_empty() {
        return Err(Fail::weak(PeriodError::UnknownPeriod { input: clip(n) }));
    }
    let from = if a.is_empty() { None } else { Some(unit(a, today)?.0) };
    let to = if b.is_empty() { None } else { Some(unit(b, today)?.1) };
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(Fail::strong(PeriodError::ReversedRange { input: clip(n), from: f, to: t }));
    }
    Ok(Period { from, to })
}

/// A bounded unit: relative word, year, month, date, or "May 2020".
fn unit(x: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Fail> {
    if let Some(r) = relative(x, today) {
        return r;
    }
    if let Some(r) = quarter(x) {
        return r;
    }
    if let Some(parts) = numeric_parts(x) {
        return interpret(x, &parts).map(|u| u.bounds());
    }
    if let Some(r) = month_name_year(x) {
        return r.map(|u| u.bounds());
    }
    Err(Fail::weak(PeriodError::UnknownPeriod { input: clip(x) }))
}

/// `today`/`yesterday`/`tomorrow` as a day offset.
fn day_keyword(x: &str) -> Option<i64> {
    match x {
        "today" | "今天" | "今日" => Some(0),
        "yesterday" | "昨天" | "昨日" => Some(-1),
        "tomorrow" | "明天" | "明日" => Some(1),
        _ => None,
    }
}

fn shift(d: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn overflow(x: &str, d: NaiveDate) -> PeriodError {
    PeriodError::YearOutOfRange { input: clip(x), year: d.year().to_string() }
}

fn relative(x: &str, today: NaiveDate) -> Option<Result<(NaiveDate, NaiveDate), Fail>> {
    enum Rel {
        Day(i64),
        Week(i64),
        Month(i32),
        Quarter(i32),
        Year(i32),
    }
    let rel = if let Some(off) = day_keyword(x) {
        Rel::Day(off)
    } else {
        match x {
            "this week" | "本周" | "这周" | "本星期" | "这星期" | "这个星期" => Rel::Week(0),
            "last week" | "上周" | "上星期" | "上个星期" => Rel::Week(-1),
            "this month" | "本月" | "这个月" => Rel::Month(0),
            "last month" | "上月" | "上个月" => Rel::Month(-1),
            "this year" | "今年" | "本年" => Rel::Year(0),
            "last year" | "去年" => Rel::Year(-1),
            "this quarter" | "本季度" | "本季" | "这个季度" | "这季度" => Rel::Quarter(0),
            "last quarter" | "上季度" | "上个季度" | "上一季度" | "上季" => Rel::Quarter(-1),
            _ => return None,
        }
    };
    let bounds = match rel {
        Rel::Day(off) => shift(today, off).map(|d| (d, d)),
        Rel::Week(off) => {
            let back = i64::from(today.weekday().num_days_from_monday()) - 7 * off;
            shift(today, -back).and_then(|mon| Some((mon, shift(mon, 6)?)))
        }
        Rel::Month(off) => {
            let idx = today.year() * 12 + today.month0() as i32 + off;
            let (y, m) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
            NaiveDate::from_ymd_opt(y, m, 1)
                .and_then(|f| Some((f, NaiveDate::from_ymd_opt(y, m, days_in_month(y, m))?)))
        }
        Rel::Quarter(off) => {
            let idx = today.year() * 4 + today.month0() as i32 / 3 + off;
            let (y, q) = (idx.div_euclid(4), idx.rem_euclid(4) as u32 + 1);
            quarter_bounds(y, q)
        }
        Rel::Year(off) => {
            let y = today.year() + off;
            NaiveDate::from_ymd_opt(y, 1, 1).and_then(|f| Some((f, NaiveDate::from_ymd_opt(y, 12, 31)?)))
        }
    };
    Some(bounds.ok_or_else(|| Fail::weak(overflow(x, today))))
}

/// The first and last day of quarter `q` (1–4) of year `y`, when the year is one amity counts.
fn quarter_bounds(y: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    let (first, last) = (3 * q - 2, 3 * q);
    Some((NaiveDate::from_ymd_opt(y, first, 1)?, NaiveDate::from_ymd_opt(y, last, days_in_month(y, last))?))
}

/// A quarter of a year: `2020 q1`, `q1 2020`, `2020q1`, `2020-q1`, `2020年第一季度`, `2020年一季度`,
/// `2020年第1季度`, `2020年q1` (text already normalised: lower case, single spaces). `None`: not written
/// as a quarter; a fifth quarter or a year out of range is refused.
fn quarter(x: &str) -> Option<Result<(NaiveDate, NaiveDate), Fail>> {
    let digit = |s: &str| match s {
        "1" | "一" => Some(1),
        "2" | "二" => Some(2),
        "3" | "三" => Some(3),
        "4" | "四" => Some(4),
        _ => None,
    };
    let compact: String = x.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let (year, q): (&str, &str) = if let Some((y, rest)) = compact.split_once('年') {
        let q = rest.strip_prefix('q').or_else(|| {
            let r = rest.strip_prefix('第').unwrap_or(rest);
            r.strip_suffix("季度").or_else(|| r.strip_suffix('季'))
        })?;
        (y, q)
    } else if let Some(rest) = compact.strip_prefix('q') {
        // "q1 2020", "q1-2020": the quarter's digit, then the year.
        let split = rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i);
        (&rest[split..], &rest[..split])
    } else {
        // "2020 q1", "2020q1", "2020-q1".
        let (y, q) = compact.split_once('q')?;
        (y, q)
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let Some(q) = digit(q) else {
        // "2020 q5", "2020年第五季度": written as a quarter, but a year has four.
        let looks = !q.is_empty() && q.chars().all(|c| c.is_ascii_digit() || "零〇五六七八九十".contains(c));
        return looks.then(|| Err(Fail::weak(PeriodError::UnknownPeriod { input: clip(x) })));
    };
    let Some(y) = year_ok(year) else {
        return Some(Err(Fail::weak(PeriodError::YearOutOfRange { input: clip(x), year: year.to_string() })));
    };
    Some(
        quarter_bounds(y, q)
            .ok_or_else(|| Fail::weak(PeriodError::YearOutOfRange { input: clip(x), year: year.into() })),
    )
}

/// Split numeric forms into digit strings (1 to 3 of them):
/// `2020`, `2020-05`, `2020/5/3`, `2020.05.03`, `2020年5月3日`.
/// Returns `None` when the text is not of that shape.
fn numeric_parts(x: &str) -> Option<Vec<String>> {
    if x.contains('年') {
        return chinese_parts(x);
    }
    let sep = x.chars().find(|c| !c.is_ascii_digit());
    let parts: Vec<&str> = match sep {
        None => vec![x],
        Some(sep @ ('-' | '/' | '.')) => x.split(sep).collect(),
        Some(_) => return None,
    };
    if parts.is_empty()
        || parts.len() > 3
        || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(parts.into_iter().map(str::to_string).collect())
}

/// `2020年`, `2020年5月`, `2020年5月份`, `2020年5月3日`, `2020年5月3号`, `2020年5月3`.
fn chinese_parts(x: &str) -> Option<Vec<String>> {
    let compact: String = x.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    let mut parts = Vec::new();
    for (i, markers) in [&["年"][..], &["月份", "月"][..], &["日", "号"][..]].iter().enumerate() {
        let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits_len == 0 {
            return None;
        }
        parts.push(rest[..digits_len].to_string());
        rest = &rest[digits_len..];
        match markers.iter().find_map(|m| rest.strip_prefix(m)) {
            Some(r) => rest = r,
            None if i == 2 => {} // the day marker is optional
            None => return None,
        }
        if rest.is_empty() {
            return Some(parts);
        }
    }
    None
}

fn small_num(s: &str) -> Option<u32> {
    if s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

fn year_ok(s: &str) -> Option<i32> {
    if s.len() != 4 {
        return None;
    }
    s.parse().ok().filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
}

/// Validate year/month/day digit strings; errors are precise.
fn interpret(x: &str, parts: &[String]) -> Result<Unit, Fail> {
    let input = clip(x);
    if let [first, .., last] = parts
        && first.len() <= 2
        && last.len() == 4
    {
        let err = PeriodError::YearLast { input };
        return Err(if year_ok(last).is_some() { Fail::strong(err) } else { Fail::weak(err) });
    }
    let Some(year) = year_ok(&parts[0]) else {
        return Err(Fail::weak(PeriodError::YearOutOfRange { input, year: clip(&parts[0]) }));
    };
    let Some(ms) = parts.get(1) else {
        return Ok(Unit::Year(year));
    };
    let Some(month) = small_num(ms).filter(|m| (1..=12).contains(m)) else {
        return Err(Fail::strong(PeriodError::MonthOutOfRange { input, year, month: clip(ms) }));
    };
    let Some(ds) = parts.get(2) else {
        return Ok(Unit::Month(year, month));
    };
    let dim = days_in_month(year, month);
    match small_num(ds).filter(|d| (1..=dim).contains(d)).and_then(|d| NaiveDate::from_ymd_opt(year, month, d)) {
        Some(d) => Ok(Unit::Day(d)),
        None => Err(Fail::strong(PeriodError::DayOutOfRange { input, year, month, day: clip(ds), days_in_month: dim })),
    }
}

/// `may 2020`, `may, 2020`, `sept 2020`.
fn month_name_year(x: &str) -> Option<Result<Unit, Fail>> {
    let (name, year) = x.split_once(' ')?;
    let name = name.strip_suffix(',').unwrap_or(name);
    let month = month_from_name(name)?;
    let year = year.trim();
    if year.is_empty() || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match year_ok(year) {
        Some(y) => Ok(Unit::Month(y, month)),
        None => Err(Fail::weak(PeriodError::YearOutOfRange { input: clip(x), year: clip(year) })),
    })
}

fn month_from_name(w: &str) -> Option<u32> {
    if w == "sept" {
        return Some(9);
    }
    MONTHS_EN.iter().zip(1..).find_map(|(full, m)| {
        let full = full.to_ascii_lowercase();
        (w == full || (w.len() == 3 && full.starts_with(w))).then_some(m)
    })
}

fn month_name_en(m: u32) -> &'static str {
    MONTHS_EN.get((m as usize).wrapping_sub(1)).copied().unwrap_or("?")
}

fn last_day_example(year: i32, month: u32, days: u32) -> String {
    format!("{year:04}-{month:02}-{days:02}")
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Lowercase, full-width forms folded ([`fold_full_width`]) and `〜` to `~`, whitespace runs to one
/// space, trimmed.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = match fold_full_width(c) {
            '\u{301C}' => '~',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Text as the user typed it, runs of white space made one: what an error quotes ("2020 Q5", not the
/// lower-cased form the parser reads).
fn as_typed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most [`MAX_ECHO_CHARS`] characters of `s`, with "…" when cut.
fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn strip_prefix_any<'a>(s: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| s.strip_prefix(p)).map(str::trim)
}

fn strip_suffix_any<'a>(s: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|p| s.strip_suffix(p)).map(str::trim)
}

fn strip_prefixes<'a>(s: &'a str, prefixes: &[&str]) -> &'a str {
    strip_prefix_any(s, prefixes).unwrap_or(s)
}

fn strip_suffixes<'a>(s: &'a str, suffixes: &[&str]) -> &'a str {
    strip_suffix_any(s, suffixes).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The office's "today" in most tests: Wednesday 2020-05-20.
    fn today() -> NaiveDate {
        d(2020, 5, 20)
    }

    fn range(a: NaiveDate, b: NaiveDate) -> Period {
        Period { from: Some(a), to: Some(b) }
    }

    fn pp(s: &str) -> Period {
        parse_period(s, today()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn pd(s: &str) -> NaiveDate {
        parse_date(s, today()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn two_years_joined_by_a_dash_are_a_range_of_years_not_a_month() {
        for s in ["2019-2021", "2019/2021", "２０１９－２０２１", "2019年-2021年", "2019-2021年", "2019 年-2021 年"]
        {
            assert_eq!(pp(s), range(d(2019, 1, 1), d(2021, 12, 31)), "{s}");
        }
        assert!(matches!(parse_period("2021-2019", today()), Err(PeriodError::ReversedRange { .. })));
        // A month is still a month, and a year outside the range is not a year.
        assert_eq!(pp("2020-12"), range(d(2020, 12, 1), d(2020, 12, 31)));
        assert!(matches!(parse_period("2020-13", today()), Err(PeriodError::MonthOutOfRange { .. })));
        assert_eq!(split_period("Germany 2019-2021", today()).unwrap().1, Some(range(d(2019, 1, 1), d(2021, 12, 31))));
    }

    #[test]
    fn quarters_as_offices_write_them() {
        let q1 = range(d(2020, 1, 1), d(2020, 3, 31));
        for s in [
            "2020 Q1",
            "2020Q1",
            "2020-Q1",
            "q1 2020",
            "Q1-2020",
            "2020 q 1",
            "２０２０Ｑ１",
            "2020年第一季度",
            "2020年一季度",
            "2020年第1季度",
            "2020年1季度",
            "2020年第一季",
            "2020 年 第一季度",
            "2020年Q1",
        ] {
            assert_eq!(pp(s), q1, "{s}");
        }
        assert_eq!(pp("2020 Q4"), range(d(2020, 10, 1), d(2020, 12, 31)));
        assert_eq!(pp("2020年第二季度"), range(d(2020, 4, 1), d(2020, 6, 30)));
        assert_eq!(pp("2020年三季度"), range(d(2020, 7, 1), d(2020, 9, 30)));
        // Ranges and open ends of quarters.
        assert_eq!(pp("2020 Q2..2020 Q3"), range(d(2020, 4, 1), d(2020, 9, 30)));
        assert_eq!(pp("2020年第一季度至2020年第二季度"), range(d(2020, 1, 1), d(2020, 6, 30)));
        assert_eq!(pp("since 2020 Q3"), Period { from: Some(d(2020, 7, 1)), to: None });
        // Relative quarters (today is in the module's tests' fixed date).
        let t = today();
        let first = (t.month0() / 3) * 3 + 1;
        let this = pp("this quarter");
        assert_eq!(this.from, Some(d(t.year(), first, 1)));
        assert_eq!(pp("本季度"), this);
        let last = pp("last quarter");
        assert_eq!(last.to, this.from.and_then(|f| f.pred_opt()));
        assert_eq!(pp("上个季度"), last);
        // A fifth quarter, and a year amity does not count, are refused; a name with a q is no quarter.
        assert!(matches!(parse_period("2020 Q5", today()), Err(PeriodError::UnknownPeriod { .. })));
        assert!(matches!(parse_period("2020年第五季度", today()), Err(PeriodError::UnknownPeriod { .. })));
        assert!(parse_period("1066 Q1", today()).is_err());
        assert!(parse_period("Qatar", today()).is_err());
        assert_eq!(
            split_period("Iraq 2020 Q2", today()).unwrap(),
            ("Iraq".to_string(), Some(range(d(2020, 4, 1), d(2020, 6, 30))))
        );
        // Labels: a quarter is named as one, and the label reads back.
        assert_eq!(q1.describe_en(), "Q1 2020");
        assert_eq!(q1.describe_zh(), "2020年第一季度");
        for p in [q1, pp("2020 Q4"), pp("2021 Q2")] {
            assert_eq!(pp(&p.describe_en()), p);
            assert_eq!(pp(&p.describe_zh()), p);
        }
        // Two months that are not a quarter stay a range.
        assert_eq!(range(d(2020, 2, 1), d(2020, 4, 30)).describe_en(), "2020-02-01 to 2020-04-30");
    }

    #[test]
    fn date_forms() {
        let want = d(2020, 3, 23);
        for s in [
            "2020-03-23",
            "2020-3-23",
            "2020/03/23",
            "2020/3/23",
            "2020.03.23",
            "2020.3.23",
            "2020年3月23日",
            "2020年03月23日",
            "2020 年 3 月 23 日",
            "2020年3月23号",
            "2020年3月23",
            "２０２０年３月２３日",
            "２０２０－０３－２３",
            "  2020-03-23\t",
        ] {
            assert_eq!(pd(s), want, "{s}");
        }
        assert_eq!(pd("today"), today());
        assert_eq!(pd("TODAY"), today());
        assert_eq!(pd("Yesterday"), d(2020, 5, 19));
        assert_eq!(pd("今天"), today());
        assert_eq!(pd("昨天"), d(2020, 5, 19));
        assert_eq!(pd("tomorrow"), d(2020, 5, 21));
        assert_eq!(parse_date("yesterday", d(2020, 1, 1)), Ok(d(2019, 12, 31)));
        assert_eq!(parse_date("昨天", d(2020, 3, 1)), Ok(d(2020, 2, 29)));
    }

    #[test]
    fn leap_years() {
        assert_eq!(pd("2020-02-29"), d(2020, 2, 29));
        assert_eq!(pd("2000-02-29"), d(2000, 2, 29));
        for s in ["2021-02-29", "1900-02-29", "2100-02-29", "2019年2月29日"] {
            assert!(matches!(parse_date(s, today()), Err(PeriodError::DayOutOfRange { days_in_month: 28, .. })), "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_precise() {
        let e = parse_date("2020-02-30", today()).unwrap_err();
        assert_eq!(
            e,
            PeriodError::DayOutOfRange {
                input: "2020-02-30".into(),
                year: 2020,
                month: 2,
                day: "30".into(),
                days_in_month: 29
            }
        );
        assert!(e.to_string().contains("February 2020 has 29 days"), "{e}");
        assert!(e.to_string().contains("2020-02-29"), "{e}");
        assert_eq!(e.msg_id(), "period-day-out-of-range");

        let e = parse_date("2020-13-01", today()).unwrap_err();
        assert_eq!(e, PeriodError::MonthOutOfRange { input: "2020-13-01".into(), year: 2020, month: "13".into() });
        assert!(e.to_string().contains("month 13"), "{e}");

        assert!(matches!(parse_date("2020-04-31", today()), Err(PeriodError::DayOutOfRange { days_in_month: 30, .. })));
        assert!(matches!(parse_date("2020-04-00", today()), Err(PeriodError::DayOutOfRange { .. })));
        assert!(matches!(parse_date("2020-00-10", today()), Err(PeriodError::MonthOutOfRange { .. })));
        for (s, y) in [("1899-12-31", "1899"), ("2101-01-01", "2101"), ("20-03-23", "20"), ("20200-03-23", "20200")] {
            assert_eq!(parse_date(s, today()), Err(PeriodError::YearOutOfRange { input: s.into(), year: y.into() }));
        }
        assert_eq!(pd("1900-01-01"), d(1900, 1, 1));
        assert_eq!(pd("2100-12-31"), d(2100, 12, 31));
        assert_eq!(parse_date("23/03/2020", today()), Err(PeriodError::YearLast { input: "23/03/2020".into() }));
        assert_eq!(parse_date("", today()), Err(PeriodError::EmptyDate));
        assert_eq!(parse_date("  ", today()), Err(PeriodError::EmptyDate));
        for s in ["banana", "2020-05", "2020", "2020-03/23", "2020-03-23-01", "2020--03", "last month"] {
            assert!(
                matches!(parse_date(s, today()), Err(PeriodError::UnknownDate { .. })),
                "{s}: {:?}",
                parse_date(s, today())
            );
        }
    }

    #[test]
    fn period_units() {
        assert_eq!(pp("2020"), range(d(2020, 1, 1), d(2020, 12, 31)));
        assert_eq!(pp("2020年"), range(d(2020, 1, 1), d(2020, 12, 31)));
        let may = range(d(2020, 5, 1), d(2020, 5, 31));
        for s in [
            "2020-05",
            "2020-5",
            "2020/05",
            "2020.5",
            "2020年5月",
            "2020年05月",
            "2020年5月份",
            "May 2020",
            "may, 2020",
            "MAY 2020",
        ] {
            assert_eq!(pp(s), may, "{s}");
        }
        assert_eq!(pp("2020-02"), range(d(2020, 2, 1), d(2020, 2, 29)));
        assert_eq!(pp("2021-02"), range(d(2021, 2, 1), d(2021, 2, 28)));
        assert_eq!(pp("sept 2020"), range(d(2020, 9, 1), d(2020, 9, 30)));
        assert_eq!(pp("2020-03-23"), range(d(2020, 3, 23), d(2020, 3, 23)));
        assert_eq!(pp("2020年3月23日"), range(d(2020, 3, 23), d(2020, 3, 23)));
        assert_eq!(pp("all"), Period::all());
        assert_eq!(pp("All Time"), Period::all());
        assert_eq!(pp("全部"), Period::all());
        assert!(pp("全部").is_all());
    }

    #[test]
    fn period_relative() {
        // today() is Wednesday 2020-05-20.
        let t = today();
        for s in ["today", "今天", "Today"] {
            assert_eq!(pp(s), range(t, t));
        }
        for s in ["yesterday", "昨天"] {
            assert_eq!(pp(s), range(d(2020, 5, 19), d(2020, 5, 19)));
        }
        for s in ["this week", "本周", "THIS  WEEK", "这周"] {
            assert_eq!(pp(s), range(d(2020, 5, 18), d(2020, 5, 24)), "{s}");
        }
        for s in ["last week", "上周"] {
            assert_eq!(pp(s), range(d(2020, 5, 11), d(2020, 5, 17)));
        }
        for s in ["this month", "本月"] {
            assert_eq!(pp(s), range(d(2020, 5, 1), d(2020, 5, 31)));
        }
        for s in ["last month", "上月", "上个月"] {
            assert_eq!(pp(s), range(d(2020, 4, 1), d(2020, 4, 30)));
        }
        for s in ["this year", "今年"] {
            assert_eq!(pp(s), range(d(2020, 1, 1), d(2020, 12, 31)));
        }
        for s in ["last year", "去年"] {
            assert_eq!(pp(s), range(d(2019, 1, 1), d(2019, 12, 31)));
        }
    }

    #[test]
    fn calendar_boundaries() {
        // "last month" in January is December of the previous year.
        let jan = d(2021, 1, 15);
        assert_eq!(parse_period("last month", jan), Ok(range(d(2020, 12, 1), d(2020, 12, 31))));
        assert_eq!(parse_period("上月", d(2021, 1, 1)), Ok(range(d(2020, 12, 1), d(2020, 12, 31))));
        assert_eq!(parse_period("last month", d(2020, 3, 31)), Ok(range(d(2020, 2, 1), d(2020, 2, 29))));
        // Wednesday 2020-01-01: the week began on Monday 2019-12-30.
        let ny = d(2020, 1, 1);
        assert_eq!(parse_period("this week", ny), Ok(range(d(2019, 12, 30), d(2020, 1, 5))));
        assert_eq!(parse_period("last week", ny), Ok(range(d(2019, 12, 23), d(2019, 12, 29))));
        // Monday and Sunday themselves.
        assert_eq!(parse_period("last week", d(2021, 1, 4)), Ok(range(d(2020, 12, 28), d(2021, 1, 3))));
        assert_eq!(parse_period("this week", d(2021, 1, 3)), Ok(range(d(2020, 12, 28), d(2021, 1, 3))));
        assert_eq!(parse_period("last year", ny), Ok(range(d(2019, 1, 1), d(2019, 12, 31))));
        // Extreme "today" values never panic.
        for t in [NaiveDate::MIN, NaiveDate::MAX] {
            for s in [
                "today",
                "yesterday",
                "tomorrow",
                "this week",
                "last week",
                "this month",
                "last month",
                "this year",
                "last year",
                "before today",
                "after today",
                "since last week",
            ] {
                let _ = parse_period(s, t);
                let _ = parse_date(s, t);
                let _ = split_period(s, t);
            }
        }
    }

    #[test]
    fn period_ranges() {
        let want = range(d(2020, 3, 1), d(2020, 5, 31));
        for s in [
            "2020-03-01..2020-05-31",
            "2020-03-01 .. 2020-05-31",
            "2020-03-01...2020-05-31",
            "2020-03..2020-05",
            "2020-03-01 to 2020-05-31",
            "from 2020-03-01 to 2020-05-31",
            "between 2020-03-01 and 2020-05-31",
            "2020-03-01 - 2020-05-31",
            "2020-03-01~2020-05-31",
            "2020-03-01至2020-05-31",
            "2020年3月至2020年5月",
            "2020-03-01到2020-05-31",
            "从2020-03-01到2020-05-31",
            "自2020年3月1日起至2020年5月31日",
            "March 2020 to May 2020",
            "２０２０－０３－０１～２０２０－０５－３１",
        ] {
            assert_eq!(pp(s), want, "{s}");
        }
        assert_eq!(pp("2020..2021"), range(d(2020, 1, 1), d(2021, 12, 31)));
        assert_eq!(pp("2020..2020"), range(d(2020, 1, 1), d(2020, 12, 31)));
        assert_eq!(pp("2020-03-01..2020-03-01"), range(d(2020, 3, 1), d(2020, 3, 1)));
        assert_eq!(pp("last month..today"), range(d(2020, 4, 1), today()));
        assert_eq!(pp("2020-03.."), Period { from: Some(d(2020, 3, 1)), to: None });
        assert_eq!(pp("..2020-05"), Period { from: None, to: Some(d(2020, 5, 31)) });
        assert_eq!(
            parse_period("2020-05-31..2020-03-01", today()),
            Err(PeriodError::ReversedRange {
                input: "2020-05-31..2020-03-01".into(),
                from: d(2020, 5, 31),
                to: d(2020, 3, 1)
            })
        );
        assert!(matches!(parse_period("2021..2020", today()), Err(PeriodError::ReversedRange { .. })));
        assert!(matches!(parse_period("2020-03-01..2020-02-30", today()), Err(PeriodError::DayOutOfRange { .. })));
        assert!(matches!(parse_period("..", today()), Err(PeriodError::UnknownPeriod { .. })));
    }

    #[test]
    fn period_open_ends() {
        let since = Period { from: Some(d(2020, 4, 1)), to: None };
        for s in [
            "since 2020-04-01",
            "Since 2020-04-01",
            "from 2020-04-01",
            "SINCE 2020-4-1",
            "since 2020-04",
            "since April 2020",
            "2020-04-01以来",
            "2020-04-01 以来",
            "自2020-04-01起",
            "自2020年4月1日起",
            "从2020-04-01开始",
            "2020-04-01起",
            "自2020-04-01至今",
            "2020年4月以来",
            "2020-04-01..",
        ] {
            assert_eq!(pp(s), since, "{s}");
        }
        let until = Period { from: None, to: Some(d(2020, 5, 31)) };
        for s in [
            "until 2020-05-31",
            "till 2020-05-31",
            "until 2020-05",
            "截至2020-05-31",
            "截止2020-05-31",
            "到2020-05-31为止",
            "截至2020-05-31为止",
            "..2020-05-31",
            "before 2020-06-01",
            "before 2020-06",
            "2020-06-01之前",
            "2020年6月以前",
        ] {
            assert_eq!(pp(s), until, "{s}");
        }
        assert_eq!(pp("before 2020-05-31"), Period { from: None, to: Some(d(2020, 5, 30)) });
        assert_eq!(pp("after 2020-05"), Period { from: Some(d(2020, 6, 1)), to: None });
        assert_eq!(pp("since last month"), Period { from: Some(d(2020, 4, 1)), to: None });
        assert_eq!(pp("until yesterday"), Period { from: None, to: Some(d(2020, 5, 19)) });
        assert_eq!(pp("去年以来"), Period { from: Some(d(2019, 1, 1)), to: None });
        assert!(matches!(parse_period("since 2020-13-01", today()), Err(PeriodError::MonthOutOfRange { .. })));
        assert!(matches!(parse_period("since", today()), Err(PeriodError::UnknownPeriod { .. })));
    }

    #[test]
    fn period_errors() {
        assert_eq!(parse_period("", today()), Err(PeriodError::EmptyPeriod));
        assert_eq!(
            parse_period("2020-13", today()),
            Err(PeriodError::MonthOutOfRange { input: "2020-13".into(), year: 2020, month: "13".into() })
        );
        assert_eq!(
            parse_period("2101", today()),
            Err(PeriodError::YearOutOfRange { input: "2101".into(), year: "2101".into() })
        );
        assert_eq!(
            parse_period("next fortnight", today()),
            Err(PeriodError::UnknownPeriod { input: "next fortnight".into() })
        );
        assert_eq!(
            parse_period("since the war", today()),
            Err(PeriodError::UnknownPeriod { input: "since the war".into() })
        );
        // An error quotes the text as typed (it quoted the lower-cased form the parser reads).
        assert_eq!(
            parse_period("Next  Fortnight", today()),
            Err(PeriodError::UnknownPeriod { input: "Next Fortnight".into() })
        );
        assert_eq!(parse_date("2020 Q1", today()), Err(PeriodError::UnknownDate { input: "2020 Q1".into() }));
        let long = "x".repeat(10_000);
        match parse_period(&long, today()) {
            Err(PeriodError::UnknownPeriod { input }) => {
                assert_eq!(input.chars().count(), MAX_ECHO_CHARS + 1)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn period_methods_and_describe() {
        let p = pp("2020-03-01..2020-05-31");
        assert!(p.contains(d(2020, 3, 1)));
        assert!(p.contains(d(2020, 5, 31)));
        assert!(!p.contains(d(2020, 2, 29)));
        assert!(!p.contains(d(2020, 6, 1)));
        assert!(Period::all().contains(d(1, 1, 1)));
        assert!(Period::all().is_all());
        assert!(!p.is_all());

        let cases = [
            ("2020", "2020", "2020年"),
            ("2020-05", "May 2020", "2020年5月"),
            ("2020-03-23", "2020-03-23", "2020-03-23"),
            ("2020-03-01..2020-05-31", "2020-03-01 to 2020-05-31", "2020-03-01至2020-05-31"),
            ("2020..2021", "2020-01-01 to 2021-12-31", "2020-01-01至2021-12-31"),
            ("since 2020-04-01", "since 2020-04-01", "2020-04-01以来"),
            ("until 2020-05-31", "until 2020-05-31", "截至2020-05-31"),
            ("all", "all time", "全部时间"),
        ];
        for (input, en, zh) in cases {
            let p = pp(input);
            assert_eq!(p.describe_en(), en, "{input}");
            assert_eq!(p.describe_zh(), zh, "{input}");
            assert_eq!(pp(en), p, "en round trip {en}");
            assert_eq!(pp(zh), p, "zh round trip {zh}");
        }
    }

    fn sp(s: &str) -> (String, Option<Period>) {
        split_period(s, today()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn split_examples() {
        let may = range(d(2020, 5, 1), d(2020, 5, 31));
        assert_eq!(sp("Germany 2020-05"), ("Germany".into(), Some(may.clone())));
        assert_eq!(
            sp("masks since 2020-04-01"),
            ("masks".into(), Some(Period { from: Some(d(2020, 4, 1)), to: None }))
        );
        assert_eq!(sp("this week"), (String::new(), Some(pp("this week"))));
        assert_eq!(sp("Japan"), ("Japan".into(), None));
        assert_eq!(sp("  Nordrhein Westfalen   last month "), ("Nordrhein Westfalen".into(), Some(pp("last month"))));
        assert_eq!(sp("德国 2020年"), ("德国".into(), Some(pp("2020"))));
        assert_eq!(sp("德国2020年5月"), ("德国".into(), Some(may.clone())));
        assert_eq!(sp("德国本月"), ("德国".into(), Some(may.clone())));
        assert_eq!(sp("口罩 自2020-04-01起"), ("口罩".into(), Some(pp("since 2020-04-01"))));
        assert_eq!(sp("2020"), (String::new(), Some(pp("2020"))));
        assert_eq!(sp(""), (String::new(), None));
        assert_eq!(sp("   "), (String::new(), None));
        assert_eq!(sp("Germany 2020-03-01 .. 2020-05-31"), ("Germany".into(), Some(pp("2020-03-01..2020-05-31"))));
        assert_eq!(sp("Letters from 2020-03-01 to 2020-05-31"), ("Letters".into(), Some(pp("2020-03-01..2020-05-31"))));
        assert_eq!(sp("gifts May 2020"), ("gifts".into(), Some(may)));
        assert_eq!(sp("Letters from Japan"), ("Letters from Japan".into(), None));
        assert_eq!(sp("Germany all"), ("Germany".into(), Some(Period::all())));
        // Ambiguous trailing numbers.
        assert_eq!(sp("Route 1999"), ("Route".into(), Some(pp("1999"))));
        assert_eq!(sp("Route 1999 all"), ("Route 1999".into(), Some(Period::all())));
        assert_eq!(sp("Boeing 747"), ("Boeing 747".into(), None));
        assert_eq!(sp("Room 2101"), ("Room 2101".into(), None));
        assert_eq!(sp("Part 1234-5678"), ("Part 1234-5678".into(), None));
        assert_eq!(sp("Python 3.10"), ("Python 3.10".into(), None));
        assert_eq!(sp("合作20年"), ("合作20年".into(), None));
        assert_eq!(sp("report 2020."), ("report 2020.".into(), None));
        assert_eq!(sp("Zoë2020"), ("Zoë2020".into(), None));
        assert_eq!(sp("Airbus A320 2020"), ("Airbus A320".into(), Some(pp("2020"))));
    }

    #[test]
    fn split_refuses_invalid_periods() {
        let t = today();
        assert!(matches!(
            split_period("Germany 2020-02-30", t),
            Err(PeriodError::DayOutOfRange { days_in_month: 29, .. })
        ));
        assert!(matches!(split_period("Japan 2020-13", t), Err(PeriodError::MonthOutOfRange { .. })));
        assert!(matches!(split_period("masks since 2021-02-29", t), Err(PeriodError::DayOutOfRange { .. })));
        assert!(matches!(split_period("x 2020-05 .. 2020-03", t), Err(PeriodError::ReversedRange { .. })));
        assert!(matches!(split_period("Germany 23/03/2020", t), Err(PeriodError::YearLast { .. })));
        assert!(matches!(split_period("德国2020年13月", t), Err(PeriodError::MonthOutOfRange { .. })));
    }

    #[test]
    fn every_day_round_trips() {
        let mut day = d(MIN_YEAR, 1, 1);
        while day <= d(MAX_YEAR, 12, 31) {
            assert_eq!(parse_date(&day.to_string(), today()), Ok(day));
            day = day.succ_opt().unwrap();
        }
    }

    /// One example of each variant, for the Fluent checks.
    fn samples() -> Vec<PeriodError> {
        let t = today();
        let mut v: Vec<PeriodError> = ["", "banana", "2101-01-01", "2020-13-01", "2020-02-30", "23/03/2020"]
            .iter()
            .map(|s| parse_date(s, t).unwrap_err())
            .collect();
        v.push(parse_period("", t).unwrap_err());
        v.push(parse_period("banana", t).unwrap_err());
        v.push(parse_period("2021..2020", t).unwrap_err());
        v
    }

    #[test]
    fn fluent_messages_exist_for_every_variant() {
        let files = [include_str!("../../locales/en/period.ftl"), include_str!("../../locales/zh/period.ftl")];
        let samples = samples();
        let mut ids: Vec<&str> = samples.iter().map(|e| e.msg_id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 9, "one sample per variant");
        for ftl in files {
            // Every id in the file is one we produce.
            for line in ftl.lines() {
                if let Some((id, _)) = line.split_once(" =")
                    && !line.starts_with([' ', '#'])
                {
                    assert!(ids.contains(&id.trim()), "stale message {id}");
                }
            }
            for e in &samples {
                let id = e.msg_id();
                let start = ftl
                    .lines()
                    .position(|l| l.starts_with(&format!("{id} =")))
                    .unwrap_or_else(|| panic!("missing {id}"));
                let body: Vec<&str> = ftl
                    .lines()
                    .skip(start)
                    .enumerate()
                    .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
                    .map(|(_, l)| l)
                    .collect();
                let body = body.join("\n");
                let args = e.args();
                for piece in body.split("{ $").skip(1) {
                    let name = piece.split(' ').next().unwrap();
                    assert!(args.iter().any(|(k, _)| *k == name), "{id} uses ${name} but args() lacks it");
                }
                assert!(!e.to_string().contains('\n'));
            }
        }
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        let lo = d(MIN_YEAR, 1, 1).num_days_from_ce();
        let hi = d(MAX_YEAR, 12, 31).num_days_from_ce();
        (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    fn any_today() -> impl Strategy<Value = NaiveDate> {
        prop_oneof![date_strategy(), any::<i32>().prop_filter_map("valid date", NaiveDate::from_num_days_from_ce_opt),]
    }

    /// Text near the grammar, to reach deep branches.
    fn near_miss() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[0-9]{1,5}",
            Just("-".to_string()),
            Just("/".to_string()),
            Just(".".to_string()),
            Just("..".to_string()),
            Just(" ".to_string()),
            Just("年".to_string()),
            Just("月".to_string()),
            Just("日".to_string()),
            Just("至".to_string()),
            Just("到".to_string()),
            Just("为止".to_string()),
            Just("以来".to_string()),
            Just("自".to_string()),
            Just("起".to_string()),
            Just("since ".to_string()),
            Just("before ".to_string()),
            Just(" to ".to_string()),
            Just("between ".to_string()),
            Just(" and ".to_string()),
            Just("last month".to_string()),
            Just("this week".to_string()),
            Just("may".to_string()),
            Just("今天".to_string()),
            Just("德国".to_string()),
            "\\PC{0,3}",
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    fn inputs() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "\\PC*", near_miss()]
    }

    proptest! {
        #[test]
        fn never_panics(s in inputs(), t in any_today()) {
            let _ = parse_date(&s, t);
            let _ = parse_period(&s, t);
            if let Ok((filter, period)) = split_period(&s, t) {
                prop_assert!(s.contains(filter.as_str()));
                if period.is_none() {
                    prop_assert_eq!(filter, s.trim());
                }
            }
        }

        #[test]
        fn errors_render(s in inputs()) {
            if let Err(e) = parse_period(&s, today()) {
                let line = e.to_string();
                prop_assert!(!line.contains('\n') || s.contains('\n'));
                prop_assert!(!e.msg_id().is_empty());
            }
        }

        #[test]
        fn date_round_trip(day in date_strategy()) {
            prop_assert_eq!(parse_date(&day.to_string(), today()), Ok(day));
            let month = parse_period(&day.format("%Y-%m").to_string(), today()).unwrap();
            prop_assert!(month.contains(day));
            prop_assert!(!month.contains(day.with_day(1).unwrap().pred_opt().unwrap()));
            let cn = format!("{}年{}月{}日", day.year(), day.month(), day.day());
            prop_assert_eq!(parse_date(&cn, today()), Ok(day));
        }

        #[test]
        fn describe_round_trip(a in date_strategy(), b in date_strategy(), kind in 0..4u8) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let p = match kind {
                0 => range(a, b),
                1 => Period { from: Some(a), to: None },
                2 => Period { from: None, to: Some(b) },
                _ => Period::all(),
            };
            prop_assert_eq!(parse_period(&p.describe_en(), today()), Ok(p.clone()));
            prop_assert_eq!(parse_period(&p.describe_zh(), today()), Ok(p.clone()));
            let cmd = format!("Nordrhein Westfalen {}", p.describe_en());
            prop_assert_eq!(
                split_period(&cmd, today()),
                Ok(("Nordrhein Westfalen".to_string(), Some(p.clone())))
            );
            let cmd = format!("德国{}", p.describe_zh());
            prop_assert_eq!(split_period(&cmd, today()), Ok(("德国".to_string(), Some(p))));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn huge_inputs_never_panic(
            chars in prop::collection::vec(any::<char>(), 100_000..100_200),
            tail in near_miss(),
        ) {
            let mut s: String = chars.into_iter().collect();
            s.push_str(&tail);
            let t = today();
            let _ = parse_date(&s, t);
            let _ = parse_period(&s, t);
            let _ = split_period(&s, t);
            let digits = "2".repeat(100_000);
            let _ = parse_date(&digits, t);
            let _ = parse_period(&format!("{digits}-{digits}-{digits}"), t);
            let _ = split_period(&format!("x {digits}年{digits}月"), t);
        }
    }
}

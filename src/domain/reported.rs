//! Reported figures: what a source (an article, a report to the leadership) said the office did, kept
//! beside the itemized ledger and never added to it. A figure is one part of such a sentence: an
//! amount with its qualifier ("nearly 3.5 million yuan ($494,100)"), or a count of something
//! ("30 local governments", "478,000 masks", "more than a dozen foreign ambassadors"). Each keeps its
//! text exactly as written, and what it was understood to count, so the ledger can say how much of it
//! it itemizes.

use super::money::{self, Currency, MoneyError};
use super::records::PartnerKind;
use super::text::is_cjk;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How exact a reported number is, as the source words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exact,
    Nearly,
    About,
    MoreThan,
    AtLeast,
}

impl Qualifier {
    /// The mark put before the number when amity restates it (`≈¥3.5 million`, `>12`).
    pub fn mark(self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::Nearly => "≈",
            Qualifier::About => "~",
            Qualifier::MoreThan => ">",
            Qualifier::AtLeast => "≥",
        }
    }
}

/// Leading words that qualify a number, longest first within each language so that "more than" wins
/// over a shorter word it starts with.
const LEADING: &[(&str, Qualifier)] = &[
    ("approximately", Qualifier::About),
    ("more than", Qualifier::MoreThan),
    ("upwards of", Qualifier::MoreThan),
    ("close to", Qualifier::Nearly),
    ("at least", Qualifier::AtLeast),
    ("no fewer than", Qualifier::AtLeast),
    ("no less than", Qualifier::AtLeast),
    ("roughly", Qualifier::About),
    ("exactly", Qualifier::Exact),
    ("approx.", Qualifier::About),
    ("approx", Qualifier::About),
    ("nearly", Qualifier::Nearly),
    ("almost", Qualifier::Nearly),
    ("around", Qualifier::About),
    ("about", Qualifier::About),
    ("above", Qualifier::MoreThan),
    ("over", Qualifier::MoreThan),
    ("some", Qualifier::About),
    ("ca.", Qualifier::About),
    ("将近", Qualifier::Nearly),
    ("接近", Qualifier::Nearly),
    ("大约", Qualifier::About),
    ("超过", Qualifier::MoreThan),
    ("多于", Qualifier::MoreThan),
    ("至少", Qualifier::AtLeast),
    ("不少于", Qualifier::AtLeast),
    ("近", Qualifier::Nearly),
    ("约", Qualifier::About),
    ("逾", Qualifier::MoreThan),
    ("≈", Qualifier::About),
    ("~", Qualifier::About),
    ("≥", Qualifier::AtLeast),
    (">", Qualifier::MoreThan),
];

/// What a figure counts. Recipients and participants are partners of some kinds (none listed: any
/// recipient); items are matched to the ledger by their item key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum Counted {
    Recipients {
        kinds: Vec<PartnerKind>,
    },
    Countries,
    Item {
        key: String,
    },
    Letters,
    Events,
    Guests,
    Receptions,
    /// Something amity does not compare with the ledger (shown as written).
    Other,
}

/// One reported number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Amount {
    /// Money as reported, with the USD figure the source gives beside it (kept, never recomputed).
    Money { amount: Decimal, currency: Currency, usd: Option<Decimal> },
    /// A count of `label` (the counted thing as written: "local governments").
    Count { count: u64, label: String, counted: Counted },
}

/// A figure: the text as the source words it, its qualifier, and the number it states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub text: String,
    pub qualifier: Qualifier,
    pub amount: Amount,
}

/// What kind of record a reported figure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportedOf {
    Donations,
    Letters,
    Events,
    Receptions,
}

impl ReportedOf {
    pub const ALL: [ReportedOf; 4] =
        [ReportedOf::Donations, ReportedOf::Letters, ReportedOf::Events, ReportedOf::Receptions];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportedOf::Donations => "donations",
            ReportedOf::Letters => "letters",
            ReportedOf::Events => "events",
            ReportedOf::Receptions => "receptions",
        }
    }

    /// The word in English or Chinese, singular or plural, any case.
    pub fn parse(s: &str) -> Option<ReportedOf> {
        let s = s.trim().trim_start_matches('/').to_lowercase();
        Some(match s.as_str() {
            "donations" | "donation" | "捐赠" | "捐赠物资" | "捐助" => ReportedOf::Donations,
            "letters" | "letter" | "信函" | "信" | "慰问信" => ReportedOf::Letters,
            "events" | "event" | "活动" | "会议" => ReportedOf::Events,
            "receptions" | "reception" | "接待" => ReportedOf::Receptions,
            _ => return None,
        })
    }

    pub fn choices() -> String {
        ReportedOf::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Why a figure could not be read. Message ids and arguments follow `MoneyError`'s pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FigureError {
    /// No number where one was expected ("many partners").
    NoNumber {
        text: String,
    },
    /// A count with nothing counted ("30").
    NothingCounted {
        text: String,
    },
    /// The bracketed amount beside money is not in USD.
    SecondNotUsd {
        text: String,
    },
    /// The amount itself is malformed (zero, too large, …).
    Money(MoneyError),
    TooLong {
        max: usize,
    },
}

impl FigureError {
    pub fn msg_id(&self) -> &'static str {
        match self {
            FigureError::NoNumber { .. } => "err-figure-no-number",
            FigureError::NothingCounted { .. } => "err-figure-nothing-counted",
            FigureError::SecondNotUsd { .. } => "err-figure-second-not-usd",
            FigureError::Money(e) => e.msg_id(),
            FigureError::TooLong { .. } => "err-text-too-long",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            FigureError::NoNumber { text }
            | FigureError::NothingCounted { text }
            | FigureError::SecondNotUsd { text } => {
                vec![("text", text.clone())]
            }
            FigureError::Money(e) => e.args(),
            FigureError::TooLong { max } => vec![("max", max.to_string())],
        }
    }
}

/// Longest text of one figure.
pub const MAX_FIGURE_CHARS: usize = 300;

/// Reads one figure of a report about `of`. The text is kept as written (trimmed).
pub fn parse_figure(s: &str, of: ReportedOf) -> Result<Figure, FigureError> {
    let text = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_FIGURE_CHARS {
        return Err(FigureError::TooLong { max: MAX_FIGURE_CHARS });
    }
    let (mut qualifier, body) = leading_qualifier(&text);
    if body.is_empty() {
        return Err(FigureError::NoNumber { text });
    }
    let body = number_words(body);
    if let Some(m) = parse_money(&body)? {
        return Ok(Figure { text, qualifier, amount: m });
    }
    let line = money::parse_item(&body).map_err(|_| FigureError::NoNumber { text: text.clone() })?;
    let mut label = line.item.trim().to_string();
    // Chinese "40余个…", "40多个…": more than 40.
    for more in ["余", "多"] {
        if let Some(rest) = label.strip_prefix(more) {
            qualifier = Qualifier::MoreThan;
            label = rest.trim_start().to_string();
            for u in money::ZH_UNITS.iter().chain(["位", "封", "场", "次", "批", "家", "所"].iter()) {
                if let Some(r) = label.strip_prefix(u) {
                    label = r.trim_start().to_string();
                    break;
                }
            }
        }
    }
    for left in ["左右", "上下"] {
        if let Some(rest) = label.strip_suffix(left) {
            qualifier = Qualifier::About;
            label = rest.trim_end().to_string();
        }
    }
    for plus in ["+"] {
        if let Some(rest) = label.strip_prefix(plus) {
            qualifier = Qualifier::MoreThan;
            label = rest.trim_start().to_string();
        }
    }
    // "partners such as X and Y", "(eg. …)": what follows a bracket or "e.g." names examples.
    let head = label.split(['(', '（']).next().unwrap_or("").trim().to_string();
    if head.is_empty() {
        return Err(FigureError::NothingCounted { text });
    }
    let unit = line.unit.as_deref();
    let counted = classify(&head, unit, of);
    let label = match unit {
        Some(u) if u.starts_with(is_cjk) => format!("{u}{head}"),
        Some(u) => format!("{u} {head}"),
        None => head,
    };
    Ok(Figure { text, qualifier, amount: Amount::Count { count: line.quantity, label, counted } })
}

fn leading_qualifier(text: &str) -> (Qualifier, &str) {
    for (w, q) in LEADING {
        if text.len() >= w.len() && text.is_char_boundary(w.len()) && text[..w.len()].eq_ignore_ascii_case(w) {
            let rest = &text[w.len()..];
            // A whole word: "over" but not "overseas", "some" but not "something".
            let ends = rest.is_empty()
                || !w.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
                || rest.starts_with(|c: char| !c.is_ascii_alphanumeric());
            if ends {
                return (*q, rest.trim_start());
            }
        }
    }
    (Qualifier::Exact, text)
}

/// English number words and Chinese numerals at the start become digits: "a dozen" → "12",
/// "seven" → "7", "四十四个" → "44个".
fn number_words(s: &str) -> String {
    const EN: &[(&str, u64)] = &[
        ("a dozen", 12),
        ("dozen", 12),
        ("a hundred", 100),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
    ];
    for (w, n) in EN {
        if s.len() >= w.len() && s.is_char_boundary(w.len()) && s[..w.len()].eq_ignore_ascii_case(w) {
            let rest = &s[w.len()..];
            if rest.is_empty() || rest.starts_with(' ') {
                return format!("{n}{rest}");
            }
        }
    }
    let digits: String = s.chars().take_while(|c| "零〇一二两三四五六七八九十百千".contains(*c)).collect();
    if let Some(n) = zh_numeral(&digits) {
        return format!("{n}{}", &s[digits.len()..]);
    }
    s.to_string()
}

/// A Chinese numeral below ten thousand (`七`, `十二`, `四十四`, `一百零五`, `两千`).
fn zh_numeral(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let digit = |c: char| {
        "零一二三四五六七八九".find(c).map(|i| (i / 3) as u64).or((c == '两').then_some(2)).or((c == '〇').then_some(0))
    };
    let (mut total, mut pending) = (0u64, None::<u64>);
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                pending = Some(digit(c)?);
                continue;
            }
        };
        total += pending.take().unwrap_or(1) * unit;
    }
    let n = total + pending.unwrap_or(0);
    (n > 0).then_some(n)
}

/// Money when the figure has a currency: `nearly 3.5 million yuan ($494,100)`, `近350万元（合49.41万美元）`.
fn parse_money(body: &str) -> Result<Option<Amount>, FigureError> {
    let (main, second) = match body.find(['(', '（']) {
        Some(i) => {
            let inner = body[i..].trim_start_matches(['(', '（']);
            let inner = inner.split([')', '）']).next().unwrap_or("");
            (body[..i].trim(), Some(inner.trim()))
        }
        None => (body.trim(), None),
    };
    let m = match money::parse_value(main) {
        Ok(Some(m)) => m,
        Ok(None) => return Ok(None),
        // No currency, or words after the number: a count. No number at all: a count's error says so.
        Err(MoneyError::MissingCurrency { .. } | MoneyError::UnknownCurrency { .. }) => return Ok(None),
        Err(MoneyError::BadValue { .. }) if !main.contains(|c: char| c.is_ascii_digit()) => return Ok(None),
        // A number that does not read ("3,5 million yuan"): the money parser's reason.
        Err(e) => return Err(FigureError::Money(e)),
    };
    let usd = match second {
        None => None,
        Some(s) => {
            let s = s.trim_start_matches(['合', '约']).trim();
            let s =
                ["about ", "approx. ", "or ", "i.e. ", "roughly "].iter().find_map(|p| s.strip_prefix(p)).unwrap_or(s);
            match money::parse_value(s) {
                Ok(Some(u)) if u.currency == Currency::USD => Some(u.amount),
                Ok(Some(_)) => return Err(FigureError::SecondNotUsd { text: s.to_string() }),
                // A bracket that is not an amount ("(epidemic prevention supplies)") is just words.
                _ => None,
            }
        }
    };
    Ok(Some(Amount::Money {
        amount: m.amount,
        currency: m.currency,
        usd: if m.currency == Currency::USD { None } else { usd },
    }))
}

fn has_any(label: &str, words: &[&str]) -> bool {
    words.iter().any(|w| label.contains(w))
}

/// What the head of a count's label counts. The head noun ends an English or Chinese noun phrase, so
/// the last word decides ("school bags" are items, "schools" are institutions).
fn classify(label: &str, unit: Option<&str>, of: ReportedOf) -> Counted {
    let l = label.to_lowercase();
    let last = l.rsplit([' ', ',']).next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric());
    let zh_ends = |ws: &[&str]| ws.iter().any(|w| l.ends_with(w));
    let en = |ws: &[&str]| ws.contains(&last);
    if en(&["countries", "country", "nations", "regions"]) && has_any(&l, &["countr", "nation"])
        || zh_ends(&["国家", "国家和地区", "个国家", "国", "国家地区"])
    {
        return Counted::Countries;
    }
    if en(&["letters", "letter"]) || zh_ends(&["信", "信函", "慰问信", "函"]) || unit == Some("封") {
        return Counted::Letters;
    }
    if en(&["events", "conferences", "webinars", "meetings", "seminars", "calls", "videos", "messages"])
        || zh_ends(&["活动", "会议", "研讨会", "视频会议", "视频"])
        || unit == Some("场")
    {
        return Counted::Events;
    }
    if en(&["receptions", "delegations"]) || zh_ends(&["接待", "批次", "代表团"]) || unit == Some("批") {
        return Counted::Receptions;
    }
    if en(&[
        "guests",
        "ambassadors",
        "visitors",
        "diplomats",
        "people",
        "persons",
        "representatives",
        "delegates",
        "officials",
        "families",
    ]) || zh_ends(&["来宾", "大使", "外宾", "人", "人次", "使节", "代表"])
        || unit == Some("位")
    {
        return Counted::Guests;
    }
    let kinds = recipient_kinds(&l, last);
    if let Some(kinds) = kinds {
        return Counted::Recipients { kinds };
    }
    match of {
        ReportedOf::Donations => Counted::Item { key: money::item_key(label) },
        _ => Counted::Other,
    }
}

/// The partner kinds a recipient phrase names ("friendship provinces and states" → friendship; "local
/// governments" → friendship and partner governments; "recipients" → any, an empty list), or None
/// when the phrase is not about recipients.
fn recipient_kinds(l: &str, last: &str) -> Option<Vec<PartnerKind>> {
    let en = |ws: &[&str]| ws.contains(&last);
    let zh_ends = |ws: &[&str]| ws.iter().any(|w| l.ends_with(w));
    let chinese_abroad =
        has_any(l, &["overseas chinese", "chinese societ", "chinese communit", "chinese student", "侨"]);
    if chinese_abroad
        && (en(&["societies", "communities", "associations", "groups", "organizations", "organisations", "students"])
            || zh_ends(&["侨团", "侨社", "社团", "侨胞", "华侨", "团体"]))
    {
        return Some(vec![PartnerKind::OverseasChinese]);
    }
    if en(&["embassies", "consulates", "missions"]) || zh_ends(&["使馆", "领馆", "使领馆"]) {
        return Some(vec![PartnerKind::Embassy]);
    }
    if en(&["organizations", "organisations", "agencies"]) || zh_ends(&["国际组织", "组织"]) {
        return Some(vec![PartnerKind::Organization]);
    }
    if en(&[
        "institutions",
        "schools",
        "universities",
        "colleges",
        "hospitals",
        "associations",
        "institutes",
        "foundations",
        "societies",
    ]) || zh_ends(&["机构", "学校", "大学", "高校", "医院", "协会", "学会", "基金会"])
    {
        return Some(vec![PartnerKind::Institution]);
    }
    let government = en(&[
        "governments",
        "government",
        "provinces",
        "states",
        "cities",
        "regions",
        "counties",
        "municipalities",
        "prefectures",
        "oblasts",
        "partners",
    ]) || zh_ends(&["政府", "省州", "省", "州", "城市", "友城", "市", "伙伴", "地区"]);
    if government {
        let friendship = has_any(l, &["friendship", "sister", "友好省", "友好城", "友城", "姊妹"]);
        let partner = has_any(l, &["partner", "合作"]);
        let generic = has_any(l, &["local government", "地方政府"]) || l == "governments" || l == "政府";
        if (last == "partners" || l.ends_with("伙伴"))
            && !friendship
            && !l.contains("government")
            && !l.contains("政府")
        {
            return Some(Vec::new());
        }
        return Some(match (friendship, partner, generic) {
            (true, false, false) => vec![PartnerKind::Friendship],
            (false, true, false) => vec![PartnerKind::Partner],
            _ => vec![PartnerKind::Friendship, PartnerKind::Partner],
        });
    }
    if en(&["recipients", "beneficiaries"]) || zh_ends(&["受赠方", "对象", "单位"]) {
        return Some(Vec::new());
    }
    None
}

/// A report as stored and shown: what a source said, about which kind of record, over which days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    pub id: i64,
    /// When the source reported it.
    pub date: chrono::NaiveDate,
    pub of: ReportedOf,
    pub figures: Vec<Figure>,
    pub source: String,
    /// The days the figures cover (`None` at the start: from the beginning; the end defaults to the
    /// report's date: "so far").
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub internal: bool,
    pub note: Option<String>,
}

impl Reported {
    /// The covered period, ending at the report's date when no end was given.
    pub fn period(&self) -> super::Period {
        super::Period { from: self.from, to: Some(self.to.unwrap_or(self.date)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(s: &str) -> Figure {
        parse_figure(s, ReportedOf::Donations).unwrap()
    }

    fn count(f: &Figure) -> (u64, &str, &Counted) {
        match &f.amount {
            Amount::Count { count, label, counted } => (*count, label.as_str(), counted),
            other => panic!("not a count: {other:?}"),
        }
    }

    #[test]
    fn the_article_figures_parse() {
        let m = fig("nearly 3.5 million yuan ($494,100)");
        assert_eq!(m.qualifier, Qualifier::Nearly);
        assert_eq!(m.text, "nearly 3.5 million yuan ($494,100)");
        assert_eq!(
            m.amount,
            Amount::Money {
                amount: Decimal::from(3_500_000),
                currency: Currency::CNY,
                usd: Some(Decimal::from(494_100))
            }
        );
        let g = fig("30 local governments");
        assert_eq!(
            count(&g),
            (
                30,
                "local governments",
                &Counted::Recipients { kinds: vec![PartnerKind::Friendship, PartnerKind::Partner] }
            )
        );
        assert_eq!(count(&fig("20 countries")).2, &Counted::Countries);
        assert_eq!(count(&fig("63 institutions")).2, &Counted::Recipients { kinds: vec![PartnerKind::Institution] });
        assert_eq!(count(&fig("478,000 masks")), (478_000, "masks", &Counted::Item { key: "mask".into() }));
        assert_eq!(
            count(&fig("seven friendship provinces and states")).2,
            &Counted::Recipients { kinds: vec![PartnerKind::Friendship] }
        );
        assert_eq!(
            count(&fig("12 friendly partner governments")).2,
            &Counted::Recipients { kinds: vec![PartnerKind::Partner] }
        );
        assert_eq!(
            count(&fig("7 overseas Chinese societies")).2,
            &Counted::Recipients { kinds: vec![PartnerKind::OverseasChinese] }
        );
        let amb = parse_figure("more than a dozen foreign ambassadors", ReportedOf::Receptions).unwrap();
        assert_eq!(amb.qualifier, Qualifier::MoreThan);
        assert_eq!(count(&amb), (12, "foreign ambassadors", &Counted::Guests));
        let l = parse_figure(
            "44 friendship provinces and states, friendly partners and local governments",
            ReportedOf::Letters,
        )
        .unwrap();
        assert_eq!(count(&l).2, &Counted::Recipients { kinds: vec![PartnerKind::Friendship, PartnerKind::Partner] });
    }

    #[test]
    fn chinese_figures_parse() {
        let m = fig("近350万元（49.41万美元）");
        assert_eq!(m.qualifier, Qualifier::Nearly);
        assert_eq!(
            m.amount,
            Amount::Money {
                amount: Decimal::from(3_500_000),
                currency: Currency::CNY,
                usd: Some(Decimal::from(494_100))
            }
        );
        assert_eq!(
            count(&fig("30个地方政府")),
            (30, "个地方政府", &Counted::Recipients { kinds: vec![PartnerKind::Friendship, PartnerKind::Partner] })
        );
        assert_eq!(count(&fig("20个国家")).2, &Counted::Countries);
        assert_eq!(count(&fig("47.8万只口罩")), (478_000, "只口罩", &Counted::Item { key: "口罩".into() }));
        let seven = fig("七个友好省州");
        assert_eq!(count(&seven).0, 7);
        let more = fig("40余个友好城市");
        assert_eq!(more.qualifier, Qualifier::MoreThan);
        assert_eq!(count(&more).0, 40);
        let l = parse_figure("44封慰问信", ReportedOf::Letters).unwrap();
        assert_eq!(count(&l).2, &Counted::Letters);
        let amb = parse_figure("十余位外国大使", ReportedOf::Receptions).unwrap();
        assert_eq!((amb.qualifier, count(&amb).0, count(&amb).2), (Qualifier::MoreThan, 10, &Counted::Guests));
    }

    #[test]
    fn qualifiers_need_a_whole_word() {
        assert_eq!(leading_qualifier("overseas Chinese societies").0, Qualifier::Exact);
        assert_eq!(leading_qualifier("something").0, Qualifier::Exact);
        assert!(parse_figure("over", ReportedOf::Donations).is_err());
        assert_eq!(fig("over 40 partners").qualifier, Qualifier::MoreThan);
        assert_eq!(count(&fig("over 40 partners")).2, &Counted::Recipients { kinds: vec![] });
    }

    #[test]
    fn malformed_figures_say_why() {
        assert!(matches!(parse_figure("many partners", ReportedOf::Donations), Err(FigureError::NoNumber { .. })));
        assert!(matches!(parse_figure("0 yuan", ReportedOf::Donations), Err(FigureError::Money(_))));
        assert!(matches!(
            parse_figure("3.5 million yuan (€400,000)", ReportedOf::Donations),
            Err(FigureError::SecondNotUsd { .. })
        ));
        assert!(parse_figure(&"9".repeat(400), ReportedOf::Donations).is_err());
        assert!(matches!(
            parse_figure("nearly 3,5 million yuan", ReportedOf::Donations),
            Err(FigureError::Money(MoneyError::BadValue { .. }))
        ));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(zh_numeral("七"), Some(7));
        assert_eq!(zh_numeral("十二"), Some(12));
        assert_eq!(zh_numeral("四十四"), Some(44));
        assert_eq!(zh_numeral("一百零五"), Some(105));
        assert_eq!(zh_numeral("两千"), Some(2000));
        assert_eq!(zh_numeral("零"), None);
    }
}

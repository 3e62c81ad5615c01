//! The records amity keeps (partners, donations, letters, events, receptions, reported figures, rates) and their
//! enumerations, each with the words users may type for it in English and Chinese.

use super::{CountryCode, ItemLine};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $code:literal [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The stored and canonical English word.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $code),+ } }
            /// Accepts the canonical word, its aliases (English and Chinese), any case.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_lowercase().replace([' ', '_'], "-");
                match s.as_str() {
                    $($code $(| $alias)* => Some($name::$var),)+
                    _ => None,
                }
            }
            /// The accepted words, for error messages.
            pub fn choices() -> String {
                [$($code),+].join(", ")
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

word_enum!(
    /// What kind of counterpart a partner is.
    PartnerKind {
        Friendship = "friendship" ["friendship-province", "friendship-state", "friendship-city", "友好省州", "友好城市", "友城"],
        Partner = "partner" ["partner-government", "government", "友好合作关系政府", "合作政府"],
        OverseasChinese = "overseas-chinese" ["overseas-chinese-society", "society", "侨团"],
        Institution = "institution" ["school", "university", "association", "机构", "学校"],
        Organization = "organization" ["organisation", "international-organization", "国际组织", "组织"],
        Embassy = "embassy" ["使馆", "大使馆"],
    }
);

word_enum!(
    /// Administrative level of a partner.
    Level {
        Province = "province" ["state", "region", "省", "州", "省州"],
        City = "city" ["市", "城市"],
        County = "county" ["县", "郡"],
        NoLevel = "none" ["-", "无"],
    }
);

word_enum!(
    /// Where a donation stands.
    Status {
        Pledged = "pledged" ["承诺", "已承诺"],
        Shipped = "shipped" ["sent", "已发运", "发运"],
        Delivered = "delivered" ["已送达", "送达"],
    }
);

word_enum!(
    /// Whether a letter left the office or came to it.
    Direction {
        Sent = "sent" ["out", "outgoing", "发出", "寄出"],
        Received = "received" ["in", "incoming", "收到", "来信"],
    }
);

word_enum!(
    LetterKind {
        Sympathy = "sympathy" ["condolence", "慰问", "慰问信"],
        Reply = "reply" ["回信", "复信"],
        Thanks = "thanks" ["thank-you", "感谢", "感谢信"],
        Other = "other" ["其他"],
    }
);

word_enum!(
    EventKind {
        VideoConference = "video-conference" ["videoconference", "conference", "video-call", "视频会议"],
        Webinar = "webinar" ["seminar", "网络研讨会", "研讨会"],
        VideoMessage = "video-message" ["video", "视频", "视频致辞"],
        Visit = "visit" ["访问", "来访"],
        Other = "other" ["其他"],
    }
);

/// The kinds of record, with the letter that prefixes their ids (D-17, L-3, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    Partner,
    Donation,
    Letter,
    Event,
    Reception,
    /// A reported figure (`F-3`): what a source said, beside the ledger.
    Reported,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Donation,
        RecordKind::Letter,
        RecordKind::Event,
        RecordKind::Reception,
        RecordKind::Partner,
        RecordKind::Reported,
    ];

    pub fn prefix(self) -> char {
        match self {
            RecordKind::Partner => 'P',
            RecordKind::Donation => 'D',
            RecordKind::Letter => 'L',
            RecordKind::Event => 'E',
            RecordKind::Reception => 'R',
            RecordKind::Reported => 'F',
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Partner => "partner",
            RecordKind::Donation => "donation",
            RecordKind::Letter => "letter",
            RecordKind::Event => "event",
            RecordKind::Reception => "reception",
            RecordKind::Reported => "reported",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn table(self) -> &'static str {
        match self {
            RecordKind::Partner => "partners",
            RecordKind::Donation => "donations",
            RecordKind::Letter => "letters",
            RecordKind::Event => "events",
            RecordKind::Reception => "receptions",
            RecordKind::Reported => "reported",
        }
    }
}

/// A record's public id: kind letter and number, `D-17`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordId {
    pub kind: RecordKind,
    pub id: i64,
}

impl RecordId {
    pub fn new(kind: RecordKind, id: i64) -> RecordId {
        RecordId { kind, id }
    }

    /// `D-17`, `d-17`, `D17`, `d17`: the kind's letter, at most one `-`, then the number in plain
    /// digits (no sign, no leading zero). Anything else (`D--1`, `D-+2`, `D 2`) is not an id, so a
    /// typo never lands on another record.
    pub fn parse(s: &str) -> Option<RecordId> {
        let s = s.trim();
        let mut chars = s.chars();
        let first = chars.next()?.to_ascii_uppercase();
        let kind = RecordKind::ALL.into_iter().find(|k| k.prefix() == first)?;
        let rest = chars.as_str();
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: i64 = digits.parse().ok()?;
        Some(RecordId { kind, id })
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.kind.prefix(), self.id)
    }
}

/// A partner as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: PartnerKind,
    pub country: CountryCode,
    pub level: Option<Level>,
    pub since: Option<i32>,
    pub note: Option<String>,
    /// Where the record comes from: a URL or a document reference.
    #[serde(default)]
    pub source: Option<String>,
}

/// Someone or something that received a donation or took part in an event: a known partner, a
/// country, or (events only) a free-text name with an optional country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    Partner { id: i64, name: String, country: CountryCode },
    Country(CountryCode),
    Named { name: String, country: Option<CountryCode> },
}

impl Party {
    pub fn country(&self) -> Option<CountryCode> {
        match self {
            Party::Partner { country, .. } | Party::Country(country) => Some(*country),
            Party::Named { country, .. } => *country,
        }
    }

    pub fn partner_id(&self) -> Option<i64> {
        match self {
            Party::Partner { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// The value of a donation, fixed when recorded: what was declared, the rates used, and the CNY and
/// USD amounts (USD missing while no USD rate for the value date is known).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedValue {
    pub amount: Decimal,
    pub currency: super::Currency,
    pub value_date: NaiveDate,
    /// CNY per unit of `currency` used (1 for CNY).
    pub rate: Decimal,
    /// CNY per USD used, if one was known.
    pub usd_rate: Option<Decimal>,
    pub cny: Decimal,
    pub usd: Option<Decimal>,
    /// The date of the rate used for `currency` (None for CNY): a rate much older than the value
    /// date is flagged as stale.
    #[serde(default)]
    pub rate_from: Option<NaiveDate>,
    /// The date of the USD rate used, if one was known.
    #[serde(default)]
    pub usd_rate_from: Option<NaiveDate>,
}

impl FixedValue {
    /// Days between the value date and the oldest rate this value rests on (0 when none is older).
    pub fn rate_age_days(&self) -> Option<i64> {
        [self.rate_from, self.usd_rate_from].into_iter().flatten().map(|d| (self.value_date - d).num_days()).max()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Donation {
    pub id: i64,
    pub date: NaiveDate,
    pub recipients: Vec<Party>,
    pub donor: String,
    pub items: Vec<ItemLine>,
    pub value: Option<FixedValue>,
    /// The value date when no value is declared (kept so a later /edit value uses it).
    pub value_date: NaiveDate,
    pub status: Status,
    pub fund: Option<String>,
    pub internal: bool,
    pub note: Option<String>,
    /// Where the record comes from: a URL or a document reference.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Letter {
    pub id: i64,
    pub date: NaiveDate,
    pub direction: Direction,
    pub kind: LetterKind,
    pub partners: Vec<Party>,
    pub signatories: Vec<String>,
    pub author: Option<String>,
    pub quote: Option<String>,
    pub in_reply_to: Option<i64>,
    pub internal: bool,
    pub note: Option<String>,
    /// Where the record comes from: a URL or a document reference.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub date: NaiveDate,
    pub kind: EventKind,
    pub topic: String,
    pub host: Option<String>,
    pub participants: Vec<Party>,
    pub internal: bool,
    pub note: Option<String>,
    /// Where the record comes from: a URL or a document reference.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reception {
    pub id: i64,
    pub date: NaiveDate,
    pub place: String,
    pub count: u32,
    pub guests: String,
    pub countries: Vec<CountryCode>,
    pub internal: bool,
    pub note: Option<String>,
    /// Where the record comes from: a URL or a document reference.
    #[serde(default)]
    pub source: Option<String>,
}

/// Any record, for history and generic edit/delete.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "kebab-case")]
pub enum Record {
    Partner(Partner),
    Donation(Donation),
    Letter(Letter),
    Event(Event),
    Reception(Reception),
    Reported(super::Reported),
}

impl Record {
    /// Whether the record is shown to staff only (partners are always public).
    pub fn internal(&self) -> bool {
        match self {
            Record::Partner(_) => false,
            Record::Donation(r) => r.internal,
            Record::Letter(r) => r.internal,
            Record::Event(r) => r.internal,
            Record::Reception(r) => r.internal,
            Record::Reported(r) => r.internal,
        }
    }

    pub fn id(&self) -> RecordId {
        match self {
            Record::Partner(r) => RecordId::new(RecordKind::Partner, r.id),
            Record::Donation(r) => RecordId::new(RecordKind::Donation, r.id),
            Record::Letter(r) => RecordId::new(RecordKind::Letter, r.id),
            Record::Event(r) => RecordId::new(RecordKind::Event, r.id),
            Record::Reception(r) => RecordId::new(RecordKind::Reception, r.id),
            Record::Reported(r) => RecordId::new(RecordKind::Reported, r.id),
        }
    }

    /// Where the record comes from, if it says.
    pub fn source(&self) -> Option<&str> {
        match self {
            Record::Partner(r) => r.source.as_deref(),
            Record::Donation(r) => r.source.as_deref(),
            Record::Letter(r) => r.source.as_deref(),
            Record::Event(r) => r.source.as_deref(),
            Record::Reception(r) => r.source.as_deref(),
            Record::Reported(r) => Some(r.source.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_in_both_languages() {
        assert_eq!(PartnerKind::parse("Overseas Chinese"), Some(PartnerKind::OverseasChinese));
        assert_eq!(PartnerKind::parse("友好省州"), Some(PartnerKind::Friendship));
        assert_eq!(EventKind::parse("Video Conference"), Some(EventKind::VideoConference));
        assert_eq!(Status::parse("DELIVERED"), Some(Status::Delivered));
        assert_eq!(Status::parse("lost"), None);
    }

    #[test]
    fn record_ids_round_trip() {
        let id = RecordId::parse("d-17").unwrap();
        assert_eq!(id.to_string(), "D-17");
        assert_eq!(RecordId::parse("L3").unwrap().to_string(), "L-3");
        assert!(RecordId::parse("X-1").is_none());
        assert!(RecordId::parse("D-0").is_none());
        assert!(RecordId::parse("D-").is_none());
    }
}

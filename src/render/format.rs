//! How records and amounts read in a reply, in the asker's language: one compact entry per record
//! (first line: id, date, who; then what), money as CNY with USD beside it, enumerations in words.

use crate::domain::money::{self, Currency};
use crate::domain::*;
use crate::i18n::{Lang, t};
use crate::render::Reply;
use crate::store::records::from_minor;
use crate::store::reports::DonationTotals;
use rust_decimal::Decimal;

/// Formatting in one language. `Ctx` dereferences to it, and write transactions use it directly.
#[derive(Clone, Copy, Debug)]
pub struct Fmt {
    pub lang: Lang,
}

impl Fmt {
    pub fn t(&self, id: &str, args: &[(&str, String)]) -> String {
        t(self.lang, id, args)
    }

    /// A country's name in this language.
    pub fn country_name(&self, c: CountryCode) -> &'static str {
        match self.lang {
            Lang::En => c.name_en(),
            Lang::Zh => c.name_zh(),
        }
    }

    /// One line saying what a record is (the first line of its entry, with details flattened).
    pub fn echo(&self, rec: &Record) -> String {
        match rec {
            Record::Donation(d) => self.donation_echo(d),
            other => self
                .record_entry(other)
                .split_once(" · ")
                .map(|(_, rest)| rest.replace('\n', " · "))
                .unwrap_or_default(),
        }
    }

    pub fn party(&self, p: &Party) -> String {
        match p {
            Party::Partner { name, country, .. } => format!("{name} ({country})"),
            Party::Country(c) => self.country_name(*c).to_string(),
            Party::Named { name, country: Some(c) } => format!("{name} ({c})"),
            Party::Named { name, country: None } => name.clone(),
        }
    }

    /// The list separator of this language.
    pub fn sep(&self) -> &'static str {
        if self.lang == Lang::Zh { "、" } else { ", " }
    }

    /// "a, b and c" ("a、b和c"): a list in a sentence.
    pub fn list(&self, parts: &[String]) -> String {
        match parts {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => self.t("list-and", &[("a", init.join(self.sep())), ("b", last.clone())]),
        }
    }

    pub fn parties(&self, ps: &[Party]) -> String {
        ps.iter().map(|p| self.party(p)).collect::<Vec<_>>().join(self.sep())
    }

    pub fn int(&self, n: i64) -> String {
        money::fmt_int(n as i128)
    }

    /// CNY with USD beside it: "CNY 38,500 ($5,435)"; in Chinese "3.85万元（$5,435）".
    pub fn cny_usd(&self, cny: Decimal, usd: Option<Decimal>) -> String {
        let c = match self.lang {
            Lang::En => money::fmt_cny(cny),
            Lang::Zh => money::fmt_wan(cny),
        };
        match usd {
            Some(u) => match self.lang {
                Lang::En => format!("{c} ({})", money::fmt_usd(u)),
                Lang::Zh => format!("{c}（{}）", money::fmt_usd(u)),
            },
            None => match self.lang {
                Lang::En => format!("{c} ({})", self.t("usd-unknown", &[])),
                Lang::Zh => format!("{c}（{}）", self.t("usd-unknown", &[])),
            },
        }
    }

    /// A donation's value: as declared when not in CNY, then CNY and USD.
    pub fn value(&self, v: &FixedValue) -> String {
        let pair = self.cny_usd(v.cny, v.usd);
        if v.currency == Currency::CNY {
            pair
        } else {
            format!("{} = {pair}", money::fmt_money(&money::Money { amount: v.amount, currency: v.currency }))
        }
    }

    pub fn items_text(&self, items: &[ItemLine]) -> String {
        items.iter().map(money::fmt_item).collect::<Vec<_>>().join("; ")
    }

    pub fn word(&self, prefix: &str, word: &str) -> String {
        self.t(&format!("{prefix}-{word}"), &[])
    }

    /// The one-line echo of a donation (as in "Saved D-17: …").
    pub fn donation_echo(&self, d: &Donation) -> String {
        let mut parts = vec![d.date.to_string(), self.parties(&d.recipients)];
        if !d.items.is_empty() {
            parts.push(self.items_text(&d.items));
        }
        match &d.value {
            Some(v) => parts.push(self.value(v)),
            None => parts.push(self.t("value-none", &[])),
        }
        parts.join(" · ")
    }

    /// A donation as a list entry: id, date and recipients; items and value; donor and status.
    pub fn donation_entry(&self, d: &Donation) -> String {
        let mut s = format!("D-{} · {} · {}", d.id, d.date, self.parties(&d.recipients));
        let mut what = Vec::new();
        if !d.items.is_empty() {
            what.push(self.items_text(&d.items));
        }
        if let Some(v) = &d.value {
            what.push(self.value(v));
        }
        if !what.is_empty() {
            s.push('\n');
            s.push_str(&what.join(" · "));
        }
        let mut who = vec![d.donor.clone(), self.word("status", d.status.as_str())];
        if let Some(f) = &d.fund {
            who.push(f.clone());
        }
        if d.internal {
            who.push(self.t("internal-mark", &[]));
        }
        s.push('\n');
        s.push_str(&who.join(" · "));
        if let Some(n) = &d.note {
            s.push('\n');
            s.push_str(n);
        }
        self.source_line(&mut s, &d.source);
        s
    }

    /// "Source: …" on its own line, when the record names one.
    fn source_line(&self, s: &mut String, source: &Option<String>) {
        if let Some(src) = source {
            s.push('\n');
            s.push_str(&self.t("record-source", &[("source", src.clone())]));
        }
    }

    pub fn letter_entry(&self, l: &Letter) -> String {
        let dir = self.word("direction", l.direction.as_str());
        let kind = self.word("letter-kind", l.kind.as_str());
        let mut s = format!("L-{} · {} · {dir} ({kind}) · {}", l.id, l.date, self.parties(&l.partners));
        if !l.signatories.is_empty() {
            s.push('\n');
            s.push_str(&self.t("letter-signed", &[("names", l.signatories.join(", "))]));
        }
        if let Some(a) = &l.author {
            s.push('\n');
            s.push_str(&self.t("letter-from", &[("author", a.clone())]));
        }
        if let Some(q) = &l.quote {
            s.push('\n');
            s.push_str(&format!("“{q}”"));
        }
        if let Some(r) = l.in_reply_to {
            s.push('\n');
            s.push_str(&self.t("letter-in-reply-to", &[("id", format!("L-{r}"))]));
        }
        if l.internal {
            s.push_str(&format!(" · {}", self.t("internal-mark", &[])));
        }
        self.source_line(&mut s, &l.source);
        s
    }

    pub fn event_entry(&self, e: &Event) -> String {
        let mut s = format!("E-{} · {} · {} · {}", e.id, e.date, self.word("event-kind", e.kind.as_str()), e.topic);
        if !e.participants.is_empty() {
            s.push('\n');
            s.push_str(&self.t("event-with", &[("names", self.parties(&e.participants))]));
        }
        if let Some(h) = &e.host {
            s.push('\n');
            s.push_str(&self.t("event-host", &[("host", h.clone())]));
        }
        if e.internal {
            s.push_str(&format!(" · {}", self.t("internal-mark", &[])));
        }
        self.source_line(&mut s, &e.source);
        s
    }

    pub fn reception_entry(&self, r: &Reception) -> String {
        let mut s = format!(
            "R-{} · {} · {} · {}",
            r.id,
            r.date,
            r.place,
            self.t("reception-guests", &[("count", r.count.to_string()), ("guests", r.guests.clone())])
        );
        if !r.countries.is_empty() {
            s.push('\n');
            s.push_str(&r.countries.iter().map(|c| self.country_name(*c)).collect::<Vec<_>>().join(", "));
        }
        if r.internal {
            s.push_str(&format!(" · {}", self.t("internal-mark", &[])));
        }
        self.source_line(&mut s, &r.source);
        s
    }

    pub fn partner_entry(&self, p: &Partner) -> String {
        let mut s = format!(
            "P-{} · {} · {} · {}",
            p.id,
            p.name,
            self.country_name(p.country),
            self.word("partner-kind", p.kind.as_str())
        );
        if !p.aliases.is_empty() {
            s.push_str(&format!(" · {}", self.t("partner-aka", &[("names", p.aliases.join(", "))])));
        }
        if let Some(y) = p.since {
            s.push_str(&format!(" · {}", self.t("partner-since", &[("year", y.to_string())])));
        }
        self.source_line(&mut s, &p.source);
        s
    }

    pub fn record_entry(&self, r: &Record) -> String {
        match r {
            Record::Partner(p) => self.partner_entry(p),
            Record::Donation(d) => self.donation_entry(d),
            Record::Letter(l) => self.letter_entry(l),
            Record::Event(e) => self.event_entry(e),
            Record::Reception(x) => self.reception_entry(x),
            Record::Reported(x) => self.reported_entry(x),
        }
    }

    /// A report: id, date, what it is about and the days it covers; its figures exactly as the source
    /// words them; the source.
    pub fn reported_entry(&self, r: &Reported) -> String {
        let mut s = self.reported_head(r);
        s.push('\n');
        s.push_str(&self.t("record-source", &[("source", r.source.clone())]));
        if r.internal {
            s.push_str(&format!(" · {}", self.t("internal-mark", &[])));
        }
        if let Some(n) = &r.note {
            s.push('\n');
            s.push_str(n);
        }
        s
    }

    /// A report's first lines: id, date, kind and days covered; the figures as the source words them.
    pub fn reported_head(&self, r: &Reported) -> String {
        let mut s = format!(
            "F-{} · {} · {} · {}",
            r.id,
            r.date,
            self.word("reported-of", r.of.as_str()),
            self.period_text(&r.period())
        );
        s.push('\n');
        s.push_str(&r.figures.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join(" · "));
        s
    }

    /// How much of each figure the ledger itemizes ("In the ledger: CNY 0 of ≈CNY 3,500,000 · 6 of
    /// 30 local governments (24 not yet logged)"), from [`crate::store::reports::itemized`]. Figures
    /// the ledger cannot compare are left out; None when none can be.
    pub fn reconciliation(&self, r: &Reported, have: &[Option<i64>]) -> Option<String> {
        use crate::domain::reported::{Amount, Qualifier};
        let mut parts = Vec::new();
        for (f, h) in r.figures.iter().zip(have) {
            let Some(h) = *h else { continue };
            let mark = f.qualifier.mark().to_string();
            match &f.amount {
                Amount::Money { amount, currency, .. } => {
                    let fmt = |d: Decimal| {
                        if *currency == Currency::USD {
                            money::fmt_usd(d)
                        } else if self.lang == Lang::Zh {
                            money::fmt_wan(d)
                        } else {
                            money::fmt_cny(d)
                        }
                    };
                    parts.push(
                        self.t(
                            "recon-money",
                            &[("have", fmt(from_minor(h))), ("mark", mark), ("reported", fmt(*amount))],
                        ),
                    );
                }
                Amount::Count { count, label, .. } => {
                    let gap_before = if label.starts_with(crate::domain::text::is_cjk) { "" } else { " " };
                    let figure = format!("{mark}{}{gap_before}{label}", money::fmt_int(i128::from(*count)));
                    let mut p = self.t("recon-count", &[("have", self.int(h)), ("figure", figure)]);
                    let gap = i128::from(*count) - i128::from(h);
                    // "More than a dozen" is not contradicted by 13.
                    let lower_bound = matches!(f.qualifier, Qualifier::MoreThan | Qualifier::AtLeast);
                    if gap > 0 {
                        p.push_str(&self.t("recon-missing", &[("count", money::fmt_int(gap))]));
                    } else if gap < 0 && !lower_bound {
                        p.push_str(&self.t("recon-more", &[("count", money::fmt_int(-gap))]));
                    }
                    parts.push(p);
                }
            }
        }
        (!parts.is_empty()).then(|| self.t("recon-line", &[("parts", parts.join(" · "))]))
    }

    /// The article-style summary of a donation total: money, recipients by kind, countries.
    pub fn donation_summary(&self, t: &DonationTotals, r: &mut Reply, max_items: usize) {
        if t.count == 0 {
            r.line(self.t("donations-none", &[]));
            return;
        }
        let money = self.cny_usd(from_minor(t.cny_fen), (t.usd_missing == 0).then(|| from_minor(t.usd_cents)));
        let kinds: Vec<String> = t
            .partners_by_kind
            .iter()
            .map(|(k, n)| self.t(&format!("recipients-{}", k.as_str()), &[("count", n.to_string())]))
            .chain(
                (t.direct_countries > 0)
                    .then(|| self.t("recipients-country", &[("count", t.direct_countries.to_string())])),
            )
            .collect();
        let id = if t.valued == 0 { "donations-summary-unvalued" } else { "donations-summary" };
        // "in N countries" only when partners are among the recipients (countries given directly are
        // their own count), after a comma when the list ends with such countries.
        let in_countries = self.t("donations-in-countries", &[("n_countries", t.countries.to_string())]);
        let sep_before = match self.lang {
            Lang::Zh => "，",
            Lang::En if t.direct_countries > 0 => ", ",
            Lang::En => " ",
        };
        let place = if t.partners_by_kind.is_empty() { String::new() } else { format!("{sep_before}{in_countries}") };
        r.line(self.t(
            id,
            &[("count", t.count.to_string()), ("money", money), ("recipients", self.list(&kinds)), ("where", place)],
        ));
        if t.usd_missing > 0 {
            r.note(self.t(
                "donations-usd-missing",
                &[("count", t.usd_missing.to_string()), ("usd", money::fmt_usd(from_minor(t.usd_cents)))],
            ));
        }
        let unvalued = t.count - t.valued;
        if unvalued > 0 && t.valued > 0 {
            r.note(self.t("donations-unvalued", &[("count", unvalued.to_string())]));
        }
        if !t.items.is_empty() {
            let items: Vec<String> = t
                .items
                .iter()
                .take(max_items)
                .map(|i| {
                    money::fmt_item(&ItemLine {
                        quantity: i.quantity as u64,
                        unit: i.unit.clone(),
                        item: i.item.clone(),
                    })
                })
                .collect();
            let more = t.items.len().saturating_sub(max_items);
            let mut line = self.t("donations-items", &[("items", items.join("; "))]);
            if more > 0 {
                line.push_str(&format!(" {}", self.t("and-more", &[("count", more.to_string())])));
            }
            r.line(line);
        }
    }

    pub fn period_text(&self, p: &Period) -> String {
        match self.lang {
            Lang::En => p.describe_en(),
            Lang::Zh => p.describe_zh(),
        }
    }
}

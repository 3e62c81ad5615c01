//! Logging commands, the one-line forms: /donation, /letter, /event, /reception, /partner add. Each
//! parses every field before anything is written, then saves the record and its history entry in one
//! transaction and answers with the new id and an echo of what was understood.

use super::fields::{Form, Keys, MAX_NAME, MAX_TEXT, list, unquote};
use super::resolve::Mode;
use super::{CmdError, CmdResult, Ctx};
use crate::domain::*;
use crate::render::Reply;
use crate::store::history::{self, Action};
use crate::store::{rates, records};
use chrono::{Datelike, NaiveDate};

const DONATION_KEYS: Keys = &[
    ("donor", &["donor", "from", "捐赠方", "捐赠单位"]),
    ("status", &["status", "状态"]),
    ("fund", &["fund", "funding", "资金", "资金来源"]),
    ("value date", &["value date", "valued", "valued on", "估值日期"]),
];
const LETTER_KEYS: Keys = &[
    ("signed", &["signed", "signed by", "signatories", "署名", "签署"]),
    ("from", &["from", "author", "by", "来信人", "作者"]),
    ("kind", &["kind", "type", "类型"]),
    ("reply to", &["reply to", "in reply to", "replying to", "回复"]),
];
const EVENT_KEYS: Keys = &[("host", &["host", "hosted by", "主办", "主办方"])];
const RECEPTION_KEYS: Keys = &[("countries", &["countries", "country", "国家"])];
const PARTNER_KEYS: Keys = &[
    ("aliases", &["aliases", "alias", "aka", "别名"]),
    ("since", &["since", "始于", "建立"]),
    ("level", &["level", "级别"]),
];

/// Refuses positional fields beyond what a form takes (usually a mistyped option), and an option
/// given twice.
fn no_extra(ctx: &Ctx<'_>, usage: &str, form: &Form, max: usize) -> Result<(), CmdError> {
    if let Some(key) = form.repeated.first() {
        return Err(ctx.bad_field(usage, key, ctx.t("err-option-twice", &[("key", key.to_string())])));
    }
    if let Some(extra) = form.positional.get(max) {
        return Err(ctx.bad_field(
            usage,
            &format!("#{}", max + 1),
            ctx.t("err-extra-field", &[("text", extra.clone())]),
        ));
    }
    Ok(())
}

fn required<'f>(ctx: &Ctx<'_>, usage: &str, form: &'f Form, i: usize, name: &str) -> Result<&'f str, CmdError> {
    form.pos(i).ok_or_else(|| ctx.missing_field(usage, name))
}

/// A record date: a real calendar date, not more than a year ahead.
fn record_date(ctx: &Ctx<'_>, usage: &str, s: &str) -> Result<NaiveDate, CmdError> {
    let d = ctx.date(usage, s)?;
    if d > ctx.today + chrono::Duration::days(366) {
        return Err(ctx.bad_field(usage, "DATE", ctx.t("err-date-future", &[("date", d.to_string())])));
    }
    Ok(d)
}

fn visibility(form: &Form) -> bool {
    form.has_flag("internal") && !form.has_flag("public")
}

fn note(ctx: &Ctx<'_>, usage: &str, form: &Form) -> Result<Option<String>, CmdError> {
    form.opt("note").map(|n| ctx.text(usage, "note", n, MAX_TEXT)).transpose()
}

/// `source: …`: a URL or a document reference, on any record.
fn source(ctx: &Ctx<'_>, usage: &str, form: &Form) -> Result<Option<String>, CmdError> {
    form.opt("source").map(|n| ctx.text(usage, "source", n, MAX_SOURCE)).transpose()
}

/// Longest `source:` (a long URL fits).
pub const MAX_SOURCE: usize = 500;

/// A parsed entry: the record a logging command would save, and the notes its reply carries.
pub type Parsed = (Record, Vec<String>);

/// Saves a new record with its history entry; answers "Saved X-n: echo".
pub(super) fn save(ctx: &mut Ctx<'_>, rec: Record, mut notes: Vec<String>) -> CmdResult {
    let actor = ctx.actor().to_string();
    let f = ctx.f;
    // The same donation sent twice (retyped after a bad connection, pasted again) is saved, since two
    // identical shipments on one day are two, but the answer names the one it repeats.
    if let Record::Donation(d) = &rec
        && let Some(same) = same_donation(ctx, d)?
    {
        notes.push(f.t(
            "saved-same-as",
            &[
                ("id", same.to_string()),
                ("undo", super::spec::in_language("/undo", f.lang).unwrap_or_else(|| "/undo".into())),
            ],
        ));
    }
    ctx.write(|tx| {
        let id = records::insert_record(tx, &rec, &actor)?;
        let (stored, _) = records::get_record(tx, id)?.ok_or_else(|| crate::store::corrupt("record vanished"))?;
        history::record(tx, &actor, id, Action::Create, None, Some(&stored), None, None)?;
        let mut r = Reply::text(f.t("saved", &[("id", id.to_string()), ("echo", f.echo(&stored))]));
        for n in &notes {
            r.note(n.clone());
        }
        Ok(r)
    })
}

/// A live donation on the same day that is the same record as `d` (recipients, items, value as
/// declared, status, donor, note…: what an import calls the same row), the newest.
fn same_donation(ctx: &Ctx<'_>, d: &Donation) -> Result<Option<RecordId>, CmdError> {
    let key = super::import::identity_key(&Record::Donation(d.clone()));
    for id in records::donations_on(ctx.store.conn(), d.date)?.into_iter().rev() {
        let id = RecordId::new(RecordKind::Donation, id);
        if let Some((rec, false)) = records::get_record(ctx.store.conn(), id)?
            && super::import::identity_key(&rec) == key
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Parses `/donation` into the record it would save, without writing.
pub fn parse_donation(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    let form = Form::parse(args, DONATION_KEYS);
    ctx.unseparated("usage-donation", &form)?;
    donation_from(ctx, &form)
}

/// [`parse_donation`] of a form already split into fields (an import builds it from a row's cells).
pub fn donation_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    donation_problems(ctx, form).map_err(first)
}

/// [`donation_from`] with every problem of the form, in the order of its fields (never empty): each
/// field is checked whatever the others are, so an import lists all of a row's problems at once. The
/// first is the one a chat answers. A store error ends the checks (it is no problem of the form).
pub fn donation_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    let u = "usage-donation";
    let (mut problems, date) = dated(ctx, u, form)?;
    let recipients = problems.check(required(ctx, u, form, 1, "RECIPIENT").and_then(|r| parties(ctx, u, r, false)))?;
    let items = problems.check(form.pos(2).map_or(Ok(Vec::new()), |s| ctx.items(u, s)))?;
    let money = problems.check(form.pos(3).map_or(Ok(None), |s| ctx.value(u, s)))?;
    if let (Some(items), Some(None)) = (&items, &money)
        && items.is_empty()
    {
        problems.0.push(ctx.bad_field(u, "ITEMS", ctx.t("err-donation-empty", &[])));
    }
    let value_date = match form.opt("value date") {
        Some(s) => problems.check(ctx.date_of(u, "value date", s))?,
        None => date,
    };
    let status = problems.check(
        form.opt("status").map_or(Ok(Status::Delivered), |s| word(ctx, u, "status", s, Status::parse, Status::choices)),
    )?;
    let donor = problems.check(
        form.opt("donor")
            .map_or_else(|| Ok(ctx.cfg.office.default_donor.clone()), |d| ctx.text(u, "donor", d, MAX_NAME)),
    )?;
    let fund = problems.check(form.opt("fund").map(|f| ctx.text(u, "fund", f, MAX_NAME)).transpose())?;
    // The value is fixed at its value date's rates: only once both are read.
    let mut notes = Vec::new();
    let value = match (money, value_date) {
        (Some(Some(m)), Some(vd)) => problems.check(fix(ctx, u, m, vd, &mut notes).map(Some))?,
        (Some(None), _) => Some(None),
        _ => None,
    };
    let note = problems.check(note(ctx, u, form))?;
    let source = problems.check(source(ctx, u, form))?;
    match (date, recipients, items, value, value_date, status, donor, fund, note, source) {
        (
            Some(date),
            Some(recipients),
            Some(items),
            Some(value),
            Some(value_date),
            Some(status),
            Some(donor),
            Some(fund),
            Some(note),
            Some(source),
        ) if problems.0.is_empty() => {
            let d = Donation {
                id: 0,
                date,
                recipients,
                donor,
                items,
                value,
                value_date,
                status,
                fund,
                internal: visibility(form),
                note,
                source,
            };
            Ok((Record::Donation(d), notes))
        }
        _ => Err(problems.0),
    }
}

/// The start of a dated form's checks (donation, letter, event, reception): a form with nothing is
/// missing its date, one with too many parts is refused whole (no field can be told apart); then the
/// date, whose problem, if any, is the first.
fn dated(ctx: &Ctx<'_>, u: &str, form: &Form) -> Result<(Problems, Option<NaiveDate>), Vec<CmdError>> {
    if form.positional.is_empty() {
        return Err(vec![ctx.missing_field(u, "DATE")]);
    }
    no_extra(ctx, u, form, 4).map_err(|e| vec![e])?;
    let mut problems = Problems::default();
    let date = problems.check(required(ctx, u, form, 0, "DATE").and_then(|d| record_date(ctx, u, d)))?;
    Ok((problems, date))
}

/// A word of one of the records' enumerations (`status: shipped`, a letter's direction), or its
/// field's problem with the words accepted.
fn word<W>(
    ctx: &Ctx<'_>,
    u: &str,
    field: &str,
    text: &str,
    parse: fn(&str) -> Option<W>,
    choices: fn() -> String,
) -> Result<W, CmdError> {
    parse(text).ok_or_else(|| {
        ctx.bad_field(u, field, ctx.t("err-bad-word", &[("input", text.to_string()), ("choices", choices())]))
    })
}

/// The problem a chat answers: the first of the form's.
fn first(mut problems: Vec<CmdError>) -> CmdError {
    problems.swap_remove(0)
}

/// The problems of a form's fields, gathered field by field ([`donation_problems`]).
#[derive(Default)]
struct Problems(Vec<CmdError>);

impl Problems {
    /// A field's value, or `None` with its problem kept; a store error ends the checks.
    fn check<T>(&mut self, r: Result<T, CmdError>) -> Result<Option<T>, Vec<CmdError>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e @ CmdError::Store(_)) => Err(vec![e]),
            Err(e) => {
                self.0.push(e);
                Ok(None)
            }
        }
    }
}

pub fn donation(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_donation(ctx, args)?;
    save(ctx, rec, notes)
}

/// Fixes a value at its value date's rates, or refuses when the currency has no rate or the fixed
/// amount is out of bounds. Notes say when the USD figure is missing or a rate is stale.
pub fn fix(
    ctx: &Ctx<'_>,
    usage: &str,
    m: money::Money,
    value_date: NaiveDate,
    notes: &mut Vec<String>,
) -> Result<FixedValue, CmdError> {
    let v = match rates::fix_value(ctx.store.conn(), m.amount, m.currency, value_date)? {
        Ok(v) => v,
        Err(rates::Unfixable::NoRate) => {
            return Err(ctx.bad_field(
                usage,
                "VALUE",
                ctx.t("err-no-rate", &[("currency", m.currency.to_string()), ("date", value_date.to_string())]),
            ));
        }
        Err(rates::Unfixable::Money(e)) => return Err(ctx.bad_field(usage, "VALUE", ctx.t(e.msg_id(), &e.args()))),
    };
    if v.usd.is_none() {
        notes.push(ctx.t("note-usd-missing", &[("date", value_date.to_string())]));
    }
    let max_age = i64::from(ctx.cfg.rates.stale_after_days);
    let usd = (m.currency != money::Currency::USD).then_some((money::Currency::USD, v.usd_rate_from));
    for (currency, from) in std::iter::once((m.currency, v.rate_from)).chain(usd) {
        if let Some(from) = from
            && (value_date - from).num_days() > max_age
        {
            notes.push(ctx.t(
                "note-rate-stale",
                &[
                    ("currency", currency.to_string()),
                    ("from", from.to_string()),
                    ("date", value_date.to_string()),
                    ("days", (value_date - from).num_days().to_string()),
                ],
            ));
        }
    }
    Ok(v)
}

/// A list of recipients or participants, without duplicates.
pub fn parties(ctx: &Ctx<'_>, usage: &str, s: &str, allow_named: bool) -> Result<Vec<Party>, CmdError> {
    let names = list(s);
    if names.is_empty() {
        return Err(ctx.missing_field(usage, if allow_named { "PARTICIPANT" } else { "RECIPIENT" }));
    }
    if names.len() > 100 {
        return Err(ctx.bad_field(usage, "RECIPIENT", ctx.t("err-too-many", &[("max", "100".into())])));
    }
    let mut out: Vec<Party> = Vec::new();
    for n in names {
        let p = ctx
            .resolve_party(&n, allow_named)
            .map_err(|e| e.about(if allow_named { "PARTICIPANT" } else { "RECIPIENT" }))?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

pub fn partners_only(ctx: &Ctx<'_>, usage: &str, s: &str) -> Result<Vec<Party>, CmdError> {
    let names = list(s);
    if names.is_empty() {
        return Err(ctx.missing_field(usage, "PARTNER"));
    }
    if names.len() > 200 {
        return Err(ctx.bad_field(usage, "PARTNER", ctx.t("err-too-many", &[("max", "200".into())])));
    }
    let mut out: Vec<Party> = Vec::new();
    for n in names {
        let p = ctx.resolve_partner(&n, Mode::Log, "/partner").map_err(|e| e.about("PARTNER"))?;
        let party = Party::Partner { id: p.id, name: p.name, country: p.country };
        if !out.contains(&party) {
            out.push(party);
        }
    }
    Ok(out)
}

/// Parses `/letter` into the record it would save, without writing.
pub fn parse_letter(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    let form = Form::parse(args, LETTER_KEYS);
    ctx.unseparated("usage-letter", &form)?;
    letter_from(ctx, &form)
}

/// [`parse_letter`] of a form already split into fields (an import builds it from a row's cells).
pub fn letter_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    letter_problems(ctx, form).map_err(first)
}

/// [`letter_from`] with every problem of the form (see [`donation_problems`]). What depends on the
/// direction (`signed:` for a sent letter; one partner, `from:` and the quote for a received one) is
/// checked once the direction is read.
pub fn letter_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    let u = "usage-letter";
    let (mut problems, date) = dated(ctx, u, form)?;
    let direction = problems.check(
        required(ctx, u, form, 1, "sent|received")
            .and_then(|d| word(ctx, u, "sent|received", d, Direction::parse, Direction::choices)),
    )?;
    let partners = problems.check(required(ctx, u, form, 2, "PARTNER").and_then(|p| partners_only(ctx, u, p)))?;
    let mut notes = Vec::new();
    let in_reply_to = match form.opt("reply to") {
        Some(s) => problems.check(reply_target(ctx, u, s))?.map(|sent| {
            // A reply from a partner the letter was not sent to is most likely a mistyped number:
            // said, not refused (a reply may come from another body of the same partner's government).
            let to =
                |p: &Party| sent.partners.iter().any(|q| q.partner_id().is_some() && q.partner_id() == p.partner_id());
            if let Some(p) = partners.iter().flatten().find(|p| !to(p)) {
                notes.push(ctx.t(
                    "letter-reply-other-partner",
                    &[
                        ("id", RecordId::new(RecordKind::Letter, sent.id).to_string()),
                        ("sent_to", ctx.parties(&sent.partners)),
                        ("partner", ctx.party(p)),
                        (
                            "name",
                            match p {
                                Party::Partner { name, .. } => name.clone(),
                                other => ctx.party(other),
                            },
                        ),
                    ],
                ));
            }
            Some(sent.id)
        }),
        None => Some(None),
    };
    let kind = problems.check(match form.opt("kind") {
        Some(s) => word(ctx, u, "kind", s, LetterKind::parse, LetterKind::choices).map(Some),
        None => Ok(None),
    })?;
    let parts = match direction {
        Some(Direction::Sent) => problems.check((|| {
            let signed = form.opt("signed").ok_or_else(|| ctx.missing_field(u, "signed:"))?;
            let names: Vec<String> = list(signed);
            for n in &names {
                ctx.text(u, "signed", n, MAX_NAME)?;
            }
            if form.pos(3).is_some() {
                no_extra(ctx, u, form, 3)?;
            }
            Ok((names, None, None))
        })())?,
        Some(Direction::Received) => {
            if partners.as_ref().is_some_and(|p| p.len() > 1) {
                problems.0.push(ctx.bad_field(u, "PARTNER", ctx.t("err-received-one-partner", &[])));
            }
            let author = problems.check(
                form.opt("from")
                    .ok_or_else(|| ctx.missing_field(u, "from:"))
                    .and_then(|a| ctx.text(u, "from", a, MAX_NAME)),
            )?;
            let quote = problems.check(form.pos(3).map(|q| ctx.text(u, "QUOTE", &unquote(q), MAX_TEXT)).transpose())?;
            match (author, quote) {
                (Some(author), Some(quote)) => Some((Vec::new(), Some(author), quote.filter(|q| !q.is_empty()))),
                _ => None,
            }
        }
        None => None,
    };
    let note = problems.check(note(ctx, u, form))?;
    let source = problems.check(source(ctx, u, form))?;
    let (
        Some(date),
        Some(direction),
        Some(partners),
        Some(in_reply_to),
        Some(kind),
        Some((signatories, author, quote)),
        Some(note),
        Some(source),
    ) = (date, direction, partners, in_reply_to, kind, parts, note, source)
    else {
        return Err(problems.0);
    };
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    let kind = kind.unwrap_or(if direction == Direction::Sent { LetterKind::Sympathy } else { LetterKind::Reply });
    let l = Letter {
        id: 0,
        date,
        direction,
        kind,
        partners,
        signatories,
        author,
        quote,
        in_reply_to,
        internal: visibility(form),
        note,
        source,
    };
    Ok((Record::Letter(l), notes))
}

pub fn letter(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_letter(ctx, args)?;
    save(ctx, rec, notes)
}

/// `reply to: L-3` must name a sent letter that exists: that letter.
fn reply_target(ctx: &Ctx<'_>, u: &str, s: &str) -> Result<Letter, CmdError> {
    let s = s.trim();
    let id = RecordId::parse(s)
        .filter(|r| r.kind == RecordKind::Letter)
        .or_else(|| s.parse::<i64>().ok().filter(|n| *n > 0).map(|n| RecordId::new(RecordKind::Letter, n)))
        .ok_or_else(|| ctx.bad_field(u, "reply to", ctx.t("err-bad-letter-id", &[("input", s.to_string())])))?;
    match records::get_record(ctx.store.conn(), id)? {
        Some((Record::Letter(l), false)) if l.direction == Direction::Sent => Ok(l),
        _ => Err(ctx.bad_field(u, "reply to", ctx.t("err-no-sent-letter", &[("id", id.to_string())]))),
    }
}

/// Parses `/event` into the record it would save, without writing.
pub fn parse_event(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    let form = Form::parse(args, EVENT_KEYS);
    ctx.unseparated("usage-event", &form)?;
    event_from(ctx, &form)
}

/// [`parse_event`] of a form already split into fields (an import builds it from a row's cells).
pub fn event_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    event_problems(ctx, form).map_err(first)
}

/// [`event_from`] with every problem of the form (see [`donation_problems`]).
pub fn event_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    let u = "usage-event";
    let (mut problems, date) = dated(ctx, u, form)?;
    let kind = problems.check(
        required(ctx, u, form, 1, "KIND").and_then(|k| word(ctx, u, "KIND", k, EventKind::parse, EventKind::choices)),
    )?;
    let participants =
        problems.check(required(ctx, u, form, 2, "PARTICIPANT").and_then(|p| parties(ctx, u, p, true)))?;
    let topic = problems.check(required(ctx, u, form, 3, "TOPIC").and_then(|t| ctx.text(u, "TOPIC", t, MAX_NAME)))?;
    let host = problems.check(form.opt("host").map(|h| ctx.text(u, "host", h, MAX_NAME)).transpose())?;
    let note = problems.check(note(ctx, u, form))?;
    let source = problems.check(source(ctx, u, form))?;
    let (Some(date), Some(kind), Some(participants), Some(topic), Some(host), Some(note), Some(source)) =
        (date, kind, participants, topic, host, note, source)
    else {
        return Err(problems.0);
    };
    let e = Event { id: 0, date, kind, topic, host, participants, internal: visibility(form), note, source };
    Ok((Record::Event(e), Vec::new()))
}

pub fn event(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_event(ctx, args)?;
    save(ctx, rec, notes)
}

/// Parses `/reception` into the record it would save, without writing.
pub fn parse_reception(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    let form = Form::parse(args, RECEPTION_KEYS);
    ctx.unseparated("usage-reception", &form)?;
    reception_from(ctx, &form)
}

/// [`parse_reception`] of a form already split into fields (an import builds it from a row's cells).
pub fn reception_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    reception_problems(ctx, form).map_err(first)
}

/// [`reception_from`] with every problem of the form (see [`donation_problems`]).
pub fn reception_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    let u = "usage-reception";
    let (mut problems, date) = dated(ctx, u, form)?;
    let place = problems.check(required(ctx, u, form, 1, "PLACE").and_then(|p| ctx.text(u, "PLACE", p, MAX_NAME)))?;
    let count = problems.check(required(ctx, u, form, 2, "COUNT").and_then(|c| {
        let count = ctx.quantity(u, "COUNT", c)?;
        if count > 100_000 {
            return Err(ctx.bad_field(u, "COUNT", ctx.t("err-count-absurd", &[("input", count.to_string())])));
        }
        Ok(count as u32)
    }))?;
    let guests =
        problems.check(required(ctx, u, form, 3, "GUESTS").and_then(|g| ctx.text(u, "GUESTS", g, MAX_TEXT)))?;
    let countries = problems.check(form.opt("countries").map_or(Ok(Vec::new()), |cs| {
        let mut countries = Vec::new();
        for c in list(cs) {
            let code = country::parse(&c).map_err(|e| ctx.bad_field(u, "countries", ctx.t(e.msg_id(), &e.args())))?;
            if !countries.contains(&code) {
                countries.push(code);
            }
        }
        Ok(countries)
    }))?;
    let note = problems.check(note(ctx, u, form))?;
    let source = problems.check(source(ctx, u, form))?;
    let (Some(date), Some(place), Some(count), Some(guests), Some(countries), Some(note), Some(source)) =
        (date, place, count, guests, countries, note, source)
    else {
        return Err(problems.0);
    };
    let r = Reception { id: 0, date, place, count, guests, countries, internal: visibility(form), note, source };
    Ok((Record::Reception(r), Vec::new()))
}

pub fn reception(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_reception(ctx, args)?;
    save(ctx, rec, notes)
}

/// Parses `/partner add` into the record it would save, without writing.
pub fn parse_partner_add(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    partner_add_from(ctx, &Form::parse(args, PARTNER_KEYS))
}

/// [`parse_partner_add`] of a form already split into fields (an import builds it from a row's cells).
pub fn partner_add_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    partner_add_problems(ctx, form).map_err(first)
}

/// [`partner_add_from`] with every problem of the form (see [`donation_problems`]).
pub fn partner_add_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    let u = "usage-partner-add";
    if form.positional.is_empty() {
        return Err(vec![ctx.missing_field(u, "NAME")]);
    }
    no_extra(ctx, u, form, 3).map_err(|e| vec![e])?;
    let mut problems = Problems::default();
    // Kept clean: a name that differs from another only by invisible characters would be a second,
    // identical-looking partner (the check below then names the one it folds to).
    let name = problems.check(required(ctx, u, form, 0, "NAME").and_then(|n| {
        let name = clean_name(&ctx.text(u, "NAME", n, MAX_NAME)?);
        if norm_name(&name).is_empty() {
            return Err(ctx.bad_field(u, "NAME", ctx.t("err-name-empty", &[])));
        }
        Ok(name)
    }))?;
    let country =
        problems
            .check(required(ctx, u, form, 1, "COUNTRY").and_then(|c| {
                country::parse(c).map_err(|e| ctx.bad_field(u, "COUNTRY", ctx.t(e.msg_id(), &e.args())))
            }))?;
    let kind = problems.check(
        required(ctx, u, form, 2, "KIND")
            .and_then(|k| word(ctx, u, "KIND", k, PartnerKind::parse, PartnerKind::choices)),
    )?;
    let aliases: Vec<String> =
        form.opt("aliases").map(list).unwrap_or_default().iter().map(|a| clean_name(a)).collect();
    let aliases = problems
        .check(aliases.iter().try_for_each(|a| ctx.text(u, "aliases", a, MAX_NAME).map(drop)))?
        .map(|()| aliases);
    let since = problems.check(form.opt("since").map_or(Ok(None), |s| {
        let bad = || ctx.bad_field(u, "since", ctx.t("err-bad-year", &[("input", s.to_string())]));
        let y: i32 = s.trim().parse().map_err(|_| bad())?;
        if !(1900..=ctx.today.year()).contains(&y) {
            return Err(bad());
        }
        Ok(Some(y))
    }))?;
    let level = problems.check(
        form.opt("level").map_or(Ok(None), |s| word(ctx, u, "level", s, Level::parse, Level::choices).map(Some)),
    )?;
    // Every name and alias must be new: a name that means two partners would make lookups ambiguous.
    if let (Some(name), Some(aliases)) = (&name, &aliases) {
        for n in std::iter::once(name).chain(aliases.iter()) {
            let taken =
                crate::store::reports::partners_by_norm(ctx.store.conn(), &norm_name(n)).map_err(|e| vec![e.into()])?;
            if let Some(pid) = taken.first() {
                problems.0.push(ctx.invalid("err-partner-exists", &[("name", n.clone()), ("id", format!("P-{pid}"))]));
                break;
            }
        }
    }
    let note = problems.check(note(ctx, u, form))?;
    let source = problems.check(source(ctx, u, form))?;
    let (Some(name), Some(country), Some(kind), Some(aliases), Some(since), Some(level), Some(note), Some(source)) =
        (name, country, kind, aliases, since, level, note, source)
    else {
        return Err(problems.0);
    };
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    let p = Partner { id: 0, name, aliases, kind, country, level, since, note, source };
    Ok((Record::Partner(p), Vec::new()))
}

pub fn partner_add(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_partner_add(ctx, args)?;
    save(ctx, rec, notes)
}

const REPORTED_KEYS: Keys =
    &[("period", &["period", "covering", "covers", "period covered", "期间", "时段", "统计期间"])];

/// Most figures in one report.
const MAX_FIGURES: usize = 12;

/// Parses `/reported DATE | KIND | FIGURE [| FIGURE…] | source: … [| period: …]` into the record it
/// would save, without writing.
pub fn parse_reported(ctx: &Ctx<'_>, args: &str) -> Result<Parsed, CmdError> {
    reported_from(ctx, &Form::parse(args, REPORTED_KEYS))
}

/// [`parse_reported`] of a form already split into fields (an import builds it from a row's cells).
pub fn reported_from(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, CmdError> {
    reported_problems(ctx, form).map_err(first)
}

/// [`reported_from`] with every problem of the form (see [`donation_problems`]): the figures are read
/// once the kind they count is known, the period checked against the date once both are.
pub fn reported_problems(ctx: &Ctx<'_>, form: &Form) -> Result<Parsed, Vec<CmdError>> {
    use crate::domain::reported::{self, ReportedOf};
    let u = "usage-reported";
    if let Some(key) = form.repeated.first() {
        return Err(vec![ctx.bad_field(u, key, ctx.t("err-option-twice", &[("key", key.to_string())]))]);
    }
    if form.positional.is_empty() {
        return Err(vec![ctx.missing_field(u, "DATE")]);
    }
    let mut problems = Problems::default();
    let date = problems.check(required(ctx, u, form, 0, "DATE").and_then(|d| record_date(ctx, u, d)))?;
    let of = problems.check(
        required(ctx, u, form, 1, "KIND").and_then(|k| word(ctx, u, "KIND", k, ReportedOf::parse, ReportedOf::choices)),
    )?;
    let texts: Vec<&str> = form.positional[2..].iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let figures = problems
        .check((|| {
            if texts.is_empty() {
                return Err(ctx.missing_field(u, "FIGURES"));
            }
            if texts.len() > MAX_FIGURES {
                return Err(ctx.bad_field(
                    u,
                    "FIGURES",
                    ctx.t("err-too-many-figures", &[("max", MAX_FIGURES.to_string())]),
                ));
            }
            // Without the kind they count, the figures cannot be read (its problem is listed).
            let Some(of) = of else { return Ok(None) };
            let mut figures = Vec::new();
            for t in &texts {
                let f = reported::parse_figure(t, of).map_err(|e| {
                    ctx.bad_field(
                        u,
                        "FIGURES",
                        ctx.t("err-figure", &[("text", t.to_string()), ("reason", ctx.t(e.msg_id(), &e.args()))]),
                    )
                })?;
                figures.push(f);
            }
            Ok(Some(figures))
        })())?
        .flatten();
    let source = problems.check(source(ctx, u, form).and_then(|s| s.ok_or_else(|| ctx.missing_field(u, "source:"))))?;
    let period = problems.check(match form.opt("period") {
        Some(p) => ctx
            .period(p)
            .map_err(|e| match e {
                CmdError::Invalid(reason) => ctx.bad_field(u, "period", reason),
                other => other,
            })
            .and_then(|period| match date {
                Some(date) if period.from.is_some_and(|f| f > date) => Err(ctx.bad_field(
                    u,
                    "period",
                    ctx.t(
                        "err-reported-period-after",
                        &[("period", ctx.period_text(&period)), ("date", date.to_string())],
                    ),
                )),
                _ => Ok(Some(period)),
            }),
        None => Ok(None),
    })?;
    let note = problems.check(note(ctx, u, form))?;
    let (Some(date), Some(of), Some(figures), Some(source), Some(period), Some(note)) =
        (date, of, figures, source, period, note)
    else {
        return Err(problems.0);
    };
    let (from, to) = period.map_or((None, None), |p| (p.from, p.to.filter(|t| *t < date)));
    let r = Reported { id: 0, date, of, figures, source, from, to, internal: visibility(form), note };
    Ok((Record::Reported(r), Vec::new()))
}

/// The one-line form of a stored report with one part replaced (`which`: date, kind, figures,
/// source, period), for `/edit`: the edited report is parsed like a new one.
pub fn reported_form(r: &Reported, which: &str, value: &str) -> String {
    let period = match (r.from, r.to) {
        (None, None) => String::new(),
        (from, to) => format!(
            "{}..{}",
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_else(|| r.date.to_string())
        ),
    };
    let figures = r.figures.iter().map(|f| f.text.clone()).collect::<Vec<_>>().join(" | ");
    let pick = |name: &str, own: String| if which == name { value.to_string() } else { own };
    let mut form = format!(
        "{} | {} | {} | source: {}",
        pick("date", r.date.to_string()),
        pick("kind", r.of.as_str().to_string()),
        pick("figures", figures),
        pick("source", r.source.clone())
    );
    let period = pick("period", period);
    if !period.trim().is_empty() && period.trim() != "-" {
        form.push_str(&format!(" | period: {period}"));
    }
    form
}

pub fn reported(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (rec, notes) = parse_reported(ctx, args)?;
    save(ctx, rec, notes)
}

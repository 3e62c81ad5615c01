//! `/export csv|xlsx [hxl] [KIND] [PERIOD]`: the records as files, for staff, in a private chat (the
//! files hold internal records too). CSV gives one file per kind of record; XLSX one workbook with a
//! sheet per kind. Column headings and words (statuses, kinds) are in the asker's language; ids, dates
//! and amounts are plain values a spreadsheet can sort and sum: amounts exact (CSV: the decimal as
//! stored; XLSX: numbers with two decimals), dates ISO 8601 (XLSX: real dates). `hxl` adds a second
//! header row of HXL hashtags (the Humanitarian Exchange Language), so the files drop into
//! humanitarian data tools. No text cell can run as a formula: in CSV one that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is prefixed with `'`; XLSX cells are written as text.

use super::{ChatKind, CmdError, CmdResult, Ctx};
use crate::domain::records::{Donation, Event, Letter, Partner, Reception, RecordId, RecordKind, Status};
use crate::domain::reported::Amount;
use crate::domain::{CountryCode, Period, Reported};
use crate::render::format::Fmt;
use crate::render::{Attachment, Reply};
use crate::store::reports::{self, Filter, Scope};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A spreadsheet cell.
#[derive(Clone, Debug)]
enum Cell {
    Text(String),
    Int(i64),
    /// A fixed CNY or USD amount (whole fen or cents): two decimals.
    Money(Decimal),
    /// A declared value, exactly as entered.
    Exact(Decimal),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() { Cell::Empty } else { Cell::Text(s) }
    }

    fn opt(s: &Option<String>) -> Cell {
        s.as_deref().map_or(Cell::Empty, Cell::text)
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => neutralised(s),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) => {
                let mut d = d.round_dp(2);
                d.rescale(2);
                d.to_string()
            }
            Cell::Exact(d) => d.to_string(),
            // ISO 8601, as `%Y-%m-%d` (Display writes the digits directly, without parsing a format).
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A CSV text cell as a spreadsheet must never run it: a cell that begins with a formula sign
/// (`=`, `+`, `-`, `@`) or a tab or carriage return (which some spreadsheets skip before one) gets a
/// leading `'`, which spreadsheets show as text (OWASP's advice against CSV injection).
fn neutralised(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

/// One kind of record as a table.
struct Sheet {
    kind: RecordKind,
    header: Vec<String>,
    /// The HXL hashtags of the columns, when asked for (`hxl`).
    hxl: Option<Vec<&'static str>>,
    rows: Vec<Vec<Cell>>,
}

/// The HXL hashtag of an export column (HXL 1.1 core hashtags and attributes).
fn hxl_tag(column: &str) -> &'static str {
    match column {
        "id" => "#meta+id",
        "date" => "#date",
        "recipients" => "#org+name+receiver",
        "countries" | "country" => "#country+name",
        "donor" => "#org+name+provider",
        "items" => "#item+name",
        "value" => "#value+declared",
        "currency" => "#currency",
        "value-date" => "#date+valued",
        "rate" => "#value+rate+cny",
        "cny" => "#value+c_cny",
        "usd" => "#value+c_usd",
        "status" => "#status",
        "fund" => "#meta+fund",
        "visibility" => "#meta+visibility",
        "note" => "#description",
        "source" => "#meta+source",
        "direction" => "#meta+direction",
        "letter-kind" | "event-kind" => "#activity+type",
        "partners" | "name" => "#org+name",
        "signatories" => "#contact+name+signatory",
        "author" => "#contact+name+author",
        "quote" => "#description+quote",
        "in-reply-to" => "#meta+reply_to",
        "topic" => "#activity+name",
        "host" => "#org+name+host",
        "participants" => "#org+name+participant",
        "place" => "#loc+name",
        "guests" => "#group+name+guests",
        "count" => "#reached+guests",
        "partner-kind" => "#org+type",
        "level" => "#adm_level",
        "aliases" => "#org+name+alias",
        "since" => "#date+year+since",
        "reported-of" => "#sector+reported",
        "period-from" => "#date+start",
        "period-to" => "#date+end",
        "figure" => "#description+figure",
        "qualifier" => "#meta+qualifier",
        "number" => "#value+reported",
        "counted" => "#indicator+name",
        _ => "#meta",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// The kinds of record, in the order of an export of everything.
const KINDS: [RecordKind; 6] = RecordKind::ALL;

pub(super) fn parse_kind(word: &str) -> Option<RecordKind> {
    Some(match word.to_lowercase().as_str() {
        "donations" | "donation" | "捐赠" => RecordKind::Donation,
        "letters" | "letter" | "信函" => RecordKind::Letter,
        "events" | "event" | "活动" => RecordKind::Event,
        "receptions" | "reception" | "接待" => RecordKind::Reception,
        "partners" | "partner" | "伙伴" => RecordKind::Partner,
        "reported" | "figures" | "报道" | "报道数字" => RecordKind::Reported,
        _ => return None,
    })
}

/// What an export was asked for.
struct Ask {
    format: Format,
    hxl: bool,
    kinds: Vec<RecordKind>,
    period: Period,
}

fn parse(ctx: &mut Ctx<'_>, args: &str) -> Result<Ask, CmdError> {
    // The command table checks this for `/export`; `amity export` comes here directly.
    if !ctx.staff() {
        return Err(CmdError::Refused(ctx.t("refuse-staff-only", &[("id", ctx.req.user.bare_id().to_string())])));
    }
    if ctx.req.chat_kind != ChatKind::Private {
        return Err(CmdError::Refused(ctx.t("export-private-only", &[])));
    }
    let usage = ctx.t("export-form", &[]);
    let mut words = args.split_whitespace();
    let format = match words.next().map(str::to_lowercase).as_deref() {
        Some("csv") => Format::Csv,
        Some("xlsx" | "excel") => Format::Xlsx,
        Some(other) => {
            return Err(ctx.invalid("export-bad-format", &[("given", other.to_string()), ("usage", usage)]));
        }
        None => return Err(ctx.invalid("export-no-format", &[("usage", usage)])),
    };
    let mut rest: Vec<&str> = words.collect();
    let hxl = rest.first().is_some_and(|w| w.eq_ignore_ascii_case("hxl"));
    if hxl {
        rest.remove(0);
    }
    let (kinds, period_text) = match rest.first().and_then(|w| parse_kind(w)) {
        Some(k) => (vec![k], rest[1..].join(" ")),
        None => (KINDS.to_vec(), rest.join(" ")),
    };
    let period = if period_text.trim().is_empty() { Period::all() } else { ctx.period(&period_text)? };
    Ok(Ask { format, hxl, kinds, period })
}

/// The reply's heading and its count of each kind.
fn summary(ctx: &Ctx<'_>, period: &Period, counts: &[(RecordKind, u64)]) -> Reply {
    let mut reply = Reply::new();
    reply.heading(ctx.t("export-title", &[("period", ctx.period_text(period))]));
    for (kind, n) in counts {
        reply.item(ctx.t(
            "export-count",
            &[("kind", ctx.t(&format!("export-kind-{}", kind_word(*kind)), &[])), ("count", ctx.f.int(*n as i64))],
        ));
    }
    reply
}

pub fn export(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let ask = parse(ctx, args)?;
    let max = ctx.cfg.reply.max_export_rows;
    let mut sheets = Vec::new();
    for &kind in &ask.kinds {
        let count = count(ctx, kind, &ask.period)?;
        if count as usize > max {
            return Err(too_many(ctx, kind, count, max));
        }
        let mut sheet = Sheet {
            kind,
            header: header(ctx, kind),
            hxl: ask.hxl.then(|| columns(kind).iter().map(|id| hxl_tag(id)).collect()),
            rows: Vec::with_capacity(count as usize),
        };
        each_row(ctx, kind, &ask.period, &mut |row| {
            sheet.rows.push(row);
            true
        })?;
        sheets.push(sheet);
    }
    let stamp = file_stamp(&ask.period, ctx.today);
    let counts: Vec<(RecordKind, u64)> = sheets.iter().map(|s| (s.kind, s.rows.len() as u64)).collect();
    let mut reply = summary(ctx, &ask.period, &counts);
    let filled: Vec<&Sheet> = sheets.iter().filter(|s| !s.rows.is_empty()).collect();
    if filled.is_empty() {
        reply.note(ctx.t("export-nothing", &[]));
        return Ok(reply);
    }
    match ask.format {
        Format::Csv => {
            for s in &filled {
                reply.attachments.push(Attachment {
                    file_name: csv_name(s.kind, &stamp),
                    mime: "text/csv".into(),
                    bytes: to_csv(s).map_err(|e| CmdError::Invalid(ctx.t("export-failed", &[("error", e)])))?,
                });
            }
        }
        Format::Xlsx => {
            let name = if filled.len() == 1 { kind_word(filled[0].kind) } else { "records" };
            let titles: Vec<String> =
                filled.iter().map(|s| ctx.t(&format!("export-kind-{}", kind_word(s.kind)), &[])).collect();
            reply.attachments.push(Attachment {
                file_name: format!("amity-{name}-{stamp}.xlsx"),
                mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
                bytes: to_xlsx(&filled, &titles)
                    .map_err(|e| CmdError::Invalid(ctx.t("export-failed", &[("error", e)])))?,
            });
        }
    }
    reply.note(ctx.t("export-internal-note", &[]));
    Ok(reply)
}

/// `amity export` from a terminal: the same files as [`export`], written into `dir`. CSV files are
/// streamed row by row to the disk, whatever their size (`[reply] max_export_rows` bounds only what
/// a chat is sent); a workbook is built in memory, as in a chat. Returns the reply and the files.
pub fn export_to_dir(
    ctx: &mut Ctx<'_>,
    args: &str,
    dir: &std::path::Path,
) -> Result<(Reply, Vec<std::path::PathBuf>), CmdError> {
    let ask = parse(ctx, args)?;
    if ask.format == Format::Xlsx {
        let reply = export(ctx, args)?;
        return Ok((reply, Vec::new()));
    }
    let stamp = file_stamp(&ask.period, ctx.today);
    let mut counts = Vec::new();
    let mut files = Vec::new();
    let failed = |ctx: &Ctx<'_>, e: String| CmdError::Invalid(ctx.t("export-failed", &[("error", e)]));
    for &kind in &ask.kinds {
        let path = dir.join(csv_name(kind, &stamp));
        let part = path.with_extension("csv.part");
        let file = std::fs::File::create(&part).map_err(|e| failed(ctx, format!("{}: {e}", part.display())))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        std::io::Write::write_all(&mut out, b"\xEF\xBB\xBF").map_err(|e| failed(ctx, e.to_string()))?;
        let mut w = csv::Writer::from_writer(out);
        let mut error = w.write_record(header(ctx, kind)).err();
        if ask.hxl && error.is_none() {
            error = w.write_record(columns(kind).iter().map(|id| hxl_tag(id))).err();
        }
        let mut n = 0u64;
        let mut line = Vec::new();
        let store: &crate::store::Store = ctx.store;
        store.with_large_cache(|_| {
            each_row(ctx, kind, &ask.period, &mut |row| {
                line.clear();
                line.extend(row.iter().map(Cell::csv));
                match w.write_record(&line) {
                    Ok(()) => {
                        n += 1;
                        true
                    }
                    Err(e) => {
                        error = Some(e);
                        false
                    }
                }
            })
        })??;
        let flushed = match error {
            Some(e) => Err(e.to_string()),
            None => w.into_inner().map_err(|e| e.to_string()).and_then(|b| {
                b.into_inner().map_err(|e| e.to_string()).and_then(|f| f.sync_all().map_err(|e| e.to_string()))
            }),
        };
        if let Err(e) = flushed {
            let _ = std::fs::remove_file(&part);
            return Err(failed(ctx, e));
        }
        counts.push((kind, n));
        if n == 0 {
            let _ = std::fs::remove_file(&part);
            continue;
        }
        // A file of that name already there is kept: the new one gets `-1`, `-2` … (as in a chat).
        let path = (0..)
            .map(|n| if n == 0 { path.clone() } else { dir.join(format!("amity-{}-{stamp}-{n}.csv", kind_word(kind))) })
            .find(|p| !p.exists())
            .unwrap_or(path);
        std::fs::rename(&part, &path).map_err(|e| failed(ctx, format!("{}: {e}", path.display())))?;
        files.push(path);
    }
    let mut reply = summary(ctx, &ask.period, &counts);
    reply.note(ctx.t(if files.is_empty() { "export-nothing" } else { "export-internal-note" }, &[]));
    Ok((reply, files))
}

fn csv_name(kind: RecordKind, stamp: &str) -> String {
    format!("amity-{}-{stamp}.csv", kind_word(kind))
}

fn too_many(ctx: &Ctx<'_>, kind: RecordKind, count: i64, max: usize) -> CmdError {
    ctx.invalid(
        "export-too-many",
        &[
            ("count", ctx.f.int(count)),
            ("kind", ctx.t(&format!("export-noun-{}", kind_word(kind)), &[])),
            ("max", ctx.f.int(max as i64)),
        ],
    )
}

/// The plural word of a kind in file names and catalogue ids (`donations`).
pub(super) fn kind_word(k: RecordKind) -> &'static str {
    match k {
        RecordKind::Donation => "donations",
        RecordKind::Letter => "letters",
        RecordKind::Event => "events",
        RecordKind::Reception => "receptions",
        RecordKind::Partner => "partners",
        RecordKind::Reported => "reported",
    }
}

/// `2020`, `2020-03-01_2020-03-31`, `all`, and the day of the export: names that sort and say what
/// they hold.
fn file_stamp(p: &Period, today: NaiveDate) -> String {
    let range = match (p.from, p.to) {
        (None, None) => "all".to_string(),
        (from, to) => format!(
            "{}_{}",
            from.map_or("start".into(), |d| d.format("%Y-%m-%d").to_string()),
            to.map_or("now".into(), |d| d.format("%Y-%m-%d").to_string())
        ),
    };
    format!("{range}-{}", today.format("%Y%m%d"))
}

/// A kind's export columns, by catalogue id (`export-col-…`).
fn columns(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Donation => &[
            "id",
            "date",
            "recipients",
            "countries",
            "donor",
            "items",
            "value",
            "currency",
            "value-date",
            "rate",
            "cny",
            "usd",
            "status",
            "fund",
            "visibility",
            "note",
            "source",
        ],
        RecordKind::Letter => &[
            "id",
            "date",
            "direction",
            "letter-kind",
            "partners",
            "countries",
            "signatories",
            "author",
            "quote",
            "in-reply-to",
            "visibility",
            "note",
            "source",
        ],
        RecordKind::Event => {
            &["id", "date", "event-kind", "topic", "host", "participants", "countries", "visibility", "note", "source"]
        }
        RecordKind::Reception => {
            &["id", "date", "place", "guests", "count", "countries", "visibility", "note", "source"]
        }
        RecordKind::Partner => {
            &["id", "name", "partner-kind", "country", "level", "aliases", "since", "note", "source"]
        }
        // One row per figure, so a data tool reads each number on its own; the report's id repeats.
        RecordKind::Reported => &[
            "id",
            "date",
            "reported-of",
            "period-from",
            "period-to",
            "figure",
            "qualifier",
            "number",
            "currency",
            "usd",
            "counted",
            "source",
            "visibility",
            "note",
        ],
    }
}

fn header(ctx: &Ctx<'_>, kind: RecordKind) -> Vec<String> {
    columns(kind).iter().map(|id| ctx.t(&format!("export-col-{id}"), &[])).collect()
}

/// How many records of one kind the period holds (every record: the asker is staff).
fn count(ctx: &Ctx<'_>, kind: RecordKind, period: &Period) -> Result<i64, CmdError> {
    let scope = Scope::with_period(true, period, Filter::All);
    let conn = ctx.store.conn();
    Ok(match kind {
        RecordKind::Partner => reports::partners(conn, true, None, None, 1, 0)?.0,
        RecordKind::Reported => reports::reported(conn, true, None, period, 1, 0)?.0,
        dated => reports::count_of(conn, dated, &scope)?,
    })
}

/// Donations read from the store at a time.
const BATCH: usize = 512;

/// Each row of one kind's table in the period, oldest first (partners as the partner list orders
/// them), to `f`, which returns false to stop. Records are read as they are written out: memory does
/// not grow with the ledger.
fn each_row(
    ctx: &Ctx<'_>,
    kind: RecordKind,
    period: &Period,
    f: &mut (dyn FnMut(Vec<Cell>) -> bool + Send),
) -> Result<(), CmdError> {
    let scope = Scope::with_period(true, period, Filter::All);
    let conn = ctx.store.conn();
    // A stop asked by `f` travels out of the store's loop as this error, and is no error.
    let stop = || crate::store::StoreError::Corrupt("stopped".into());
    let mut stopped = false;
    let mut emit = |row: Vec<Cell>| -> crate::store::Result<()> {
        if f(row) {
            Ok(())
        } else {
            stopped = true;
            Err(stop())
        }
    };
    let run = match kind {
        RecordKind::Donation => {
            let words = DonationWords::new(ctx.f);
            reports::each_donation(conn, &scope, BATCH, &mut |batch| {
                batch.iter().try_for_each(|d| emit(donation_row(&words, d)))
            })
        }
        RecordKind::Letter => reports::each_in_order(conn, kind, &scope, crate::store::records::get_letter, &mut |l| {
            emit(letter_row(ctx, &l))
        }),
        RecordKind::Event => reports::each_in_order(conn, kind, &scope, crate::store::records::get_event, &mut |e| {
            emit(event_row(ctx, &e))
        }),
        RecordKind::Reception => {
            reports::each_in_order(conn, kind, &scope, crate::store::records::get_reception, &mut |r| {
                emit(reception_row(ctx, &r))
            })
        }
        // Small tables, read whole in one call each (no limit: SQLite's LIMIT takes an i64).
        RecordKind::Partner => {
            let (_, list) = reports::partners(conn, true, None, None, i64::MAX as usize, 0)?;
            list.iter().try_for_each(|p| emit(partner_row(ctx, &p.partner)))
        }
        RecordKind::Reported => {
            let (_, list) = reports::reported(conn, true, None, period, i64::MAX as usize, 0)?;
            list.iter().flat_map(|r| reported_rows(ctx, r)).try_for_each(&mut emit)
        }
    };
    match run {
        Err(_) if stopped => Ok(()),
        r => Ok(r?),
    }
}

fn id_cell(kind: RecordKind, id: i64) -> Cell {
    Cell::Text(RecordId::new(kind, id).to_string())
}

fn countries_cell(f: &Fmt, codes: impl IntoIterator<Item = CountryCode>) -> Cell {
    let mut list: Vec<CountryCode> = Vec::new();
    for c in codes {
        if !list.contains(&c) {
            list.push(c);
        }
    }
    Cell::text(list.iter().map(|c| f.country_name(*c)).collect::<Vec<_>>().join(f.sep()))
}

fn visibility(ctx: &Ctx<'_>, internal: bool) -> Cell {
    Cell::text(ctx.t(if internal { "export-internal" } else { "export-public" }, &[]))
}

/// What a donation's row needs of the asker's language, looked up once per export, not per row; it
/// goes with the rows to the thread that formats them ([`reports::each_donation`]).
struct DonationWords {
    f: Fmt,
    /// By [`Status`] (pledged, shipped, delivered).
    status: [String; 3],
    public: String,
    internal: String,
}

impl DonationWords {
    fn new(f: Fmt) -> DonationWords {
        let status = [Status::Pledged, Status::Shipped, Status::Delivered].map(|s| f.word("status", s.as_str()));
        DonationWords { f, status, public: f.t("export-public", &[]), internal: f.t("export-internal", &[]) }
    }
}

fn donation_row(w: &DonationWords, d: &Donation) -> Vec<Cell> {
    let v = d.value.as_ref();
    let status = match d.status {
        Status::Pledged => &w.status[0],
        Status::Shipped => &w.status[1],
        Status::Delivered => &w.status[2],
    };
    vec![
        id_cell(RecordKind::Donation, d.id),
        Cell::Date(d.date),
        Cell::text(w.f.parties(&d.recipients)),
        countries_cell(&w.f, d.recipients.iter().filter_map(|p| p.country())),
        Cell::text(d.donor.clone()),
        Cell::text(w.f.items_text(&d.items)),
        v.map_or(Cell::Empty, |v| Cell::Exact(v.amount)),
        v.map_or(Cell::Empty, |v| Cell::text(v.currency.to_string())),
        Cell::Date(v.map_or(d.value_date, |v| v.value_date)),
        v.map_or(Cell::Empty, |v| Cell::text(v.rate.normalize().to_string())),
        v.map_or(Cell::Empty, |v| Cell::Money(v.cny)),
        v.and_then(|v| v.usd).map_or(Cell::Empty, Cell::Money),
        Cell::text(status.clone()),
        Cell::opt(&d.fund),
        Cell::text(if d.internal { w.internal.clone() } else { w.public.clone() }),
        Cell::opt(&d.note),
        Cell::opt(&d.source),
    ]
}

fn letter_row(ctx: &Ctx<'_>, l: &Letter) -> Vec<Cell> {
    vec![
        id_cell(RecordKind::Letter, l.id),
        Cell::Date(l.date),
        Cell::text(ctx.f.word("direction", l.direction.as_str())),
        Cell::text(ctx.f.word("letter-kind", l.kind.as_str())),
        Cell::text(ctx.f.parties(&l.partners)),
        countries_cell(&ctx.f, l.partners.iter().filter_map(|p| p.country())),
        Cell::text(l.signatories.join("; ")),
        Cell::opt(&l.author),
        Cell::opt(&l.quote),
        l.in_reply_to.map_or(Cell::Empty, |id| id_cell(RecordKind::Letter, id)),
        visibility(ctx, l.internal),
        Cell::opt(&l.note),
        Cell::opt(&l.source),
    ]
}

fn event_row(ctx: &Ctx<'_>, e: &Event) -> Vec<Cell> {
    vec![
        id_cell(RecordKind::Event, e.id),
        Cell::Date(e.date),
        Cell::text(ctx.f.word("event-kind", e.kind.as_str())),
        Cell::text(e.topic.clone()),
        Cell::opt(&e.host),
        Cell::text(ctx.f.parties(&e.participants)),
        countries_cell(&ctx.f, e.participants.iter().filter_map(|p| p.country())),
        visibility(ctx, e.internal),
        Cell::opt(&e.note),
        Cell::opt(&e.source),
    ]
}

fn reception_row(ctx: &Ctx<'_>, r: &Reception) -> Vec<Cell> {
    vec![
        id_cell(RecordKind::Reception, r.id),
        Cell::Date(r.date),
        Cell::text(r.place.clone()),
        Cell::text(r.guests.clone()),
        Cell::Int(i64::from(r.count)),
        countries_cell(&ctx.f, r.countries.iter().copied()),
        visibility(ctx, r.internal),
        Cell::opt(&r.note),
        Cell::opt(&r.source),
    ]
}

fn partner_row(ctx: &Ctx<'_>, p: &Partner) -> Vec<Cell> {
    vec![
        id_cell(RecordKind::Partner, p.id),
        Cell::text(p.name.clone()),
        Cell::text(ctx.f.word("partner-kind", p.kind.as_str())),
        countries_cell(&ctx.f, [p.country]),
        p.level.map_or(Cell::Empty, |l| Cell::text(ctx.f.word("level", l.as_str()))),
        Cell::text(p.aliases.join("; ")),
        p.since.map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
        Cell::opt(&p.note),
        Cell::opt(&p.source),
    ]
}

fn reported_rows(ctx: &Ctx<'_>, r: &Reported) -> Vec<Vec<Cell>> {
    r.figures
        .iter()
        .map(|f| {
            let (number, currency, usd, counted) = match &f.amount {
                Amount::Money { amount, currency, usd } => (
                    Cell::Exact(*amount),
                    Cell::text(currency.to_string()),
                    usd.map_or(Cell::Empty, Cell::Exact),
                    Cell::Empty,
                ),
                Amount::Count { count, label, .. } => {
                    (Cell::Int(*count as i64), Cell::Empty, Cell::Empty, Cell::text(label.clone()))
                }
            };
            let period = r.period();
            vec![
                id_cell(RecordKind::Reported, r.id),
                Cell::Date(r.date),
                Cell::text(ctx.f.word("reported-of", r.of.as_str())),
                period.from.map_or(Cell::Empty, Cell::Date),
                period.to.map_or(Cell::Empty, Cell::Date),
                Cell::text(f.text.clone()),
                Cell::text(ctx.f.word("qualifier", qualifier_word(f.qualifier))),
                number,
                currency,
                usd,
                counted,
                Cell::text(r.source.clone()),
                visibility(ctx, r.internal),
                Cell::opt(&r.note),
            ]
        })
        .collect()
}

fn qualifier_word(q: crate::domain::reported::Qualifier) -> &'static str {
    use crate::domain::reported::Qualifier;
    match q {
        Qualifier::Exact => "exact",
        Qualifier::Nearly => "nearly",
        Qualifier::About => "about",
        Qualifier::MoreThan => "more-than",
        Qualifier::AtLeast => "at-least",
    }
}

/// CSV with a byte-order mark, so that Excel opens the UTF-8 (Chinese names) correctly.
fn to_csv(s: &Sheet) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&s.header).map_err(|e| e.to_string())?;
    if let Some(tags) = &s.hxl {
        w.write_record(tags).map_err(|e| e.to_string())?;
    }
    for row in &s.rows {
        w.write_record(row.iter().map(Cell::csv)).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

fn to_xlsx(sheets: &[&Sheet], titles: &[String]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let bold = XFormat::new().set_bold();
    let money = XFormat::new().set_num_format("#,##0.00");
    let date = XFormat::new().set_num_format("yyyy-mm-dd");
    for (s, title) in sheets.iter().zip(titles) {
        let ws = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\.
        let name: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        ws.set_name(name).map_err(err)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
        }
        let heads: u32 = if s.hxl.is_some() { 2 } else { 1 };
        for (c, tag) in s.hxl.iter().flatten().enumerate() {
            ws.write_string(1, c as u16, *tag).map_err(err)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + heads;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c, t).map_err(err)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, c, *n as f64).map_err(err)?;
                    }
                    Cell::Money(d) | Cell::Exact(d) => {
                        // A spreadsheet number is binary floating point: amounts of whole fen stay exact
                        // to fifteen digits, far beyond any ledger.
                        let v: f64 = d.to_string().parse().map_err(|_| format!("amount {d}"))?;
                        ws.write_number_with_format(r, c, v, &money).map_err(err)?;
                    }
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let x =
                            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(err)?;
                        ws.write_datetime_with_format(r, c, &x, &date).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        // The heading rows stay in view; text cells are strings (write_string), never formulas.
        ws.set_freeze_panes(heads, 0).map_err(err)?;
        // Columns fit their text, but no wider than about 60 characters (pixels).
        ws.set_autofit_max_width(420);
        ws.autofit();
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_keeps_amounts_exact() {
        let s = Sheet {
            kind: RecordKind::Donation,
            header: vec!["ID".into(), "Note".into(), "CNY".into()],
            hxl: None,
            rows: vec![vec![
                Cell::text("D-1"),
                Cell::text("masks, \"N95\"\nsecond line"),
                Cell::Money("3500000.10".parse().unwrap()),
            ]],
        };
        let bytes = to_csv(&s).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "ID,Note,CNY\nD-1,\"masks, \"\"N95\"\"\nsecond line\",3500000.10\n");
    }

    #[test]
    fn a_csv_text_cell_never_starts_a_formula() {
        for bad in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(neutralised(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralised("Mantova"), "Mantova");
        assert_eq!(neutralised("#date"), "#date");
    }

    #[test]
    fn file_names_say_the_period_and_the_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(file_stamp(&Period::all(), today), "all-20261129");
        let p = Period { from: NaiveDate::from_ymd_opt(2020, 1, 1), to: NaiveDate::from_ymd_opt(2020, 12, 31) };
        assert_eq!(file_stamp(&p, today), "2020-01-01_2020-12-31-20261129");
    }
}

//! `amity import FILE.csv|FILE.xlsx`: the office's spreadsheets into the ledger, all rows or none.
//!
//! Each row is made into the one-line form of its kind (a cell a field: `date` the form's DATE,
//! `donor` its `donor:` option) and parsed by the very functions `/donation`, `/letter` … use, so the
//! two ways in can never disagree and a row's problem reads like the chat's ("row 14, 金额: …").
//! Every row is read and checked inside one write transaction (a partner created on row 3 is a
//! recipient on row 9); any problem, or a dry run, rolls it all back. A row already imported (its
//! record's key is in `imported_rows`, migration 0014) or already in the ledger under the id an
//! export gave it is skipped, so the same or an overlapping file never writes twice. Each record's
//! history says the file and row it came from.

mod columns;
pub mod table;
pub mod upload;

use super::fields::{Form, list};
use super::{CmdError, Ctx, logging};
use crate::domain::records::{Record, RecordId, RecordKind};
use crate::domain::*;
use crate::render::Reply;
use crate::store::history::{self, Action};
use crate::store::{records, reports};
use columns::{Col, Slot};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
pub use table::{Progress, Source};

/// What `amity import` was asked.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The kind of every table read (else from the sheet's or file's name, or the headings).
    pub kind: Option<RecordKind>,
    /// Only this sheet of a workbook.
    pub sheet: Option<String>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Create the recipients and partners not in the ledger (with the country the row gives).
    pub create_partners: bool,
    /// The file came in a chat (see [`upload`]): the report's hints name buttons, not flags, and it
    /// lists fewer problems.
    pub chat: bool,
    /// The upload this import settles, in its own transaction (see [`upload`]).
    pub upload: Option<i64>,
}

/// A kind of record as `--kind` names it (English or Chinese, singular or plural).
pub fn parse_kind(word: &str) -> Option<RecordKind> {
    super::export::parse_kind(word)
}

/// Problems kept to list; more are counted.
const MAX_LISTED: usize = 1000;

/// Problems a chat's report lists (a phone's screen; the rest are counted).
const MAX_LISTED_CHAT: usize = 25;

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 2000;

/// One problem of one row.
#[derive(Clone, Debug)]
pub struct Problem {
    pub table: String,
    pub row: u64,
    pub text: String,
}

/// What an import did (or, in a dry run or when a row had a problem, would have done).
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub written: Vec<(RecordKind, u64)>,
    pub skipped: u64,
    pub partners_created: Vec<String>,
    pub problems: Vec<Problem>,
    pub problem_count: u64,
    /// Tables not read, and why (a sheet that holds no records).
    pub passed_over: Vec<String>,
    /// Headings of columns no kind has, per table.
    pub ignored_columns: Vec<(String, Vec<String>)>,
    pub committed: bool,
    pub unknown_party: bool,
}

impl Summary {
    fn count(&mut self, kind: RecordKind) {
        match self.written.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.written.push((kind, 1)),
        }
    }

    fn problem(&mut self, table: &str, row: u64, text: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(Problem { table: table.to_string(), row, text });
        }
    }
}

/// Imports a file: checks every row, then writes all of them or none. The reply says what was read,
/// written and skipped, or lists each problem with its row and column.
pub fn import(
    ctx: &mut Ctx<'_>,
    source: Source<'_>,
    file_name: &str,
    opts: &Options,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<(Reply, Summary), CmdError> {
    if !ctx.staff() {
        return Err(CmdError::Refused(ctx.t("import-staff-only", &[])));
    }
    let mut tables = table::open(source, file_name)
        .map_err(|e| ctx.invalid("import-unreadable", &[("file", file_name.to_string()), ("reason", e)]))?;
    if let Some(sheet) = &opts.sheet {
        let want = columns::norm(sheet);
        let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        tables.retain(|t| columns::norm(&t.name) == want);
        if tables.is_empty() {
            return Err(ctx.invalid(
                "import-no-sheet",
                &[("sheet", sheet.clone()), ("sheets", names.join(", ")), ("file", file_name.to_string())],
            ));
        }
    }
    let mut summary = Summary::default();
    // Each table with its kind and heading row; partners first, so that the records after them find
    // the partners the same file adds.
    let mut work = Vec::new();
    let workbook = tables.len() > 1;
    for mut t in tables {
        let Some((header_row, header)) = first_row(&mut t)
            .map_err(|e| ctx.invalid("import-unreadable", &[("file", file_name.to_string()), ("reason", e)]))?
        else {
            summary.passed_over.push(ctx.t("import-empty-table", &[("table", t.name.clone())]));
            continue;
        };
        let named = if workbook { columns::kind_of_sheet(&t.name) } else { columns::kind_of_file(file_name) };
        let kind = opts.kind.or(named).or_else(|| columns::kind_of_header(&header));
        let Some(kind) = kind else {
            if workbook {
                summary.passed_over.push(ctx.t("import-not-records", &[("table", t.name.clone())]));
                continue;
            }
            return Err(ctx.invalid("import-what-kind", &[("file", file_name.to_string())]));
        };
        work.push((kind, t, header_row, header));
    }
    if work.is_empty() {
        return Err(ctx.invalid("import-nothing", &[("file", file_name.to_string())]));
    }
    work.sort_by_key(|(k, ..)| order(*k));

    ctx.store.begin_bulk()?;
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<(), CmdError> {
        let conn = ctx.store.conn();
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen (key BLOB PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.import_seen;",
        )?;
        let mut ids: HashMap<String, i64> = HashMap::new();
        for (kind, t, header_row, header) in work.iter_mut() {
            let mut job = Job::new(ctx, *kind, &t.name, header, file_name, opts);
            if !job.missing.is_empty() {
                let need = job.missing.join(", ");
                summary.problem(&t.name, *header_row, ctx.t("import-missing-columns", &[("columns", need)]));
                continue;
            }
            if !job.ignored.is_empty() {
                summary.ignored_columns.push((t.name.clone(), job.ignored.clone()));
            }
            job.rows(ctx, t, &mut ids, &mut summary, progress)?;
            job.add_sums(ctx, &mut summary)?;
        }
        Ok(())
    }));
    let mut commit = matches!(run, Ok(Ok(()))) && summary.problem_count == 0 && !opts.dry_run;
    summary.committed = commit;
    let reply = report(ctx, file_name, opts, &summary);
    let mut settled = Ok(());
    if commit && let Some(id) = opts.upload {
        // The upload is settled by the transaction that writes its rows, with the press that
        // confirmed it: a second press finds it imported, a redelivered one its stored answer.
        settled = settle_upload(ctx, id, &reply);
        commit = settled.is_ok();
    }
    let ended = ctx.store.end_bulk(commit);
    match run {
        Err(panic) => std::panic::resume_unwind(panic),
        Ok(Err(e)) => return Err(e),
        Ok(Ok(())) => ended?,
    }
    settled?;
    Ok((reply, summary))
}

/// Marks upload `id` imported with the import's answer, and records the confirming update's key.
/// Refused (and the import rolled back) when an earlier press settled it first.
fn settle_upload(ctx: &Ctx<'_>, id: i64, reply: &Reply) -> Result<(), CmdError> {
    use crate::store::uploads;
    let text = reply.plain();
    let conn = ctx.store.conn();
    if !uploads::settle(conn, id, uploads::State::Imported, Some(&text))? {
        return Err(CmdError::Invalid(ctx.t("upload-already-settled", &[])));
    }
    if let Some(key) = ctx.req.update_key() {
        crate::store::record_processed(conn, &key, &text)?;
    }
    Ok(())
}

/// The order tables are imported in: partners before the records that name them, sent letters
/// before the replies that link to them (within one table, by row).
fn order(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Partner => 0,
        RecordKind::Donation => 1,
        RecordKind::Letter => 2,
        RecordKind::Event => 3,
        RecordKind::Reception => 4,
        RecordKind::Reported => 5,
    }
}

/// The heading row: the first row with a cell.
fn first_row(t: &mut table::Table<'_>) -> Result<Option<(u64, Vec<String>)>, String> {
    while let Some(r) = t.next_row() {
        let (n, cells) = r?;
        if cells.iter().any(|c| !c.is_empty()) {
            return Ok(Some((n, cells.iter().map(table::Cell::text).collect())));
        }
    }
    Ok(None)
}

/// A row of HXL hashtags under the headings (`/export … hxl`): not a record.
fn is_hxl_row(cells: &[table::Cell]) -> bool {
    let texts: Vec<String> = cells.iter().map(table::Cell::text).filter(|s| !s.trim().is_empty()).collect();
    !texts.is_empty() && texts.iter().all(|s| s.trim_start().starts_with('#'))
}

/// Reading one table of one kind.
struct Job<'j> {
    kind: RecordKind,
    table: String,
    file: String,
    cols: &'static [Col],
    /// For each cell of a row, the column of the kind it is.
    map: Vec<Option<usize>>,
    /// The file's heading of each of the kind's columns it has.
    heading: Vec<Option<String>>,
    missing: Vec<String>,
    ignored: Vec<String>,
    /// Per column with words (a status, a kind): each word in either language, as compared, to its
    /// canonical code.
    words: Vec<Option<HashMap<String, &'static str>>>,
    opts: &'j Options,
    /// The report being put together from consecutive rows of one id (reported figures).
    pending: Option<PendingReport>,
    /// The first and last donation this table wrote without its share of the running sums: they are
    /// added for all of them at once when the table is done ([`Job::add_sums`]).
    unsummed: Option<(i64, i64)>,
}

/// Donations whose running sums are added together at most: SQLite sorts a range's rows to add them
/// up, in memory, so a chunk keeps an import's memory flat however long its file (at 1,000,000 rows in
/// one range, the peak anonymous memory grew by half).
const SUMS_CHUNK: i64 = 5_000;

struct PendingReport {
    id_text: String,
    row: u64,
    form: Form,
    columns: Vec<(usize, String)>,
}

impl<'j> Job<'j> {
    fn new(ctx: &Ctx<'_>, kind: RecordKind, table: &str, header: &[String], file: &str, opts: &'j Options) -> Job<'j> {
        let cols = columns::of(kind);
        let map = columns::map_header(kind, header);
        let mut heading = vec![None; cols.len()];
        let mut ignored = Vec::new();
        for (h, m) in header.iter().zip(&map) {
            match m {
                Some(i) => heading[*i] = Some(h.trim().to_string()),
                None if !h.trim().is_empty() => ignored.push(h.trim().to_string()),
                None => {}
            }
        }
        let missing = columns::required(kind)
            .iter()
            .filter(|id| cols.iter().position(|c| c.id == **id).is_some_and(|i| heading[i].is_none()))
            .map(|id| ctx.t(&format!("export-col-{id}"), &[]))
            .collect();
        Job {
            kind,
            table: table.to_string(),
            file: file.to_string(),
            cols,
            map,
            heading,
            missing,
            ignored,
            words: cols.iter().map(|c| c.words_of.map(|p| columns::lexicon(p, &word_codes(p)))).collect(),
            opts,
            pending: None,
            unsummed: None,
        }
    }

    /// The heading a problem names: the file's own, else the export's in the asker's language.
    fn column_name(&self, ctx: &Ctx<'_>, i: usize) -> String {
        self.heading[i].clone().unwrap_or_else(|| ctx.t(&format!("export-col-{}", self.cols[i].id), &[]))
    }

    fn col_index(&self, id: &str) -> Option<usize> {
        self.cols.iter().position(|c| c.id == id)
    }

    fn rows(
        &mut self,
        ctx: &mut Ctx<'_>,
        t: &mut table::Table<'_>,
        ids: &mut HashMap<String, i64>,
        summary: &mut Summary,
        progress: &mut dyn FnMut(&str, Progress),
    ) -> Result<(), CmdError> {
        let mut first = true;
        while let Some(next) = t.next_row() {
            let (row, cells) = match next {
                Ok(r) => r,
                Err(e) => {
                    summary.problem(&self.table, t.row + 1, e);
                    break;
                }
            };
            if row % PROGRESS_EVERY == 0 {
                progress(&self.table, t.progress());
            }
            if cells.iter().all(table::Cell::is_empty) {
                continue;
            }
            if first && is_hxl_row(&cells) {
                first = false;
                continue;
            }
            first = false;
            summary.rows += 1;
            let (form, id_text, used) = match self.form(ctx, &cells, ids, summary, row) {
                Ok(f) => f,
                Err(text) => {
                    summary.problem(&self.table, row, text);
                    continue;
                }
            };
            if self.kind == RecordKind::Reported {
                // Consecutive rows of one report (one figure each) make one record.
                if let Some(p) = &mut self.pending
                    && !id_text.is_empty()
                    && p.id_text == id_text
                {
                    p.form.positional.extend(form.positional.into_iter().skip(2));
                    continue;
                }
                if let Some(p) = self.pending.take() {
                    self.record(ctx, p.row, p.form, &p.id_text, &p.columns, ids, summary)?;
                }
                self.pending = Some(PendingReport { id_text, row, form, columns: used });
                continue;
            }
            self.record(ctx, row, form, &id_text, &used, ids, summary)?;
        }
        if let Some(p) = self.pending.take() {
            self.record(ctx, p.row, p.form, &p.id_text, &p.columns, ids, summary)?;
        }
        progress(&self.table, t.progress());
        Ok(())
    }

    /// A row as the one-line form of its kind; the id an export gave it; which column filled which
    /// field. `Err`: the row's problem.
    #[allow(clippy::type_complexity)]
    fn form(
        &self,
        ctx: &Ctx<'_>,
        cells: &[table::Cell],
        ids: &HashMap<String, i64>,
        summary: &mut Summary,
        row: u64,
    ) -> Result<(Form, String, Vec<(usize, String)>), String> {
        let mut form = Form::default();
        let mut id_text = String::new();
        let mut currency = String::new();
        let mut countries = String::new();
        let (mut from, mut to) = (String::new(), String::new());
        let mut value_col = None;
        let mut used = Vec::new();
        let set_pos = |form: &mut Form, i: usize, v: String| {
            if form.positional.len() <= i {
                form.positional.resize(i + 1, String::new());
            }
            form.positional[i] = v;
        };
        for (cell, m) in cells.iter().zip(&self.map) {
            let Some(ci) = *m else { continue };
            let col = &self.cols[ci];
            let mut text = if col.date { cell.date_text() } else { cell.text() };
            if text.trim().is_empty() {
                continue;
            }
            if let Some(words) = &self.words[ci]
                && let Some(code) = words.get(&columns::norm(&text))
            {
                text = code.to_string();
            }
            used.push((ci, text.clone()));
            match col.slot {
                Slot::Id => id_text = text.trim().to_string(),
                Slot::Pos(i) => {
                    if col.id == "value" {
                        value_col = Some(i);
                    }
                    set_pos(&mut form, i, text);
                }
                Slot::Opt(key) => form.options.push((key, text)),
                Slot::Visibility => match visibility(&text) {
                    Some(true) => form.flags.push("internal"),
                    Some(false) => {}
                    None => {
                        return Err(ctx.t(
                            "import-problem",
                            &[
                                ("row", row.to_string()),
                                ("column", self.column_name(ctx, ci)),
                                ("reason", ctx.t("import-bad-visibility", &[("input", text)])),
                            ],
                        ));
                    }
                },
                Slot::Currency => currency = text,
                Slot::Countries => countries = text,
                Slot::PeriodFrom => from = text,
                Slot::PeriodTo => to = text,
                Slot::Derived => {}
            }
        }
        // A value and its currency in two columns: "90000" and "EUR" are "90000 EUR", "4.5万" and "元"
        // are "4.5万元". A value that names its own currency keeps it.
        if let Some(i) = value_col
            && !currency.trim().is_empty()
            && money::parse_value(&form.positional[i]).is_err()
        {
            let (v, c) = (form.positional[i].trim(), currency.trim());
            if let Some(joined) =
                [format!("{v} {c}"), format!("{v}{c}")].into_iter().find(|j| money::parse_value(j).is_ok())
            {
                form.positional[i] = joined;
            }
        }
        if !from.is_empty() || !to.is_empty() {
            form.options.push(("period", format!("{from}..{to}")));
        }
        // Replies link to the letter the same file sent (by the id its export gave it).
        if let Some(reply) = form.options.iter_mut().find(|(k, _)| *k == "reply to")
            && let Some(new) = ids.get(&reply.1.trim().to_uppercase())
        {
            reply.1 = format!("L-{new}");
        }
        while form.positional.last().is_some_and(|s| s.trim().is_empty()) {
            form.positional.pop();
        }
        // Names as an export writes them ("Mantova (IT)"), and recipients to create.
        let party_pos = match self.kind {
            RecordKind::Donation | RecordKind::Letter => Some(if self.kind == RecordKind::Donation { 1 } else { 2 }),
            RecordKind::Event => Some(2),
            _ => None,
        };
        if let Some(p) = party_pos
            && let Some(text) = form.positional.get(p).cloned()
        {
            let col = self.cols.iter().position(|c| c.slot == Slot::Pos(p)).unwrap_or(0);
            let names = self.parties(ctx, &text, &countries, summary).map_err(|reason| {
                ctx.t(
                    "import-problem",
                    &[("row", row.to_string()), ("column", self.column_name(ctx, col)), ("reason", reason)],
                )
            })?;
            form.positional[p] = names;
        }
        Ok((form, id_text, used))
    }

    /// A list of recipients or partners as the form takes it: each name that is a partner's, written
    /// with its country after it as an export writes it, without that country; with
    /// `--create-partners`, a name that is neither a partner nor a country made a partner.
    fn parties(&self, ctx: &Ctx<'_>, text: &str, countries: &str, summary: &mut Summary) -> Result<String, String> {
        let mut out = Vec::new();
        for name in list(text) {
            let conn = ctx.store.conn();
            if !reports::partners_by_norm(conn, &norm_name(&name)).map_err(|e| e.to_string())?.is_empty() {
                out.push(name);
                continue;
            }
            let (bare, suffix) = super::resolve::split_country_suffix(&name);
            if suffix.is_some()
                && !reports::partners_by_norm(conn, &norm_name(&bare)).map_err(|e| e.to_string())?.is_empty()
            {
                out.push(bare);
                continue;
            }
            if country::resolve(&name).is_some() || self.kind == RecordKind::Event {
                out.push(name);
                continue;
            }
            if !self.opts.create_partners {
                summary.unknown_party = true;
                out.push(bare);
                continue;
            }
            let listed: Vec<CountryCode> = list(countries).iter().filter_map(|c| country::resolve(c)).collect();
            let country = match (suffix, listed.as_slice()) {
                (Some(c), _) => c,
                (None, [one]) => *one,
                _ => return Err(ctx.t("import-partner-needs-country", &[("name", bare)])),
            };
            let name = clean_name(&bare);
            let p = Partner {
                id: 0,
                name: name.clone(),
                aliases: Vec::new(),
                kind: PartnerKind::Partner,
                country,
                level: None,
                since: None,
                note: None,
                source: None,
            };
            let actor = ctx.actor().to_string();
            let reason = ctx.t("import-history", &[("file", self.file.clone()), ("row", "—".into())]);
            let id = records::insert_record(conn, &Record::Partner(p), &actor).map_err(|e| e.to_string())?;
            let stored = records::get_record(conn, id).map_err(|e| e.to_string())?.map(|(r, _)| r);
            history::record(conn, &actor, id, Action::Create, None, stored.as_ref(), Some(&reason), None)
                .map_err(|e| e.to_string())?;
            summary.partners_created.push(format!("{name} ({country})"));
            out.push(name);
        }
        Ok(out.join(", "))
    }

    /// Parses one row's form and writes its record, unless it was imported before.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        ctx: &Ctx<'_>,
        row: u64,
        form: Form,
        id_text: &str,
        used: &[(usize, String)],
        ids: &mut HashMap<String, i64>,
        summary: &mut Summary,
    ) -> Result<(), CmdError> {
        // A partner the ledger has (the same name in the same country) is not a problem: skipped.
        if self.kind == RecordKind::Partner
            && let Some(name) = form.pos(0)
        {
            let found = reports::partners_by_norm(ctx.store.conn(), &norm_name(name))?;
            if let Some(pid) = found.first() {
                let same_country = match (records::get_partner(ctx.store.conn(), *pid)?, form.pos(1)) {
                    (Some(p), Some(c)) => country::resolve(c) == Some(p.country),
                    _ => false,
                };
                if same_country {
                    summary.skipped += 1;
                    if !id_text.is_empty() {
                        ids.insert(id_text.to_uppercase(), *pid);
                    }
                    return Ok(());
                }
            }
        }
        // A row's problems are all listed: each field is checked whatever the others are.
        let parsed = match self.kind {
            RecordKind::Donation => logging::donation_problems(ctx, &form),
            RecordKind::Letter => logging::letter_problems(ctx, &form),
            RecordKind::Event => logging::event_problems(ctx, &form),
            RecordKind::Reception => logging::reception_problems(ctx, &form),
            RecordKind::Partner => logging::partner_add_problems(ctx, &form),
            RecordKind::Reported => logging::reported_problems(ctx, &form),
        };
        let (rec, _notes) = match parsed {
            Ok(p) => p,
            Err(problems) => {
                for e in problems {
                    if let CmdError::Store(e) = e {
                        return Err(CmdError::Store(e));
                    }
                    let text = self.problem_text(ctx, row, e, used);
                    summary.problem(&self.table, row, text);
                }
                return Ok(());
            }
        };
        // After a problem the rows are still written (the transaction is rolled back at the end), so
        // that the rows after it are checked against the ledger as it would be.
        let key = identity_key(&rec);
        let conn = ctx.store.conn();
        let occurrence: i64 = conn
            .prepare_cached(
                "INSERT INTO temp.import_seen (key, n) VALUES (?1, 1)
                 ON CONFLICT(key) DO UPDATE SET n = n + 1 RETURNING n",
            )?
            .query_row([&key[..]], |r| r.get(0))?;
        let before: Option<i64> = conn
            .prepare_cached("SELECT record_id FROM imported_rows WHERE key = ?1 AND occurrence = ?2")?
            .query_row(params![&key[..], occurrence], |r| r.get(0))
            .optional()?;
        let already = match before {
            Some(id) => Some(id),
            None if occurrence == 1 => self.same_in_ledger(conn, id_text, &key)?,
            None => None,
        };
        if let Some(id) = already {
            summary.skipped += 1;
            if !id_text.is_empty() {
                ids.insert(id_text.to_uppercase(), id);
            }
            return Ok(());
        }
        let actor = ctx.actor().to_string();
        let reason = ctx.t("import-history", &[("file", self.file.clone()), ("row", row.to_string())]);
        let id = match records::insert_record_unsummed(conn, &rec, &actor) {
            Ok(id) => {
                if id.kind == RecordKind::Donation {
                    let (lo, hi) = self.unsummed.map_or((id.id, id.id), |(lo, _)| (lo, id.id));
                    self.unsummed = Some((lo, hi));
                    if hi - lo + 1 >= SUMS_CHUNK {
                        self.add_sums(ctx, summary)?;
                    }
                }
                id
            }
            // A row that would take a running sum past what amity counts is that row's problem.
            Err(crate::store::StoreError::TotalTooLarge) => {
                summary.problem(
                    &self.table,
                    row,
                    ctx.t("import-problem-row", &[("row", row.to_string()), ("reason", ctx.t("err-ledger-full", &[]))]),
                );
                return Ok(());
            }
            Err(e) => return Err(CmdError::Store(e)),
        };
        // The record as written is the parsed one with its new id (no need to read it back).
        let stored = with_id(rec, id.id);
        history::record(conn, &actor, id, Action::Create, None, Some(&stored), Some(&reason), None)?;
        conn.prepare_cached(
            "INSERT INTO imported_rows (key, occurrence, record_kind, record_id, file, row, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            &key[..],
            occurrence,
            id.kind.as_str(),
            id.id,
            self.file,
            row as i64,
            crate::store::now_utc()
        ])?;
        if !id_text.is_empty() {
            ids.insert(id_text.to_uppercase(), id.id);
        }
        summary.count(self.kind);
        Ok(())
    }

    /// Adds the running sums of the donations this table wrote since the last time, in a few
    /// set-based statements (`records::add_sums_range`: row by row they were half of an import's
    /// time); called every [`SUMS_CHUNK`] donations and at the end of the table. A donation that
    /// would take a sum past what amity counts is its row's problem, found by adding them one by one.
    fn add_sums(&mut self, ctx: &Ctx<'_>, summary: &mut Summary) -> Result<(), CmdError> {
        let Some((lo, hi)) = self.unsummed.take() else { return Ok(()) };
        let conn = ctx.store.conn();
        match records::add_sums_range(conn, lo, hi) {
            Err(crate::store::StoreError::TotalTooLarge) => {}
            r => return Ok(r?),
        }
        let Some(id) = records::add_sums_one_by_one(conn, lo, hi)? else { return Ok(()) };
        let row: i64 = conn
            .prepare_cached("SELECT row FROM imported_rows WHERE record_kind = ?1 AND record_id = ?2")?
            .query_row(params![RecordKind::Donation.as_str(), id], |r| r.get(0))?;
        let reason = ctx.t("err-ledger-full", &[]);
        summary.problem(
            &self.table,
            row as u64,
            ctx.t("import-problem-row", &[("row", row.to_string()), ("reason", reason)]),
        );
        Ok(())
    }

    /// The record under the id an export gave the row, if it is this ledger's and says the same (the
    /// file is this ledger's own export).
    fn same_in_ledger(
        &self,
        conn: &rusqlite::Connection,
        id_text: &str,
        key: &[u8; 16],
    ) -> Result<Option<i64>, CmdError> {
        let Some(rid) = RecordId::parse(id_text).filter(|r| r.kind == self.kind) else { return Ok(None) };
        Ok(match records::get_record(conn, rid)? {
            Some((rec, false)) if identity_key(&rec) == *key => Some(rid.id),
            _ => None,
        })
    }

    /// "row 14, 金额: “3,5 million” is not a number — e.g. …": the parser's reason, with the column
    /// the field came from.
    fn problem_text(&self, ctx: &Ctx<'_>, row: u64, e: CmdError, used: &[(usize, String)]) -> String {
        let row_s = row.to_string();
        match e {
            CmdError::Field { field, reason, .. } => {
                let col = self.field_column(&field);
                let column = match col {
                    Some(i) => self.column_name(ctx, i),
                    None => ctx.field_name(&field),
                };
                match reason {
                    Some(reason) => {
                        let given = col.and_then(|i| used.iter().find(|(c, _)| *c == i)).map(|(_, v)| v.clone());
                        let reason = match given {
                            Some(v) if !reason.contains(['“', '"', '「']) => {
                                ctx.t("import-given", &[("input", v), ("reason", reason)])
                            }
                            _ => reason,
                        };
                        ctx.t("import-problem", &[("row", row_s), ("column", column), ("reason", reason)])
                    }
                    None => ctx.t("import-problem-missing", &[("row", row_s), ("column", column)]),
                }
            }
            CmdError::Invalid(m) | CmdError::Refused(m) => {
                ctx.t("import-problem-row", &[("row", row_s), ("reason", m)])
            }
            CmdError::Reply(r) => ctx.t("import-problem-row", &[("row", row_s), ("reason", r.plain())]),
            CmdError::Store(e) => ctx.t("import-problem-row", &[("row", row_s), ("reason", e.to_string())]),
        }
    }

    /// The column a form's field (`VALUE`, `status`, `signed:`) comes from.
    fn field_column(&self, field: &str) -> Option<usize> {
        let f = field.trim_end_matches(':').to_lowercase();
        let id = match (self.kind, f.as_str()) {
            (_, "date") => "date",
            (_, "note") => "note",
            (_, "source") => "source",
            (_, "visibility") => "visibility",
            (RecordKind::Donation, "recipient") => "recipients",
            (RecordKind::Donation, "items") => "items",
            (RecordKind::Donation, "value") => "value",
            (RecordKind::Donation, "value date") => "value-date",
            (RecordKind::Donation, other @ ("donor" | "status" | "fund")) => other,
            (RecordKind::Letter, "sent|received") => "direction",
            (RecordKind::Letter, "partner") => "partners",
            (RecordKind::Letter, "quote" | "#4" | "#5") => "quote",
            (RecordKind::Letter, "kind") => "letter-kind",
            (RecordKind::Letter, "signed") => "signatories",
            (RecordKind::Letter, "from") => "author",
            (RecordKind::Letter, "reply to") => "in-reply-to",
            (RecordKind::Event, "kind") => "event-kind",
            (RecordKind::Event, "participant") => "participants",
            (RecordKind::Event, "topic") => "topic",
            (RecordKind::Event, "host") => "host",
            (RecordKind::Reception, other @ ("place" | "count" | "guests" | "countries")) => other,
            (RecordKind::Partner, "name") => "name",
            (RecordKind::Partner, "country") => "country",
            (RecordKind::Partner, "kind") => "partner-kind",
            (RecordKind::Partner, other @ ("aliases" | "since" | "level")) => other,
            (RecordKind::Reported, "kind") => "reported-of",
            (RecordKind::Reported, "figures") => "figure",
            (RecordKind::Reported, "period") => "period-from",
            _ => return None,
        };
        self.col_index(id)
    }
}

/// The canonical words of a catalogue prefix.
fn word_codes(prefix: &str) -> Vec<&'static str> {
    fn codes<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|x| f(*x)).collect()
    }
    match prefix {
        "status" => codes(Status::ALL, Status::as_str),
        "direction" => codes(Direction::ALL, Direction::as_str),
        "letter-kind" => codes(LetterKind::ALL, LetterKind::as_str),
        "event-kind" => codes(EventKind::ALL, EventKind::as_str),
        "partner-kind" => codes(PartnerKind::ALL, PartnerKind::as_str),
        "level" => codes(Level::ALL, Level::as_str),
        "reported-of" => codes(&ReportedOf::ALL, ReportedOf::as_str),
        _ => Vec::new(),
    }
}

/// `public` / `internal` in either language (as an export writes it, or yes/no for "internal").
fn visibility(text: &str) -> Option<bool> {
    use crate::i18n::{Lang, t};
    let n = columns::norm(text);
    let is = |id: &str, extra: &[&str]| {
        [Lang::En, Lang::Zh].iter().any(|l| columns::norm(&t(*l, id, &[])) == n) || extra.contains(&n.as_str())
    };
    if is("export-internal", &["internal", "内部", "staff", "private"]) {
        Some(true)
    } else if is("export-public", &["public", "公开"]) {
        Some(false)
    } else {
        None
    }
}

/// A record with the id the ledger gave it.
fn with_id(mut rec: Record, id: i64) -> Record {
    match &mut rec {
        Record::Partner(r) => r.id = id,
        Record::Donation(r) => r.id = id,
        Record::Letter(r) => r.id = id,
        Record::Event(r) => r.id = id,
        Record::Reception(r) => r.id = id,
        Record::Reported(r) => r.id = id,
    }
    rec
}

/// The key of the record a row makes: what the record says, without its id, the names partners
/// have now (a partner renamed is the same partner) or the rates its value was fixed at (a rate
/// recorded later must not make an old row new).
pub(crate) fn identity_key(rec: &Record) -> [u8; 16] {
    let mut r = rec.clone();
    let strip = |ps: &mut Vec<Party>| {
        for p in ps.iter_mut() {
            if let Party::Partner { name, .. } = p {
                name.clear();
            }
        }
    };
    match &mut r {
        Record::Partner(p) => p.id = 0,
        Record::Donation(d) => {
            d.id = 0;
            strip(&mut d.recipients);
            if let Some(v) = &mut d.value {
                v.amount = v.amount.normalize();
                v.rate = rust_decimal::Decimal::ONE;
                v.usd_rate = None;
                v.cny = rust_decimal::Decimal::ZERO;
                v.usd = None;
                v.rate_from = None;
                v.usd_rate_from = None;
            }
        }
        Record::Letter(l) => {
            l.id = 0;
            strip(&mut l.partners);
        }
        Record::Event(e) => {
            e.id = 0;
            strip(&mut e.participants);
        }
        Record::Reception(x) => x.id = 0,
        Record::Reported(x) => x.id = 0,
    }
    let json = history::record_json(&r).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The answer: what was read and written (or would be), or every problem.
fn report(ctx: &Ctx<'_>, file: &str, opts: &Options, s: &Summary) -> Reply {
    let mut r = Reply::new();
    if s.problem_count > 0 {
        r.outcome = crate::render::Outcome::Invalid;
    }
    let title = if opts.dry_run { "import-title-dry" } else { "import-title" };
    r.heading(ctx.t(title, &[("file", file.to_string())]));
    r.item(ctx.t("import-rows", &[("count", ctx.f.int(s.rows as i64))]));
    let verb = if s.committed { "import-written" } else { "import-would-write" };
    for (kind, n) in &s.written {
        r.item(ctx.t(
            verb,
            &[("kind", ctx.t(&format!("import-noun-{}", kind.as_str()), &[])), ("count", ctx.f.int(*n as i64))],
        ));
    }
    if s.skipped > 0 {
        r.item(ctx.t("import-skipped", &[("count", ctx.f.int(s.skipped as i64))]));
    }
    if !s.partners_created.is_empty() {
        let id = if s.committed { "import-partners-created" } else { "import-partners-would-create" };
        r.item(ctx.t(
            id,
            &[("count", s.partners_created.len().to_string()), ("names", s.partners_created.join(ctx.f.sep()))],
        ));
    }
    for (table, cols) in &s.ignored_columns {
        r.item(ctx.t("import-ignored-columns", &[("table", table.clone()), ("columns", cols.join(", "))]));
    }
    for p in &s.passed_over {
        r.item(p.clone());
    }
    if s.problem_count > 0 {
        r.gap();
        r.heading(ctx.t("import-problems", &[("count", ctx.f.int(s.problem_count as i64))]));
        let many_tables = s.problems.iter().any(|p| p.table != s.problems[0].table);
        let listed = if opts.chat { MAX_LISTED_CHAT.min(s.problems.len()) } else { s.problems.len() };
        for p in &s.problems[..listed] {
            let text = if many_tables { format!("{}: {}", p.table, p.text) } else { p.text.clone() };
            r.item(text);
        }
        if s.problem_count > listed as u64 {
            r.item(ctx.t("import-more-problems", &[("count", ctx.f.int((s.problem_count - listed as u64) as i64))]));
        }
        if opts.chat {
            // The chat's card (`upload`) says what can be done about them.
            return r;
        }
        if s.unknown_party {
            r.note(ctx.t("import-hint-create", &[]));
        }
        r.note(ctx.t("import-nothing-written", &[]));
    } else if opts.dry_run && opts.chat {
        // The chat's card (`upload`) adds its buttons and what they do.
    } else if opts.dry_run {
        r.note(ctx.t("import-dry-note", &[]));
    } else if s.written.is_empty() && s.partners_created.is_empty() {
        r.note(ctx.t("import-nothing-new", &[]));
    }
    r
}

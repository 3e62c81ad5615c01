//! Read-side queries: totals and lists of each record kind for a scope (period, filter, audience),
//! per-country lines, partner lookups and text search. Every sum is an exact integer sum of fixed
//! minor units; every count of recipients or countries counts distinct ones.

use super::Result;
use super::records::{self, date_sql};
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

/// What a query covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Staff see internal records too.
    pub staff: bool,
    pub filter: Filter,
}

impl Scope {
    pub fn all(staff: bool) -> Scope {
        Scope { from: None, to: None, staff, filter: Filter::All }
    }

    pub fn with_period(staff: bool, period: &Period, filter: Filter) -> Scope {
        Scope { from: period.from, to: period.to, staff, filter }
    }
}

/// What a FILTER resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Country(CountryCode),
    Partner(i64),
    /// An item key (see `money::item_key`).
    Item(String),
    /// An exact donor name.
    Donor(String),
}

/// Builds `WHERE` conditions for a table aliased `t` with `date`, `internal`, `deleted_at`.
fn base_where(scope: &Scope, params: &mut Vec<Value>) -> String {
    let mut w = String::from("t.deleted_at IS NULL");
    if !scope.staff {
        w.push_str(" AND t.internal = 0");
    }
    if let Some(f) = scope.from {
        params.push(Value::Text(date_sql(f)));
        w.push_str(&format!(" AND t.date >= ?{}", params.len()));
    }
    if let Some(to) = scope.to {
        params.push(Value::Text(date_sql(to)));
        w.push_str(&format!(" AND t.date <= ?{}", params.len()));
    }
    w
}

/// Selection of donation ids in scope, as SQL and its parameters.
pub fn donation_selection(scope: &Scope) -> (String, Vec<Value>) {
    let (w, p) = donation_where(scope);
    (format!("SELECT t.id FROM donations t WHERE {w}"), p)
}

/// The `WHERE` conditions of [`donation_selection`] (on `donations` aliased `t`), and its parameters.
/// Aggregates over a million donations filter with these directly (`FROM donations t WHERE …`, or a
/// join on `t.id`) rather than through `id IN (selection)`, which first builds a temporary index of
/// every selected id: the same rows, in about half the time.
fn donation_where(scope: &Scope) -> (String, Vec<Value>) {
    let mut p = Vec::new();
    let mut w = base_where(scope, &mut p);
    match &scope.filter {
        Filter::All => {}
        Filter::Country(c) => {
            p.push(Value::Text(c.as_str().into()));
            w.push_str(&format!(
                " AND t.id IN (SELECT donation_id FROM donation_recipients WHERE country = ?{})",
                p.len()
            ));
        }
        Filter::Partner(id) => {
            p.push(Value::Integer(*id));
            w.push_str(&format!(
                " AND t.id IN (SELECT donation_id FROM donation_recipients WHERE partner_id = ?{})",
                p.len()
            ));
        }
        Filter::Item(key) => {
            p.push(Value::Text(key.clone()));
            w.push_str(&format!(" AND t.id IN (SELECT donation_id FROM donation_items WHERE item_key = ?{})", p.len()));
        }
        Filter::Donor(d) => {
            p.push(Value::Text(d.clone()));
            w.push_str(&format!(" AND t.donor = ?{}", p.len()));
        }
    }
    (w, p)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemTotal {
    pub key: String,
    pub item: String,
    pub unit: Option<String>,
    pub quantity: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DonationTotals {
    pub count: i64,
    pub valued: i64,
    pub cny_fen: i64,
    pub usd_cents: i64,
    /// Valued donations whose USD amount is missing (no USD rate for their value date).
    pub usd_missing: i64,
    /// Distinct partner recipients by kind.
    pub partners_by_kind: Vec<(PartnerKind, i64)>,
    /// Countries given to directly (no partner named).
    pub direct_countries: i64,
    pub countries: i64,
    /// Donations with more than one recipient.
    pub shared: i64,
    pub items: Vec<ItemTotal>,
}

impl DonationTotals {
    pub fn recipients(&self) -> i64 {
        self.partners_by_kind.iter().map(|(_, n)| n).sum::<i64>() + self.direct_countries
    }
}

pub fn donation_totals(conn: &Connection, scope: &Scope) -> Result<DonationTotals> {
    if scope.from.is_none() && scope.to.is_none() && scope.filter == Filter::All {
        return ledger_totals(conn, scope.staff);
    }
    scanned_donation_totals(conn, scope)
}

/// The whole ledger's totals: money and items from the running sums kept on every write (migration
/// 0004), distinct recipients and countries from index probes of the recipient sums (migration 0013).
/// Equal to a scan (a test checks).
fn ledger_totals(conn: &Connection, staff: bool) -> Result<DonationTotals> {
    let vis = if staff { "" } else { " WHERE internal = 0" };
    let mut t = DonationTotals::default();
    conn.query_row(
        &format!(
            "SELECT COALESCE(SUM(donations), 0), COALESCE(SUM(valued), 0), COALESCE(SUM(cny_fen), 0),
                    COALESCE(SUM(usd_cents), 0), COALESCE(SUM(usd_missing), 0), COALESCE(SUM(shared), 0)
             FROM ledger_sums{vis}"
        ),
        [],
        |r| {
            t.count = r.get(0)?;
            t.valued = r.get(1)?;
            t.cny_fen = r.get(2)?;
            t.usd_cents = r.get(3)?;
            t.usd_missing = r.get(4)?;
            t.shared = r.get(5)?;
            Ok(())
        },
    )?;
    if t.count == 0 {
        return Ok(t);
    }
    distinct_recipients(conn, staff, &mut t)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT item_key, NULLIF(unit, ''), SUM(quantity), MAX(item) FROM item_sums{vis}
         GROUP BY item_key, unit HAVING SUM(quantity) > 0 ORDER BY 3 DESC, 1"
    ))?;
    let rows = stmt
        .query_map([], |r| Ok(ItemTotal { key: r.get(0)?, unit: r.get(1)?, quantity: r.get(2)?, item: r.get(3)? }))?;
    t.items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(t)
}

/// Valued donations in `scope` whose value rests on a rate more than `max_age` days older than the
/// value date (the `rate_age` index makes this a short range scan: stale rates are few).
pub fn stale_rate_count(conn: &Connection, scope: &Scope, max_age: i64) -> Result<i64> {
    let (w, mut p) = donation_where(scope);
    p.push(Value::Integer(max_age));
    Ok(conn.query_row(
        &format!("SELECT COUNT(*) FROM donations t WHERE t.rate_age > ?{} AND {w}", p.len()),
        params_from_iter(p.iter()),
        |r| r.get(0),
    )?)
}

/// Totals computed from the tables: any period, any filter.
pub fn scanned_donation_totals(conn: &Connection, scope: &Scope) -> Result<DonationTotals> {
    Ok(donation_scan(conn, scope, None)?.0)
}

/// The totals of `scope` and, if asked (`page` = (limit, offset)), the ids of that page of its
/// donations, newest first: from **one pass** over the scope's donations and their recipients, plus
/// one over their items. Money, counts, distinct recipients by kind, countries, shared donations and
/// the page all come from the same rows, read once (a filter's donations used to be read five times
/// for the totals and twice more for the page).
pub fn donation_scan(
    conn: &Connection,
    scope: &Scope,
    page: Option<(usize, usize)>,
) -> Result<(DonationTotals, Vec<i64>)> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap, HashSet};
    let (w, p) = donation_where(scope);
    let mut t = DonationTotals::default();
    // Rows come grouped by donation (`ORDER BY t.id`, which the planner satisfies without a sort when
    // it reads the donations by id, as for a country or partner filter).
    let mut stmt = conn.prepare(&format!(
        "SELECT t.id, t.date, t.value IS NOT NULL, t.cny_fen, t.usd_cents, r.partner_id, r.country, p.kind
         FROM donations t LEFT JOIN donation_recipients r ON r.donation_id = t.id
         LEFT JOIN partners p ON p.id = r.partner_id
         WHERE {w} ORDER BY t.id"
    ))?;
    let mut rows = stmt.query(params_from_iter(p.iter()))?;
    let keep = page.map_or(0, |(limit, offset)| limit + offset);
    // The newest `keep` (date, id) pairs: a min-heap whose top is the oldest kept.
    let mut newest: BinaryHeap<Reverse<(String, i64)>> = BinaryHeap::new();
    let mut ids: Vec<i64> = Vec::new();
    let mut partners: HashSet<i64> = HashSet::new();
    let mut by_kind: BTreeMap<String, i64> = BTreeMap::new();
    let mut direct: HashSet<String> = HashSet::new();
    let mut countries: HashSet<String> = HashSet::new();
    let (mut current, mut recipients_of_current) = (None::<i64>, 0);
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if current != Some(id) {
            if recipients_of_current > 1 {
                t.shared += 1;
            }
            current = Some(id);
            recipients_of_current = 0;
            t.count += 1;
            let valued: bool = row.get(2)?;
            let cny: Option<i64> = row.get(3)?;
            let usd: Option<i64> = row.get(4)?;
            if valued {
                t.valued += 1;
                if usd.is_none() {
                    t.usd_missing += 1;
                }
            }
            t.cny_fen += cny.unwrap_or(0);
            t.usd_cents += usd.unwrap_or(0);
            ids.push(id);
            if keep > 0 {
                let date: String = row.get(1)?;
                if newest.len() < keep {
                    newest.push(Reverse((date, id)));
                } else if newest.peek().is_some_and(|Reverse(oldest)| (&date, id) > (&oldest.0, oldest.1)) {
                    newest.pop();
                    newest.push(Reverse((date, id)));
                }
            }
        }
        let country: Option<String> = row.get(6)?;
        let Some(country) = country else { continue };
        recipients_of_current += 1;
        match row.get::<_, Option<i64>>(5)? {
            Some(pid) => {
                if partners.insert(pid) {
                    let kind: Option<String> = row.get(7)?;
                    *by_kind.entry(kind.unwrap_or_default()).or_default() += 1;
                }
            }
            None => {
                direct.insert(country.clone());
            }
        }
        countries.insert(country);
    }
    if recipients_of_current > 1 {
        t.shared += 1;
    }
    let mut kinds: Vec<(PartnerKind, i64)> =
        by_kind.into_iter().filter_map(|(k, n)| PartnerKind::parse(&k).map(|k| (k, n))).collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    t.partners_by_kind = kinds;
    t.direct_countries = direct.len() as i64;
    t.countries = countries.len() as i64;
    if t.count > 0 {
        t.items = match (&scope.filter, scope.from.or(scope.to)) {
            // All time, one country or partner: the running sums (migration 0012).
            (Filter::Country(c), None) => {
                summed_items(conn, "country_item_sums", "country", Value::Text(c.as_str().into()), scope.staff)?
            }
            (Filter::Partner(pid), None) => {
                summed_items(conn, "partner_item_sums", "partner_id", Value::Integer(*pid), scope.staff)?
            }
            _ => items_of(conn, &ids, scope)?,
        };
    }
    let page_ids = match page {
        None => Vec::new(),
        Some((limit, offset)) => {
            let mut v: Vec<(String, i64)> = newest.into_iter().map(|Reverse(x)| x).collect();
            v.sort_by(|a, b| b.cmp(a));
            v.into_iter().skip(offset).take(limit).map(|(_, id)| id).collect()
        }
    };
    Ok((t, page_ids))
}

/// Item totals of one country's or partner's live donations, from the running sums.
fn summed_items(conn: &Connection, table: &str, key: &str, value: Value, staff: bool) -> Result<Vec<ItemTotal>> {
    let vis = if staff { "" } else { " AND internal = 0" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT item_key, NULLIF(unit, ''), SUM(quantity), MAX(item) FROM {table} WHERE {key} = ?1{vis}
         GROUP BY item_key, unit HAVING SUM(quantity) > 0 ORDER BY 3 DESC, 1"
    ))?;
    let rows = stmt.query_map([value], |r| {
        Ok(ItemTotal { key: r.get(0)?, unit: r.get(1)?, quantity: r.get(2)?, item: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Item totals of these donations (the ids of `scope`'s): by key and unit, largest first. The ids go
/// to SQLite as one JSON array, so the items are found by their primary key without reading the
/// donations again; a very long list (a scope of most of the ledger) filters by `scope` instead.
fn items_of(conn: &Connection, ids: &[i64], scope: &Scope) -> Result<Vec<ItemTotal>> {
    const BY_IDS_UP_TO: usize = 100_000;
    let map =
        |r: &rusqlite::Row<'_>| Ok(ItemTotal { key: r.get(0)?, unit: r.get(1)?, quantity: r.get(2)?, item: r.get(3)? });
    if ids.len() <= BY_IDS_UP_TO {
        let json = serde_json::to_string(ids).map_err(|e| super::corrupt(e.to_string()))?;
        let mut stmt = conn.prepare_cached(
            "SELECT item_key, unit, SUM(quantity), MAX(item) FROM donation_items
             WHERE donation_id IN (SELECT value FROM json_each(?1)) GROUP BY item_key, unit ORDER BY 3 DESC, 1",
        )?;
        let rows = stmt.query_map([json], map)?;
        return Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    let (sel, p) = donation_selection(scope);
    let mut stmt = conn.prepare(&format!(
        "SELECT item_key, unit, SUM(quantity), MAX(item) FROM donation_items WHERE donation_id IN ({sel})
         GROUP BY item_key, unit ORDER BY 3 DESC, 1"
    ))?;
    let rows = stmt.query_map(params_from_iter(p.iter()), map)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The totals of `scope` and a page of its donations (newest first), read together: the whole
/// ledger's totals from the running sums, any other scope in one pass (see [`donation_scan`]). A page
/// past the end is the last page; returns the page number shown.
pub fn donations_with_totals(
    conn: &Connection,
    scope: &Scope,
    limit: usize,
    page: usize,
) -> Result<(DonationTotals, Vec<Donation>, usize)> {
    let unbounded = scope.from.is_none() && scope.to.is_none() && scope.filter == Filter::All;
    let (totals, ids, page) = if unbounded {
        let totals = ledger_totals(conn, scope.staff)?;
        let pages = (totals.count.max(0) as usize).div_ceil(limit.max(1)).max(1);
        let page = page.clamp(1, pages);
        let ids = ids_page(
            conn,
            &format!("{} ORDER BY t.date DESC, t.id DESC", donation_selection(scope).0),
            &donation_selection(scope).1,
            limit,
            (page - 1) * limit,
        )?;
        (totals, ids, page)
    } else {
        let (totals, mut ids) = donation_scan(conn, scope, Some((limit, (page.max(1) - 1) * limit)))?;
        let pages = (totals.count.max(0) as usize).div_ceil(limit.max(1)).max(1);
        let shown = page.clamp(1, pages);
        if shown != page.max(1) {
            ids = donation_scan(conn, scope, Some((limit, (shown - 1) * limit)))?.1;
        }
        (totals, ids, shown)
    };
    let list = ids.iter().filter_map(|id| records::get_donation(conn, *id).transpose()).collect::<Result<Vec<_>>>()?;
    Ok((totals, list, page))
}

/// Distinct partner recipients by kind, and distinct countries, of the whole ledger (`staff`: internal
/// donations too), from the per-day recipient sums (migration 0013): one index probe per partner and
/// per country given to directly, never a pass over the recipients.
fn distinct_recipients(conn: &Connection, staff: bool, t: &mut DonationTotals) -> Result<()> {
    let vis = if staff { "" } else { " AND s.internal = 0" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.kind, COUNT(*) FROM partners p WHERE EXISTS (SELECT 1 FROM reach_partners s WHERE s.partner_id = p.id{vis})
         GROUP BY p.kind ORDER BY 2 DESC, 1"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (k, n) = row?;
        if let Some(kind) = PartnerKind::parse(&k) {
            t.partners_by_kind.push((kind, n));
        }
    }
    let codes: Vec<String> = crate::domain::country::all().map(|c| format!("('{c}')")).collect();
    conn.query_row(
        &format!(
            "WITH c(code) AS (VALUES {}),
                  direct AS (SELECT code FROM c WHERE EXISTS (SELECT 1 FROM reach_countries s WHERE s.country = c.code{vis})),
                  reached AS (SELECT DISTINCT pc.country AS code FROM reach_partner_countries pc WHERE EXISTS (
                    SELECT 1 FROM reach_partners s WHERE s.partner_id = pc.partner_id AND s.country = pc.country{vis}))
             SELECT (SELECT COUNT(*) FROM direct), (SELECT COUNT(*) FROM (SELECT code FROM direct UNION SELECT code FROM reached))",
            codes.join(",")
        ),
        [],
        |r| {
            t.direct_countries = r.get(0)?;
            t.countries = r.get(1)?;
            Ok(())
        },
    )?;
    Ok(())
}

/// Donations in scope, newest first: (total count, the first `limit` after `offset`).
pub fn donations(conn: &Connection, scope: &Scope, limit: usize, offset: usize) -> Result<(i64, Vec<Donation>)> {
    page(conn, donation_selection(scope), limit, offset, records::get_donation)
}

/// How many records of `kind` a scope selects (donations, letters, events, receptions).
pub fn count_of(conn: &Connection, kind: RecordKind, scope: &Scope) -> Result<i64> {
    let (sel, p) = selection_of(kind, scope)?;
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM ({sel})"), params_from_iter(p.iter()), |r| r.get(0))?)
}

fn selection_of(kind: RecordKind, scope: &Scope) -> Result<(String, Vec<Value>)> {
    Ok(match kind {
        RecordKind::Donation => donation_selection(scope),
        RecordKind::Letter => letter_selection(scope),
        RecordKind::Event => event_selection(scope),
        RecordKind::Reception => reception_selection(scope),
        other => return Err(crate::store::corrupt(format!("{other:?} has no dated selection"))),
    })
}

/// Every record of `kind` (not donations: [`each_donation`]) a scope selects, oldest first (date,
/// then id), one at a time: memory does not grow with the ledger.
pub fn each_in_order<T>(
    conn: &Connection,
    kind: RecordKind,
    scope: &Scope,
    load: fn(&Connection, i64) -> Result<Option<T>>,
    f: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let (sel, p) = selection_of(kind, scope)?;
    let mut stmt = conn.prepare(&format!("{sel} ORDER BY t.date, t.id"))?;
    let mut rows = stmt.query(params_from_iter(p.iter()))?;
    while let Some(row) = rows.next()? {
        if let Some(x) = load(conn, row.get(0)?)? {
            f(x)?;
        }
    }
    Ok(())
}

/// Every donation a scope selects, oldest first (date, then id), in batches of at most `batch`: the
/// whole ledger in one pass of the table with each donation's children (sorted by SQLite); a part of it
/// in one pass of the date index, each batch's recipients and items in one query each. Partners' names
/// are looked up once per export. For exports of a million rows.
///
/// `f` runs on a second thread while this one reads the next batches (at most 4 wait, 2,048 rows):
/// reading is SQLite's work, formatting the caller's, and on two cores they overlap. For the whole
/// ledger the rows are decoded there too. An error of `f` stops the pass and is returned; a panic on
/// either thread ends both (the channel closes) and goes on unwinding.
pub fn each_donation(
    conn: &Connection,
    scope: &Scope,
    batch: usize,
    f: &mut (dyn FnMut(Vec<Donation>) -> Result<()> + Send),
) -> Result<()> {
    let batch = batch.max(1);
    let (w, p) = donation_where(scope);
    let whole = scope.from.is_none() && scope.to.is_none() && matches!(scope.filter, Filter::All);
    let names = if whole { records::PartnerNames::all(conn)? } else { records::PartnerNames::default() };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    std::thread::scope(|s| {
        let worker = s.spawn(move || -> Result<()> {
            for b in rx {
                f(match b {
                    Batch::Decoded(list) => list,
                    Batch::Raw(raws) => raws.into_iter().map(|r| r.decode(&names)).collect::<Result<_>>()?,
                })?;
            }
            Ok(())
        });
        // A send fails only when `f` has stopped the worker: its answer is the pass's.
        let send = |b: Batch| tx.send(b).is_ok();
        let read = if whole {
            // The whole ledger (see `whole_ledger`): through the date index instead, each row and its
            // children were searched at random (57,000–79,000 rows/s on the benchmark ledger,
            // README). The pass reads each page once, so a large page cache buys nothing, and
            // SQLite's sorter takes the page cache's size as its budget before it spills to a
            // temporary file: the default 512 KiB here (peak anonymous memory 13.5 MB for 990,165
            // rows, against 80 MB with the export's 64 MiB, in the same 9.9 s), the caller's size
            // again after.
            conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0)).map_err(Into::into).and_then(|cache| {
                conn.pragma_update(None, "cache_size", -512i64)?;
                let out = whole_ledger(conn, &w, &p, batch, &send);
                conn.pragma_update(None, "cache_size", cache)?;
                out
            })
        } else {
            in_date_order(conn, &w, &p, batch, &send)
        };
        drop(tx);
        let worked = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        worked.and(read)
    })
}

/// What [`each_donation`]'s reading thread hands to the thread that runs its caller's function.
enum Batch {
    Decoded(Vec<Donation>),
    Raw(Vec<records::RawWithChildren>),
}

/// [`each_donation`] for a part of the ledger: the date index, each batch's children in one query.
fn in_date_order(conn: &Connection, w: &str, p: &[Value], batch: usize, send: &dyn Fn(Batch) -> bool) -> Result<()> {
    let mut partners = records::PartnerNames::default();
    let mut stmt =
        conn.prepare(&format!("SELECT {} FROM donations t WHERE {w} ORDER BY t.date, t.id", records::DONATION_COLS_T))?;
    let mut rows = stmt.query(params_from_iter(p.iter()))?;
    let mut raws = Vec::with_capacity(batch);
    loop {
        let row = rows.next()?;
        let end = row.is_none();
        if let Some(row) = row {
            raws.push(records::raw_donation(row)?);
        }
        if (raws.len() == batch || (end && !raws.is_empty()))
            && !send(Batch::Decoded(records::finish_donations(conn, std::mem::take(&mut raws), &mut partners)?))
        {
            return Ok(());
        }
        if end {
            return Ok(());
        }
    }
}

/// [`each_donation`] for the whole ledger (`w`: only who may see what): one pass over the table in its
/// own order (`NOT INDEXED`), each donation's children read with it, so every page is read in order;
/// SQLite's sorter puts the rows in date order (spilling to a temporary file: memory stays flat). The
/// rows go out undecoded.
fn whole_ledger(conn: &Connection, w: &str, p: &[Value], batch: usize, send: &dyn Fn(Batch) -> bool) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, {} FROM donations t NOT INDEXED WHERE {w} ORDER BY t.date, t.id",
        records::DONATION_COLS_T,
        records::DONATION_CHILDREN_T
    ))?;
    let mut rows = stmt.query(params_from_iter(p.iter()))?;
    let mut raws = Vec::with_capacity(batch);
    while let Some(row) = rows.next()? {
        raws.push(records::RawWithChildren::read(row)?);
        if raws.len() == batch && !send(Batch::Raw(std::mem::replace(&mut raws, Vec::with_capacity(batch)))) {
            return Ok(());
        }
    }
    if !raws.is_empty() {
        send(Batch::Raw(raws));
    }
    Ok(())
}

/// One page of a selection, newest first: (how many in all, the records of the page).
fn page<T>(
    conn: &Connection,
    (sel, p): (String, Vec<Value>),
    limit: usize,
    offset: usize,
    load: fn(&Connection, i64) -> Result<Option<T>>,
) -> Result<(i64, Vec<T>)> {
    let count: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM ({sel})"), params_from_iter(p.iter()), |r| r.get(0))?;
    let ids = ids_page(conn, &format!("{sel} ORDER BY t.date DESC, t.id DESC"), &p, limit, offset)?;
    let list = ids.iter().filter_map(|id| load(conn, *id).transpose()).collect::<Result<Vec<_>>>()?;
    Ok((count, list))
}

fn ids_page(conn: &Connection, sql: &str, p: &[Value], limit: usize, offset: usize) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(&format!("{sql} LIMIT {limit} OFFSET {offset}"))?;
    let ids = stmt.query_map(params_from_iter(p.iter()), |r| r.get::<_, i64>(0))?;
    Ok(ids.collect::<rusqlite::Result<Vec<_>>>()?)
}

// ---------------------------------------------------------------- letters

fn letter_selection(scope: &Scope) -> (String, Vec<Value>) {
    let mut p = Vec::new();
    let mut w = base_where(scope, &mut p);
    match &scope.filter {
        Filter::Country(c) => {
            p.push(Value::Text(c.as_str().into()));
            w.push_str(&format!(
                " AND t.id IN (SELECT lp.letter_id FROM letter_partners lp JOIN partners pa ON pa.id = lp.partner_id WHERE pa.country = ?{})",
                p.len()
            ));
        }
        Filter::Partner(id) => {
            p.push(Value::Integer(*id));
            w.push_str(&format!(
                " AND t.id IN (SELECT letter_id FROM letter_partners WHERE partner_id = ?{})",
                p.len()
            ));
        }
        Filter::All | Filter::Item(_) | Filter::Donor(_) => {}
    }
    (format!("SELECT t.id FROM letters t WHERE {w}"), p)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterTotals {
    pub sent: i64,
    /// Distinct partners that sent letters went to.
    pub sent_partners: i64,
    pub received: i64,
    pub received_partners: i64,
    pub countries: i64,
    /// Partners written to, and how many of them replied (filled in by readers that show it).
    pub reply_rate: Option<(i64, i64)>,
}

pub fn letter_totals(conn: &Connection, scope: &Scope) -> Result<LetterTotals> {
    let (sel, p) = letter_selection(scope);
    let mut t = LetterTotals::default();
    conn.query_row(
        &format!(
            "SELECT COALESCE(SUM(direction = 'sent'), 0), COALESCE(SUM(direction = 'received'), 0) FROM letters WHERE id IN ({sel})"
        ),
        params_from_iter(p.iter()),
        |r| {
            t.sent = r.get(0)?;
            t.received = r.get(1)?;
            Ok(())
        },
    )?;
    conn.query_row(
        &format!(
            "SELECT COUNT(DISTINCT CASE WHEN l.direction = 'sent' THEN lp.partner_id END),
                    COUNT(DISTINCT CASE WHEN l.direction = 'received' THEN lp.partner_id END),
                    COUNT(DISTINCT pa.country)
             FROM letter_partners lp JOIN letters l ON l.id = lp.letter_id JOIN partners pa ON pa.id = lp.partner_id
             WHERE lp.letter_id IN ({sel})"
        ),
        params_from_iter(p.iter()),
        |r| {
            t.sent_partners = r.get(0)?;
            t.received_partners = r.get(1)?;
            t.countries = r.get(2)?;
            Ok(())
        },
    )?;
    Ok(t)
}

pub fn letters(conn: &Connection, scope: &Scope, limit: usize, offset: usize) -> Result<(i64, Vec<Letter>)> {
    page(conn, letter_selection(scope), limit, offset, records::get_letter)
}

/// Whether partner `partner` (an SQL expression) answered sent letter `t`: a received letter from it
/// that names `t` as the letter it replies to, or that came on or after `t`'s date. Only replies the
/// reader may see count (`vis`: "" for staff, else " AND x.internal = 0").
fn replied_sql(partner: &str, vis: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM letters x JOIN letter_partners xp ON xp.letter_id = x.id
                 WHERE x.deleted_at IS NULL AND x.direction = 'received' AND xp.partner_id = {partner}
                   AND (x.in_reply_to = t.id OR x.date >= t.date){vis})"
    )
}

/// Under a country or partner filter, only the letters' partners the filter names (a letter to NRW
/// and Mantova is Italy's letter, but only Mantova is Italy's partner): a condition on `lp`.
fn only_filtered_partners(scope: &Scope, p: &mut Vec<Value>) -> String {
    match &scope.filter {
        Filter::Partner(id) => {
            p.push(Value::Integer(*id));
            format!(" AND lp.partner_id = ?{}", p.len())
        }
        Filter::Country(c) => {
            p.push(Value::Text(c.as_str().into()));
            format!(" AND lp.partner_id IN (SELECT id FROM partners WHERE country = ?{})", p.len())
        }
        _ => String::new(),
    }
}

/// Of the partners sent letters in `scope`: how many, and how many of them replied.
pub fn reply_rate(conn: &Connection, scope: &Scope) -> Result<(i64, i64)> {
    let (sel, mut p) = letter_selection(scope);
    let only = only_filtered_partners(scope, &mut p);
    let vis = if scope.staff { "" } else { " AND x.internal = 0" };
    let replied = replied_sql("lp.partner_id", vis);
    Ok(conn.query_row(
        &format!(
            "SELECT COUNT(DISTINCT lp.partner_id), COUNT(DISTINCT CASE WHEN {replied} THEN lp.partner_id END)
             FROM letters t JOIN letter_partners lp ON lp.letter_id = t.id
             WHERE t.id IN ({sel}) AND t.direction = 'sent'{only}"
        ),
        params_from_iter(p.iter()),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// A sent letter and those of its partners that have not replied.
#[derive(Clone, Debug, PartialEq)]
pub struct Awaited {
    pub letter: Letter,
    pub partners: Vec<Party>,
}

/// Sent letters in `scope` still awaiting a reply from at least one of their partners (of the
/// filter's country or partner, when there is one), oldest first: (how many letters, the page).
pub fn awaiting(conn: &Connection, scope: &Scope, limit: usize, offset: usize) -> Result<(i64, Vec<Awaited>)> {
    let (sel, mut p) = letter_selection(scope);
    let vis = if scope.staff { "" } else { " AND x.internal = 0" };
    let replied = replied_sql("lp.partner_id", vis);
    let only = only_filtered_partners(scope, &mut p);
    let mut stmt = conn.prepare(&format!(
        "SELECT t.id, lp.partner_id FROM letters t JOIN letter_partners lp ON lp.letter_id = t.id
         WHERE t.id IN ({sel}) AND t.direction = 'sent'{only} AND NOT {replied}
         ORDER BY t.date, t.id, lp.seq"
    ))?;
    let pairs = stmt
        .query_map(params_from_iter(p.iter()), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut ids: Vec<i64> = pairs.iter().map(|(l, _)| *l).collect();
    ids.dedup();
    let total = ids.len() as i64;
    let mut out = Vec::new();
    for id in ids.into_iter().skip(offset).take(limit) {
        let Some(letter) = records::get_letter(conn, id)? else { continue };
        let waiting: Vec<i64> = pairs.iter().filter(|(l, _)| *l == id).map(|(_, pid)| *pid).collect();
        let partners = letter
            .partners
            .iter()
            .filter(|x| x.partner_id().is_some_and(|pid| waiting.contains(&pid)))
            .cloned()
            .collect();
        out.push(Awaited { letter, partners });
    }
    Ok((total, out))
}

// ---------------------------------------------------------------- events

fn event_selection(scope: &Scope) -> (String, Vec<Value>) {
    let mut p = Vec::new();
    let mut w = base_where(scope, &mut p);
    match &scope.filter {
        Filter::Country(c) => {
            p.push(Value::Text(c.as_str().into()));
            w.push_str(&format!(" AND t.id IN (SELECT event_id FROM event_participants WHERE country = ?{})", p.len()));
        }
        Filter::Partner(id) => {
            p.push(Value::Integer(*id));
            w.push_str(&format!(
                " AND t.id IN (SELECT event_id FROM event_participants WHERE partner_id = ?{})",
                p.len()
            ));
        }
        Filter::All | Filter::Item(_) | Filter::Donor(_) => {}
    }
    (format!("SELECT t.id FROM events t WHERE {w}"), p)
}

/// Events by kind, and distinct participating countries.
pub fn event_totals(conn: &Connection, scope: &Scope) -> Result<(Vec<(EventKind, i64)>, i64)> {
    let (sel, p) = event_selection(scope);
    let mut stmt = conn
        .prepare(&format!("SELECT kind, COUNT(*) FROM events WHERE id IN ({sel}) GROUP BY kind ORDER BY 2 DESC, 1"))?;
    let rows = stmt.query_map(params_from_iter(p.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut by_kind = Vec::new();
    for row in rows {
        let (k, n) = row?;
        if let Some(kind) = EventKind::parse(&k) {
            by_kind.push((kind, n));
        }
    }
    let countries = conn.query_row(
        &format!("SELECT COUNT(DISTINCT country) FROM event_participants WHERE event_id IN ({sel})"),
        params_from_iter(p.iter()),
        |r| r.get(0),
    )?;
    Ok((by_kind, countries))
}

pub fn events(conn: &Connection, scope: &Scope, limit: usize, offset: usize) -> Result<(i64, Vec<Event>)> {
    page(conn, event_selection(scope), limit, offset, records::get_event)
}

// ---------------------------------------------------------------- receptions

fn reception_selection(scope: &Scope) -> (String, Vec<Value>) {
    let mut p = Vec::new();
    let mut w = base_where(scope, &mut p);
    if let Filter::Country(c) = &scope.filter {
        p.push(Value::Text(c.as_str().into()));
        w.push_str(&format!(
            " AND t.id IN (SELECT reception_id FROM reception_countries WHERE country = ?{})",
            p.len()
        ));
    }
    (format!("SELECT t.id FROM receptions t WHERE {w}"), p)
}

/// (receptions, guests counted, distinct countries).
pub fn reception_totals(conn: &Connection, scope: &Scope) -> Result<(i64, i64, i64)> {
    let (sel, p) = reception_selection(scope);
    let (n, guests): (i64, i64) = conn.query_row(
        &format!("SELECT COUNT(*), COALESCE(SUM(count), 0) FROM receptions WHERE id IN ({sel})"),
        params_from_iter(p.iter()),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let countries = conn.query_row(
        &format!("SELECT COUNT(DISTINCT country) FROM reception_countries WHERE reception_id IN ({sel})"),
        params_from_iter(p.iter()),
        |r| r.get(0),
    )?;
    Ok((n, guests, countries))
}

pub fn receptions(conn: &Connection, scope: &Scope, limit: usize, offset: usize) -> Result<(i64, Vec<Reception>)> {
    page(conn, reception_selection(scope), limit, offset, records::get_reception)
}

// ---------------------------------------------------------------- countries

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountryLine {
    pub country: String,
    pub donations: i64,
    pub cny_fen: i64,
    pub usd_cents: i64,
    pub recipients: i64,
    pub shared: i64,
    pub letters: i64,
    pub events: i64,
}

/// One line per country with any activity in scope (the scope's filter is ignored).
pub fn countries(conn: &Connection, scope: &Scope) -> Result<Vec<CountryLine>> {
    let scope = Scope { filter: Filter::All, ..scope.clone() };
    let mut map: std::collections::BTreeMap<String, CountryLine> = Default::default();
    let (sel, p) = donation_selection(&scope);
    let sql = format!(
        "WITH dc AS (SELECT DISTINCT r.country, r.donation_id FROM donation_recipients r WHERE r.donation_id IN ({sel})),
              multi AS (SELECT donation_id FROM donation_recipients WHERE donation_id IN ({sel}) GROUP BY donation_id HAVING COUNT(DISTINCT country) > 1)
         SELECT dc.country, COUNT(*), COALESCE(SUM(d.cny_fen), 0), COALESCE(SUM(d.usd_cents), 0),
                (SELECT COUNT(DISTINCT COALESCE('p' || r2.partner_id, 'c' || r2.country)) FROM donation_recipients r2
                  WHERE r2.country = dc.country AND r2.donation_id IN ({sel})),
                SUM(dc.donation_id IN (SELECT donation_id FROM multi))
         FROM dc JOIN donations d ON d.id = dc.donation_id GROUP BY dc.country"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(p.iter()), |r| {
        Ok(CountryLine {
            country: r.get(0)?,
            donations: r.get(1)?,
            cny_fen: r.get(2)?,
            usd_cents: r.get(3)?,
            recipients: r.get(4)?,
            shared: r.get(5)?,
            ..Default::default()
        })
    })?;
    for row in rows {
        let line = row?;
        map.insert(line.country.clone(), line);
    }
    let (sel, p) = letter_selection(&scope);
    let mut stmt = conn.prepare(&format!(
        "SELECT pa.country, COUNT(DISTINCT lp.letter_id) FROM letter_partners lp JOIN partners pa ON pa.id = lp.partner_id
         WHERE lp.letter_id IN ({sel}) GROUP BY pa.country"
    ))?;
    for row in stmt.query_map(params_from_iter(p.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (c, n) = row?;
        map.entry(c.clone()).or_insert_with(|| CountryLine { country: c, ..Default::default() }).letters = n;
    }
    let (sel, p) = event_selection(&scope);
    let mut stmt = conn.prepare(&format!(
        "SELECT country, COUNT(DISTINCT event_id) FROM event_participants WHERE country IS NOT NULL AND event_id IN ({sel}) GROUP BY country"
    ))?;
    for row in stmt.query_map(params_from_iter(p.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (c, n) = row?;
        map.entry(c.clone()).or_insert_with(|| CountryLine { country: c, ..Default::default() }).events = n;
    }
    let mut v: Vec<CountryLine> = map.into_values().collect();
    v.sort_by(|a, b| b.cny_fen.cmp(&a.cny_fen).then(b.donations.cmp(&a.donations)).then(a.country.cmp(&b.country)));
    Ok(v)
}

// ---------------------------------------------------------------- partners

/// Partners whose name or alias normalises exactly to `norm` (not deleted).
pub fn partners_by_norm(conn: &Connection, norm: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT n.partner_id FROM partner_names n JOIN partners p ON p.id = n.partner_id
         WHERE n.norm = ?1 AND p.deleted_at IS NULL ORDER BY n.partner_id",
    )?;
    let rows = stmt.query_map([norm], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every (partner id, normalised name) pair, for fuzzy matching.
pub fn partner_names(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.partner_id, n.norm, n.name FROM partner_names n JOIN partners p ON p.id = n.partner_id WHERE p.deleted_at IS NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartnerLine {
    pub partner: Partner,
    pub donations: i64,
    pub cny_fen: i64,
    pub letters: i64,
    pub events: i64,
}

/// Partners (optionally of one country or kind) with a one-line tally each, by name.
pub fn partners(
    conn: &Connection,
    staff: bool,
    country: Option<CountryCode>,
    kind: Option<PartnerKind>,
    limit: usize,
    offset: usize,
) -> Result<(i64, Vec<PartnerLine>)> {
    let internal = if staff { "" } else { " AND x.internal = 0" };
    let sql = format!(
        "SELECT p.id,
           (SELECT COUNT(DISTINCT r.donation_id) FROM donation_recipients r JOIN donations x ON x.id = r.donation_id
             WHERE r.partner_id = p.id AND x.deleted_at IS NULL{internal}),
           (SELECT COALESCE(SUM(x.cny_fen), 0) FROM donations x WHERE x.deleted_at IS NULL{internal}
             AND x.id IN (SELECT donation_id FROM donation_recipients WHERE partner_id = p.id)),
           (SELECT COUNT(DISTINCT lp.letter_id) FROM letter_partners lp JOIN letters x ON x.id = lp.letter_id
             WHERE lp.partner_id = p.id AND x.deleted_at IS NULL{internal}),
           (SELECT COUNT(DISTINCT ep.event_id) FROM event_participants ep JOIN events x ON x.id = ep.event_id
             WHERE ep.partner_id = p.id AND x.deleted_at IS NULL{internal})
         FROM partners p WHERE p.deleted_at IS NULL AND (?1 IS NULL OR p.country = ?1) AND (?2 IS NULL OR p.kind = ?2)
         ORDER BY p.country, p.name"
    );
    let c = country.map(|c| c.as_str().to_string());
    let k = kind.map(|k| k.as_str().to_string());
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params![c, k], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = rows.len() as i64;
    let mut out = Vec::new();
    for (id, donations, cny_fen, letters, events) in rows.into_iter().skip(offset).take(limit) {
        if let Some(partner) = records::get_partner(conn, id)? {
            out.push(PartnerLine { partner, donations, cny_fen, letters, events });
        }
    }
    Ok((total, out))
}

/// Distinct donors whose name contains `text` (case-insensitive).
/// Donors of live donations whose name contains `text`; of public donations only unless `internal`
/// (a name that only internal records use must look unknown to those who may not see them).
pub fn donors_like(conn: &Connection, text: &str, internal: bool) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT donor FROM donations WHERE deleted_at IS NULL AND (internal = 0 OR ?2)
           AND donor LIKE ?1 ESCAPE '\\' ORDER BY donor LIMIT 10",
    )?;
    let rows = stmt.query_map(params![like_pattern(text), internal], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DonorLine {
    pub donor: String,
    pub donations: i64,
    pub valued: i64,
    pub cny_fen: i64,
    /// Distinct recipients (partners, and countries given to directly).
    pub recipients: i64,
    pub countries: i64,
}

/// Who gave in `scope` (its filter is ignored), with a tally each: most money first, then most
/// donations, then by name.
pub fn donors(conn: &Connection, scope: &Scope) -> Result<Vec<DonorLine>> {
    let scope = Scope { filter: Filter::All, ..scope.clone() };
    let (w, p) = donation_where(&scope);
    let mut map: std::collections::BTreeMap<String, DonorLine> = Default::default();
    let mut stmt = conn.prepare(&format!(
        "SELECT t.donor, COUNT(*), COUNT(t.value), COALESCE(SUM(t.cny_fen), 0) FROM donations t WHERE {w} GROUP BY t.donor"
    ))?;
    let rows = stmt.query_map(params_from_iter(p.iter()), |r| {
        Ok(DonorLine {
            donor: r.get(0)?,
            donations: r.get(1)?,
            valued: r.get(2)?,
            cny_fen: r.get(3)?,
            ..Default::default()
        })
    })?;
    for row in rows {
        let l = row?;
        map.insert(l.donor.clone(), l);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT t.donor, COUNT(DISTINCT COALESCE('p' || r.partner_id, 'c' || r.country)), COUNT(DISTINCT r.country)
         FROM donation_recipients r JOIN donations t ON t.id = r.donation_id WHERE {w} GROUP BY t.donor"
    ))?;
    let rows = stmt.query_map(params_from_iter(p.iter()), |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
    for row in rows {
        let (d, recipients, countries) = row?;
        if let Some(l) = map.get_mut(&d) {
            l.recipients = recipients;
            l.countries = countries;
        }
    }
    let mut v: Vec<DonorLine> = map.into_values().collect();
    v.sort_by(|a, b| b.cny_fen.cmp(&a.cny_fen).then(b.donations.cmp(&a.donations)).then(a.donor.cmp(&b.donor)));
    Ok(v)
}

/// Whether a live donation (a public one unless `internal`) has an item with this key. Read from the
/// running sums, which hold live donations only.
pub fn item_exists(conn: &Connection, key: &str, internal: bool) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM item_sums WHERE item_key = ?1 AND (internal = 0 OR ?2) AND quantity > 0)",
    )?;
    Ok(stmt.query_row(params![key, internal], |r| r.get(0))?)
}

/// Item keys and names of live donations (public ones unless `internal`), for suggestions.
pub fn item_names(conn: &Connection, internal: bool) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_key, MAX(item) FROM item_sums WHERE (internal = 0 OR ?1) AND quantity > 0
         GROUP BY item_key LIMIT 2000",
    )?;
    let rows = stmt.query_map([internal], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn like_pattern(text: &str) -> String {
    let mut s = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Records whose names, notes or quotes contain `text` (case-insensitive for ASCII), newest first.
pub fn search(conn: &Connection, text: &str, staff: bool, limit: usize) -> Result<Vec<RecordId>> {
    let pat = like_pattern(text);
    let internal = if staff { "" } else { " AND t.internal = 0" };
    let sql = format!(
        "SELECT 'D', t.id, t.date FROM donations t WHERE t.deleted_at IS NULL{internal} AND (t.donor LIKE ?1 ESCAPE '\\' OR t.note LIKE ?1 ESCAPE '\\' OR t.fund LIKE ?1 ESCAPE '\\'
            OR t.id IN (SELECT donation_id FROM donation_items WHERE item LIKE ?1 ESCAPE '\\')
            OR t.id IN (SELECT r.donation_id FROM donation_recipients r JOIN partner_names n ON n.partner_id = r.partner_id WHERE n.name LIKE ?1 ESCAPE '\\'))
         UNION ALL
         SELECT 'L', t.id, t.date FROM letters t WHERE t.deleted_at IS NULL{internal} AND (t.quote LIKE ?1 ESCAPE '\\' OR t.author LIKE ?1 ESCAPE '\\'
            OR t.signatories LIKE ?1 ESCAPE '\\' OR t.note LIKE ?1 ESCAPE '\\'
            OR t.id IN (SELECT lp.letter_id FROM letter_partners lp JOIN partner_names n ON n.partner_id = lp.partner_id WHERE n.name LIKE ?1 ESCAPE '\\'))
         UNION ALL
         SELECT 'E', t.id, t.date FROM events t WHERE t.deleted_at IS NULL{internal} AND (t.topic LIKE ?1 ESCAPE '\\' OR t.host LIKE ?1 ESCAPE '\\' OR t.note LIKE ?1 ESCAPE '\\'
            OR t.id IN (SELECT event_id FROM event_participants WHERE name LIKE ?1 ESCAPE '\\')
            OR t.id IN (SELECT ep.event_id FROM event_participants ep JOIN partner_names n ON n.partner_id = ep.partner_id WHERE n.name LIKE ?1 ESCAPE '\\'))
         UNION ALL
         SELECT 'R', t.id, t.date FROM receptions t WHERE t.deleted_at IS NULL{internal} AND (t.place LIKE ?1 ESCAPE '\\' OR t.guests LIKE ?1 ESCAPE '\\' OR t.note LIKE ?1 ESCAPE '\\')
         UNION ALL
         SELECT 'P', p.id, '9999' FROM partners p WHERE p.deleted_at IS NULL AND (p.note LIKE ?1 ESCAPE '\\'
            OR p.id IN (SELECT partner_id FROM partner_names WHERE name LIKE ?1 ESCAPE '\\'))
         ORDER BY 3 DESC, 2 DESC LIMIT {limit}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([pat], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (k, id) = row?;
        if let Some(rid) = RecordId::parse(&format!("{k}-{id}")) {
            out.push(rid);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- reported figures

/// Reports (of one kind, or all) whose covered days overlap `period`: by kind, newest first (in the
/// order logged within a day). The
/// public ones only unless `staff`.
pub fn reported(
    conn: &Connection,
    staff: bool,
    of: Option<ReportedOf>,
    period: &Period,
    limit: usize,
    offset: usize,
) -> Result<(i64, Vec<Reported>)> {
    let mut p: Vec<Value> = Vec::new();
    let mut w = String::from("t.deleted_at IS NULL");
    if !staff {
        w.push_str(" AND t.internal = 0");
    }
    if let Some(of) = of {
        p.push(Value::Text(of.as_str().into()));
        w.push_str(&format!(" AND t.of = ?{}", p.len()));
    }
    if let Some(to) = period.to {
        p.push(Value::Text(date_sql(to)));
        w.push_str(&format!(" AND (t.period_from IS NULL OR t.period_from <= ?{})", p.len()));
    }
    if let Some(from) = period.from {
        p.push(Value::Text(date_sql(from)));
        w.push_str(&format!(" AND COALESCE(t.period_to, t.date) >= ?{}", p.len()));
    }
    let count: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM reported t WHERE {w}"), params_from_iter(p.iter()), |r| {
            r.get(0)
        })?;
    let order =
        "CASE t.of WHEN 'donations' THEN 0 WHEN 'letters' THEN 1 WHEN 'events' THEN 2 ELSE 3 END, t.date DESC, t.id";
    let ids = ids_page(conn, &format!("SELECT t.id FROM reported t WHERE {w} ORDER BY {order}"), &p, limit, offset)?;
    let list = ids.iter().filter_map(|id| records::get_reported(conn, *id).transpose()).collect::<Result<Vec<_>>>()?;
    Ok((count, list))
}

/// Reports published (dated) in `period`, oldest first: (how many, the first `limit`). For digests,
/// which announce what was published that week rather than every report whose days overlap it.
pub fn reported_dated(conn: &Connection, staff: bool, period: &Period, limit: usize) -> Result<(i64, Vec<Reported>)> {
    let mut p: Vec<Value> = Vec::new();
    let mut w = String::from("t.deleted_at IS NULL");
    if !staff {
        w.push_str(" AND t.internal = 0");
    }
    if let Some(from) = period.from {
        p.push(Value::Text(date_sql(from)));
        w.push_str(&format!(" AND t.date >= ?{}", p.len()));
    }
    if let Some(to) = period.to {
        p.push(Value::Text(date_sql(to)));
        w.push_str(&format!(" AND t.date <= ?{}", p.len()));
    }
    let count: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM reported t WHERE {w}"), params_from_iter(p.iter()), |r| {
            r.get(0)
        })?;
    let ids = ids_page(conn, &format!("SELECT t.id FROM reported t WHERE {w} ORDER BY t.date, t.id"), &p, limit, 0)?;
    let list = ids.iter().filter_map(|id| records::get_reported(conn, *id).transpose()).collect::<Result<Vec<_>>>()?;
    Ok((count, list))
}

/// How much of each figure of a report the ledger itemizes over the report's period, in the
/// figure's own terms: minor units of its currency for money (CNY or USD; other currencies are not
/// compared), a count or a quantity otherwise. `None` where the ledger has nothing to compare.
///
/// A report that counts recipients of some kinds ("30 local governments") is about donations to
/// those recipients: its money, items and countries are read from the donations that reached at
/// least one partner of those kinds (all donations of the period when it names none).
///
/// A report about donations reads the per-day running sums (migration 0013): a few thousand small
/// rows whatever the period, instead of the period's donations. [`itemized_from_tables`] computes the
/// same from the tables (a test checks they agree).
pub fn itemized(conn: &Connection, staff: bool, rep: &Reported) -> Result<Vec<Option<i64>>> {
    Ok(reckon(conn, staff, rep, None)?.values)
}

/// A donation report's reconciliation with what it was reckoned from: the present (partner,
/// country, kind) of its kinds and the countries given to directly in its days, when a figure needed
/// them. Kept by `Store::itemized_kept`, and brought up to date from what changed since.
#[derive(Clone, Debug, Default)]
pub struct Reckoned {
    pub values: Vec<Option<i64>>,
    pairs: Option<Vec<(i64, String, PartnerKind)>>,
    direct: Option<Vec<String>>,
}

/// Most partners (or countries) changed since an earlier reckoning that are probed again one by one;
/// more, and the report is reckoned whole.
const RECKON_AGAIN_UP_TO: usize = 1000;

/// Reckons a report, from scratch or from an earlier reckoning (`prior`, made when the reach clock
/// stood at the tick given): then only the partners and countries whose donations changed since
/// (`reach_partner_versions`, `reach_country_versions`, migration 0013) are probed again; money and
/// items, a few small sums, are read again whole.
pub fn reckon(conn: &Connection, staff: bool, rep: &Reported, prior: Option<(&Reckoned, i64)>) -> Result<Reckoned> {
    use crate::domain::reported::{Amount, Counted};
    if rep.of != ReportedOf::Donations {
        return Ok(Reckoned { values: itemized_from_tables(conn, staff, rep)?, ..Default::default() });
    }
    let period = rep.period();
    let from = period.from.map(date_sql).unwrap_or_default();
    let to = period.to.map(date_sql).unwrap_or_else(|| "9999-12-31".into());
    let vis = if staff { "" } else { " AND s.internal = 0" };
    let (class, any) = report_class(rep);
    let mask: i64 = class.iter().map(|k| records::reach_bit(*k)).sum();
    let reach = if mask == 0 { String::new() } else { format!(" AND (s.reach & {mask}) != 0") };
    let kinds_sql =
        |kinds: &[PartnerKind]| kinds.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(",");
    let one = |sql: &str, extra: Option<&str>| -> Result<i64> {
        let v: Option<i64> = match extra {
            Some(x) => conn.query_row(sql, params![from, to, x], |r| r.get(0))?,
            None => conn.query_row(sql, params![from, to], |r| r.get(0))?,
        };
        Ok(v.unwrap_or(0))
    };
    // The (partner, country) pairs of partners of some kinds that had a donation in the days: one
    // index seek per pair (reach_partner_countries holds the pairs), a few thousand whatever the
    // period, never the rows of every day.
    let present_pairs = |kinds: &[PartnerKind]| {
        let k = if kinds.is_empty() { String::new() } else { format!(" AND p.kind IN ({})", kinds_sql(kinds)) };
        format!(
            "WITH present AS (SELECT pc.partner_id AS pid, pc.country AS country
               FROM reach_partner_countries pc JOIN partners p ON p.id = pc.partner_id
               WHERE EXISTS (SELECT 1 FROM reach_partners s WHERE s.partner_id = pc.partner_id AND s.country = pc.country
                 AND s.day >= ?1 AND s.day <= ?2{vis}){k})"
        )
    };
    // The countries given to directly in the days, walked the same way over reach_countries' key.
    let direct_countries = format!(
        "WITH RECURSIVE cc(country) AS (
           SELECT MIN(country) FROM reach_countries
           UNION ALL
           SELECT (SELECT MIN(country) FROM reach_countries WHERE country > cc.country) FROM cc WHERE cc.country IS NOT NULL),
         direct AS (SELECT country FROM cc WHERE country IS NOT NULL AND EXISTS (
           SELECT 1 FROM reach_countries s WHERE s.country = cc.country AND s.day >= ?1 AND s.day <= ?2{vis}))"
    );
    // Read once per report, when a figure needs them: the present (partner, country, kind) of the
    // report's kinds (every partner when it names none), and the countries given to directly.
    let mut pairs: Option<Vec<(i64, String, PartnerKind)>> = None;
    let mut direct: Option<Vec<String>> = None;
    // What changed since the prior reckoning (None: too much, or no prior: reckon whole).
    let changed = |table: &str, key: &str, since: i64| -> Result<Option<Vec<Value>>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {key} FROM {table} WHERE version > ?1 LIMIT {}",
            RECKON_AGAIN_UP_TO + 1
        ))?;
        let v = stmt.query_map([since], |r| r.get::<_, Value>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((v.len() <= RECKON_AGAIN_UP_TO).then_some(v))
    };
    let json = |v: &[Value]| -> Result<String> {
        let items: Vec<serde_json::Value> = v
            .iter()
            .map(|x| match x {
                Value::Integer(i) => serde_json::Value::from(*i),
                Value::Text(t) => serde_json::Value::from(t.clone()),
                _ => serde_json::Value::Null,
            })
            .collect();
        serde_json::to_string(&items).map_err(|e| super::corrupt(e.to_string()))
    };
    let present = |cell: &mut Option<Vec<(i64, String, PartnerKind)>>| -> Result<Vec<(i64, String, PartnerKind)>> {
        if cell.is_none() {
            let again = match prior {
                Some((old, since)) => match (&old.pairs, changed("reach_partner_versions", "partner_id", since)?) {
                    (Some(p), Some(ids)) => Some((p.clone(), ids)),
                    _ => None,
                },
                None => None,
            };
            let (mut v, only) = match &again {
                Some((kept, ids)) => {
                    let ids_i: Vec<i64> =
                        ids.iter().filter_map(|x| if let Value::Integer(i) = x { Some(*i) } else { None }).collect();
                    let kept: Vec<_> = kept.iter().filter(|(pid, _, _)| !ids_i.contains(pid)).cloned().collect();
                    (kept, Some(json(ids)?))
                }
                None => (Vec::new(), None),
            };
            if only.as_deref() != Some("[]") {
                let restrict = if only.is_some() { " WHERE pc.pid IN (SELECT value FROM json_each(?3))" } else { "" };
                let sql = format!(
                    "{} SELECT pc.pid, pc.country, p.kind FROM present pc JOIN partners p ON p.id = pc.pid{restrict}",
                    present_pairs(&class)
                );
                let mut stmt = conn.prepare(&sql)?;
                let map =
                    |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?));
                let rows = match &only {
                    Some(j) => stmt.query_map(params![from, to, j], map)?.collect::<rusqlite::Result<Vec<_>>>()?,
                    None => stmt.query_map(params![from, to], map)?.collect::<rusqlite::Result<Vec<_>>>()?,
                };
                for (pid, country, kind) in rows {
                    if let Some(kind) = PartnerKind::parse(&kind) {
                        v.push((pid, country, kind));
                    }
                }
            }
            *cell = Some(v);
        }
        Ok(cell.clone().unwrap_or_default())
    };
    let direct_list = |cell: &mut Option<Vec<String>>| -> Result<Vec<String>> {
        if cell.is_none() {
            let again = match prior {
                Some((old, since)) => match (&old.direct, changed("reach_country_versions", "country", since)?) {
                    (Some(d), Some(cs)) => Some((d.clone(), cs)),
                    _ => None,
                },
                None => None,
            };
            let v = match again {
                Some((kept, cs)) => {
                    let names: Vec<String> =
                        cs.iter().filter_map(|x| if let Value::Text(t) = x { Some(t.clone()) } else { None }).collect();
                    let mut v: Vec<String> = kept.into_iter().filter(|c| !names.contains(c)).collect();
                    if !names.is_empty() {
                        let mut stmt = conn.prepare(&format!(
                            "SELECT c.value FROM json_each(?3) c WHERE EXISTS (SELECT 1 FROM reach_countries s
                               WHERE s.country = c.value AND s.day >= ?1 AND s.day <= ?2{vis})"
                        ))?;
                        let rows = stmt.query_map(params![from, to, json(&cs)?], |r| r.get::<_, String>(0))?;
                        v.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
                    }
                    v
                }
                None => {
                    let mut stmt = conn.prepare(&format!("{direct_countries} SELECT country FROM direct"))?;
                    let rows = stmt.query_map(params![from, to], |r| r.get::<_, String>(0))?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                }
            };
            *cell = Some(v);
        }
        Ok(cell.clone().unwrap_or_default())
    };
    let mut out = Vec::with_capacity(rep.figures.len());
    for f in &rep.figures {
        let n = match &f.amount {
            Amount::Money { currency, .. } => {
                let col = if *currency == Currency::CNY {
                    "cny_fen"
                } else if *currency == Currency::USD {
                    "usd_cents"
                } else {
                    out.push(None);
                    continue;
                };
                Some(one(
                    &format!("SELECT SUM(s.{col}) FROM reach_sums s WHERE s.day >= ?1 AND s.day <= ?2{vis}{reach}"),
                    None,
                )?)
            }
            Amount::Count { counted, .. } => match counted {
                Counted::Recipients { kinds } => {
                    let pairs = present(&mut pairs)?;
                    let mut ids: Vec<i64> = pairs
                        .iter()
                        .filter(|(_, _, k)| kinds.is_empty() || kinds.contains(k))
                        .map(|(pid, _, _)| *pid)
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let direct = if kinds.is_empty() { direct_list(&mut direct)?.len() } else { 0 };
                    Some((ids.len() + direct) as i64)
                }
                Counted::Countries => {
                    let mut countries: Vec<String> = present(&mut pairs)?.iter().map(|(_, c, _)| c.clone()).collect();
                    if any || class.is_empty() {
                        countries.extend(direct_list(&mut direct)?.iter().cloned());
                    }
                    countries.sort_unstable();
                    countries.dedup();
                    Some(countries.len() as i64)
                }
                Counted::Item { key } => Some(one(
                    &format!(
                        "SELECT SUM(s.quantity) FROM reach_items s WHERE s.item_key = ?3 AND s.day >= ?1 AND s.day <= ?2{vis}{reach}"
                    ),
                    Some(key),
                )?),
                _ => None,
            },
        };
        out.push(n);
    }
    Ok(Reckoned { values: out, pairs, direct })
}

/// The union of the recipient kinds a report names, and whether it also counts "any" recipient
/// (then its money, items and countries are of every donation of the period: the kinds list is
/// empty).
fn report_class(rep: &Reported) -> (Vec<PartnerKind>, bool) {
    use crate::domain::reported::{Amount, Counted};
    let mut class: Vec<PartnerKind> = Vec::new();
    let mut any = false;
    for f in &rep.figures {
        if let Amount::Count { counted: Counted::Recipients { kinds }, .. } = &f.amount {
            if kinds.is_empty() {
                any = true;
            }
            for k in kinds {
                if !class.contains(k) {
                    class.push(*k);
                }
            }
        }
    }
    if any {
        class.clear();
    }
    (class, any)
}

/// [`itemized`] computed from the ledger's tables: any kind of report, by reading the period's
/// records (the oracle the running sums are checked against, and the way for letters, events and
/// receptions, whose tables are small).
pub fn itemized_from_tables(conn: &Connection, staff: bool, rep: &Reported) -> Result<Vec<Option<i64>>> {
    use crate::domain::reported::{Amount, Counted};
    let period = rep.period();
    let scope = Scope::with_period(staff, &period, Filter::All);
    let mut p = Vec::new();
    let w = base_where(&scope, &mut p);
    let kinds_sql = |kinds: &[PartnerKind]| -> String {
        kinds.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(",")
    };
    // The union of the recipient kinds the report names; empty when it names none, or "any".
    let (class, _) = report_class(rep);
    let donation_class = if class.is_empty() {
        String::new()
    } else {
        format!(
            " AND EXISTS (SELECT 1 FROM donation_recipients r JOIN partners p ON p.id = r.partner_id
                          WHERE r.donation_id = t.id AND p.kind IN ({}))",
            kinds_sql(&class)
        )
    };
    let partner_class =
        if class.is_empty() { String::new() } else { format!(" AND p.kind IN ({})", kinds_sql(&class)) };
    let one = |sql: String, extra: Option<Value>| -> Result<Option<i64>> {
        let mut params = p.clone();
        params.extend(extra);
        Ok(Some(conn.query_row(&sql, params_from_iter(params.iter()), |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0)))
    };
    let mut out = Vec::with_capacity(rep.figures.len());
    for f in &rep.figures {
        let n = match (&f.amount, rep.of) {
            (Amount::Money { currency, .. }, ReportedOf::Donations) => {
                let col = if *currency == Currency::CNY {
                    "cny_fen"
                } else if *currency == Currency::USD {
                    "usd_cents"
                } else {
                    out.push(None);
                    continue;
                };
                one(format!("SELECT SUM(t.{col}) FROM donations t WHERE {w}{donation_class}"), None)?
            }
            (Amount::Money { .. }, _) => None,
            (Amount::Count { counted, .. }, of) => match (counted, of) {
                (Counted::Recipients { kinds }, ReportedOf::Donations) if kinds.is_empty() => one(
                    format!(
                        "SELECT COUNT(DISTINCT COALESCE('p' || r.partner_id, 'c' || r.country)) FROM donation_recipients r
                         JOIN donations t ON t.id = r.donation_id WHERE {w}"
                    ),
                    None,
                )?,
                (Counted::Recipients { kinds }, ReportedOf::Donations) => one(
                    format!(
                        "SELECT COUNT(DISTINCT r.partner_id) FROM donation_recipients r JOIN partners p ON p.id = r.partner_id
                         JOIN donations t ON t.id = r.donation_id WHERE {w} AND p.kind IN ({})",
                        kinds_sql(kinds)
                    ),
                    None,
                )?,
                (Counted::Countries, ReportedOf::Donations) => one(
                    format!(
                        "SELECT COUNT(DISTINCT r.country) FROM donation_recipients r LEFT JOIN partners p ON p.id = r.partner_id
                         JOIN donations t ON t.id = r.donation_id WHERE {w}{partner_class}"
                    ),
                    None,
                )?,
                (Counted::Item { key }, ReportedOf::Donations) => one(
                    format!(
                        "SELECT SUM(i.quantity) FROM donation_items i JOIN donations t ON t.id = i.donation_id
                         WHERE {w}{donation_class} AND i.item_key = ?{}",
                        p.len() + 1
                    ),
                    Some(Value::Text(key.clone())),
                )?,
                (Counted::Recipients { kinds }, ReportedOf::Letters) => {
                    let k = if kinds.is_empty() { String::new() } else { format!(" AND p.kind IN ({})", kinds_sql(kinds)) };
                    one(
                        format!(
                            "SELECT COUNT(DISTINCT lp.partner_id) FROM letter_partners lp JOIN partners p ON p.id = lp.partner_id
                             JOIN letters t ON t.id = lp.letter_id WHERE {w} AND t.direction = 'sent'{k}"
                        ),
                        None,
                    )?
                }
                (Counted::Letters, ReportedOf::Letters) => {
                    one(format!("SELECT COUNT(*) FROM letters t WHERE {w} AND t.direction = 'sent'"), None)?
                }
                (Counted::Countries, ReportedOf::Letters) => one(
                    format!(
                        "SELECT COUNT(DISTINCT p.country) FROM letter_partners lp JOIN partners p ON p.id = lp.partner_id
                         JOIN letters t ON t.id = lp.letter_id WHERE {w} AND t.direction = 'sent'{partner_class}"
                    ),
                    None,
                )?,
                (Counted::Events, ReportedOf::Events) => one(format!("SELECT COUNT(*) FROM events t WHERE {w}"), None)?,
                (Counted::Recipients { kinds }, ReportedOf::Events) => {
                    let k = if kinds.is_empty() { String::new() } else { format!(" AND p.kind IN ({})", kinds_sql(kinds)) };
                    one(
                        format!(
                            "SELECT COUNT(DISTINCT ep.partner_id) FROM event_participants ep JOIN partners p ON p.id = ep.partner_id
                             JOIN events t ON t.id = ep.event_id WHERE {w}{k}"
                        ),
                        None,
                    )?
                }
                (Counted::Countries, ReportedOf::Events) => one(
                    format!(
                        "SELECT COUNT(DISTINCT ep.country) FROM event_participants ep JOIN events t ON t.id = ep.event_id
                         WHERE {w} AND ep.country IS NOT NULL"
                    ),
                    None,
                )?,
                (Counted::Guests, ReportedOf::Receptions) => {
                    one(format!("SELECT SUM(t.count) FROM receptions t WHERE {w}"), None)?
                }
                (Counted::Receptions, ReportedOf::Receptions) => {
                    one(format!("SELECT COUNT(*) FROM receptions t WHERE {w}"), None)?
                }
                (Counted::Countries, ReportedOf::Receptions) => one(
                    format!(
                        "SELECT COUNT(DISTINCT rc.country) FROM reception_countries rc JOIN receptions t ON t.id = rc.reception_id
                         WHERE {w}"
                    ),
                    None,
                )?,
                _ => None,
            },
        };
        out.push(n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with `n` donations, one a day from 2020-01-01, written without children.
    fn with_donations(n: usize) -> (tempfile::TempDir, super::super::Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = super::super::Store::open(&dir.path().join("t.db")).unwrap();
        for i in 0..n {
            let day = date_sql(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(i as u64));
            store
                .conn()
                .execute(
                    "INSERT INTO donations (date, donor, value_date, status, created_by, created_at)
                     VALUES (?1, 'Office', ?1, 'shipped', 'test', ?1)",
                    [&day],
                )
                .unwrap();
        }
        (dir, store)
    }

    #[test]
    fn an_error_of_the_function_fed_on_the_second_thread_stops_the_pass_and_is_returned() {
        let (_dir, store) = with_donations(40);
        let from = NaiveDate::from_ymd_opt(2019, 1, 1);
        for scope in [Scope::all(true), Scope { from, to: None, staff: true, filter: Filter::All }] {
            let mut calls = 0;
            let out = each_donation(store.conn(), &scope, 3, &mut |batch| {
                calls += 1;
                assert!(batch.len() <= 3);
                if calls == 2 { Err(crate::store::corrupt("the disk is full")) } else { Ok(()) }
            });
            assert!(matches!(out, Err(crate::store::StoreError::Corrupt(ref e)) if e == "the disk is full"), "{out:?}");
            assert_eq!(calls, 2, "no batch is fed after the error");
        }
    }

    #[test]
    fn every_donation_reaches_the_function_once_in_date_order() {
        let (_dir, store) = with_donations(40);
        let mut days = Vec::new();
        each_donation(store.conn(), &Scope::all(true), 7, &mut |batch| {
            days.extend(batch.into_iter().map(|d| d.date));
            Ok(())
        })
        .unwrap();
        assert_eq!(days.len(), 40);
        assert!(days.windows(2).all(|w| w[0] < w[1]));
    }
}

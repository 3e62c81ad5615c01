//! The digest outbox (`digest_deliveries`: one row per digest and period, written before the message is
//! sent; `digest_cursors`: how far each schedule has been handled) and the read queries only digests
//! need: records logged in a time window, value by country, and the value per month.

use super::records::{date_from, date_sql};
use super::{Result, corrupt};
use crate::domain::{RecordId, RecordKind};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn ts_from(s: &str) -> Result<DateTime<Utc>> {
    super::parse_ts(s).ok_or_else(|| corrupt(format!("bad timestamp {s:?}")))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Sending,
    Sent,
    Failed,
    Skipped,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Option<State> {
        [State::Pending, State::Sending, State::Sent, State::Failed, State::Skipped]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One outbox row.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub digest: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub target: String,
    pub manual: bool,
    pub fire_at: DateTime<Utc>,
    pub state: State,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub deadline_at: DateTime<Utc>,
    pub lang: String,
    pub title: String,
    pub body: String,
    /// The body's heading lines (empty for rows written before migration 0006).
    pub headings: Vec<String>,
    /// The document as the digest module stored it (JSON; None for rows written before migration 0010).
    pub doc: Option<String>,
    pub chart: Option<Vec<u8>>,
    pub message_ids: Vec<String>,
    pub last_error: Option<String>,
    pub possible_duplicate: bool,
    pub reported: bool,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A row to write.
#[derive(Clone, Debug)]
pub struct NewDelivery<'a> {
    pub digest: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub target: &'a str,
    pub manual: bool,
    pub fire_at: DateTime<Utc>,
    pub skipped: bool,
    pub deadline_at: DateTime<Utc>,
    pub lang: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub headings: &'a [String],
    /// The document (JSON), which transports render from.
    pub doc: Option<&'a str>,
    pub chart: Option<&'a [u8]>,
}

const COLS: &str = "id, digest, period_from, period_to, target, origin, fire_at, state, attempts, next_attempt_at,
    deadline_at, lang, title, body, chart, message_ids, last_error, possible_duplicate, reported_at, sent_at, headings, doc";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Vec<rusqlite::types::Value>> {
    (0..22).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect()
}

fn delivery(v: Vec<rusqlite::types::Value>) -> Result<Delivery> {
    use rusqlite::types::Value as V;
    let text = |i: usize| match &v[i] {
        V::Text(s) => Ok(s.clone()),
        _ => Err(corrupt(format!("digest_deliveries column {i}"))),
    };
    let opt_text = |i: usize| match &v[i] {
        V::Text(s) => Some(s.clone()),
        _ => None,
    };
    let int = |i: usize| match &v[i] {
        V::Integer(n) => *n,
        _ => 0,
    };
    let state = text(7)?;
    Ok(Delivery {
        id: int(0),
        digest: text(1)?,
        from: date_from(&text(2)?)?,
        to: date_from(&text(3)?)?,
        target: text(4)?,
        manual: text(5)? == "manual",
        fire_at: ts_from(&text(6)?)?,
        state: State::parse(&state).ok_or_else(|| corrupt(format!("delivery state {state}")))?,
        attempts: int(8),
        next_attempt_at: opt_text(9).as_deref().map(ts_from).transpose()?,
        deadline_at: ts_from(&text(10)?)?,
        lang: text(11)?,
        title: text(12)?,
        body: text(13)?,
        chart: match &v[14] {
            V::Blob(b) => Some(b.clone()),
            _ => None,
        },
        message_ids: serde_json::from_str(&text(15)?).map_err(|e| corrupt(format!("message ids: {e}")))?,
        last_error: opt_text(16),
        possible_duplicate: int(17) != 0,
        reported: opt_text(18).is_some(),
        sent_at: opt_text(19).as_deref().map(ts_from).transpose()?,
        headings: match opt_text(20) {
            Some(j) => serde_json::from_str(&j).map_err(|e| corrupt(format!("digest headings: {e}")))?,
            None => Vec::new(),
        },
        doc: opt_text(21),
    })
}

fn query(conn: &Connection, where_: &str, p: impl rusqlite::Params) -> Result<Vec<Delivery>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM digest_deliveries WHERE {where_}"))?;
    let rows = stmt.query_map(p, row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(delivery).collect()
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Delivery>> {
    Ok(query(conn, "id = ?1", [id])?.pop())
}

/// The row of a digest and period, if any.
pub fn find(conn: &Connection, digest: &str, from: NaiveDate, to: NaiveDate) -> Result<Option<Delivery>> {
    Ok(query(
        conn,
        "digest = ?1 AND period_from = ?2 AND period_to = ?3",
        params![digest, date_sql(from), date_sql(to)],
    )?
    .pop())
}

/// Every row of a digest, oldest period first.
pub fn list(conn: &Connection, digest: &str) -> Result<Vec<Delivery>> {
    query(conn, "digest = ?1 ORDER BY period_to, id", [digest])
}

/// The last day already covered by a digest that was sent, is on its way, or was skipped as empty.
/// Failed rows do not count: their days were never delivered.
pub fn covered_through(conn: &Connection, digest: &str) -> Result<Option<NaiveDate>> {
    let d: Option<String> = conn.query_row(
        "SELECT MAX(period_to) FROM digest_deliveries WHERE digest = ?1 AND state <> 'failed'",
        [digest],
        |r| r.get(0),
    )?;
    d.as_deref().map(date_from).transpose()
}

/// Writes a row; `None` when the (digest, period) row already exists (nothing is written).
pub fn insert(tx: &Connection, d: &NewDelivery<'_>, now: DateTime<Utc>) -> Result<Option<i64>> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO digest_deliveries (digest, period_from, period_to, target, origin, fire_at, state, attempts,
            next_attempt_at, deadline_at, lang, title, body, chart, created_at, updated_at, headings, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16)",
        params![
            d.digest,
            date_sql(d.from),
            date_sql(d.to),
            d.target,
            if d.manual { "manual" } else { "schedule" },
            ts(d.fire_at),
            if d.skipped { "skipped" } else { "pending" },
            (!d.skipped).then(|| ts(now)),
            ts(d.deadline_at),
            d.lang,
            d.title,
            d.body,
            d.chart,
            ts(now),
            serde_json::to_string(d.headings).unwrap_or_else(|_| "[]".into()),
            d.doc,
        ],
    )?;
    Ok((n == 1).then(|| tx.last_insert_rowid()))
}

/// Pending rows whose next attempt is due, oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Delivery>> {
    query(
        conn,
        "state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY fire_at, id",
        [ts(now)],
    )
}

/// Rows left in 'sending': a send was under way when amity stopped.
pub fn in_sending(conn: &Connection) -> Result<Vec<Delivery>> {
    query(conn, "state = 'sending' ORDER BY id", [])
}

/// Back to pending after a crash, flagged: the next send may repeat parts already delivered.
pub fn mark_possible_duplicate(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'pending', possible_duplicate = 1, next_attempt_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![id, ts(now)],
    )?;
    Ok(())
}

pub fn mark_sending(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
        params![id, ts(now)],
    )?;
    Ok(())
}

/// Records the ids of the parts sent so far (a retry resumes after them).
pub fn record_parts(tx: &Connection, id: i64, ids: &[String], now: DateTime<Utc>) -> Result<()> {
    let json = serde_json::to_string(ids).map_err(|e| corrupt(e.to_string()))?;
    tx.execute(
        "UPDATE digest_deliveries SET message_ids = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, json, ts(now)],
    )?;
    Ok(())
}

pub fn mark_sent(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'sent', next_attempt_at = NULL, sent_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![id, ts(now)],
    )?;
    Ok(())
}

pub fn mark_retry(tx: &Connection, id: i64, error: &str, next: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'pending', last_error = ?2, next_attempt_at = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, error, ts(next), ts(now)],
    )?;
    Ok(())
}

pub fn mark_failed(tx: &Connection, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'failed', last_error = ?2, next_attempt_at = NULL, updated_at = ?3 WHERE id = ?1",
        params![id, error, ts(now)],
    )?;
    Ok(())
}

/// A failed row sent again on request (`/digest send`): pending now, with a new deadline.
pub fn requeue(tx: &Connection, id: i64, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE digest_deliveries SET state = 'pending', next_attempt_at = ?3, deadline_at = ?2, reported_at = NULL, updated_at = ?3
         WHERE id = ?1 AND state = 'failed'",
        params![id, ts(deadline), ts(now)],
    )?;
    Ok(())
}

pub fn mark_reported(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute("UPDATE digest_deliveries SET reported_at = ?2 WHERE id = ?1", params![id, ts(now)])?;
    Ok(())
}

pub fn cursor(conn: &Connection, digest: &str) -> Result<Option<DateTime<Utc>>> {
    let s: Option<String> = conn
        .query_row("SELECT fired_through FROM digest_cursors WHERE digest = ?1", [digest], |r| r.get(0))
        .optional()?;
    s.as_deref().map(ts_from).transpose()
}

pub fn set_cursor(tx: &Connection, digest: &str, through: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO digest_cursors (digest, fired_through, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (digest) DO UPDATE SET fired_through = MAX(fired_through, excluded.fired_through), updated_at = excluded.updated_at",
        params![digest, ts(through), ts(now)],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- read queries for digest content

/// Records (not partners) logged in `[since, until)` whose own date is before `before`: a digest's
/// late entries. Returns (count, the newest `limit`).
pub fn logged_late(
    conn: &Connection,
    staff: bool,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    before: NaiveDate,
    limit: usize,
) -> Result<(i64, Vec<RecordId>)> {
    let internal = if staff { "" } else { " AND internal = 0" };
    let one = |kind: &str, table: &str| {
        format!(
            "SELECT '{kind}' AS k, id, date, created_at FROM {table} WHERE deleted_at IS NULL{internal}
             AND created_at >= ?1 AND created_at < ?2 AND date < ?3"
        )
    };
    let union =
        [one("D", "donations"), one("L", "letters"), one("E", "events"), one("R", "receptions")].join(" UNION ALL ");
    let p = params![ts(since), ts(until), date_sql(before)];
    let count: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM ({union})"), p, |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("{union} ORDER BY 3 DESC, 2 DESC LIMIT {limit}"))?;
    let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (k, id) = row?;
        let kind = match k.as_str() {
            "D" => RecordKind::Donation,
            "L" => RecordKind::Letter,
            "E" => RecordKind::Event,
            _ => RecordKind::Reception,
        };
        out.push(RecordId::new(kind, id));
    }
    Ok((count, out))
}

/// CNY value (fen) by recipient country over `[from, to]`, largest first. A donation shared by several
/// countries is split equally between them, so the bars add up to the period's total.
pub fn value_by_country(conn: &Connection, staff: bool, from: NaiveDate, to: NaiveDate) -> Result<Vec<(String, i64)>> {
    let internal = if staff { "" } else { " AND d.internal = 0" };
    let mut stmt = conn.prepare(&format!(
        "WITH dc AS (SELECT DISTINCT r.donation_id, r.country FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
                     WHERE d.deleted_at IS NULL{internal} AND d.date >= ?1 AND d.date <= ?2 AND d.cny_fen IS NOT NULL),
              n AS (SELECT donation_id, COUNT(*) AS k FROM dc GROUP BY donation_id)
         SELECT dc.country, SUM(d.cny_fen / n.k) FROM dc JOIN n ON n.donation_id = dc.donation_id JOIN donations d ON d.id = dc.donation_id
         GROUP BY dc.country ORDER BY 2 DESC, 1"
    ))?;
    let rows = stmt.query_map(params![date_sql(from), date_sql(to)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One month of donations: `YYYY-MM`, count, CNY fen, USD cents, valued donations missing USD.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthValue {
    pub month: String,
    pub count: i64,
    pub cny_fen: i64,
    pub usd_cents: i64,
    pub usd_missing: i64,
}

/// Donations per month up to and including `to`: the cumulative chart and the running totals are sums
/// of these. One range query per month on the covering index `donations_month_sums` (a `GROUP BY`
/// over the whole table would sort every row).
pub fn monthly(conn: &Connection, staff: bool, to: NaiveDate) -> Result<Vec<MonthValue>> {
    use chrono::Datelike;
    let internal = if staff { "" } else { " AND internal = 0" };
    let first: Option<String> =
        conn.query_row("SELECT MIN(date) FROM donations WHERE deleted_at IS NULL", [], |r| r.get(0))?;
    let Some(first) = first.as_deref().map(date_from).transpose()? else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare(&format!(
        "SELECT COUNT(*), COALESCE(SUM(cny_fen), 0), COALESCE(SUM(usd_cents), 0),
                COALESCE(SUM(cny_fen IS NOT NULL AND usd_cents IS NULL), 0)
         FROM donations WHERE date >= ?1 AND date <= ?2 AND deleted_at IS NULL{internal}"
    ))?;
    let mut out = Vec::new();
    let mut m = first.with_day(1).unwrap_or(first);
    while m <= to {
        let next = m.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
        let end = next.pred_opt().unwrap_or(next).min(to);
        let v = stmt.query_row([date_sql(m), date_sql(end)], |r| {
            Ok(MonthValue {
                month: m.format("%Y-%m").to_string(),
                count: r.get(0)?,
                cny_fen: r.get(1)?,
                usd_cents: r.get(2)?,
                usd_missing: r.get(3)?,
            })
        })?;
        out.push(v);
        if next <= m {
            break;
        }
        m = next;
    }
    Ok(out)
}

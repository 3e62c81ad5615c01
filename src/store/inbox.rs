//! The inbox every transport shares (`inbox`, migration 0009): each event received from a chat
//! network is written here before the network is told it was delivered (Telegram's offset, the 200 of
//! a webhook, a Matrix sync token), and marked answered once its answer was sent. An unanswered row is
//! handled again after a crash; an answered one keeps only its key, so a redelivery is never answered
//! twice, until it is older than a redelivery can be (`[database] keep_update_ids_hours`).
//!
//! Rows are keyed by `(transport, account, event_id)`: the event id is text (a Telegram update id, a
//! Matrix event id), and one transport may serve several accounts (another bot token restarts the ids).

use super::{Result, now_utc};
use rusqlite::{Connection, OptionalExtension, params};

/// One event as received: its id, its order among the account's events, and its body (the network's
/// own serialisation, read back by the transport after a restart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub id: String,
    pub seq: i64,
    pub body: String,
}

/// Records a batch of received events in one transaction and returns the ids that were new: not
/// received before, whether answered or still pending — except that an event answered and received
/// before `forget_before` (RFC 3339) no longer counts, so a new event that reuses its id is new
/// (Telegram picks update ids at random after a week without updates).
pub fn receive(
    conn: &Connection,
    transport: &str,
    account: &str,
    batch: &[Received],
    forget_before: &str,
) -> Result<Vec<String>> {
    let mut fresh = write(conn, transport, account, &[], &[batch], forget_before)?;
    Ok(fresh.pop().unwrap_or_default())
}

/// Notes answered events and records received batches in one transaction (what the inbox's writer
/// does with whatever queued up while its previous transaction ran: one commit, and the same few
/// pages written once, for all of it). Returns the new ids of each batch, as [`receive`] does.
pub fn write(
    conn: &Connection,
    transport: &str,
    account: &str,
    answered: &[String],
    batches: &[&[Received]],
    forget_before: &str,
) -> Result<Vec<Vec<String>>> {
    // Prepared once and kept: an answer's bookkeeping should not parse SQL.
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    let r = (|| -> Result<Vec<Vec<String>>> {
        let now = now_utc();
        let mut mark = conn.prepare_cached(
            "UPDATE inbox SET answered_at = ?4, body = '' WHERE transport = ?1 AND account = ?2 AND event_id = ?3",
        )?;
        for id in answered {
            mark.execute(params![transport, account, id, now])?;
        }
        let mut insert = conn.prepare_cached(
            "INSERT OR IGNORE INTO inbox (transport, account, event_id, seq, body, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        // Only for an id already held (rare: a redelivery, or an id reused): one search of the key
        // per new event, not two.
        let mut forget = conn.prepare_cached(
            "DELETE FROM inbox WHERE transport = ?1 AND account = ?2 AND event_id = ?3 AND answered_at IS NOT NULL
             AND received_at < ?4",
        )?;
        let mut fresh_all = Vec::with_capacity(batches.len());
        for batch in batches {
            let mut fresh = Vec::new();
            for ev in *batch {
                let new = insert.execute(params![transport, account, ev.id, ev.seq, ev.body, now])? > 0
                    || (forget.execute(params![transport, account, ev.id, forget_before])? > 0
                        && insert.execute(params![transport, account, ev.id, ev.seq, ev.body, now])? > 0);
                if new {
                    fresh.push(ev.id.clone());
                }
            }
            fresh_all.push(fresh);
        }
        Ok(fresh_all)
    })();
    let committed = r.and_then(|v| Ok(conn.prepare_cached("COMMIT")?.execute([]).map(|_| v)?));
    if committed.is_err() && !conn.is_autocommit() {
        let _ = conn.prepare_cached("ROLLBACK").and_then(|mut s| s.execute([]));
    }
    committed
}

/// Events received but not yet answered (after a crash), in their order, a page at a time: at most
/// `limit` events after `after` (the `(seq, id)` of the last event of the previous page), so a large
/// backlog is never loaded whole.
pub fn pending_page(
    conn: &Connection,
    transport: &str,
    account: &str,
    after: Option<(i64, String)>,
    limit: usize,
) -> Result<Vec<Received>> {
    let (seq, id) = after.unwrap_or((i64::MIN, String::new()));
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, seq, body FROM inbox WHERE transport = ?1 AND account = ?2 AND answered_at IS NULL
           AND (seq, event_id) > (?3, ?4)
         ORDER BY seq, event_id LIMIT ?5",
    )?;
    let rows = stmt.query_map(params![transport, account, seq, id, limit.min(i64::MAX as usize) as i64], |r| {
        Ok(Received { id: r.get(0)?, seq: r.get(1)?, body: r.get(2)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Which of `ids` the inbox holds (received before, answered or not).
pub fn known(conn: &Connection, transport: &str, account: &str, ids: &[String]) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM inbox WHERE transport = ?1 AND account = ?2 AND event_id = ?3")?;
    let mut out = Vec::new();
    for id in ids {
        if stmt.exists(params![transport, account, id])? {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// Whether an event was answered already.
pub fn is_answered(conn: &Connection, transport: &str, account: &str, id: &str) -> Result<bool> {
    let at: Option<Option<String>> = conn
        .query_row(
            "SELECT answered_at FROM inbox WHERE transport = ?1 AND account = ?2 AND event_id = ?3",
            params![transport, account, id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(matches!(at, Some(Some(_))))
}

/// Notes that events were answered (their bodies are no longer needed), in one transaction: the
/// notes of events answered at about the same time share one commit.
pub fn mark_answered(conn: &Connection, transport: &str, account: &str, ids: &[String]) -> Result<()> {
    write(conn, transport, account, ids, &[], "").map(|_| ())
}

/// Forgets answered events received before `before` (RFC 3339), at most `limit` (a long-running bot
/// prunes in small transactions, so the store is never held long). Returns how many rows went.
pub fn prune(conn: &Connection, before: &str, limit: usize) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM inbox WHERE (transport, account, event_id) IN (SELECT transport, account, event_id FROM inbox
             WHERE answered_at IS NOT NULL AND received_at < ?1 LIMIT ?2)",
        )?
        .execute(params![before, limit as i64])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, seq: i64) -> Received {
        Received { id: id.into(), seq, body: "{}".into() }
    }

    #[test]
    fn an_event_answered_before_the_cutoff_no_longer_counts_as_received() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let t0 = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap().to_utc();
        let before = |h: i64| (t0 + chrono::Duration::hours(h)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let got = crate::store::at_time(t0, || receive(c, "telegram", "1", &[ev("5", 5), ev("6", 6)], &before(-48)));
        assert_eq!(got.unwrap(), ["5", "6"]);
        mark_answered(c, "telegram", "1", &["5".into()]).unwrap();
        let again = receive(c, "telegram", "1", &[ev("5", 5)], &before(-48)).unwrap();
        assert!(again.is_empty(), "a redelivery");
        // 49 hours later: 5 was answered long ago, a new event may carry its id; 6 is still pending.
        let got = receive(c, "telegram", "1", &[ev("5", 5), ev("6", 6)], &before(1)).unwrap();
        assert_eq!(got, ["5"]);
        assert!(!is_answered(c, "telegram", "1", "5").unwrap(), "the new event 5 waits for its answer");
        // Another account or transport has ids of its own.
        assert_eq!(receive(c, "matrix", "@amity:x", &[ev("5", 1)], &before(1)).unwrap(), ["5"]);
    }

    #[test]
    fn one_write_notes_answers_and_records_batches_and_a_redelivery_in_it_is_not_new() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let cutoff = "2000-01-01T00:00:00.000Z";
        receive(c, "telegram", "1", &[ev("1", 1), ev("2", 2)], cutoff).unwrap();
        // 1 answered, and in the same transaction two batches: a redelivery of 1 beside a new 3, then 4.
        let (a, b) = ([ev("1", 1), ev("3", 3)], [ev("4", 4)]);
        let fresh = write(c, "telegram", "1", &["1".into()], &[&a, &b], cutoff).unwrap();
        assert_eq!(fresh, [vec!["3".to_string()], vec!["4".to_string()]]);
        assert!(is_answered(c, "telegram", "1", "1").unwrap());
        let pending: Vec<String> =
            pending_page(c, "telegram", "1", None, 10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(pending, ["2", "3", "4"]);
        assert!(c.is_autocommit(), "the transaction is closed");
    }

    #[test]
    fn pending_events_come_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let cutoff = "2000-01-01T00:00:00.000Z";
        receive(c, "matrix", "a", &[ev("$z", 1), ev("$a", 2), ev("$m", 3)], cutoff).unwrap();
        mark_answered(c, "matrix", "a", &["$a".into()]).unwrap();
        let ids: Vec<String> = pending_page(c, "matrix", "a", None, 10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["$z", "$m"]);
    }

    #[test]
    fn prune_forgets_old_answered_events_in_batches_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let row = |id: i64, at: &str, answered: bool| {
            c.execute(
                "INSERT INTO inbox (transport, account, event_id, seq, body, received_at, answered_at)
                 VALUES ('telegram', '1', ?1, ?1, '', ?2, ?3)",
                params![id.to_string(), at, answered.then_some(at)],
            )
            .unwrap();
        };
        for id in 1..=5 {
            row(id, "2020-01-01T00:00:00.000Z", true);
        }
        row(6, "2020-01-01T00:00:00.000Z", false);
        row(7, "2020-02-01T00:00:00.000Z", true);
        let mut rounds = 0;
        while prune(c, "2020-01-15T00:00:00.000Z", 2).unwrap() > 0 {
            rounds += 1;
        }
        assert_eq!(rounds, 3, "2 + 2 + 1");
        let left: Vec<i64> = c
            .prepare("SELECT seq FROM inbox ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(left, [6, 7], "an unanswered event and a recent one stay");
    }
}

//! The Telegram transport's records: the updates received (an inbox until each is answered, then a
//! note that it was, so a redelivery is never answered twice) and long button data kept under short
//! keys (Telegram's `callback_data` holds at most 64 bytes), and the staff command menus published.

use super::{Result, now_utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

/// Records a batch of received updates in one transaction and returns the ids that were new: not
/// received before, whether answered or still pending — except that an update answered and received
/// before `forget_before` (RFC 3339: now less `[database] keep_update_ids_hours`) no longer counts, so
/// a new update that reuses its id is new (Telegram picks ids at random after a week without updates).
pub fn receive(conn: &Connection, bot_id: i64, batch: &[(i64, String)], forget_before: &str) -> Result<Vec<i64>> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut fresh = Vec::new();
    {
        let mut forget = tx.prepare_cached(
            "DELETE FROM telegram_updates WHERE bot_id = ?1 AND update_id = ?2 AND answered_at IS NOT NULL
             AND received_at < ?3",
        )?;
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO telegram_updates (bot_id, update_id, body, received_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let now = now_utc();
        for (id, body) in batch {
            forget.execute(params![bot_id, id, forget_before])?;
            if stmt.execute(params![bot_id, id, body, now])? > 0 {
                fresh.push(*id);
            }
        }
    }
    tx.commit()?;
    Ok(fresh)
}

/// Updates received but not yet answered (after a crash), oldest first.
pub fn pending(conn: &Connection, bot_id: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT update_id, body FROM telegram_updates WHERE bot_id = ?1 AND answered_at IS NULL ORDER BY update_id",
    )?;
    let rows = stmt.query_map([bot_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Whether an update was answered already.
pub fn is_answered(conn: &Connection, bot_id: i64, update_id: i64) -> Result<bool> {
    let at: Option<Option<String>> = conn
        .query_row(
            "SELECT answered_at FROM telegram_updates WHERE bot_id = ?1 AND update_id = ?2",
            params![bot_id, update_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(matches!(at, Some(Some(_))))
}

/// Notes that an update was answered (its body is no longer needed).
pub fn mark_answered(conn: &Connection, bot_id: i64, update_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE telegram_updates SET answered_at = ?3, body = '' WHERE bot_id = ?1 AND update_id = ?2",
        params![bot_id, update_id, now_utc()],
    )?;
    Ok(())
}

/// Notes that several updates were answered, in one transaction (one disk sync for all).
pub fn mark_answered_many(conn: &Connection, bot_id: i64, update_ids: &[i64]) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    {
        let mut stmt = tx.prepare_cached(
            "UPDATE telegram_updates SET answered_at = ?3, body = '' WHERE bot_id = ?1 AND update_id = ?2",
        )?;
        let now = now_utc();
        for id in update_ids {
            stmt.execute(params![bot_id, id, now])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Forgets answered updates received before `before` (RFC 3339) and buttons created before
/// `buttons_before`, at most `limit` of each (a long-running bot prunes in small transactions, so the
/// store is never held long). Returns how many rows went. Telegram keeps an unconfirmed update for at
/// most 24 hours; the runner keeps answered ones for `[database] keep_update_ids_hours`.
pub fn prune(conn: &Connection, before: &str, buttons_before: &str, limit: usize) -> Result<usize> {
    let limit = limit as i64;
    let n = conn
        .prepare_cached(
            "DELETE FROM telegram_updates WHERE (bot_id, update_id) IN (SELECT bot_id, update_id FROM telegram_updates
             WHERE answered_at IS NOT NULL AND received_at < ?1 LIMIT ?2)",
        )?
        .execute(params![before, limit])?;
    let m = conn
        .prepare_cached(
            "DELETE FROM telegram_buttons WHERE key IN (SELECT key FROM telegram_buttons WHERE created_at < ?1 LIMIT ?2)",
        )?
        .execute(params![buttons_before, limit])?;
    Ok(n + m)
}

/// Keeps button data under a key.
pub fn put_button(conn: &Connection, key: &str, data: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO telegram_buttons (key, data, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(key) DO UPDATE SET data = excluded.data, created_at = excluded.created_at",
        params![key, data, now_utc()],
    )?;
    Ok(())
}

/// The data kept under a button key.
pub fn button(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT data FROM telegram_buttons WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// The staff menus this bot has published: user id → role ("staff", "admin").
pub fn menus(conn: &Connection, bot_id: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare("SELECT user_id, role FROM telegram_menus WHERE bot_id = ?1")?;
    let rows = stmt.query_map([bot_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Notes a staff menu published (`Some(role)`) or deleted (`None`).
pub fn set_menu(conn: &Connection, bot_id: i64, user_id: i64, role: Option<&str>) -> Result<()> {
    match role {
        Some(role) => conn.execute(
            "INSERT INTO telegram_menus (bot_id, user_id, role) VALUES (?1, ?2, ?3)
             ON CONFLICT(bot_id, user_id) DO UPDATE SET role = excluded.role",
            params![bot_id, user_id, role],
        )?,
        None => {
            conn.execute("DELETE FROM telegram_menus WHERE bot_id = ?1 AND user_id = ?2", params![bot_id, user_id])?
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_answered_before_the_cutoff_no_longer_counts_as_received() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let t0 = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap().to_utc();
        let before = |h: i64| (t0 + chrono::Duration::hours(h)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let got = crate::store::at_time(t0, || receive(c, 1, &[(5, "{}".into()), (6, "{}".into())], &before(-48)));
        assert_eq!(got.unwrap(), [5, 6]);
        mark_answered(c, 1, 5).unwrap();
        assert_eq!(receive(c, 1, &[(5, "{}".into())], &before(-48)).unwrap(), Vec::<i64>::new(), "a redelivery");
        // 49 hours later: 5 was answered long ago, a new update may carry its id; 6 is still pending.
        let got = receive(c, 1, &[(5, "{}".into()), (6, "{}".into())], &before(1)).unwrap();
        assert_eq!(got, [5]);
        assert!(!is_answered(c, 1, 5).unwrap(), "the new update 5 waits for its answer");
    }

    #[test]
    fn prune_forgets_old_answered_updates_in_batches_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let row = |id: i64, at: &str, answered: bool| {
            c.execute(
                "INSERT INTO telegram_updates (bot_id, update_id, body, received_at, answered_at) VALUES (1, ?1, '', ?2, ?3)",
                params![id, at, answered.then_some(at)],
            )
            .unwrap();
        };
        for id in 1..=5 {
            row(id, "2020-01-01T00:00:00.000Z", true);
        }
        row(6, "2020-01-01T00:00:00.000Z", false);
        row(7, "2020-02-01T00:00:00.000Z", true);
        put_button(c, "k", "data").unwrap();
        let mut rounds = 0;
        while prune(c, "2020-01-15T00:00:00.000Z", "2000-01-01T00:00:00.000Z", 2).unwrap() > 0 {
            rounds += 1;
        }
        assert_eq!(rounds, 3, "2 + 2 + 1");
        let left: Vec<i64> = c
            .prepare("SELECT update_id FROM telegram_updates ORDER BY update_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(left, [6, 7], "an unanswered update and a recent one stay");
        assert_eq!(button(c, "k").unwrap().as_deref(), Some("data"));
    }
}

//! The Telegram transport's own records: long button data kept under short keys (Telegram's
//! `callback_data` holds at most 64 bytes) and the staff command menus published. The updates
//! received are in the inbox every transport shares (`store::inbox`).

use super::{Result, now_utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Forgets buttons created before `before` (RFC 3339), at most `limit`. Returns how many went.
pub fn prune_buttons(conn: &Connection, before: &str, limit: usize) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM telegram_buttons WHERE key IN (SELECT key FROM telegram_buttons WHERE created_at < ?1 LIMIT ?2)",
        )?
        .execute(params![before, limit as i64])?)
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
    fn old_buttons_are_pruned_in_batches() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        for k in ["a", "b", "c"] {
            crate::store::at_time(
                chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap().to_utc(),
                || put_button(c, k, "data"),
            )
            .unwrap();
        }
        put_button(c, "new", "data").unwrap();
        assert_eq!(prune_buttons(c, "2020-06-01T00:00:00.000Z", 2).unwrap(), 2);
        assert_eq!(prune_buttons(c, "2020-06-01T00:00:00.000Z", 2).unwrap(), 1);
        assert_eq!(button(c, "new").unwrap().as_deref(), Some("data"));
    }
}

//! Guided conversations in progress (`/add`), stored as JSON keyed by chat and user, so that a dialogue
//! survives a restart and two people in one group never share one.

use super::{Result, now_utc};
use rusqlite::{Connection, OptionalExtension, params};

pub fn load(conn: &Connection, chat: &str, user: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT state, updated_at FROM dialogues WHERE chat_key = ?1 AND user_key = ?2")?
        .query_row(params![chat, user], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn save(tx: &Connection, chat: &str, user: &str, state: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO dialogues (chat_key, user_key, state, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(chat_key, user_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        params![chat, user, state, now_utc()],
    )?;
    Ok(())
}

pub fn clear(tx: &Connection, chat: &str, user: &str) -> Result<()> {
    tx.execute("DELETE FROM dialogues WHERE chat_key = ?1 AND user_key = ?2", params![chat, user])?;
    Ok(())
}

/// Names of the partners most recently given to, newest first (for the guided dialogue's buttons).
pub fn recent_partners(conn: &Connection, limit: usize) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.name FROM donation_recipients r JOIN partners p ON p.id = r.partner_id
         WHERE p.deleted_at IS NULL GROUP BY p.id ORDER BY MAX(r.donation_id) DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

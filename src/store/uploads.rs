//! Spreadsheets sent to the bot in a chat, kept from the dry-run report until the sender confirms
//! or cancels the import (migration 0015). The bytes go as soon as an upload is settled or expires.

use super::{Result, now_utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Where an upload stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Imported,
    Cancelled,
    Expired,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Imported => "imported",
            State::Cancelled => "cancelled",
            State::Expired => "expired",
        }
    }

    fn parse(s: &str) -> Option<State> {
        [State::Pending, State::Imported, State::Cancelled, State::Expired].into_iter().find(|st| st.as_str() == s)
    }
}

/// One upload as kept.
#[derive(Clone)]
pub struct Upload {
    pub id: i64,
    pub chat_key: String,
    pub user_key: String,
    pub file_name: String,
    /// None once settled or expired.
    pub bytes: Option<Vec<u8>>,
    /// The options given with the file, as JSON.
    pub options: String,
    pub state: State,
    pub received_at: String,
    pub settled_at: Option<String>,
    /// What the import answered, once imported.
    pub outcome: Option<String>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("id", &self.id)
            .field("chat_key", &self.chat_key)
            .field("file_name", &self.file_name)
            .field("bytes", &self.bytes.as_ref().map(Vec::len))
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// What a new upload is.
pub struct NewUpload<'a> {
    pub chat_key: &'a str,
    pub user_key: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub options: &'a str,
    pub update_key: Option<&'a str>,
}

/// Keeps an upload; a message seen before (the same `update_key`) gets the id it got then.
pub fn put(conn: &Connection, u: &NewUpload<'_>) -> Result<i64> {
    if let Some(key) = u.update_key
        && let Some(id) = by_update(conn, key)?
    {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO uploads (chat_key, user_key, file_name, bytes, options, update_key, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![u.chat_key, u.user_key, u.file_name, u.bytes, u.options, u.update_key, now_utc()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The upload a message brought, if it is kept.
pub fn by_update(conn: &Connection, update_key: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM uploads WHERE update_key = ?1", [update_key], |r| r.get(0)).optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Upload>> {
    let row = conn
        .query_row(
            "SELECT id, chat_key, user_key, file_name, bytes, options, state, received_at, settled_at, outcome
             FROM uploads WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    Upload {
                        id: r.get(0)?,
                        chat_key: r.get(1)?,
                        user_key: r.get(2)?,
                        file_name: r.get(3)?,
                        bytes: r.get(4)?,
                        options: r.get(5)?,
                        state: State::Pending,
                        received_at: r.get(7)?,
                        settled_at: r.get(8)?,
                        outcome: r.get(9)?,
                    },
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    row.map(|(mut u, state)| {
        u.state = State::parse(&state).ok_or_else(|| super::StoreError::Corrupt(format!("upload state {state}")))?;
        Ok(u)
    })
    .transpose()
}

/// Settles a pending upload (imported or cancelled) and drops its bytes. False when it was no longer
/// pending (settled by an earlier press), in which case nothing changes.
pub fn settle(conn: &Connection, id: i64, state: State, outcome: Option<&str>) -> Result<bool> {
    let n = conn.execute(
        "UPDATE uploads SET state = ?2, bytes = NULL, settled_at = ?3, outcome = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![id, state.as_str(), now_utc(), outcome],
    )?;
    Ok(n == 1)
}

/// Expires uploads still pending that were received before `expire_before` (their bytes go), and
/// forgets uploads of any state received before `forget_before` (RFC 3339 both), at most `limit`
/// rows each. Returns how many rows changed.
pub fn prune(conn: &Connection, expire_before: &str, forget_before: &str, limit: usize) -> Result<usize> {
    let expired = conn.execute(
        "UPDATE uploads SET state = 'expired', bytes = NULL, settled_at = ?2
         WHERE id IN (SELECT id FROM uploads WHERE state = 'pending' AND received_at < ?1 LIMIT ?3)",
        params![expire_before, now_utc(), limit as i64],
    )?;
    let forgotten = conn.execute(
        "DELETE FROM uploads WHERE id IN (SELECT id FROM uploads WHERE received_at < ?1 LIMIT ?2)",
        params![forget_before, limit as i64],
    )?;
    Ok(expired + forgotten)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new<'a>(key: &'a str) -> NewUpload<'a> {
        NewUpload {
            chat_key: "telegram:1",
            user_key: "tg:1",
            file_name: "march.csv",
            bytes: b"Date,Recipients\n",
            options: "{}",
            update_key: Some(key),
        }
    }

    #[test]
    fn a_pending_upload_expires_then_is_forgotten_and_a_settled_one_is_never_settled_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let c = store.conn();
        let a = put(c, &new("7:1")).unwrap();
        assert_eq!(put(c, &new("7:1")).unwrap(), a, "the same message keeps its upload");
        let b = put(c, &new("7:2")).unwrap();
        assert!(settle(c, b, State::Imported, Some("written")).unwrap());
        assert!(!settle(c, b, State::Cancelled, None).unwrap(), "settled once");
        assert_eq!(get(c, b).unwrap().unwrap().state, State::Imported);
        // Nothing is older than the epoch: nothing goes.
        assert_eq!(prune(c, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 10).unwrap(), 0);
        // Everything is older than the far future: the pending one expires (its bytes go) ...
        let future = "9999-01-01T00:00:00Z";
        assert_eq!(prune(c, future, "1970-01-01T00:00:00Z", 10).unwrap(), 1);
        let u = get(c, a).unwrap().unwrap();
        assert_eq!((u.state, u.bytes), (State::Expired, None));
        assert!(!settle(c, a, State::Imported, None).unwrap(), "an expired upload cannot be imported");
        // ... and later both are forgotten.
        assert_eq!(prune(c, future, future, 10).unwrap(), 2);
        assert!(get(c, a).unwrap().is_none() && get(c, b).unwrap().is_none());
    }
}

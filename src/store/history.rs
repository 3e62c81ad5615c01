//! The change history: every create, edit, delete and undo with who, when, and the record before and
//! after (as JSON). It is append-only; an undo is itself a change that points at what it undid.

use super::Cached;
use super::{Result, now_utc, parse_ts};
use crate::domain::{Record, RecordId, RecordKind};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Edit,
    Delete,
    Undo,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Undo => "undo",
        }
    }

    fn parse(s: &str) -> Action {
        match s {
            "create" => Action::Create,
            "edit" => Action::Edit,
            "delete" => Action::Delete,
            _ => Action::Undo,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Change {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub record: RecordId,
    pub action: Action,
    pub before: Option<Record>,
    pub after: Option<Record>,
    pub reason: Option<String>,
    pub undoes: Option<i64>,
    pub undone: bool,
}

/// A version of a record as stored in `changes`: the record's own fields as a JSON object. Its kind is
/// the row's `record_kind`, never a key of the object (partners, letters and events have a field
/// called `kind` of their own).
pub fn record_json(r: &Record) -> serde_json::Result<String> {
    match r {
        Record::Partner(x) => serde_json::to_string(x),
        Record::Donation(x) => serde_json::to_string(x),
        Record::Letter(x) => serde_json::to_string(x),
        Record::Event(x) => serde_json::to_string(x),
        Record::Reception(x) => serde_json::to_string(x),
        Record::Reported(x) => serde_json::to_string(x),
    }
}

/// Reads a stored version back, by the row's kind. Rows written before this rule held the record
/// tagged `"kind": "<record kind>"` as well as its own `kind` field, a duplicate key: read as a JSON
/// value the field (written last) wins, and the tag is not needed.
pub fn record_from_json(kind: RecordKind, s: &str) -> serde_json::Result<Record> {
    let v: serde_json::Value = serde_json::from_str(s)?;
    Ok(match kind {
        RecordKind::Partner => Record::Partner(serde_json::from_value(v)?),
        RecordKind::Donation => Record::Donation(serde_json::from_value(v)?),
        RecordKind::Letter => Record::Letter(serde_json::from_value(v)?),
        RecordKind::Event => Record::Event(serde_json::from_value(v)?),
        RecordKind::Reception => Record::Reception(serde_json::from_value(v)?),
        RecordKind::Reported => Record::Reported(serde_json::from_value(v)?),
    })
}

fn to_json(r: Option<&Record>) -> Result<Option<String>> {
    r.map(|r| record_json(r).map_err(|e| super::corrupt(format!("record as JSON: {e}")))).transpose()
}

/// Appends a change.
#[allow(clippy::too_many_arguments)]
pub fn record(
    tx: &Connection,
    actor: &str,
    id: RecordId,
    action: Action,
    before: Option<&Record>,
    after: Option<&Record>,
    reason: Option<&str>,
    undoes: Option<i64>,
) -> Result<i64> {
    tx.run(
        "INSERT INTO changes (at, actor, record_kind, record_id, action, before, after, reason, undoes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            now_utc(),
            actor,
            id.kind.as_str(),
            id.id,
            action.as_str(),
            to_json(before)?,
            to_json(after)?,
            reason,
            undoes
        ],
    )?;
    let cid = tx.last_insert_rowid();
    if let Some(u) = undoes {
        tx.run("UPDATE changes SET undone = 1 WHERE id = ?1", [u])?;
    }
    Ok(cid)
}

const COLS: &str = "id, at, actor, record_kind, record_id, action, before, after, reason, undoes, undone";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Change> {
    let kind: String = r.get(3)?;
    let at: String = r.get(1)?;
    let before: Option<String> = r.get(6)?;
    let after: Option<String> = r.get(7)?;
    let id: i64 = r.get(0)?;
    let record_kind = RecordKind::from_str_opt(&kind).unwrap_or(RecordKind::Donation);
    // A version that does not read is logged (and the change shows without it), never silently lost.
    let read = |s: Option<String>| {
        s.and_then(|s| match record_from_json(record_kind, &s) {
            Ok(rec) => Some(rec),
            Err(e) => {
                log::error!("change {id}: a stored version of a {kind} does not read: {e}");
                None
            }
        })
    };
    Ok(Change {
        id,
        at: parse_ts(&at).unwrap_or_default(),
        actor: r.get(2)?,
        record: RecordId::new(record_kind, r.get(4)?),
        action: Action::parse(&r.get::<_, String>(5)?),
        before: read(before),
        after: read(after),
        reason: r.get(8)?,
        undoes: r.get(9)?,
        undone: r.get(10)?,
    })
}

/// Every change of one record, oldest first.
pub fn for_record(conn: &Connection, id: RecordId) -> Result<Vec<Change>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLS} FROM changes WHERE record_kind = ?1 AND record_id = ?2 ORDER BY id"))?;
    let rows = stmt.query_map(params![id.kind.as_str(), id.id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The actor's most recent change that can still be undone (not an undo, not already undone).
pub fn last_undoable(conn: &Connection, actor: &str) -> Result<Option<Change>> {
    Ok(conn.one(
            &format!("SELECT {COLS} FROM changes WHERE actor = ?1 AND action != 'undo' AND undone = 0 ORDER BY id DESC LIMIT 1"),
            [actor],
            from_row,
        )
        .optional()?)
}

/// Whether a later change by someone else touched the same record after `change_id`.
pub fn touched_since(conn: &Connection, id: RecordId, change_id: i64) -> Result<bool> {
    Ok(conn.one(
        "SELECT EXISTS(SELECT 1 FROM changes WHERE record_kind = ?1 AND record_id = ?2 AND id > ?3
           AND actor != (SELECT actor FROM changes WHERE id = ?3))",
        params![id.kind.as_str(), id.id, change_id],
        |r| r.get(0),
    )?)
}

//! Staff and their roles, and each person's chosen language.

use super::{Result, now_utc};
use crate::domain::{Role, UserKey};
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub user: UserKey,
    pub name: Option<String>,
    pub role: Role,
    pub added_by: String,
    pub added_at: String,
}

pub fn role_of(conn: &Connection, user: &UserKey) -> Result<Option<Role>> {
    let r: Option<String> = conn
        .prepare_cached("SELECT role FROM staff WHERE user_key = ?1")?
        .query_row([user.as_str()], |r| r.get(0))
        .optional()?;
    Ok(r.and_then(|r| Role::parse(&r)))
}

/// Adds or changes a staff member; returns their previous entry.
pub fn upsert_staff(
    tx: &Connection,
    user: &UserKey,
    role: Role,
    name: Option<&str>,
    by: &str,
) -> Result<Option<StaffMember>> {
    let prior = get_staff(tx, user)?;
    tx.execute(
        "INSERT INTO staff (user_key, name, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(user_key) DO UPDATE SET role = excluded.role, name = COALESCE(excluded.name, staff.name)",
        params![user.as_str(), name, role.as_str(), by, now_utc()],
    )?;
    Ok(prior)
}

pub fn get_staff(conn: &Connection, user: &UserKey) -> Result<Option<StaffMember>> {
    Ok(conn
        .query_row(
            "SELECT user_key, name, role, added_by, added_at FROM staff WHERE user_key = ?1",
            [user.as_str()],
            staff_row,
        )
        .optional()?)
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffMember> {
    Ok(StaffMember {
        user: UserKey::from_stored(r.get(0)?),
        name: r.get(1)?,
        role: Role::parse(&r.get::<_, String>(2)?).unwrap_or(Role::Staff),
        added_by: r.get(3)?,
        added_at: r.get(4)?,
    })
}

pub fn remove_staff(tx: &Connection, user: &UserKey) -> Result<bool> {
    Ok(tx.execute("DELETE FROM staff WHERE user_key = ?1", [user.as_str()])? > 0)
}

pub fn list_staff(conn: &Connection) -> Result<Vec<StaffMember>> {
    let mut stmt =
        conn.prepare("SELECT user_key, name, role, added_by, added_at FROM staff ORDER BY role, user_key")?;
    let rows = stmt.query_map([], staff_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn lang_of(conn: &Connection, user: &UserKey) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT lang FROM user_prefs WHERE user_key = ?1")?
        .query_row([user.as_str()], |r| r.get(0))
        .optional()?)
}

pub fn set_lang(tx: &Connection, user: &UserKey, lang: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO user_prefs (user_key, lang) VALUES (?1, ?2) ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang",
        params![user.as_str(), lang],
    )?;
    Ok(())
}

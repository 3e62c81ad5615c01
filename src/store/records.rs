//! Reading and writing whole records: insert, load, replace (for edits and undo) and soft delete.
//! A record is written as its main row plus child rows (recipients, items, participants); a replace
//! rewrites the children, so what is stored is always exactly the record value.

use super::Cached;
use super::{Result, corrupt, now_utc};
use crate::domain::money::{self, Currency, ItemLine};
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

pub(crate) fn date_sql(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date_from(s: &str) -> Result<NaiveDate> {
    // Stored dates are `YYYY-MM-DD`: read as digits (parsing the format string per call was a few
    // per cent of a million-row export); anything else goes through chrono, which names the problem.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
        && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
    {
        return Ok(date);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt(format!("bad date {s:?}")))
}

pub(crate) fn country_from(s: &str) -> Result<CountryCode> {
    CountryCode::from_alpha2(s).ok_or_else(|| corrupt(format!("bad country {s:?}")))
}

pub(crate) fn dec_from(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|_| corrupt(format!("bad decimal {s:?}")))
}

/// Fen or cents (integer minor units) of a fixed amount, which the write path has bounded already.
pub fn to_minor(d: Decimal) -> Result<i64> {
    money::minor_units(d).ok_or_else(|| corrupt(format!("amount {d} out of range")))
}

pub fn from_minor(m: i64) -> Decimal {
    Decimal::new(m, 2)
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------- partners

pub fn insert_partner(tx: &Connection, p: &Partner, actor: &str) -> Result<i64> {
    tx.run(
        "INSERT INTO partners (name, kind, country, level, since, note, created_by, created_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            p.name,
            p.kind.as_str(),
            p.country.as_str(),
            p.level.map(|l| l.as_str()),
            p.since,
            opt(&p.note),
            actor,
            now_utc(),
            opt(&p.source)
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_partner_names(tx, id, p)?;
    Ok(id)
}

fn write_partner_names(tx: &Connection, id: i64, p: &Partner) -> Result<()> {
    tx.run("DELETE FROM partner_names WHERE partner_id = ?1", [id])?;
    let mut stmt =
        tx.prepare("INSERT OR IGNORE INTO partner_names (partner_id, name, norm, is_alias) VALUES (?1, ?2, ?3, ?4)")?;
    stmt.execute(params![id, p.name, norm_name(&p.name), 0])?;
    for a in &p.aliases {
        let n = norm_name(a);
        if !n.is_empty() {
            stmt.execute(params![id, a, n, 1])?;
        }
    }
    Ok(())
}

fn replace_partner(tx: &Connection, p: &Partner) -> Result<()> {
    // A new kind moves the partner's donations to another reach mask (migration 0013).
    let old_kind: Option<String> =
        tx.one("SELECT kind FROM partners WHERE id = ?1", [p.id], |r| r.get(0)).optional()?;
    let moved: Vec<i64> = if old_kind.as_deref().is_some_and(|k| k != p.kind.as_str()) {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT r.donation_id FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
             WHERE r.partner_id = ?1 AND d.deleted_at IS NULL",
        )?;
        stmt.query_map([p.id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    for id in &moved {
        apply_reach_mask(tx, *id, -1)?;
    }
    tx.run(
        "UPDATE partners SET name = ?2, kind = ?3, country = ?4, level = ?5, since = ?6, note = ?7, source = ?8 WHERE id = ?1",
        params![
            p.id,
            p.name,
            p.kind.as_str(),
            p.country.as_str(),
            p.level.map(|l| l.as_str()),
            p.since,
            opt(&p.note),
            opt(&p.source)
        ],
    )?;
    for id in &moved {
        apply_reach_mask(tx, *id, 1)?;
    }
    if !moved.is_empty() {
        // Its kind is part of what a kept reconciliation read about it.
        tx.run(
            "INSERT INTO reach_partner_versions (partner_id, version) VALUES (?1, (SELECT tick FROM reach_clock))
             ON CONFLICT(partner_id) DO UPDATE SET version = excluded.version",
            [p.id],
        )?;
    }
    write_partner_names(tx, p.id, p)
}

pub fn get_partner(conn: &Connection, id: i64) -> Result<Option<Partner>> {
    let row = conn
        .one("SELECT id, name, kind, country, level, since, note, source FROM partners WHERE id = ?1", [id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i32>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((id, name, kind, country, level, since, note, source)) = row else { return Ok(None) };
    let mut stmt =
        conn.prepare_cached("SELECT name FROM partner_names WHERE partner_id = ?1 AND is_alias = 1 ORDER BY rowid")?;
    let aliases = stmt.query_map([id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Partner {
        id,
        name,
        aliases,
        kind: PartnerKind::parse(&kind).ok_or_else(|| corrupt(format!("partner kind {kind}")))?,
        country: country_from(&country)?,
        level: level.as_deref().and_then(Level::parse),
        since,
        note,
        source,
    }))
}

// ---------------------------------------------------------------- parties

fn party_from(
    conn: &Connection,
    partner_id: Option<i64>,
    country: Option<String>,
    name: Option<String>,
) -> Result<Party> {
    if let Some(pid) = partner_id {
        let (pname, pc): (String, String) =
            conn.one("SELECT name, country FROM partners WHERE id = ?1", [pid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        return Ok(Party::Partner { id: pid, name: pname, country: country_from(&pc)? });
    }
    match (name, country) {
        (Some(name), c) => Ok(Party::Named { name, country: c.as_deref().map(country_from).transpose()? }),
        (None, Some(c)) => Ok(Party::Country(country_from(&c)?)),
        (None, None) => Err(corrupt("participant with neither partner, country nor name")),
    }
}

// ---------------------------------------------------------------- donations

fn write_donation_children(tx: &Connection, d: &Donation) -> Result<()> {
    tx.run("DELETE FROM donation_recipients WHERE donation_id = ?1", [d.id])?;
    tx.run("DELETE FROM donation_items WHERE donation_id = ?1", [d.id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO donation_recipients (donation_id, seq, partner_id, country) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, p) in d.recipients.iter().enumerate() {
        let country = p.country().ok_or_else(|| corrupt("donation recipient without a country"))?;
        stmt.execute(params![d.id, i as i64, p.partner_id(), country.as_str()])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO donation_items (donation_id, seq, quantity, unit, item, item_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, it) in d.items.iter().enumerate() {
        stmt.execute(params![d.id, i as i64, it.quantity as i64, it.unit, it.item, money::item_key(&it.item)])?;
    }
    Ok(())
}

/// The value columns of a donation row: value, currency, value_date, rate, usd_rate, cny_fen,
/// usd_cents, rate_from, usd_rate_from, rate_age.
struct DonationCols {
    value: Option<String>,
    currency: Option<String>,
    value_date: String,
    rate: Option<String>,
    usd_rate: Option<String>,
    cny: Option<i64>,
    usd: Option<i64>,
    rate_from: Option<String>,
    usd_rate_from: Option<String>,
    rate_age: Option<i64>,
}

fn donation_value_cols(d: &Donation) -> Result<DonationCols> {
    Ok(match &d.value {
        Some(v) => DonationCols {
            value: Some(v.amount.normalize().to_string()),
            currency: Some(v.currency.as_str().to_string()),
            value_date: date_sql(v.value_date),
            rate: Some(v.rate.normalize().to_string()),
            usd_rate: v.usd_rate.map(|r| r.normalize().to_string()),
            cny: Some(to_minor(v.cny)?),
            usd: v.usd.map(to_minor).transpose()?,
            rate_from: v.rate_from.map(date_sql),
            usd_rate_from: v.usd_rate_from.map(date_sql),
            rate_age: v.rate_age_days(),
        },
        None => DonationCols {
            value: None,
            currency: None,
            value_date: date_sql(d.value_date),
            rate: None,
            usd_rate: None,
            cny: None,
            usd: None,
            rate_from: None,
            usd_rate_from: None,
            rate_age: None,
        },
    })
}

pub fn insert_donation(tx: &Connection, d: &Donation, actor: &str) -> Result<i64> {
    let id = insert_donation_unsummed(tx, d, actor)?;
    apply_sums(tx, id, 1)?;
    Ok(id)
}

/// [`insert_donation`] without its share of the running sums: for a bulk write, which adds the
/// shares of all its donations at the end with [`add_sums_range`] (in the same transaction).
pub fn insert_donation_unsummed(tx: &Connection, d: &Donation, actor: &str) -> Result<i64> {
    let c = donation_value_cols(d)?;
    tx.run(
        "INSERT INTO donations (date, donor, value, currency, value_date, rate, usd_rate, cny_fen, usd_cents, status, fund, internal, note, created_by, created_at, rate_from, usd_rate_from, rate_age, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            date_sql(d.date), d.donor, c.value, c.currency, c.value_date, c.rate, c.usd_rate, c.cny, c.usd,
            d.status.as_str(), opt(&d.fund), d.internal, opt(&d.note), actor, now_utc(),
            c.rate_from, c.usd_rate_from, c.rate_age, opt(&d.source)
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_donation_children(tx, &Donation { id, ..d.clone() })?;
    Ok(id)
}

/// The partner names whose stored lookup form (`partner_names.norm`) is not what [`norm_name`] makes of
/// them now, as (partner id, stored form, current form): names an older amity normalised differently.
/// Before one table said what is CJK (`domain::text`), a Han character outside the Basic Multilingual
/// Plane (`𠮷`), `〇`, Bopomofo, Hangul jamo and rare kana were spelled out in Latin letters there, so
/// the name as typed would no longer find its partner. One read of the names.
pub fn stale_partner_norms(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare("SELECT partner_id, name, norm FROM partner_names")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut stale = Vec::new();
    for row in rows {
        let (id, name, stored) = row?;
        let now = norm_name(&name);
        if now != stored && !now.is_empty() {
            stale.push((id, stored, now));
        }
    }
    Ok(stale)
}

/// Stores the current lookup forms found by [`stale_partner_norms`]. A current form is never shared by
/// two names that had different stored forms (it keeps characters the old one spelled out), so no
/// name of a partner can collide with another of its names; `OR IGNORE` keeps it so if one would.
pub fn update_partner_norms(tx: &Connection, stale: &[(i64, String, String)]) -> Result<()> {
    let mut stmt = tx.prepare("UPDATE OR IGNORE partner_names SET norm = ?3 WHERE partner_id = ?1 AND norm = ?2")?;
    for (id, stored, now) in stale {
        stmt.execute(params![id, stored, now])?;
    }
    Ok(())
}

/// Recomputes the running sums from the tables (after rows were loaded in bulk without amity's write
/// path, e.g. by the benchmark generator). Runs the backfill parts of migrations 0004, 0012 and 0013.
pub fn rebuild_sums(conn: &Connection) -> Result<()> {
    let backfill = |migration: &'static str| {
        let b = migration.split_once("-- backfill").map(|(_, b)| b).unwrap_or("");
        b.split_once('\n').map(|(_, b)| b).unwrap_or("")
    };
    let ledger = backfill(include_str!("../../migrations/0004_ledger_sums.sql"));
    let filters = backfill(include_str!("../../migrations/0012_filter_sums.sql"));
    let reach = backfill(include_str!("../../migrations/0013_reach_sums.sql"));
    conn.execute_batch(&format!(
        "DELETE FROM ledger_sums; DELETE FROM item_sums; DELETE FROM country_item_sums; DELETE FROM partner_item_sums;
         DELETE FROM reach_sums; DELETE FROM reach_items; DELETE FROM reach_partners; DELETE FROM reach_countries;
         DELETE FROM reach_partner_countries; DELETE FROM reach_versions; DELETE FROM reach_partner_versions;
         DELETE FROM reach_country_versions;
         {ledger} {filters} {reach}"
    ))?;
    Ok(())
}

/// Adds the running sums of the live donations with ids `lo..=hi` at once: the shares that
/// `apply_sums(id, 1)` adds one donation at a time, in a few set-based statements (a bulk import
/// writes its donations with [`insert_donation_unsummed`] and calls this at the end: per row, the
/// sums were half of an import's time). Refused ([`StoreError::TotalTooLarge`], nothing added)
/// when the range would take a sum past `i64`; [`add_sums_one_by_one`] then finds the donation.
///
/// [`StoreError::TotalTooLarge`]: super::StoreError::TotalTooLarge
pub fn add_sums_range(tx: &Connection, lo: i64, hi: i64) -> Result<()> {
    if lo > hi {
        return Ok(());
    }
    check_room_range(tx, lo, hi)?;
    let range = params![lo, hi];
    tx.run(
        "INSERT INTO ledger_sums (internal, donations, valued, cny_fen, usd_cents, usd_missing, shared)
         SELECT d.internal, COUNT(*), COUNT(d.value), COALESCE(SUM(d.cny_fen), 0), COALESCE(SUM(d.usd_cents), 0),
                COALESCE(SUM(d.value IS NOT NULL AND d.usd_cents IS NULL), 0),
                COALESCE(SUM((SELECT COUNT(*) FROM donation_recipients r WHERE r.donation_id = d.id) > 1), 0)
         FROM donations d WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY d.internal
         ON CONFLICT(internal) DO UPDATE SET donations = donations + excluded.donations, valued = valued + excluded.valued,
           cny_fen = cny_fen + excluded.cny_fen, usd_cents = usd_cents + excluded.usd_cents,
           usd_missing = usd_missing + excluded.usd_missing, shared = shared + excluded.shared",
        range,
    )?;
    tx.run(
        "INSERT INTO item_sums (internal, item_key, unit, quantity, item)
         SELECT d.internal, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY d.internal, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        range,
    )?;
    tx.run(
        "INSERT INTO country_item_sums (internal, country, item_key, unit, quantity, item)
         SELECT d.internal, c.country, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         JOIN (SELECT DISTINCT donation_id, country FROM donation_recipients WHERE donation_id BETWEEN ?1 AND ?2) c
           ON c.donation_id = d.id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY d.internal, c.country, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(country, internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        range,
    )?;
    tx.run(
        "INSERT INTO partner_item_sums (internal, partner_id, item_key, unit, quantity, item)
         SELECT d.internal, c.partner_id, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         JOIN (SELECT DISTINCT donation_id, partner_id FROM donation_recipients
               WHERE donation_id BETWEEN ?1 AND ?2 AND partner_id IS NOT NULL) c ON c.donation_id = d.id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY d.internal, c.partner_id, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(partner_id, internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        range,
    )?;
    // The reach masks and per-day sums (`apply_reach_mask`, `apply_reach_recipients`), one tick for the
    // whole range: every day, partner and country it touched changed at that tick.
    tx.run("UPDATE reach_clock SET tick = tick + 1", [])?;
    tx.run(
        "INSERT INTO reach_versions (day, version)
         SELECT DISTINCT d.date, (SELECT tick FROM reach_clock) FROM donations d WHERE d.id BETWEEN ?1 AND ?2
         ON CONFLICT(day) DO UPDATE SET version = excluded.version",
        range,
    )?;
    tx.run(
        &format!(
            "UPDATE donations SET reach = ({}) WHERE id BETWEEN ?1 AND ?2",
            REACH_MASK_SQL.replace("?1", "donations.id")
        ),
        range,
    )?;
    tx.run(
        "INSERT INTO reach_sums (day, reach, internal, donations, cny_fen, usd_cents)
         SELECT d.date, d.reach, d.internal, COUNT(*), COALESCE(SUM(d.cny_fen), 0), COALESCE(SUM(d.usd_cents), 0)
         FROM donations d WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY d.date, d.reach, d.internal
         ON CONFLICT(day, reach, internal) DO UPDATE SET donations = donations + excluded.donations,
           cny_fen = cny_fen + excluded.cny_fen, usd_cents = usd_cents + excluded.usd_cents",
        range,
    )?;
    tx.run(
        "INSERT INTO reach_items (item_key, day, reach, internal, quantity)
         SELECT i.item_key, d.date, d.reach, d.internal, SUM(i.quantity)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL GROUP BY i.item_key, d.date, d.reach, d.internal
         ON CONFLICT(item_key, day, reach, internal) DO UPDATE SET quantity = quantity + excluded.quantity",
        range,
    )?;
    tx.run(
        "INSERT INTO reach_partner_versions (partner_id, version)
         SELECT DISTINCT partner_id, (SELECT tick FROM reach_clock) FROM donation_recipients
         WHERE donation_id BETWEEN ?1 AND ?2 AND partner_id IS NOT NULL
         ON CONFLICT(partner_id) DO UPDATE SET version = excluded.version",
        range,
    )?;
    tx.run(
        "INSERT INTO reach_country_versions (country, version)
         SELECT DISTINCT country, (SELECT tick FROM reach_clock) FROM donation_recipients
         WHERE donation_id BETWEEN ?1 AND ?2 AND partner_id IS NULL
         ON CONFLICT(country) DO UPDATE SET version = excluded.version",
        range,
    )?;
    tx.run(
        "INSERT INTO reach_partners (partner_id, day, country, internal, donations)
         SELECT r.partner_id, d.date, r.country, d.internal, COUNT(DISTINCT d.id)
         FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL AND r.partner_id IS NOT NULL
         GROUP BY r.partner_id, d.date, r.country, d.internal
         ON CONFLICT(partner_id, country, day, internal) DO UPDATE SET donations = donations + excluded.donations",
        range,
    )?;
    tx.run(
        "INSERT OR IGNORE INTO reach_partner_countries (partner_id, country)
         SELECT DISTINCT partner_id, country FROM donation_recipients
         WHERE donation_id BETWEEN ?1 AND ?2 AND partner_id IS NOT NULL",
        range,
    )?;
    tx.run(
        "INSERT INTO reach_countries (day, country, internal, donations)
         SELECT d.date, r.country, d.internal, COUNT(DISTINCT d.id)
         FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL AND r.partner_id IS NULL
         GROUP BY d.date, r.country, d.internal
         ON CONFLICT(country, day, internal) DO UPDATE SET donations = donations + excluded.donations",
        range,
    )?;
    Ok(())
}

/// [`add_sums_range`] one donation at a time, in id order: the first donation whose share would take a
/// sum past `i64` is returned (its sums are not added; those before it are).
pub fn add_sums_one_by_one(tx: &Connection, lo: i64, hi: i64) -> Result<Option<i64>> {
    for id in lo..=hi {
        match apply_sums(tx, id, 1) {
            Ok(()) => {}
            Err(super::StoreError::TotalTooLarge) => return Ok(Some(id)),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// [`check_room`] for the live donations `lo..=hi` together.
fn check_room_range(tx: &Connection, lo: i64, hi: i64) -> Result<()> {
    let fits = |total: i128| total <= i128::from(i64::MAX);
    let (mut cny, mut usd) = (0i128, 0i128);
    {
        let mut sums = tx.prepare_cached("SELECT cny_fen, usd_cents FROM ledger_sums")?;
        for row in sums.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (c, u) = row?;
            cny += i128::from(c);
            usd += i128::from(u);
        }
        let mut shares = tx.prepare_cached(
            "SELECT COALESCE(cny_fen, 0), COALESCE(usd_cents, 0) FROM donations
             WHERE id BETWEEN ?1 AND ?2 AND deleted_at IS NULL",
        )?;
        for row in shares.query_map([lo, hi], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (c, u) = row?;
            cny += i128::from(c);
            usd += i128::from(u);
        }
    }
    if !fits(cny) || !fits(usd) {
        return Err(super::StoreError::TotalTooLarge);
    }
    // Each item's quantity over both visibilities: what the range adds, then what is there.
    let mut added: std::collections::HashMap<(String, String), i128> = std::collections::HashMap::new();
    let mut lines = tx.prepare_cached(
        "SELECT i.item_key, COALESCE(i.unit, ''), i.quantity FROM donation_items i JOIN donations d ON d.id = i.donation_id
         WHERE d.id BETWEEN ?1 AND ?2 AND d.deleted_at IS NULL",
    )?;
    for row in
        lines.query_map([lo, hi], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?
    {
        let (key, unit, q) = row?;
        *added.entry((key, unit)).or_default() += i128::from(q);
    }
    let mut have =
        tx.prepare_cached("SELECT COALESCE(SUM(quantity), 0) FROM item_sums WHERE item_key = ?1 AND unit = ?2")?;
    for ((key, unit), add) in added {
        let there: i64 = have.query_row(params![key, unit], |r| r.get(0))?;
        if !fits(add + i128::from(there)) {
            return Err(super::StoreError::TotalTooLarge);
        }
    }
    Ok(())
}

/// Adds (`sign` 1) or takes away (-1) one donation's share of the running sums (`ledger_sums`,
/// `item_sums`, `country_item_sums`, `partner_item_sums`), as it is stored now, if it is live. Every write of a donation calls it around the
/// change, so the sums always equal what a scan of the live donations would give.
fn apply_sums(tx: &Connection, id: i64, sign: i64) -> Result<()> {
    if sign > 0 {
        check_room(tx, id)?;
    }
    tx.run(
        "INSERT INTO ledger_sums (internal, donations, valued, cny_fen, usd_cents, usd_missing, shared)
         SELECT d.internal, ?2, ?2 * (d.value IS NOT NULL), ?2 * COALESCE(d.cny_fen, 0), ?2 * COALESCE(d.usd_cents, 0),
                ?2 * (d.value IS NOT NULL AND d.usd_cents IS NULL),
                ?2 * ((SELECT COUNT(*) FROM donation_recipients r WHERE r.donation_id = d.id) > 1)
         FROM donations d WHERE d.id = ?1 AND d.deleted_at IS NULL
         ON CONFLICT(internal) DO UPDATE SET donations = donations + excluded.donations, valued = valued + excluded.valued,
           cny_fen = cny_fen + excluded.cny_fen, usd_cents = usd_cents + excluded.usd_cents,
           usd_missing = usd_missing + excluded.usd_missing, shared = shared + excluded.shared",
        params![id, sign],
    )?;
    tx.run(
        "INSERT INTO item_sums (internal, item_key, unit, quantity, item)
         SELECT d.internal, i.item_key, COALESCE(i.unit, ''), ?2 * SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         WHERE d.id = ?1 AND d.deleted_at IS NULL GROUP BY d.internal, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        params![id, sign],
    )?;
    // Once in each country and for each partner the donation reached (as the filters select it).
    tx.run(
        "INSERT INTO country_item_sums (internal, country, item_key, unit, quantity, item)
         SELECT d.internal, c.country, i.item_key, COALESCE(i.unit, ''), ?2 * SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         JOIN (SELECT DISTINCT country FROM donation_recipients WHERE donation_id = ?1) c
         WHERE d.id = ?1 AND d.deleted_at IS NULL GROUP BY d.internal, c.country, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(country, internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        params![id, sign],
    )?;
    tx.run(
        "INSERT INTO partner_item_sums (internal, partner_id, item_key, unit, quantity, item)
         SELECT d.internal, c.partner_id, i.item_key, COALESCE(i.unit, ''), ?2 * SUM(i.quantity), MAX(i.item)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         JOIN (SELECT DISTINCT partner_id FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NOT NULL) c
         WHERE d.id = ?1 AND d.deleted_at IS NULL GROUP BY d.internal, c.partner_id, i.item_key, COALESCE(i.unit, '')
         ON CONFLICT(partner_id, internal, item_key, unit) DO UPDATE SET quantity = quantity + excluded.quantity,
           item = MAX(item, excluded.item)",
        params![id, sign],
    )?;
    if sign < 0 {
        tx.run("DELETE FROM item_sums WHERE quantity <= 0", [])?;
        // Only the rows this donation touched can have fallen to zero.
        tx.run(
            "DELETE FROM country_item_sums WHERE quantity <= 0
               AND country IN (SELECT country FROM donation_recipients WHERE donation_id = ?1)",
            [id],
        )?;
        tx.run(
            "DELETE FROM partner_item_sums WHERE quantity <= 0
               AND partner_id IN (SELECT partner_id FROM donation_recipients WHERE donation_id = ?1)",
            [id],
        )?;
    }
    apply_reach_mask(tx, id, sign)?;
    apply_reach_recipients(tx, id, sign)
}

/// The reach mask of a donation's recipients as they are stored now (see migration 0013).
const REACH_MASK_SQL: &str = "SELECT COALESCE(SUM(DISTINCT CASE p.kind WHEN 'friendship' THEN 1 WHEN 'partner' THEN 2
    WHEN 'overseas-chinese' THEN 4 WHEN 'institution' THEN 8 WHEN 'organization' THEN 16 WHEN 'embassy' THEN 32 END), 0)
    FROM donation_recipients r JOIN partners p ON p.id = r.partner_id WHERE r.donation_id = ?1";

/// The bit of a partner kind in a reach mask.
pub fn reach_bit(kind: PartnerKind) -> i64 {
    match kind {
        PartnerKind::Friendship => 1,
        PartnerKind::Partner => 2,
        PartnerKind::OverseasChinese => 4,
        PartnerKind::Institution => 8,
        PartnerKind::Organization => 16,
        PartnerKind::Embassy => 32,
    }
}

/// A live donation's share of the per-day sums that depend on its reach mask (`reach_sums`,
/// `reach_items`): added under the mask its recipients have now (stored on the row), taken away
/// under the mask stored, so a partner's kind changing in between cannot leave a share behind.
fn apply_reach_mask(tx: &Connection, id: i64, sign: i64) -> Result<()> {
    // Its day has changed (see reach_versions in migration 0013).
    tx.run("UPDATE reach_clock SET tick = tick + 1", [])?;
    tx.run(
        "INSERT INTO reach_versions (day, version) SELECT d.date, (SELECT tick FROM reach_clock) FROM donations d WHERE d.id = ?1
         ON CONFLICT(day) DO UPDATE SET version = excluded.version",
        [id],
    )?;
    if sign > 0 {
        tx.run(&format!("UPDATE donations SET reach = ({REACH_MASK_SQL}) WHERE id = ?1"), [id])?;
    }
    tx.run(
        "INSERT INTO reach_sums (day, reach, internal, donations, cny_fen, usd_cents)
         SELECT d.date, d.reach, d.internal, ?2, ?2 * COALESCE(d.cny_fen, 0), ?2 * COALESCE(d.usd_cents, 0)
         FROM donations d WHERE d.id = ?1 AND d.deleted_at IS NULL
         ON CONFLICT(day, reach, internal) DO UPDATE SET donations = donations + excluded.donations,
           cny_fen = cny_fen + excluded.cny_fen, usd_cents = usd_cents + excluded.usd_cents",
        params![id, sign],
    )?;
    tx.run(
        "INSERT INTO reach_items (item_key, day, reach, internal, quantity)
         SELECT i.item_key, d.date, d.reach, d.internal, ?2 * SUM(i.quantity)
         FROM donation_items i JOIN donations d ON d.id = i.donation_id
         WHERE d.id = ?1 AND d.deleted_at IS NULL GROUP BY i.item_key
         ON CONFLICT(item_key, day, reach, internal) DO UPDATE SET quantity = quantity + excluded.quantity",
        params![id, sign],
    )?;
    if sign < 0 {
        tx.run(
            "DELETE FROM reach_sums WHERE donations <= 0 AND day = (SELECT date FROM donations WHERE id = ?1)",
            [id],
        )?;
        tx.run(
            "DELETE FROM reach_items WHERE quantity <= 0 AND day = (SELECT date FROM donations WHERE id = ?1)
               AND item_key IN (SELECT item_key FROM donation_items WHERE donation_id = ?1)",
            [id],
        )?;
    }
    Ok(())
}

/// A live donation's share of which partners and countries had a donation on its day.
fn apply_reach_recipients(tx: &Connection, id: i64, sign: i64) -> Result<()> {
    // Its partners and direct countries changed at this tick (the clock moved in apply_reach_mask).
    tx.run(
        "INSERT INTO reach_partner_versions (partner_id, version)
         SELECT DISTINCT partner_id, (SELECT tick FROM reach_clock) FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NOT NULL
         ON CONFLICT(partner_id) DO UPDATE SET version = excluded.version",
        [id],
    )?;
    tx.run(
        "INSERT INTO reach_country_versions (country, version)
         SELECT DISTINCT country, (SELECT tick FROM reach_clock) FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NULL
         ON CONFLICT(country) DO UPDATE SET version = excluded.version",
        [id],
    )?;
    tx.run(
        "INSERT INTO reach_partners (partner_id, day, country, internal, donations)
         SELECT r.partner_id, d.date, r.country, d.internal, ?2
         FROM (SELECT DISTINCT partner_id, country FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NOT NULL) r
         JOIN donations d ON d.id = ?1 WHERE d.deleted_at IS NULL
         ON CONFLICT(partner_id, country, day, internal) DO UPDATE SET donations = donations + excluded.donations",
        params![id, sign],
    )?;
    if sign > 0 {
        tx.run(
            "INSERT OR IGNORE INTO reach_partner_countries (partner_id, country)
             SELECT DISTINCT partner_id, country FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NOT NULL",
            [id],
        )?;
    }
    tx.run(
        "INSERT INTO reach_countries (day, country, internal, donations)
         SELECT d.date, r.country, d.internal, ?2
         FROM (SELECT DISTINCT country FROM donation_recipients WHERE donation_id = ?1 AND partner_id IS NULL) r
         JOIN donations d ON d.id = ?1 WHERE d.deleted_at IS NULL
         ON CONFLICT(country, day, internal) DO UPDATE SET donations = donations + excluded.donations",
        params![id, sign],
    )?;
    if sign < 0 {
        tx.run(
            "DELETE FROM reach_partners WHERE donations <= 0
               AND partner_id IN (SELECT partner_id FROM donation_recipients WHERE donation_id = ?1)",
            [id],
        )?;
        tx.run(
            "DELETE FROM reach_countries WHERE donations <= 0 AND day = (SELECT date FROM donations WHERE id = ?1)
               AND country IN (SELECT country FROM donation_recipients WHERE donation_id = ?1)",
            [id],
        )?;
    }
    Ok(())
}

/// Refuses ([`StoreError::TotalTooLarge`]) a live donation whose share would take a running sum (CNY,
/// USD, or an item's quantity, over both visibilities, which is what a staff total adds up) past
/// `i64`: SQLite would turn the sum into a REAL. Every other sum amity computes is a part of these.
fn check_room(tx: &Connection, id: i64) -> Result<()> {
    let share: Option<(i64, i64)> = tx
        .one(
            "SELECT COALESCE(cny_fen, 0), COALESCE(usd_cents, 0) FROM donations WHERE id = ?1 AND deleted_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((cny, usd)) = share else { return Ok(()) };
    let fits = |total: i128| total <= i128::from(i64::MAX);
    let mut stmt = tx.prepare_cached("SELECT cny_fen, usd_cents FROM ledger_sums")?;
    let sums = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    let (mut total_cny, mut total_usd) = (i128::from(cny), i128::from(usd));
    for row in sums {
        let (c, u) = row?;
        total_cny += i128::from(c);
        total_usd += i128::from(u);
    }
    if !fits(total_cny) || !fits(total_usd) {
        return Err(super::StoreError::TotalTooLarge);
    }
    let mut lines = tx.prepare_cached(
        "SELECT i.item_key, COALESCE(i.unit, ''), SUM(i.quantity),
                (SELECT COALESCE(SUM(s.quantity), 0) FROM item_sums s WHERE s.item_key = i.item_key AND s.unit = COALESCE(i.unit, ''))
         FROM donation_items i WHERE i.donation_id = ?1 GROUP BY 1, 2",
    )?;
    let rows = lines.query_map([id], |r| Ok((r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)))?;
    for row in rows {
        let (add, have) = row?;
        if !fits(i128::from(add) + i128::from(have)) {
            return Err(super::StoreError::TotalTooLarge);
        }
    }
    Ok(())
}

fn replace_donation(tx: &Connection, d: &Donation) -> Result<()> {
    apply_sums(tx, d.id, -1)?;
    let c = donation_value_cols(d)?;
    tx.run(
        "UPDATE donations SET date = ?2, donor = ?3, value = ?4, currency = ?5, value_date = ?6, rate = ?7, usd_rate = ?8,
         cny_fen = ?9, usd_cents = ?10, status = ?11, fund = ?12, internal = ?13, note = ?14,
         rate_from = ?15, usd_rate_from = ?16, rate_age = ?17, source = ?18 WHERE id = ?1",
        params![
            d.id, date_sql(d.date), d.donor, c.value, c.currency, c.value_date, c.rate, c.usd_rate, c.cny, c.usd,
            d.status.as_str(), opt(&d.fund), d.internal, opt(&d.note), c.rate_from, c.usd_rate_from, c.rate_age,
            opt(&d.source)
        ],
    )?;
    write_donation_children(tx, d)?;
    apply_sums(tx, d.id, 1)
}

const DONATION_COLS: &str = "id, date, donor, value, currency, value_date, rate, usd_rate, cny_fen, usd_cents, status, fund, internal, note, rate_from, usd_rate_from, source";

fn donation_from_row(r: &Row<'_>) -> rusqlite::Result<RawDonation> {
    Ok(RawDonation {
        id: r.get(0)?,
        date: r.get(1)?,
        donor: r.get(2)?,
        value: r.get(3)?,
        currency: r.get(4)?,
        value_date: r.get(5)?,
        rate: r.get(6)?,
        usd_rate: r.get(7)?,
        cny_fen: r.get(8)?,
        usd_cents: r.get(9)?,
        status: r.get(10)?,
        fund: r.get(11)?,
        internal: r.get(12)?,
        note: r.get(13)?,
        rate_from: r.get(14)?,
        usd_rate_from: r.get(15)?,
        source: r.get(16)?,
    })
}

struct RawDonation {
    id: i64,
    date: String,
    donor: String,
    value: Option<String>,
    currency: Option<String>,
    value_date: String,
    rate: Option<String>,
    usd_rate: Option<String>,
    cny_fen: Option<i64>,
    usd_cents: Option<i64>,
    status: String,
    fund: Option<String>,
    internal: bool,
    note: Option<String>,
    rate_from: Option<String>,
    usd_rate_from: Option<String>,
    source: Option<String>,
}

fn finish_donation(conn: &Connection, raw: RawDonation) -> Result<Donation> {
    let mut stmt =
        conn.prepare_cached("SELECT partner_id, country FROM donation_recipients WHERE donation_id = ?1 ORDER BY seq")?;
    let rows = stmt
        .query_map([raw.id], |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let recipients = rows.into_iter().map(|(p, c)| party_from(conn, p, Some(c), None)).collect::<Result<Vec<_>>>()?;
    let mut stmt =
        conn.prepare_cached("SELECT quantity, unit, item FROM donation_items WHERE donation_id = ?1 ORDER BY seq")?;
    let items = stmt
        .query_map([raw.id], |r| {
            Ok(ItemLine { quantity: r.get::<_, i64>(0)? as u64, unit: r.get(1)?, item: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    donation_of(raw, recipients, items)
}

/// A donation from its own row and its children.
fn donation_of(raw: RawDonation, recipients: Vec<Party>, items: Vec<ItemLine>) -> Result<Donation> {
    let value_date = date_from(&raw.value_date)?;
    let value = match (raw.value, raw.currency, raw.rate, raw.cny_fen) {
        (Some(v), Some(c), Some(rate), Some(cny)) => Some(FixedValue {
            amount: dec_from(&v)?,
            currency: Currency::from_code(&c).ok_or_else(|| corrupt(format!("currency {c}")))?,
            value_date,
            rate: dec_from(&rate)?,
            usd_rate: raw.usd_rate.as_deref().map(dec_from).transpose()?,
            cny: from_minor(cny),
            usd: raw.usd_cents.map(from_minor),
            rate_from: raw.rate_from.as_deref().map(date_from).transpose()?,
            usd_rate_from: raw.usd_rate_from.as_deref().map(date_from).transpose()?,
        }),
        _ => None,
    };
    Ok(Donation {
        id: raw.id,
        date: date_from(&raw.date)?,
        recipients,
        donor: raw.donor,
        items,
        value,
        value_date,
        status: Status::parse(&raw.status).ok_or_else(|| corrupt(format!("status {}", raw.status)))?,
        fund: raw.fund,
        internal: raw.internal,
        note: raw.note,
        source: raw.source,
    })
}

/// [`DONATION_COLS`] on `donations` aliased `t`.
pub const DONATION_COLS_T: &str = "t.id, t.date, t.donor, t.value, t.currency, t.value_date, t.rate, t.usd_rate, t.cny_fen, t.usd_cents, t.status, t.fund, t.internal, t.note, t.rate_from, t.usd_rate_from, t.source";

/// How many columns [`DONATION_COLS_T`] reads (counted once, at compile time).
const DONATION_COLS_N: usize = {
    let b = DONATION_COLS_T.as_bytes();
    let (mut i, mut n) = (0, 1);
    while i < b.len() {
        if b[i] == b',' {
            n += 1;
        }
        i += 1;
    }
    n
};

/// A donation's own row, read by a caller's query of [`DONATION_COLS_T`].
pub(crate) struct RawRow(RawDonation);

pub(crate) fn raw_donation(r: &Row<'_>) -> Result<RawRow> {
    Ok(RawRow(donation_from_row(r)?))
}

/// A donation's recipients and items read with its row by a query over `donations t`: each child
/// table as one JSON array of `[seq, …]` arrays (read by [`RawWithChildren::decode`], which puts them
/// in `seq` order: an `ORDER BY` inside the aggregate costs a sort per row, a quarter of the query's
/// time on the benchmark ledger). In a pass over the table in its own order, the children's pages are
/// then read in order too, not searched at random.
pub const DONATION_CHILDREN_T: &str = "(SELECT json_group_array(json_array(r.seq, r.partner_id, r.country)) FROM donation_recipients r WHERE r.donation_id = t.id), (SELECT json_group_array(json_array(i.seq, i.quantity, i.unit, i.item)) FROM donation_items i WHERE i.donation_id = t.id)";

/// A donation's row and its children as a query of [`DONATION_COLS_T`] followed by
/// [`DONATION_CHILDREN_T`] reads them, owned and not yet decoded: it can be decoded on another thread
/// than the one stepping the query.
pub(crate) struct RawWithChildren {
    row: RawDonation,
    recipients: String,
    items: String,
}

impl RawWithChildren {
    pub(crate) fn read(r: &Row<'_>) -> Result<RawWithChildren> {
        let at = DONATION_COLS_N;
        Ok(RawWithChildren { row: donation_from_row(r)?, recipients: r.get(at)?, items: r.get(at + 1)? })
    }

    /// The donation, its recipients' names from `partners` (which must hold every partner a
    /// recipient names: [`PartnerNames::all`]).
    pub(crate) fn decode(self, partners: &PartnerNames) -> Result<Donation> {
        let id = self.row.id;
        let mut recipients: Vec<(i64, Option<i64>, String)> =
            serde_json::from_str(&self.recipients).map_err(|e| corrupt(format!("donation {id}'s recipients: {e}")))?;
        recipients.sort_by_key(|r| r.0);
        let recipients = recipients
            .into_iter()
            .map(|(_, pid, country)| match pid {
                Some(pid) => partners.known(pid),
                None => Ok(Party::Country(country_from(&country)?)),
            })
            .collect::<Result<Vec<_>>>()?;
        let mut items: Vec<(i64, i64, Option<String>, String)> =
            serde_json::from_str(&self.items).map_err(|e| corrupt(format!("donation {id}'s items: {e}")))?;
        items.sort_by_key(|i| i.0);
        let items = items.into_iter().map(|(_, q, unit, item)| ItemLine { quantity: q as u64, unit, item }).collect();
        donation_of(self.row, recipients, items)
    }
}

/// Partners' names and countries as read once, for a pass over many records.
#[derive(Default)]
pub(crate) struct PartnerNames(HashMap<i64, (String, CountryCode)>);

impl PartnerNames {
    /// Every partner's, deleted ones too (a recipient may name one), in one read.
    pub(crate) fn all(conn: &Connection) -> Result<PartnerNames> {
        let mut stmt = conn.prepare("SELECT id, name, country FROM partners")?;
        let mut rows = stmt.query([])?;
        let mut names = HashMap::new();
        while let Some(r) = rows.next()? {
            let country: String = r.get(2)?;
            names.insert(r.get(0)?, (r.get(1)?, country_from(&country)?));
        }
        Ok(PartnerNames(names))
    }

    fn known(&self, pid: i64) -> Result<Party> {
        let (name, country) = self.0.get(&pid).ok_or_else(|| corrupt(format!("recipient partner {pid} not found")))?;
        Ok(Party::Partner { id: pid, name: name.clone(), country: *country })
    }

    fn party(&mut self, conn: &Connection, pid: i64) -> Result<Party> {
        if let Some((name, country)) = self.0.get(&pid) {
            return Ok(Party::Partner { id: pid, name: name.clone(), country: *country });
        }
        let (name, c): (String, String) =
            conn.one("SELECT name, country FROM partners WHERE id = ?1", [pid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let country = country_from(&c)?;
        self.0.insert(pid, (name.clone(), country));
        Ok(Party::Partner { id: pid, name, country })
    }
}

/// Donations from their own rows, their recipients and items read for the whole batch at once (one
/// query each, by the donations' ids), in the rows' order.
pub(crate) fn finish_donations(
    conn: &Connection,
    raws: Vec<RawRow>,
    partners: &mut PartnerNames,
) -> Result<Vec<Donation>> {
    // In ascending order, so the index and table pages of the children are visited in file order.
    let mut sorted: Vec<i64> = raws.iter().map(|r| r.0.id).collect();
    sorted.sort_unstable();
    let ids = serde_json::to_string(&sorted).map_err(|e| corrupt(e.to_string()))?;
    let mut recipients: HashMap<i64, Vec<Party>> = HashMap::with_capacity(raws.len());
    let mut stmt = conn.prepare_cached(
        "SELECT donation_id, partner_id, country FROM donation_recipients
         WHERE donation_id IN (SELECT value FROM json_each(?1)) ORDER BY donation_id, seq",
    )?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let (id, pid, country): (i64, Option<i64>, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let party = match pid {
            Some(pid) => partners.party(conn, pid)?,
            None => Party::Country(country_from(&country)?),
        };
        recipients.entry(id).or_default().push(party);
    }
    let mut items: HashMap<i64, Vec<ItemLine>> = HashMap::with_capacity(raws.len());
    let mut stmt = conn.prepare_cached(
        "SELECT donation_id, quantity, unit, item FROM donation_items
         WHERE donation_id IN (SELECT value FROM json_each(?1)) ORDER BY donation_id, seq",
    )?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let line = ItemLine { quantity: r.get::<_, i64>(1)? as u64, unit: r.get(2)?, item: r.get(3)? };
        items.entry(r.get(0)?).or_default().push(line);
    }
    raws.into_iter()
        .map(|RawRow(raw)| {
            let (id_r, id_i) =
                (recipients.remove(&raw.id).unwrap_or_default(), items.remove(&raw.id).unwrap_or_default());
            donation_of(raw, id_r, id_i)
        })
        .collect()
}

pub fn get_donation(conn: &Connection, id: i64) -> Result<Option<Donation>> {
    let raw = conn
        .one(&format!("SELECT {DONATION_COLS} FROM donations WHERE id = ?1"), [id], donation_from_row)
        .optional()?;
    raw.map(|r| finish_donation(conn, r)).transpose()
}

// ---------------------------------------------------------------- letters

fn write_letter_children(tx: &Connection, l: &Letter) -> Result<()> {
    tx.run("DELETE FROM letter_partners WHERE letter_id = ?1", [l.id])?;
    let mut stmt = tx.prepare_cached("INSERT INTO letter_partners (letter_id, seq, partner_id) VALUES (?1, ?2, ?3)")?;
    for (i, p) in l.partners.iter().enumerate() {
        let pid = p.partner_id().ok_or_else(|| corrupt("letter to something that is not a partner"))?;
        stmt.execute(params![l.id, i as i64, pid])?;
    }
    Ok(())
}

pub fn insert_letter(tx: &Connection, l: &Letter, actor: &str) -> Result<i64> {
    tx.run(
        "INSERT INTO letters (date, direction, kind, signatories, author, quote, in_reply_to, internal, note, created_by, created_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            date_sql(l.date), l.direction.as_str(), l.kind.as_str(), join_list(&l.signatories), l.author, l.quote,
            l.in_reply_to, l.internal, opt(&l.note), actor, now_utc(), opt(&l.source)
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_letter_children(tx, &Letter { id, ..l.clone() })?;
    Ok(id)
}

fn replace_letter(tx: &Connection, l: &Letter) -> Result<()> {
    tx.run(
        "UPDATE letters SET date = ?2, direction = ?3, kind = ?4, signatories = ?5, author = ?6, quote = ?7, in_reply_to = ?8,
         internal = ?9, note = ?10, source = ?11 WHERE id = ?1",
        params![
            l.id, date_sql(l.date), l.direction.as_str(), l.kind.as_str(), join_list(&l.signatories), l.author, l.quote,
            l.in_reply_to, l.internal, opt(&l.note), opt(&l.source)
        ],
    )?;
    write_letter_children(tx, l)
}

fn join_list(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join("; "))
}

fn split_list(s: Option<String>) -> Vec<String> {
    s.map(|s| s.split("; ").map(str::to_string).collect()).unwrap_or_default()
}

pub fn get_letter(conn: &Connection, id: i64) -> Result<Option<Letter>> {
    type Raw = (
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        bool,
        Option<String>,
        Option<String>,
    );
    let raw: Option<Raw> = conn.one(
            "SELECT id, date, direction, kind, signatories, author, quote, in_reply_to, internal, note, source FROM letters WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            },
        )
        .optional()?;
    let Some((id, date, direction, kind, sig, author, quote, in_reply_to, internal, note, source)) = raw else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached("SELECT partner_id FROM letter_partners WHERE letter_id = ?1 ORDER BY seq")?;
    let pids = stmt.query_map([id], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let partners = pids.into_iter().map(|p| party_from(conn, Some(p), None, None)).collect::<Result<Vec<_>>>()?;
    Ok(Some(Letter {
        id,
        date: date_from(&date)?,
        direction: Direction::parse(&direction).ok_or_else(|| corrupt("letter direction"))?,
        kind: LetterKind::parse(&kind).ok_or_else(|| corrupt("letter kind"))?,
        partners,
        signatories: split_list(sig),
        author,
        quote,
        in_reply_to,
        internal,
        note,
        source,
    }))
}

// ---------------------------------------------------------------- events

fn write_event_children(tx: &Connection, e: &Event) -> Result<()> {
    tx.run("DELETE FROM event_participants WHERE event_id = ?1", [e.id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO event_participants (event_id, seq, partner_id, country, name) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, p) in e.participants.iter().enumerate() {
        let (pid, country, name) = match p {
            Party::Partner { id, country, .. } => (Some(*id), Some(country.as_str().to_string()), None),
            Party::Country(c) => (None, Some(c.as_str().to_string()), None),
            Party::Named { name, country } => (None, country.map(|c| c.as_str().to_string()), Some(name.clone())),
        };
        stmt.execute(params![e.id, i as i64, pid, country, name])?;
    }
    Ok(())
}

pub fn insert_event(tx: &Connection, e: &Event, actor: &str) -> Result<i64> {
    tx.run(
        "INSERT INTO events (date, kind, topic, host, internal, note, created_by, created_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![date_sql(e.date), e.kind.as_str(), e.topic, e.host, e.internal, opt(&e.note), actor, now_utc(), opt(&e.source)],
    )?;
    let id = tx.last_insert_rowid();
    write_event_children(tx, &Event { id, ..e.clone() })?;
    Ok(id)
}

fn replace_event(tx: &Connection, e: &Event) -> Result<()> {
    tx.run(
        "UPDATE events SET date = ?2, kind = ?3, topic = ?4, host = ?5, internal = ?6, note = ?7, source = ?8 WHERE id = ?1",
        params![e.id, date_sql(e.date), e.kind.as_str(), e.topic, e.host, e.internal, opt(&e.note), opt(&e.source)],
    )?;
    write_event_children(tx, e)
}

pub fn get_event(conn: &Connection, id: i64) -> Result<Option<Event>> {
    type Raw = (i64, String, String, String, Option<String>, bool, Option<String>, Option<String>);
    let raw: Option<Raw> = conn
        .one("SELECT id, date, kind, topic, host, internal, note, source FROM events WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .optional()?;
    let Some((id, date, kind, topic, host, internal, note, source)) = raw else { return Ok(None) };
    let mut stmt = conn
        .prepare_cached("SELECT partner_id, country, name FROM event_participants WHERE event_id = ?1 ORDER BY seq")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let participants = rows.into_iter().map(|(p, c, n)| party_from(conn, p, c, n)).collect::<Result<Vec<_>>>()?;
    Ok(Some(Event {
        id,
        date: date_from(&date)?,
        kind: EventKind::parse(&kind).ok_or_else(|| corrupt("event kind"))?,
        topic,
        host,
        participants,
        internal,
        note,
        source,
    }))
}

// ---------------------------------------------------------------- receptions

fn write_reception_children(tx: &Connection, r: &Reception) -> Result<()> {
    tx.run("DELETE FROM reception_countries WHERE reception_id = ?1", [r.id])?;
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO reception_countries (reception_id, country) VALUES (?1, ?2)")?;
    for c in &r.countries {
        stmt.execute(params![r.id, c.as_str()])?;
    }
    Ok(())
}

pub fn insert_reception(tx: &Connection, r: &Reception, actor: &str) -> Result<i64> {
    tx.run(
        "INSERT INTO receptions (date, place, count, guests, internal, note, created_by, created_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![date_sql(r.date), r.place, r.count, r.guests, r.internal, opt(&r.note), actor, now_utc(), opt(&r.source)],
    )?;
    let id = tx.last_insert_rowid();
    write_reception_children(tx, &Reception { id, ..r.clone() })?;
    Ok(id)
}

fn replace_reception(tx: &Connection, r: &Reception) -> Result<()> {
    tx.run(
        "UPDATE receptions SET date = ?2, place = ?3, count = ?4, guests = ?5, internal = ?6, note = ?7, source = ?8 WHERE id = ?1",
        params![r.id, date_sql(r.date), r.place, r.count, r.guests, r.internal, opt(&r.note), opt(&r.source)],
    )?;
    write_reception_children(tx, r)
}

pub fn get_reception(conn: &Connection, id: i64) -> Result<Option<Reception>> {
    type Raw = (i64, String, String, u32, String, bool, Option<String>, Option<String>);
    let raw: Option<Raw> = conn
        .one("SELECT id, date, place, count, guests, internal, note, source FROM receptions WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .optional()?;
    let Some((id, date, place, count, guests, internal, note, source)) = raw else { return Ok(None) };
    let mut stmt =
        conn.prepare_cached("SELECT country FROM reception_countries WHERE reception_id = ?1 ORDER BY country")?;
    let cs = stmt.query_map([id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Reception {
        id,
        date: date_from(&date)?,
        place,
        count,
        guests,
        countries: cs.iter().map(|c| country_from(c)).collect::<Result<Vec<_>>>()?,
        internal,
        note,
        source,
    }))
}

// ---------------------------------------------------------------- reported figures

fn figures_json(r: &Reported) -> Result<String> {
    serde_json::to_string(&r.figures).map_err(|e| corrupt(format!("figures: {e}")))
}

pub fn insert_reported(tx: &Connection, r: &Reported, actor: &str) -> Result<i64> {
    tx.run(
        "INSERT INTO reported (date, of, figures, source, period_from, period_to, internal, note, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            date_sql(r.date), r.of.as_str(), figures_json(r)?, r.source, r.from.map(date_sql), r.to.map(date_sql),
            r.internal, opt(&r.note), actor, now_utc()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn replace_reported(tx: &Connection, r: &Reported) -> Result<()> {
    tx.run(
        "UPDATE reported SET date = ?2, of = ?3, figures = ?4, source = ?5, period_from = ?6, period_to = ?7,
         internal = ?8, note = ?9 WHERE id = ?1",
        params![
            r.id,
            date_sql(r.date),
            r.of.as_str(),
            figures_json(r)?,
            r.source,
            r.from.map(date_sql),
            r.to.map(date_sql),
            r.internal,
            opt(&r.note)
        ],
    )?;
    Ok(())
}

pub fn get_reported(conn: &Connection, id: i64) -> Result<Option<Reported>> {
    type Raw = (i64, String, String, String, String, Option<String>, Option<String>, bool, Option<String>);
    let raw: Option<Raw> = conn
        .one(
            "SELECT id, date, of, figures, source, period_from, period_to, internal, note FROM reported WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()?;
    let Some((id, date, of, figures, source, from, to, internal, note)) = raw else { return Ok(None) };
    Ok(Some(Reported {
        id,
        date: date_from(&date)?,
        of: ReportedOf::parse(&of).ok_or_else(|| corrupt(format!("reported of {of}")))?,
        figures: serde_json::from_str(&figures).map_err(|e| corrupt(format!("figures of F-{id}: {e}")))?,
        source,
        from: from.as_deref().map(date_from).transpose()?,
        to: to.as_deref().map(date_from).transpose()?,
        internal,
        note,
    }))
}

// ---------------------------------------------------------------- any record

/// Loads a record and whether it is deleted.
pub fn get_record(conn: &Connection, id: RecordId) -> Result<Option<(Record, bool)>> {
    let deleted: Option<bool> = conn
        .one(&format!("SELECT deleted_at IS NOT NULL FROM {} WHERE id = ?1", id.kind.table()), [id.id], |r| r.get(0))
        .optional()?;
    let Some(deleted) = deleted else { return Ok(None) };
    let rec = match id.kind {
        RecordKind::Partner => get_partner(conn, id.id)?.map(Record::Partner),
        RecordKind::Donation => get_donation(conn, id.id)?.map(Record::Donation),
        RecordKind::Letter => get_letter(conn, id.id)?.map(Record::Letter),
        RecordKind::Event => get_event(conn, id.id)?.map(Record::Event),
        RecordKind::Reception => get_reception(conn, id.id)?.map(Record::Reception),
        RecordKind::Reported => get_reported(conn, id.id)?.map(Record::Reported),
    };
    Ok(rec.map(|r| (r, deleted)))
}

/// Inserts a new record; returns its id.
pub fn insert_record(tx: &Connection, rec: &Record, actor: &str) -> Result<RecordId> {
    let id = match rec {
        Record::Partner(p) => insert_partner(tx, p, actor)?,
        Record::Donation(d) => insert_donation(tx, d, actor)?,
        Record::Letter(l) => insert_letter(tx, l, actor)?,
        Record::Event(e) => insert_event(tx, e, actor)?,
        Record::Reception(r) => insert_reception(tx, r, actor)?,
        Record::Reported(r) => insert_reported(tx, r, actor)?,
    };
    Ok(RecordId::new(rec.id().kind, id))
}

/// [`insert_record`], with a donation's running sums left to the caller ([`add_sums_range`]).
pub fn insert_record_unsummed(tx: &Connection, rec: &Record, actor: &str) -> Result<RecordId> {
    match rec {
        Record::Donation(d) => Ok(RecordId::new(rec.id().kind, insert_donation_unsummed(tx, d, actor)?)),
        _ => insert_record(tx, rec, actor),
    }
}

/// Overwrites a stored record with `rec` (same id).
pub fn replace_record(tx: &Connection, rec: &Record) -> Result<()> {
    match rec {
        Record::Partner(p) => replace_partner(tx, p),
        Record::Donation(d) => replace_donation(tx, d),
        Record::Letter(l) => replace_letter(tx, l),
        Record::Event(e) => replace_event(tx, e),
        Record::Reception(r) => replace_reception(tx, r),
        Record::Reported(r) => replace_reported(tx, r),
    }
}

/// Soft-deletes (with a reason) or restores a record.
pub fn set_deleted(tx: &Connection, id: RecordId, reason: Option<&str>) -> Result<()> {
    let donation = (id.kind == RecordKind::Donation).then_some(id.id);
    // The running sums follow live donations only: take it out before it is deleted, put it back after
    // it is restored (and only if it really was deleted, so a repeated restore counts nothing twice).
    let was_deleted: bool = match donation {
        Some(d) => tx.one("SELECT deleted_at IS NOT NULL FROM donations WHERE id = ?1", [d], |r| r.get(0))?,
        None => false,
    };
    if let (Some(d), Some(_)) = (donation, reason) {
        apply_sums(tx, d, -1)?;
    }
    match reason {
        Some(reason) => tx.run(
            &format!("UPDATE {} SET deleted_at = ?2, deleted_reason = ?3 WHERE id = ?1", id.kind.table()),
            params![id.id, now_utc(), reason],
        )?,
        None => tx.run(
            &format!("UPDATE {} SET deleted_at = NULL, deleted_reason = NULL WHERE id = ?1", id.kind.table()),
            [id.id],
        )?,
    };
    if let (Some(d), None, true) = (donation, reason, was_deleted) {
        apply_sums(tx, d, 1)?;
    }
    Ok(())
}

/// The ids of the live donations dated `date`, oldest first.
pub fn donations_on(conn: &Connection, date: NaiveDate) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM donations WHERE date = ?1 AND deleted_at IS NULL ORDER BY id")?;
    let ids = stmt.query_map([date_sql(date)], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Who created a record and when (UTC text).
pub fn created(conn: &Connection, id: RecordId) -> Result<Option<(String, String)>> {
    Ok(conn
        .one(&format!("SELECT created_by, created_at FROM {} WHERE id = ?1", id.kind.table()), [id.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// How many live (not deleted) records name this partner: donations, letters, events.
pub fn partner_references(conn: &Connection, partner_id: i64) -> Result<i64> {
    Ok(conn.one(
        "SELECT (SELECT COUNT(DISTINCT r.donation_id) FROM donation_recipients r JOIN donations x ON x.id = r.donation_id
                  WHERE r.partner_id = ?1 AND x.deleted_at IS NULL)
              + (SELECT COUNT(DISTINCT l.letter_id) FROM letter_partners l JOIN letters x ON x.id = l.letter_id
                  WHERE l.partner_id = ?1 AND x.deleted_at IS NULL)
              + (SELECT COUNT(DISTINCT e.event_id) FROM event_participants e JOIN events x ON x.id = e.event_id
                  WHERE e.partner_id = ?1 AND x.deleted_at IS NULL)",
        [partner_id],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_read_as_digits_and_anything_else_is_named() {
        assert_eq!(date_from("2020-03-23").unwrap(), NaiveDate::from_ymd_opt(2020, 3, 23).unwrap());
        assert_eq!(date_from("0999-12-31").unwrap(), NaiveDate::from_ymd_opt(999, 12, 31).unwrap());
        for bad in
            ["2021-02-29", "2020-13-01", "2020-00-10", "2020-1-1x", "20200323", "2020/03/23", "２０２０-03-23", ""]
        {
            assert!(date_from(bad).is_err(), "{bad:?} read as a date");
        }
    }

    /// A donation's own row as a query reads it: in kind, public, on 2020-04-01.
    fn row(id: i64) -> RawDonation {
        RawDonation {
            id,
            date: "2020-04-01".into(),
            donor: "Office".into(),
            value: None,
            currency: None,
            value_date: "2020-04-01".into(),
            rate: None,
            usd_rate: None,
            cny_fen: None,
            usd_cents: None,
            status: "shipped".into(),
            fund: None,
            internal: false,
            note: None,
            rate_from: None,
            usd_rate_from: None,
            source: None,
        }
    }

    #[test]
    fn a_donations_children_decode_in_their_order_whatever_order_sqlite_visited_them() {
        // The whole-ledger export's query aggregates the children without an ORDER BY (a sort per row):
        // the arrays carry each child's seq, and decoding puts them back in that order.
        let raw = RawWithChildren {
            row: row(7),
            recipients: r#"[[2,null,"DE"],[0,5,"IT"],[1,null,"KE"]]"#.into(),
            items: r#"[[1,1,null,"mask"],[2,2,null,"goggles"],[0,3,null,"gloves"]]"#.into(),
        };
        let mut names = HashMap::new();
        names.insert(5, ("Mantova".to_string(), CountryCode::from_alpha2("IT").unwrap()));
        let d = raw.decode(&PartnerNames(names)).unwrap();
        let parties: Vec<String> = d
            .recipients
            .iter()
            .map(|p| match p {
                Party::Partner { name, .. } => name.clone(),
                Party::Country(c) => c.as_str().to_string(),
                Party::Named { name, .. } => name.clone(),
            })
            .collect();
        assert_eq!(parties, ["Mantova", "KE", "DE"]);
        let items: Vec<(u64, &str)> = d.items.iter().map(|i| (i.quantity, i.item.as_str())).collect();
        assert_eq!(items, [(3, "gloves"), (1, "mask"), (2, "goggles")]);
    }

    #[test]
    fn a_recipient_naming_no_known_partner_is_a_corrupt_row_not_a_guess() {
        let raw = RawWithChildren { row: row(1), recipients: r#"[[0,9,"IT"]]"#.into(), items: "[]".into() };
        assert!(raw.decode(&PartnerNames::default()).is_err());
    }
}

//! Exchange rates (CNY per unit of a currency, valid from a date), the lookup rule (the newest rate on
//! or before the value date), and filling in USD amounts that were missing when a rate arrives later.
//! Amounts already fixed are never recomputed.

use super::records::{date_from, date_sql, dec_from, from_minor, get_donation, to_minor};
use super::{Result, history, now_utc};
use crate::domain::money::Currency;
use crate::domain::{FixedValue, Record, RecordId, RecordKind};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub currency: Currency,
    pub date: NaiveDate,
    pub cny_per_unit: Decimal,
    pub source: Option<String>,
}

/// Records a rate (replacing one of the same currency and date). Returns the rate it replaced.
pub fn set(tx: &Connection, rate: &Rate, actor: &str) -> Result<Option<Decimal>> {
    let prior: Option<String> = tx
        .query_row(
            "SELECT cny_per_unit FROM rates WHERE currency = ?1 AND date = ?2",
            params![rate.currency.as_str(), date_sql(rate.date)],
            |r| r.get(0),
        )
        .optional()?;
    tx.execute(
        "INSERT INTO rates (currency, date, cny_per_unit, source, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(currency, date) DO UPDATE SET cny_per_unit = excluded.cny_per_unit, source = excluded.source,
           created_by = excluded.created_by, created_at = excluded.created_at",
        params![rate.currency.as_str(), date_sql(rate.date), rate.cny_per_unit.normalize().to_string(), rate.source, actor, now_utc()],
    )?;
    prior.as_deref().map(dec_from).transpose()
}

/// CNY per unit of `currency` on `date`: 1 for CNY, else the newest rate on or before the date.
pub fn lookup(conn: &Connection, currency: Currency, date: NaiveDate) -> Result<Option<Rate>> {
    if currency == Currency::CNY {
        return Ok(Some(Rate { currency, date, cny_per_unit: Decimal::ONE, source: None }));
    }
    let row: Option<(String, String, Option<String>)> = conn
        .query_row(
            "SELECT date, cny_per_unit, source FROM rates WHERE currency = ?1 AND date <= ?2 ORDER BY date DESC LIMIT 1",
            params![currency.as_str(), date_sql(date)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(d, v, s)| Ok(Rate { currency, date: date_from(&d)?, cny_per_unit: dec_from(&v)?, source: s })).transpose()
}

/// Every rate of a currency (all currencies when None), newest first.
pub fn list(conn: &Connection, currency: Option<Currency>, limit: usize) -> Result<Vec<Rate>> {
    let mut stmt = conn.prepare(
        "SELECT currency, date, cny_per_unit, source FROM rates WHERE ?1 IS NULL OR currency = ?1 ORDER BY date DESC, currency LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![currency.map(|c| c.as_str().to_string()), limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(c, d, v, s)| {
            Ok(Rate {
                currency: Currency::from_code(&c).ok_or_else(|| super::corrupt(format!("currency {c}")))?,
                date: date_from(&d)?,
                cny_per_unit: dec_from(&v)?,
                source: s,
            })
        })
        .collect()
}

/// Computes a donation's fixed value from a declared amount and the rates known for its value date.
/// Returns Ok(None) when the declared currency itself has no rate (the caller refuses the entry).
pub fn fix_value(
    conn: &Connection,
    amount: Decimal,
    currency: Currency,
    value_date: NaiveDate,
) -> Result<Option<FixedValue>> {
    let Some(rate) = lookup(conn, currency, value_date)? else { return Ok(None) };
    let cny = amount * rate.cny_per_unit;
    let (usd_rate, usd) = if currency == Currency::USD {
        (Some(rate.cny_per_unit), Some(amount))
    } else {
        match lookup(conn, Currency::USD, value_date)? {
            Some(u) if !u.cny_per_unit.is_zero() => (Some(u.cny_per_unit), Some(cny / u.cny_per_unit)),
            _ => (None, None),
        }
    };
    Ok(Some(FixedValue {
        amount,
        currency,
        value_date,
        rate: rate.cny_per_unit,
        usd_rate,
        cny: from_minor(to_minor(cny)),
        usd: usd.map(|u| from_minor(to_minor(u))),
    }))
}

/// After a USD rate is recorded: fixes the USD amount of every valued donation that had none and whose
/// value date now has a rate. Each fill is recorded in the history. Returns the donations filled.
pub fn fill_missing_usd(tx: &Connection, actor: &str) -> Result<Vec<i64>> {
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM donations WHERE value IS NOT NULL AND usd_cents IS NULL")?;
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut filled = Vec::new();
    for id in ids {
        let Some(before) = get_donation(tx, id)? else { continue };
        let Some(v) = &before.value else { continue };
        let Some(u) = lookup(tx, Currency::USD, v.value_date)? else { continue };
        if u.cny_per_unit.is_zero() {
            continue;
        }
        let exact_cny = v.amount * v.rate;
        let mut after = before.clone();
        if let Some(av) = after.value.as_mut() {
            av.usd_rate = Some(u.cny_per_unit);
            av.usd = Some(from_minor(to_minor(exact_cny / u.cny_per_unit)));
        }
        super::records::replace_record(tx, &Record::Donation(after.clone()))?;
        history::record(
            tx,
            actor,
            RecordId::new(RecordKind::Donation, id),
            history::Action::Edit,
            Some(&Record::Donation(before)),
            Some(&Record::Donation(after)),
            Some("USD rate added"),
            None,
        )?;
        filled.push(id);
    }
    Ok(filled)
}

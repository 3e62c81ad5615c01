//! Exchange rates (CNY per unit of a currency, valid from a date), the lookup rule (the newest rate on
//! or before the value date), and filling in USD amounts that were missing when a rate arrives later.
//! Amounts already fixed are never recomputed.

use super::Cached;
use super::records::{date_from, date_sql, dec_from, from_minor, get_donation};
use super::{Result, history, now_utc};
use crate::domain::money::{self, Currency, Money, MoneyError};
use crate::domain::{FixedValue, Record, RecordId, RecordKind};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub currency: Currency,
    pub date: NaiveDate,
    pub cny_per_unit: Decimal,
    pub source: Option<String>,
}

/// Records a rate (replacing one of the same currency and date, whose value stays in `rate_changes`
/// with everything ever set). Returns the rate it replaced.
pub fn set(tx: &Connection, rate: &Rate, actor: &str) -> Result<Option<Decimal>> {
    let prior: Option<String> = tx
        .one(
            "SELECT cny_per_unit FROM rates WHERE currency = ?1 AND date = ?2",
            params![rate.currency.as_str(), date_sql(rate.date)],
            |r| r.get(0),
        )
        .optional()?;
    let value = rate.cny_per_unit.normalize().to_string();
    tx.run(
        "INSERT INTO rate_changes (currency, date, cny_per_unit, replaced, source, set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![rate.currency.as_str(), date_sql(rate.date), value, prior, rate.source, actor, now_utc()],
    )?;
    tx.run(
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
    let row: Option<(String, String, Option<String>)> = conn.one(
            "SELECT date, cny_per_unit, source FROM rates WHERE currency = ?1 AND date <= ?2 ORDER BY date DESC LIMIT 1",
            params![currency.as_str(), date_sql(date)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(d, v, s)| Ok(Rate { currency, date: date_from(&d)?, cny_per_unit: dec_from(&v)?, source: s })).transpose()
}

/// One `/rate` as it was set: what, by whom, when, and the value of the same day it replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateChange {
    pub rate: Rate,
    pub replaced: Option<Decimal>,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// Every rate ever set for a currency (all currencies when None), newest first.
pub fn changes(conn: &Connection, currency: Option<Currency>, limit: usize) -> Result<Vec<RateChange>> {
    let mut stmt = conn.prepare(
        "SELECT currency, date, cny_per_unit, source, replaced, set_by, set_at FROM rate_changes
         WHERE ?1 IS NULL OR currency = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    type Row = (String, String, String, Option<String>, Option<String>, String, String);
    let rows = stmt
        .query_map(params![currency.map(|c| c.as_str().to_string()), limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    rows.into_iter()
        .map(|(c, d, v, source, replaced, set_by, set_at)| {
            Ok(RateChange {
                rate: Rate {
                    currency: Currency::from_code(&c).ok_or_else(|| super::corrupt(format!("currency {c}")))?,
                    date: date_from(&d)?,
                    cny_per_unit: dec_from(&v)?,
                    source,
                },
                replaced: replaced.as_deref().map(dec_from).transpose()?,
                set_by,
                set_at: DateTime::parse_from_rfc3339(&set_at)
                    .map_err(|_| super::corrupt(format!("time {set_at:?}")))?
                    .with_timezone(&Utc),
            })
        })
        .collect()
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

/// Why a declared value cannot be fixed.
#[derive(Debug)]
pub enum Unfixable {
    /// The declared currency has no rate on or before the value date.
    NoRate,
    /// The fixed amount is out of bounds (see [`money::check_fixed`]).
    Money(MoneyError),
}

/// Computes a donation's fixed value from a declared amount and the rates known for its value date,
/// with checked arithmetic: an amount worth more than [`money::MAX_FIXED`] CNY or USD, or less than
/// one fen or cent, is refused, never rounded or saturated.
pub fn fix_value(
    conn: &Connection,
    amount: Decimal,
    currency: Currency,
    value_date: NaiveDate,
) -> Result<std::result::Result<FixedValue, Unfixable>> {
    let Some(rate) = lookup(conn, currency, value_date)? else { return Ok(Err(Unfixable::NoRate)) };
    let declared = Money { amount, currency };
    let cny = amount.checked_mul(rate.cny_per_unit);
    let cny_minor = match money::check_fixed(cny, Currency::CNY, &declared) {
        Ok(m) => m,
        Err(e) => return Ok(Err(Unfixable::Money(e))),
    };
    let usd_rate = if currency == Currency::USD {
        Some(rate.clone())
    } else {
        lookup(conn, Currency::USD, value_date)?.filter(|u| !u.cny_per_unit.is_zero())
    };
    let usd_minor = match &usd_rate {
        None => None,
        Some(_) if currency == Currency::USD => Some(money::check_fixed(Some(amount), Currency::USD, &declared)),
        Some(u) => Some(money::check_fixed(cny.and_then(|c| c.checked_div(u.cny_per_unit)), Currency::USD, &declared)),
    };
    let usd_minor = match usd_minor.transpose() {
        Ok(m) => m,
        Err(e) => return Ok(Err(Unfixable::Money(e))),
    };
    Ok(Ok(FixedValue {
        amount,
        currency,
        value_date,
        rate: rate.cny_per_unit,
        usd_rate: usd_rate.as_ref().map(|u| u.cny_per_unit),
        cny: from_minor(cny_minor),
        usd: usd_minor.map(from_minor),
        rate_from: (currency != Currency::CNY).then_some(rate.date),
        usd_rate_from: usd_rate.map(|u| u.date),
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
        let declared = Money { amount: v.amount, currency: v.currency };
        let usd = v.amount.checked_mul(v.rate).and_then(|c| c.checked_div(u.cny_per_unit));
        let Ok(usd_minor) = money::check_fixed(usd, Currency::USD, &declared) else {
            // Out of bounds at this rate: the USD figure stays unknown rather than wrong.
            log::warn!("D-{id}: USD at rate {} is out of bounds; left unknown", u.cny_per_unit);
            continue;
        };
        let mut after = before.clone();
        if let Some(av) = after.value.as_mut() {
            av.usd_rate = Some(u.cny_per_unit);
            av.usd = Some(from_minor(usd_minor));
            av.usd_rate_from = Some(u.date);
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

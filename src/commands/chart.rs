//! `/chart donations by country|donations over time|items [PERIOD]`: a PNG drawn by the same code as
//! the digest's chart (`digest::chart`), with a one-line caption of what it counts. Public records
//! only unless the asker is staff in a private chat. A period with nothing to draw says so instead of
//! sending an empty picture.

use super::{CmdResult, Ctx};
use crate::digest::chart::{self, Single};
use crate::domain::*;
use crate::i18n::Lang;
use crate::render::{Attachment, Reply};
use crate::store::digests as q;
use crate::store::records::from_minor;
use crate::store::reports::{self, Filter, Scope};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    ByCountry,
    OverTime,
    Items,
}

/// The chart asked for and the rest of the arguments (the period).
fn what(args: &str) -> Option<(What, String)> {
    let lower = args.trim().to_lowercase();
    let mut rest = lower.as_str();
    for d in ["donations ", "donation ", "捐赠 ", "捐赠"] {
        if let Some(r) = rest.strip_prefix(d) {
            rest = r.trim_start();
            break;
        }
    }
    const NAMES: &[(&str, What)] = &[
        ("by country", What::ByCountry),
        ("by countries", What::ByCountry),
        ("countries", What::ByCountry),
        ("country", What::ByCountry),
        ("按国家", What::ByCountry),
        ("国家", What::ByCountry),
        ("over time", What::OverTime),
        ("by month", What::OverTime),
        ("monthly", What::OverTime),
        ("time", What::OverTime),
        ("按时间", What::OverTime),
        ("趋势", What::OverTime),
        ("按月", What::OverTime),
        ("items", What::Items),
        ("item", What::Items),
        ("物资", What::Items),
    ];
    NAMES.iter().find_map(|(name, w)| {
        rest.strip_prefix(name)
            .filter(|r| r.is_empty() || r.starts_with(' ') || !name.is_ascii())
            .map(|r| (*w, r.trim().to_string()))
    })
}

pub fn chart(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let Some((what, period_text)) = what(args) else {
        let given = args.trim().to_string();
        return Err(if given.is_empty() {
            ctx.invalid("err-chart-which", &[])
        } else {
            ctx.invalid("err-chart-unknown", &[("input", given)])
        });
    };
    let period = if period_text.is_empty() { Period::all() } else { ctx.period(&period_text)? };
    let staff = ctx.sees_internal();
    let when = ctx.period_text(&period);
    let audience = ctx.t(if staff { "chart-audience-staff" } else { "chart-audience-public" }, &[]);
    let conn = ctx.store.conn();
    let (title, caption, picture) = match what {
        What::ByCountry => {
            let from = period.from.unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default());
            let to = period.to.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default());
            let by = q::value_by_country(conn, staff, from, to)?;
            let mut rows: Vec<(String, f64)> = by
                .iter()
                .take(10)
                .map(|(c, fen)| {
                    let name = CountryCode::from_alpha2(c)
                        .map(|cc| ctx.country_name(cc).to_string())
                        .unwrap_or_else(|| c.clone());
                    (name, *fen as f64 / 100.0)
                })
                .collect();
            if by.len() > 10 {
                let rest: i64 = by[10..].iter().map(|(_, v)| v).sum();
                rows.push((ctx.t("chart-others", &[("count", (by.len() - 10).to_string())]), rest as f64 / 100.0));
            }
            let total: i64 = by.iter().map(|(_, v)| v).sum();
            let title = ctx.t("chart-by-country", &[("period", when.clone())]);
            let caption = ctx.t(
                "chart-caption-by-country",
                &[("n_countries", by.len().to_string()), ("money", money(ctx, total)), ("audience", audience.clone())],
            );
            (title, caption, (!rows.is_empty()).then_some(Single::Bars { rows, money: true }))
        }
        What::OverTime => {
            // Up to the period's end, or the newest donation (not an empty tail up to today).
            let newest: Option<String> =
                conn.query_row("SELECT MAX(date) FROM donations WHERE deleted_at IS NULL", [], |r| r.get(0))?;
            let newest = newest.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).unwrap_or(ctx.today);
            let to = period.to.unwrap_or(newest.min(ctx.today));
            let months = q::monthly(conn, staff, to)?;
            let first = period.from.map(|f| f.format("%Y-%m").to_string());
            let mut acc = 0i64;
            let points: Vec<(String, f64)> = months
                .iter()
                .filter(|m| first.as_ref().is_none_or(|f| m.month >= *f))
                .map(|m| {
                    acc += m.cny_fen;
                    (m.month.clone(), acc as f64 / 100.0)
                })
                .collect();
            let title = ctx.t("chart-over-time", &[("period", when.clone())]);
            let caption = ctx.t(
                "chart-caption-over-time",
                &[("money", money(ctx, acc)), ("n_months", points.len().to_string()), ("audience", audience.clone())],
            );
            (title, caption, (acc > 0).then_some(Single::Line { points }))
        }
        What::Items => {
            let scope = Scope::with_period(staff, &period, Filter::All);
            let t = reports::donation_totals(conn, &scope)?;
            let rows: Vec<(String, f64)> = t
                .items
                .iter()
                .take(10)
                .map(|i| {
                    let label = match &i.unit {
                        Some(u) if !u.is_empty() => format!("{} ({u})", i.item),
                        _ => i.item.clone(),
                    };
                    (label, i.quantity as f64)
                })
                .collect();
            let title = ctx.t("chart-items", &[("period", when.clone())]);
            let caption = ctx.t(
                "chart-caption-items",
                &[
                    ("n_shown", rows.len().to_string()),
                    ("n_kinds", t.items.len().to_string()),
                    ("audience", audience.clone()),
                ],
            );
            (title, caption, (!rows.is_empty()).then_some(Single::Bars { rows, money: false }))
        }
    };
    let Some(picture) = picture else {
        let id = match what {
            What::Items => "chart-nothing-items",
            _ => "chart-nothing-valued",
        };
        return Ok(Reply::text(ctx.t(id, &[("period", when)])));
    };
    let png = chart::render_single(ctx.lang, &title, &picture)
        .map_err(|e| super::CmdError::Invalid(ctx.t("chart-failed", &[("error", e)])))?;
    let mut r = Reply::new();
    r.line(format!("{title} — {caption}"));
    let name = match what {
        What::ByCountry => "by-country",
        What::OverTime => "over-time",
        What::Items => "items",
    };
    r.attachments.push(Attachment {
        file_name: format!("amity-chart-{name}.png"),
        mime: "image/png".into(),
        bytes: png,
    });
    Ok(r)
}

fn money(ctx: &Ctx<'_>, fen: i64) -> String {
    match ctx.lang {
        Lang::En => crate::domain::money::fmt_cny(from_minor(fen)),
        Lang::Zh => crate::domain::money::fmt_wan(from_minor(fen)),
    }
}

//! What a digest says, built from the store for one [`DigestPeriod`] in the digest's language and for
//! its audience: what was logged (donations with items and values, letters with a short quote,
//! events, receptions), the period's totals and the change against the previous period of the same
//! length, the letters still awaiting a reply, the figures sources published in the period, records
//! logged late, the running totals since the start, and the chart. A period with nothing new is one
//! line.

use super::chart::{self, ChartData};
use super::schedule::DigestPeriod;
use super::spec::{DigestSpec, Section};
use crate::domain::*;
use crate::i18n::Lang;
use crate::render::Fmt;
use crate::render::{Attachment, Reply};
use crate::store::StoreError;
use crate::store::digests as q;
use crate::store::records::{from_minor, get_record};
use crate::store::reports::{self, Filter, Scope};
use rusqlite::Connection;

/// A built digest, ready to store in the outbox or show as a preview.
#[derive(Clone, Debug)]
pub struct Digest {
    pub name: String,
    pub period: DigestPeriod,
    /// The first line; also the chart's caption.
    pub title: String,
    pub reply: Reply,
    /// Nothing dated in the period and nothing logged late.
    pub empty: bool,
    pub chart: Option<Attachment>,
}

/// Longest quote shown from a letter.
const QUOTE_CHARS: usize = 120;

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

fn signed_int(n: i64) -> String {
    if n > 0 { format!("+{}", money::fmt_int(n as i128)) } else { money::fmt_int(n as i128).replace('-', "−") }
}

fn money_text(f: &Fmt, fen: i64) -> String {
    match f.lang {
        Lang::En => money::fmt_cny(from_minor(fen)),
        Lang::Zh => money::fmt_wan(from_minor(fen)),
    }
}

fn signed_money(f: &Fmt, fen: i64) -> String {
    let m = money_text(f, fen.abs());
    match fen.signum() {
        1 => format!("+{m}"),
        -1 => format!("−{m}"),
        _ => m,
    }
}

/// Builds the digest of `spec` for `period`. `max_items` bounds each list ("and N more").
pub fn build(
    conn: &Connection,
    spec: &DigestSpec,
    office: &str,
    period: &DigestPeriod,
    max_items: usize,
) -> Result<Digest, StoreError> {
    let f = Fmt { lang: spec.lang };
    let staff = spec.staff();
    let p = period.as_period();
    let scope = Scope::with_period(staff, &p, Filter::All);
    let title = f.t(
        "digest-title",
        &[("office", office.to_string()), ("name", spec.name.clone()), ("period", f.period_text(&p))],
    );
    let d = reports::donation_totals(conn, &scope)?;
    let l = reports::letter_totals(conn, &scope)?;
    let (ev, ev_countries) = reports::event_totals(conn, &scope)?;
    let (rn, guests, rc) = reports::reception_totals(conn, &scope)?;
    let (late_n, late) = if spec.has(Section::Late) {
        q::logged_late(conn, staff, period.prev, period.fire, period.from, max_items)?
    } else {
        (0, Vec::new())
    };
    let (reported_n, reported) = if spec.has(Section::Reported) {
        reports::reported_dated(conn, staff, &p, max_items)?
    } else {
        (0, Vec::new())
    };
    let n_events: i64 = ev.iter().map(|(_, n)| n).sum();
    let empty = d.count == 0 && l.sent + l.received == 0 && n_events == 0 && rn == 0 && late_n == 0 && reported_n == 0;

    let mut r = Reply::new();
    r.heading(title.clone());
    if empty {
        r.line(f.t("digest-nothing-new", &[("period", f.period_text(&p))]));
        return Ok(Digest { name: spec.name.clone(), period: period.clone(), title, reply: r, empty, chart: None });
    }
    let mut months: Option<Vec<q::MonthValue>> = None;
    let mut chart = None;
    for section in &spec.sections {
        match section {
            Section::Donations => {
                r.gap();
                r.heading(f.t("section-donations", &[]));
                f.donation_summary(&d, &mut r, 8);
                let (pf, pt) = period.previous();
                let prev = reports::donation_totals(
                    conn,
                    &Scope { from: Some(pf), to: Some(pt), staff, filter: Filter::All },
                )?;
                let pct = if prev.cny_fen > 0 {
                    format!(" ({:+.0}%)", (d.cny_fen - prev.cny_fen) as f64 * 100.0 / prev.cny_fen as f64)
                        .replace('-', "−")
                } else {
                    String::new()
                };
                r.note(f.t(
                    "digest-change",
                    &[
                        ("n_days", period.days().to_string()),
                        ("prev_count", prev.count.to_string()),
                        ("prev_money", money_text(&f, prev.cny_fen)),
                        ("count_delta", signed_int(d.count - prev.count)),
                        ("money_delta", format!("{}{pct}", signed_money(&f, d.cny_fen - prev.cny_fen))),
                    ],
                ));
                let (count, list) = reports::donations(conn, &scope, max_items, 0)?;
                for x in &list {
                    r.item(f.donation_entry(x));
                }
                more(&f, &mut r, count, list.len());
            }
            Section::Letters => {
                r.gap();
                r.heading(f.t("section-letters", &[]));
                if l.sent + l.received == 0 {
                    r.line(f.t("letters-none", &[]));
                } else {
                    r.line(f.t(
                        "letters-sent-summary",
                        &[("count", l.sent.to_string()), ("n_partners", l.sent_partners.to_string())],
                    ));
                    r.line(f.t(
                        "letters-received-summary",
                        &[("count", l.received.to_string()), ("n_partners", l.received_partners.to_string())],
                    ));
                }
                let (count, list) = reports::letters(conn, &scope, max_items, 0)?;
                for x in &list {
                    let mut x = x.clone();
                    x.quote = x.quote.map(|q| short(&q, QUOTE_CHARS));
                    r.item(f.letter_entry(&x));
                }
                more(&f, &mut r, count, list.len());
            }
            Section::Events => {
                r.gap();
                r.heading(f.t("section-events", &[]));
                if ev.is_empty() {
                    r.line(f.t("events-none", &[]));
                } else {
                    let kinds: Vec<String> = ev
                        .iter()
                        .map(|(k, n)| f.t(&format!("event-kinds-{}", k.as_str()), &[("count", n.to_string())]))
                        .collect();
                    r.line(f.t(
                        "events-summary",
                        &[
                            ("count", n_events.to_string()),
                            ("kinds", kinds.join(f.sep())),
                            ("n_countries", ev_countries.to_string()),
                        ],
                    ));
                }
                let (count, list) = reports::events(conn, &scope, max_items, 0)?;
                for x in &list {
                    r.item(f.event_entry(x));
                }
                more(&f, &mut r, count, list.len());
            }
            Section::Receptions => {
                r.gap();
                r.heading(f.t("section-receptions", &[]));
                if rn == 0 {
                    r.line(f.t("receptions-none", &[]));
                } else {
                    r.line(f.t(
                        "receptions-summary",
                        &[("count", rn.to_string()), ("n_guests", guests.to_string()), ("n_countries", rc.to_string())],
                    ));
                }
                let (count, list) = reports::receptions(conn, &scope, max_items, 0)?;
                for x in &list {
                    r.item(f.reception_entry(x));
                }
                more(&f, &mut r, count, list.len());
            }
            Section::Awaiting => {
                // Every letter still awaiting a reply at the end of the period, whenever it was sent.
                let upto = Scope { from: None, to: Some(period.to), staff, filter: Filter::All };
                let (count, list) = reports::awaiting(conn, &upto, max_items, 0)?;
                if count == 0 {
                    continue;
                }
                let (written, replied) = reports::reply_rate(conn, &upto)?;
                r.gap();
                r.heading(f.t("title-awaiting", &[]));
                r.line(f.t(
                    "letters-reply-rate",
                    &[("n_written", written.to_string()), ("n_replied", replied.to_string())],
                ));
                for a in &list {
                    r.item(f.t(
                        "awaiting-entry",
                        &[
                            ("id", format!("L-{}", a.letter.id)),
                            ("date", a.letter.date.to_string()),
                            ("kind", f.word("letter-kind", a.letter.kind.as_str())),
                            ("partners", f.parties(&a.partners)),
                            ("days", (period.to - a.letter.date).num_days().max(0).to_string()),
                        ],
                    ));
                }
                more(&f, &mut r, count, list.len());
            }
            Section::Reported => {
                if reported_n == 0 {
                    continue;
                }
                r.gap();
                r.heading(f.t("section-reported", &[]));
                r.line(f.t("reported-never-added", &[]));
                for rep in &reported {
                    let mut s = f.reported_head(rep);
                    if let Some(line) = f.reconciliation(rep, &reports::itemized(conn, staff, rep)?) {
                        s.push('\n');
                        s.push_str(&line);
                    }
                    s.push('\n');
                    s.push_str(&f.t("record-source", &[("source", rep.source.clone())]));
                    r.item(s);
                }
                more(&f, &mut r, reported_n, reported.len());
            }
            Section::Late => {
                if late_n == 0 {
                    continue;
                }
                r.gap();
                r.heading(f.t("digest-late-title", &[("count", late_n.to_string())]));
                for id in &late {
                    if let Some((rec, _)) = get_record(conn, *id)? {
                        r.item(f.record_entry(&rec));
                    }
                }
                more(&f, &mut r, late_n, late.len());
            }
            Section::Totals => {
                r.gap();
                r.heading(f.t("digest-running-title", &[("date", period.to.to_string())]));
                let m = months.get_or_insert(q::monthly(conn, staff, period.to)?);
                let count: i64 = m.iter().map(|x| x.count).sum();
                let fen: i64 = m.iter().map(|x| x.cny_fen).sum();
                let cents: i64 = m.iter().map(|x| x.usd_cents).sum();
                let missing: i64 = m.iter().map(|x| x.usd_missing).sum();
                let money = f.cny_usd(from_minor(fen), (missing == 0).then(|| from_minor(cents)));
                r.line(f.t("digest-running-donations", &[("count", count.to_string()), ("money", money)]));
                let all = Scope { from: None, to: Some(period.to), staff, filter: Filter::All };
                let lt = reports::letter_totals(conn, &all)?;
                let (evt, _) = reports::event_totals(conn, &all)?;
                let (rnt, _, _) = reports::reception_totals(conn, &all)?;
                r.line(f.t(
                    "digest-running-other",
                    &[
                        ("n_sent", lt.sent.to_string()),
                        ("n_received", lt.received.to_string()),
                        ("n_events", evt.iter().map(|(_, n)| n).sum::<i64>().to_string()),
                        ("n_receptions", rnt.to_string()),
                    ],
                ));
            }
            Section::Chart => {
                let m = months.get_or_insert(q::monthly(conn, staff, period.to)?);
                let data = chart_data(conn, &f, spec, period, m)?;
                if data.by_country.is_empty() && data.cumulative.iter().all(|(_, v)| *v == 0.0) {
                    continue;
                }
                match chart::render(&data) {
                    Ok(png) => {
                        chart = Some(Attachment {
                            file_name: format!("{}-{}-{}.png", spec.name, period.from, period.to),
                            mime: "image/png".into(),
                            bytes: png,
                        })
                    }
                    Err(e) => log::error!("digest {}: chart not drawn: {e}", spec.name),
                }
            }
        }
    }
    r.gap();
    r.note(f.t(if staff { "digest-audience-staff" } else { "digest-audience-public" }, &[]));
    Ok(Digest { name: spec.name.clone(), period: period.clone(), title, reply: r, empty, chart })
}

fn more(f: &Fmt, r: &mut Reply, total: i64, shown: usize) {
    if total > shown as i64 {
        r.note(f.t("digest-more", &[("count", (total - shown as i64).to_string())]));
    }
}

fn chart_data(
    conn: &Connection,
    f: &Fmt,
    spec: &DigestSpec,
    period: &DigestPeriod,
    months: &[q::MonthValue],
) -> Result<ChartData, StoreError> {
    let by = q::value_by_country(conn, spec.staff(), period.from, period.to)?;
    let mut by_country: Vec<(String, f64)> = by
        .iter()
        .take(10)
        .map(|(c, fen)| {
            let name =
                CountryCode::from_alpha2(c).map(|cc| f.country_name(cc).to_string()).unwrap_or_else(|| c.clone());
            (name, *fen as f64 / 100.0)
        })
        .collect();
    if by.len() > 10 {
        let rest: i64 = by[10..].iter().map(|(_, v)| v).sum();
        by_country.push((f.t("chart-others", &[("count", (by.len() - 10).to_string())]), rest as f64 / 100.0));
    }
    let mut acc = 0i64;
    let cumulative = months
        .iter()
        .map(|m| {
            acc += m.cny_fen;
            (m.month.clone(), acc as f64 / 100.0)
        })
        .collect();
    Ok(ChartData {
        lang: spec.lang,
        by_country_title: f.t("chart-by-country", &[("period", f.period_text(&period.as_period()))]),
        cumulative_title: f.t("chart-cumulative", &[]),
        empty_label: f.t("chart-no-values", &[]),
        by_country,
        cumulative,
    })
}

//! `/reported`: the figures sources published ("nearly 3.5 million yuan ($494,100) to 30 local
//! governments in 20 countries"), kept beside the ledger and never added to its sums. With fields it
//! logs one (staff); without, it lists them with how much of each the ledger itemizes. `/totals`
//! shows the same section above the ledger's own sums.

use super::{CmdResult, Ctx, logging};
use crate::domain::*;
use crate::render::Reply;
use crate::store::reports;

/// Whether `/reported ARGS` logs a report (a form with fields) rather than lists them.
pub fn is_form(args: &str) -> bool {
    args.contains(['|', '｜'])
}

pub fn reported(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    if is_form(args) {
        return logging::reported(ctx, args);
    }
    let (args, page) = super::reading::take_page(args);
    let mut rest = args.trim();
    let first = rest.split_whitespace().next().unwrap_or("");
    let of = ReportedOf::parse(first);
    if of.is_some() {
        rest = rest[first.len()..].trim_start();
    }
    let period = if rest.is_empty() { Period::all() } else { ctx.period(rest)? };
    let per = ctx.cfg.reply.max_list_items;
    let staff = ctx.sees_internal();
    let (total, list) = reports::reported(ctx.store.conn(), staff, of, &period, per, (page - 1) * per)?;
    let mut r = Reply::new();
    let mut title = vec![ctx.t("title-reported", &[])];
    if let Some(of) = of {
        title.push(ctx.word("reported-of", of.as_str()));
    }
    if !period.is_all() {
        title.push(ctx.period_text(&period));
    }
    r.heading(title.join(" · "));
    r.line(ctx.t("reported-never-added", &[]));
    if list.is_empty() {
        r.line(ctx.t("reported-none", &[]));
        if ctx.staff() {
            r.note(ctx.t("reported-how-to-add", &[]));
        }
    }
    for rep in &list {
        r.item(entry_with_reconciliation(ctx, rep, true)?);
    }
    super::reading::pager(ctx, &mut r, "/reported", &args, total, page, list.len());
    Ok(r)
}

/// A report's figures, how much of them the ledger itemizes, its source, and (in full lists) its note.
fn entry_with_reconciliation(ctx: &mut Ctx<'_>, rep: &Reported, with_note: bool) -> Result<String, super::CmdError> {
    let staff = ctx.sees_internal();
    let have = ctx.store.itemized_kept(staff, rep)?;
    let mut s = ctx.reported_head(rep);
    if let Some(line) = ctx.reconciliation(rep, &have) {
        s.push('\n');
        s.push_str(&line);
    }
    s.push('\n');
    s.push_str(&ctx.t("record-source", &[("source", rep.source.clone())]));
    if rep.internal {
        s.push_str(&format!(" · {}", ctx.t("internal-mark", &[])));
    }
    if let Some(n) = rep.note.as_ref().filter(|_| with_note) {
        s.push('\n');
        s.push_str(n);
    }
    Ok(s)
}

/// Most reports `/totals` shows before pointing to `/reported`.
const TOTALS_MAX: usize = 8;

/// The Reported section of `/totals`: the reports whose days overlap `period`, each with its
/// reconciliation. Nothing when there are none.
pub fn totals_section(ctx: &mut Ctx<'_>, period: &Period, r: &mut Reply) -> Result<(), super::CmdError> {
    let staff = ctx.sees_internal();
    let (total, list) = reports::reported(ctx.store.conn(), staff, None, period, TOTALS_MAX, 0)?;
    if list.is_empty() {
        return Ok(());
    }
    r.heading(ctx.t("section-reported", &[]));
    r.line(ctx.t("reported-never-added", &[]));
    for rep in &list {
        r.item(entry_with_reconciliation(ctx, rep, false)?);
    }
    if total > list.len() as i64 {
        r.note(ctx.t(
            "list-more-in",
            &[("count", (total - list.len() as i64).to_string()), ("command", "/reported".to_string())],
        ));
    }
    r.gap();
    Ok(())
}

//! `/digest` (admins): `/digest` lists the configured digests with their next firing and last delivery;
//! `/digest preview [NAME]` shows exactly what the digest would send now (text and chart, in the
//! digest's language and for its audience) without sending or recording anything; `/digest send NAME`
//! writes the outbox row now, recorded like a scheduled one, and the running scheduler delivers it.

use super::{CmdResult, Ctx};
use crate::digest::outbox::{self, Enqueued, Plan};
use crate::digest::{DigestSpec, spec};
use crate::render::Reply;
use crate::store::digests as q;

fn specs(ctx: &Ctx<'_>) -> Result<Vec<DigestSpec>, super::CmdError> {
    spec::specs(ctx.cfg).map_err(|e| super::CmdError::Invalid(e.to_string()))
}

fn pick<'s>(ctx: &Ctx<'_>, specs: &'s [DigestSpec], name: &str) -> Result<&'s DigestSpec, super::CmdError> {
    let names = specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    if specs.is_empty() {
        return Err(ctx.invalid("digest-none-configured", &[]));
    }
    if name.is_empty() {
        if specs.len() == 1 {
            return Ok(&specs[0]);
        }
        return Err(ctx.invalid("digest-which", &[("names", names)]));
    }
    specs
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| ctx.invalid("digest-unknown", &[("name", name.to_string()), ("names", names)]))
}

pub fn digest(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let mut words = args.split_whitespace();
    let sub = words.next().unwrap_or("").to_lowercase();
    let name = words.next().unwrap_or("").to_string();
    match sub.as_str() {
        "" | "list" | "列表" => list(ctx),
        "preview" | "预览" => preview(ctx, &name),
        "send" | "发送" => send(ctx, &name),
        _ => Err(ctx.invalid("digest-usage", &[])),
    }
}

fn list(ctx: &mut Ctx<'_>) -> CmdResult {
    let specs = specs(ctx)?;
    let mut r = Reply::new();
    r.heading(ctx.t("digest-list-title", &[]));
    if specs.is_empty() {
        r.line(ctx.t("digest-none-configured", &[]));
        return Ok(r);
    }
    for s in &specs {
        let next = s
            .schedule
            .next_after(ctx.now)
            .map(|t| t.with_timezone(&s.schedule.tz()).format("%Y-%m-%d %H:%M %Z").to_string())
            .unwrap_or_default();
        let mut line = ctx.t(
            "digest-list-entry",
            &[
                ("name", s.name.clone()),
                ("target", s.target.key()),
                ("schedule", s.schedule.pattern().to_string()),
                ("tz", s.schedule.tz().to_string()),
                ("next", next),
            ],
        );
        if let Some(last) = q::list(ctx.store.conn(), &s.name)?.pop() {
            line.push('\n');
            line.push_str(&ctx.t(
                "digest-list-last",
                &[
                    ("period", outbox::period_text(ctx.lang, last.from, last.to)),
                    ("state", ctx.t(&format!("digest-state-{}", last.state.as_str()), &[])),
                ],
            ));
        }
        r.item(line);
    }
    Ok(r)
}

fn preview(ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    let specs = specs(ctx)?;
    let spec = pick(ctx, &specs, name)?;
    let period = match outbox::plan(ctx.store, spec, ctx.now)? {
        Plan::Due(p) => p,
        Plan::Covered(row) => {
            let mut r = Reply::new();
            r.line(ctx.t(
                "digest-preview-covered",
                &[
                    ("name", spec.name.clone()),
                    ("period", outbox::period_text(ctx.lang, row.from, row.to)),
                    ("state", ctx.t(&format!("digest-state-{}", row.state.as_str()), &[])),
                ],
            ));
            return Ok(r);
        }
    };
    let d = crate::digest::build(ctx.store.conn(), spec, &ctx.cfg.office.name, &period, ctx.cfg.reply.max_list_items)?;
    let mut r = Reply::new();
    r.note(ctx.t("digest-preview-note", &[("name", spec.name.clone()), ("target", spec.target.key())]));
    if d.empty && spec.skip_empty {
        r.note(ctx.t("digest-preview-would-skip", &[]));
    }
    r.gap();
    r.blocks.extend(d.reply.blocks);
    r.attachments.extend(d.chart);
    Ok(r)
}

fn send(ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if name.is_empty() {
        return Err(ctx.invalid("digest-usage", &[]));
    }
    let specs = specs(ctx)?;
    let spec = pick(ctx, &specs, name)?;
    let now = ctx.now;
    let e = outbox::enqueue(ctx.store, ctx.cfg, spec, now, true, now)?;
    let mut r = Reply::new();
    match e {
        Enqueued::Row(row) => {
            let id = if row.state == q::State::Skipped { "digest-send-skipped" } else { "digest-send-queued" };
            r.line(ctx.t(
                id,
                &[
                    ("name", spec.name.clone()),
                    ("period", outbox::period_text(ctx.lang, row.from, row.to)),
                    ("target", row.target.clone()),
                ],
            ));
        }
        Enqueued::Covered(row) => {
            r.line(ctx.t(
                "digest-preview-covered",
                &[
                    ("name", spec.name.clone()),
                    ("period", outbox::period_text(ctx.lang, row.from, row.to)),
                    ("state", ctx.t(&format!("digest-state-{}", row.state.as_str()), &[])),
                ],
            ));
        }
    }
    Ok(r)
}

//! Corrections and administration: /undo, /edit, /delete, /history, /rate, /staff, /lang. Every
//! correction is a new entry in the change history; nothing is overwritten without its old value kept.

use super::fields::{MAX_NAME, MAX_TEXT, list, unquote};
use super::logging;
use super::{CmdError, CmdResult, Ctx};
use crate::domain::money::Currency;
use crate::domain::*;
use crate::i18n::Lang;
use crate::render::Reply;
use crate::store::history::{self, Action};
use crate::store::{people, rates, records};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn lang(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let arg = args.trim();
    if arg.is_empty() {
        return Ok(Reply::text(ctx.t("lang-current", &[("lang", ctx.lang.code().to_string())])));
    }
    let Some(lang) = Lang::parse(arg) else {
        return Err(ctx.invalid("err-lang", &[("input", arg.to_string())]));
    };
    let user = ctx.req.user.clone();
    ctx.write(|tx| {
        people::set_lang(tx, &user, lang.code())?;
        Ok(Reply::text(crate::i18n::t(lang, "lang-set", &[])))
    })
}

fn parse_id(ctx: &Ctx<'_>, usage: &str, s: &str) -> Result<RecordId, CmdError> {
    RecordId::parse(s).ok_or_else(|| ctx.bad_field(usage, "ID", ctx.t("err-bad-id", &[("input", s.to_string())])))
}

fn load(ctx: &Ctx<'_>, id: RecordId) -> Result<(Record, bool), CmdError> {
    records::get_record(ctx.store.conn(), id)?.ok_or_else(|| ctx.invalid("err-no-record", &[("id", id.to_string())]))
}

pub fn delete(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-delete";
    let (id_text, reason) = args.trim().split_once(char::is_whitespace).unwrap_or((args.trim(), ""));
    if id_text.is_empty() {
        return Err(ctx.missing_field(u, "ID"));
    }
    let id = parse_id(ctx, u, id_text)?;
    let reason = ctx.text(u, "REASON", reason, MAX_TEXT)?;
    if reason.is_empty() {
        return Err(ctx.missing_field(u, "REASON"));
    }
    let (rec, deleted) = load(ctx, id)?;
    if deleted {
        return Err(ctx.invalid("err-already-deleted", &[("id", id.to_string())]));
    }
    partner_unused(ctx, id)?;
    let actor = ctx.actor().to_string();
    let f = ctx.f;
    ctx.write(|tx| {
        records::set_deleted(tx, id, Some(&reason))?;
        history::record(tx, &actor, id, Action::Delete, Some(&rec), None, Some(&reason), None)?;
        Ok(Reply::text(f.t("deleted", &[("id", id.to_string()), ("echo", f.echo(&rec))])))
    })
}

pub fn undo(ctx: &mut Ctx<'_>, _args: &str) -> CmdResult {
    let actor = ctx.actor().to_string();
    let Some(change) = history::last_undoable(ctx.store.conn(), &actor)? else {
        return Err(ctx.invalid("err-nothing-to-undo", &[]));
    };
    let window = chrono::Duration::hours(i64::from(ctx.cfg.access.undo_window_hours));
    if ctx.now - change.at > window {
        return Err(ctx.invalid(
            "err-undo-too-old",
            &[("id", change.record.to_string()), ("hours", ctx.cfg.access.undo_window_hours.to_string())],
        ));
    }
    if change.action == Action::Create {
        partner_unused(ctx, change.record)?;
    }
    if history::touched_since(ctx.store.conn(), change.record, change.id)? {
        return Err(ctx.invalid("err-undo-touched", &[("id", change.record.to_string())]));
    }
    // What the undo makes live again must meet the rules a new write meets.
    let restored = match change.action {
        Action::Edit => change.before.clone(),
        Action::Delete => records::get_record(ctx.store.conn(), change.record)?.map(|(r, _)| r),
        Action::Create | Action::Undo => None,
    };
    if let Some(rec) = &restored {
        can_be_live(ctx, rec)?;
    }
    let f = ctx.f;
    ctx.write(|tx| {
        let id = change.record;
        let current = records::get_record(tx, id)?.map(|(r, _)| r);
        let what = match change.action {
            Action::Create => {
                records::set_deleted(tx, id, Some("undo"))?;
                history::record(
                    tx,
                    &actor,
                    id,
                    Action::Undo,
                    current.as_ref(),
                    None,
                    Some("undo of create"),
                    Some(change.id),
                )?;
                "undo-create"
            }
            Action::Edit => {
                let before = change.before.clone().ok_or_else(|| crate::store::corrupt("edit without before"))?;
                records::replace_record(tx, &before)?;
                history::record(
                    tx,
                    &actor,
                    id,
                    Action::Undo,
                    current.as_ref(),
                    Some(&before),
                    Some("undo of edit"),
                    Some(change.id),
                )?;
                "undo-edit"
            }
            Action::Delete => {
                records::set_deleted(tx, id, None)?;
                history::record(
                    tx,
                    &actor,
                    id,
                    Action::Undo,
                    None,
                    current.as_ref(),
                    Some("undo of delete"),
                    Some(change.id),
                )?;
                "undo-delete"
            }
            Action::Undo => return Err(CmdError::Invalid(f.t("err-nothing-to-undo", &[]))),
        };
        let echo = current.as_ref().map(|r| f.echo(r)).unwrap_or_default();
        Ok(Reply::text(f.t(what, &[("id", id.to_string()), ("echo", echo)])))
    })
}

/// The invariants a record must meet to be live, checked again when an undo brings a version back
/// (the ledger may have changed since it was written): every partner it names is live, a reply's
/// letter is live, and a partner's names are not taken by another live partner.
fn can_be_live(ctx: &Ctx<'_>, rec: &Record) -> Result<(), CmdError> {
    let conn = ctx.store.conn();
    let parties: &[Party] = match rec {
        Record::Donation(d) => &d.recipients,
        Record::Letter(l) => &l.partners,
        Record::Event(e) => &e.participants,
        Record::Reception(_) | Record::Partner(_) | Record::Reported(_) => &[],
    };
    for p in parties {
        if let Party::Partner { id: pid, name, .. } = p {
            let pid = *pid;
            let partner = RecordId::new(RecordKind::Partner, pid);
            if !matches!(records::get_record(conn, partner)?, Some((_, false))) {
                return Err(ctx.invalid(
                    "err-restore-dead-partner",
                    &[("id", rec.id().to_string()), ("partner", partner.to_string()), ("name", name.clone())],
                ));
            }
        }
    }
    if let Record::Letter(l) = rec
        && let Some(reply_to) = l.in_reply_to
    {
        let letter = RecordId::new(RecordKind::Letter, reply_to);
        if !matches!(records::get_record(conn, letter)?, Some((_, false))) {
            return Err(
                ctx.invalid("err-restore-dead-letter", &[("id", rec.id().to_string()), ("letter", letter.to_string())])
            );
        }
    }
    if let Record::Partner(p) = rec {
        names_free(ctx, p)?;
    }
    Ok(())
}

/// A partner's name and aliases are not the names of another live partner.
fn names_free(ctx: &Ctx<'_>, p: &Partner) -> Result<(), CmdError> {
    for n in std::iter::once(&p.name).chain(p.aliases.iter()) {
        let taken = crate::store::reports::partners_by_norm(ctx.store.conn(), &norm_name(n))?;
        if let Some(other) = taken.iter().find(|o| **o != p.id) {
            return Err(ctx.invalid("err-partner-exists", &[("name", n.clone()), ("id", format!("P-{other}"))]));
        }
    }
    Ok(())
}

/// A partner that live records still name cannot disappear: those records would point at nothing.
fn partner_unused(ctx: &Ctx<'_>, id: RecordId) -> Result<(), CmdError> {
    if id.kind == RecordKind::Partner {
        let n = records::partner_references(ctx.store.conn(), id.id)?;
        if n > 0 {
            return Err(ctx.invalid("err-partner-in-use", &[("id", id.to_string()), ("count", n.to_string())]));
        }
    }
    Ok(())
}

pub fn history(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-history";
    if args.trim().is_empty() {
        return Err(ctx.missing_field(u, "ID"));
    }
    let id = parse_id(ctx, u, args.trim())?;
    let (rec, deleted) = load(ctx, id)?;
    if rec.internal() && !ctx.sees_internal() {
        // Everyone in a group would read it.
        return Err(CmdError::Refused(ctx.t("history-internal-in-group", &[("id", id.to_string())])));
    }
    let changes = history::for_record(ctx.store.conn(), id)?;
    let tz = ctx.cfg.tz().unwrap_or(chrono_tz::Asia::Shanghai);
    let mut r = Reply::new();
    r.heading(format!("{id} · {}", ctx.t("title-history", &[])));
    r.line(ctx.echo(&rec));
    if deleted {
        r.note(ctx.t("history-deleted-now", &[]));
    }
    r.gap();
    for c in &changes {
        let when = c.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        let mut line = format!("{when} · {} · {}", c.actor, ctx.word("action", c.action.as_str()));
        if let Some(reason) = &c.reason {
            line.push_str(&format!(" · {reason}"));
        }
        if let (Some(b), Some(a)) = (&c.before, &c.after) {
            for d in diff(&ctx.f, b, a) {
                line.push('\n');
                line.push_str(&d);
            }
        }
        r.item(line);
    }
    Ok(r)
}

/// Field-by-field differences between two versions of a record, in the reader's language and as the
/// record's own lines show them: "Declared value: EUR 5,000 = CNY 39,000 ($5,505.75) → EUR 6,000 = …",
/// "Status: delivered → shipped" (a field's stored JSON was shown before, unreadable on a phone).
fn diff(f: &crate::render::format::Fmt, before: &Record, after: &Record) -> Vec<String> {
    let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) = (
        crate::store::history::record_json(before).and_then(|s| serde_json::from_str(&s)),
        crate::store::history::record_json(after).and_then(|s| serde_json::from_str(&s)),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, av) in &a {
        let bv = b.get(k);
        if bv != Some(av) {
            let label = diff_label(after, k).map_or_else(|| k.clone(), |id| f.t(&format!("export-col-{id}"), &[]));
            let (was, now) = (diff_value(f, before, k, bv), diff_value(f, after, k, Some(av)));
            let mut s = f.t("field-change", &[("field", label), ("was", was), ("now", now)]);
            if s.chars().count() > 300 {
                s = s.chars().take(300).collect::<String>() + "…";
            }
            out.push(s);
        }
    }
    out
}

/// The export column (`export-col-…`) that names a record's field, when there is one.
fn diff_label(rec: &Record, key: &str) -> Option<&'static str> {
    // Fields named as their column is.
    const SAME: [&str; 26] = [
        "date",
        "recipients",
        "donor",
        "items",
        "value",
        "status",
        "fund",
        "note",
        "source",
        "direction",
        "partners",
        "signatories",
        "author",
        "quote",
        "topic",
        "host",
        "participants",
        "place",
        "count",
        "guests",
        "countries",
        "name",
        "country",
        "level",
        "aliases",
        "since",
    ];
    if let Some(same) = SAME.iter().find(|w| **w == key) {
        return Some(same);
    }
    Some(match key {
        "value_date" => "value-date",
        "internal" => "visibility",
        "in_reply_to" => "in-reply-to",
        "kind" => match rec {
            Record::Letter(_) => "letter-kind",
            Record::Event(_) => "event-kind",
            Record::Partner(_) => "partner-kind",
            _ => return None,
        },
        _ => return None,
    })
}

/// One field of a record as its lines show it; a field with no typed form as its stored text (a list
/// of words joined, nothing as "—").
fn diff_value(f: &crate::render::format::Fmt, rec: &Record, key: &str, json: Option<&serde_json::Value>) -> String {
    let typed = match (rec, key) {
        (Record::Donation(d), "value") => Some(d.value.as_ref().map_or_else(|| "—".to_string(), |v| f.value(v))),
        (Record::Donation(d), "items") => Some(f.items_text(&d.items)),
        (Record::Donation(d), "recipients") => Some(f.parties(&d.recipients)),
        (Record::Donation(d), "status") => Some(f.word("status", d.status.as_str())),
        (Record::Letter(l), "partners") => Some(f.parties(&l.partners)),
        (Record::Letter(l), "kind") => Some(f.word("letter-kind", l.kind.as_str())),
        (Record::Letter(l), "direction") => Some(f.word("direction", l.direction.as_str())),
        (Record::Event(e), "kind") => Some(f.word("event-kind", e.kind.as_str())),
        (Record::Partner(p), "kind") => Some(f.word("partner-kind", p.kind.as_str())),
        (Record::Partner(p), "level") => p.level.map(|l| f.word("level", l.as_str())),
        (Record::Event(e), "participants") => Some(f.parties(&e.participants)),
        (Record::Reception(r), "countries") => {
            Some(r.countries.iter().map(|c| f.country_name(*c)).collect::<Vec<_>>().join(f.sep()))
        }
        (Record::Partner(p), "country") => Some(f.country_name(p.country).to_string()),
        (_, "internal") => json
            .and_then(serde_json::Value::as_bool)
            .map(|internal| f.t(if internal { "export-internal" } else { "export-public" }, &[])),
        _ => None,
    };
    typed.unwrap_or_else(|| match json {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(list)) if list.iter().all(serde_json::Value::is_string) => {
            list.iter().filter_map(serde_json::Value::as_str).collect::<Vec<_>>().join(f.sep())
        }
        Some(other) => other.to_string(),
    })
}

pub fn edit(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-edit";
    let args = args.trim();
    let (id_text, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if id_text.is_empty() {
        return Err(ctx.missing_field(u, "ID"));
    }
    let id = parse_id(ctx, u, id_text)?;
    let Some((field, value)) = rest.split_once([':', '：']) else {
        return Err(ctx.missing_field(u, "FIELD: VALUE"));
    };
    let field = field.trim().to_lowercase().replace(['_', '-'], " ");
    let value = value.trim();
    let (before, deleted) = load(ctx, id)?;
    if deleted {
        return Err(ctx.invalid("err-edit-deleted", &[("id", id.to_string())]));
    }
    let mut after = before.clone();
    let mut notes = Vec::new();
    apply_edit(ctx, &mut after, &field, value, &mut notes)?;
    if after == before {
        return Err(ctx.invalid("err-edit-no-change", &[("id", id.to_string())]));
    }
    can_be_live(ctx, &after)?;
    let actor = ctx.actor().to_string();
    let f = ctx.f;
    ctx.write(|tx| {
        records::replace_record(tx, &after)?;
        history::record(tx, &actor, id, Action::Edit, Some(&before), Some(&after), None, None)?;
        let mut r = Reply::text(f.t("edited", &[("id", id.to_string()), ("echo", f.echo(&after))]));
        for d in diff(&f, &before, &after) {
            r.item(d);
        }
        for n in &notes {
            r.note(n.clone());
        }
        Ok(r)
    })
}

/// The editable fields of each kind, for error messages.
fn fields_of(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Donation => {
            "date, recipient, items, value, value date, donor, status, fund, note, source, visibility"
        }
        RecordKind::Letter => "date, partner, signed, from, quote, kind, reply to, note, source, visibility",
        RecordKind::Event => "date, kind, participants, topic, host, note, source, visibility",
        RecordKind::Reception => "date, place, count, guests, countries, note, source, visibility",
        RecordKind::Partner => "name, country, kind, aliases, since, level, note, source",
        RecordKind::Reported => "date, kind, figures, source, period, note, visibility",
    }
}

fn apply_edit(
    ctx: &Ctx<'_>,
    rec: &mut Record,
    field: &str,
    value: &str,
    notes: &mut Vec<String>,
) -> Result<(), CmdError> {
    let u = "usage-edit";
    let kind = rec.id().kind;
    let bad_field = || {
        ctx.bad_field(
            u,
            "FIELD",
            ctx.t("err-edit-field", &[("field", field.to_string()), ("fields", fields_of(kind).to_string())]),
        )
    };
    let opt_text = |max: usize| -> Result<Option<String>, CmdError> {
        let t = ctx.text(u, field, value, max)?;
        Ok((!t.is_empty() && t != "-").then_some(t))
    };
    let visibility = || -> Result<bool, CmdError> {
        match value.to_lowercase().as_str() {
            "internal" | "内部" => Ok(true),
            "public" | "公开" => Ok(false),
            _ => Err(ctx.bad_field(
                u,
                field,
                ctx.t("err-bad-word", &[("input", value.to_string()), ("choices", "public, internal".into())]),
            )),
        }
    };
    let word = |choices: String| {
        ctx.bad_field(u, field, ctx.t("err-bad-word", &[("input", value.to_string()), ("choices", choices)]))
    };
    let date = || -> Result<chrono::NaiveDate, CmdError> { ctx.date(u, value) };
    if matches!(field, "source" | "来源" | "出处") && !matches!(rec, Record::Reported(_)) {
        let src = opt_text(logging::MAX_SOURCE)?;
        match rec {
            Record::Donation(d) => d.source = src,
            Record::Letter(l) => l.source = src,
            Record::Event(e) => e.source = src,
            Record::Reception(r) => r.source = src,
            Record::Partner(p) => p.source = src,
            Record::Reported(_) => {}
        }
        return Ok(());
    }
    match rec {
        Record::Donation(d) => match field {
            "date" | "日期" => {
                let new = date()?;
                if d.value_date == d.date {
                    d.value_date = new;
                }
                d.date = new;
                refix(ctx, d, notes)?;
            }
            "recipient" | "recipients" | "to" | "受赠方" => d.recipients = logging::parties(ctx, u, value, false)?,
            "items" | "item" | "物资" => d.items = ctx.items(u, value)?,
            "value" | "金额" => {
                d.value = match ctx.value(u, value)? {
                    Some(m) => Some(logging::fix(ctx, u, m, d.value_date, notes)?),
                    None => None,
                };
            }
            "value date" | "估值日期" => {
                d.value_date = date()?;
                refix(ctx, d, notes)?;
            }
            "donor" | "捐赠方" => d.donor = ctx.text(u, field, value, MAX_NAME)?,
            "status" | "状态" => d.status = Status::parse(value).ok_or_else(|| word(Status::choices()))?,
            "fund" | "资金" => d.fund = opt_text(MAX_NAME)?,
            "note" | "备注" => d.note = opt_text(MAX_TEXT)?,
            "visibility" | "可见性" => d.internal = visibility()?,
            _ => return Err(bad_field()),
        },
        Record::Letter(l) => match field {
            "date" | "日期" => l.date = date()?,
            "partner" | "partners" | "伙伴" => l.partners = logging::partners_only(ctx, u, value)?,
            "signed" | "signatories" | "署名" => l.signatories = list(value),
            "from" | "author" | "来信人" => l.author = opt_text(MAX_NAME)?,
            "quote" | "引文" => {
                l.quote = Some(unquote(&ctx.text(u, field, value, MAX_TEXT)?)).filter(|q| !q.is_empty())
            }
            "kind" | "类型" => l.kind = LetterKind::parse(value).ok_or_else(|| word(LetterKind::choices()))?,
            "reply to" | "回复" => {
                l.in_reply_to = match RecordId::parse(value) {
                    Some(r) if r.kind == RecordKind::Letter => Some(r.id),
                    _ => {
                        return Err(ctx.bad_field(
                            u,
                            field,
                            ctx.t("err-bad-letter-id", &[("input", value.to_string())]),
                        ));
                    }
                }
            }
            "note" | "备注" => l.note = opt_text(MAX_TEXT)?,
            "visibility" | "可见性" => l.internal = visibility()?,
            _ => return Err(bad_field()),
        },
        Record::Event(e) => match field {
            "date" | "日期" => e.date = date()?,
            "kind" | "类型" => e.kind = EventKind::parse(value).ok_or_else(|| word(EventKind::choices()))?,
            "participants" | "participant" | "参与方" => e.participants = logging::parties(ctx, u, value, true)?,
            "topic" | "主题" => e.topic = ctx.text(u, field, value, MAX_NAME)?,
            "host" | "主办" => e.host = opt_text(MAX_NAME)?,
            "note" | "备注" => e.note = opt_text(MAX_TEXT)?,
            "visibility" | "可见性" => e.internal = visibility()?,
            _ => return Err(bad_field()),
        },
        Record::Reception(r) => match field {
            "date" | "日期" => r.date = date()?,
            "place" | "地点" => r.place = ctx.text(u, field, value, MAX_NAME)?,
            "count" | "人数" => {
                let n = ctx.quantity(u, field, value)?;
                if n > 100_000 {
                    return Err(ctx.bad_field(u, field, ctx.t("err-count-absurd", &[("input", n.to_string())])));
                }
                r.count = n as u32;
            }
            "guests" | "来宾" => r.guests = ctx.text(u, field, value, MAX_TEXT)?,
            "countries" | "国家" => {
                let mut cs = Vec::new();
                for c in list(value) {
                    cs.push(country::parse(&c).map_err(|e| ctx.bad_field(u, field, ctx.t(e.msg_id(), &e.args())))?);
                }
                cs.dedup();
                r.countries = cs;
            }
            "note" | "备注" => r.note = opt_text(MAX_TEXT)?,
            "visibility" | "可见性" => r.internal = visibility()?,
            _ => return Err(bad_field()),
        },
        Record::Partner(p) => match field {
            "name" | "名称" => p.name = clean_name(&ctx.text(u, field, value, MAX_NAME)?),
            "country" | "国家" => {
                p.country = country::parse(value).map_err(|e| ctx.bad_field(u, field, ctx.t(e.msg_id(), &e.args())))?
            }
            "kind" | "类型" => p.kind = PartnerKind::parse(value).ok_or_else(|| word(PartnerKind::choices()))?,
            "aliases" | "别名" => p.aliases = list(value).iter().map(|a| clean_name(a)).collect(),
            "since" | "始于" => {
                p.since =
                    if value == "-" {
                        None
                    } else {
                        Some(value.parse().map_err(|_| {
                            ctx.bad_field(u, field, ctx.t("err-bad-year", &[("input", value.to_string())]))
                        })?)
                    }
            }
            "level" | "级别" => p.level = Some(Level::parse(value).ok_or_else(|| word(Level::choices()))?),
            "note" | "备注" => p.note = opt_text(MAX_TEXT)?,
            _ => return Err(bad_field()),
        },
        Record::Reported(r) => {
            // Re-read through the one-line form, so an edit obeys exactly the rules a new report does.
            let form = match field {
                "date" | "日期" => Some(("date", value.to_string())),
                "kind" | "类型" => Some(("kind", value.to_string())),
                "figures" | "figure" | "数字" => Some(("figures", value.to_string())),
                "source" | "来源" | "出处" => Some(("source", value.to_string())),
                "period" | "期间" => Some(("period", value.to_string())),
                _ => None,
            };
            match (field, form) {
                ("note" | "备注", _) => r.note = opt_text(MAX_TEXT)?,
                ("visibility" | "可见性", _) => r.internal = visibility()?,
                (_, Some((which, v))) => {
                    let args = logging::reported_form(r, which, &v);
                    let (rec, _) = logging::parse_reported(ctx, &args)?;
                    if let Record::Reported(new) = rec {
                        *r = Reported { id: r.id, internal: r.internal, note: r.note.clone(), ..new };
                    }
                }
                _ => return Err(bad_field()),
            }
        }
    }
    Ok(())
}

/// Re-fixes a donation's value after its value date changed (the declared amount stays).
fn refix(ctx: &Ctx<'_>, d: &mut Donation, notes: &mut Vec<String>) -> Result<(), CmdError> {
    if let Some(v) = &d.value {
        let m = money::Money { amount: v.amount, currency: v.currency };
        d.value = Some(logging::fix(ctx, "usage-edit", m, d.value_date, notes)?);
    }
    Ok(())
}

pub fn rate(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-rate";
    let parts: Vec<&str> = args.split_whitespace().collect();
    if parts.len() <= 1 {
        // List rates.
        let cur = parts.first().map(|c| ctx.currency(c)).transpose()?;
        let list = rates::list(ctx.store.conn(), cur, 30)?;
        let mut r = Reply::new();
        r.heading(ctx.t("title-rates", &[]));
        if list.is_empty() {
            r.line(ctx.t("rates-none", &[]));
        }
        for x in &list {
            r.item(ctx.t(
                "rate-line",
                &[
                    ("currency", x.currency.to_string()),
                    ("rate", x.cny_per_unit.normalize().to_string()),
                    ("date", x.date.to_string()),
                ],
            ));
        }
        return Ok(r);
    }
    if parts.len() > 3 {
        return Err(ctx.bad_field(u, "#4", ctx.t("err-extra-field", &[("text", parts[3..].join(" "))])));
    }
    let currency = ctx.currency(parts[0]).map_err(|e| match e {
        CmdError::Invalid(reason) => ctx.bad_field(u, "CURRENCY", reason),
        other => other,
    })?;
    if currency == Currency::CNY {
        return Err(ctx.bad_field(u, "CURRENCY", ctx.t("err-rate-cny", &[])));
    }
    let rate = Decimal::from_str(parts[1].trim())
        .ok()
        .filter(|r| *r > Decimal::ZERO && *r < Decimal::from(100_000) && r.scale() <= 8)
        .ok_or_else(|| ctx.bad_field(u, "RATE", ctx.t("err-bad-rate", &[("input", parts[1].to_string())])))?;
    let date = match parts.get(2) {
        Some(d) => ctx.date(u, d)?,
        None => ctx.today,
    };
    let actor = ctx.actor().to_string();
    let f = ctx.f;
    ctx.write(|tx| {
        let prior = rates::set(tx, &rates::Rate { currency, date, cny_per_unit: rate, source: None }, &actor)?;
        let filled = if currency == Currency::USD { rates::fill_missing_usd(tx, &actor)? } else { Vec::new() };
        let mut r = Reply::text(f.t(
            "rate-saved",
            &[("currency", currency.to_string()), ("rate", rate.normalize().to_string()), ("date", date.to_string())],
        ));
        if let Some(p) = prior.filter(|p| *p != rate) {
            r.note(f.t("rate-replaced", &[("rate", p.normalize().to_string())]));
        }
        if !filled.is_empty() {
            let ids: Vec<String> = filled.iter().take(20).map(|i| format!("D-{i}")).collect();
            r.note(f.t("rate-filled", &[("count", filled.len().to_string()), ("ids", ids.join(", "))]));
        }
        r.note(f.t("rate-fixed-note", &[]));
        Ok(r)
    })
}

/// `/rates [CURRENCY]`: every rate ever set, newest first, with who set it and what it replaced.
pub fn rates(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-rates";
    let parts: Vec<&str> = args.split_whitespace().collect();
    if parts.len() > 1 {
        return Err(ctx.bad_field(u, "#2", ctx.t("err-extra-field", &[("text", parts[1..].join(" "))])));
    }
    let cur = parts.first().map(|c| ctx.currency(c)).transpose()?;
    let list = rates::changes(ctx.store.conn(), cur, ctx.cfg.reply.max_list_items)?;
    let tz = ctx.cfg.tz().unwrap_or(chrono_tz::Asia::Shanghai);
    let mut r = Reply::new();
    r.heading(ctx.t("title-rate-changes", &[]));
    if list.is_empty() {
        r.line(ctx.t("rate-changes-none", &[]));
    }
    for c in &list {
        let who = UserKey::parse(&c.set_by).map(|k| k.bare_id().to_string()).unwrap_or_else(|| c.set_by.clone());
        let mut line = ctx.t(
            "rate-change-line",
            &[
                ("currency", c.rate.currency.to_string()),
                ("rate", c.rate.cny_per_unit.normalize().to_string()),
                ("date", c.rate.date.to_string()),
                ("who", who),
                ("at", c.set_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()),
            ],
        );
        if let Some(old) = c.replaced {
            line.push_str(" · ");
            line.push_str(&ctx.t("rate-change-replaced", &[("old", old.normalize().to_string())]));
        }
        r.item(line);
    }
    Ok(r)
}

pub fn staff(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let u = "usage-staff";
    let parts: Vec<&str> = args.split_whitespace().collect();
    let sub = parts.first().map(|s| s.to_lowercase()).unwrap_or_default();
    match sub.as_str() {
        "" | "list" | "列表" => {
            let list = people::list_staff(ctx.store.conn())?;
            let mut r = Reply::new();
            r.heading(ctx.t("title-staff", &[]));
            for a in ctx.cfg.admin_keys() {
                r.item(format!(
                    "{} · {} · {}",
                    a.bare_id(),
                    ctx.word("role", "admin"),
                    ctx.t("staff-from-config", &[])
                ));
            }
            for s in &list {
                let name = s.name.clone().unwrap_or_default();
                r.item(
                    format!("{} · {} · {name}", s.user.bare_id(), ctx.word("role", s.role.as_str()))
                        .trim_end_matches([' ', '·'])
                        .to_string(),
                );
            }
            if list.is_empty() && ctx.cfg.admin_keys().is_empty() {
                r.line(ctx.t("staff-none", &[]));
            }
            Ok(r)
        }
        "add" | "添加" => {
            let id_text = parts.get(1).ok_or_else(|| ctx.missing_field(u, "USER_ID"))?;
            let user = UserKey::parse(id_text).ok_or_else(|| {
                ctx.bad_field(u, "USER_ID", ctx.t("err-bad-user-id", &[("input", id_text.to_string())]))
            })?;
            // A name follows the role: a third word that is not a role is a mistyped role, never the
            // start of a name ("/staff add 123 superuser X" must not make staff called "superuser X").
            let role = match parts.get(2) {
                None => Role::Staff,
                Some(word) => Role::parse(word).ok_or_else(|| {
                    ctx.bad_field(
                        u,
                        "admin|staff",
                        ctx.t("err-bad-word", &[("input", word.to_string()), ("choices", "admin, staff".into())]),
                    )
                })?,
            };
            let name_from = 3;
            let name = parts.get(name_from..).map(|p| p.join(" ")).filter(|n| !n.is_empty());
            if let Some(n) = &name {
                ctx.text(u, "NAME", n, MAX_NAME)?;
            }
            let actor = ctx.actor().to_string();
            let f = ctx.f;
            ctx.write(|tx| {
                let prior = people::upsert_staff(tx, &user, role, name.as_deref(), &actor)?;
                log::info!("staff: {actor} set {user} to {}", role.as_str());
                let key = if prior.is_some() { "staff-updated" } else { "staff-added" };
                Ok(Reply::text(f.t(
                    key,
                    &[("id", user.bare_id().to_string()), ("role", f.t(&format!("role-{}", role.as_str()), &[]))],
                )))
            })
        }
        "remove" | "delete" | "删除" | "移除" => {
            let id_text = parts.get(1).ok_or_else(|| ctx.missing_field(u, "USER_ID"))?;
            let user = UserKey::parse(id_text).ok_or_else(|| {
                ctx.bad_field(u, "USER_ID", ctx.t("err-bad-user-id", &[("input", id_text.to_string())]))
            })?;
            if ctx.cfg.admin_keys().contains(&user) {
                return Err(ctx.invalid("err-staff-config-admin", &[("id", user.bare_id().to_string())]));
            }
            let actor = ctx.actor().to_string();
            let f = ctx.f;
            ctx.write(|tx| {
                if !people::remove_staff(tx, &user)? {
                    return Err(CmdError::Invalid(f.t("err-not-staff", &[("id", user.bare_id().to_string())])));
                }
                log::info!("staff: {actor} removed {user}");
                Ok(Reply::text(f.t("staff-removed", &[("id", user.bare_id().to_string())])))
            })
        }
        other => Err(ctx.bad_field(
            u,
            "add|remove|list",
            ctx.t("err-bad-word", &[("input", other.to_string()), ("choices", "add, remove, list".into())]),
        )),
    }
}

//! The command table: every command's names (English and Chinese), who may use it, whether it writes,
//! and its handler. `/help` is generated from this table, so it always matches what exists.

use super::{
    ChatKind, CmdError, CmdResult, Ctx, add, admin, chart, digest, export, import, logging, reading, reported,
};
use crate::domain::Role;
use crate::i18n::Lang;
use crate::render::{Outcome, Reply};
use std::sync::Arc;

pub struct CommandSpec {
    pub name: &'static str,
    /// Chinese aliases.
    pub zh: &'static [&'static str],
    /// Other English aliases.
    pub aliases: &'static [&'static str],
    pub min_role: Role,
    /// Logging commands (refused in groups unless the config allows it, and to forwarded messages).
    pub writes: bool,
    pub run: fn(&mut Ctx<'_>, &str) -> CmdResult,
}

macro_rules! cmd {
    ($name:literal, [$($zh:literal),*], [$($al:literal),*], $role:ident, $writes:literal, $run:path) => {
        CommandSpec { name: $name, zh: &[$($zh),*], aliases: &[$($al),*], min_role: Role::$role, writes: $writes, run: $run }
    };
}

/// Every command, in the order `/help` shows them.
pub static COMMANDS: &[CommandSpec] = &[
    cmd!("start", ["开始"], [], Everyone, false, reading::start),
    cmd!("help", ["帮助"], [], Everyone, false, reading::help),
    cmd!("totals", ["合计", "总计"], ["total", "summary"], Everyone, false, reading::totals),
    cmd!("donations", ["捐赠"], [], Everyone, false, reading::donations),
    cmd!("donors", ["捐赠方"], [], Everyone, false, reading::donors),
    cmd!("letters", ["信函"], [], Everyone, false, reading::letters),
    cmd!("events", ["活动"], [], Everyone, false, reading::events),
    cmd!("receptions", ["接待"], [], Everyone, false, reading::receptions),
    cmd!("partners", ["伙伴列表"], [], Everyone, false, reading::partners),
    cmd!("partner", ["伙伴"], [], Everyone, false, reading::partner),
    cmd!("countries", ["国家"], [], Everyone, false, reading::countries),
    cmd!("search", ["搜索"], ["find"], Everyone, false, reading::search),
    cmd!("reported", ["报道", "报道数字"], ["figures"], Everyone, false, reported::reported),
    cmd!("chart", ["图表"], ["charts"], Everyone, false, chart::chart),
    cmd!("lang", ["语言"], ["language"], Everyone, false, admin::lang),
    cmd!("add", ["添加"], ["new"], Staff, true, add::start),
    cmd!("donation", ["记捐赠"], [], Staff, true, logging::donation),
    cmd!("letter", ["记信函"], [], Staff, true, logging::letter),
    cmd!("event", ["记活动"], [], Staff, true, logging::event),
    cmd!("reception", ["记接待"], [], Staff, true, logging::reception),
    cmd!("undo", ["撤销"], [], Staff, true, admin::undo),
    cmd!("edit", ["修改"], [], Staff, true, admin::edit),
    cmd!("delete", ["删除"], [], Staff, true, admin::delete),
    cmd!("history", ["历史"], [], Staff, false, admin::history),
    cmd!("rate", ["汇率"], [], Staff, false, admin::rate),
    cmd!("rates", ["汇率记录"], [], Staff, false, admin::rates),
    cmd!("export", ["导出"], [], Staff, false, export::export),
    cmd!("import", ["导入"], [], Staff, false, import::upload::command),
    cmd!("cancel", ["取消"], [], Everyone, false, add::cancel),
    cmd!("staff", ["员工"], [], Admin, true, admin::staff),
    cmd!("digest", ["摘要"], ["digests"], Admin, false, digest::digest),
];

/// Finds a command by any of its names (case-insensitive, without the leading / or !).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    let n = name.to_lowercase();
    COMMANDS.iter().find(|c| c.name == n || c.zh.contains(&n.as_str()) || c.aliases.contains(&n.as_str()))
}

/// The language a command was typed in, when its name says: a Chinese name (`/捐赠`) is Chinese.
/// English names say nothing (everyone may type `/totals`).
pub fn typed_language(text: &str) -> Option<Lang> {
    let (name, _) = split_command(text)?;
    let spec = find(name)?;
    spec.zh.contains(&name.to_lowercase().as_str()).then_some(Lang::Zh)
}

/// A button's data (a command: `/import confirm 3`) with the command's name in `lang`, when it is
/// not already: a Chinese answer's buttons send Chinese names (`/导入 confirm 3`), so that pressing
/// one is answered in Chinese too, like the command typed. None when nothing changes.
pub fn in_language(data: &str, lang: Lang) -> Option<String> {
    if lang != Lang::Zh {
        return None;
    }
    let (name, args) = split_command(data)?;
    let spec = find(name)?;
    let zh = spec.zh.first()?;
    if spec.zh.contains(&name.to_lowercase().as_str()) {
        return None;
    }
    Some(if args.is_empty() { format!("/{zh}") } else { format!("/{zh} {args}") })
}

/// Splits "/cmd@bot args" into ("cmd", "args"). None when the text is not a command.
pub fn split_command(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let rest = text.strip_prefix('/').or_else(|| text.strip_prefix('!')).or_else(|| text.strip_prefix('／'))?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (head, args) = rest.split_at(end);
    let name = head.split('@').next().unwrap_or("");
    (!name.is_empty()).then_some((name, args.trim()))
}

pub fn dispatch(ctx: &mut Ctx<'_>) -> CmdResult {
    let text = ctx.req.text.trim().to_string();
    let Some((name, args)) = split_command(&text) else {
        // Plain text: an answer in a guided dialogue, or a hint.
        if let Some(reply) = add::continue_dialogue(ctx, &text)? {
            return Ok(reply);
        }
        if text.is_empty() {
            return Err(ctx.invalid("err-empty", &[]));
        }
        return Err(ctx.invalid("err-not-command", &[]));
    };
    let Some(spec) = find(name) else {
        let suggestion = suggest(name);
        return Err(match suggestion {
            Some(s) => {
                ctx.invalid("err-unknown-command-suggest", &[("name", name.to_string()), ("suggestion", s.to_string())])
            }
            None => ctx.invalid("err-unknown-command", &[("name", name.to_string())]),
        });
    };
    authorize(ctx, spec, args)?;
    if !MEMOISED.contains(&spec.name) || writes(spec, args) {
        return (spec.run)(ctx, args);
    }
    let key = memo_key(ctx, spec, args);
    if let Some(reply) = ctx.store.memo_get::<Arc<Reply>>(&key)? {
        return Ok(Reply::clone(&reply));
    }
    // Kept as it is given (its buttons in the reader's language), shared by whoever asks next.
    let reply = buttons_in_language((spec.run)(ctx, args)?, ctx.f.lang);
    if reply.outcome == Outcome::Done && reply.attachments.is_empty() {
        ctx.store.memo_put(key, &Arc::new(reply.clone()))?;
    }
    Ok(reply)
}

/// A Chinese answer's buttons send Chinese command names, so that a press keeps the language of the
/// command typed (see [`in_language`]).
pub fn buttons_in_language(mut reply: Reply, lang: Lang) -> Reply {
    if lang == Lang::Zh && !reply.buttons.is_empty() {
        reply.map_button_data(|d| in_language(d, lang));
    }
    reply
}

/// A reading answer depends only on the ledger, the command, the reader's language and role, the
/// kind of chat and the day (for "this month" and the like): it is kept under this key until the
/// ledger changes.
fn memo_key(ctx: &Ctx<'_>, spec: &CommandSpec, args: &str) -> String {
    format!(
        "reply\u{1f}{}\u{1f}{args}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
        spec.name, ctx.f.lang, ctx.role, ctx.req.chat_kind, ctx.today
    )
}

/// The answer [`dispatch`] would give, when it is a memoised reading answer already kept; None when
/// answering would take more than a look-up (nothing is done then: `dispatch` answers it).
pub fn memoised(ctx: &mut Ctx<'_>) -> Result<Option<Arc<Reply>>, crate::store::StoreError> {
    let Some((name, args)) = split_command(ctx.req.text.trim()) else {
        return Ok(None);
    };
    let Some(spec) = find(name) else {
        return Ok(None);
    };
    if !MEMOISED.contains(&spec.name) || writes(spec, args) || authorize(ctx, spec, args).is_err() {
        return Ok(None);
    }
    let key = memo_key(ctx, spec, args);
    ctx.store.memo_get::<Arc<Reply>>(&key)
}

/// Reading commands whose whole answer is memoised (see [`dispatch`]).
const MEMOISED: &[&str] = &[
    "totals",
    "donations",
    "donors",
    "letters",
    "events",
    "receptions",
    "partners",
    "partner",
    "countries",
    "reported",
];

/// Whether this use of the command writes (`/partner NAME` reads; `/partner add …` writes).
fn writes(spec: &CommandSpec, args: &str) -> bool {
    spec.writes
        || (spec.name == "partner" && is_partner_add(args))
        || (spec.name == "reported" && reported::is_form(args))
        || (spec.name == "rate" && args.split_whitespace().nth(1).is_some())
}

/// Role and channel checks, before anything is parsed.
fn authorize(ctx: &Ctx<'_>, spec: &CommandSpec, args: &str) -> Result<(), CmdError> {
    let writes = writes(spec, args);
    let min_role = if writes { spec.min_role.max(Role::Staff) } else { spec.min_role };
    let id = ctx.req.user.bare_id().to_string();
    if ctx.role < min_role {
        let msg = if min_role == Role::Admin {
            "refuse-admin-only"
        } else if writes {
            "refuse-staff-only-log"
        } else {
            "refuse-staff-only"
        };
        return Err(CmdError::Refused(ctx.t(msg, &[("id", id)])));
    }
    if min_role == Role::Everyone
        && !ctx.cfg.access.public_read
        && !ctx.staff()
        && !matches!(spec.name, "start" | "help" | "lang" | "cancel")
    {
        return Err(CmdError::Refused(ctx.t("refuse-not-public", &[("id", id)])));
    }
    if writes {
        if ctx.req.forwarded {
            return Err(CmdError::Refused(ctx.t("refuse-forwarded", &[])));
        }
        if ctx.req.chat_kind != ChatKind::Private && !ctx.cfg.access.logging_in_groups {
            return Err(CmdError::Refused(ctx.t("refuse-group-logging", &[])));
        }
    }
    Ok(())
}

pub fn is_partner_add(args: &str) -> bool {
    let first = args.split_whitespace().next().unwrap_or("").to_lowercase();
    matches!(first.as_str(), "add" | "添加" | "new")
}

fn suggest(name: &str) -> Option<&'static str> {
    let n = name.to_lowercase();
    COMMANDS.iter().map(|c| (strsim::levenshtein(&n, c.name), c.name)).filter(|(d, _)| *d <= 2).min().map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_with_bot_names() {
        assert_eq!(split_command("/donations@amity_bot Germany"), Some(("donations", "Germany")));
        assert_eq!(split_command("!totals 2020"), Some(("totals", "2020")));
        assert_eq!(split_command("/捐赠 德国"), Some(("捐赠", "德国")));
        assert_eq!(split_command("hello"), None);
        assert_eq!(split_command("/"), None);
    }

    #[test]
    fn every_name_is_unique() {
        let mut names: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| std::iter::once(c.name).chain(c.zh.iter().copied()).chain(c.aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len());
    }
}

//! Reading commands: /start, /help, /totals, /donations, /donors, /letters, /events, /receptions,
//! /partners, /partner, /countries, /search. Non-staff see public records only; every total says what it counts.

use super::resolve::Mode;
use super::spec::{COMMANDS, find, is_partner_add};
use super::{CmdError, CmdResult, Ctx, logging};
use crate::domain::*;
use crate::i18n::Lang;
use crate::render::{Button, Reply};
use crate::store::records::from_minor;
use crate::store::reports::{self, Filter, Scope};

pub fn start(ctx: &mut Ctx<'_>, _args: &str) -> CmdResult {
    let mut r = Reply::new();
    r.heading(ctx.t("start-title", &[("office", ctx.cfg.office.name.clone())]));
    r.line(ctx.t("start-body", &[]));
    r.gap();
    help_list(ctx, &mut r);
    Ok(r)
}

pub fn help(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let arg = args.trim().trim_start_matches(['/', '!']);
    if let Some(lang) = Lang::parse(arg).filter(|_| !arg.is_empty() && find(arg).is_none()) {
        // "/help zh": the command list with Chinese names, in Chinese.
        ctx.lang = lang;
        let mut r = Reply::new();
        help_list(ctx, &mut r);
        return Ok(r);
    }
    if !arg.is_empty() {
        let Some(spec) = find(arg) else {
            return Err(ctx.invalid("err-unknown-command", &[("name", arg.to_string())]));
        };
        let mut r = Reply::new();
        r.heading(format!("/{}", spec.name));
        r.line(ctx.t(&format!("help-{}", spec.name), &[]));
        r.line(ctx.t(&format!("usage-{}", spec.name), &[]));
        if !spec.zh.is_empty() {
            r.note(ctx.t(
                "help-aliases",
                &[("names", spec.zh.iter().map(|z| format!("/{z}")).collect::<Vec<_>>().join(" "))],
            ));
        }
        return Ok(r);
    }
    let mut r = Reply::new();
    help_list(ctx, &mut r);
    Ok(r)
}

fn help_list(ctx: &Ctx<'_>, r: &mut Reply) {
    let sections = [
        (crate::domain::Role::Everyone, "help-section-read"),
        (crate::domain::Role::Staff, "help-section-log"),
        (crate::domain::Role::Admin, "help-section-admin"),
    ];
    for (role, title) in sections {
        if ctx.role < role {
            continue;
        }
        r.heading(ctx.t(title, &[]));
        for c in COMMANDS.iter().filter(|c| c.min_role == role && c.name != "cancel") {
            let name = match ctx.lang {
                Lang::Zh => c.zh.first().map(|z| format!("/{z} (/{})", c.name)).unwrap_or(format!("/{}", c.name)),
                Lang::En => format!("/{}", c.name),
            };
            r.item(format!("{name} — {}", ctx.t(&format!("help-{}", c.name), &[])));
            if role == crate::domain::Role::Everyone && c.name == "partner" {
                continue;
            }
        }
        if role == crate::domain::Role::Staff {
            let name = match ctx.lang {
                Lang::Zh => "/伙伴 添加 (/partner add)",
                Lang::En => "/partner add",
            };
            r.item(format!("{name} — {}", ctx.t("help-partner-add", &[])));
            let name = match ctx.lang {
                Lang::Zh => "/报道 日期 | … (/reported)",
                Lang::En => "/reported DATE | …",
            };
            r.item(format!("{name} — {}", ctx.t("help-reported-add", &[])));
        }
        r.gap();
    }
    r.note(ctx.t("help-more", &[]));
}

fn audience_note(ctx: &Ctx<'_>, r: &mut Reply) {
    let audience = if ctx.sees_internal() {
        "audience-staff"
    } else if ctx.staff() {
        "audience-staff-in-group"
    } else {
        "audience-public"
    };
    r.note(ctx.t(audience, &[]));
}

pub fn totals(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let period = if args.trim().is_empty() { Period::all() } else { ctx.period(args)? };
    let scope = Scope::with_period(ctx.sees_internal(), &period, Filter::All);
    let d = ctx.store.cached(format!("donation_totals:{scope:?}"), |c| reports::donation_totals(c, &scope))?;
    let l = ctx.store.cached(format!("letter_totals:{scope:?}"), |c| reports::letter_totals(c, &scope))?;
    let (ev, ev_countries) =
        ctx.store.cached(format!("event_totals:{scope:?}"), |c| reports::event_totals(c, &scope))?;
    let (rn, guests, rc) =
        ctx.store.cached(format!("reception_totals:{scope:?}"), |c| reports::reception_totals(c, &scope))?;
    let mut r = Reply::new();
    r.heading(ctx.t("totals-title", &[("period", ctx.period_text(&period))]));
    r.gap();
    super::reported::totals_section(ctx, &period, &mut r)?;
    r.heading(ctx.t("section-donations", &[]));
    ctx.donation_summary(&d, &mut r, 12);
    let max_age = i64::from(ctx.cfg.rates.stale_after_days);
    let stale = ctx
        .store
        .cached(format!("stale_rates:{max_age}:{scope:?}"), |c| reports::stale_rate_count(c, &scope, max_age))?;
    if stale > 0 {
        r.note(ctx.t("totals-stale-rates", &[("count", stale.to_string()), ("days", max_age.to_string())]));
    }
    r.gap();
    r.heading(ctx.t("section-letters", &[]));
    letter_summary(ctx, &l, &mut r);
    r.gap();
    r.heading(ctx.t("section-events", &[]));
    event_summary(ctx, &ev, ev_countries, &mut r);
    r.gap();
    r.heading(ctx.t("section-receptions", &[]));
    if rn == 0 {
        r.line(ctx.t("receptions-none", &[]));
    } else {
        r.line(ctx.t(
            "receptions-summary",
            &[("count", rn.to_string()), ("n_guests", guests.to_string()), ("n_countries", rc.to_string())],
        ));
    }
    r.gap();
    audience_note(ctx, &mut r);
    Ok(r)
}

fn letter_summary(ctx: &Ctx<'_>, l: &reports::LetterTotals, r: &mut Reply) {
    if l.sent + l.received == 0 {
        r.line(ctx.t("letters-none", &[]));
        return;
    }
    r.line(
        ctx.t("letters-sent-summary", &[("count", l.sent.to_string()), ("n_partners", l.sent_partners.to_string())]),
    );
    if let Some((written, replied)) = l.reply_rate
        && written > 0
    {
        r.line(ctx.t("letters-reply-rate", &[("n_written", written.to_string()), ("n_replied", replied.to_string())]));
    }
    r.line(ctx.t(
        "letters-received-summary",
        &[("count", l.received.to_string()), ("n_partners", l.received_partners.to_string())],
    ));
}

fn event_summary(ctx: &Ctx<'_>, by_kind: &[(EventKind, i64)], countries: i64, r: &mut Reply) {
    if by_kind.is_empty() {
        r.line(ctx.t("events-none", &[]));
        return;
    }
    let total: i64 = by_kind.iter().map(|(_, n)| n).sum();
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| ctx.t(&format!("event-kinds-{}", k.as_str()), &[("count", n.to_string())]))
        .collect();
    r.line(ctx.t(
        "events-summary",
        &[("count", total.to_string()), ("kinds", kinds.join(ctx.sep())), ("n_countries", countries.to_string())],
    ));
}

/// What a filter is, in words, for titles.
fn filter_label(ctx: &Ctx<'_>, f: &Filter) -> Result<String, CmdError> {
    Ok(match f {
        Filter::All => String::new(),
        Filter::Country(c) => ctx.country_name(*c).to_string(),
        Filter::Partner(id) => crate::store::records::get_partner(ctx.store.conn(), *id)?
            .map(|p| format!("{} ({})", p.name, p.country))
            .unwrap_or_default(),
        Filter::Item(k) => k.clone(),
        Filter::Donor(d) => d.clone(),
    })
}

fn title(ctx: &Ctx<'_>, what: &str, filter: &Filter, period: &Period) -> Result<String, CmdError> {
    let f = filter_label(ctx, filter)?;
    let mut parts = vec![ctx.t(what, &[])];
    if !f.is_empty() {
        parts.push(f);
    }
    if !period.is_all() {
        parts.push(ctx.period_text(period));
    }
    Ok(parts.join(" · "))
}

/// The page a Previous / Next button asks for: a trailing `page:N` taken off the arguments. A page
/// number typed wrong (`page:0`, `page:x`) means the first page, rather than a filter named "page:0".
pub(super) fn take_page(args: &str) -> (String, usize) {
    let t = args.trim();
    let (rest, last) = t.rsplit_once(char::is_whitespace).unwrap_or(("", t));
    match last.strip_prefix("page:") {
        Some(n) => (rest.trim_end().to_string(), n.parse::<usize>().unwrap_or(1).max(1)),
        None => (t.to_string(), 1),
    }
}

/// A page of a list: `max_list_items` records from the newest, `page` counting from 1. A page past the
/// end shows the last one (a list that shrank since its buttons were made).
fn page_of<T>(
    ctx: &Ctx<'_>,
    page: usize,
    load: impl Fn(usize, usize) -> crate::store::Result<(i64, Vec<T>)>,
) -> Result<(i64, Vec<T>, usize), CmdError> {
    let per = ctx.cfg.reply.max_list_items;
    let (count, list) = load(per, (page - 1) * per)?;
    let pages = (count.max(0) as usize).div_ceil(per).max(1);
    if page > pages {
        let (count, list) = load(per, (pages - 1) * per)?;
        return Ok((count, list, pages));
    }
    Ok((count, list, page))
}

/// After a page of a long list: where it is ("Page 2 of 7: 51–100 of 312") and Previous /
/// Next buttons running the same command for the neighbouring pages (on Telegram they edit the message).
pub(super) fn pager(ctx: &Ctx<'_>, r: &mut Reply, command: &str, args: &str, total: i64, page: usize, shown: usize) {
    let per = ctx.cfg.reply.max_list_items;
    if total <= per as i64 {
        return;
    }
    let pages = (total as usize).div_ceil(per);
    let first = (page - 1) * per + 1;
    r.note(ctx.t(
        "list-page",
        &[
            ("page", page.to_string()),
            ("pages", pages.to_string()),
            ("first", first.to_string()),
            ("last", (first + shown.max(1) - 1).to_string()),
            ("total", total.to_string()),
        ],
    ));
    let data = |p: usize| {
        let a = args.trim();
        if a.is_empty() { format!("{command} page:{p}") } else { format!("{command} {a} page:{p}") }
    };
    let mut row = Vec::new();
    if page > 1 {
        row.push(Button { label: ctx.t("btn-prev", &[]), data: data(page - 1) });
    }
    if page < pages {
        row.push(Button { label: ctx.t("btn-next", &[]), data: data(page + 1) });
    }
    r.button_row(row);
}

/// Under a short list of a longer one (a partner's page): how many more, and the command that lists
/// them all, a page at a time.
fn more_in(ctx: &Ctx<'_>, r: &mut Reply, total: i64, shown: usize, command: &str) {
    if total > shown as i64 {
        r.note(
            ctx.t("list-more-in", &[("count", (total - shown as i64).to_string()), ("command", command.to_string())]),
        );
    }
}

pub fn donations(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let (filter_text, period) = ctx.filter_and_period(&args)?;
    let filter = ctx.resolve_filter(&filter_text, "/donations", true)?;
    let scope = Scope::with_period(ctx.sees_internal(), &period, filter.clone());
    let per = ctx.cfg.reply.max_list_items;
    // The totals and the page from one pass over the filter's donations.
    let (totals, list, page) = ctx.store.cached(format!("donations_page:{scope:?}:{per}:{page}"), |c| {
        reports::donations_with_totals(c, &scope, per, page)
    })?;
    let count = totals.count;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-donations", &filter, &period)?);
    ctx.donation_summary(&totals, &mut r, 12);
    if totals.shared > 0 && matches!(filter, Filter::Country(_) | Filter::Partner(_)) {
        r.note(ctx.t("donations-shared", &[("count", totals.shared.to_string())]));
    }
    if !list.is_empty() {
        r.gap();
    }
    for d in &list {
        r.item(ctx.donation_entry(d));
    }
    pager(ctx, &mut r, "/donations", &args, count, page, list.len());
    r.gap();
    audience_note(ctx, &mut r);
    Ok(r)
}

pub fn letters(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let first = args.split_whitespace().next().unwrap_or("").to_lowercase();
    if matches!(
        first.as_str(),
        "awaiting"
            | "waiting"
            | "unanswered"
            | "pending"
            | "unreplied"
            | "待回复"
            | "未回复"
            | "待复"
            | "未答复"
            | "待答复"
    ) {
        let rest = args.trim_start()[first.len()..].trim_start().to_string();
        return awaiting(ctx, &rest, &args, page);
    }
    let (filter_text, period) = ctx.filter_and_period(&args)?;
    let filter = ctx.resolve_filter(&filter_text, "/letters", false)?;
    let scope = Scope::with_period(ctx.sees_internal(), &period, filter.clone());
    let conn = ctx.store.conn();
    let mut totals = ctx.store.cached(format!("letter_totals:{scope:?}"), |c| reports::letter_totals(c, &scope))?;
    totals.reply_rate = Some(ctx.store.cached(format!("reply_rate:{scope:?}"), |c| reports::reply_rate(c, &scope))?);
    let (count, list, page) = page_of(ctx, page, |n, off| reports::letters(conn, &scope, n, off))?;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-letters", &filter, &period)?);
    letter_summary(ctx, &totals, &mut r);
    if !list.is_empty() {
        r.gap();
    }
    for l in &list {
        r.item(ctx.letter_entry(l));
    }
    pager(ctx, &mut r, "/letters", &args, count, page, list.len());
    Ok(r)
}

/// `/letters awaiting [FILTER] [PERIOD]`: sent letters whose partners have not replied, oldest first,
/// with how long each has waited.
fn awaiting(ctx: &mut Ctx<'_>, rest: &str, args: &str, page: usize) -> CmdResult {
    let (filter_text, period) = ctx.filter_and_period(rest)?;
    let filter = ctx.resolve_filter(&filter_text, "/letters awaiting", false)?;
    let scope = Scope::with_period(ctx.sees_internal(), &period, filter.clone());
    let conn = ctx.store.conn();
    let (count, list, page) = page_of(ctx, page, |n, off| reports::awaiting(conn, &scope, n, off))?;
    let (written, replied) = ctx.store.cached(format!("reply_rate:{scope:?}"), |c| reports::reply_rate(c, &scope))?;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-awaiting", &filter, &period)?);
    if written > 0 {
        r.line(ctx.t("letters-reply-rate", &[("n_written", written.to_string()), ("n_replied", replied.to_string())]));
    }
    if count == 0 {
        r.line(ctx.t(if written > 0 { "awaiting-none" } else { "letters-none" }, &[]));
    } else {
        r.line(ctx.t("awaiting-count", &[("count", count.to_string())]));
        r.gap();
    }
    for a in &list {
        let days = (ctx.today - a.letter.date).num_days().max(0);
        r.item(ctx.t(
            "awaiting-entry",
            &[
                ("id", format!("L-{}", a.letter.id)),
                ("date", a.letter.date.to_string()),
                ("kind", ctx.word("letter-kind", a.letter.kind.as_str())),
                ("partners", ctx.parties(&a.partners)),
                ("days", days.to_string()),
            ],
        ));
    }
    pager(ctx, &mut r, "/letters", args, count, page, list.len());
    Ok(r)
}

pub fn events(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let (filter_text, period) = ctx.filter_and_period(&args)?;
    let filter = ctx.resolve_filter(&filter_text, "/events", false)?;
    let scope = Scope::with_period(ctx.sees_internal(), &period, filter.clone());
    let conn = ctx.store.conn();
    let (by_kind, countries) =
        ctx.store.cached(format!("event_totals:{scope:?}"), |c| reports::event_totals(c, &scope))?;
    let (count, list, page) = page_of(ctx, page, |n, off| reports::events(conn, &scope, n, off))?;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-events", &filter, &period)?);
    event_summary(ctx, &by_kind, countries, &mut r);
    if !list.is_empty() {
        r.gap();
    }
    for e in &list {
        r.item(ctx.event_entry(e));
    }
    pager(ctx, &mut r, "/events", &args, count, page, list.len());
    Ok(r)
}

pub fn receptions(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let period = if args.trim().is_empty() { Period::all() } else { ctx.period(&args)? };
    let scope = Scope::with_period(ctx.sees_internal(), &period, Filter::All);
    let conn = ctx.store.conn();
    let (n, guests, countries) =
        ctx.store.cached(format!("reception_totals:{scope:?}"), |c| reports::reception_totals(c, &scope))?;
    let (count, list, page) = page_of(ctx, page, |n, off| reports::receptions(conn, &scope, n, off))?;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-receptions", &Filter::All, &period)?);
    if n == 0 {
        r.line(ctx.t("receptions-none", &[]));
    } else {
        r.line(ctx.t(
            "receptions-summary",
            &[("count", n.to_string()), ("n_guests", guests.to_string()), ("n_countries", countries.to_string())],
        ));
        r.gap();
    }
    for x in &list {
        r.item(ctx.reception_entry(x));
    }
    pager(ctx, &mut r, "/receptions", &args, count, page, list.len());
    Ok(r)
}

pub fn partners(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let arg = args.trim();
    let (country, kind) = if arg.is_empty() {
        (None, None)
    } else if let Some(k) = PartnerKind::parse(arg) {
        (None, Some(k))
    } else if let Some(c) = country::resolve(arg) {
        (Some(c), None)
    } else {
        let sugg: Vec<String> = country::suggest(arg, 3).into_iter().map(|c| ctx.country_name(c).to_string()).collect();
        return Err(ctx.invalid(
            "err-partners-filter",
            &[
                ("input", arg.to_string()),
                ("kinds", PartnerKind::choices()),
                ("suggestions", if sugg.is_empty() { "none".to_string() } else { sugg.join(", ") }),
            ],
        ));
    };
    let conn = ctx.store.conn();
    let staff = ctx.sees_internal();
    let (total, lines, page) = page_of(ctx, page, |n, off| reports::partners(conn, staff, country, kind, n, off))?;
    let mut r = Reply::new();
    let what = country.map(|c| ctx.country_name(c).to_string()).or(kind.map(|k| ctx.word("partner-kind", k.as_str())));
    r.heading(match what {
        Some(w) => format!("{} · {w}", ctx.t("title-partners", &[])),
        None => ctx.t("title-partners", &[]),
    });
    r.line(ctx.t("partners-count", &[("count", total.to_string())]));
    for l in &lines {
        let mut s = ctx.partner_entry(&l.partner);
        s.push('\n');
        s.push_str(&partner_tally(ctx, l));
        r.item(s);
    }
    pager(ctx, &mut r, "/partners", &args, total, page, lines.len());
    if total == 0 && ctx.staff() {
        r.note(ctx.t("partners-how-to-add", &[]));
    }
    Ok(r)
}

/// "2 donations (CNY 5,000) · one letter": only what there is.
fn partner_tally(ctx: &Ctx<'_>, l: &reports::PartnerLine) -> String {
    let mut parts = Vec::new();
    if l.donations > 0 {
        let mut d = ctx.t("tally-donations", &[("count", l.donations.to_string())]);
        if l.cny_fen > 0 {
            let money = match ctx.lang {
                Lang::En => crate::domain::money::fmt_cny(from_minor(l.cny_fen)),
                Lang::Zh => crate::domain::money::fmt_wan(from_minor(l.cny_fen)),
            };
            d.push_str(&format!(" ({money})"));
        }
        parts.push(d);
    }
    if l.letters > 0 {
        parts.push(ctx.t("country-letters", &[("count", l.letters.to_string())]));
    }
    if l.events > 0 {
        parts.push(ctx.t("country-events", &[("count", l.events.to_string())]));
    }
    if parts.is_empty() {
        return ctx.t("tally-nothing", &[]);
    }
    parts.join(" · ")
}

pub fn partner(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    if is_partner_add(args) {
        let rest = args.trim_start().split_once(char::is_whitespace).map(|(_, r)| r).unwrap_or("");
        return logging::partner_add(ctx, rest);
    }
    if args.trim().is_empty() {
        return Err(ctx.missing_field("usage-partner", "NAME"));
    }
    let p = ctx.resolve_partner(args, Mode::Read, "/partner")?;
    let scope = Scope::all(ctx.sees_internal());
    let scope = Scope { filter: Filter::Partner(p.id), ..scope };
    let per = ctx.cfg.reply.max_list_items;
    let (totals, dl, _) = ctx
        .store
        .cached(format!("donations_page:{scope:?}:{per}:1"), |c| reports::donations_with_totals(c, &scope, per, 1))?;
    let dn = totals.count;
    let conn = ctx.store.conn();
    let (ln, ll) = reports::letters(conn, &scope, ctx.cfg.reply.max_list_items, 0)?;
    let (en, el) = reports::events(conn, &scope, ctx.cfg.reply.max_list_items, 0)?;
    let mut r = Reply::new();
    r.heading(format!("{} ({})", p.name, ctx.country_name(p.country)));
    let mut facts = vec![ctx.word("partner-kind", p.kind.as_str())];
    if let Some(l) = p.level {
        facts.push(ctx.word("level", l.as_str()));
    }
    if let Some(y) = p.since {
        facts.push(ctx.t("partner-since", &[("year", y.to_string())]));
    }
    r.line(facts.join(" · "));
    if !p.aliases.is_empty() {
        r.line(ctx.t("partner-aka", &[("names", p.aliases.join(", "))]));
    }
    if let Some(n) = &p.note {
        r.line(n.clone());
    }
    r.gap();
    r.heading(ctx.t("section-donations", &[]));
    ctx.donation_summary(&totals, &mut r, 12);
    for d in &dl {
        r.item(ctx.donation_entry(d));
    }
    more_in(ctx, &mut r, dn, dl.len(), &format!("/donations {}", p.name));
    r.gap();
    r.heading(ctx.t("section-letters", &[]));
    if ll.is_empty() {
        r.line(ctx.t("letters-none", &[]));
    }
    for l in &ll {
        r.item(ctx.letter_entry(l));
    }
    more_in(ctx, &mut r, ln, ll.len(), &format!("/letters {}", p.name));
    r.gap();
    r.heading(ctx.t("section-events", &[]));
    if el.is_empty() {
        r.line(ctx.t("events-none", &[]));
    }
    for e in &el {
        r.item(ctx.event_entry(e));
    }
    more_in(ctx, &mut r, en, el.len(), &format!("/events {}", p.name));
    r.gap();
    audience_note(ctx, &mut r);
    Ok(r)
}

pub fn countries(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let period = if args.trim().is_empty() { Period::all() } else { ctx.period(args)? };
    let scope = Scope::with_period(ctx.sees_internal(), &period, Filter::All);
    let lines = ctx.store.cached(format!("countries:{scope:?}"), |c| reports::countries(c, &scope))?;
    let mut r = Reply::new();
    r.heading(title(ctx, "title-countries", &Filter::All, &period)?);
    if lines.is_empty() {
        r.line(ctx.t("countries-none", &[]));
    }
    let mut shared = false;
    for l in lines.iter().take(ctx.cfg.reply.max_list_items.max(250)) {
        let name = CountryCode::from_alpha2(&l.country).map(|c| ctx.country_name(c)).unwrap_or("?");
        let mut parts = vec![format!("{name} ({})", l.country)];
        if l.donations > 0 {
            let money = match ctx.lang {
                _ if l.cny_fen == 0 => ctx.t("value-none", &[]),
                Lang::En => crate::domain::money::fmt_cny(from_minor(l.cny_fen)),
                Lang::Zh => crate::domain::money::fmt_wan(from_minor(l.cny_fen)),
            };
            parts.push(ctx.t(
                "country-donations",
                &[("count", l.donations.to_string()), ("money", money), ("n_recipients", l.recipients.to_string())],
            ));
            if l.shared > 0 {
                shared = true;
                parts.push(ctx.t("country-shared", &[("count", l.shared.to_string())]));
            }
        }
        if l.letters > 0 {
            parts.push(ctx.t("country-letters", &[("count", l.letters.to_string())]));
        }
        if l.events > 0 {
            parts.push(ctx.t("country-events", &[("count", l.events.to_string())]));
        }
        r.item(parts.join(" · "));
    }
    if shared {
        r.note(ctx.t("countries-shared-note", &[]));
    }
    r.gap();
    audience_note(ctx, &mut r);
    Ok(r)
}

pub fn search(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let text = args.trim();
    if text.chars().count() < 2 {
        return Err(ctx.invalid("err-search-short", &[]));
    }
    if text.chars().count() > 200 {
        return Err(ctx.invalid("err-text-too-long", &[("max", "200".into())]));
    }
    let limit = ctx.cfg.reply.max_list_items;
    let ids = reports::search(ctx.store.conn(), text, ctx.sees_internal(), limit + 1)?;
    let mut r = Reply::new();
    r.heading(ctx.t("title-search", &[("text", text.to_string())]));
    if ids.is_empty() {
        r.line(ctx.t("search-none", &[]));
    }
    for id in ids.iter().take(limit) {
        if let Some((rec, _)) = crate::store::records::get_record(ctx.store.conn(), *id)? {
            r.item(ctx.record_entry(&rec));
        }
    }
    if ids.len() > limit {
        r.note(ctx.t("search-more", &[("n_shown", limit.to_string())]));
    }
    Ok(r)
}

/// `/donors [PERIOD]`: who gave (the bodies of the province), with a tally each.
pub fn donors(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let (args, page) = take_page(args);
    let period = if args.trim().is_empty() { Period::all() } else { ctx.period(&args)? };
    let scope = Scope::with_period(ctx.sees_internal(), &period, Filter::All);
    let lines = ctx.store.cached(format!("donors:{scope:?}"), |c| reports::donors(c, &scope))?;
    let per = ctx.cfg.reply.max_list_items;
    let pages = lines.len().div_ceil(per).max(1);
    let page = page.min(pages);
    let shown: Vec<&reports::DonorLine> = lines.iter().skip((page - 1) * per).take(per).collect();
    let mut r = Reply::new();
    r.heading(title(ctx, "title-donors", &Filter::All, &period)?);
    if lines.is_empty() {
        r.line(ctx.t("donations-none", &[]));
    } else {
        r.line(ctx.t("donors-count", &[("count", lines.len().to_string())]));
    }
    for l in shown.iter() {
        let money = match ctx.lang {
            _ if l.valued == 0 => ctx.t("value-none", &[]),
            Lang::En => crate::domain::money::fmt_cny(from_minor(l.cny_fen)),
            Lang::Zh => crate::domain::money::fmt_wan(from_minor(l.cny_fen)),
        };
        let mut parts = vec![
            l.donor.clone(),
            ctx.t(
                "country-donations",
                &[("count", l.donations.to_string()), ("money", money), ("n_recipients", l.recipients.to_string())],
            ),
            ctx.t("donor-countries", &[("count", l.countries.to_string())]),
        ];
        if l.valued > 0 && l.valued < l.donations {
            parts.push(ctx.t("donations-unvalued", &[("count", (l.donations - l.valued).to_string())]));
        }
        r.item(parts.join(" · "));
    }
    pager(ctx, &mut r, "/donors", &args, lines.len() as i64, page, shown.len());
    if lines.len() > 1 {
        r.note(ctx.t("donors-filter-hint", &[("donor", lines[0].donor.clone())]));
    }
    r.gap();
    audience_note(ctx, &mut r);
    Ok(r)
}

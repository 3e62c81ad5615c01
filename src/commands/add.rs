//! Guided logging (`/add`): a state machine that asks one question at a time, each with a sensible
//! default and buttons where there are choices, then shows a confirmation card (Save / Edit / Cancel).
//! The state lives in SQLite, keyed by chat and user, so it survives restarts and two people in one
//! group never share a dialogue. Saving composes the same one-line command a fast typist would send
//! and runs it through the same parser, so both ways obey exactly the same rules.

use super::fields::{MAX_NAME, MAX_TEXT, list};
use super::resolve::Mode;
use super::{CmdError, CmdResult, Ctx, logging};
use crate::domain::*;
use crate::i18n::Lang;
use crate::render::{Button, Reply};
use crate::store::dialogues;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum AddKind {
    Donation,
    Letter,
    Event,
    Reception,
    Partner,
    Reported,
}

impl AddKind {
    const ALL: [AddKind; 6] =
        [AddKind::Donation, AddKind::Letter, AddKind::Event, AddKind::Reception, AddKind::Partner, AddKind::Reported];

    fn as_str(self) -> &'static str {
        match self {
            AddKind::Donation => "donation",
            AddKind::Letter => "letter",
            AddKind::Event => "event",
            AddKind::Reception => "reception",
            AddKind::Partner => "partner",
            AddKind::Reported => "reported",
        }
    }

    fn parse(s: &str) -> Option<AddKind> {
        let s = s.trim().trim_start_matches('/').to_lowercase();
        AddKind::ALL.into_iter().find(|k| k.as_str() == s).or(match s.as_str() {
            "捐赠" | "记捐赠" => Some(AddKind::Donation),
            "信函" | "记信函" => Some(AddKind::Letter),
            "活动" | "记活动" => Some(AddKind::Event),
            "接待" | "记接待" => Some(AddKind::Reception),
            "伙伴" => Some(AddKind::Partner),
            "报道" | "报道数字" | "figures" => Some(AddKind::Reported),
            _ => None,
        })
    }

    /// The questions, in order.
    fn steps(self) -> &'static [&'static str] {
        match self {
            AddKind::Donation => &["date", "recipient", "items", "value", "currency", "donor", "status"],
            AddKind::Letter => &["date", "direction", "partners", "signed", "from", "quote", "letter-kind"],
            AddKind::Event => &["date", "event-kind", "participants", "topic", "host"],
            AddKind::Reception => &["date", "place", "count", "guests", "countries"],
            AddKind::Partner => &["name", "country", "partner-kind", "aliases"],
            AddKind::Reported => &["date", "reported-of", "figures", "source", "period"],
        }
    }
}

/// What is stored between messages.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct State {
    kind: Option<AddKind>,
    /// The question being asked; None once at the confirmation card.
    step: Option<String>,
    answers: BTreeMap<String, String>,
    /// True when the current question came from "Edit" at the card (answering returns to it).
    editing: bool,
    /// The language the dialogue began in (`/添加` begins it in Chinese): its answers, typed or
    /// pressed, are plain text, which says no language, so the dialogue keeps its own. None in a
    /// dialogue kept before this was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

/// The language of the guided dialogue open in `chat` for `user`, if one is open and says.
pub fn dialogue_lang(store: &crate::store::Store, chat: &str, user: &str) -> Option<Lang> {
    #[derive(Deserialize)]
    struct Said {
        lang: Option<String>,
    }
    let (json, _) = dialogues::load(store.conn(), chat, user).ok()??;
    serde_json::from_str::<Said>(&json).ok()?.lang.as_deref().and_then(Lang::parse)
}

const SAVE: &str = "save";
const EDIT: &str = "edit";
const CANCEL: &str = "cancel";

fn button(label: String, data: impl Into<String>) -> Button {
    Button { label, data: data.into() }
}

pub fn start(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let arg = args.trim();
    let mut state = State { lang: Some(ctx.lang.code().to_string()), ..State::default() };
    if arg.is_empty() {
        let mut r = Reply::text(ctx.t("add-choose-kind", &[]));
        for row in AddKind::ALL.chunks(3) {
            r.button_row(
                row.iter().map(|k| button(ctx.t(&format!("add-kind-{}", k.as_str()), &[]), k.as_str())).collect(),
            );
        }
        r.button_row(vec![button(ctx.t("btn-cancel", &[]), CANCEL)]);
        return save_state(ctx, &state, r);
    }
    let Some(kind) = AddKind::parse(arg) else {
        return Err(ctx.invalid("err-add-kind", &[("input", arg.to_string())]));
    };
    state.kind = Some(kind);
    advance(ctx, state)
}

pub fn cancel(ctx: &mut Ctx<'_>, _args: &str) -> CmdResult {
    let chat = ctx.chat_key();
    let user = ctx.req.user.as_str().to_string();
    if dialogues::load(ctx.store.conn(), &chat, &user)?.is_none() {
        return Ok(Reply::text(ctx.t("add-nothing-to-cancel", &[])));
    }
    let msg = ctx.t("add-cancelled", &[]);
    ctx.write(|tx| {
        dialogues::clear(tx, &chat, &user)?;
        Ok(Reply::text(msg))
    })
}

/// Plain text (or a button press) while a dialogue is open. Ok(None) when there is no dialogue.
pub fn continue_dialogue(ctx: &mut Ctx<'_>, text: &str) -> Result<Option<Reply>, CmdError> {
    let chat = ctx.chat_key();
    let user = ctx.req.user.as_str().to_string();
    let Some((json, _)) = dialogues::load(ctx.store.conn(), &chat, &user)? else { return Ok(None) };
    let mut state: State = match serde_json::from_str(&json) {
        Ok(s) => s,
        Err(e) => {
            log::warn!("discarding unreadable dialogue of {user}: {e}");
            State::default()
        }
    };
    // The person may have lost staff rights since the dialogue began.
    if !ctx.staff() {
        return Err(CmdError::Refused(ctx.t("refuse-staff-only-log", &[("id", ctx.req.user.bare_id().to_string())])));
    }
    let text = text.trim();
    if text.eq_ignore_ascii_case(CANCEL) || text == "取消" {
        return cancel(ctx, "").map(Some);
    }
    let Some(kind) = state.kind else {
        let Some(kind) = AddKind::parse(text) else {
            return Err(ctx.invalid("err-add-kind", &[("input", text.to_string())]));
        };
        state.kind = Some(kind);
        return advance(ctx, state).map(Some);
    };
    match state.step.clone() {
        None => at_card(ctx, kind, state, text).map(Some),
        Some(step) => {
            let value = match answer(ctx, kind, &step, &state, text) {
                Ok(v) => v,
                Err(e) => return Err(reask(ctx, kind, &step, &state, e)),
            };
            state.answers.insert(step.clone(), value);
            // After an edit from the card this returns to the card, unless the new answer makes another
            // question necessary (a bare number needs its currency; a received letter its author).
            state.editing = false;
            advance(ctx, state).map(Some)
        }
    }
}

/// The card's buttons: save, edit (choose a field), cancel.
fn at_card(ctx: &mut Ctx<'_>, kind: AddKind, mut state: State, text: &str) -> CmdResult {
    let lower = text.to_lowercase();
    if lower == SAVE || text == "保存" {
        let line = compose(kind, &state.answers);
        ctx.finish_dialogue = true;
        let result = match kind {
            AddKind::Donation => logging::donation(ctx, &line),
            AddKind::Letter => logging::letter(ctx, &line),
            AddKind::Event => logging::event(ctx, &line),
            AddKind::Reception => logging::reception(ctx, &line),
            AddKind::Partner => logging::partner_add(ctx, &line),
            AddKind::Reported => logging::reported(ctx, &line),
        };
        ctx.finish_dialogue = false;
        return result.map_err(|e| {
            // The entry was refused (e.g. no rate for its currency): keep the card so it can be edited.
            let mut r = error_reply(ctx, e);
            r.gap();
            r.line(ctx.t("add-fix-and-save", &[]));
            r.button_row(vec![button(ctx.t("btn-edit", &[]), EDIT), button(ctx.t("btn-cancel", &[]), CANCEL)]);
            CmdError::Reply(r)
        });
    }
    if lower == EDIT || text == "修改" {
        let mut r = Reply::text(ctx.t("add-edit-which", &[]));
        let asked: Vec<&str> = kind.steps().iter().copied().filter(|s| state.answers.contains_key(*s)).collect();
        for row in asked.chunks(3) {
            r.button_row(
                row.iter().map(|s| button(ctx.t(&format!("add-field-{s}"), &[]), format!("{EDIT}:{s}"))).collect(),
            );
        }
        return Ok(r);
    }
    if let Some(field) = lower.strip_prefix("edit:")
        && let Some(step) = kind.steps().iter().find(|s| **s == field)
    {
        state.step = Some(step.to_string());
        state.editing = true;
        let r = question(ctx, kind, step, &state);
        return save_state(ctx, &state, r);
    }
    let mut r = Reply::invalid(ctx.t("add-use-buttons", &[]));
    card_buttons(ctx, &mut r);
    Err(CmdError::Reply(r))
}

fn error_reply(ctx: &Ctx<'_>, e: CmdError) -> Reply {
    match e.answer() {
        CmdError::Invalid(m) | CmdError::Refused(m) => Reply::invalid(m),
        CmdError::Field { .. } => unreachable!("answer() unwraps field errors"),
        CmdError::Reply(r) => r,
        CmdError::Store(e) => {
            log::error!("store error in /add: {e}");
            Reply::invalid(ctx.t("err-internal", &[]))
        }
    }
}

/// An invalid answer: the reason, then the same question again.
fn reask(ctx: &Ctx<'_>, kind: AddKind, step: &str, state: &State, e: CmdError) -> CmdError {
    let mut r = error_reply(ctx, e);
    r.buttons.clear();
    r.gap();
    let q = question(ctx, kind, step, state);
    r.blocks.extend(q.blocks);
    r.buttons = q.buttons;
    CmdError::Reply(r)
}

fn applies(step: &str, state: &State) -> bool {
    let dir = state.answers.get("direction").map(String::as_str);
    match step {
        // Only a bare number needs its currency asked.
        "currency" => state.answers.get("value").is_some_and(|v| rust_decimal::Decimal::from_str_exact(v).is_ok()),
        "signed" => dir == Some("sent"),
        "from" | "quote" => dir == Some("received"),
        _ => true,
    }
}

/// Moves to the first unanswered question that applies, or to the card.
fn advance(ctx: &mut Ctx<'_>, mut state: State) -> CmdResult {
    let Some(kind) = state.kind else { return start(ctx, "") };
    match kind.steps().iter().copied().find(|s| applies(s, &state) && !state.answers.contains_key(*s)) {
        Some(s) => {
            state.step = Some(s.to_string());
            let r = question(ctx, kind, s, &state);
            save_state(ctx, &state, r)
        }
        None => {
            state.step = None;
            show_card(ctx, kind, state)
        }
    }
}

fn save_state(ctx: &mut Ctx<'_>, state: &State, reply: Reply) -> CmdResult {
    let chat = ctx.chat_key();
    let user = ctx.req.user.as_str().to_string();
    let json = serde_json::to_string(state).map_err(|e| crate::store::corrupt(e.to_string()))?;
    ctx.write(|tx| {
        dialogues::save(tx, &chat, &user, &json)?;
        Ok(reply)
    })
}

/// The default answer of a question, if it has one.
fn default_of(ctx: &Ctx<'_>, step: &str, state: &State) -> Option<String> {
    Some(match step {
        "date" => ctx.today.to_string(),
        "items" | "value" | "quote" | "host" | "countries" | "aliases" | "period" => "-".into(),
        "donor" => ctx.cfg.office.default_donor.clone(),
        "status" => "delivered".into(),
        "currency" => "CNY".into(),
        "letter-kind" => {
            if state.answers.get("direction").map(String::as_str) == Some("sent") {
                "sympathy".into()
            } else {
                "reply".into()
            }
        }
        _ => return None,
    })
}

fn question(ctx: &Ctx<'_>, kind: AddKind, step: &str, state: &State) -> Reply {
    let mut r = Reply::new();
    let pos = kind.steps().iter().filter(|s| applies(s, state)).position(|s| *s == step).map_or(1, |i| i + 1);
    let total = kind.steps().iter().filter(|s| applies(s, state)).count();
    r.line(ctx.t(
        "add-progress",
        &[
            ("kind", ctx.t(&format!("add-kind-{}", kind.as_str()), &[])),
            ("n_step", pos.to_string()),
            ("n_steps", total.to_string()),
        ],
    ));
    r.line(ctx.t(&format!("add-ask-{step}"), &[]));
    let default = default_of(ctx, step, state);
    if let Some(d) = &default {
        let shown = if d == "-" { ctx.t("add-none", &[]) } else { d.clone() };
        r.note(ctx.t("add-default", &[("value", shown)]));
    }
    let words: Option<Vec<(String, String)>> = match step {
        "date" => Some(vec![
            (ctx.t("btn-today", &[]), ctx.today.to_string()),
            (ctx.t("btn-yesterday", &[]), (ctx.today - chrono::Duration::days(1)).to_string()),
        ]),
        "status" => {
            Some(Status::ALL.iter().map(|s| (ctx.word("status", s.as_str()), s.as_str().to_string())).collect())
        }
        "direction" => {
            Some(Direction::ALL.iter().map(|s| (ctx.word("direction", s.as_str()), s.as_str().to_string())).collect())
        }
        "letter-kind" => Some(
            LetterKind::ALL.iter().map(|s| (ctx.word("letter-kind", s.as_str()), s.as_str().to_string())).collect(),
        ),
        "event-kind" => {
            Some(EventKind::ALL.iter().map(|s| (ctx.word("event-kind", s.as_str()), s.as_str().to_string())).collect())
        }
        "partner-kind" => Some(
            PartnerKind::ALL.iter().map(|s| (ctx.word("partner-kind", s.as_str()), s.as_str().to_string())).collect(),
        ),
        "reported-of" => Some(
            ReportedOf::ALL.iter().map(|s| (ctx.word("reported-of", s.as_str()), s.as_str().to_string())).collect(),
        ),
        "currency" => Some(["CNY", "USD", "EUR", "JPY"].iter().map(|c| (c.to_string(), c.to_string())).collect()),
        "recipient" | "partners" => {
            let recent = dialogues::recent_partners(ctx.store.conn(), 6).unwrap_or_default();
            Some(recent.into_iter().map(|n| (n.clone(), n)).collect())
        }
        _ => None,
    };
    if let Some(words) = words {
        for row in words.chunks(3) {
            r.button_row(row.iter().map(|(l, d)| button(l.clone(), d.clone())).collect());
        }
    }
    let mut last = Vec::new();
    if default.is_some() && !matches!(step, "date" | "status" | "letter-kind" | "currency") {
        let label = if default.as_deref() == Some("-") { ctx.t("btn-skip", &[]) } else { ctx.t("btn-default", &[]) };
        last.push(button(label, default.clone().unwrap_or_default()));
    }
    last.push(button(ctx.t("btn-cancel", &[]), CANCEL));
    r.button_row(last);
    r
}

/// Checks one answer with the same parsers the one-line forms use; returns the text to keep.
fn answer(ctx: &Ctx<'_>, kind: AddKind, step: &str, state: &State, text: &str) -> Result<String, CmdError> {
    let usage = format!("usage-{}", if kind == AddKind::Partner { "partner-add" } else { kind.as_str() });
    let u = usage.as_str();
    let text = if text == "." || text.is_empty() {
        default_of(ctx, step, state).ok_or_else(|| ctx.invalid("add-no-default", &[]))?
    } else {
        text.to_string()
    };
    if text.contains(['|', '｜']) {
        return Err(ctx.invalid("err-add-bar", &[]));
    }
    let skip = text == "-";
    let checked = match step {
        "date" => ctx.date(u, &text)?.to_string(),
        "recipient" => {
            logging::parties(ctx, u, &text, false)?;
            text
        }
        "participants" => {
            logging::parties(ctx, u, &text, true)?;
            text
        }
        "partners" => {
            let names = list(&text);
            if names.is_empty() {
                return Err(ctx.missing_field(u, "PARTNER"));
            }
            for n in &names {
                ctx.resolve_partner(n, Mode::Log, "/partner")?;
            }
            text
        }
        "items" if skip => text,
        "items" => {
            ctx.items(u, &text)?;
            text
        }
        "value" if skip => text,
        "value" => {
            // A bare number is kept and its currency asked next.
            match rust_decimal::Decimal::from_str_exact(text.trim()) {
                Ok(d) if d > rust_decimal::Decimal::ZERO => d.normalize().to_string(),
                _ => {
                    ctx.value(u, &text)?;
                    text
                }
            }
        }
        "currency" => ctx.currency(&text)?.to_string(),
        "donor" | "topic" | "place" | "from" | "name" => ctx.text(u, step, &text, MAX_NAME)?,
        "host" | "aliases" if skip => text,
        "host" | "aliases" => ctx.text(u, step, &text, MAX_NAME)?,
        "quote" if skip => text,
        "quote" | "guests" => ctx.text(u, step, &text, MAX_TEXT)?,
        "signed" => {
            if list(&text).is_empty() {
                return Err(ctx.missing_field(u, "signed"));
            }
            ctx.text(u, step, &text, MAX_TEXT)?
        }
        "status" => word::<Status>(ctx, u, &text, Status::parse, Status::choices, Status::as_str)?,
        "direction" => word::<Direction>(ctx, u, &text, Direction::parse, Direction::choices, Direction::as_str)?,
        "letter-kind" => word::<LetterKind>(ctx, u, &text, LetterKind::parse, LetterKind::choices, LetterKind::as_str)?,
        "event-kind" => word::<EventKind>(ctx, u, &text, EventKind::parse, EventKind::choices, EventKind::as_str)?,
        "partner-kind" => {
            word::<PartnerKind>(ctx, u, &text, PartnerKind::parse, PartnerKind::choices, PartnerKind::as_str)?
        }
        "count" => ctx.quantity(u, "COUNT", &text)?.to_string(),
        "countries" if skip => text,
        "countries" => {
            for c in list(&text) {
                country::parse(&c).map_err(|e| ctx.bad_field(u, "countries", ctx.t(e.msg_id(), &e.args())))?;
            }
            text
        }
        "country" => {
            let c = country::parse(&text).map_err(|e| ctx.bad_field(u, "COUNTRY", ctx.t(e.msg_id(), &e.args())))?;
            c.as_str().to_string()
        }
        "reported-of" => ReportedOf::parse(&text).map(|k| k.as_str().to_string()).ok_or_else(|| {
            ctx.bad_field(
                u,
                "",
                ctx.t("err-bad-word", &[("input", text.to_string()), ("choices", ReportedOf::choices())]),
            )
        })?,
        "figures" => {
            // One figure a line, or several separated by ";" (a figure may hold commas).
            let of =
                state.answers.get("reported-of").and_then(|k| ReportedOf::parse(k)).unwrap_or(ReportedOf::Donations);
            let figures = figure_list(&text);
            if figures.is_empty() {
                return Err(ctx.missing_field(u, "FIGURES"));
            }
            for f in &figures {
                crate::domain::reported::parse_figure(f, of).map_err(|e| {
                    ctx.bad_field(
                        u,
                        "FIGURES",
                        ctx.t("err-figure", &[("text", f.clone()), ("reason", ctx.t(e.msg_id(), &e.args()))]),
                    )
                })?;
            }
            figures.join("; ")
        }
        "source" => {
            let t = ctx.text(u, step, &text, logging::MAX_SOURCE)?;
            if t.is_empty() || t == "-" {
                return Err(ctx.missing_field(u, "source:"));
            }
            t
        }
        "period" if skip => text,
        "period" => {
            ctx.period(&text)?;
            text
        }
        _ => text,
    };
    Ok(checked)
}

fn word<T: Copy>(
    ctx: &Ctx<'_>,
    u: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> String,
    canon: fn(T) -> &'static str,
) -> Result<String, CmdError> {
    parse(text).map(|w| canon(w).to_string()).ok_or_else(|| {
        ctx.bad_field(u, "", ctx.t("err-bad-word", &[("input", text.to_string()), ("choices", choices())]))
    })
}

/// A guided answer's figures: one a line, or separated by `;`.
fn figure_list(text: &str) -> Vec<String> {
    text.split(['\n', ';', '；']).map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect()
}

/// The one-line command the answers make (without the command name).
fn compose(kind: AddKind, a: &BTreeMap<String, String>) -> String {
    let get = |k: &str| a.get(k).cloned().unwrap_or_default();
    let opt = |k: &str, key: &str| {
        a.get(k).filter(|v| *v != "-" && !v.is_empty()).map(|v| format!(" | {key}: {v}")).unwrap_or_default()
    };
    match kind {
        AddKind::Donation => {
            let value = match (a.get("value"), a.get("currency")) {
                (Some(v), Some(c)) if rust_decimal::Decimal::from_str_exact(v).is_ok() => format!("{v} {c}"),
                (Some(v), _) => v.clone(),
                _ => "-".into(),
            };
            format!(
                "{} | {} | {} | {value}{}{}",
                get("date"),
                get("recipient"),
                a.get("items").cloned().unwrap_or_else(|| "-".into()),
                opt("donor", "donor"),
                opt("status", "status")
            )
        }
        AddKind::Letter => {
            let mut s = format!("{} | {} | {}", get("date"), get("direction"), get("partners"));
            if get("direction") == "sent" {
                s.push_str(&opt("signed", "signed"));
            } else {
                s.push_str(&opt("from", "from"));
                if let Some(q) = a.get("quote").filter(|q| *q != "-") {
                    s.push_str(&format!(" | \"{q}\""));
                }
            }
            s.push_str(&opt("letter-kind", "kind"));
            s
        }
        AddKind::Event => {
            format!(
                "{} | {} | {} | {}{}",
                get("date"),
                get("event-kind"),
                get("participants"),
                get("topic"),
                opt("host", "host")
            )
        }
        AddKind::Reception => {
            format!(
                "{} | {} | {} | {}{}",
                get("date"),
                get("place"),
                get("count"),
                get("guests"),
                opt("countries", "countries")
            )
        }
        AddKind::Partner => {
            format!("{} | {} | {}{}", get("name"), get("country"), get("partner-kind"), opt("aliases", "aliases"))
        }
        AddKind::Reported => format!(
            "{} | {} | {}{}{}",
            get("date"),
            get("reported-of"),
            figure_list(&get("figures")).join(" | "),
            opt("source", "source"),
            opt("period", "period")
        ),
    }
}

fn card_buttons(ctx: &Ctx<'_>, r: &mut Reply) {
    r.button_row(vec![
        button(ctx.t("btn-save", &[]), SAVE),
        button(ctx.t("btn-edit", &[]), EDIT),
        button(ctx.t("btn-cancel", &[]), CANCEL),
    ]);
}

fn show_card(ctx: &mut Ctx<'_>, kind: AddKind, state: State) -> CmdResult {
    let line = compose(kind, &state.answers);
    // The card shows the entry as the saving parser understands it ("Mantova (IT)", "CNY 45,000
    // ($6,352.79)"), never the raw answers, so a wrong match is caught before Save.
    let parsed = match kind {
        AddKind::Donation => logging::parse_donation(ctx, &line),
        AddKind::Letter => logging::parse_letter(ctx, &line),
        AddKind::Event => logging::parse_event(ctx, &line),
        AddKind::Reception => logging::parse_reception(ctx, &line),
        AddKind::Partner => logging::parse_partner_add(ctx, &line),
        AddKind::Reported => logging::parse_reported(ctx, &line),
    };
    let mut r = match parsed {
        Ok((rec, notes)) => {
            let mut r = Reply::new();
            r.heading(ctx.t("add-card-title", &[("kind", ctx.t(&format!("add-kind-{}", kind.as_str()), &[]))]));
            r.line(ctx.echo(&rec));
            for n in notes {
                r.note(n);
            }
            card_buttons(ctx, &mut r);
            r
        }
        Err(e) => {
            // Answers that pass one by one can still fail together (a value with no rate on the date).
            let mut r = error_reply(ctx, e);
            r.buttons.clear();
            r.gap();
            r.line(ctx.t("add-fix-and-save", &[]));
            r.button_row(vec![button(ctx.t("btn-edit", &[]), EDIT), button(ctx.t("btn-cancel", &[]), CANCEL)]);
            // The dialogue moves on to its card (kept, so Edit works); Save is not offered.
            r.outcome = crate::render::Outcome::Done;
            r
        }
    };
    r.gap();
    r.note(ctx.t("add-card-command", &[("command", format!("/{} {line}", command_name(kind)))]));
    save_state(ctx, &state, r)
}

fn command_name(kind: AddKind) -> &'static str {
    match kind {
        AddKind::Partner => "partner add",
        k => k.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_makes_the_one_line_form() {
        let mut a = BTreeMap::new();
        for (k, v) in [
            ("date", "2020-05-31"),
            ("recipient", "Mantova"),
            ("items", "100 goggles"),
            ("value", "38500"),
            ("currency", "CNY"),
            ("donor", "FAO"),
            ("status", "delivered"),
        ] {
            a.insert(k.to_string(), v.to_string());
        }
        assert_eq!(
            compose(AddKind::Donation, &a),
            "2020-05-31 | Mantova | 100 goggles | 38500 CNY | donor: FAO | status: delivered"
        );
    }
}

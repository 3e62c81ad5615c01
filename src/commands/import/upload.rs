//! A spreadsheet sent to the bot in a private chat (a Telegram document, a Matrix file): the import's
//! dry run answers at once with what would be written, or every problem, and, when the file can be
//! imported, a card with Import / Cancel buttons (`/import confirm N`, `/import cancel N`: typed, they
//! work too, and on Matrix they are numbered choices). The file waits in `store::uploads` until then
//! (at most [`KEEP_PENDING_HOURS`]). Confirming runs the import for real, and the transaction that
//! writes its rows settles the upload, so a second press (or a redelivered one) writes nothing again.
//!
//! The transport asks [`refusal`] before it downloads anything (who may send files, where, how large,
//! what kind), then hands the bytes to [`receive`].

use super::{Options, Source, Summary};
use crate::commands::{ChatKind, CmdError, CmdResult, Ctx};
use crate::render::{Button, Outcome, Reply};
use crate::store::uploads::{self, NewUpload, State};
use serde::{Deserialize, Serialize};

/// The largest file taken (Telegram's Bot API hands bots files up to 20 MB).
pub const MAX_UPLOAD: u64 = 20 * 1024 * 1024;

/// How long a file waits for its Confirm before it expires (its bytes go).
pub const KEEP_PENDING_HOURS: i64 = 24;

/// How long a settled upload is remembered (a late second press is answered "already imported").
pub const REMEMBER_DAYS: i64 = 30;

/// The file endings read as tables.
const TABLE_ENDINGS: &[&str] = &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"];

/// The options a file's caption can give.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Given {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sheet: Option<String>,
}

impl Given {
    fn options(&self, dry_run: bool, create_partners: bool, upload: Option<i64>) -> Options {
        Options {
            kind: self.kind.as_deref().and_then(super::parse_kind),
            sheet: self.sheet.clone(),
            dry_run,
            create_partners,
            chat: true,
            upload,
        }
    }
}

/// Why a file is not taken, before it is downloaded: None when it may be.
pub fn refusal(ctx: &Ctx<'_>, file_name: &str, size: Option<u64>) -> Option<CmdError> {
    if ctx.req.chat_kind != ChatKind::Private {
        return Some(ctx.invalid("upload-private-only", &[]));
    }
    if !ctx.staff() {
        return Some(CmdError::Refused(ctx.t("import-staff-only", &[])));
    }
    let ending = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !TABLE_ENDINGS.contains(&ending.as_str()) {
        return Some(ctx.invalid("upload-not-table", &[("file", file_name.to_string())]));
    }
    if let Some(size) = size
        && size > MAX_UPLOAD
    {
        return Some(ctx.invalid(
            "upload-too-large",
            // Rounded up, so a file just past the limit does not read as the limit itself.
            &[("file", file_name.to_string()), ("size", mebibytes_up(size)), ("max", mebibytes(MAX_UPLOAD))],
        ));
    }
    None
}

/// Bytes as mebibytes with one decimal ("20.0").
pub fn mebibytes(n: u64) -> String {
    format!("{:.1}", n as f64 / (1024.0 * 1024.0))
}

/// [`mebibytes`] rounded up, so that a size just past a limit does not read as the limit itself.
pub fn mebibytes_up(n: u64) -> String {
    format!("{:.1}", (n as f64 / (1024.0 * 1024.0) * 10.0).ceil() / 10.0)
}

/// The caption sent with a file: a kind (`letters`, `信函`) and a sheet (`sheet: 2020`, `工作表：2020`),
/// with or without `/import` before them.
fn given(ctx: &Ctx<'_>, caption: &str) -> Result<Given, CmdError> {
    let mut text = caption.trim();
    if let Some((name, args)) = crate::commands::spec::split_command(text)
        && crate::commands::spec::find(name).is_some_and(|c| c.name == "import")
    {
        text = args;
    }
    let mut g = Given::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let lower = rest.to_lowercase();
        let sheet_word = ["--sheet", "sheet:", "sheet：", "sheet", "工作表:", "工作表：", "工作表"]
            .into_iter()
            .find(|w| lower.starts_with(w));
        if let Some(w) = sheet_word {
            let name = rest[w.len()..].trim().trim_start_matches([':', '：', '=']).trim();
            if name.is_empty() {
                return Err(ctx.invalid("upload-bad-caption", &[("input", caption.trim().to_string())]));
            }
            g.sheet = Some(name.trim_matches(['"', '“', '”']).to_string());
            break;
        }
        let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let word = word.trim_start_matches("--kind").trim_start_matches("kind:");
        if !word.is_empty() {
            if super::parse_kind(word).is_none() || g.kind.is_some() {
                return Err(ctx.invalid("upload-bad-caption", &[("input", caption.trim().to_string())]));
            }
            g.kind = Some(word.to_lowercase());
        }
        rest = after.trim_start();
    }
    Ok(g)
}

/// A file the transport downloaded: checked by a dry run and answered with the report and, when it
/// can be imported, the Import / Cancel card. Nothing of the ledger is written here.
pub fn receive(ctx: &mut Ctx<'_>, file_name: &str, bytes: &[u8]) -> CmdResult {
    if let Some(e) = refusal(ctx, file_name, Some(bytes.len() as u64)) {
        return Err(e);
    }
    let req = ctx.req;
    let given = given(ctx, &req.text)?;
    let mut no_progress = |_: &str, _: super::Progress| {};
    let (mut reply, summary) =
        super::import(ctx, Source::Bytes(bytes), file_name, &given.options(true, false, None), &mut no_progress)?;
    // Only recipients missing: would it go through if the import created them?
    let mut create = None;
    if summary.problem_count > 0 && summary.unknown_party {
        let (_, with) =
            super::import(ctx, Source::Bytes(bytes), file_name, &given.options(true, true, None), &mut no_progress)?;
        if with.problem_count == 0 {
            create = Some(with);
        }
    }
    let writes = |s: &Summary| s.written.iter().any(|(_, n)| *n > 0) || !s.partners_created.is_empty();
    let importable = match &create {
        Some(with) => writes(with),
        None => summary.problem_count == 0 && writes(&summary),
    };
    if !importable {
        reply.outcome = if summary.problem_count > 0 { Outcome::Invalid } else { Outcome::Done };
        let note = if summary.problem_count > 0 { "upload-fix-and-resend" } else { "import-nothing-new" };
        reply.note(ctx.t(note, &[]));
        return Ok(reply);
    }
    let options = serde_json::to_string(&given).map_err(|e| crate::store::corrupt(e.to_string()))?;
    let chat = ctx.chat_key();
    let user = ctx.req.user.as_str().to_string();
    let update_key = ctx.req.update_key();
    let id = ctx.store.bookkeeping(|c| {
        uploads::put(
            c,
            &NewUpload {
                chat_key: &chat,
                user_key: &user,
                file_name,
                bytes,
                options: &options,
                update_key: update_key.as_deref(),
            },
        )
    })?;
    reply.outcome = Outcome::Done;
    let confirm = match &create {
        Some(with) => {
            let names = with.partners_created.join(ctx.f.sep());
            reply.item(ctx.t(
                "import-partners-would-create",
                &[("count", with.partners_created.len().to_string()), ("names", names)],
            ));
            reply.note(ctx.t("upload-create-note", &[]));
            Button {
                label: ctx.t("upload-btn-import-create", &[("count", with.partners_created.len().to_string())]),
                data: format!("/import confirm {id} create-partners"),
            }
        }
        None => Button { label: ctx.t("upload-btn-import", &[]), data: format!("/import confirm {id}") },
    };
    reply.note(ctx.t("upload-confirm-note", &[("hours", KEEP_PENDING_HOURS.to_string())]));
    reply.button_row(vec![confirm, Button { label: ctx.t("btn-cancel", &[]), data: format!("/import cancel {id}") }]);
    Ok(reply)
}

/// `/import`: without arguments, how to import; `confirm N [create-partners]` and `cancel N` are the
/// card's buttons.
pub fn command(ctx: &mut Ctx<'_>, args: &str) -> CmdResult {
    let words: Vec<&str> = args.split_whitespace().collect();
    let action = words.first().map(|w| w.to_lowercase());
    let id = words.get(1).and_then(|w| w.trim_start_matches('#').parse::<i64>().ok());
    match (action.as_deref(), id) {
        // The console cannot be sent a file: the terminal's own command says how.
        (None, _) if ctx.req.transport == "console" => Ok(Reply::text(ctx.t("upload-how-console", &[]))),
        (None, _) => Ok(Reply::text(ctx.t("upload-how", &[("max", mebibytes(MAX_UPLOAD))]))),
        (Some("confirm" | "yes" | "确认" | "导入"), Some(id)) => {
            let create =
                words.get(2).is_some_and(|w| matches!(w.to_lowercase().as_str(), "create-partners" | "新建伙伴"));
            confirm(ctx, id, create)
        }
        (Some("cancel" | "no" | "取消"), Some(id)) => cancel(ctx, id),
        _ => Err(ctx.invalid("usage-import", &[])),
    }
}

/// The upload `id` if it is the asker's, sent in this chat.
fn own(ctx: &Ctx<'_>, id: i64) -> Result<uploads::Upload, CmdError> {
    let upload = uploads::get(ctx.store.conn(), id)?;
    match upload {
        Some(u) if u.chat_key == ctx.chat_key() && u.user_key == ctx.req.user.as_str() => Ok(u),
        Some(_) => Err(CmdError::Refused(ctx.t("upload-not-yours", &[]))),
        None => Err(ctx.invalid("upload-gone", &[])),
    }
}

/// What a settled or expired upload answers to a press.
fn settled(ctx: &Ctx<'_>, u: &uploads::Upload) -> Reply {
    let file = u.file_name.clone();
    match u.state {
        State::Imported => {
            let mut r = Reply::text(ctx.t("upload-already-imported", &[("file", file)]));
            if let Some(outcome) = &u.outcome {
                r.note(outcome.clone());
            }
            r
        }
        State::Cancelled => Reply::text(ctx.t("upload-was-cancelled", &[("file", file)])),
        State::Expired | State::Pending => Reply::text(ctx.t("upload-expired", &[("file", file)])),
    }
}

fn confirm(ctx: &mut Ctx<'_>, id: i64, create: bool) -> CmdResult {
    if ctx.req.chat_kind != ChatKind::Private {
        return Err(ctx.invalid("upload-private-only", &[]));
    }
    let u = own(ctx, id)?;
    let (State::Pending, Some(bytes)) = (u.state, &u.bytes) else { return Ok(settled(ctx, &u)) };
    let given: Given = serde_json::from_str(&u.options).unwrap_or_default();
    let mut no_progress = |_: &str, _: super::Progress| {};
    let opts = given.options(false, create, Some(id));
    match super::import(ctx, Source::Bytes(bytes), &u.file_name, &opts, &mut no_progress) {
        Ok((mut reply, summary)) => {
            if !summary.committed {
                // The ledger changed since the check (a partner deleted, the same rows imported
                // another way): nothing written; the problems say why.
                reply.note(ctx.t("upload-fix-and-resend", &[]));
            }
            Ok(reply)
        }
        // A press that lost the race to another one: answered as the settled upload.
        Err(CmdError::Invalid(_)) if is_settled(ctx, id) => Ok(settled(ctx, &own(ctx, id)?)),
        Err(e) => Err(e),
    }
}

fn is_settled(ctx: &Ctx<'_>, id: i64) -> bool {
    uploads::get(ctx.store.conn(), id).ok().flatten().is_some_and(|u| u.state != State::Pending)
}

fn cancel(ctx: &mut Ctx<'_>, id: i64) -> CmdResult {
    let u = own(ctx, id)?;
    if u.state != State::Pending {
        return Ok(settled(ctx, &u));
    }
    let reply = Reply::text(ctx.t("upload-cancelled", &[("file", u.file_name.clone())]));
    // A write like any command's: a redelivered press gets this answer again.
    ctx.write(|tx| {
        uploads::settle(tx, id, State::Cancelled, None)?;
        Ok(reply)
    })
}

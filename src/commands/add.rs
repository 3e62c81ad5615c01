//! Guided logging (`/add`): placeholder until the dialogue lands.

use super::{CmdResult, Ctx};
use crate::render::Reply;

pub fn start(ctx: &mut Ctx<'_>, _args: &str) -> CmdResult {
    Err(ctx.invalid("err-not-command", &[]))
}

pub fn cancel(_ctx: &mut Ctx<'_>, _args: &str) -> CmdResult {
    Ok(Reply::text("ok"))
}

pub fn continue_dialogue(_ctx: &mut Ctx<'_>, _text: &str) -> Result<Option<Reply>, super::CmdError> {
    Ok(None)
}

//! The console transport: a chat with amity in a terminal (`amity chat`) and one-shot answers
//! (`amity ask`). The person at the terminal is the local operator (an admin) unless told otherwise.
//! Buttons are shown as numbered choices; typing the number presses the button.

use crate::commands::{Core, Request};
use crate::render::Reply;
use std::io::{BufRead, Write};

/// Runs an interactive chat until end of input or `/quit`.
pub fn chat(
    core: &Core,
    template: &Request,
    input: impl BufRead,
    mut out: impl Write,
    prompt: bool,
) -> std::io::Result<()> {
    let mut last_buttons: Vec<String> = Vec::new();
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(out, "> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = line?;
        let text = line.trim();
        if matches!(text, "/quit" | "/exit" | "/退出") {
            break;
        }
        if text.is_empty() {
            continue;
        }
        // A number answers the last reply's buttons.
        let text = match text.parse::<usize>() {
            Ok(n) if n >= 1 && n <= last_buttons.len() => last_buttons[n - 1].clone(),
            _ => text.to_string(),
        };
        let mut req = template.clone();
        req.text = text;
        let reply = core.handle(&req);
        last_buttons = reply.buttons.iter().flatten().map(|b| b.data.clone()).collect();
        // Long replies arrive as several messages, as they would on a chat network.
        for msg in reply.messages(core.config().reply.max_message_len) {
            writeln!(out, "{msg}\n")?;
        }
    }
    Ok(())
}

/// Answers one command; the caller prints the reply and exits 0 for done, 2 otherwise.
pub fn ask(core: &Core, req: &Request) -> Reply {
    core.handle(req)
}

//! The console transport: a chat with amity in a terminal (`amity chat`) and one-shot answers
//! (`amity ask`). The person at the terminal is the local operator (an admin) unless told otherwise.
//! Buttons are shown as numbered choices; typing the number presses the button. Files a reply carries
//! (`/export`, charts) are saved in the current directory, and their paths printed.

use crate::commands::{Core, Request};
use crate::render::Reply;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

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
        for line in save_files(&reply, Path::new("."))? {
            writeln!(out, "{line}\n")?;
        }
    }
    Ok(())
}

/// Answers one command; the caller prints the reply and exits 0 for done, 2 otherwise.
pub fn ask(core: &Core, req: &Request) -> Reply {
    core.handle(req)
}

/// Saves the files a reply carries in `dir`, never over an existing file (`name-1.csv`, …). Returns one
/// line per file for the person at the terminal.
pub fn save_files(reply: &Reply, dir: &Path) -> std::io::Result<Vec<String>> {
    let mut lines = Vec::new();
    for a in &reply.attachments {
        // Only the file name: a reply never chooses where on this machine it is written.
        let name = Path::new(&a.file_name).file_name().map_or_else(|| "amity-file".into(), |n| n.to_os_string());
        let path = free_path(&dir.join(name));
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(&a.bytes)?;
        lines.push(format!("File saved: {} ({} bytes)", path.display(), a.bytes.len()));
    }
    Ok(lines)
}

fn free_path(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (1..)
        .map(|n| path.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

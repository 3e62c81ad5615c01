//! The terminal as a digest destination: `target = "console"` digests are printed to standard output by
//! `amity digest run`, and their charts written as PNG files into a directory (the path is printed).

use super::outbox::{DigestSender, SendError};
use super::spec::Target;
use crate::render::Attachment;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Longest digest message on the terminal (UTF-16 units): as long as a chat network's, so what the
/// console shows is split where a chat would split it.
pub const MAX_LEN: usize = 4096;

pub struct ConsoleSender {
    out: Mutex<Box<dyn Write + Send>>,
    dir: PathBuf,
    n: AtomicU64,
}

impl ConsoleSender {
    /// Prints to `out`; charts go to `dir` (created if needed).
    pub fn new(out: Box<dyn Write + Send>, dir: PathBuf) -> ConsoleSender {
        ConsoleSender { out: Mutex::new(out), dir, n: AtomicU64::new(0) }
    }

    pub fn stdout(dir: PathBuf) -> ConsoleSender {
        ConsoleSender::new(Box::new(std::io::stdout()), dir)
    }

    fn next_id(&self) -> String {
        format!("console-{}", self.n.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn io(e: std::io::Error) -> SendError {
        SendError::Permanent(e.to_string())
    }
}

impl DigestSender for ConsoleSender {
    fn handles(&self, target: &Target) -> bool {
        *target == Target::Console
    }

    fn send_text(&self, _target: &Target, text: &str) -> Result<String, SendError> {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(out, "{text}\n").map_err(Self::io)?;
        out.flush().map_err(Self::io)?;
        Ok(self.next_id())
    }

    fn max_len(&self) -> usize {
        MAX_LEN
    }

    fn per_chat_per_minute(&self) -> u32 {
        // A terminal has no flood limit; the pace is still bounded so a catch-up is readable.
        60
    }

    fn send_photo(&self, _target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError> {
        let path = save(&self.dir, photo).map_err(Self::io)?;
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(out, "[chart: {}] {caption}\n", path.display()).map_err(Self::io)?;
        out.flush().map_err(Self::io)?;
        Ok(self.next_id())
    }
}

/// Writes an attachment into `dir` under its own file name; returns the path.
pub fn save(dir: &std::path::Path, a: &Attachment) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name: String =
        a.file_name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let path = dir.join(if name.is_empty() { "attachment".to_string() } else { name });
    std::fs::write(&path, &a.bytes)?;
    Ok(path)
}

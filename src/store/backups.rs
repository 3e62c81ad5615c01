//! The copies of scheduled backups (`[backup] dir`): their names (`amity-YYYYMMDD-HHMMSS.db`, UTC, so
//! they sort by age), listing them, and taking one: SQLite's online backup, checked, then the oldest
//! copies beyond `keep` deleted.

use std::path::{Path, PathBuf};

/// The copies in `dir` (amity's names only), oldest first.
pub fn backups(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| taken_at(p).is_some()).collect();
    v.sort();
    v
}

/// When a copy named `amity-YYYYMMDD-HHMMSS.db` was taken (UTC).
pub fn taken_at(p: &Path) -> Option<chrono::NaiveDateTime> {
    let name = p.file_name()?.to_str()?;
    let stamp = name.strip_prefix("amity-")?.strip_suffix(".db")?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
}

/// The name of a copy taken now.
pub fn name_now() -> String {
    format!("amity-{}.db", chrono::Utc::now().format("%Y%m%d-%H%M%S"))
}

/// Copies the database at `db` into `dir` under [`name_now`] (checked: see [`super::backup`]), then
/// deletes the oldest copies there beyond `keep`. Says what it did.
pub fn backup_into(db: &Path, dir: &Path, keep: u32) -> Result<String, String> {
    let path = dir.join(name_now());
    let pages = super::backup(db, &path).map_err(|e| {
        let _ = std::fs::remove_file(&path);
        e.to_string()
    })?;
    let all = backups(dir);
    let extra = all.len().saturating_sub(keep as usize);
    let mut removed = 0;
    for old in all.iter().take(extra) {
        match std::fs::remove_file(old) {
            Ok(()) => removed += 1,
            Err(e) => log::warn!("backup {}: not removed: {e}", old.display()),
        }
    }
    Ok(format!("{} ({pages} pages, integrity ok); {removed} older removed", path.display()))
}

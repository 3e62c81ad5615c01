//! Scheduled backups inside `amity serve` (`[backup] dir`, `every`, `keep`): a copy of the database
//! through SQLite's online backup, checked (`integrity_check`) before it counts, named
//! `amity-YYYYMMDD-HHMMSS.db` (UTC) so the names sort by age; the oldest beyond `keep` are deleted
//! after a good copy. The first copy is taken at start when the newest one is older than `every` (a
//! bot that was down does not wait a whole period), and a failed copy is tried again after a few
//! minutes, never in a tight loop.

use super::{Stop, blocking, nap};
use crate::commands::Core;
use crate::store::backups::{backups, taken_at};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The wait after a failed copy (or `every`, if shorter).
const RETRY: Duration = Duration::from_secs(300);

/// Runs until the stop signal.
pub async fn run(core: Arc<Core>, dir: PathBuf, every: Duration, keep: u32, mut stop: Stop) {
    log::info!("scheduled backups: every {}s into {}, keeping {keep}", every.as_secs(), dir.display());
    loop {
        let wait = match newest_age(&dir) {
            Some(age) if age < every => every - age,
            _ => Duration::ZERO,
        };
        if nap(wait, &mut stop).await {
            return;
        }
        let d = dir.clone();
        match blocking(&core, move |core| core.backup_into(&d, keep)).await {
            Ok(Ok(done)) => log::info!("scheduled backup: {done}"),
            Ok(Err(e)) => {
                log::error!("scheduled backup into {} failed: {e}", dir.display());
                if nap(RETRY.min(every), &mut stop).await {
                    return;
                }
            }
            Err(e) => {
                log::error!("scheduled backup: the backup task failed: {e}");
                if nap(RETRY.min(every), &mut stop).await {
                    return;
                }
            }
        }
    }
}

/// How long ago the newest copy in `dir` was taken, by its name.
fn newest_age(dir: &Path) -> Option<Duration> {
    let newest = backups(dir).into_iter().last()?;
    let taken = taken_at(&newest)?;
    let age = chrono::Utc::now().naive_utc() - taken;
    Some(age.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::backups::name_now;

    #[test]
    fn only_amity_names_count_and_they_sort_by_age() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["amity-20240102-000000.db", "amity-20231231-235959.db", "notes.txt", "amity-x.db"] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        let names: Vec<String> =
            backups(dir.path()).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["amity-20231231-235959.db", "amity-20240102-000000.db"]);
        assert!(newest_age(dir.path()).unwrap() > Duration::from_secs(86_400));
        assert!(taken_at(Path::new(&name_now())).is_some());
    }
}

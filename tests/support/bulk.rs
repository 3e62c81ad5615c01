//! A ledger large enough to export past a chat network's file limit, written by the real
//! `amity import` binary into a database before a test's bot answers from it (shared by the Telegram
//! and Matrix tests through `#[path]`).

use std::path::Path;

/// Imports `n` donations to Germany, each with a 400-character note (about 430 bytes of CSV a row),
/// into `db` with `amity import` (the file written in `dir`).
pub fn import_donations_with_long_notes(amity: &str, db: &Path, dir: &Path, n: usize) {
    let note = "n".repeat(400);
    let csv: String = std::iter::once("Date,Recipients,Items,Note\n".to_string())
        .chain((0..n).map(|i| format!("2020-03-{:02},Germany,{} masks,{note} {i}\n", i % 28 + 1, i + 1)))
        .collect();
    let file = dir.join("many.csv");
    std::fs::write(&file, csv).unwrap();
    let out = std::process::Command::new(amity)
        .args(["import", file.to_str().unwrap(), "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

//! Upgrades: a database created by any earlier schema version opens, migrates to the newest, and keeps
//! its records; a database newer than this amity is refused rather than misread.

use amity::store::{MIGRATIONS, Store};
use rusqlite::Connection;

/// Builds a database as an amity that knew only the first `n` migrations would have left it.
fn database_at(path: &std::path::Path, n: usize) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .unwrap();
    for (version, name, sql) in &MIGRATIONS[..n] {
        conn.execute_batch(sql).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, '2020-01-01T00:00:00Z')",
            rusqlite::params![version, name],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO partners (name, kind, country, created_by, created_at) VALUES ('Mantova', 'partner', 'IT', 'console:local', '2020-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
}

#[test]
fn every_earlier_schema_version_upgrades_and_keeps_its_records() {
    let newest = MIGRATIONS.last().unwrap().0;
    for n in 1..=MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        database_at(&path, n);
        let store = Store::open(&path).unwrap_or_else(|e| panic!("upgrade from version {n} failed: {e}"));
        assert_eq!(store.schema_version().unwrap(), newest);
        let name: String = store.conn().query_row("SELECT name FROM partners", [], |r| r.get(0)).unwrap();
        assert_eq!(name, "Mantova");
        assert_eq!(store.integrity_check().unwrap(), "ok");
        // Opening again applies nothing twice.
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), newest);
    }
}

#[test]
fn a_database_from_a_newer_amity_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')", []).unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(err.contains("999") && err.contains("upgrade amity"), "{err}");
}

#[test]
fn a_backup_taken_during_writes_is_sound_and_holds_what_was_committed() {
    use amity::{Config, Core, Request};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let mut cfg = Config::default();
    cfg.database.path = db.clone();
    let core = std::sync::Arc::new(Core::open(cfg).unwrap());
    core.handle(&Request::console("/rate USD 7.0835 2020-01-01"));
    let writer = {
        let core = core.clone();
        std::thread::spawn(move || {
            for i in 0..200 {
                let r = core.handle(&Request::console(format!(
                    "/donation 2020-03-01 | Japan | {} masks | {} CNY",
                    i + 1,
                    i + 1
                )));
                assert!(r.is_ok(), "{}", r.plain());
            }
        })
    };
    let mut copies = Vec::new();
    for n in 0..5 {
        let out = dir.path().join(format!("copy{n}.db"));
        amity::store::backup(&db, &out).expect("backup during writes");
        copies.push(out);
    }
    writer.join().unwrap();
    for c in &copies {
        let conn = Connection::open(c).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        // Every donation in a copy is whole: its recipient and items came with it.
        let orphans: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM donations d WHERE NOT EXISTS (SELECT 1 FROM donation_recipients r WHERE r.donation_id = d.id)
                    OR NOT EXISTS (SELECT 1 FROM donation_items i WHERE i.donation_id = d.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
    }
    let refused = amity::store::backup(&db, &copies[0]).unwrap_err().to_string();
    assert!(refused.contains("already exists"), "{refused}");
}

//! `amity backup` and `amity restore`: a backup taken during a burst of writes restores to a database
//! that answers like the one it was taken from; a restore checks the file first (a damaged file, a
//! database that is not amity's, a newer schema are refused with the reason), keeps the database it
//! replaces, and is refused while `amity serve` holds the database.

use crate::common::*;

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    amity().args(args).output().unwrap()
}

#[test]
fn a_backup_taken_during_a_burst_of_writes_restores_to_a_database_that_answers_the_same() {
    let bot = seeded();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    // Writes from another thread while the backup runs (a separate connection, as `amity serve` would be).
    let db = bot.db.clone();
    let writer = std::thread::spawn(move || {
        let mut cfg = amity::Config::default();
        cfg.database.path = db;
        let core = amity::Core::open(cfg).unwrap();
        for i in 0..150 {
            let r = core.handle(&amity::Request::console(format!(
                "/donation 2020-04-{:02} | Brest | {} masks | ¥{}",
                i % 28 + 1,
                i + 1,
                i + 1
            )));
            assert!(r.is_ok(), "{}", r.plain());
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(30));
    let out = run(&["backup".as_ref(), "--db".as_ref(), bot.db.as_os_str(), copy.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    writer.join().unwrap();
    // Restore the copy into a database of its own and ask it.
    let restored = dir.path().join("restored.db");
    let out = run(&["restore".as_ref(), "--db".as_ref(), restored.as_os_str(), copy.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("integrity ok"));
    let ask = |db: &std::path::Path, q: &str| {
        String::from_utf8_lossy(&run(&["ask".as_ref(), "--db".as_ref(), db.as_os_str(), q.as_ref()]).stdout).to_string()
    };
    // A consistent snapshot: its running sums equal a scan of its own donations, and what it holds is
    // the copy's (the backup file itself, asked the same).
    let totals = ask(&restored, "/totals");
    let scanned = ask(&restored, "/totals 1900..2100");
    let money = |s: &str| s.lines().find(|l| l.contains("donation")).unwrap_or_default().to_string();
    assert_eq!(money(&totals), money(&scanned));
    assert_eq!(totals, ask(&copy, "/totals"));
    let n: i64 = rusqlite::Connection::open(&restored)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM donations", [], |r| r.get(0))
        .unwrap();
    assert!((4..=154).contains(&n), "{n}");
}

#[test]
fn a_restore_checks_the_file_keeps_the_database_it_replaces_and_refuses_a_bad_one() {
    let bot = seeded();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    assert!(run(&["backup".as_ref(), "--db".as_ref(), bot.db.as_os_str(), good.as_os_str()]).status.success());
    bot.ok("/donation 2020-04-01 | Brest | 10 masks | ¥100");
    let before = bot.counts();
    // Refused, each with its reason, and the database untouched.
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"this is not a database at all, just some bytes that happen to be here").unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')", [])
        .unwrap();
    let damaged = dir.path().join("damaged.db");
    {
        let mut bytes = std::fs::read(&good).unwrap();
        // Scribble over the middle of the file (its pages, not its header).
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 4096] {
            *b = 0x5a;
        }
        std::fs::write(&damaged, bytes).unwrap();
    }
    for (file, reason) in [
        (dir.path().join("missing.db"), "no such file"),
        (garbage, "not an SQLite database"),
        (other, "not amity's"),
        (newer, "newer than this amity"),
        (damaged, "damaged"),
    ] {
        let out = run(&["restore".as_ref(), "--db".as_ref(), bot.db.as_os_str(), file.as_os_str()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file:?}: {err}");
        assert!(err.contains(reason) && err.lines().count() == 1, "{file:?}: {err}");
    }
    assert_eq!(before, bot.counts());
    // Refused while amity serve holds the database (its lock, taken here as serve takes it).
    {
        let _serving = amity::store::ServeLock::take(&bot.db).unwrap();
        let out = run(&["restore".as_ref(), "--db".as_ref(), bot.db.as_os_str(), good.as_os_str()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("amity serve is running") && err.contains("stop it"), "{err}");
        // And a second serve on the same database does not start.
        let out = amity()
            .args(["serve", "--db"])
            .arg(&bot.db)
            .env("TELOXIDE_TOKEN", "123456:TEST")
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("another amity serve is running"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(before, bot.counts());
    // A good one: restored, the replaced database kept beside it, and the restored one answers.
    let out = run(&["restore".as_ref(), "--db".as_ref(), bot.db.as_os_str(), good.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept = stdout.lines().find_map(|l| l.strip_prefix("the database it replaced is kept as ")).expect(&stdout);
    let kept: i64 = rusqlite::Connection::open(kept)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM donations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 5, "the replaced database, with the donation logged after the backup");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 4);
    assert!(bot.ok("/donations Belarus").contains("No donations."));
}

//! The real binary (`amity serve`): kill -9 during a burst of logging, then a restart; SIGTERM while
//! an answer is in flight.

use super::*;
use fake::Fault;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Served {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn prepare() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("amity.db");
    let config = dir.path().join("amity.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\npath = {:?}\n[telegram]\npoll_timeout_secs = 1\nmax_backoff_secs = 2\nper_chat_per_second = 1000\nper_group_per_minute = 1000\noverall_per_second = 1000\n",
            db.to_str().unwrap()
        ),
    )
    .unwrap();
    // Staff are added the way an admin would: `amity ask`.
    let st = Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(["ask", "--config", config.to_str().unwrap(), &format!("/staff add {STAFF} staff Li Wei")])
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stdout));
    Served { dir, db, config }
}

fn serve(s: &Served, fake: &Fake, log: &str) -> Child {
    let log = std::fs::File::create(s.dir.path().join(log)).unwrap();
    Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(["serve", "--config", s.config.to_str().unwrap()])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &fake.url)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("amity serve starts")
}

fn count(db: &std::path::Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Quantities named in "Saved D-…" answers (each entry of the burst has a unique quantity).
fn acknowledged(fake: &Fake) -> Vec<i64> {
    fake.sent_to(STAFF)
        .iter()
        .filter_map(|m| {
            let v = visible(m.text());
            let rest = v.strip_prefix("Saved D-")?;
            let q = rest.split(" · ").nth(2)?.split_whitespace().next()?.replace(',', "");
            q.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_then_restart_keeps_every_acknowledged_entry_once() {
    let s = prepare();
    let fake = Fake::start().await;
    let mut bot = serve(&s, &fake, "first.log");
    const N: i64 = 40;
    for i in 0..N {
        fake.inject(private(STAFF, &format!("/donation 2020-03-23 | Germany | {} masks", 1001 + i)));
    }
    fake.wait_for("some entries acknowledged", |_| acknowledged(&fake).len() >= 8).await;
    bot.kill().unwrap(); // SIGKILL
    bot.wait().unwrap();
    let before_restart = acknowledged(&fake);
    // The bot had confirmed the whole batch to "Telegram" before answering it: only its own inbox
    // can bring the unanswered updates back.
    assert!(fake.unconfirmed().is_empty(), "the batch was not confirmed; the inbox was not tested");
    assert!((before_restart.len() as i64) < N, "the burst finished before the kill; nothing was tested");

    let mut bot = serve(&s, &fake, "second.log");
    fake.wait_for("every entry acknowledged", |_| {
        let mut a = acknowledged(&fake);
        a.sort();
        a.dedup();
        a.len() as i64 == N
    })
    .await;
    Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().unwrap();
    assert!(bot.wait().unwrap().success());

    assert_eq!(count(&s.db, "SELECT COUNT(*) FROM donations"), N, "an entry was written twice or lost");
    for q in before_restart {
        assert_eq!(count(&s.db, &format!("SELECT COUNT(*) FROM donation_items WHERE quantity = {q}")), 1);
    }
    assert_eq!(count(&s.db, "SELECT COUNT(DISTINCT quantity) FROM donation_items"), N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_work_confirms_the_offset_and_exits_0() {
    let s = prepare();
    let fake = Fake::start().await;
    let mut bot = serve(&s, &fake, "serve.log");
    // The answer will be in flight (the server holds it for 2 s) when SIGTERM arrives.
    fake.fail("sendMessage", Fault::Stall(Duration::from_secs(2)), 1);
    let id = fake.inject(private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits"));
    fake.wait_for("the answer in flight", |r| r.iter().any(|x| x.method == "sendmessage")).await;
    Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().unwrap();
    let status = bot.wait().unwrap();
    let log = std::fs::read_to_string(s.dir.path().join("serve.log")).unwrap();
    assert!(status.success(), "exit status {status}\n{log}");
    assert!(!log.contains(TOKEN), "the token was printed");

    let answer = fake.sent_to(STAFF);
    assert_eq!(answer.len(), 1);
    assert!(answer[0].message_id.is_some(), "the in-flight answer was cut off");
    assert!(visible(answer[0].text()).starts_with("Saved D-"));
    assert_eq!(count(&s.db, "SELECT COUNT(*) FROM donations"), 1);
    let last_poll = fake.calls("getupdates").into_iter().last().unwrap();
    assert_eq!(
        last_poll.params["offset"].as_i64(),
        Some(id + 1),
        "the offset was not confirmed: {:?}",
        last_poll.params
    );
    assert!(fake.unconfirmed().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_a_checked_backup_at_start_and_keeps_only_the_newest() {
    let s = prepare();
    let backups = s.dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // Three old copies and a file that is not one.
    for old in ["amity-20200101-000000.db", "amity-20200102-000000.db", "amity-20200103-000000.db", "notes.txt"] {
        std::fs::write(backups.join(old), b"old").unwrap();
    }
    let mut text = std::fs::read_to_string(&s.config).unwrap();
    text.push_str(&format!("[backup]\ndir = {:?}\nevery = \"1d\"\nkeep = 2\n", backups.to_str().unwrap()));
    std::fs::write(&s.config, text).unwrap();
    let fake = Fake::start().await;
    let mut bot = serve(&s, &fake, "serve.log");
    // The newest copy is years old: one is taken at start, and the oldest beyond two are deleted.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let names = loop {
        let mut names: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        if names.len() == 3 && !names.contains(&"amity-20200102-000000.db".to_string()) {
            break names;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no backup taken: {names:?}\n{}",
            std::fs::read_to_string(s.dir.path().join("serve.log")).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(&names[0], "amity-20200103-000000.db", "{names:?}");
    assert!(names[1].starts_with("amity-20") && names[1] != names[0], "{names:?}");
    assert_eq!(&names[2], "notes.txt");
    // The new copy is a sound amity database with the staff member added before the start.
    let copy = backups.join(&names[1]);
    let check: String =
        rusqlite::Connection::open(&copy).unwrap().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert_eq!(count(&copy, "SELECT COUNT(*) FROM staff"), 1);
    Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().unwrap();
    assert!(bot.wait().unwrap().success());
    let log = std::fs::read_to_string(s.dir.path().join("serve.log")).unwrap();
    assert!(log.contains("scheduled backup:") && log.contains("integrity ok"), "{log}");
}

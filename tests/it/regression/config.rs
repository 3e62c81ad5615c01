//! Defects of configuration and scheduling, found through `amity check-config`, `/digest send` and
//! the running scheduler.

use crate::common::*;
use amity::bot::digests::{self, Supervision};
use amity::digest::outbox::{self, Enqueued, Pace, SendError};
use amity::digest::{DigestCfg, DigestSender, Target};
use amity::render::Attachment;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `amity check-config` on `text` (written to `amity.toml` in `dir`): (exit code, stderr).
fn check_config(dir: &std::path::Path, text: &str) -> (Option<i32>, String) {
    let cfg = dir.join("amity.toml");
    std::fs::write(&cfg, text).unwrap();
    let out = amity().current_dir(dir).arg("check-config").arg("--config").arg(&cfg).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A user's mistake: status 1 and one line, never a panic or a stack trace.
fn assert_one_line_error(code: Option<i32>, err: &str) {
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with("error: ") && err.trim_end().lines().count() == 1, "{err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

const WEEKLY: &str = r#"
name = "weekly"
target = "telegram:@shanxi_outreach"
schedule = "0 9 * * MON"
timezone = "Asia/Shanghai"
"#;

/// The admin every digest test configures.
const ADMIN: &str = "111222333";

fn digest_bot() -> Bot {
    let weekly: DigestCfg = toml::from_str(WEEKLY).unwrap();
    spawn_with(move |c| {
        c.digests = vec![weekly];
        c.access.admins = vec![ADMIN.into()];
    })
}

#[test]
fn a_huge_retry_for_is_refused_by_check_config_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[access]\nadmins = [\"111\"]\n[[digest]]\nname = \"w\"\ntarget = \"console\"\nschedule = \"0 9 * * MON\"\nretry_for = \"99999999999d\"\n";
    let (code, err) = check_config(dir.path(), text);
    assert_one_line_error(code, &err);
    // The key, the bound and an example.
    assert!(err.contains("retry_for") && err.contains("\"7d\"") && err.contains("retry_for = \"6h\""), "{err}");

    // `/digest send` with that file: the same refusal, not exit 101 with a backtrace.
    let out =
        amity().current_dir(dir.path()).args(["ask", "--config", "amity.toml", "/digest send w"]).output().unwrap();
    assert_one_line_error(out.status.code(), &String::from_utf8_lossy(&out.stderr));

    // Below the config's check, no arithmetic on times panics: a spec with the longest retry there is,
    // queued on the last day a stored time can hold, saturates there.
    let bot = digest_bot();
    let mut spec = amity::digest::spec::specs(bot.core.config()).unwrap().remove(0);
    spec.retry_for = std::time::Duration::MAX;
    let (_, last) = outbox::time_range();
    let end = Utc.with_ymd_and_hms(9999, 12, 31, 12, 0, 0).unwrap();
    let e = bot.core.with_store_locked(|s| outbox::enqueue(s, bot.core.config(), &spec, end, true, end)).unwrap();
    let Enqueued::Row(row) = e else { panic!("a new row was expected: {e:?}") };
    assert_eq!(row.deadline_at, last);
    assert_eq!(outbox::later(DateTime::<Utc>::MAX_UTC, Duration::days(1)), last);
    assert_eq!(outbox::later(DateTime::<Utc>::MIN_UTC, -Duration::days(1)), outbox::time_range().0);
    // A server asking to wait longer than chrono can count is a long wait, not a panic.
    assert!(outbox::retry_wait(1, Some(std::time::Duration::MAX)) >= Duration::hours(1));
}

#[test]
fn every_duration_in_the_config_is_bounded_and_the_error_names_the_key_and_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[access]\nundo_window_hours = 4000000000\n", "access.undo_window_hours", "720"),
        ("[access]\nundo_window_hours = 0\n", "access.undo_window_hours", "720"),
        ("[telegram]\nlane_idle_secs = 99999999999\n", "telegram.lane_idle_secs", "86400"),
        ("[telegram]\ndigest_tick_secs = 99999999999\n", "telegram.digest_tick_secs", "3600"),
        ("[telegram]\nmax_backoff_secs = 99999999999\n", "telegram.max_backoff_secs", "3600"),
        ("[telegram]\nshutdown_grace_secs = 99999999999\n", "telegram.shutdown_grace_secs", "3600"),
        ("[telegram]\npoll_timeout_secs = 51\n", "telegram.poll_timeout_secs", "50"),
    ];
    for (text, key, bound) in cases {
        let (code, err) = check_config(dir.path(), text);
        assert_one_line_error(code, &err);
        let short = key.rsplit('.').next().unwrap();
        assert!(err.contains(key) && err.contains(bound) && err.contains(&format!("e.g. {short} = ")), "{text}: {err}");
    }
}

/// A sender whose digest sends panic while `panics` is above zero (a bug in a transport), and which
/// records what it sent.
#[derive(Default)]
struct PanickySender {
    panics: AtomicUsize,
    sent: Mutex<Vec<(String, String)>>,
}

impl PanickySender {
    fn texts_to(&self, target: &str) -> Vec<String> {
        self.sent.lock().unwrap().iter().filter(|(t, _)| t == target).map(|(_, x)| x.clone()).collect()
    }
}

impl DigestSender for PanickySender {
    fn handles(&self, _t: &Target) -> bool {
        true
    }
    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError> {
        if !matches!(target, Target::User(_))
            && self.panics.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
        {
            panic!("a bug in the sender");
        }
        let mut s = self.sent.lock().unwrap();
        s.push((target.key(), text.to_string()));
        Ok(format!("m{}", s.len()))
    }
    fn send_photo(&self, target: &Target, _photo: &Attachment, caption: &str) -> Result<String, SendError> {
        self.send_text(target, caption)
    }
    /// As Telegram's: 4096 characters, 20 messages a minute to one chat.
    fn max_len(&self) -> usize {
        4096
    }
    fn per_chat_per_minute(&self) -> u32 {
        20
    }
}

#[test]
fn a_digest_scheduler_that_panics_is_restarted_with_backoff_and_the_admins_are_told() {
    let bot = digest_bot();
    let sender = PanickySender { panics: AtomicUsize::new(1), ..Default::default() };
    let clock = Mutex::new(sh(2024, 6, 3, 8, 59));
    let naps = Mutex::new(Vec::new());
    let tick = std::time::Duration::from_secs(20);
    let failures = digests::supervise(
        &bot.core,
        &sender,
        Supervision {
            tick,
            now: Box::new(|| *clock.lock().unwrap()),
            nap: Box::new(|d| {
                *clock.lock().unwrap() += Duration::from_std(d).unwrap();
                let mut n = naps.lock().unwrap();
                n.push(d);
                n.len() >= 12
            }),
            pace: Box::new(|| Pace::with(1000, Box::new(|| std::time::Duration::ZERO), Box::new(|_| {}))),
        },
    );
    assert_eq!(failures, 1, "the 09:00 firing panicked once");
    let admin = sender.texts_to(&format!("user:tg:{ADMIN}"));
    assert_eq!(admin.len(), 2, "told of the failure, then that it runs again: {admin:?}");
    assert!(admin[0].contains("digest scheduler failed") && admin[0].contains("a bug in the sender"), "{}", admin[0]);
    assert!(admin[1].contains("runs again"), "{}", admin[1]);
    // Restarted: the digest the panic interrupted went out afterwards, once.
    let texts = sender.texts_to("telegram:@shanxi_outreach");
    assert_eq!(texts.len(), 1, "{texts:?}");
    let state: String =
        bot.conn().query_row("SELECT state FROM digest_deliveries WHERE digest = 'weekly'", [], |r| r.get(0)).unwrap();
    assert_eq!(state, "sent");
    // The pause after the failure is the restart's, and the loop went on ticking after it.
    let naps = naps.into_inner().unwrap();
    assert!(naps.iter().all(|d| *d >= tick) && naps.len() == 12, "{naps:?}");
    assert_eq!(digests::restart_wait(tick, 1), tick);
    assert!(digests::restart_wait(tick, 3) > tick && digests::restart_wait(tick, 99) == digests::MAX_RESTART_WAIT);
}

#[test]
fn a_token_in_the_config_file_is_never_echoed_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    // (file, the key the error must name, words of the fix it must give)
    let cases = [
        (format!("[telegram]\ntoken = \"{token}\"\n"), "token", "TELOXIDE_TOKEN"),
        (format!("[telegram]\ntokn = \"{token}\"\n"), "tokn", "token_file"),
        (format!("[telegram]\npoll_timeout_secs = \"{token}\"\n"), "poll_timeout_secs", "TELOXIDE_TOKEN"),
        (format!("\ntelegram = {{ token = \"{token}\" }}\n"), "token", "TELOXIDE_TOKEN"),
        (format!("[telegram]\ntoken = \"\"\"\n{token}\n\"\"\"\n"), "token", "TELOXIDE_TOKEN"),
        ("[telegram]\nsecret_token = \"s3cret-Webhook_token\"\n".into(), "secret_token", "AMITY_WEBHOOK_SECRET"),
        ("[database]\npassword = \"hunter2-hunter2\"\n".into(), "password", "environment"),
        (format!("[access]\nadmins = [\"{token}\"]\n"), "access.admins", "user id"),
    ];
    for (text, key, fix) in &cases {
        let (code, err) = check_config(dir.path(), text);
        assert_one_line_error(code, &err);
        for secret in ["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "s3cret-Webhook_token", "hunter2"] {
            assert!(!err.contains(secret), "the secret was echoed for {text:?}: {err}");
        }
        assert!(err.contains(key) && err.contains(fix), "{text:?}: {err}");
        if !key.contains('.') {
            assert!(err.contains("line 2"), "where: {err}");
        }
    }
    // A line with nothing secret is still shown, to help.
    let (_, err) = check_config(dir.path(), "[telegram]\npoll_timeout_secs = \"soon\"\n");
    assert!(err.contains("line 2 reads: poll_timeout_secs = \"soon\""), "{err}");

    // Nor does any Debug output of the settings or of what `serve` is given show a secret.
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let cfg = amity::Config::load(&{
        let p = dir.path().join("ok.toml");
        std::fs::write(&p, format!("[telegram]\ntoken_file = {:?}\nmode = \"polling\"\n", token_file.display()))
            .unwrap();
        p
    })
    .unwrap();
    let opts = amity::transport::telegram::Options {
        token: cfg.telegram.token().unwrap(),
        api_url: None,
        webhook_secret: Some(amity::transport::telegram::Token::new("s3cret-Webhook_token")),
    };
    for shown in [format!("{cfg:?}"), format!("{opts:?}"), format!("{:?}", cfg.telegram.token().unwrap())] {
        assert!(!shown.contains("AAHdqTcv") && !shown.contains("s3cret-Webhook_token"), "{shown}");
    }
}

#[test]
fn check_config_and_serve_refuse_a_missing_token_file_and_a_database_in_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let missing_token = dir.path().join("no-such-token");
    let missing_dir_db = dir.path().join("no-such-dir").join("office.db");
    let cases = [
        (format!("[database]\npath = {:?}\n[telegram]\ntoken_file = {:?}\n", db, missing_token), missing_token.clone()),
        (format!("[database]\npath = {:?}\n", missing_dir_db), missing_dir_db.parent().unwrap().to_path_buf()),
    ];
    for (text, path) in &cases {
        let (code, err) = check_config(dir.path(), text);
        assert_one_line_error(code, &err);
        assert!(err.contains(&path.display().to_string()) && err.contains("does not exist"), "{err}");
        // `serve` says the same before it creates the database or reaches for the network.
        let out = amity().current_dir(dir.path()).args(["serve", "--config", "amity.toml"]).output().unwrap();
        let serve_err = String::from_utf8_lossy(&out.stderr);
        assert_one_line_error(out.status.code(), &serve_err);
        assert!(serve_err.contains(&path.display().to_string()), "{serve_err}");
        assert!(!db.exists(), "serve created the database before refusing");
    }
    // An empty token file is refused too, without showing anything of it; a good one passes.
    let token = dir.path().join("token");
    std::fs::write(&token, "\n").unwrap();
    let text = format!("[database]\npath = {db:?}\n[telegram]\ntoken_file = {token:?}\n");
    let (code, err) = check_config(dir.path(), &text);
    assert_one_line_error(code, &err);
    assert!(err.contains("token_file") && err.contains("empty"), "{err}");
    std::fs::write(&token, "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\n").unwrap();
    let (code, err) = check_config(dir.path(), &text);
    assert_eq!(code, Some(0), "{err}");
}

/// A staff member's message carrying a transport's update id.
fn with_update_id(text: &str, id: &str) -> amity::Request {
    let mut r = req_as(STAFF, text);
    r.transport = "telegram";
    r.update_id = Some(id.into());
    r
}

#[test]
fn an_update_id_seen_longer_ago_than_the_retention_is_answered_not_dropped() {
    let bot = spawn_with(|c| c.database.keep_update_ids_hours = 48);
    bot.make_staff(STAFF);
    let first = with_update_id("/donation 2020-03-23 | Germany | 500 protective suits", "7000000001:42");
    assert!(!bot.send(&first).duplicate);
    // A redelivery within the retention writes nothing and gets the stored answer.
    bot.advance(Duration::hours(47));
    assert!(bot.send(&first).duplicate);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 1);
    // Later than that, Telegram may have picked the same id for a new update: it is handled.
    bot.advance(Duration::hours(2));
    let new = with_update_id("/donation 2020-03-24 | Italy | 200 masks", "7000000001:42");
    let r = bot.send(&new);
    assert!(!r.duplicate && r.plain().starts_with("Saved"), "{}", r.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    // …and from then on it is the key that counts: its own redelivery is recognised.
    assert!(bot.send(&new).duplicate);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);

    // The Telegram inbox forgets an answered update after the retention the same way.
    let c = bot.conn();
    let t0 = bot.now();
    let cutoff = |t: DateTime<Utc>| (t - Duration::hours(48)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    use amity::store::inbox::{self, Received};
    let nine = || vec![Received { id: "9".into(), seq: 9, body: "{}".into() }];
    let got = amity::store::at_time(t0, || inbox::receive(&c, "telegram", "1", &nine(), &cutoff(t0)));
    assert_eq!(got.unwrap(), ["9"]);
    inbox::mark_answered(&c, "telegram", "1", &["9".into()]).unwrap();
    let again = |t| amity::store::at_time(t, || inbox::receive(&c, "telegram", "1", &nine(), &cutoff(t)));
    assert!(again(t0 + Duration::hours(47)).unwrap().is_empty(), "a redelivery is dropped");
    assert_eq!(again(t0 + Duration::hours(49)).unwrap(), ["9"], "a new update with an old id is answered");

    // Pruning takes the old keys away in batches and keeps the recent ones.
    let old = (t0 - Duration::hours(100)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for i in 0..5 {
        c.execute(
            "INSERT INTO processed_updates (update_key, at, reply) VALUES (?1, ?2, '')",
            [format!("old:{i}"), old.clone()],
        )
        .unwrap();
    }
    let before = cutoff(bot.now());
    let mut rounds = 0;
    while amity::store::prune_processed(&c, &before, 2).unwrap() > 0 {
        rounds += 1;
    }
    assert_eq!(rounds, 3, "2 + 2 + 1");
    assert_eq!(bot.count("SELECT COUNT(*) FROM processed_updates"), 1, "the recent key (of D-2) stays");
    assert!(bot.send(&new).duplicate);

    // The setting is bounded: a memory shorter than a redelivery or longer than the id reuse is refused.
    let dir = tempfile::tempdir().unwrap();
    for bad in ["24", "169"] {
        let (code, err) = check_config(dir.path(), &format!("[database]\nkeep_update_ids_hours = {bad}\n"));
        assert_one_line_error(code, &err);
        assert!(err.contains("database.keep_update_ids_hours") && err.contains("25") && err.contains("168"), "{err}");
    }
}

/// `[backup]` is checked like every other setting: a directory that exists, a bounded schedule and
/// number of copies, each error one line naming the key and an example.
#[test]
fn a_backup_section_is_checked_before_serve_starts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("backups")).unwrap();
    for (section, expect) in [
        ("[backup]\ndir = \"no-such-dir\"\n", "backup.dir"),
        ("[backup]\ndir = \"backups\"\nevery = \"1m\"\n", "backup.every"),
        ("[backup]\ndir = \"backups\"\nevery = \"31d\"\n", "backup.every"),
        ("[backup]\ndir = \"backups\"\nevery = \"soon\"\n", "backup.every"),
        ("[backup]\ndir = \"backups\"\nkeep = 0\n", "backup.keep"),
        ("[backup]\ndir = \"backups\"\nevry = \"1d\"\n", "evry"),
    ] {
        let (code, err) = check_config(dir.path(), &format!("[database]\npath = \"amity.db\"\n{section}"));
        assert_eq!(code, Some(1), "{section}: {err}");
        assert!(err.contains(expect) && err.trim().lines().count() == 1, "{section}: {err}");
    }
    let (code, err) = check_config(
        dir.path(),
        "[database]\npath = \"amity.db\"\n[backup]\ndir = \"backups\"\nevery = \"6h\"\nkeep = 30\n",
    );
    assert_eq!(code, Some(0), "{err}");
}

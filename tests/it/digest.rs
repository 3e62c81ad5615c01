//! Scheduled digests, driven as the running bot drives them: a real core over a real SQLite file, the
//! scheduler ticked at chosen instants (a controllable clock), and a fake sender that records what was
//! sent and fails on demand. Each reliability property of issue 4 is one test here.

use crate::common::*;
use amity::bot::digests::Scheduler;
use amity::digest::outbox::{Pace, SendError};
use amity::digest::{DigestCfg, DigestSender, Target};
use amity::render::Attachment;
use amity::render::text::utf16_len;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use std::collections::VecDeque;
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq)]
enum Sent {
    Text(String, String),
    Photo(String, Vec<u8>, String),
}

/// Records every message; fails the next sends with the queued errors.
#[derive(Default)]
struct FakeSender {
    sent: Mutex<Vec<Sent>>,
    failures: Mutex<VecDeque<SendError>>,
    fail_always: Mutex<Option<SendError>>,
}

impl FakeSender {
    fn fail_next(&self, e: SendError) {
        self.failures.lock().unwrap().push_back(e);
    }
    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }
    fn texts_to(&self, target: &str) -> Vec<String> {
        self.sent()
            .into_iter()
            .filter_map(|s| match s {
                Sent::Text(t, x) if t == target => Some(x),
                _ => None,
            })
            .collect()
    }
    fn photos(&self) -> Vec<Vec<u8>> {
        self.sent()
            .into_iter()
            .filter_map(|s| match s {
                Sent::Photo(_, b, _) => Some(b),
                _ => None,
            })
            .collect()
    }
    fn check(&self) -> Result<(), SendError> {
        if let Some(e) = self.failures.lock().unwrap().pop_front() {
            return Err(e);
        }
        if let Some(e) = self.fail_always.lock().unwrap().clone() {
            return Err(e);
        }
        Ok(())
    }
}

impl DigestSender for FakeSender {
    fn handles(&self, _t: &Target) -> bool {
        true
    }
    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError> {
        if !matches!(target, Target::User(_)) {
            self.check()?;
        }
        let mut s = self.sent.lock().unwrap();
        s.push(Sent::Text(target.key(), text.to_string()));
        Ok(format!("m{}", s.len()))
    }
    fn send_photo(&self, target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError> {
        self.check()?;
        let mut s = self.sent.lock().unwrap();
        s.push(Sent::Photo(target.key(), photo.bytes.clone(), caption.to_string()));
        Ok(format!("m{}", s.len()))
    }
    /// As Telegram's: 4096 characters, 20 messages a minute to one chat.
    fn max_len(&self) -> usize {
        4096
    }
    fn per_chat_per_minute(&self) -> u32 {
        20
    }
}

fn digest_cfg(toml_text: &str) -> DigestCfg {
    toml::from_str(toml_text).expect("digest table")
}

const WEEKLY: &str = r#"
name = "weekly"
target = "telegram:@shanxi_outreach"
schedule = "0 9 * * MON"
timezone = "Asia/Shanghai"
language = "en"
audience = "public"
"#;

fn bot_with(digests: &[&str]) -> Bot {
    let cfgs: Vec<DigestCfg> = digests.iter().map(|d| digest_cfg(d)).collect();
    spawn_with(move |c| {
        c.digests = cfgs;
        c.access.admins = vec!["111222333".into()];
    })
}

fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Berlin.with_ymd_and_hms(y, m, d, h, min, 0).earliest().unwrap().with_timezone(&Utc)
}

fn quiet(s: &mut Scheduler<'_>) {
    s.set_pace(Pace::with(1000, Box::new(|| std::time::Duration::ZERO), Box::new(|_| {})));
}

fn rows(bot: &Bot, digest: &str) -> Vec<(String, String, String, i64)> {
    let c = bot.conn();
    let mut st = c
        .prepare("SELECT period_from, period_to, state, attempts FROM digest_deliveries WHERE digest = ?1 ORDER BY period_to")
        .unwrap();
    st.query_map([digest], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(|r| r.unwrap()).collect()
}

/// Logs a donation dated `date` at the clock time `at`.
fn donation_at(bot: &Bot, at: DateTime<Utc>, line: &str) {
    bot.set_now(at);
    bot.ok(line);
}

#[test]
fn each_digest_period_is_delivered_at_most_once() {
    let bot = bot_with(&[WEEKLY]);
    donation_at(&bot, sh(2024, 5, 29, 10, 0), "/donation 2024-05-28 | Germany | 100 masks | ¥5,000");
    let fake = FakeSender::default();
    let mut s = Scheduler::new(&bot.core, &fake).unwrap();
    quiet(&mut s);
    s.tick(sh(2024, 5, 30, 0, 0)).unwrap(); // first seen: starts the cursor
    assert!(fake.sent().is_empty());
    // Ticks every minute around the firing: exactly one digest.
    let mut t = sh(2024, 6, 3, 8, 58);
    while t < sh(2024, 6, 3, 9, 5) {
        s.tick(t).unwrap();
        t += Duration::minutes(1);
    }
    let texts = fake.texts_to("telegram:@shanxi_outreach");
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("2024-05-27 to 2024-06-02"), "{}", texts[0]);
    assert!(texts[0].contains("100 masks"));
    assert_eq!(fake.photos().len(), 1);
    assert_eq!(rows(&bot, "weekly"), vec![("2024-05-27".into(), "2024-06-02".into(), "sent".into(), 1)]);
    // A second scheduler (a restart) and a manual send of the same period send nothing more.
    let s2 = Scheduler::new(&bot.core, &fake).unwrap();
    s2.tick(sh(2024, 6, 3, 9, 30)).unwrap();
    s2.send_now("weekly", sh(2024, 6, 3, 10, 0)).unwrap();
    bot.set_now(sh(2024, 6, 3, 10, 0));
    let reply = bot.ok("/digest send weekly");
    assert!(reply.contains("already in the outbox"), "{reply}");
    assert_eq!(fake.texts_to("telegram:@shanxi_outreach").len(), 1);
    assert_eq!(bot.count("SELECT COUNT(*) FROM digest_deliveries"), 1);
}

#[test]
fn after_downtime_only_the_latest_missed_period_is_sent() {
    let bot = bot_with(&[WEEKLY]);
    let fake = FakeSender::default();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    s.tick(sh(2024, 5, 1, 12, 0)).unwrap();
    // Down from 1 May to 29 May: four Mondays missed. One digest, for the last week.
    s.tick(sh(2024, 5, 29, 15, 0)).unwrap();
    assert_eq!(rows(&bot, "weekly"), vec![("2024-05-20".into(), "2024-05-26".into(), "sent".into(), 1)]);
    s.tick(sh(2024, 5, 29, 15, 1)).unwrap();
    assert_eq!(rows(&bot, "weekly").len(), 1);
}

#[test]
fn after_downtime_each_missed_period_is_sent_when_configured() {
    let daily = r#"
name = "daily"
target = "telegram:-1001234567890"
schedule = "0 9 * * *"
language = "zh"
audience = "staff"
catch_up = "each"
"#;
    let bot = bot_with(&[daily]);
    let fake = FakeSender::default();
    let mut s = Scheduler::new(&bot.core, &fake).unwrap();
    quiet(&mut s);
    s.tick(sh(2024, 5, 1, 12, 0)).unwrap();
    s.tick(sh(2024, 5, 4, 10, 0)).unwrap(); // missed 2, 3 and 4 May at 09:00
    let r = rows(&bot, "daily");
    let days: Vec<&str> = r.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(days, ["2024-05-01", "2024-05-02", "2024-05-03"]);
    assert!(r.iter().all(|x| x.0 == x.1 && x.2 == "sent"));
    // Nothing new in those days: one line each, in Chinese.
    let texts = fake.texts_to("telegram:-1001234567890");
    assert_eq!(texts.len(), 3);
    assert!(texts[0].contains("没有新的记录"), "{}", texts[0]);
}

#[test]
fn a_failed_send_is_retried_with_backoff_then_recorded_failed_and_reported() {
    let t = r#"
name = "weekly"
target = "telegram:@shanxi_outreach"
schedule = "0 9 * * MON"
retry_for = "10m"
"#;
    let bot = bot_with(&[t]);
    donation_at(&bot, sh(2024, 5, 29, 10, 0), "/donation 2024-05-28 | Germany | 100 masks | ¥5,000");
    let fake = FakeSender::default();
    let mut s = Scheduler::new(&bot.core, &fake).unwrap();
    quiet(&mut s);
    s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
    // A 429 with retry_after 30 s, then a 502: retried after 1 min, then after 2 min.
    fake.fail_next(SendError::Retryable {
        reason: "429 Too Many Requests".into(),
        retry_after: Some(std::time::Duration::from_secs(30)),
    });
    fake.fail_next(SendError::Retryable { reason: "502 Bad Gateway".into(), retry_after: None });
    let fire = sh(2024, 6, 3, 9, 0);
    let rep = s.tick(fire).unwrap();
    assert_eq!(rep.retried, 1);
    s.tick(fire + Duration::seconds(30)).unwrap(); // not yet due (backoff 1 min)
    assert_eq!(rows(&bot, "weekly")[0].3, 1);
    s.tick(fire + Duration::minutes(1)).unwrap(); // attempt 2 fails (502) → next in 2 min
    assert_eq!(rows(&bot, "weekly")[0].3, 2);
    s.tick(fire + Duration::minutes(3)).unwrap(); // attempt 3 succeeds
    assert_eq!(rows(&bot, "weekly")[0].2, "sent");
    assert_eq!(rows(&bot, "weekly")[0].3, 3);
    assert!(fake.texts_to("user:tg:111222333").is_empty());

    // Next week the network stays down: retried until the 10-minute deadline, then failed and reported.
    *fake.fail_always.lock().unwrap() =
        Some(SendError::Retryable { reason: "network unreachable".into(), retry_after: None });
    let fire = sh(2024, 6, 10, 9, 0);
    let mut now = fire;
    while now <= fire + Duration::minutes(20) {
        s.tick(now).unwrap();
        now += Duration::seconds(30);
    }
    let r = rows(&bot, "weekly");
    assert_eq!(r[1].2, "failed", "{r:?}");
    assert!(r[1].3 >= 3 && r[1].3 <= 5, "backoff, not one attempt per tick: {r:?}");
    let reports = fake.texts_to("user:tg:111222333");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("network unreachable") && reports[0].contains("weekly"), "{}", reports[0]);
    assert_eq!(bot.count("SELECT COUNT(*) FROM digest_deliveries WHERE reported_at IS NOT NULL"), 1);
}

#[test]
fn a_permanent_error_fails_at_once() {
    let bot = bot_with(&[WEEKLY]);
    let fake = FakeSender::default();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
    fake.fail_next(SendError::Permanent("400 chat not found".into()));
    s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    assert_eq!(rows(&bot, "weekly")[0].2, "failed");
    assert_eq!(fake.texts_to("user:tg:111222333").len(), 1);
    // "/digest send weekly" (as the report says) sends that same period again.
    s.send_now("weekly", sh(2024, 6, 3, 9, 30)).unwrap();
    assert_eq!(rows(&bot, "weekly"), vec![("2024-05-27".into(), "2024-06-02".into(), "sent".into(), 2)]);
}

#[test]
fn changing_the_schedule_or_time_zone_does_not_resend_old_periods() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("amity.db");
    let open = |table: &str| {
        let mut cfg = amity::Config::default();
        cfg.database.path = db.clone();
        cfg.digests = vec![digest_cfg(table)];
        amity::Core::open(cfg).unwrap()
    };
    let fake = FakeSender::default();
    {
        let core = open(WEEKLY);
        let s = Scheduler::new(&core, &fake).unwrap();
        s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
        s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    }
    assert_eq!(fake.sent().len(), 1);
    // Same Monday, but 09:00 in Berlin (15:00 in Shanghai): the week 27 May – 2 June was sent.
    {
        let core = open(&WEEKLY.replace("Asia/Shanghai", "Europe/Berlin"));
        let s = Scheduler::new(&core, &fake).unwrap();
        s.tick(sh(2024, 6, 3, 16, 0)).unwrap();
    }
    assert_eq!(fake.sent().len(), 1, "{:?}", fake.sent());
    // Tuesdays instead of Mondays: the next digest covers only the days not yet covered.
    {
        let core = open(&WEEKLY.replace("MON", "TUE"));
        let s = Scheduler::new(&core, &fake).unwrap();
        s.tick(sh(2024, 6, 4, 9, 0)).unwrap();
    }
    let texts = fake.texts_to("telegram:@shanxi_outreach");
    assert_eq!(texts.len(), 2);
    assert!(texts[1].contains("2024-06-03"), "{}", texts[1]);
    let c = rusqlite::Connection::open(&db).unwrap();
    let periods: Vec<(String, String)> = c
        .prepare("SELECT period_from, period_to FROM digest_deliveries ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(periods, vec![("2024-05-27".into(), "2024-06-02".into()), ("2024-06-03".into(), "2024-06-03".into())]);
}

#[test]
fn a_daily_digest_fires_once_per_local_day_across_dst_changes() {
    for (schedule, hour) in [("0 9 * * *", 9), ("30 2 * * *", 2)] {
        let t = format!(
            "name = \"daily\"\ntarget = \"telegram:@berlin_office\"\nschedule = \"{schedule}\"\ntimezone = \"Europe/Berlin\"\ncatch_up = \"each\"\n"
        );
        // Spring forward (31 March 2024, 02:00 → 03:00) and fall back (27 October 2024, 03:00 → 02:00).
        for (start, first) in [(berlin(2024, 3, 28, 12, 0), "2024-03-28"), (berlin(2024, 10, 24, 12, 0), "2024-10-24")]
        {
            let bot = bot_with(&[&t]);
            let fake = FakeSender::default();
            let mut s = Scheduler::new(&bot.core, &fake).unwrap();
            quiet(&mut s);
            s.tick(start).unwrap();
            let mut now = start;
            while now < start + Duration::days(6) {
                now += Duration::minutes(15);
                s.tick(now).unwrap();
            }
            let r = rows(&bot, "daily");
            let days: Vec<NaiveDate> = r.iter().map(|x| x.0.parse().unwrap()).collect();
            // The firing of day d+1 covers day d; the first day's firing (before noon) is not due.
            let d: NaiveDate = first.parse().unwrap();
            let want: Vec<NaiveDate> = (0..6).map(|i| d + Duration::days(i)).collect();
            assert_eq!(days, want, "{schedule}: {r:?}");
            assert!(r.iter().all(|x| x.0 == x.1), "each covers one day: {r:?}");
            // Each fired at its local hour (or the first instant after the spring gap).
            let c = bot.conn();
            let fires: Vec<String> = c
                .prepare("SELECT fire_at FROM digest_deliveries")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            for f in fires {
                let local = DateTime::parse_from_rfc3339(&f).unwrap().with_timezone(&chrono_tz::Europe::Berlin);
                let h = local.format("%H").to_string().parse::<u32>().unwrap();
                assert!(h == hour || (hour == 2 && h == 3), "{schedule} fired at {local}");
            }
        }
    }
}

#[test]
fn month_and_year_ends() {
    let monthly = r#"
name = "monthly"
target = "telegram:@shanxi_outreach"
schedule = "0 9 1 * *"
"#;
    let bot = bot_with(&[monthly]);
    donation_at(&bot, sh(2024, 12, 31, 20, 0), "/donation 2024-12-31 | Japan | 10 ventilators | ¥50,000");
    donation_at(&bot, sh(2025, 1, 1, 8, 0), "/donation 2025-01-01 | Japan | 5 ventilators | ¥25,000");
    let fake = FakeSender::default();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    s.tick(sh(2024, 12, 15, 0, 0)).unwrap();
    s.tick(sh(2025, 1, 1, 9, 0)).unwrap();
    assert_eq!(rows(&bot, "monthly"), vec![("2024-12-01".into(), "2024-12-31".into(), "sent".into(), 1)]);
    let text = fake.texts_to("telegram:@shanxi_outreach").join("\n");
    assert!(text.contains("December 2024"), "{text}");
    assert!(text.contains("10 ventilators") && !text.contains("5 ventilators"), "{text}");
}

#[test]
fn a_long_digest_is_split_within_4096_at_line_boundaries() {
    let bot = bot_with(&[WEEKLY]);
    bot.set_now(sh(2024, 6, 2, 12, 0));
    for i in 0..120 {
        bot.ok(&format!(
            "/donation {} | Germany | {} protective suits; 200 masks | ¥{} | note: shipment {i} with a note long enough to fill the lines of the digest",
            NaiveDate::from_ymd_opt(2024, 5, 27).unwrap() + Duration::days(i % 7),
            100 + i,
            1000 + i
        ));
    }
    let fake = FakeSender::default();
    let mut s = Scheduler::new(&bot.core, &fake).unwrap();
    quiet(&mut s);
    s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
    s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    let texts = fake.texts_to("telegram:@shanxi_outreach");
    assert!(texts.len() > 1, "one message only: {}", texts[0].len());
    for t in &texts {
        assert!(utf16_len(t) <= 4096);
    }
    // Split at line boundaries: joined back with newlines, every stored line is intact.
    let body: String = bot.conn().query_row("SELECT body FROM digest_deliveries", [], |r| r.get(0)).unwrap();
    let joined = texts.join("\n");
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        assert!(joined.lines().any(|j| j == line), "line cut: {line}");
    }
    // Ids of every part are recorded, in order.
    let ids: String = bot.conn().query_row("SELECT message_ids FROM digest_deliveries", [], |r| r.get(0)).unwrap();
    let ids: Vec<String> = serde_json::from_str(&ids).unwrap();
    assert_eq!(ids.len(), texts.len() + 1);
}

#[test]
fn pacing_keeps_within_twenty_messages_a_minute() {
    let clock = std::sync::Arc::new(Mutex::new(std::time::Duration::ZERO));
    let (c1, c2) = (clock.clone(), clock.clone());
    let mut pace = Pace::with(20, Box::new(move || *c1.lock().unwrap()), Box::new(move |d| *c2.lock().unwrap() += d));
    for _ in 0..45 {
        pace.wait("telegram:@x");
        *clock.lock().unwrap() += std::time::Duration::from_millis(100);
    }
    // 45 messages: the 21st waits for the first minute to pass, the 41st for the second.
    let elapsed = *clock.lock().unwrap();
    assert!(
        elapsed >= std::time::Duration::from_secs(120) && elapsed < std::time::Duration::from_secs(125),
        "{elapsed:?}"
    );
}

#[test]
fn a_public_digest_leaves_out_internal_records_and_a_staff_digest_has_them() {
    let staff = WEEKLY.replace("\"weekly\"", "\"staffdaily\"").replace("public", "staff");
    let bot = bot_with(&[WEEKLY, &staff]);
    donation_at(&bot, sh(2024, 5, 29, 10, 0), "/donation 2024-05-28 | Germany | 100 masks | ¥5,000");
    donation_at(&bot, sh(2024, 5, 29, 10, 5), "/donation 2024-05-29 | France | 7 secret crates | ¥9,999 | internal");
    let fake = FakeSender::default();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
    s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    let bodies: Vec<(String, String)> = bot
        .conn()
        .prepare("SELECT digest, body FROM digest_deliveries")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let public = &bodies.iter().find(|b| b.0 == "weekly").unwrap().1;
    let internal = &bodies.iter().find(|b| b.0 == "staffdaily").unwrap().1;
    assert!(public.contains("100 masks") && !public.contains("secret") && !public.contains("9,999"), "{public}");
    assert!(!public.contains("France"), "{public}");
    assert!(internal.contains("secret crates") && internal.contains("100 masks"), "{internal}");
}

#[test]
fn records_logged_late_are_listed_in_the_next_digest() {
    let bot = bot_with(&[WEEKLY]);
    let fake = FakeSender::default();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    s.tick(sh(2024, 5, 1, 0, 0)).unwrap();
    s.tick(sh(2024, 5, 27, 9, 0)).unwrap(); // week 20–26 May sent
    // On 29 May someone logs a donation of 14 May: after that digest, dated before the next period.
    donation_at(&bot, sh(2024, 5, 29, 11, 0), "/donation 2024-05-14 | Italy | 300 goggles | ¥7,000");
    // And one logged long ago for an old date is not late for this digest.
    s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    let texts = fake.texts_to("telegram:@shanxi_outreach");
    let last = texts.last().unwrap();
    assert!(last.contains("Logged late") && last.contains("300 goggles"), "{last}");
    assert!(!last.contains("Nothing new"), "{last}");
    // The digest after that no longer lists it.
    s.tick(sh(2024, 6, 10, 9, 0)).unwrap();
    let next = fake.texts_to("telegram:@shanxi_outreach").last().unwrap().clone();
    assert!(!next.contains("300 goggles"), "{next}");
    assert!(next.contains("Nothing new"), "{next}");
}

#[test]
fn a_crash_between_sending_and_recording_gives_one_flagged_duplicate_at_most() {
    let bot = bot_with(&[WEEKLY]);
    let fake = FakeSender::default();
    {
        let s = Scheduler::new(&bot.core, &fake).unwrap();
        s.tick(sh(2024, 5, 30, 0, 0)).unwrap();
        s.tick(sh(2024, 6, 3, 9, 0)).unwrap();
    }
    assert_eq!(fake.texts_to("telegram:@shanxi_outreach").len(), 1);
    // As if amity stopped after the message went out but before it was recorded.
    bot.conn()
        .execute("UPDATE digest_deliveries SET state = 'sending', message_ids = '[]', sent_at = NULL", [])
        .unwrap();
    let s = Scheduler::new(&bot.core, &fake).unwrap();
    let rep = s.tick(sh(2024, 6, 3, 9, 10)).unwrap();
    assert_eq!(rep.recovered, 1);
    assert_eq!(fake.texts_to("telegram:@shanxi_outreach").len(), 2, "sent once more");
    let (state, dup): (String, i64) = bot
        .conn()
        .query_row("SELECT state, possible_duplicate FROM digest_deliveries", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((state.as_str(), dup), ("sent", 1));
    s.tick(sh(2024, 6, 3, 9, 20)).unwrap();
    Scheduler::new(&bot.core, &fake).unwrap().tick(sh(2024, 6, 3, 9, 30)).unwrap();
    assert_eq!(fake.texts_to("telegram:@shanxi_outreach").len(), 2, "never more than one duplicate");
}

#[test]
fn digest_preview_and_send_commands() {
    let bot = bot_with(&[WEEKLY]);
    bot.load_seed();
    bot.ok("/donation 2020-05-27 | Japan | 1000 masks | ¥80,000");
    bot.set_now(sh(2020, 6, 1, 10, 0));
    let r = bot.ask("/digest preview weekly");
    assert!(r.is_ok(), "{}", r.plain());
    let text = r.plain();
    assert!(text.contains("2020-05-25 to 2020-05-31") && text.contains("Mantova"), "{text}");
    assert!(text.contains("Since the start"), "{text}");
    assert_eq!(r.attachments.len(), 1);
    assert!(r.attachments[0].bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(bot.count("SELECT COUNT(*) FROM digest_deliveries"), 0, "a preview records nothing");
    // Chinese name of the command, and refusal for non-admins.
    assert!(bot.ask("/摘要 预览").is_ok());
    bot.refused_as(STRANGER, "/digest preview weekly");
    bot.make_staff(STAFF);
    bot.refused_as(STAFF, "/digest send weekly");
    // /digest send queues the row; the running scheduler sends it, recorded as manual.
    let q = bot.ok("/digest send weekly");
    assert!(q.contains("Queued"), "{q}");
    let fake = FakeSender::default();
    Scheduler::new(&bot.core, &fake).unwrap().tick(sh(2020, 6, 1, 10, 0)).unwrap();
    assert_eq!(fake.texts_to("telegram:@shanxi_outreach").len(), 1);
    let (origin, state): (String, String) = bot
        .conn()
        .query_row("SELECT origin, state FROM digest_deliveries", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((origin.as_str(), state.as_str()), ("manual", "sent"));
    assert!(bot.ok("/digest").contains("weekly"));
}

#[test]
fn charts_are_valid_pngs_with_chinese_labels() {
    let zh = WEEKLY.replace("\"en\"", "\"zh\"");
    let bot = bot_with(&[&zh]);
    bot.load_seed();
    bot.set_now(sh(2020, 5, 31, 20, 0));
    for (d, who, v) in [
        ("2020-05-26", "Germany", "¥120,000"),
        ("2020-05-27", "Japan", "¥80,000"),
        ("2020-05-29", "South Korea", "¥45,000"),
        ("2020-05-30", "Mantova", "¥38,500"),
        ("2020-04-02", "Thailand", "¥200,000"),
    ] {
        bot.ok(&format!("/donation {d} | {who} | 1000 masks | {v}"));
    }
    bot.set_now(sh(2020, 6, 1, 10, 0));
    let r = bot.ask("/digest preview weekly");
    let text = r.plain();
    assert!(text.contains("捐赠") && text.contains("曼托瓦") || text.contains("Mantova"), "{text}");
    let png = &r.attachments[0].bytes;
    let decoder = png::Decoder::new(std::io::Cursor::new(png.clone()));
    let reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (amity::digest::chart::WIDTH, amity::digest::chart::HEIGHT));
    let out = std::env::var_os("AMITY_CHART_OUT").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    std::fs::write(out.join("amity-digest-chart-zh.png"), png).unwrap();
    for id in ["chart-by-country", "chart-cumulative", "chart-no-values", "chart-others"] {
        let s = amity::i18n::t(amity::i18n::Lang::Zh, id, &[("period", "2020年5月".into()), ("count", "3".into())]);
        assert!(amity::digest::chart::font_covers(&s), "no glyph in {s}");
    }
}

#[test]
fn a_digest_carries_the_reports_published_in_its_week_and_staff_digests_the_letters_awaited() {
    let staff = WEEKLY.replace("\"weekly\"", "\"staffweekly\"").replace("public", "staff");
    let bot = bot_with(&[WEEKLY, &staff]);
    bot.load_seed();
    bot.ok("/letter 2020-06-25 | sent | Sao Paulo | signed: Governor of Shanxi");
    bot.set_now(sh(2020, 7, 6, 10, 0));
    // The week of 2020-06-29 holds the article's reports (dated 2020-06-30).
    let public = bot.ok("/digest preview weekly");
    assert!(public.contains("Reported figures") && public.contains("nearly 3.5 million yuan ($494,100)"), "{public}");
    assert!(public.contains("In the ledger: CNY 0 of ≈CNY 3,500,000 · 6 of 30 local governments"), "{public}");
    assert!(
        !public.contains("awaiting a reply"),
        "a public digest leaves the awaited letters out by default:\n{public}"
    );
    let internal = bot.ok("/digest preview staffweekly");
    assert!(internal.contains("Letters awaiting a reply"), "{internal}");
    assert!(internal.contains("L-6 · 2020-06-25 · sympathy · Sao Paulo (BR)\n  waiting 10 days"), "{internal}");
    // The week after has no report: the section is left out.
    bot.set_now(sh(2020, 7, 13, 10, 0));
    assert!(!bot.ok("/digest preview weekly").contains("Reported figures"));
}

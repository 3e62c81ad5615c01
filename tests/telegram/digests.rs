//! Scheduled digests delivered by the running bot: the real `serve` with a `[[digest]]` to a channel, the
//! core's clock under the test's control (the scheduler ticks every second of real time, at the
//! instant the test chose), and the fake Bot API server receiving the messages and the chart.

use super::fake::{Fake, Fault, Recorded};
use super::*;
use amity::digest::DigestCfg;
use chrono::{DateTime, TimeZone, Utc};
use std::sync::atomic::AtomicI64;

/// The public channel the digests go to.
const CHANNEL: i64 = -1_009_876_543_210;

/// A local time in Shanghai.
fn sh(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn weekly(target: &str) -> DigestCfg {
    toml::from_str(&format!(
        r#"
name = "weekly"
target = "{target}"
schedule = "0 9 * * MON"
timezone = "Asia/Shanghai"
language = "en"
audience = "public"
"#
    ))
    .expect("digest table")
}

/// The bot with one weekly digest to `target`, its clock set to `start`.
struct Digesting {
    app: App,
    clock: Arc<AtomicI64>,
}

impl Digesting {
    async fn start(target: &str, start: DateTime<Utc>) -> Digesting {
        Digesting::start_with(target, start, |_| {}).await
    }

    async fn start_with(target: &str, start: DateTime<Utc>, f: impl FnOnce(&mut amity::Config)) -> Digesting {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("amity.db");
        let mut cfg = test_config(db.clone());
        cfg.digests = vec![weekly(target)];
        cfg.telegram.digest_tick_secs = 1;
        f(&mut cfg);
        let clock = Arc::new(AtomicI64::new(start.timestamp_millis()));
        let mut core = Core::open(cfg).expect("core opens");
        let c = clock.clone();
        core.set_clock(Arc::new(move || Utc.timestamp_millis_opt(c.load(Ordering::SeqCst)).unwrap()));
        let core = Arc::new(core);
        // A public donation in the week of 27 May to 2 June 2024, logged on the Wednesday.
        let at = clock.swap(sh(2024, 5, 29, 10, 0).timestamp_millis(), Ordering::SeqCst);
        let r = core.handle(&Request::console("/donation 2024-05-28 | Germany | 100 masks <N95> | ¥5,000"));
        assert!(r.is_ok(), "{}", r.plain());
        clock.store(at, Ordering::SeqCst);
        let fake = Fake::start().await;
        let mut app = App { fake, core, db, stop: None, handle: None, _dir: dir };
        app.start(Hooks::default());
        let d = Digesting { app, clock };
        // The scheduler's first tick starts the digest's schedule at the clock's time.
        d.wait_db("the schedule started", "SELECT COUNT(*) FROM digest_cursors WHERE digest = 'weekly'", 1).await;
        d
    }

    fn set_now(&self, t: DateTime<Utc>) {
        self.clock.store(t.timestamp_millis(), Ordering::SeqCst);
    }

    async fn wait_db(&self, what: &str, sql: &str, want: i64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.app.count(sql) != want {
            assert!(std::time::Instant::now() < deadline, "timed out waiting for: {what} ({sql})");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Waits for the outbox row of `from` to be in `state`.
    async fn wait_state(&self, from: &str, state: &str) {
        let sql = format!(
            "SELECT COUNT(*) FROM digest_deliveries WHERE digest = 'weekly' AND period_from = '{from}' AND state = '{state}'"
        );
        self.wait_db(&format!("the digest from {from} {state}"), &sql, 1).await;
    }

    fn row(&self, from: &str) -> (String, i64, String, Option<String>) {
        let c = rusqlite::Connection::open(&self.app.db).unwrap();
        c.query_row(
            "SELECT state, attempts, message_ids, last_error FROM digest_deliveries WHERE digest = 'weekly' AND period_from = ?1",
            [from],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    }

    /// What reached `chat` (answered normally): messages and photos, in order.
    fn delivered(&self, chat: i64) -> Vec<Recorded> {
        self.app
            .fake
            .requests()
            .into_iter()
            .filter(|r| r.ok() && matches!(r.method.as_str(), "sendmessage" | "sendphoto") && r.chat() == Some(chat))
            .collect()
    }
}

/// The digest's messages as the channel shows them, and the photos' file sizes.
fn shown(reqs: &[Recorded]) -> (Vec<String>, Vec<u64>) {
    let texts = reqs.iter().filter(|r| r.method == "sendmessage").map(|r| visible(r.text())).collect();
    let photos = reqs.iter().filter(|r| r.method == "sendphoto").filter_map(|r| r.params["photo"]["size"].as_u64());
    (texts, photos.collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_digest_reaches_the_channel_once_across_a_restart() {
    let target = format!("telegram:{CHANNEL}");
    let mut d = Digesting::start(&target, sh(2024, 6, 2, 12, 0)).await;
    assert!(d.delivered(CHANNEL).is_empty(), "nothing is due before Monday 09:00");

    d.set_now(sh(2024, 6, 3, 9, 0) + chrono::Duration::seconds(20));
    d.wait_state("2024-05-27", "sent").await;
    let got = d.delivered(CHANNEL);
    let (texts, photos) = shown(&got);
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("2024-05-27 to 2024-06-02"), "{}", texts[0]);
    assert!(texts[0].contains("100 masks <N95>"), "user text escaped, shown as typed: {}", texts[0]);
    assert!(got.iter().filter(|r| r.method == "sendmessage").all(|r| r.params["parse_mode"] == "HTML"));
    assert!(got[0].text().starts_with("<b>"), "headings are bold: {}", got[0].text());
    assert!(got[0].text().contains("&lt;N95&gt;"), "user text escaped: {}", got[0].text());
    assert_eq!(photos.len(), 1, "the chart as a photo");
    assert!(photos[0] > 1000, "a PNG, not an empty file");
    assert_eq!(got.last().unwrap().method, "sendphoto", "text first, then the chart");
    // The outbox records Telegram's message ids, in order.
    let ids: Vec<String> = got.iter().map(|r| r.message_id.unwrap().to_string()).collect();
    let (state, attempts, message_ids, _) = d.row("2024-05-27");
    assert_eq!((state.as_str(), attempts), ("sent", 1));
    assert_eq!(serde_json::from_str::<Vec<String>>(&message_ids).unwrap(), ids);

    // Restart (as after SIGTERM) later the same morning: nothing is sent again...
    d.app.stop().await;
    d.set_now(sh(2024, 6, 3, 9, 30));
    d.app.start(Hooks::default());
    // ...and the next week's digest, a week later, is the only new delivery.
    d.set_now(sh(2024, 6, 10, 9, 0) + chrono::Duration::seconds(20));
    d.wait_state("2024-06-03", "sent").await;
    let (texts, photos) = shown(&d.delivered(CHANNEL));
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| t.contains("2024-05-27 to 2024-06-02")).count(), 1);
    assert!(texts[1].contains("2024-06-03 to 2024-06-09"), "{}", texts[1]);
    assert_eq!(photos.len(), 1, "a week with nothing new has no chart");
    assert_eq!(d.app.count("SELECT COUNT(*) FROM digest_deliveries"), 2);
    d.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_and_a_502_are_retried_and_the_digest_delivered() {
    let target = format!("telegram:{CHANNEL}");
    let mut d = Digesting::start(&target, sh(2024, 6, 2, 12, 0)).await;
    d.app.fake.fail("sendMessage", Fault::RetryAfter(5), 1);
    d.app.fake.fail("sendPhoto", Fault::Status(502), 1);
    let fire = sh(2024, 6, 3, 9, 0);
    d.set_now(fire + chrono::Duration::seconds(20));
    // The 429: retried no sooner than the outbox's backoff (1 min), longer than retry_after.
    d.wait_db("attempt 1 failed", "SELECT COUNT(*) FROM digest_deliveries WHERE attempts = 1 AND state = 'pending'", 1)
        .await;
    assert!(d.delivered(CHANNEL).is_empty());
    let (_, _, ids, err) = d.row("2024-05-27");
    assert_eq!(ids, "[]");
    assert!(err.unwrap().contains("429"));
    // The text goes out, then the chart meets a 502: retried after 2 min, the text not sent again.
    d.set_now(fire + chrono::Duration::minutes(2));
    d.wait_db("attempt 2 failed", "SELECT COUNT(*) FROM digest_deliveries WHERE attempts = 2 AND state = 'pending'", 1)
        .await;
    let (_, _, ids, err) = d.row("2024-05-27");
    assert_eq!(serde_json::from_str::<Vec<String>>(&ids).unwrap().len(), 1);
    assert!(err.unwrap().contains("502"));
    d.set_now(fire + chrono::Duration::minutes(5));
    d.wait_state("2024-05-27", "sent").await;
    let (texts, photos) = shown(&d.delivered(CHANNEL));
    assert_eq!((texts.len(), photos.len()), (1, 1), "each part delivered exactly once");
    assert_eq!(d.row("2024-05-27").1, 3);
    assert!(d.app.answers(ADMIN).is_empty(), "a delivered digest is not reported as failed");
    d.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_not_found_fails_at_once_and_the_admin_is_told() {
    // The fake server knows no channel by username: "Bad Request: chat not found".
    let mut d = Digesting::start("telegram:@no_such_channel", sh(2024, 6, 2, 12, 0)).await;
    d.set_now(sh(2024, 6, 3, 9, 0) + chrono::Duration::seconds(20));
    d.wait_state("2024-05-27", "failed").await;
    let (_, attempts, _, err) = d.row("2024-05-27");
    assert_eq!(attempts, 1, "a permanent error is not retried");
    assert!(err.as_deref().unwrap_or("").contains("chat not found"), "{err:?}");
    d.wait_db("the failure reported", "SELECT COUNT(*) FROM digest_deliveries WHERE reported_at IS NOT NULL", 1).await;
    let reports = d.app.answers(ADMIN);
    assert_eq!(reports.len(), 1);
    let text = visible(reports[0].text());
    assert!(text.contains("weekly") && text.contains("chat not found"), "{text}");
    assert!(text.contains("telegram:@no_such_channel"), "{text}");
    d.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_send_from_an_admin_is_delivered_by_the_running_bot() {
    let target = format!("telegram:{CHANNEL}");
    let mut d = Digesting::start(&target, sh(2024, 6, 2, 15, 0)).await;
    let answer = d.app.say(ADMIN, private(ADMIN, "/digest send weekly")).await;
    assert_eq!(answer.len(), 1);
    assert!(visible(answer[0].text()).contains("Queued"), "{}", answer[0].text());
    d.wait_db(
        "the manual digest sent",
        "SELECT COUNT(*) FROM digest_deliveries WHERE origin = 'manual' AND state = 'sent'",
        1,
    )
    .await;
    let (texts, photos) = shown(&d.delivered(CHANNEL));
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("100 masks"), "{}", texts[0]);
    assert_eq!(photos.len(), 1);
    d.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_during_a_send_finishes_and_records_the_message_in_flight() {
    let target = format!("telegram:{CHANNEL}");
    let mut d = Digesting::start(&target, sh(2024, 6, 2, 12, 0)).await;
    d.app.fake.fail("sendPhoto", Fault::Stall(std::time::Duration::from_secs(2)), 1);
    d.set_now(sh(2024, 6, 3, 9, 0) + chrono::Duration::seconds(20));
    d.app.fake.wait_for("the chart on its way", |reqs| reqs.iter().any(|r| r.method == "sendphoto")).await;
    // SIGTERM while the photo is in flight: serve returns only once it was sent and recorded.
    d.app.stop().await;
    let (state, _, ids, _) = d.row("2024-05-27");
    assert_eq!(state, "sent");
    assert_eq!(serde_json::from_str::<Vec<String>>(&ids).unwrap().len(), 2);
    assert_eq!(d.app.count("SELECT COUNT(*) FROM digest_deliveries WHERE possible_duplicate = 1"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_to_a_group_shares_its_messages_a_minute_with_the_answers() {
    // A group allowed 3 messages a minute (Telegram: 20) gets two answers, then its weekly digest (a
    // text and a chart): only the text fits in the minute; the chart waits, it is not sent over.
    let target = format!("telegram:{GROUP}");
    let d = Digesting::start_with(&target, sh(2024, 6, 2, 12, 0), |c| c.telegram.per_group_per_minute = 3).await;
    for i in 0..2 {
        d.app.say(GROUP, in_group(STRANGER + i, "/help@amity_bot")).await;
    }
    d.set_now(sh(2024, 6, 3, 9, 0) + chrono::Duration::seconds(20));
    d.app
        .fake
        .wait_for("the digest's text", |r| {
            r.iter().any(|x| x.method == "sendmessage" && x.chat() == Some(GROUP) && x.text().contains("2024-05-27"))
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let to_group =
        d.app.fake.requests().into_iter().filter(|r| r.chat() == Some(GROUP) && r.method.starts_with("send"));
    let methods: Vec<String> = to_group.map(|r| r.method).collect();
    assert_eq!(methods, ["sendmessage", "sendmessage", "sendmessage"], "two answers and the digest's text only");
    assert_eq!(d.row("2024-05-27").0, "sending", "the chart waits for the group's budget");
}

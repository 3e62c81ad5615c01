//! Commands in rooms and direct chats, invites, staff rights, restarts and outages.

use crate::harness::*;
use matrix_sdk::ruma::UserId;
use std::time::{Duration, Instant};

/// An admin, the bot (running), and a room of the admin's with the bot in it.
async fn admin_room(encrypted: bool, extra: &str) -> (Human, Bot, matrix_sdk::Room) {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let mut bot = Bot::new(hs, &admin.id, extra).await;
    bot.start();
    let room = admin.room(&[&bot.id], encrypted).await;
    admin.until_joined(&room, &bot.id).await;
    (admin, bot, room)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_in_a_room_is_answered_with_a_notice_in_reply_with_html_and_plain_text() {
    let (admin, bot, room) = admin_room(false, "").await;
    let asked = admin.say(&room, "!totals").await;
    let answers = admin.answer_to(&room, &bot.id, &asked).await;
    let a = &answers[0];
    assert_eq!(a["content"]["msgtype"], "m.notice", "{a}");
    assert_eq!(a["content"]["format"], "org.matrix.custom.html", "{a}");
    assert!(html(a).contains("<strong>"), "headings are bold: {}", html(a));
    assert!(!body(a).contains('<'), "the plain body has no markup: {}", body(a));
    assert!(body(a).contains("Totals") || body(a).contains("total"), "{}", body(a));
    // `/cmd` works like `!cmd`; the bot's own notices are never answered.
    let asked = admin.say(&room, "/help").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    let before = admin.from(&room, &bot.id).len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(admin.from(&room, &bot.id).len(), before, "nothing more than the two answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_in_an_encrypted_direct_chat_is_read_and_answered() {
    let (admin, bot, room) = admin_room(true, "").await;
    let asked = admin.say(&room, "!totals").await;
    let answers = admin.answer_to(&room, &bot.id, &asked).await;
    let a = &answers[0];
    assert!(room.latest_encryption_state().await.unwrap().is_encrypted());
    assert_eq!(a["type"], "m.room.message", "the human's client decrypted it: {a}");
    assert_eq!(a["_encrypted"], true, "the answer was sent encrypted: {a}");
    assert!(html(a).contains("<strong>"), "{a}");
    assert!(bot.count("SELECT count(*) FROM inbox WHERE transport = 'matrix' AND answered_at IS NOT NULL") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_from_someone_not_allowed_is_declined() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let stranger = Human::new(hs, "stranger").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    bot.start();
    let theirs = stranger.room(&[&bot.id], false).await;
    let ours = admin.room(&[&bot.id], false).await;
    admin.until_joined(&ours, &bot.id).await;
    let deadline = Instant::now() + DEADLINE;
    loop {
        let m = stranger.membership(&theirs, &bot.id).await;
        if m.as_deref() == Some("leave") {
            break;
        }
        assert!(Instant::now() < deadline, "the stranger's invite was not declined ({m:?}); log:\n{}", bot.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(bot.log().contains("declining the invite"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_is_not_staff_may_read_but_not_log() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let guest = Human::new(hs, "guest").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    bot.start();
    let room = admin.room(&[&bot.id, &guest.id], false).await;
    admin.until_joined(&room, &bot.id).await;
    let r = guest.client.join_room_by_id(room.room_id()).await.unwrap();
    guest.until_joined(&r, &guest.id).await;
    let asked = guest.say(&r, "!donation 2020-03-23 | Germany | 1000 masks").await;
    let a = guest.answer_to(&r, &bot.id, &asked).await;
    assert!(body(&a[0]).to_lowercase().contains("staff"), "refused, naming staff: {}", body(&a[0]));
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 0);
    let asked = guest.say(&r, "!totals").await;
    guest.answer_to(&r, &bot.id, &asked).await;
}

/// Quantities in "Saved D-…" answers (each entry of the burst has its own quantity).
fn acknowledged(h: &Human, room: &matrix_sdk::Room, bot: &UserId) -> Vec<i64> {
    h.from(room, bot)
        .iter()
        .filter_map(|v| {
            let b = body(v);
            let rest = b.strip_prefix("Saved D-")?;
            let q = rest.split(" · ").nth(2)?.split_whitespace().next()?.replace(',', "");
            q.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_then_a_restart_keeps_every_acknowledged_entry_once() {
    let (admin, mut bot, room) = admin_room(false, "").await;
    const N: i64 = 20;
    for i in 0..N {
        admin.say(&room, &format!("!donation 2020-03-23 | Germany | {} masks", 1001 + i)).await;
    }
    admin.until("some entries acknowledged", || acknowledged(&admin, &room, &bot.id).len() >= 3).await;
    bot.kill();
    let before = acknowledged(&admin, &room, &bot.id);
    assert!((before.len() as i64) < N, "killed mid-burst: {} of {N} answered before", before.len());
    bot.start();
    admin
        .until("every entry acknowledged after the restart", || {
            let mut a = acknowledged(&admin, &room, &bot.id);
            a.sort();
            a.dedup();
            a.len() as i64 == N
        })
        .await;
    assert_eq!(bot.count("SELECT count(*) FROM donations"), N, "each entry written once; log:\n{}", bot.log());
    for q in before {
        assert_eq!(bot.count(&format!("SELECT count(*) FROM donation_items WHERE quantity = {q}")), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_sent_while_the_bot_was_down_is_answered_after_it_starts() {
    let (admin, mut bot, room) = admin_room(false, "").await;
    let first = admin.say(&room, "!totals").await;
    admin.answer_to(&room, &bot.id, &first).await;
    bot.stop();
    let asked = admin.say(&room, "!letters").await;
    bot.start();
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    assert_eq!(a.len(), 1, "answered once");
    // The command answered before the stop is not answered again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        admin.from(&room, &bot.id).iter().filter(|v| in_reply_to(v).as_deref() == Some(first.as_str())).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeserver_down_for_30_s_loses_no_command() {
    let hs = Synapse::start();
    let admin = Human::new(&hs, "admin").await;
    let mut bot = Bot::new(&hs, &admin.id, "").await;
    bot.start();
    let room = admin.room(&[&bot.id], false).await;
    admin.until_joined(&room, &bot.id).await;
    let asked = admin.say(&room, "!totals").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    hs.stop();
    tokio::time::sleep(Duration::from_secs(30)).await;
    hs.restart();
    let asked = admin.say(&room, "!letters").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    assert!(bot.log().contains("Matrix sync failed"), "the outage was seen: {}", bot.log());
    bot.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_with_its_chart_is_delivered_to_a_room() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let mut bot = Bot::new(hs, &admin.id, "digest_tick_secs = 1").await;
    let room = admin.room(&[&bot.id], true).await;
    bot.append_config(&format!(
        "[[digest]]\nname = \"weekly\"\ntarget = \"matrix:{}\"\nschedule = \"0 9 * * MON\"\nlanguage = \"en\"\n",
        room.room_id()
    ));
    bot.start();
    admin.until_joined(&room, &bot.id).await;
    let asked = admin.say(&room, &format!("!donation {} | Germany | 500 masks | ¥5,000", yesterday())).await;
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    assert!(body(&a[0]).starts_with("Saved D-"), "{}", body(&a[0]));
    let asked = admin.say(&room, "!digest send weekly").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    admin
        .until("the digest's chart arrived", || {
            admin.from(&room, &bot.id).iter().any(|v| v["content"]["msgtype"] == "m.image")
        })
        .await;
    let from_bot = admin.from(&room, &bot.id);
    let image = from_bot.iter().find(|v| v["content"]["msgtype"] == "m.image").unwrap();
    assert_eq!(image["_encrypted"], true, "the chart is encrypted in an encrypted room: {image}");
    assert!(image["content"]["file"]["url"].as_str().is_some_and(|u| u.starts_with("mxc://")), "{image}");
    let digest = from_bot.iter().find(|v| html(v).contains("<strong>") && in_reply_to(v).is_none());
    assert!(digest.is_some_and(|d| body(d).contains("Germany")), "the digest's text: {from_bot:?}");
    assert_eq!(bot.count("SELECT count(*) FROM digest_deliveries WHERE state = 'sent'"), 1, "{}", bot.log());
}

/// Yesterday in the office's time zone (Shanghai): a day in the period a digest sent now covers.
fn yesterday() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::days(1)).format("%Y-%m-%d").to_string()
}

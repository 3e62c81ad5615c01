//! The reliability list, in-process: redelivery, 429, flood limits per group, 5xx and an
//! unreachable server, stalls, and a panicking handler.

use super::*;
use fake::Fault;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_update_writes_once_and_is_answered_once() {
    let mut app = spawn_app().await;
    let body = private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits");
    let id = app.fake.inject(body.clone());
    app.handled(id).await;
    let read = private(STRANGER, "/totals");
    let rid = app.fake.inject(read.clone());
    app.handled(rid).await;
    // Telegram delivers both again.
    app.fake.redeliver(id, &body);
    app.fake.redeliver(rid, &read);
    // A later message in each chat is answered, so the redeliveries have been through the bot.
    app.say(STAFF, private(STAFF, "/help")).await;
    app.say(STRANGER, private(STRANGER, "/help")).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    let saved = app.fake.sent_to(STAFF).iter().filter(|m| visible(m.text()).starts_with("Saved")).count();
    assert_eq!(saved, 1, "the write was answered twice");
    assert_eq!(app.fake.sent_to(STRANGER).len(), 2, "the read was answered twice (/totals, /help)");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_retry_after_then_delivers() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::RetryAfter(1), 1);
    app.say(STRANGER, private(STRANGER, "/totals")).await;
    let tries: Vec<_> = app.fake.requests().into_iter().filter(|r| r.method == "sendmessage").collect();
    assert_eq!(tries.len(), 2, "one refused, one delivered");
    assert!(!tries[0].ok() && tries[1].ok());
    assert_eq!(tries[0].params["text"], tries[1].params["text"]);
    assert!(tries[1].at.duration_since(tries[0].at) >= Duration::from_secs(1), "did not wait retry_after");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_more_than_20_messages_a_minute_to_one_group() {
    let mut app = spawn_with(
        |c| {
            c.telegram.per_group_per_minute = 20;
            c.telegram.shutdown_grace_secs = 1;
        },
        Hooks::default(),
    )
    .await;
    for i in 0..25 {
        app.fake.inject(in_group(STRANGER + i, "/help@amity_bot"));
    }
    app.fake.wait_for("20 answers in the group", |r| r.iter().filter(|x| is_answer(x, GROUP)).count() >= 20).await;
    // Other chats are still answered meanwhile.
    app.say(STAFF, private(STAFF, "/help")).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let group: Vec<_> = app.answers(GROUP);
    let first = group[0].at;
    let in_first_minute = group.iter().filter(|m| m.at.duration_since(first) < Duration::from_secs(60)).count();
    assert_eq!(in_first_minute, 20, "the group got {in_first_minute} messages within a minute");
    app.stop().await;
    // The rest were not lost: they wait in the inbox for the next start.
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND answered_at IS NULL"), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_survives_a_server_error_without_losing_updates() {
    let mut app = spawn_app().await;
    app.say(STRANGER, private(STRANGER, "/help")).await;
    // The next long poll fails with 500 (teloxide then sleeps 10 s); updates queue meanwhile.
    app.fake.fail("getUpdates", Fault::Status(500), 1);
    app.fake.wait_for("the failing poll", |r| r.iter().any(|x| x.method == "getupdates" && !x.ok())).await;
    let a = app.fake.inject(private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits"));
    let b = app.fake.inject(private(STRANGER, "/totals"));
    app.handled(a).await;
    app.handled(b).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    assert_eq!(app.fake.sent_to(STRANGER).len(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_gateway_on_send_is_retried() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::Status(502), 1);
    let sent = app.say(STAFF, private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits")).await;
    assert!(visible(sent.last().unwrap().text()).starts_with("Saved D-"));
    let tries: Vec<_> = app.fake.requests().into_iter().filter(|r| r.method == "sendmessage").collect();
    assert_eq!(tries.len(), 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_costs_little_and_loses_nothing() {
    let mut app = spawn_app().await;
    app.say(STRANGER, private(STRANGER, "/help")).await;
    app.fake.set_down(true);
    let ids = [
        app.fake.inject(private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits")),
        app.fake.inject(private(STRANGER, "/totals")),
        app.fake.inject(in_group(STRANGER, "/totals")),
    ];
    tokio::time::sleep(Duration::from_secs(4)).await;
    let attempts = app.fake.state.refused.load(std::sync::atomic::Ordering::SeqCst);
    // A busy loop would make thousands of attempts in 4 s; backoff (0.5 s, 1 s, 2 s, …) makes a
    // handful of polls, each of which the HTTP client may try on a couple of connections.
    assert!((1..=40).contains(&attempts), "{attempts} connection attempts while down");
    app.fake.set_down(false);
    for id in ids {
        app.handled(id).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    assert_eq!(app.fake.sent_to(STRANGER).len(), 2);
    assert_eq!(app.fake.sent_to(GROUP).len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_chat_does_not_hold_up_the_others() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::Stall(Duration::from_secs(3)), 1);
    app.fake.inject(private(STAFF, "/help"));
    app.fake.wait_for("the stalled send", |r| r.iter().any(|x| x.method == "sendmessage")).await;
    app.say(STRANGER, private(STRANGER, "/help")).await;
    let staff = app.fake.requests().into_iter().find(|r| r.method == "sendmessage" && r.chat() == Some(STAFF)).unwrap();
    assert!(staff.message_id.is_none(), "the other chat waited for the stalled one");
    app.fake
        .wait_for("the stalled answer", |r| r.iter().any(|x| x.chat() == Some(STAFF) && x.message_id.is_some()))
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_does_not_make_the_bot_deaf() {
    let hooks = Hooks {
        handler: Some(Arc::new(|core: &Core, req: &Request| {
            if req.text == "/boom" {
                panic!("a bug in a handler");
            }
            core.handle(req)
        })),
    };
    let mut app = spawn_with(|_| {}, hooks).await;
    let sent = app.say(STAFF, private(STAFF, "/boom")).await;
    assert!(visible(sent[0].text()).contains("went wrong"), "{}", sent[0].text());
    // The same chat and other chats are answered afterwards.
    assert!(!app.say(STAFF, private(STAFF, "/help")).await.is_empty());
    assert!(!app.say(STRANGER, private(STRANGER, "/totals")).await.is_empty());
    assert!(!app.say(GROUP, in_group(STRANGER, "/totals")).await.is_empty());
    // The poisoned update is marked answered: a restart will not replay it.
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND answered_at IS NULL"), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_whose_html_telegram_refuses_is_sent_again_as_plain_text() {
    let hooks = Hooks {
        handler: Some(Arc::new(|core: &Core, req: &Request| {
            if req.text == "/odd" {
                let mut r = amity::render::Reply::new();
                r.heading("Odd heading");
                r.line("a < b & c");
                r
            } else {
                core.handle(req)
            }
        })),
    };
    let mut app = spawn_with(|_| {}, hooks).await;
    app.fake.reject_html("<b>Odd heading</b>");
    let sent = app.say(STRANGER, private(STRANGER, "/odd")).await;
    let tries: Vec<_> = app.fake.requests().into_iter().filter(|r| r.method == "sendmessage").collect();
    assert_eq!(tries.len(), 2, "refused once, then sent plain");
    assert!(!tries[0].ok() && tries[0].params["parse_mode"] == "HTML");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].params.get("parse_mode").is_none(), "the fallback still asked for HTML");
    assert_eq!(sent[0].text(), "Odd heading\na < b & c", "the plain text is what the HTML showed");
    // Other replies are still HTML.
    let next = app.say(STRANGER, private(STRANGER, "/help")).await;
    assert_eq!(next[0].params["parse_mode"], "HTML");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_chat_lane_is_closed_and_the_chat_is_answered_in_order_after() {
    // Lanes close after a second idle here (five minutes by default).
    let mut app = spawn_with(|c| c.telegram.lane_idle_secs = 1, Hooks::default()).await;
    app.say(STAFF, private(STAFF, "/totals")).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Another chat's update sweeps the idle lanes.
    app.say(STRANGER, private(STRANGER, "/totals")).await;
    // The first chat again, three messages at once: a new lane answers them, in order.
    let before = app.answers(STAFF).len();
    let ids: Vec<i64> = ["/help", "/letters", "/totals"].iter().map(|t| app.fake.inject(private(STAFF, t))).collect();
    for id in &ids {
        app.handled(*id).await;
    }
    let texts: Vec<String> = app.answers(STAFF).iter().skip(before).map(|r| visible(r.text())).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts[1].contains("Letters") && texts[2].contains("Totals"), "in order: {texts:?}");
    app.stop().await;
}

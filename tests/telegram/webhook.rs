//! Webhook mode: the fake Bot API server records `setWebhook`; the tests post updates to the bot's
//! webhook server as Telegram would (with and without the secret token, twice), in-process and with
//! the real binary (SIGTERM).

use super::*;
use amity::transport::telegram::Mode;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const HOOK_PATH: &str = "/tg/amity-hook";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Posts `body` to the webhook as Telegram does; returns the HTTP status.
async fn post(port: u16, path: &str, secret: Option<&str>, body: &Value) -> u16 {
    let body = body.to_string();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(s) = secret {
        head.push_str(&format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut sock = loop {
        match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            Ok(s) => break s,
            Err(e) => {
                assert!(std::time::Instant::now() < deadline, "webhook server not reachable: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    sock.write_all(format!("{head}\r\n{body}").as_bytes()).await.unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).await.unwrap();
    answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// A full update as Telegram posts it.
fn update(id: i64, body: Value) -> Value {
    let mut u = body;
    u["update_id"] = json!(id);
    u
}

async fn webhook_app(port: u16) -> App {
    let app = spawn_with(
        |cfg| {
            cfg.telegram.mode = Mode::Webhook;
            cfg.telegram.webhook_listen = Some(format!("127.0.0.1:{port}"));
            cfg.telegram.webhook_url = Some(format!("https://bot.example.org{HOOK_PATH}"));
        },
        Hooks::default(),
    )
    .await;
    app.fake.wait_for("setWebhook", |r| r.iter().any(|x| x.method == "setwebhook" && x.ok())).await;
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_is_set_with_the_secret_and_refuses_requests_without_it() {
    let port = free_port();
    let mut app = webhook_app(port).await;
    let set = app.fake.calls("setwebhook");
    assert_eq!(set.len(), 1);
    assert_eq!(set[0].params["url"], format!("https://bot.example.org{HOOK_PATH}"));
    assert_eq!(set[0].params["secret_token"], WEBHOOK_SECRET);
    let allowed: Vec<&str> =
        set[0].params["allowed_updates"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(allowed.contains(&"message") && allowed.contains(&"callback_query"), "{allowed:?}");
    assert!(app.fake.calls("deletewebhook").is_empty(), "webhook mode deleted its own webhook");
    assert!(app.fake.calls("getupdates").is_empty(), "webhook mode polled");

    let before = app.ledger_counts();
    let write = update(9001, private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits"));
    assert_eq!(post(port, HOOK_PATH, None, &write).await, 403, "no secret");
    assert_eq!(post(port, HOOK_PATH, Some("wrong-secret"), &write).await, 403, "wrong secret");
    assert_eq!(post(port, HOOK_PATH, Some(&WEBHOOK_SECRET[1..]), &write).await, 403, "a prefix of the secret");
    assert_eq!(post(port, "/elsewhere", Some(WEBHOOK_SECRET), &write).await, 404, "another path");
    // Something else is answered, so a refused update would have been handled by now.
    let read = update(9002, private(STRANGER, "/help"));
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &read).await, 200);
    app.handled(9002).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND event_id = '9001'"),
        0,
        "a refused update was stored"
    );
    assert_eq!(app.ledger_counts(), before, "a refused update wrote");
    assert!(app.fake.sent_to(STAFF).is_empty(), "a refused update was answered");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_posted_twice_is_stored_before_200_and_handled_once() {
    let port = free_port();
    let mut app = webhook_app(port).await;
    let write = update(9101, private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits"));
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &write).await, 200);
    // Acknowledged with 200: already in the inbox.
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND event_id = '9101'"), 1);
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &write).await, 200, "a repeat is acknowledged");
    app.handled(9101).await;
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &write).await, 200, "a late repeat too");
    // A later message of the same chat is answered after the repeats went through the bot.
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &update(9102, private(STAFF, "/help"))).await, 200);
    app.handled(9102).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1, "written twice");
    let saved = app.fake.sent_to(STAFF).iter().filter(|m| visible(m.text()).starts_with("Saved D-")).count();
    assert_eq!(saved, 1, "answered twice");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_mode_deletes_the_webhook_at_start() {
    let mut app = spawn_app().await;
    app.fake
        .wait_for("deleteWebhook before polling", |r| {
            let del = r.iter().position(|x| x.method == "deletewebhook" && x.ok());
            let poll = r.iter().position(|x| x.method == "getupdates");
            matches!((del, poll), (Some(d), Some(p)) if d < p)
        })
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_in_webhook_mode_answers_what_it_holds_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("amity.db");
    let config = dir.path().join("amity.toml");
    let port = free_port();
    std::fs::write(
        &config,
        format!(
            "[database]\npath = {:?}\n[telegram]\nmode = \"webhook\"\nwebhook_listen = \"127.0.0.1:{port}\"\nwebhook_url = \"https://bot.example.org{HOOK_PATH}\"\nmax_backoff_secs = 2\nper_chat_per_second = 1000\nper_group_per_minute = 1000\noverall_per_second = 1000\n",
            db.to_str().unwrap()
        ),
    )
    .unwrap();
    let fake = Fake::start().await;
    let log_path = dir.path().join("serve.log");
    let mut bot = Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(["serve", "--config", config.to_str().unwrap()])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &fake.url)
        .env("AMITY_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("amity serve starts");
    fake.wait_for("setWebhook", |r| r.iter().any(|x| x.method == "setwebhook" && x.ok())).await;
    // The answer will be in flight (the server holds it for 2 s) when SIGTERM arrives.
    fake.fail("sendMessage", fake::Fault::Stall(Duration::from_secs(2)), 1);
    assert_eq!(post(port, HOOK_PATH, Some(WEBHOOK_SECRET), &update(9201, private(STRANGER, "/totals"))).await, 200);
    fake.wait_for("the answer in flight", |r| r.iter().any(|x| x.method == "sendmessage")).await;
    Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().unwrap();
    let status = bot.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(status.success(), "exit status {status}\n{log}");
    assert!(!log.contains(TOKEN), "the token was printed");
    assert!(!log.contains(WEBHOOK_SECRET), "the webhook secret was printed");
    let answer = fake.sent_to(STRANGER);
    assert_eq!(answer.len(), 1);
    assert!(answer[0].message_id.is_some(), "the in-flight answer was cut off");
    let c = rusqlite::Connection::open(&db).unwrap();
    let answered: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND event_id = '9201' AND answered_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(answered, 1);
}

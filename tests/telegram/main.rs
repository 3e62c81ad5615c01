//! Telegram, end to end: the real `serve` (the function `amity serve` runs) against a fake Bot API
//! server on 127.0.0.1, driven as users would (private chats, groups, buttons, edits, channel posts)
//! and through every fault of the issue. Assertions are on the requests the bot made and on the
//! SQLite file, never on time.

#[path = "../support/bulk.rs"]
mod bulk;
mod digests;
mod fake;
mod process;
mod regression;
mod reliability;
mod users;
mod webhook;

use amity::transport::telegram::{self, Hooks, Options, Token};
use amity::{Config, Core, Request};
use fake::{BOT_ID, Fake, TOKEN};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Staff member's Telegram id.
pub const STAFF: i64 = 123_456_789;
pub const STAFF_USERNAME: &str = "li_wei";
/// Someone who is not staff.
pub const STRANGER: i64 = 987_654_321;
/// An admin from the config.
pub const ADMIN: i64 = 111_222_333;
/// A supergroup.
pub const GROUP: i64 = -1_001_234_567_890;
/// The webhook's secret token in webhook-mode tests.
pub const WEBHOOK_SECRET: &str = "s3cret-Webhook_token";

pub struct App {
    pub fake: Fake,
    pub core: Arc<Core>,
    pub db: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Test defaults: short long polls and backoff, flood limits high enough not to slow tests.
pub fn test_config(db: PathBuf) -> Config {
    let mut cfg = Config::default();
    cfg.database.path = db;
    cfg.access.admins = vec![ADMIN.to_string()];
    cfg.telegram.poll_timeout_secs = 1;
    cfg.telegram.max_backoff_secs = 2;
    cfg.telegram.per_chat_per_second = 1000;
    cfg.telegram.per_group_per_minute = 1000;
    cfg.telegram.overall_per_second = 1000;
    cfg.telegram.shutdown_grace_secs = 20;
    cfg
}

pub async fn spawn_app() -> App {
    spawn_with(|_| {}, Hooks::default()).await
}

pub async fn spawn_with(f: impl FnOnce(&mut Config), hooks: Hooks) -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("amity.db");
    let mut cfg = test_config(db.clone());
    f(&mut cfg);
    let core = Arc::new(Core::open(cfg).expect("core opens"));
    let r = core.handle(&Request::console(format!("/staff add {STAFF} staff Li Wei")));
    assert!(r.is_ok(), "{}", r.plain());
    let fake = Fake::start().await;
    let mut app = App { fake, core, db, stop: None, handle: None, _dir: dir };
    app.start(hooks);
    app
}

impl App {
    /// Starts (or restarts) the bot against the fake server.
    pub fn start(&mut self, hooks: Hooks) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let opts = Options {
            token: Token::new(TOKEN),
            api_url: Some(self.fake.url.clone()),
            webhook_secret: Some(Token::new(WEBHOOK_SECRET)),
        };
        let core = self.core.clone();
        self.handle = Some(tokio::spawn(telegram::serve(core, opts, hooks, async move {
            let _ = rx.await;
        })));
        self.stop = Some(tx);
    }

    /// Stops the bot as SIGTERM would, and waits for `serve` to return.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.expect("serve task").expect("serve returns Ok");
        }
    }

    pub fn count(&self, sql: &str) -> i64 {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        c.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Row counts of the ledger tables a refused command must not change.
    pub fn ledger_counts(&self) -> Vec<i64> {
        ["donations", "letters", "events", "receptions", "partners", "changes", "staff", "dialogues"]
            .iter()
            .map(|t| self.count(&format!("SELECT COUNT(*) FROM {t}")))
            .collect()
    }

    /// Injects an update, waits until the bot has answered it, and returns the messages sent or
    /// edited in `chat` since.
    pub async fn say(&self, chat: i64, update: Value) -> Vec<fake::Recorded> {
        let before = self.answers(chat).len();
        let id = self.fake.inject(update);
        // Marked answered once every part of the answer was sent.
        self.handled(id).await;
        self.answers(chat).into_iter().skip(before).collect()
    }

    pub fn answers(&self, chat: i64) -> Vec<fake::Recorded> {
        self.fake.requests().into_iter().filter(|x| is_answer(x, chat)).collect()
    }

    /// Waits until the bot has marked `update_id` answered (also for updates it rightly ignores).
    pub async fn handled(&self, update_id: i64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let n = self.count(&format!(
                "SELECT COUNT(*) FROM inbox WHERE transport = 'telegram' AND event_id = '{update_id}' AND answered_at IS NOT NULL"
            ));
            if n == 1 {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "update {update_id} never handled");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub fn is_answer(r: &fake::Recorded, chat: i64) -> bool {
    r.ok() && matches!(r.method.as_str(), "sendmessage" | "editmessagetext") && r.chat() == Some(chat)
}

static MESSAGE_ID: AtomicI64 = AtomicI64::new(1000);

fn next_message_id() -> i64 {
    MESSAGE_ID.fetch_add(1, Ordering::SeqCst)
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

pub fn user(id: i64, lang: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": "User", "last_name": format!("{id}"),
           "username": format!("user{id}"), "language_code": lang})
}

pub fn private_chat(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": "User"})
}

pub fn group_chat(id: i64) -> Value {
    json!({"id": id, "type": "supergroup", "title": "Outreach team"})
}

fn entities(text: &str) -> Value {
    if text.starts_with('/') {
        let len = text.split_whitespace().next().unwrap_or("").encode_utf16().count();
        json!([{"type": "bot_command", "offset": 0, "length": len}])
    } else {
        json!([])
    }
}

/// A text message from `from` in `chat`, as the Bot API's Message object.
pub fn message(from: Value, chat: Value, text: &str) -> Value {
    json!({"message_id": next_message_id(), "date": now(), "chat": chat, "from": from,
           "text": text, "entities": entities(text)})
}

/// A private message (update body).
pub fn private(user_id: i64, text: &str) -> Value {
    json!({"message": message(user(user_id, "en"), private_chat(user_id), text)})
}

/// A group message (update body).
pub fn in_group(user_id: i64, text: &str) -> Value {
    json!({"message": message(user(user_id, "en"), group_chat(GROUP), text)})
}

/// A button press on a bot message in `chat`.
pub fn press(user_id: i64, chat: Value, message_id: i64, data: &str) -> Value {
    json!({"callback_query": {
        "id": format!("cq{}", next_message_id()),
        "from": user(user_id, "en"),
        "message": {"message_id": message_id, "date": now(), "chat": chat,
                    "from": {"id": BOT_ID, "is_bot": true, "first_name": "Amity", "username": fake::BOT_USERNAME},
                    "text": "question"},
        "chat_instance": "8428209101",
        "data": data
    }})
}

/// The HTML text with Telegram's entities decoded and the allowed tags removed: what a person sees.
pub fn visible(html: &str) -> String {
    let mut out = html.to_string();
    for tag in ["<b>", "</b>", "<i>", "</i>"] {
        out = out.replace(tag, "");
    }
    assert!(!out.contains('<') && !out.contains('>'), "unescaped markup in {html:?}");
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The inline keyboard's buttons (text, callback_data) of a recorded request.
pub fn buttons(r: &fake::Recorded) -> Vec<(String, String)> {
    r.params["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                .map(|b| {
                    (
                        b["text"].as_str().unwrap_or("").to_string(),
                        b["callback_data"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

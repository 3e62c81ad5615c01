//! A fake Telegram Bot API server, written from the Bot API documentation (its methods, parameters and
//! JSON objects), not from teloxide's types, so that a mismatch shows up as a failing test.
//!
//! It serves `/bot<TOKEN>/<method>` on 127.0.0.1 with method names compared case-insensitively,
//! records every request (method, parameters, when), lets a test inject updates and misbehave on
//! purpose: 429 with `retry_after`, 500/502, stalls, dropped connections (the server "down"), and
//! redelivery of an update already confirmed.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, broadcast};

pub const TOKEN: &str = "123456:TEST-token-never-printed";
pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_USERNAME: &str = "amity_bot";

/// One request the bot made.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Lower case, e.g. "sendmessage".
    pub method: String,
    pub params: Value,
    pub at: Instant,
    /// The fault answered instead of a normal result, if any.
    pub fault: Option<String>,
    /// The id of the message sent or edited, once answered.
    pub message_id: Option<i64>,
}

impl Recorded {
    pub fn chat(&self) -> Option<i64> {
        match &self.params["chat_id"] {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn text(&self) -> &str {
        self.params["text"].as_str().unwrap_or("")
    }

    pub fn ok(&self) -> bool {
        self.fault.is_none()
    }
}

/// A way to misbehave, for the next request(s) to one method.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 Too Many Requests with `parameters.retry_after` seconds.
    RetryAfter(u64),
    /// A 5xx answer: 500 with a JSON error, 502 with an HTML page (as a proxy would).
    Status(u16),
    /// Waits this long, then answers normally.
    Stall(Duration),
}

#[derive(Default)]
struct Inner {
    /// Updates not yet confirmed, in id order (a deque: an offset confirms a prefix, which a backlog of
    /// 200,000 must not shift each time).
    queue: std::collections::VecDeque<Value>,
    /// Updates to deliver once more whatever the offset (redelivery).
    forced: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    requests: Vec<Recorded>,
    faults: HashMap<String, VecDeque<Fault>>,
    chats: HashMap<i64, Value>,
    /// Messages sent per chat (answered normally).
    sent: HashMap<i64, usize>,
    /// Watchers of a chat's count of messages sent (load generators wait on these, not by polling).
    sent_watch: HashMap<i64, tokio::sync::watch::Sender<usize>>,
    /// HTML texts containing one of these are refused as unparsable (400 "can't parse entities").
    rejected_html: Vec<String>,
    /// Files users sent, by file_id: (file_path, bytes).
    files: HashMap<String, (String, Vec<u8>)>,
}

pub struct FakeState {
    inner: Mutex<Inner>,
    news: Notify,
    down: AtomicBool,
    kill: broadcast::Sender<()>,
    /// Connections refused while down.
    pub refused: AtomicUsize,
    /// Whether requests are recorded (off for load tests, where only counts matter).
    pub recording: AtomicBool,
}

pub struct Fake {
    pub url: String,
    pub port: u16,
    pub state: Arc<FakeState>,
}

impl Fake {
    pub async fn start() -> Fake {
        Fake::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Fake {
        let (kill, _) = broadcast::channel(4);
        let state = Arc::new(FakeState {
            inner: Mutex::new(Inner { next_update_id: 100, next_message_id: 1, ..Default::default() }),
            news: Notify::new(),
            down: AtomicBool::new(false),
            kill,
            refused: AtomicUsize::new(0),
            recording: AtomicBool::new(true),
        });
        let app = Router::new()
            .route("/file/{bot}/{*path}", axum::routing::get(download))
            .route("/{bot}/{method}", axum::routing::any(handle))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind fake server");
        let port = listener.local_addr().unwrap().port();
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { continue };
                if st.down.load(Ordering::SeqCst) {
                    st.refused.fetch_add(1, Ordering::SeqCst);
                    drop(sock);
                    continue;
                }
                let svc = TowerToHyperService::new(app.clone());
                let mut kill = st.kill.subscribe();
                tokio::spawn(async move {
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let conn = builder.serve_connection(TokioIo::new(sock), svc);
                    // Dropping the connection closes the socket mid-request: a network error.
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.recv() => {}
                    }
                });
            }
        });
        Fake { url: format!("http://127.0.0.1:{port}/"), port, state }
    }

    /// Keeps a file a user sends, as Telegram's servers would; returns the Document object a message
    /// carries (`getFile` then gives its path, `/file/bot<token>/<path>` its bytes).
    pub fn put_file(&self, file_name: &str, bytes: &[u8]) -> Value {
        let mut i = self.state.inner.lock().unwrap();
        let n = i.files.len() + 1;
        let id = format!("BQACAgIAAxkBAAI{n:04}");
        i.files.insert(id.clone(), (format!("documents/file_{n}.bin"), bytes.to_vec()));
        json!({"file_id": id, "file_unique_id": format!("AgAD{n:04}"), "file_name": file_name,
               "mime_type": "application/octet-stream", "file_size": bytes.len()})
    }

    /// Queues an update (the JSON object without `update_id`); returns its id.
    pub fn inject(&self, mut update: Value) -> i64 {
        let id = {
            let mut i = self.state.inner.lock().unwrap();
            let id = i.next_update_id;
            i.next_update_id += 1;
            update["update_id"] = json!(id);
            remember_chats(&mut i, &update);
            i.queue.push_back(update);
            id
        };
        self.state.news.notify_waiters();
        id
    }

    /// Delivers an update again, even if its offset was confirmed (Telegram's at-least-once).
    pub fn redeliver(&self, update_id: i64, update: &Value) {
        let mut u = update.clone();
        u["update_id"] = json!(update_id);
        self.state.inner.lock().unwrap().forced.push(u);
        self.state.news.notify_waiters();
    }

    /// The next `n` requests to `method` get `fault`.
    pub fn fail(&self, method: &str, fault: Fault, n: usize) {
        let mut i = self.state.inner.lock().unwrap();
        let q = i.faults.entry(method.to_lowercase()).or_default();
        for _ in 0..n {
            q.push_back(fault.clone());
        }
    }

    /// Down: new connections are dropped and open ones cut. Up again with `false`.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
        if down {
            let _ = self.state.kill.send(());
        }
    }

    /// From now on, sendMessage and editMessageText in HTML whose text contains `fragment` are
    /// refused with 400 "Bad Request: can't parse entities: …", as Telegram refuses markup it cannot parse.
    pub fn reject_html(&self, fragment: &str) {
        self.state.inner.lock().unwrap().rejected_html.push(fragment.to_string());
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.inner.lock().unwrap().requests.clone()
    }

    /// Successful requests to `method` (lower case).
    pub fn calls(&self, method: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.ok()).collect()
    }

    /// Messages sent (sendMessage, answered normally) to one chat.
    pub fn sent_to(&self, chat: i64) -> Vec<Recorded> {
        self.calls("sendmessage").into_iter().filter(|r| r.chat() == Some(chat)).collect()
    }

    /// The count of messages sent to `chat`, as it changes (a load generator waits on it instead of
    /// polling, which would cost the machine both bots share).
    pub fn watch_sent(&self, chat: i64) -> tokio::sync::watch::Receiver<usize> {
        let mut i = self.state.inner.lock().unwrap();
        let now = i.sent.get(&chat).copied().unwrap_or(0);
        i.sent_watch.entry(chat).or_insert_with(|| tokio::sync::watch::channel(now).0).subscribe()
    }

    /// Messages sent to every chat together.
    pub fn total_sent(&self) -> usize {
        self.state.inner.lock().unwrap().sent.values().sum()
    }

    /// Updates still unconfirmed.
    pub fn unconfirmed(&self) -> Vec<i64> {
        self.state.inner.lock().unwrap().queue.iter().filter_map(|u| u["update_id"].as_i64()).collect()
    }

    /// Waits (up to a generous deadline) until `pred` holds over the recorded requests.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Recorded]) -> bool) -> Vec<Recorded> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let reqs = self.requests();
            if pred(&reqs) {
                return reqs;
            }
            if Instant::now() > deadline {
                let log: Vec<String> = reqs
                    .iter()
                    .map(|r| format!("{} {:?} {}", r.method, r.fault, short(&r.params.to_string())))
                    .collect();
                panic!("timed out waiting for: {what}\nrequests:\n{}", log.join("\n"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

fn remember_chats(i: &mut Inner, update: &Value) {
    for k in ["message", "edited_message", "channel_post", "edited_channel_post"] {
        if let Some(chat) = update[k].get("chat")
            && let Some(id) = chat["id"].as_i64()
        {
            i.chats.insert(id, chat.clone());
        }
    }
    if let Some(chat) = update["callback_query"]["message"].get("chat")
        && let Some(id) = chat["id"].as_i64()
    {
        i.chats.insert(id, chat.clone());
    }
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: StatusCode, description: &str) -> Response {
    (status, axum::Json(json!({"ok": false, "error_code": status.as_u16(), "description": description})))
        .into_response()
}

/// The request's parameters: JSON body, form or multipart (files recorded by name and size).
async fn params(req: Request) -> Value {
    let ct = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if ct.starts_with("multipart/form-data") {
        let mut out = serde_json::Map::new();
        if let Ok(mut mp) = Multipart::from_request(req, &()).await {
            while let Ok(Some(field)) = mp.next_field().await {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.unwrap_or_default();
                let v = match file_name {
                    Some(f) => json!({"file_name": f, "size": bytes.len()}),
                    None => {
                        let s = String::from_utf8_lossy(&bytes).to_string();
                        serde_json::from_str(&s).unwrap_or(Value::String(s))
                    }
                };
                out.insert(name, v);
            }
        }
        return Value::Object(out);
    }
    let bytes: Bytes = axum::body::to_bytes(req.into_body(), 64 << 20).await.unwrap_or_default();
    if bytes.is_empty() {
        return json!({});
    }
    serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        // application/x-www-form-urlencoded
        let s = String::from_utf8_lossy(&bytes);
        let map: serde_json::Map<String, Value> = s
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        Value::Object(map)
    })
}

/// `GET /file/bot<token>/<file_path>`: a file's bytes (recorded as method "download").
async fn download(State(st): State<Arc<FakeState>>, Path((bot, path)): Path<(String, String)>) -> Response {
    if bot != format!("bot{TOKEN}") {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let mut i = st.inner.lock().unwrap();
    i.requests.push(Recorded {
        method: "download".into(),
        params: json!({"file_path": path}),
        at: Instant::now(),
        fault: None,
        message_id: None,
    });
    match i.files.values().find(|(p, _)| *p == path) {
        Some((_, bytes)) => (StatusCode::OK, bytes.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Amity", "username": BOT_USERNAME})
}

async fn handle(
    State(st): State<Arc<FakeState>>,
    Path((bot, method)): Path<(String, String)>,
    _headers: HeaderMap,
    req: Request,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let method = method.to_lowercase();
    let params = params(req).await;
    let fault = {
        let mut i = st.inner.lock().unwrap();
        let fault = i.faults.get_mut(&method).and_then(VecDeque::pop_front);
        let label = match &fault {
            Some(Fault::Stall(_)) | None => None,
            Some(f) => Some(format!("{f:?}")),
        };
        // Not recording (load runs): nothing is kept, so the server costs the machine as little as it can.
        let index = st.recording.load(Ordering::Relaxed).then(|| {
            i.requests.push(Recorded {
                method: method.clone(),
                params: params.clone(),
                at: Instant::now(),
                fault: label,
                message_id: None,
            });
            i.requests.len() - 1
        });
        (fault, index)
    };
    let (fault, index) = fault;
    let response = answer(&st, &method, &params, fault).await;
    if let (Some(id), Some(index)) = (response.1, index) {
        st.inner.lock().unwrap().requests[index].message_id = Some(id);
    }
    if response.0.status() == StatusCode::BAD_REQUEST
        && let Some(index) = index
        && let Some(r) = st.inner.lock().unwrap().requests.get_mut(index)
    {
        // Refused: not a message sent.
        r.fault.get_or_insert_with(|| "400 Bad Request".into());
    }
    response.0
}

async fn answer(st: &Arc<FakeState>, method: &str, params: &Value, fault: Option<Fault>) -> (Response, Option<i64>) {
    let r = answer_inner(st, method, params, fault).await;
    let id = match &r {
        Ok(m) => m["message_id"].as_i64(),
        Err(_) => None,
    };
    let response = match r {
        Ok(v) => ok(v),
        Err(resp) => resp,
    };
    (response, id)
}

async fn answer_inner(
    st: &Arc<FakeState>,
    method: &str,
    params: &Value,
    fault: Option<Fault>,
) -> Result<Value, Response> {
    match fault {
        Some(Fault::RetryAfter(s)) => {
            return Err((
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {s}"),
                    "parameters": {"retry_after": s}})),
            )
                .into_response());
        }
        Some(Fault::Status(502)) => {
            return Err((StatusCode::BAD_GATEWAY, "<html><body><h1>502 Bad Gateway</h1></body></html>").into_response());
        }
        // What the Bot API answers to a file larger than it takes.
        Some(Fault::Status(413)) => return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")),
        Some(Fault::Status(code)) => {
            let s = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Err(error(s, "Internal Server Error"));
        }
        Some(Fault::Stall(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    match method {
        "getme" => Ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Amity", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false
        })),
        "getupdates" => Ok(get_updates(st, params).await),
        "sendmessage" => {
            let Some(chat) = chat_of(st, params) else {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: chat not found"));
            };
            let text = params["text"].as_str().unwrap_or("");
            if text.is_empty() {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: message text is empty"));
            }
            if text_len_after_parse(text, params) > 4096 {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: message is too long"));
            }
            if params["parse_mode"] == "HTML" && (!valid_html(text) || rejected(st, text)) {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: can't parse entities: unsupported start tag"));
            }
            let mut m = message(st, chat);
            if let Some(id) = m["chat"]["id"].as_i64() {
                let mut i = st.inner.lock().unwrap();
                let n = {
                    let n = i.sent.entry(id).or_default();
                    *n += 1;
                    *n
                };
                if let Some(w) = i.sent_watch.get(&id) {
                    w.send_replace(n);
                }
            }
            m["text"] = json!(text);
            if let Some(kb) = params.get("reply_markup") {
                m["reply_markup"] = kb.clone();
            }
            Ok(m)
        }
        "editmessagetext" => {
            let Some(chat) = chat_of(st, params) else {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: chat not found"));
            };
            let text = params["text"].as_str().unwrap_or("");
            if params["parse_mode"] == "HTML" && (!valid_html(text) || rejected(st, text)) {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: can't parse entities: unsupported start tag"));
            }
            let mut m = message(st, chat);
            m["message_id"] = params["message_id"].clone();
            m["text"] = params["text"].clone();
            m["edit_date"] = json!(now());
            Ok(m)
        }
        "editmessagereplymarkup" => {
            let Some(chat) = chat_of(st, params) else {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: chat not found"));
            };
            let mut m = message(st, chat);
            m["message_id"] = params["message_id"].clone();
            if let Some(kb) = params.get("reply_markup") {
                m["reply_markup"] = kb.clone();
            }
            m["edit_date"] = json!(now());
            Ok(m)
        }
        "sendphoto" => {
            let Some(chat) = chat_of(st, params) else {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: chat not found"));
            };
            let mut m = message(st, chat);
            m["photo"] = json!([{"file_id": "ph1", "file_unique_id": "u1", "width": 640, "height": 480}]);
            Ok(m)
        }
        "senddocument" => {
            let Some(chat) = chat_of(st, params) else {
                return Err(error(StatusCode::BAD_REQUEST, "Bad Request: chat not found"));
            };
            let mut m = message(st, chat);
            m["document"] = json!({"file_id": "doc1", "file_unique_id": "u2",
                "file_name": params["document"]["file_name"].as_str().unwrap_or("file")});
            Ok(m)
        }
        "getfile" => {
            let id = params["file_id"].as_str().unwrap_or("");
            let i = st.inner.lock().unwrap();
            match i.files.get(id) {
                Some((path, bytes)) => Ok(json!({"file_id": id, "file_unique_id": "AgADuniq",
                    "file_size": bytes.len(), "file_path": path})),
                None => Err(error(StatusCode::BAD_REQUEST, "Bad Request: invalid file_id")),
            }
        }
        "answercallbackquery" | "setmycommands" | "deletemycommands" | "deletewebhook" | "setwebhook" => {
            Ok(json!(true))
        }
        "getwebhookinfo" => Ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})),
        _ => Err(error(StatusCode::NOT_FOUND, "Not Found: method not found")),
    }
}

fn rejected(st: &FakeState, text: &str) -> bool {
    st.inner.lock().unwrap().rejected_html.iter().any(|f| text.contains(f.as_str()))
}

fn chat_of(st: &FakeState, params: &Value) -> Option<Value> {
    let id = match &params["chat_id"] {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    let i = st.inner.lock().unwrap();
    Some(i.chats.get(&id).cloned().unwrap_or_else(|| json!({"id": id, "type": "private", "first_name": "Someone"})))
}

fn message(st: &FakeState, chat: Value) -> Value {
    let mut i = st.inner.lock().unwrap();
    let id = i.next_message_id;
    i.next_message_id += 1;
    json!({"message_id": id, "date": now(), "chat": chat, "from": bot_user()})
}

/// The text's length as Telegram counts it (UTF-16 units), after HTML entities are parsed.
fn text_len_after_parse(text: &str, params: &Value) -> usize {
    let t = if params["parse_mode"] == "HTML" {
        let mut out = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", "\"")
    } else {
        text.to_string()
    };
    t.encode_utf16().count()
}

/// Telegram's HTML: only known tags, properly nested; `&` only as an entity.
fn valid_html(text: &str) -> bool {
    let allowed =
        ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "tg-spoiler", "blockquote"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(p) = rest.find(['<', '&']) {
        let tail = &rest[p..];
        if let Some(after) = tail.strip_prefix('&') {
            let ok = ["&lt;", "&gt;", "&amp;", "&quot;"].iter().any(|e| tail.starts_with(e));
            if !ok {
                return false;
            }
            rest = after;
            continue;
        }
        let Some(end) = tail.find('>') else { return false };
        let tag = &tail[1..end];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return false;
            }
        } else {
            let name = tag.split_whitespace().next().unwrap_or("");
            if !allowed.contains(&name) {
                return false;
            }
            stack.push(name.to_string());
        }
        rest = &tail[end + 1..];
    }
    stack.is_empty()
}

async fn get_updates(st: &Arc<FakeState>, params: &Value) -> Value {
    let offset = params["offset"].as_i64();
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = params["timeout"].as_u64().unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = st.news.notified();
        {
            let mut i = st.inner.lock().unwrap();
            if let Some(o) = offset {
                // An offset confirms every update before it.
                while i.queue.front().is_some_and(|u| u["update_id"].as_i64().unwrap_or(0) < o) {
                    i.queue.pop_front();
                }
            }
            let mut out: Vec<Value> = std::mem::take(&mut i.forced);
            out.extend(i.queue.iter().take(limit).cloned());
            out.truncate(limit.max(1));
            if !out.is_empty() || Instant::now() >= deadline {
                return Value::Array(out);
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let _ = tokio::time::timeout(left, notified).await;
    }
}

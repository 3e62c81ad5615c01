//! Scheduled digests through Telegram: the [`DigestSender`] that posts a digest's messages and chart to
//! a channel or group (`telegram:@channel`, `telegram:-100…`) and failure reports to admins' private
//! chats, and the scheduler loop `amity serve` runs beside the bot.
//!
//! - **Sending.** `sendMessage` (HTML parse mode, every character escaped: the outbox keeps a digest as
//!   plain text, exactly as decided at the firing, with its heading lines, which are sent bold) and `sendPhoto` (the PNG, its title as caption), made
//!   straight over HTTP with the same reqwest teloxide uses. The outbox owns retries, so this sender
//!   makes exactly one request per message and classifies its answer by HTTP status: `429` (with
//!   `retry_after`), `5xx` and network errors are retryable, every other refusal (chat not found, bot
//!   not a member, …) is permanent. teloxide's `Bot` would sleep 10 s after any 5xx, retry 429s behind
//!   `Throttle` for as long as Telegram asks, and hide the status behind a description string.
//! - **Pacing.** A chat's pace and a group's budget of messages a minute are shared with the bot's
//!   replies ([`ChatBudget`]): a digest waits while the group's answers have used it up, and a failure
//!   report to an admin keeps to the admin's private chat's pace. The scheduler's [`Pace`] keeps each
//!   target (channels named `@username` included) within `per_group_per_minute` (Telegram: 20 a
//!   minute); nothing else throttles digest messages.
//! - **Threads.** The scheduler and the sender are synchronous (they hold the store's lock and build
//!   charts), so the loop runs on a blocking thread (`spawn_blocking`) and each request is driven with
//!   `Handle::block_on` there, never on the async workers.
//! - **Failures.** The loop is `outbox::supervise`: a tick that fails or panics (a bug, a store
//!   error) restarts the scheduler after a growing pause and tells the admins, so the bot never goes
//!   on answering while its digests are dead.
//! - **Stopping.** At the shutdown signal the loop ends after the request in flight (bounded by the
//!   HTTP timeout): a pacing wait wakes at once, and a message not yet started is refused as
//!   retryable, so its row is recorded `pending` with the parts already sent (the outbox resumes after
//!   them). `serve` returns only once the loop has ended: no delivery is left half-recorded.

use super::outbound::escape;
use super::pacing::ChatBudget;
use super::{Options, Token};
use crate::bot::digests::{Supervision, supervise};
use crate::commands::Core;
use crate::digest::outbox::{DigestSender, Pace, SendError};
use crate::digest::spec::{Target, specs};
use crate::render::Attachment;
use crate::render::markup::{self, Dialect, Line};
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::watch;

/// The longest one request may take (an upload of a chart included); also bounds how long shutdown
/// waits for a send in flight.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Delivers digests through the Bot API. Its methods block: call them from a blocking thread (not from
/// async code), with `rt` a handle to a running multi-thread runtime.
pub struct TelegramSender {
    client: reqwest::Client,
    /// The Bot API server without the trailing slash, e.g. `https://api.telegram.org`.
    base: String,
    token: Token,
    rt: Handle,
    stop: watch::Receiver<bool>,
    max_len: usize,
    /// Digest messages a minute to one chat (`[telegram] per_group_per_minute`; Telegram: 20).
    pub per_minute: u32,
    /// The groups' message budgets, shared with the bot's replies (`serve` sets it).
    pub budget: Option<Arc<ChatBudget>>,
}

/// The chat a target names: a numeric chat id, or `@channelusername`.
fn chat_id(target: &Target) -> Option<Value> {
    match target {
        Target::Telegram(c) if c.starts_with('@') => Some(json!(c)),
        Target::Telegram(c) => c.parse::<i64>().ok().map(|id| json!(id)),
        Target::User(u) => u.as_str().strip_prefix("tg:").and_then(|id| id.parse::<i64>().ok()).map(|id| json!(id)),
        _ => None,
    }
}

impl TelegramSender {
    pub fn new(
        opts: &Options,
        max_len: usize,
        rt: Handle,
        stop: watch::Receiver<bool>,
    ) -> anyhow::Result<TelegramSender> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(REQUEST_TIMEOUT)
            .tcp_nodelay(true)
            .build()?;
        let base = opts.api_url.as_deref().unwrap_or("https://api.telegram.org").trim_end_matches('/').to_string();
        Ok(TelegramSender { client, base, token: opts.token.clone(), rt, stop, max_len, per_minute: 20, budget: None })
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Waits for the group's budget (shared with the bot's replies) before a message to `chat`.
    fn pace(&self, chat: &Value) -> Result<(), SendError> {
        let (Some(budget), Some(id)) = (&self.budget, chat.as_i64()) else {
            return Ok(());
        };
        loop {
            let wait = budget.reserve(id);
            if wait.is_zero() {
                return Ok(());
            }
            if self.nap(wait) {
                // Nothing was sent: the row stays pending and is resumed after the next start.
                return Err(SendError::Retryable { reason: "amity is stopping".into(), retry_after: None });
            }
        }
    }

    /// Sleeps, waking early at the shutdown signal. True when stopping.
    pub fn nap(&self, d: Duration) -> bool {
        nap(&self.rt, &self.stop, d)
    }

    /// One Bot API call; the answer's `message_id`.
    fn call(&self, method: &str, body: Body) -> Result<String, SendError> {
        if self.stopping() {
            // Nothing was sent: the row stays pending and is resumed after the next start.
            return Err(SendError::Retryable { reason: "amity is stopping".into(), retry_after: None });
        }
        let url = format!("{}/bot{}/{method}", self.base, self.token.expose());
        let req = self.client.post(url);
        let req = match body {
            Body::Json(v) => req.json(&v),
            Body::Form(f) => req.multipart(f),
        };
        let res = self.rt.block_on(async move {
            let resp = req.send().await?;
            let status = resp.status();
            let text = resp.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        });
        let (status, text) = match res {
            Ok(r) => r,
            Err(e) => {
                let reason = self.token.redact(&format!("{method}: network error: {}", e.without_url()));
                return Err(SendError::Retryable { reason, retry_after: None });
            }
        };
        classify(method, status.as_u16(), &text)
    }
}

enum Body {
    Json(Value),
    Form(reqwest::multipart::Form),
}

/// The Bot API's answer → a message id, or a retryable or permanent error.
fn classify(method: &str, status: u16, text: &str) -> Result<String, SendError> {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    if (200..300).contains(&status) && v["ok"] == true {
        return match v["result"]["message_id"].as_i64() {
            Some(id) => Ok(id.to_string()),
            None => {
                // Delivered all the same: recorded as sent, with no id to show.
                log::warn!("{method}: Telegram's answer has no message_id");
                Ok("?".into())
            }
        };
    }
    let code = v["error_code"].as_u64().map(|c| c as u16).unwrap_or(status);
    let description = v["description"].as_str().map(str::to_string).unwrap_or_else(|| {
        let t: String = text.chars().take(200).collect();
        format!("HTTP {status}: {}", t.trim())
    });
    let reason = format!("{method}: {code} {description}");
    if code == 429 || status == 429 {
        let retry_after = v["parameters"]["retry_after"].as_u64().map(Duration::from_secs);
        return Err(SendError::Retryable { reason, retry_after });
    }
    // 401: the token is wrong, which `serve` reports as it exits; the digest waits for a fixed token
    // instead of being recorded failed.
    if status >= 500 || code >= 500 || code == 401 {
        return Err(SendError::Retryable { reason, retry_after: None });
    }
    if (200..300).contains(&status) {
        // A success status with an unreadable body: the message may well have gone out, but Telegram
        // said nothing we can record. Tried again (as teloxide treats invalid JSON).
        return Err(SendError::Retryable { reason: format!("{method}: unreadable answer"), retry_after: None });
    }
    if let Some(new_id) = v["parameters"]["migrate_to_chat_id"].as_i64() {
        return Err(SendError::Permanent(format!("{reason} (the group is now the supergroup telegram:{new_id})")));
    }
    Err(SendError::Permanent(reason))
}

impl TelegramSender {
    fn send_html(&self, target: &Target, html: String) -> Result<String, SendError> {
        let chat = chat_id(target).ok_or_else(|| SendError::Permanent(format!("not a Telegram chat: {target}")))?;
        self.pace(&chat)?;
        let body = json!({"chat_id": chat, "text": html, "parse_mode": "HTML",
                          "link_preview_options": {"is_disabled": true}});
        self.call("sendMessage", Body::Json(body))
    }
}

impl DigestSender for TelegramSender {
    fn handles(&self, target: &Target) -> bool {
        chat_id(target).is_some()
    }

    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError> {
        self.send_html(target, escape(text))
    }

    fn send_lines(&self, target: &Target, lines: &[Line]) -> Result<String, SendError> {
        self.send_html(target, markup::render(lines, Dialect::Telegram).html)
    }

    fn send_photo(&self, target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError> {
        let chat = chat_id(target).ok_or_else(|| SendError::Permanent(format!("not a Telegram chat: {target}")))?;
        self.pace(&chat)?;
        let chat = match chat {
            Value::String(s) => s,
            v => v.to_string(),
        };
        // Telegram's caption limit is 1024 characters after parsing; sent as plain text (no parse mode).
        let caption: String = caption.chars().take(1024).collect();
        let part = reqwest::multipart::Part::bytes(photo.bytes.clone())
            .file_name(photo.file_name.clone())
            .mime_str(&photo.mime)
            .map_err(|e| SendError::Permanent(format!("sendPhoto: {e}")))?;
        let form = reqwest::multipart::Form::new().text("chat_id", chat).text("caption", caption).part("photo", part);
        self.call("sendPhoto", Body::Form(form))
    }

    fn max_len(&self) -> usize {
        self.max_len
    }

    fn per_chat_per_minute(&self) -> u32 {
        self.per_minute
    }
}

/// Sleeps on `rt` until `d` passes or the shutdown signal; true when stopping. Blocking.
fn nap(rt: &Handle, stop: &watch::Receiver<bool>, d: Duration) -> bool {
    let mut stop = stop.clone();
    rt.block_on(async move {
        let stopped = tokio::select! {
            _ = tokio::time::sleep(d) => false,
            // Also when the signal's sender is gone.
            _ = stop.wait_for(|s| *s) => true,
        };
        stopped || *stop.borrow()
    })
}

/// The digest scheduler running beside the bot (see [`Digests::start`]).
pub(super) struct Digests {
    stop: Arc<watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Digests {
    /// Starts the scheduler, which stops when `shutdown` completes (or at [`Digests::finish`]).
    pub(super) fn start(
        core: Arc<Core>,
        opts: &Options,
        budget: Arc<ChatBudget>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<Digests> {
        let (tx, rx) = watch::channel(false);
        let stop = Arc::new(tx);
        let task = start(core, opts, budget, rx)?;
        let s = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            s.send_replace(true);
        });
        Ok(Digests { stop, task })
    }

    /// Completes at the shutdown signal: the bot's own shutdown trigger.
    pub(super) fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.stop.subscribe();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }

    /// Stops the scheduler (if the bot ended first) and waits for it: after the send in flight, if any.
    pub(super) async fn finish(self) {
        self.stop.send_replace(true);
        if let Some(t) = self.task
            && let Err(e) = t.await
        {
            log::error!("the digest scheduler ended abnormally: {e}");
        }
    }
}

/// Starts the digest scheduler on a blocking thread when the config has Telegram digests: it ticks at
/// once, then every `[telegram] digest_tick_secs`, by the core's clock, until `stop`. Await the handle
/// after signalling `stop`.
fn start(
    core: Arc<Core>,
    opts: &Options,
    budget: Arc<ChatBudget>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let cfg = core.config();
    let all = specs(cfg)?;
    let ours: Vec<String> =
        all.iter().filter(|s| matches!(s.target, Target::Telegram(_))).map(|s| s.name.clone()).collect();
    if ours.is_empty() {
        log::debug!("no Telegram digests configured; the digest scheduler does not run");
        return Ok(None);
    }
    let tick = Duration::from_secs(cfg.telegram.digest_tick_secs.max(1));
    let per_minute = cfg.telegram.per_group_per_minute as usize;
    let max_len = cfg.reply.max_message_len.min(super::outbound::TELEGRAM_MAX_LEN);
    let rt = Handle::current();
    let mut sender = TelegramSender::new(opts, max_len, rt.clone(), stop.clone())?;
    sender.budget = Some(budget);
    sender.per_minute = cfg.telegram.per_group_per_minute;
    log::info!("digests to Telegram: {} (checked every {tick:?})", ours.join(", "));
    Ok(Some(tokio::task::spawn_blocking(move || run(&core, &sender, tick, per_minute))))
}

/// The scheduler loop (blocking), supervised: a tick that fails or panics restarts the scheduler after
/// a growing pause and the admins are told (see [`supervise`]), so the bot never goes on answering
/// with its digests silently dead.
fn run(core: &Core, sender: &TelegramSender, tick: Duration, per_minute: usize) {
    let start = Instant::now();
    let (rt, stop) = (sender.rt.clone(), sender.stop.clone());
    let failures = supervise(
        core,
        sender,
        Supervision {
            tick,
            now: Box::new(|| core.now()),
            nap: Box::new(|d| sender.stopping() || sender.nap(d)),
            pace: Box::new(move || {
                let (rt, stop) = (rt.clone(), stop.clone());
                Pace::with(
                    per_minute,
                    Box::new(move || start.elapsed()),
                    Box::new(move |d| {
                        nap(&rt, &stop, d);
                    }),
                )
            }),
        },
    );
    log::info!("digest scheduler stopped ({failures} failure(s) while it ran)");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserKey;

    /// A stored row from before migration 0010 (plain body and heading lines), as sent.
    fn digest_html(text: &str, headings: &[String]) -> String {
        markup::render(&markup::lines_of_plain(text, headings), Dialect::Telegram).html
    }

    #[test]
    fn digest_headings_are_bold_and_everything_else_escaped() {
        let headings = vec!["Weekly digest · 2024-05-27 to 2024-06-02".to_string(), "Donations".to_string()];
        let text = "Weekly digest · 2024-05-27 to 2024-06-02\n\nDonations\n• D-1 · 100 masks <N95> & more\nDonations";
        assert_eq!(
            digest_html(text, &headings),
            "<b>Weekly digest · 2024-05-27 to 2024-06-02</b>\n\n<b>Donations</b>\n• D-1 · 100 masks &lt;N95&gt; &amp; more\n<b>Donations</b>"
        );
        assert_eq!(digest_html("a <b>", &[]), "a &lt;b&gt;", "rows written before headings were kept: plain");
    }

    #[test]
    fn targets_become_chat_ids() {
        assert_eq!(chat_id(&Target::Telegram("@shanxi_outreach".into())), Some(json!("@shanxi_outreach")));
        assert_eq!(chat_id(&Target::Telegram("-1001234567890".into())), Some(json!(-1001234567890i64)));
        assert_eq!(chat_id(&Target::User(UserKey::telegram(111))), Some(json!(111)));
        assert_eq!(chat_id(&Target::User(UserKey::console())), None);
        assert_eq!(chat_id(&Target::Console), None);
        assert_eq!(chat_id(&Target::Matrix("!r:s".into())), None);
    }

    #[test]
    fn answers_are_classified_by_status() {
        assert_eq!(classify("sendMessage", 200, r#"{"ok":true,"result":{"message_id":42}}"#), Ok("42".into()));
        let e = classify(
            "sendMessage",
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
        );
        assert!(matches!(e, Err(SendError::Retryable { retry_after: Some(d), .. }) if d == Duration::from_secs(7)));
        assert!(matches!(classify("sendPhoto", 502, "<html>Bad Gateway</html>"), Err(SendError::Retryable { .. })));
        assert!(matches!(
            classify("sendMessage", 500, r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#),
            Err(SendError::Retryable { .. })
        ));
        let e = classify(
            "sendMessage",
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        );
        assert_eq!(e, Err(SendError::Permanent("sendMessage: 400 Bad Request: chat not found".into())));
        assert!(matches!(
            classify("sendMessage", 403, r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"}"#),
            Err(SendError::Permanent(_))
        ));
        let e = classify(
            "sendMessage",
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009}}"#,
        );
        assert!(matches!(e, Err(SendError::Permanent(r)) if r.contains("telegram:-1009")));
    }
}

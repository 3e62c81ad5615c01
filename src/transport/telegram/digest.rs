//! Scheduled digests through Telegram: the [`DigestSender`] that posts a digest's messages and chart to
//! a channel or group (`telegram:@channel`, `telegram:-100…`) and failure reports to admins' private
//! chats, started beside the bot by [`start`].
//!
//! - **Sending.** `sendMessage` (HTML parse mode, every character escaped: the outbox keeps a digest as
//!   plain text, exactly as decided at the firing, with its heading lines, which are sent bold) and `sendPhoto` (the PNG, its title as caption), made
//!   straight over HTTP with the same reqwest teloxide uses. The outbox owns retries, so this sender
//!   makes exactly one request per message and classifies its answer by HTTP status: `429` (with
//!   `retry_after`), `5xx` and network errors are retryable, every other refusal (chat not found, bot
//!   not a member, …) is permanent. teloxide's `Bot` would sleep 10 s after any 5xx and hide the
//!   status behind a description string.
//! - **Pacing.** A chat's pace and a group's budget of messages a minute are shared with the bot's
//!   replies ([`ChatBudget`]): a digest waits while the group's answers have used it up, and a failure
//!   report to an admin keeps to the admin's private chat's pace. The scheduler's `Pace` keeps each
//!   target (channels named `@username` included) within `per_group_per_minute` (Telegram: 20 a
//!   minute). Digest messages count in the overall limit too, and a `429` answered to a digest holds
//!   the replies for its `retry_after` (and the other way round).
//! - **Threads, failures.** The scheduler loop is the runtime's (`bot::digests::Running`: a blocking
//!   thread, supervised); this sender drives each request with `Handle::block_on` on that thread.
//! - **Stopping.** At the shutdown signal the loop ends after the request in flight (bounded by the
//!   HTTP timeout): a pacing wait wakes at once, and a message not yet started is refused as
//!   retryable, so its row is recorded `pending` with the parts already sent (the outbox resumes after
//!   them). `serve` returns only once the loop has ended: no delivery is left half-recorded.

use super::outbound::escape;
use super::pacing::ChatBudget;
use super::{Options, Token};
use crate::bot::digests::{Running, nap_blocking};
use crate::commands::Core;
use crate::digest::outbox::{DigestSender, SendError};
use crate::digest::spec::Target;
use crate::render::Attachment;
use crate::render::markup::{self, Dialect, Line};
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
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
        nap_blocking(&self.rt, &self.stop, d)
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
        let res = classify(method, status.as_u16(), &text);
        if let (Err(SendError::Retryable { retry_after: Some(wait), .. }), Some(budget)) = (&res, &self.budget) {
            // Telegram's flood control is the bot's: the replies wait too.
            budget.freeze(*wait);
        }
        res
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

/// Starts the digest scheduler for Telegram's digests beside the bot (`bot::digests::Running`).
pub(super) fn start(
    core: Arc<Core>,
    opts: &Options,
    budget: Arc<ChatBudget>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    let cfg = core.config();
    let tick = Duration::from_secs(cfg.telegram.digest_tick_secs.max(1));
    let max_len = cfg.reply.max_message_len.min(super::outbound::TELEGRAM_MAX_LEN);
    let signal = Running::signal();
    let mut sender = TelegramSender::new(opts, max_len, Handle::current(), signal.1.clone())?;
    sender.budget = Some(budget);
    sender.per_minute = cfg.telegram.per_group_per_minute;
    Running::start(core, sender, "Telegram", tick, signal, shutdown)
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

//! The running Telegram bot on the transport-neutral runtime (`crate::bot`): long polling (or the
//! webhook), the Bot API requests, and what is Telegram's in answering an update.
//!
//! - **Polling.** Each batch from `getUpdates` is written to the shared inbox (`bot::Inbox`, one
//!   transaction) before the next call confirms its offset, so a crash at any point loses nothing:
//!   updates received but not answered are answered after the next start. An update already received
//!   (redelivered) is not handled again. The next batch is fetched only when the lanes have room for
//!   it (`bot::Lanes`' bound on updates in flight): a backlog waiting after downtime is taken in as
//!   fast as it is answered, never all at once.
//! - **Lanes, panics, disk syncs, pruning**: the runtime's (`crate::bot`). After a panic the chat gets
//!   an apology and the update is marked answered.
//! - **Flood control.** Every message takes a place in the bot's budget first (`pacing`: about one a
//!   second in any chat after a short burst, 20 a minute in a group, 30 a second overall, shared with
//!   the digests); a `429` holds every message for its `retry_after`. Network errors and 5xx answers
//!   are retried with a growing backoff capped at `max_backoff_secs`; polling backs off the same way,
//!   so an outage costs little CPU.
//! - **Replies are sent lean**: `sendMessage` through [`SendText`], whose answer is read for its
//!   message id only (teloxide's would parse the whole `Message` back, the reply's text included).
//! - **Read cache.** The inbox and button writes go through `Store::bookkeeping` (untracked): they keep
//!   the memoised answers, which only ledger writes and other processes' commits empty.
//! - **Shutdown.** On the shutdown signal polling stops, the lanes finish what they hold (within
//!   `shutdown_grace_secs`), the offset is confirmed with a last `getUpdates`, and `serve` returns.

use super::inbound::{self, Incoming, Mapped, Me};
use super::outbound;
use super::pacing::ChatBudget;
use super::settings::Mode;
use super::{Hooks, Options, menu, webhook};
use crate::bot::inbox::Received;
use crate::bot::{self, Inbox, backoff, nap};
use crate::commands::import::upload;
use crate::commands::{Core, Request};
use crate::i18n::{Lang, t};
use crate::render::Reply;
use crate::render::markup::Message;
use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::requests::{JsonRequest, Output, Payload, Request as _};
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode, ReplyParameters, Update,
};
use teloxide::{ApiError, RequestError};
use tokio::sync::watch;

/// Sends a request with retries ([`send_retrying`]).
async fn send<R>(sh: &Shared, req: R) -> Result<Output<R>, RequestError>
where
    R: teloxide::requests::Request<Err = RequestError>,
{
    send_retrying(sh, || req.send_ref()).await
}

/// `sendMessage` with what amity sets (the Bot API's names), answered by the message id alone.
#[derive(Clone, Serialize)]
struct SendText {
    chat_id: ChatId,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parse_mode: Option<ParseMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_parameters: Option<ReplyParameters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<InlineKeyboardMarkup>,
}

/// The part of a sent `Message` amity uses.
#[derive(Deserialize)]
struct Sent {
    message_id: i32,
}

impl Payload for SendText {
    type Output = Sent;
    const NAME: &'static str = "SendMessage";
}

impl SendText {
    fn new(chat_id: ChatId, text: String, html: bool) -> SendText {
        SendText {
            chat_id,
            text,
            parse_mode: html.then_some(ParseMode::Html),
            reply_parameters: None,
            reply_markup: None,
        }
    }

    fn request(self, bot: &Bot) -> JsonRequest<SendText> {
        JsonRequest::new(bot.clone(), self)
    }
}

/// Attempts for one outgoing request (about three minutes with the default backoff) before the
/// update is left for the next start.
const SEND_ATTEMPTS: u32 = 12;

/// What every handler shares.
pub(super) struct Shared {
    pub core: Arc<Core>,
    pub bot: Bot,
    pub me: Me,
    pub hooks: Hooks,
    pub max_len: usize,
    pub max_backoff: Duration,
    pub token: super::Token,
    pub stop: watch::Receiver<bool>,
    pub menus: menu::Menus,
    /// The shared inbox, for this bot's account (its numeric id).
    pub inbox: Arc<Inbox>,
    /// The message asking each (chat, user)'s current guided-dialogue question, while it has buttons.
    pub questions: std::sync::Mutex<HashMap<(i64, String), MessageId>>,
    /// Each chat's pace and each group's messages a minute, shared with the digests.
    pub budget: Arc<ChatBudget>,
    /// The largest file sent with an answer, in bytes (`[telegram] max_file_mb`).
    pub max_file: u64,
    /// The messages of the memo's recent answers, rendered once each.
    pub rendered: Rendered,
}

/// The messages rendered of the memo's recent answers ([`Core::answer_at_hand`]), by the memo's copy
/// of each: while the ledger is unchanged, a `/totals` asked again is the same `Arc` and is sent
/// without rendering it again. Each entry holds its answer, so an address is never reused while it is
/// kept; an answer the memo dropped (the ledger changed) goes out after [`Rendered::KEEP`] others.
#[derive(Default)]
pub(super) struct Rendered {
    recent: std::sync::Mutex<std::collections::VecDeque<RenderedReply>>,
}

/// A memoised answer and its messages.
type RenderedReply = (Arc<Reply>, Arc<Vec<Message>>);

impl Rendered {
    /// Answers kept.
    const KEEP: usize = 32;

    fn messages(&self, reply: &Arc<Reply>, max_len: usize) -> Arc<Vec<Message>> {
        let found = {
            let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            recent.iter().find(|(r, _)| Arc::ptr_eq(r, reply)).map(|(_, m)| m.clone())
        };
        if let Some(m) = found {
            return m;
        }
        let m = Arc::new(outbound::messages(reply, max_len));
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.push_back((reply.clone(), m.clone()));
        if recent.len() > Self::KEEP {
            recent.pop_front();
        }
        m
    }
}

/// Updates in flight (received, not yet answered) at most: the poller fetches more only when there is
/// room, so a backlog waiting after downtime costs memory for this many, not for all of it.
pub const IN_FLIGHT: usize = 1_000;

/// One update on its way through a lane: mapped when received (pure and cheap), so the lane and, after
/// a panic, the chat to apologise in are known without the update.
pub(super) struct TgEvent {
    id: i64,
    lane: i64,
    mapped: Mapped,
}

impl TgEvent {
    pub(super) fn new(u: &Update, me: &Me) -> TgEvent {
        TgEvent { id: i64::from(u.id.0), lane: inbound::lane(u), mapped: inbound::map(u, me) }
    }
}

pub(super) type Lanes = bot::Lanes<Shared>;

impl bot::Handler for Shared {
    type Event = TgEvent;
    type Lane = i64;
    /// The update id and the chat it came from, if it is one the bot answers.
    type Note = (i64, Option<ChatId>);

    fn lane(&self, ev: &TgEvent) -> i64 {
        ev.lane
    }

    fn note(&self, ev: &TgEvent) -> (i64, Option<ChatId>) {
        let chat = match &ev.mapped {
            Mapped::Handle(inc) => Some(inc.chat_id),
            _ => None,
        };
        (ev.id, chat)
    }

    fn handle(self: Arc<Self>, ev: TgEvent) -> impl Future<Output = ()> + Send + 'static {
        process(self, ev.id, ev.mapped)
    }

    async fn panicked(self: Arc<Self>, (id, chat): (i64, Option<ChatId>)) {
        log::error!("handling update {id} panicked; the bot goes on");
        if let Some(chat) = chat {
            let lang = Lang::parse(&self.core.config().office.default_language).unwrap_or(Lang::En);
            let text = outbound::escape(&t(lang, "tg-internal-error", &[]));
            self.budget.acquire(chat.0).await;
            let _ = send(&self, SendText::new(chat, text, true).request(&self.bot)).await;
        }
        // Never again: a poisoned update must not crash the bot after every restart.
        mark_answered(&self, id).await;
    }
}

pub(super) async fn serve(
    core: Arc<Core>,
    opts: Options,
    hooks: Hooks,
    budget: Arc<ChatBudget>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let cfg = core.config().telegram.clone();
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    // The HTTP timeout must outlast a long poll.
    let client = teloxide::net::default_reqwest_settings()
        .timeout(Duration::from_secs(u64::from(cfg.poll_timeout_secs) + 10))
        .build()
        .context("cannot build the HTTP client")?;
    let mut bot = Bot::with_client(opts.token.expose(), client);
    if let Some(url) = &opts.api_url {
        let parsed = url.parse().map_err(|e| anyhow!("TELOXIDE_API_URL {url:?} is not a URL: {e}"))?;
        bot = bot.set_api_url(parsed);
    }
    // Every message's pace is `pacing`'s (`budget`): each chat's, each group's minute shared with the
    // digests, the overall limit, and a `429`'s wait.
    let max_backoff = Duration::from_secs(cfg.max_backoff_secs);
    let token = opts.token.clone();

    let mut stop_probe = stop.clone();
    let Some(me) = retrying(&token, max_backoff, &mut stop_probe, "getMe", || bot.get_me().into_future()).await? else {
        return Ok(());
    };
    let me = Me { id: me.id.0 as i64, username: me.username.clone().unwrap_or_default() };
    log::info!("serving as @{} (id {})", me.username, me.id);
    // Webhook mode: the address is taken before anything else, so a wrong one fails at once.
    let hook = match cfg.mode {
        Mode::Webhook => Some(webhook::Hook::bind(&cfg, opts.webhook_secret.clone()).await?),
        Mode::Polling => {
            // Long polling does not work while a webhook is set.
            if retrying(&token, max_backoff, &mut stop_probe, "deleteWebhook", || bot.delete_webhook().into_future())
                .await?
                .is_none()
            {
                return Ok(());
            }
            None
        }
    };

    let inbox = Inbox::start(core.clone(), "telegram", me.id.to_string(), stop.clone());
    let sh = Arc::new(Shared {
        max_len: core.config().reply.max_message_len.min(outbound::TELEGRAM_MAX_LEN),
        core,
        bot,
        me,
        hooks,
        max_backoff,
        token,
        stop: stop.clone(),
        menus: menu::Menus::default(),
        inbox,
        questions: Default::default(),
        budget,
        max_file: u64::from(cfg.max_file_mb) * 1024 * 1024,
        rendered: Rendered::default(),
    });
    if cfg.set_commands {
        // At start, then every ten minutes (staff may be added with `amity ask` meanwhile).
        let s = sh.clone();
        tokio::spawn(async move {
            let mut stop = s.stop.clone();
            loop {
                menu::refresh(&s).await;
                if nap(Duration::from_secs(600), &mut stop).await {
                    break;
                }
            }
        });
    }
    {
        // Button data older than 90 days is forgotten, at start and then every hour.
        let s = sh.clone();
        tokio::spawn(async move {
            let mut stop = s.stop.clone();
            loop {
                prune_buttons(&s).await;
                if nap(bot::inbox::PRUNE_EVERY, &mut stop).await {
                    break;
                }
            }
        });
    }

    let idle = Duration::from_secs(sh.core.config().telegram.lane_idle_secs);
    let mut lanes = Lanes::new(sh.clone(), IN_FLIGHT, idle);
    // Updates received before a crash and never answered come first.
    let me = sh.me.clone();
    sh.inbox
        .resume(&mut lanes, |r| {
            serde_json::from_str::<Update>(&r.body).map(|u| TgEvent::new(&u, &me)).map_err(|e| e.to_string())
        })
        .await?;

    let offset = match hook {
        Some(hook) => {
            hook.run(&sh, &mut lanes).await?;
            None
        }
        None => poll(&sh, &mut lanes, cfg.poll_timeout_secs).await,
    };

    // Shutdown: let the lanes finish, then confirm the offset.
    let grace = Duration::from_secs(cfg.shutdown_grace_secs);
    if !lanes.finish(grace).await {
        log::warn!("shutdown: some updates were not answered in time; they will be answered after the next start");
    }
    // Every receipt on disk before Telegram is told to forget the updates.
    sh.inbox.sync_now().await;
    if let Some(offset) = offset {
        let confirm = sh.bot.get_updates().offset(offset).limit(1).timeout(0);
        for attempt in 0..3 {
            match confirm.send_ref().await {
                Ok(_) => {
                    log::info!("offset {offset} confirmed");
                    break;
                }
                Err(e) => {
                    log::warn!("confirming the offset: {}", sh.token.redact(&e.to_string()));
                    tokio::time::sleep(backoff(attempt, Duration::from_secs(2))).await;
                }
            }
        }
    }
    log::info!("stopped");
    Ok(())
}

/// Long polling until the stop signal. Returns the next offset to confirm.
async fn poll(sh: &Arc<Shared>, lanes: &mut Lanes, timeout: u32) -> Option<i32> {
    let mut offset: Option<i32> = None;
    let mut errors = 0u32;
    let mut stop = sh.stop.clone();
    loop {
        if *stop.borrow() {
            return offset;
        }
        // Backpressure: fetch only what the lanes have room for (at most 100, Telegram's page).
        lanes.wait_for_room(100).await;
        let limit = lanes.room().clamp(1, 100) as u8;
        let mut req = sh.bot.get_updates().timeout(timeout).limit(limit);
        if let Some(o) = offset {
            req = req.offset(o);
        }
        let res = tokio::select! {
            r = req.send() => r,
            _ = stop.changed() => return offset,
        };
        let updates = match res {
            Ok(u) => u,
            Err(e) => {
                let wait = match &e {
                    RequestError::RetryAfter(s) => s.duration(),
                    _ => backoff(errors, sh.max_backoff),
                };
                errors = errors.saturating_add(1);
                log::warn!("getUpdates failed ({}); retrying in {wait:?}", sh.token.redact(&e.to_string()));
                if nap(wait, &mut stop).await {
                    return offset;
                }
                continue;
            }
        };
        errors = 0;
        if updates.is_empty() {
            continue;
        }
        let batch: Vec<Received> = updates
            .iter()
            .map(|u| Received {
                id: u.id.0.to_string(),
                seq: i64::from(u.id.0),
                body: serde_json::to_string(u).unwrap_or_else(|_| "{}".into()),
            })
            .collect();
        // Recorded before the offset moves on: from here a crash cannot lose these updates.
        let fresh = match sh.inbox.receive(batch, false).await {
            Ok(f) => f,
            Err(e) => {
                log::error!("recording received updates: {e}; fetching them again");
                if nap(backoff(errors, sh.max_backoff), &mut stop).await {
                    return offset;
                }
                errors = errors.saturating_add(1);
                continue;
            }
        };
        let next = updates.iter().map(|u| u.id.as_offset()).max();
        offset = next.or(offset);
        for u in updates {
            if fresh.contains(&u.id.0.to_string()) {
                lanes.dispatch(TgEvent::new(&u, &sh.me)).await;
            } else {
                log::info!("update {} received again; already handled", u.id.0);
            }
        }
    }
}

/// Handles one update: asks the core, sends the answer, notes that it was answered.
async fn process(sh: Arc<Shared>, id: i64, mapped: Mapped) {
    let inc = match mapped {
        Mapped::Ignore(why) => {
            log::debug!("update {id} ignored: {why}");
            mark_answered(&sh, id).await;
            return;
        }
        Mapped::AnswerOnly(q) => {
            let _ = send(&sh, sh.bot.answer_callback_query(q)).await;
            mark_answered(&sh, id).await;
            return;
        }
        Mapped::Handle(inc) => *inc,
    };
    if let Some((q, _)) = &inc.callback {
        // Stops the button's spinner at once; the answer follows.
        if let Err(e) = send(&sh, sh.bot.answer_callback_query(q.clone())).await {
            log::warn!("answerCallbackQuery: {}", sh.token.redact(&e.to_string()));
        }
    }
    let mut req = inc.req.clone();
    let file = match &inc.document {
        Some(doc) => Some(receive_file(&sh, &req, doc).await),
        None => resolve_button(&sh, &mut req).await,
    };
    // The messages of a memoised answer rendered before, if it is one.
    let mut rendered = None;
    let (reply, in_dialogue): (Arc<Reply>, bool) = match file {
        Some(r) => (Arc::new(r), false),
        // A memoised answer is taken here, without a hand-off to a blocking thread.
        None if sh.hooks.handler.is_none()
            && let Some(at_hand) = sh.core.answer_at_hand(&req) =>
        {
            rendered = Some(sh.rendered.messages(&at_hand.reply, sh.max_len));
            (at_hand.reply, at_hand.in_dialogue)
        }
        None => {
            let core = sh.core.clone();
            let handler = sh.hooks.handler.clone();
            let r = req.clone();
            match tokio::task::spawn_blocking(move || {
                // Whether a guided dialogue is open now (its question's buttons may be retired later).
                match &handler {
                    Some(h) => {
                        let reply = h(&core, &r);
                        (Arc::new(reply), false, core.dialogue_open(&r))
                    }
                    None => {
                        let a = core.answer(&r);
                        (a.reply, a.memoised, a.in_dialogue)
                    }
                }
            })
            .await
            {
                Ok((reply, memoised, in_dialogue)) => {
                    if memoised {
                        rendered = Some(sh.rendered.messages(&reply, sh.max_len));
                    }
                    (reply, in_dialogue)
                }
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => {
                    log::error!("update {id}: {e}");
                    return;
                }
            }
        }
    };
    if reply.duplicate {
        // Written before but, as far as this bot knows, never answered (a crash in between): the
        // stored answer is sent now.
        log::info!("update {id} had already been handled; sending its stored answer");
    }
    let chunks = rendered.unwrap_or_else(|| Arc::new(outbound::messages(&reply, sh.max_len)));
    match deliver(&sh, &inc, &reply, &chunks).await {
        Ok(asks) => {
            retire_question(&sh, &inc, asks, in_dialogue).await;
            mark_answered(&sh, id).await
        }
        Err(e) if is_transient(&e) => {
            log::warn!(
                "update {id}: the answer could not be sent ({}); it will be sent after the next start",
                sh.token.redact(&e.to_string())
            );
        }
        Err(e) => {
            log::warn!("update {id}: the answer was refused by Telegram ({})", sh.token.redact(&e.to_string()));
            mark_answered(&sh, id).await;
        }
    }
    if reply.is_ok() && !reply.duplicate && menu::changes_staff(&req.text) {
        menu::refresh(&sh).await;
    }
}

/// A spreadsheet sent in a private chat: the core says whether it takes it, then it is fetched
/// (`getFile`, then the file's URL; at most [`upload::MAX_UPLOAD`] bytes) and checked by the core.
async fn receive_file(sh: &Arc<Shared>, req: &Request, doc: &inbound::Document) -> Reply {
    let (r, name, size) = (req.clone(), doc.file_name.clone(), doc.size);
    match blocking(sh, move |c| c.file_refusal(&r, &name, size)).await {
        Ok(Some(refusal)) => return refusal,
        Ok(None) => {}
        Err(e) => {
            log::error!("checking a file: {e}");
            return Reply::invalid(t(Lang::En, "err-internal", &[]));
        }
    }
    let bytes = match fetch_file(sh, &doc.file_id).await {
        Ok(b) => b,
        // Larger than Telegram said: the same answer as a file said to be too large.
        Err(Fetch::TooLarge) => {
            let (r, name) = (req.clone(), doc.file_name.clone());
            let refusal = blocking(sh, move |c| c.file_refusal(&r, &name, Some(upload::MAX_UPLOAD + 1))).await;
            return refusal.ok().flatten().unwrap_or_else(|| Reply::invalid(t(Lang::En, "err-internal", &[])));
        }
        Err(Fetch::Failed(e)) => {
            log::warn!("fetching {}: {}", doc.file_name, sh.token.redact(&e));
            let (r, name) = (req.clone(), doc.file_name.clone());
            return blocking(sh, move |c| c.file_unavailable(&r, &name))
                .await
                .unwrap_or_else(|_| Reply::invalid(t(Lang::En, "err-internal", &[])));
        }
    };
    let (r, name) = (req.clone(), doc.file_name.clone());
    blocking(sh, move |c| c.receive_file(&r, &name, &bytes))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Why a file could not be fetched.
enum Fetch {
    TooLarge,
    Failed(String),
}

/// The bytes of a file Telegram keeps, refused past [`upload::MAX_UPLOAD`] whatever `getFile` said.
async fn fetch_file(sh: &Arc<Shared>, id: &teloxide::types::FileId) -> Result<Vec<u8>, Fetch> {
    use futures_util::StreamExt;
    use teloxide::net::Download;
    let file = send(sh, sh.bot.get_file(id.clone())).await.map_err(|e| Fetch::Failed(e.to_string()))?;
    let mut attempt = 0;
    loop {
        let mut bytes = Vec::new();
        let mut stream = sh.bot.download_file_stream(&file.path);
        let mut failed = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) if (bytes.len() + c.len()) as u64 > upload::MAX_UPLOAD => return Err(Fetch::TooLarge),
                Ok(c) => bytes.extend_from_slice(&c),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        match failed {
            None => return Ok(bytes),
            // A dropped connection or a 5xx is worth another try; a 404 (the path expired) is not.
            Some(e) if attempt + 1 < SEND_ATTEMPTS && e.status().is_none_or(|s| s.is_server_error()) => {
                let wait = backoff(attempt, sh.max_backoff);
                log::warn!("downloading a file failed ({}); retrying in {wait:?}", sh.token.redact(&e.to_string()));
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Some(e) => return Err(Fetch::Failed(e.to_string())),
        }
    }
}

/// A button whose data was kept in SQLite: puts the data back in the request. Returns a reply when
/// the data is gone.
async fn resolve_button(sh: &Arc<Shared>, req: &mut Request) -> Option<Reply> {
    let key = outbound::button_key(&req.text)?.to_string();
    let data = blocking(sh, move |c| c.button_data(&key)).await;
    match data {
        Ok(Ok(Some(d))) => {
            req.text = d;
            None
        }
        _ => {
            let lang = req.lang_hint.as_deref().and_then(Lang::parse).unwrap_or(Lang::En);
            Some(Reply::invalid(t(lang, "tg-button-expired", &[])))
        }
    }
}

/// Sends a reply: after a button press, the pressed message is edited when the answer is one message;
/// otherwise new messages (the first one replying to the asker in groups), then the files.
/// Returns the message that carries the reply's buttons, if any.
async fn deliver(
    sh: &Arc<Shared>,
    inc: &Incoming,
    reply: &Reply,
    chunks: &[Message],
) -> Result<Option<MessageId>, RequestError> {
    let keyboard = keyboard(sh, reply).await;
    if let Some((_, Some(msg_id))) = &inc.callback
        && chunks.len() == 1
        && reply.attachments.is_empty()
    {
        let edit = async |html: bool| {
            let text = if html { chunks[0].html.clone() } else { chunks[0].plain.clone() };
            let mut edit = sh.bot.edit_message_text(inc.chat_id, *msg_id, text);
            if html {
                edit = edit.parse_mode(ParseMode::Html);
            }
            if let Some(k) = &keyboard {
                edit = edit.reply_markup(k.clone());
            }
            send(sh, edit).await
        };
        let mut res = edit(true).await;
        if let Err(e) = &res
            && is_parse_error(e)
        {
            log::warn!("Telegram refused the reply's HTML ({e}); editing as plain text");
            res = edit(false).await;
        }
        match res {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {
                return Ok(keyboard.is_some().then_some(*msg_id));
            }
            Err(e) if is_transient(&e) => return Err(e),
            Err(e) => log::info!("editing the message failed ({e}); sending a new one"),
        }
    }
    let n = chunks.len();
    let mut with_buttons = None;
    for (i, chunk) in chunks.iter().enumerate() {
        sh.budget.acquire(inc.chat_id.0).await;
        let send_chunk = async |html: bool| {
            let text = if html { chunk.html.clone() } else { chunk.plain.clone() };
            let mut msg = SendText::new(inc.chat_id, text, html);
            if i == 0
                && let Some(r) = inc.reply_to
            {
                msg.reply_parameters = Some(ReplyParameters::new(r).allow_sending_without_reply());
            }
            if i + 1 == n {
                msg.reply_markup = keyboard.clone();
            }
            send(sh, msg.request(&sh.bot)).await
        };
        let sent = match send_chunk(true).await {
            Err(e) if is_parse_error(&e) => {
                // The same text without markup, rather than no answer at all.
                log::warn!("Telegram refused the reply's HTML ({e}); sending it as plain text");
                send_chunk(false).await?
            }
            r => r?,
        };
        if i + 1 == n && keyboard.is_some() {
            with_buttons = Some(MessageId(sent.message_id));
        }
    }
    for a in &reply.attachments {
        let photo = a.mime.starts_with("image/");
        // The Bot API takes photos up to 10 MB; documents up to `[telegram] max_file_mb`.
        let limit = if photo { sh.max_file.min(MAX_PHOTO) } else { sh.max_file };
        let size = a.bytes.len() as u64;
        if size > limit {
            say_too_large(sh, inc, &a.file_name, size, Some(limit)).await?;
            continue;
        }
        sh.budget.acquire(inc.chat_id.0).await;
        let file = InputFile::memory(a.bytes.clone()).file_name(a.file_name.clone());
        let sent = if photo {
            send(sh, sh.bot.send_photo(inc.chat_id, file)).await.map(drop)
        } else {
            send(sh, sh.bot.send_document(inc.chat_id, file)).await.map(drop)
        };
        match sent {
            // Telegram's limit was below the configured one (a `413`): said too, without a limit.
            Err(RequestError::Api(ApiError::RequestEntityTooLarge)) => {
                say_too_large(sh, inc, &a.file_name, size, None).await?
            }
            r => r?,
        }
    }
    Ok(with_buttons)
}

/// The largest photo the Bot API takes from a bot.
const MAX_PHOTO: u64 = 10 * 1024 * 1024;

/// Tells the asker that a file of the answer was larger than Telegram takes (`limit` bytes, when
/// known) and was not sent, with what to ask for instead.
async fn say_too_large(
    sh: &Arc<Shared>,
    inc: &Incoming,
    file: &str,
    size: u64,
    limit: Option<u64>,
) -> Result<(), RequestError> {
    log::warn!("the file {file} ({size} bytes) is larger than Telegram takes ({limit:?}); not sent");
    let (req, name) = (inc.req.clone(), file.to_string());
    let reply = match blocking(sh, move |c| c.file_too_large(&req, &name, size, limit)).await {
        Ok(r) => r,
        Err(e) => {
            log::error!("wording a file too large: {e}");
            return Ok(());
        }
    };
    for chunk in outbound::messages(&reply, sh.max_len) {
        sh.budget.acquire(inc.chat_id.0).await;
        send(sh, SendText::new(inc.chat_id, chunk.html, true).request(&sh.bot)).await?;
    }
    Ok(())
}

/// When a typed answer moved a guided dialogue on (a new question was asked, or the dialogue ended),
/// the previous question's buttons are taken off: pressing them would answer a question no longer
/// asked. Another command typed meanwhile (`/totals`) leaves them. The question asked now, if any, is
/// remembered (in memory: after a restart old buttons stay, and answer as before).
async fn retire_question(sh: &Arc<Shared>, inc: &Incoming, asks: Option<MessageId>, in_dialogue: bool) {
    let key = (inc.chat_id.0, inc.req.user.as_str().to_string());
    let asks = asks.filter(|_| in_dialogue);
    let moved_on = asks.is_some() || !in_dialogue;
    let previous = {
        let mut q = sh.questions.lock().unwrap_or_else(|p| p.into_inner());
        if !moved_on {
            return;
        }
        let previous = q.remove(&key);
        if let Some(m) = asks {
            q.insert(key, m);
        }
        // A pressed question is edited in place: nothing else to retire.
        previous.filter(|_| inc.callback.is_none())
    };
    if let Some(m) = previous
        && Some(m) != asks
        && let Err(e) = send(sh, sh.bot.edit_message_reply_markup(inc.chat_id, m)).await
        && !matches!(e, RequestError::Api(ApiError::MessageNotModified))
    {
        log::info!("taking the buttons off an earlier question failed: {}", sh.token.redact(&e.to_string()));
    }
}

/// The reply's buttons as an inline keyboard; long button data is stored under a short key.
async fn keyboard(sh: &Arc<Shared>, reply: &Reply) -> Option<InlineKeyboardMarkup> {
    if reply.buttons.is_empty() {
        return None;
    }
    let mut to_store = Vec::new();
    let rows: Vec<Vec<InlineKeyboardButton>> = reply
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| {
                    let (data, key) = outbound::callback_data(&b.data);
                    if let Some(k) = key {
                        to_store.push((k, b.data.clone()));
                    }
                    InlineKeyboardButton::callback(b.label.clone(), data)
                })
                .collect()
        })
        .collect();
    if !to_store.is_empty() {
        let res = blocking(sh, move |c| c.keep_button_data(&to_store)).await;
        if matches!(res, Ok(Ok(()))) {
            sh.inbox.note_unsynced();
        } else {
            log::error!("storing button data failed; long buttons will say they expired");
        }
    }
    Some(InlineKeyboardMarkup::new(rows))
}

/// Notes that an update was answered (see `bot::Inbox::mark_answered`).
async fn mark_answered(sh: &Arc<Shared>, id: i64) {
    sh.inbox.mark_answered(id.to_string()).await;
}

/// Forgets button data older than 90 days, a batch per transaction.
async fn prune_buttons(sh: &Arc<Shared>) {
    let before = crate::digest::outbox::later(chrono::Utc::now(), -chrono::Duration::days(90))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let total = sh
        .inbox
        .prune_in_batches("old button data", move |c, batch| {
            let n = c.prune_button_data(&before, batch)?;
            Ok((n, n == batch))
        })
        .await;
    if total > 0 {
        log::info!("forgot {total} old button(s)");
    }
}

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(
    sh: &Arc<Shared>,
    f: impl FnOnce(&Core) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    bot::blocking(&sh.core, f).await
}

/// Network errors, server errors (5xx) and `429` are worth retrying.
pub(super) fn is_transient(e: &RequestError) -> bool {
    match e {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::RetryAfter(_) => true,
        RequestError::Api(ApiError::Unknown(d)) => {
            let d = d.to_lowercase();
            ["internal server error", "bad gateway", "service unavailable", "gateway timeout", "timeout"]
                .iter()
                .any(|w| d.contains(w))
        }
        _ => false,
    }
}

/// Telegram could not parse the message's markup (a 400 about entities).
fn is_parse_error(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::CantParseEntities(_)) => true,
        RequestError::Api(ApiError::Unknown(d)) => {
            let d = d.to_lowercase();
            d.contains("can't parse entities") || d.contains("entity") || d.contains("unsupported start tag")
        }
        _ => false,
    }
}

/// Sends with retries on transient errors (bounded attempts, growing backoff).
pub(super) async fn send_retrying<T, Fut>(sh: &Shared, mut f: impl FnMut() -> Fut) -> Result<T, RequestError>
where
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 0;
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if is_transient(&e) && attempt + 1 < SEND_ATTEMPTS => {
                let wait = match &e {
                    RequestError::RetryAfter(s) => {
                        // Telegram's flood control is the bot's: every message waits, not only this one.
                        sh.budget.freeze(s.duration());
                        s.duration()
                    }
                    _ => backoff(attempt, sh.max_backoff),
                };
                log::warn!("request failed ({}); retrying in {wait:?}", sh.token.redact(&e.to_string()));
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Retries a start-up request until it succeeds; None if stopped first.
pub(super) async fn retrying<T, Fut>(
    token: &super::Token,
    max: Duration,
    stop: &mut watch::Receiver<bool>,
    what: &str,
    mut f: impl FnMut() -> Fut,
) -> anyhow::Result<Option<T>>
where
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 0;
    loop {
        let res = tokio::select! {
            r = f() => r,
            _ = stop.changed() => return Ok(None),
        };
        match res {
            Ok(v) => return Ok(Some(v)),
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                return Err(anyhow!("{what}: the Bot API refused the token (check TELOXIDE_TOKEN or the token file)"));
            }
            Err(e) => {
                let wait = match &e {
                    RequestError::RetryAfter(s) => s.duration(),
                    _ => backoff(attempt, max),
                };
                log::warn!("{what} failed ({}); retrying in {wait:?}", token.redact(&e.to_string()));
                if nap(wait, stop).await {
                    return Ok(None);
                }
                attempt += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_rendering_is_given_for_the_same_copy_only_and_the_oldest_goes_first() {
        let rendered = Rendered::default();
        let copy = Arc::new(Reply::text("Totals: 3 donations"));
        let first = rendered.messages(&copy, 4096);
        assert!(Arc::ptr_eq(&first, &rendered.messages(&copy, 4096)), "the same copy: rendered once");
        // An equal answer that is another copy (the memo was emptied meanwhile) is rendered anew.
        let other = Arc::new(Reply::text("Totals: 3 donations"));
        let again = rendered.messages(&other, 4096);
        assert!(!Arc::ptr_eq(&first, &again));
        assert_eq!(*first, *again);
        // Past `KEEP` other answers, the first copy's rendering is gone; the most recent stay.
        for n in 0..Rendered::KEEP {
            rendered.messages(&Arc::new(Reply::text(format!("answer {n}"))), 4096);
        }
        assert!(!Arc::ptr_eq(&first, &rendered.messages(&copy, 4096)), "dropped, rendered anew");
        assert_eq!(rendered.recent.lock().unwrap().len(), Rendered::KEEP);
    }
}

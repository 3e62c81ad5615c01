//! The running Matrix bot on the transport-neutral runtime (`crate::bot`): the sync loop, invites,
//! and what is Matrix's in answering an event.
//!
//! - **Sync.** One `/sync` long poll at a time (the bot's own loop over `sync_once`, no pause between
//!   polls, so an answer goes out as soon as the command arrives). The SDK stores its sync token before
//!   it returns, so amity records every message event of the response in the shared inbox
//!   (`bot::Inbox`, one transaction) before it acts on any, answers each event id once, and covers the
//!   gap a crash could leave between the two: at every start, and whenever a sync says a room's
//!   timeline was cut short (`limited`), it reads the room's recent history back (`/messages`) to the
//!   first event it knows, at most `catch_up_hours` old and never from before the bot joined. Events
//!   older than that are left unanswered.
//! - **Backpressure.** Events go to the lanes (`bot::Lanes`, one per room) through a bounded queue:
//!   when the lanes are full the loop waits before its next sync.
//! - **Invites** from the people and servers in `allow_invites_from` (or, when that is empty, from
//!   admins and staff) are accepted in a task of their own, retried for a while (a join right after an
//!   invite can fail); all others are declined.
//! - **Encrypted rooms.** The SDK decrypts with the keys in its crypto store. An event whose keys have
//!   not arrived is retried off its lane (the room's other commands are not held up) until the keys
//!   come or `undecryptable_wait_secs` pass; then the sender is told, in one line, how to fix it.
//! - **Answers** are `m.notice` events in reply to the command (in its thread, if any), each with a
//!   transaction id made from the command's event id, and retried with backoff while the homeserver is
//!   unreachable: a retry is the same message, never a second one. An answer refused for good (the bot
//!   was kicked) is logged and the event marked answered.
//! - **Shutdown.** At the stop signal the sync stops, the lanes finish what they hold (within
//!   `shutdown_grace_secs`), the inbox is synced to disk, and `serve` returns.

use super::inbound::{self, Incoming, Mapped, RoomInfo};
use super::outbound;
use crate::bot::inbox::Received;
use crate::bot::{self, Inbox, Stop, backoff, nap};
use crate::commands::import::upload;
use crate::commands::{Core, Request};
use crate::config::matrix::Inviter;
use crate::domain::{Role, UserKey};
use crate::i18n::t;
use crate::render::Reply;
use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::filter::{FilterDefinition, RoomEventFilter, RoomFilter};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::events::room::encrypted::OriginalSyncRoomEncryptedEvent;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, ReplyMetadata, RoomMessageEventContent, RoomMessageEventContentWithoutRelation,
};
use matrix_sdk::ruma::events::{AnySyncTimelineEvent, MessageLikeEventContent};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId, RoomId, UInt, UserId};
use matrix_sdk::{Client, Room, RoomState};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Events in flight (received, not yet answered) at most.
pub const IN_FLIGHT: usize = 1_000;
/// Events per room read back from history at a start or after a gap, at most.
const BACKFILL_MAX: usize = 1_000;
/// How often an undecryptable event is tried again while it waits for its keys.
const DECRYPT_RETRY: Duration = Duration::from_secs(2);

/// One event on its way through a lane: what the inbox stores (the room and the event as received).
pub(super) struct MxEvent {
    id: String,
    room: String,
    event: String,
    /// When it was sent (ms): the inbox's order.
    ts: i64,
}

impl MxEvent {
    fn body(&self) -> String {
        json!({"room": self.room, "event": serde_json::from_str::<serde_json::Value>(&self.event).unwrap_or_default()})
            .to_string()
    }

    fn from_stored(r: &Received) -> Option<MxEvent> {
        let v: serde_json::Value = serde_json::from_str(&r.body).ok()?;
        Some(MxEvent {
            id: r.id.clone(),
            room: v["room"].as_str()?.to_string(),
            event: v["event"].to_string(),
            ts: r.seq,
        })
    }
}

/// What every handler shares.
pub(super) struct Shared {
    pub core: Arc<Core>,
    pub client: Client,
    pub me: String,
    pub inbox: Arc<Inbox>,
    pub stop: Stop,
    pub max_len: usize,
    pub max_backoff: Duration,
    pub inviters: Vec<Inviter>,
    pub catch_up: Duration,
    pub utd_wait: Duration,
    /// Into the lanes: the sync loop's events, and events decrypted late.
    pub events: mpsc::Sender<MxEvent>,
    /// Each (room, person)'s current numbered choices, by [`choice_key`], mirrored in
    /// the store.
    pub choices: Mutex<HashMap<String, Choices>>,
    /// Events waiting for their keys (so that one is retried by one task).
    pub waiting_keys: Mutex<HashSet<String>>,
    /// Invites being answered.
    pub invites: Mutex<HashSet<OwnedRoomId>>,
    /// After a first login: the password, to cross-sign the new device after the first sync.
    pub new_device: Mutex<Option<super::Secret>>,
}

type Lanes = bot::Lanes<Shared>;

impl bot::Handler for Shared {
    type Event = MxEvent;
    type Lane = String;
    /// The event id, the room, and the sender when known.
    type Note = (String, String);

    fn lane(&self, ev: &MxEvent) -> String {
        ev.room.clone()
    }

    fn note(&self, ev: &MxEvent) -> (String, String) {
        (ev.id.clone(), ev.room.clone())
    }

    async fn handle(self: Arc<Self>, ev: MxEvent) {
        process(&self, ev).await
    }

    async fn panicked(self: Arc<Self>, (id, room): (String, String)) {
        log::error!("handling Matrix event {id} panicked; the bot goes on");
        let lang =
            crate::i18n::Lang::parse(&self.core.config().office.default_language).unwrap_or(crate::i18n::Lang::En);
        let text = t(lang, "mx-internal-error", &[]);
        if let Some(r) = room_of(&self.client, &room) {
            let content = RoomMessageEventContent::notice_plain(text);
            let _ = send_retrying(&self, &r, content, outbound::txn_id(&id, 99)).await;
        }
        self.inbox.mark_answered(id).await;
    }
}

/// Completes at the stop signal.
async fn stopping(stop: &mut Stop) {
    let _ = stop.wait_for(|s| *s).await;
}

fn room_of(client: &Client, room: &str) -> Option<Room> {
    let id = RoomId::parse(room).ok()?;
    client.get_room(&id)
}

/// The sync filter: no presence, members loaded lazily, up to 100 timeline events a room per sync.
fn filter() -> Filter {
    let mut timeline = RoomEventFilter::default();
    timeline.limit = Some(UInt::from(100u32));
    timeline.lazy_load_options =
        matrix_sdk::ruma::api::client::filter::LazyLoadOptions::Enabled { include_redundant_members: false };
    let mut room = RoomFilter::default();
    room.timeline = timeline;
    let mut def = FilterDefinition::default();
    def.room = room;
    def.presence = matrix_sdk::ruma::api::client::filter::Filter::ignore_all();
    Filter::FilterDefinition(def)
}

pub(super) async fn serve(
    sh: Arc<Shared>,
    mut rx: mpsc::Receiver<MxEvent>,
    sync_timeout: Duration,
) -> anyhow::Result<()> {
    let grace = Duration::from_secs(sh.core.config().matrix.shutdown_grace_secs);
    let idle = Duration::from_secs(sh.core.config().matrix.lane_idle_secs);
    let mut lanes = Lanes::new(sh.clone(), IN_FLIGHT, idle);

    // Events received before the last stop and never answered come first.
    sh.inbox.resume(&mut lanes, |r| MxEvent::from_stored(r).ok_or_else(|| "not an event".to_string())).await?;

    let sync = tokio::spawn(sync_loop(sh.clone(), sync_timeout));
    let mut stop = sh.stop.clone();
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(ev) => lanes.dispatch(ev).await,
                None => break,
            },
            _ = stopping(&mut stop) => break,
        }
    }
    if let Err(e) = sync.await {
        log::error!("the Matrix sync loop ended abnormally: {e}");
    }
    if !lanes.finish(grace).await {
        log::warn!(
            "shutdown: some Matrix events were not answered in time; they will be answered after the next start"
        );
    }
    sh.inbox.sync_now().await;
    log::info!("Matrix: stopped");
    Ok(())
}

/// Syncs until the stop signal: records and queues each response's message events, answers invites.
async fn sync_loop(sh: Arc<Shared>, timeout: Duration) {
    let mut stop = sh.stop.clone();
    let mut errors = 0u32;
    let mut first = true;
    loop {
        if *stop.borrow() {
            return;
        }
        let settings = SyncSettings::default().timeout(if first { Duration::ZERO } else { timeout }).filter(filter());
        let res = tokio::select! {
            r = sh.client.sync_once(settings) => r,
            _ = stopping(&mut stop) => return,
        };
        let resp = match res {
            Ok(r) => r,
            Err(e) => {
                let wait = backoff(errors, sh.max_backoff);
                errors = errors.saturating_add(1);
                log::warn!("Matrix sync failed ({e}); retrying in {wait:?}");
                if nap(wait, &mut stop).await {
                    return;
                }
                continue;
            }
        };
        if errors > 0 {
            log::info!("Matrix sync works again");
        }
        errors = 0;
        let password = sh.new_device.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(password) = password {
            super::session::cross_sign(&sh.client, &password).await;
        }
        if first {
            // What a crash may have lost between the SDK's stored token and the inbox, and what came
            // while the bot was down beyond one sync's window.
            first = false;
            for room in sh.client.joined_rooms() {
                backfill(&sh, &room, None).await;
            }
        }
        for (room_id, _) in resp.rooms.invited.iter() {
            if sh.invites.lock().unwrap_or_else(|p| p.into_inner()).insert(room_id.clone()) {
                tokio::spawn(answer_invite(sh.clone(), room_id.clone()));
            }
        }
        for (room_id, update) in resp.rooms.joined {
            log::debug!(
                "Matrix sync: {} timeline event(s) in {room_id}{}",
                update.timeline.events.len(),
                if update.timeline.limited { " (limited)" } else { "" }
            );
            let Some(room) = sh.client.get_room(&room_id) else { continue };
            if update.timeline.limited {
                backfill(&sh, &room, update.timeline.prev_batch.clone()).await;
            }
            let events: Vec<(AnySyncTimelineEvent, Raw<AnySyncTimelineEvent>, bool)> = update
                .timeline
                .events
                .into_iter()
                .filter_map(|te| {
                    let utd = te.kind.is_utd();
                    let raw = te.into_raw();
                    raw.deserialize().ok().map(|e| (e, raw, utd))
                })
                .collect();
            take_in(&sh, &room, events).await;
        }
    }
}

/// Reads a room's history back from `from` (None: its newest event) to the first event the inbox
/// knows, the catch-up age, or the bot's join, and takes in what is new, oldest first.
async fn backfill(sh: &Arc<Shared>, room: &Room, from: Option<String>) {
    let (cutoff, joined) = (cutoff_ms(sh), joined_ms(room).await);
    let mut from = from;
    let mut found = Vec::new();
    'pages: loop {
        let mut opts = MessagesOptions::backward().from(from.as_deref());
        opts.limit = UInt::from(100u32);
        let page = match room.messages(opts).await {
            Ok(p) => p,
            Err(e) => {
                log::warn!(
                    "Matrix: reading the history of {} failed ({e}); what was missed there is not answered",
                    room.room_id()
                );
                break;
            }
        };
        let ids: Vec<String> = page.chunk.iter().filter_map(|te| te.event_id().map(|id| id.to_string())).collect();
        let known = match sh.inbox.known(ids).await {
            Ok(k) => k,
            Err(e) => {
                log::warn!("Matrix: reading the inbox failed ({e})");
                break;
            }
        };
        for te in page.chunk {
            let utd = te.kind.is_utd();
            let raw = te.into_raw();
            let Ok(ev) = raw.deserialize() else { continue };
            let ts = inbound::origin_ms(&ev);
            if known.contains(ev.event_id().as_str()) || ts < cutoff || ts < joined {
                break 'pages;
            }
            found.push((ev, raw, utd));
            if found.len() >= BACKFILL_MAX {
                break 'pages;
            }
        }
        match page.end {
            Some(end) if Some(&end) != from.as_ref() => from = Some(end),
            _ => break,
        }
    }
    if !found.is_empty() {
        found.reverse();
        log::info!("Matrix: {} event(s) in {} read back from its history", found.len(), room.room_id());
        take_in(sh, room, found).await;
    }
}

/// The oldest event time that is answered (ms): now less the catch-up age.
fn cutoff_ms(sh: &Shared) -> i64 {
    sh.core.now().timestamp_millis().saturating_sub(sh.catch_up.as_millis() as i64)
}

/// When the bot last joined the room (ms), from its membership event; 0 when unknown.
async fn joined_ms(room: &Room) -> i64 {
    match room.get_member_no_sync(room.own_user_id()).await {
        Ok(Some(m)) => m.event().origin_server_ts().map_or(0, |t| i64::from(t.get())),
        _ => 0,
    }
}

/// Records a room's message events in the inbox (before acting on any) and queues the new ones.
async fn take_in(sh: &Arc<Shared>, room: &Room, events: Vec<(AnySyncTimelineEvent, Raw<AnySyncTimelineEvent>, bool)>) {
    let (cutoff, joined) = (cutoff_ms(sh), joined_ms(room).await);
    let room_id = room.room_id().to_string();
    let batch: Vec<MxEvent> = events
        .into_iter()
        .filter(|(ev, _, utd)| {
            // Only messages (and messages still encrypted) from others, sent since the bot joined and
            // within the catch-up age.
            let kind = ev.event_type().to_string();
            let message = kind == "m.room.message" || kind == "m.reaction" || (*utd && kind == "m.room.encrypted");
            let ts = inbound::origin_ms(ev);
            message && ev.sender().as_str() != sh.me && ts >= cutoff && ts >= joined
        })
        .map(|(ev, raw, _)| MxEvent {
            id: ev.event_id().to_string(),
            room: room_id.clone(),
            event: raw.json().get().to_string(),
            ts: inbound::origin_ms(&ev),
        })
        .collect();
    if batch.is_empty() {
        return;
    }
    let received: Vec<Received> =
        batch.iter().map(|e| Received { id: e.id.clone(), seq: e.ts, body: e.body() }).collect();
    let mut stop = sh.stop.clone();
    let mut errors = 0;
    let fresh = loop {
        match sh.inbox.receive(received.clone(), false).await {
            Ok(f) => break f,
            Err(e) => {
                log::error!("recording received Matrix events: {e}; trying again");
                if nap(backoff(errors, sh.max_backoff), &mut stop).await {
                    return;
                }
                errors += 1;
            }
        }
    };
    let fresh: HashSet<String> = fresh.into_iter().collect();
    for ev in batch {
        if fresh.contains(&ev.id) {
            log::debug!("Matrix event {} received in {}", ev.id, ev.room);
            // Waits while the lanes are full (backpressure), but not past the stop signal: what is not
            // queued by then is in the inbox, answered after the next start.
            tokio::select! {
                r = sh.events.send(ev) => if r.is_err() { return },
                _ = stopping(&mut stop) => return,
            }
        } else {
            log::debug!("Matrix event {} received again; already handled", ev.id);
        }
    }
}

/// Accepts an invite from an allowed inviter (retrying the join), declines any other.
async fn answer_invite(sh: Arc<Shared>, room_id: OwnedRoomId) {
    let done = |sh: &Shared| {
        sh.invites.lock().unwrap_or_else(|p| p.into_inner()).remove(&room_id);
    };
    let Some(room) = sh.client.get_room(&room_id) else { return done(&sh) };
    if room.state() != RoomState::Invited {
        return done(&sh);
    }
    let inviter = match room.invite_details().await {
        Ok(d) => d.inviter_id.to_string(),
        Err(e) => {
            log::warn!("Matrix: the invite to {room_id} cannot be read ({e}); declining it");
            String::new()
        }
    };
    if !may_invite(&sh, &inviter).await {
        log::info!("Matrix: declining the invite to {room_id} from {inviter} (not in allow_invites_from)");
        if let Err(e) = room.leave().await {
            log::warn!("Matrix: declining the invite to {room_id} failed: {e}");
        }
        return done(&sh);
    }
    let mut stop = sh.stop.clone();
    for attempt in 0..8 {
        match room.join().await {
            Ok(()) => {
                log::info!("Matrix: joined {room_id} (invited by {inviter})");
                return done(&sh);
            }
            Err(e) => {
                let wait = crate::domain::time::doubling(Duration::from_secs(2), attempt, Duration::from_secs(60));
                log::warn!("Matrix: joining {room_id} failed ({e}); retrying in {wait:?}");
                if nap(wait, &mut stop).await {
                    break;
                }
            }
        }
    }
    done(&sh)
}

/// Whether `user` may invite the bot: listed in `allow_invites_from` (a user or their server), or,
/// when that list is empty, an admin or staff member.
async fn may_invite(sh: &Arc<Shared>, user: &str) -> bool {
    if user.is_empty() {
        return false;
    }
    if !sh.inviters.is_empty() {
        return sh.inviters.iter().any(|i| i.allows(user));
    }
    let Some(key) = UserKey::parse(&format!("mx:{user}")) else { return false };
    if sh.core.config().admin_keys().contains(&key) {
        return true;
    }
    let staff = bot::blocking(&sh.core, |c| c.staff_members()).await;
    matches!(staff, Ok(Ok(list)) if list.iter().any(|m| m.user == key && m.role >= Role::Staff))
}

/// Handles one event: asks the core, sends the answer, notes that it was answered.
async fn process(sh: &Arc<Shared>, ev: MxEvent) {
    let Some(room) = room_of(&sh.client, &ev.room) else {
        log::info!("Matrix event {}: the bot is no longer in {}", ev.id, ev.room);
        return sh.inbox.mark_answered(ev.id).await;
    };
    let raw = Raw::<AnySyncTimelineEvent>::from_json_string(ev.event.clone());
    let event = match raw.as_ref().ok().map(|r| r.deserialize()) {
        Some(Ok(e)) => e,
        _ => {
            log::warn!("Matrix event {} is unreadable; skipped", ev.id);
            return sh.inbox.mark_answered(ev.id).await;
        }
    };
    if event.event_type().to_string() == "m.room.encrypted" {
        return wait_for_keys(sh, room, ev);
    }
    let direct = room.active_members_count() <= 2 || room.is_direct().await.unwrap_or(false);
    let info = RoomInfo { room_id: ev.room.clone(), direct };
    let inc = match inbound::map(&event, &info, &sh.me) {
        Mapped::Ignore(why) => {
            log::debug!("Matrix event {} ignored: {why}", ev.id);
            return sh.inbox.mark_answered(ev.id).await;
        }
        Mapped::Handle(inc) => *inc,
    };
    if answer(sh, &room, inc).await {
        sh.inbox.mark_answered(ev.id).await;
    }
}

/// The core's answer to one event, sent. False when it is left for the next start (the bot is
/// stopping before the answer went out).
async fn answer(sh: &Arc<Shared>, room: &Room, mut inc: Incoming) -> bool {
    let key = choice_key(&inc.room_id, inc.req.user.as_str());
    // A number answers the person's current numbered choices, if they have any.
    let choices = current_choices(sh, &key).await;
    if let Some(on) = &inc.reacts_to
        && (choices.message.as_deref() != Some(on.as_str())
            || outbound::picked(&inc.req.text).and_then(|n| choices.list.get(n - 1)).is_none())
    {
        // A reaction on another message (an earlier question, or someone else's) answers nothing.
        log::debug!("Matrix event {}: a number reaction not on the person's current choices", inc.event_id);
        return true;
    }
    if let Some(n) = outbound::picked(&inc.req.text)
        && let Some(data) = choices.list.get(n - 1)
    {
        inc.req.text = data.clone();
        inc.needs_dialogue = false;
    }
    let needs_dialogue = inc.needs_dialogue;
    let req = inc.req.clone();
    let fetched = match &inc.file {
        Some(f) => Some(fetch_file(sh, &req, f).await),
        None => None,
    };
    // A memoised answer is taken here, without a hand-off to a blocking thread.
    let at_hand = match &fetched {
        None if !needs_dialogue => sh.core.answer_at_hand(&req).map(|a| Ok(Some((a.reply, a.lang)))),
        _ => None,
    };
    let res = match at_hand {
        Some(r) => r,
        None => {
            bot::blocking(&sh.core, move |c| {
                let reply = match fetched {
                    Some(Ok((name, bytes))) => c.receive_file(&req, &name, &bytes),
                    Some(Err(reply)) => reply,
                    None if needs_dialogue && !c.dialogue_open(&req) => return None,
                    None => {
                        let a = c.answer(&req);
                        return Some((a.reply, a.lang));
                    }
                };
                Some((Arc::new(reply), c.lang(&req)))
            })
            .await
        }
    };
    let (reply, lang) = match res {
        Ok(Some(r)) => r,
        Ok(None) => return true, // chatter in a group
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => {
            log::error!("Matrix event {}: {e}", inc.event_id);
            return false;
        }
    };
    if reply.duplicate {
        log::info!("Matrix event {} had already been handled; sending its stored answer", inc.event_id);
    }
    let Some(last) = deliver(sh, room, &inc, &reply, lang).await else {
        return false;
    };
    let new = outbound::choices(&reply);
    if !new.is_empty()
        && let Some(menu) = &last
    {
        add_number_reactions(sh, room, menu, new.len());
    }
    if !new.is_empty() || !choices.list.is_empty() {
        keep_choices(sh, key, Choices { list: new, message: last.map(|e| e.to_string()) }).await;
    }
    true
}

/// Puts the number reactions under a message that offers `n` choices, for the person to tap: off the
/// lane (the next answer need not wait for them), each with its own transaction id.
fn add_number_reactions(sh: &Arc<Shared>, room: &Room, menu: &OwnedEventId, n: usize) {
    use matrix_sdk::ruma::events::reaction::ReactionEventContent;
    use matrix_sdk::ruma::events::relation::Annotation;
    let (sh, room, menu) = (sh.clone(), room.clone(), menu.clone());
    tokio::spawn(async move {
        for i in 1..=n {
            let Some(key) = outbound::keycap(i) else { break };
            let content = ReactionEventContent::new(Annotation::new(menu.clone(), key));
            if let Sent::Stopping = send_retrying(&sh, &room, content, outbound::txn_id(menu.as_str(), 200 + i)).await {
                return;
            }
        }
    });
}

/// A file sent in a direct chat, fetched from the homeserver (decrypted in an encrypted room) once
/// the core said it takes it: its name and bytes, or the answer to give instead.
async fn fetch_file(sh: &Arc<Shared>, req: &Request, f: &inbound::FileRef) -> Result<(String, Vec<u8>), Reply> {
    use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
    let (r, name, size) = (req.clone(), f.name.clone(), f.size);
    match bot::blocking(&sh.core, move |c| c.file_refusal(&r, &name, size)).await {
        Ok(None) => {}
        Ok(Some(refusal)) => return Err(refusal),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
    let params = MediaRequestParameters { source: f.source.clone(), format: MediaFormat::File };
    let mut attempt = 0;
    loop {
        match sh.client.media().get_media_content(&params, false).await {
            Ok(bytes) if bytes.len() as u64 > upload::MAX_UPLOAD => {
                let (r, name, size) = (req.clone(), f.name.clone(), Some(bytes.len() as u64));
                let refusal = bot::blocking(&sh.core, move |c| c.file_refusal(&r, &name, size)).await;
                return Err(refusal.ok().flatten().unwrap_or_else(|| Reply::invalid("file too large")));
            }
            Ok(bytes) => return Ok((f.name.clone(), bytes)),
            Err(e) if attempt + 1 < FETCH_ATTEMPTS && !is_permanent(&e) => {
                let wait = backoff(attempt, Duration::from_secs(sh.core.config().matrix.max_backoff_secs));
                log::warn!("fetching {} failed ({e}); retrying in {wait:?}", f.name);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(e) => {
                log::warn!("fetching {}: {e}", f.name);
                let (r, name) = (req.clone(), f.name.clone());
                let reply = bot::blocking(&sh.core, move |c| c.file_unavailable(&r, &name)).await;
                return Err(reply.unwrap_or_else(|_| Reply::invalid("the file could not be fetched")));
            }
        }
    }
}

/// Attempts to fetch a file before the sender is told it could not be.
const FETCH_ATTEMPTS: u32 = 5;

/// Where a person's numbered choices in a room are kept (in memory, and as transport bookkeeping).
fn choice_key(room: &str, user: &str) -> String {
    format!("mx-choices|{room}|{user}")
}

/// A person's current numbered choices in a room.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Choices {
    /// The button data, in the order the choices are numbered.
    list: Vec<String>,
    /// The message that offered them (its number reactions pick from them).
    message: Option<String>,
}

impl Choices {
    /// As kept: `{"list": […], "message": "$…"}`, or a bare list (kept before reactions existed).
    fn parse(json: &str) -> Choices {
        serde_json::from_str(json)
            .or_else(|_| serde_json::from_str(json).map(|list| Choices { list, message: None }))
            .unwrap_or_default()
    }
}

/// The person's current numbered choices: from memory, else (after a restart) from the store.
async fn current_choices(sh: &Arc<Shared>, key: &str) -> Choices {
    if let Some(c) = sh.choices.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
        return c.clone();
    }
    let k = key.to_string();
    let choices = match bot::blocking(&sh.core, move |c| c.button_data(&k)).await {
        Ok(Ok(Some(json))) => Choices::parse(&json),
        _ => Choices::default(),
    };
    sh.choices.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), choices.clone());
    choices
}

/// Keeps the choices just offered (an empty list: none any more).
async fn keep_choices(sh: &Arc<Shared>, key: String, choices: Choices) {
    let json = serde_json::to_string(&choices).unwrap_or_else(|_| "{}".into());
    sh.choices.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), choices);
    match bot::blocking(&sh.core, move |c| c.keep_button_data(&[(key, json)])).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => log::warn!("Matrix: keeping numbered choices failed: {e}"),
        Err(e) => log::warn!("Matrix: keeping numbered choices failed: {e}"),
    }
}

/// Sends the answer's messages (the first in reply to the command, in its thread; an answer to a
/// reaction plainly) and its files. Some (with the last message's event id, if it went out) when all
/// went out or were refused for good; None when the bot is stopping.
async fn deliver(
    sh: &Arc<Shared>,
    room: &Room,
    inc: &Incoming,
    reply: &Reply,
    lang: crate::i18n::Lang,
) -> Option<Option<OwnedEventId>> {
    let eid = inc.event_id.as_str();
    let mut last = None;
    for (n, m) in outbound::messages(reply, lang, sh.max_len).into_iter().enumerate() {
        last = match send_retrying(sh, room, notice(inc, m), outbound::txn_id(eid, n)).await {
            Sent::Ok(id) => Some(id),
            Sent::Refused => None,
            Sent::Stopping => return None,
        };
    }
    for (i, a) in reply.attachments.iter().enumerate() {
        let mime: mime::Mime = a.mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let txn = OwnedTransactionId::from(outbound::txn_id(eid, 100 + i));
        let mut stop = sh.stop.clone();
        let size = a.bytes.len() as u64;
        for attempt in 0.. {
            let cfg = AttachmentConfig::new().txn_id(txn.clone());
            match room.send_attachment(&a.file_name, &mime, a.bytes.clone(), cfg).await {
                Ok(_) => break,
                // Larger than the homeserver takes: the SDK checks its upload limit (asked once, then
                // kept) before uploading; a `413` is the homeserver saying it. Not sent; the asker
                // is told why and what to ask for instead.
                Err(matrix_sdk::Error::Media(matrix_sdk::media::MediaError::MediaTooLargeToUpload { max, .. })) => {
                    say_too_large(sh, room, inc, lang, i, &a.file_name, size, Some(u64::from(max))).await?;
                    break;
                }
                Err(e) if e.as_client_api_error().is_some_and(|c| c.status_code.as_u16() == 413) => {
                    say_too_large(sh, room, inc, lang, i, &a.file_name, size, None).await?;
                    break;
                }
                Err(e) if is_permanent(&e) => {
                    log::warn!("Matrix: the file {} was refused ({e})", a.file_name);
                    break;
                }
                Err(e) => {
                    let wait = backoff(attempt, sh.max_backoff);
                    log::warn!("Matrix: sending the file {} failed ({e}); retrying in {wait:?}", a.file_name);
                    if nap(wait, &mut stop).await {
                        return None;
                    }
                }
            }
        }
    }
    Some(last)
}

/// One message of the answer to `inc` as a notice: in reply to the command (in its thread, if it came
/// from one), or on its own after a reaction (a reply to a reaction would quote nothing a person wrote).
fn notice(inc: &Incoming, m: outbound::Outgoing) -> RoomMessageEventContent {
    let content = RoomMessageEventContentWithoutRelation::notice_html(m.plain, m.html);
    if inc.reacts_to.is_some() {
        return content.into();
    }
    let thread = inc
        .thread
        .as_ref()
        .map(|root| matrix_sdk::ruma::events::relation::Thread::plain(root.clone(), inc.event_id.clone()));
    content.make_reply_to(
        ReplyMetadata::new(&inc.event_id, &inc.sender, thread.as_ref()),
        ForwardThread::Yes,
        AddMentions::No,
    )
}

/// Tells the asker that the answer's `i`th file was too large for the homeserver (`max` bytes, when
/// it says) and was not sent. None when the bot is stopping.
#[allow(clippy::too_many_arguments)]
async fn say_too_large(
    sh: &Arc<Shared>,
    room: &Room,
    inc: &Incoming,
    lang: crate::i18n::Lang,
    i: usize,
    file: &str,
    size: u64,
    max: Option<u64>,
) -> Option<()> {
    log::warn!("Matrix: the file {file} ({size} bytes) is larger than the homeserver takes ({max:?}); not sent");
    let (req, name) = (inc.req.clone(), file.to_string());
    let reply = bot::blocking(&sh.core, move |c| c.file_too_large(&req, &name, size, max)).await.ok()?;
    for (n, m) in outbound::messages(&reply, lang, sh.max_len).into_iter().enumerate() {
        // Transaction ids of their own, after the answer's messages (0…) and files (100…).
        let txn = outbound::txn_id(inc.event_id.as_str(), 200 + 10 * i + n);
        if let Sent::Stopping = send_retrying(sh, room, notice(inc, m), txn).await {
            return None;
        }
    }
    Some(())
}

pub(super) enum Sent {
    /// Sent, as this event.
    Ok(OwnedEventId),
    /// Refused for good (logged).
    Refused,
    Stopping,
}

/// An answer refused for a reason that a retry cannot change (a 4xx other than 429).
fn is_permanent(e: &matrix_sdk::Error) -> bool {
    e.as_client_api_error().is_some_and(|c| c.status_code.is_client_error() && c.status_code.as_u16() != 429)
}

/// Sends one message, retrying with backoff (the SDK itself honours `M_LIMIT_EXCEEDED`) until it is
/// sent, refused for good, or the bot stops. The transaction id makes every retry the same message.
pub(super) async fn send_retrying<C>(sh: &Shared, room: &Room, content: C, txn: String) -> Sent
where
    C: MessageLikeEventContent + Clone,
{
    let txn = OwnedTransactionId::from(txn);
    let mut stop = sh.stop.clone();
    for attempt in 0.. {
        match room.send(content.clone()).with_transaction_id(txn.clone()).await {
            Ok(r) => return Sent::Ok(r.response.event_id),
            Err(e) if is_permanent(&e) => {
                log::warn!("Matrix: a message to {} was refused ({e})", room.room_id());
                return Sent::Refused;
            }
            Err(e) => {
                let wait = backoff(attempt, sh.max_backoff);
                log::warn!("Matrix: sending to {} failed ({e}); retrying in {wait:?}", room.room_id());
                if nap(wait, &mut stop).await {
                    return Sent::Stopping;
                }
            }
        }
    }
    Sent::Stopping
}

/// An event that could not be decrypted: tried again off the lane until its keys arrive (then it is
/// queued again, decrypted) or the wait is over (then the sender is told, and it counts as answered).
fn wait_for_keys(sh: &Arc<Shared>, room: Room, ev: MxEvent) {
    if !sh.waiting_keys.lock().unwrap_or_else(|p| p.into_inner()).insert(ev.id.clone()) {
        return;
    }
    let sh = sh.clone();
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + sh.utd_wait;
        let mut stop = sh.stop.clone();
        let encrypted = Raw::<OriginalSyncRoomEncryptedEvent>::from_json_string(ev.event.clone());
        let sender = serde_json::from_str::<serde_json::Value>(&ev.event)
            .ok()
            .and_then(|v| v["sender"].as_str().map(str::to_string))
            .unwrap_or_default();
        loop {
            if let Ok(raw) = &encrypted
                && let Ok(te) = room.decrypt_event(raw, None).await
                && !te.kind.is_utd()
            {
                let event = te.into_raw().json().get().to_string();
                log::info!("Matrix event {}: decrypted after its keys arrived", ev.id);
                sh.waiting_keys.lock().unwrap_or_else(|p| p.into_inner()).remove(&ev.id);
                let _ = sh.events.send(MxEvent { id: ev.id, room: ev.room, event, ts: ev.ts }).await;
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                break;
            }
            if nap(DECRYPT_RETRY, &mut stop).await {
                sh.waiting_keys.lock().unwrap_or_else(|p| p.into_inner()).remove(&ev.id);
                return;
            }
        }
        log::warn!("Matrix event {} from {sender}: its keys never arrived; telling the sender", ev.id);
        let lang = match UserKey::parse(&format!("mx:{sender}")) {
            Some(user) => {
                let req = crate::commands::Request {
                    transport: "matrix",
                    user,
                    user_name: None,
                    lang_hint: None,
                    chat: ev.room.clone(),
                    chat_kind: crate::commands::ChatKind::Private,
                    text: String::new(),
                    update_id: None,
                    forwarded: false,
                };
                bot::blocking(&sh.core, move |c| c.lang(&req)).await.unwrap_or(crate::i18n::Lang::En)
            }
            None => crate::i18n::Lang::En,
        };
        let mut content = RoomMessageEventContent::notice_plain(t(lang, "mx-undecryptable", &[]));
        if let (Ok(eid), Ok(uid)) = (matrix_sdk::ruma::EventId::parse(&ev.id), UserId::parse(&sender)) {
            let meta = ReplyMetadata::new(&eid, &uid, None);
            content = RoomMessageEventContentWithoutRelation::notice_plain(t(lang, "mx-undecryptable", &[]))
                .make_reply_to(meta, ForwardThread::Yes, AddMentions::No);
        }
        let _ = send_retrying(&sh, &room, content, outbound::txn_id(&ev.id, 98)).await;
        sh.waiting_keys.lock().unwrap_or_else(|p| p.into_inner()).remove(&ev.id);
        sh.inbox.mark_answered(ev.id).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_kept_before_reactions_existed_still_read() {
        let now = Choices { list: vec!["donation".into(), "letter".into()], message: Some("$menu".into()) };
        assert_eq!(Choices::parse(&serde_json::to_string(&now).unwrap()), now);
        let before = Choices::parse(r#"["donation","letter"]"#);
        assert_eq!(before, Choices { list: vec!["donation".into(), "letter".into()], message: None });
        assert_eq!(Choices::parse("not json"), Choices::default());
    }

    #[test]
    fn a_stored_event_reads_back_as_it_was_received() {
        let event = r#"{"type":"m.room.message","event_id":"$e1","sender":"@li:localhost","origin_server_ts":5,"content":{"msgtype":"m.text","body":"!totals"}}"#;
        let ev = MxEvent { id: "$e1".into(), room: "!r".into(), event: event.into(), ts: 5 };
        let back = MxEvent::from_stored(&Received { id: ev.id.clone(), seq: ev.ts, body: ev.body() }).unwrap();
        assert_eq!((back.id.as_str(), back.room.as_str(), back.ts), ("$e1", "!r", 5));
        let a: serde_json::Value = serde_json::from_str(&back.event).unwrap();
        let b: serde_json::Value = serde_json::from_str(event).unwrap();
        assert_eq!(a, b);
        assert!(MxEvent::from_stored(&Received { id: "x".into(), seq: 0, body: "not json".into() }).is_none());
    }
}

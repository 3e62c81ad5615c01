//! Delivery's store side: the outbox rows, the `DigestSender` a transport implements, pacing and the
//! time arithmetic. The runner that ticks (`bot::digests::Scheduler`) is above the core, since it holds
//! it; this module is below the commands, which enqueue `/digest send` through it.
//!
//! A digest is a row (`digest_deliveries`) before it is a message. A tick of the scheduler does, at `now`:
//!
//! 1. once, at its first tick: rows left in `sending` by a crash are set back to `pending` and flagged
//!    `possible_duplicate` (logged as such: the part that was in flight may be sent twice — at most one
//!    duplicate, never a silent one);
//! 2. for each digest: the firings in `(cursor, now]` (the cursor is how far its schedule was handled;
//!    a digest seen for the first time starts now). `catch_up = "latest"` takes only the last of them,
//!    `"each"` every one (at most [`MAX_CATCH_UP`]). Each becomes a row for its (digest, period) — the
//!    row and the cursor move in one transaction — unless its days are already covered by an earlier
//!    row: the outbox is keyed by period dates, so a changed schedule or time zone never resends days
//!    already sent, and the unique key makes each (digest, period) at most one row;
//! 3. every `pending` row whose next attempt is due is sent, part by part (text chunks within the
//!    transport's limit, then the chart as a photo), recording each part's message id as it goes, so a
//!    retry resumes after the parts already delivered. A retryable failure (429, 5xx, network) is tried
//!    again with exponential backoff (1 min doubling, at most 1 h, or the server's `retry_after`) until
//!    the digest's deadline (`retry_for` after the firing), then the row is `failed` and the admins are
//!    told (in their private chats through the same sender, and in the log).
//!
//! A [`Pace`] spaces messages to one chat to at most 20 a minute (Telegram's limit for channels).
//!
//! Times never overflow: every moment computed from a setting or a server's answer goes through
//! [`later`], which saturates within the years 1 to 9999 that the store can hold. And a scheduler never
//! dies silently: `bot::digests::supervise` (the loop `amity serve` and `amity digest run` use) catches a tick that
//! fails or panics, starts the scheduler again after a growing pause, and tells the admins through the
//! same sender as the failure reports above (`bot::digests::tell_admins`).

use super::content::{self, Digest};
use super::spec::{DigestSpec, Target};
use crate::config::Config;
use crate::i18n::Lang;
use crate::render::Attachment;
use crate::render::markup::{self, Dialect, Line};
use crate::store::digests::{self as q, Delivery, NewDelivery};
use crate::store::{Store, StoreError, WriteOutcome};
use chrono::{DateTime, Duration as CDuration, NaiveDate, TimeZone, Utc};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// With `catch_up = "each"`, at most this many missed periods are sent after a downtime.
pub const MAX_CATCH_UP: usize = 60;

/// Why a send failed, as the transport classifies it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again: rate limited (429), server error (5xx), network trouble.
    #[error("{reason}")]
    Retryable { reason: String, retry_after: Option<Duration> },
    /// Trying again will not help: chat not found, bot not a member, message rejected.
    #[error("{0}")]
    Permanent(String),
}

/// How a transport delivers digests. Implemented by the console sender here, by Telegram and Matrix in
/// their transports (a sync trait: an async transport runs the scheduler on a blocking thread and
/// blocks on its own runtime inside these methods).
pub trait DigestSender: Send + Sync {
    /// Whether this sender can deliver to `target`; rows for other targets are left for another sender.
    fn handles(&self, target: &Target) -> bool;
    /// Sends one plain text message (a failure report to an admin); returns the transport's message id.
    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError>;
    /// Sends one message of a digest: styled lines, which the transport renders as it can (Telegram
    /// and Matrix HTML with `render::markup`). By default as plain text.
    fn send_lines(&self, target: &Target, lines: &[Line]) -> Result<String, SendError> {
        self.send_text(target, &markup::render(lines, Dialect::Telegram).plain)
    }
    /// Sends a PNG as a photo with a caption; returns the message id.
    fn send_photo(&self, target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError>;
    /// Longest text message in UTF-16 units: the transport's (Telegram 4096; a Matrix event has room
    /// for far more, but a phone screen does not).
    fn max_len(&self) -> usize;
    /// Messages a minute to one chat that digests may take (Telegram's channel limit is 20).
    fn per_chat_per_minute(&self) -> u32;
}

/// One message of a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(Vec<Line>),
    Photo { photo: Attachment, caption: String },
}

/// The messages a digest is sent as, in order: its text split within the sender's limit (the same
/// split every time, so a retry resumes after the parts already delivered), then the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub parts: Vec<Part>,
}

impl Outgoing {
    pub fn new(title: &str, lines: &[Line], chart: Option<&[u8]>, file_name: &str, max_len: usize) -> Outgoing {
        let mut parts: Vec<Part> = markup::split(lines, max_len).into_iter().map(Part::Text).collect();
        if let Some(png) = chart {
            let caption: String = title.chars().take(1000).collect();
            parts.push(Part::Photo {
                photo: Attachment { file_name: file_name.to_string(), mime: "image/png".into(), bytes: png.to_vec() },
                caption,
            });
        }
        Outgoing { parts }
    }

    pub fn of_digest(d: &Digest, max_len: usize) -> Outgoing {
        let name = d.chart.as_ref().map(|a| a.file_name.clone()).unwrap_or_default();
        Outgoing::new(&d.title, &markup::lines(&d.reply), d.chart.as_ref().map(|a| a.bytes.as_slice()), &name, max_len)
    }

    /// A stored row's messages: from its document, or (rows written before migration 0010) from its
    /// plain body and heading lines.
    pub fn of_delivery(d: &Delivery, max_len: usize) -> Outgoing {
        let name = format!("{}-{}-{}.png", d.digest, d.from, d.to);
        let lines = d
            .doc
            .as_deref()
            .and_then(|j| serde_json::from_str::<Vec<Line>>(j).ok())
            .unwrap_or_else(|| markup::lines_of_plain(&d.body, &d.headings));
        Outgoing::new(&d.title, &lines, d.chart.as_deref(), &name, max_len)
    }
}

/// What the period of a digest firing at some moment would be, given what is already in the outbox.
#[derive(Clone, Debug)]
pub enum Plan {
    /// These days are not yet covered: a digest for them is due.
    Due(super::DigestPeriod),
    /// Every day of the period was already covered by this row.
    Covered(Box<Delivery>),
}

/// The period a digest firing at `fire` covers: the schedule's period, starting after the last day an
/// earlier row already covers.
pub fn plan(store: &Store, spec: &DigestSpec, fire: DateTime<Utc>) -> Result<Plan, StoreError> {
    let mut p = spec.schedule.period(fire);
    if let Some(c) = q::covered_through(store.conn(), &spec.name)? {
        if c >= p.to {
            let rows = q::list(store.conn(), &spec.name)?;
            if let Some(row) = rows.into_iter().rev().find(|r| r.state != q::State::Failed && r.to >= p.to) {
                return Ok(Plan::Covered(Box::new(row)));
            }
        }
        if c >= p.from {
            p.from = c.succ_opt().unwrap_or(c);
        }
    }
    Ok(Plan::Due(p))
}

/// What [`enqueue`] did.
#[derive(Clone, Debug)]
pub enum Enqueued {
    /// A new row: pending (to send) or skipped (empty and `skip_empty`).
    Row(Box<Delivery>),
    Covered(Box<Delivery>),
}

/// Writes the outbox row of `spec` firing at `fire` (scheduled, or manual = "send now"), with the digest
/// built now; a scheduled firing moves the cursor in the same transaction.
pub fn enqueue(
    store: &mut Store,
    cfg: &Config,
    spec: &DigestSpec,
    fire: DateTime<Utc>,
    manual: bool,
    now: DateTime<Utc>,
) -> Result<Enqueued, StoreError> {
    let period = match plan(store, spec, fire)? {
        Plan::Due(p) => p,
        Plan::Covered(row) => {
            if !manual {
                store.write::<_, StoreError>(None, |tx| {
                    Ok((q::set_cursor(tx, &spec.name, fire, now)?, String::new()))
                })?;
                log::info!(
                    "digest {}: {} to {} already covered by row {}; nothing sent",
                    spec.name,
                    row.from,
                    row.to,
                    row.id
                );
            }
            return Ok(Enqueued::Covered(row));
        }
    };
    let digest = content::build(store.conn(), spec, &cfg.office.name, &period, cfg.reply.max_list_items)?;
    let deadline = deadline(fire.max(now), spec.retry_for);
    let body = digest.reply.plain();
    let headings = digest.reply.headings();
    let doc = serde_json::to_string(&markup::lines(&digest.reply)).ok();
    let lang = spec.lang.code();
    let target = spec.target.key();
    let row = NewDelivery {
        digest: &spec.name,
        from: period.from,
        to: period.to,
        target: &target,
        manual,
        fire_at: fire,
        skipped: digest.empty && spec.skip_empty,
        deadline_at: deadline,
        lang,
        title: &digest.title,
        body: &body,
        headings: &headings,
        doc: doc.as_deref(),
        chart: digest.chart.as_ref().map(|a| a.bytes.as_slice()),
    };
    let out = store.write::<_, StoreError>(None, |tx| {
        let id = q::insert(tx, &row, now)?;
        if !manual {
            q::set_cursor(tx, &spec.name, fire, now)?;
        }
        Ok((id, String::new()))
    })?;
    let id = match out {
        WriteOutcome::Done(id, _) => id,
        WriteOutcome::Duplicate(_) => None,
    };
    match id {
        Some(id) => {
            let d = q::get(store.conn(), id)?.ok_or_else(|| crate::store::corrupt("outbox row vanished"))?;
            if d.state == q::State::Skipped {
                log::info!("digest {}: nothing new for {} to {}; skipped", spec.name, d.from, d.to);
            }
            Ok(Enqueued::Row(Box::new(d)))
        }
        None => {
            let d = q::find(store.conn(), &spec.name, period.from, period.to)?
                .ok_or_else(|| crate::store::corrupt("outbox row missing after a conflict"))?;
            if manual && d.state == q::State::Failed {
                // "/digest send" after a failure: the same row goes out again.
                store.write::<_, StoreError>(None, |tx| Ok((q::requeue(tx, d.id, deadline, now)?, String::new())))?;
                let d = q::get(store.conn(), d.id)?.ok_or_else(|| crate::store::corrupt("outbox row vanished"))?;
                log::info!("digest {}: {} to {} failed before; queued again", spec.name, d.from, d.to);
                return Ok(Enqueued::Row(Box::new(d)));
            }
            Ok(Enqueued::Covered(Box::new(d)))
        }
    }
}

/// `t` moved by `d`, saturating at the first and last instants of years 1 to 9999 (times are stored
/// as RFC 3339 text, compared as text, and read back: a five-digit year would be none of these): no
/// arithmetic on times can panic or overflow, whatever a setting or a server's `retry_after` says.
pub fn later(t: DateTime<Utc>, d: CDuration) -> DateTime<Utc> {
    let (first, last) = time_range();
    t.checked_add_signed(d).unwrap_or(if d < CDuration::zero() { first } else { last }).clamp(first, last)
}

/// The first and last instants a stored time may hold: 0001-01-01 and 9999-12-31 23:59:59, UTC.
pub fn time_range() -> (DateTime<Utc>, DateTime<Utc>) {
    let first = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC);
    let last = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single().unwrap_or(DateTime::<Utc>::MAX_UTC);
    (first, last)
}

/// When a digest fired (or was queued) at `start` stops being retried: `retry_for` later (bounded by
/// the config's check; saturating all the same).
pub fn deadline(start: DateTime<Utc>, retry_for: Duration) -> DateTime<Utc> {
    later(start, CDuration::from_std(retry_for).unwrap_or(CDuration::MAX))
}

/// The wait before attempt `attempts + 1` after a retryable failure: 1 min doubling, at most 1 h, or
/// the server's `retry_after` when longer.
pub fn retry_wait(attempts: i64, retry_after: Option<Duration>) -> CDuration {
    let n = u32::try_from(attempts - 1).unwrap_or(0);
    let wait = crate::domain::time::doubling(Duration::from_secs(60), n, Duration::from_secs(3600));
    let backoff = CDuration::from_std(wait).unwrap_or(CDuration::hours(1));
    retry_after.map(|d| CDuration::from_std(d).unwrap_or(CDuration::MAX)).unwrap_or_default().max(backoff)
}

/// At most `per_minute` messages to one chat in any 60 seconds; waits (through `sleep`) when more would
/// go. The clock and the sleep are replaceable for tests.
pub struct Pace {
    per_minute: usize,
    sent: HashMap<String, VecDeque<Duration>>,
    clock: Box<dyn Fn() -> Duration + Send>,
    sleep: Box<dyn Fn(Duration) + Send>,
}

impl Pace {
    pub fn new(per_minute: usize) -> Pace {
        let start = std::time::Instant::now();
        Pace::with(per_minute, Box::new(move || start.elapsed()), Box::new(std::thread::sleep))
    }

    pub fn with(
        per_minute: usize,
        clock: Box<dyn Fn() -> Duration + Send>,
        sleep: Box<dyn Fn(Duration) + Send>,
    ) -> Pace {
        Pace { per_minute: per_minute.max(1), sent: HashMap::new(), clock, sleep }
    }

    /// Call before each message to `chat`.
    pub fn wait(&mut self, chat: &str) {
        let window = Duration::from_secs(60);
        let q = self.sent.entry(chat.to_string()).or_default();
        let now = (self.clock)();
        while q.front().is_some_and(|t| now.saturating_sub(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= self.per_minute
            && let Some(first) = q.front()
        {
            (self.sleep)((*first + window).saturating_sub(now));
            q.pop_front();
        }
        q.push_back((self.clock)());
    }
}

/// The date a period row ends on, for messages.
pub fn period_text(lang: Lang, from: NaiveDate, to: NaiveDate) -> String {
    let p = crate::domain::Period { from: Some(from), to: Some(to) };
    crate::render::Fmt { lang }.period_text(&p)
}

//! Delivery: the outbox and the scheduler.
//!
//! A digest is a row (`digest_deliveries`) before it is a message. [`Scheduler::tick`] does, at `now`:
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
//! dies silently: [`supervise`] (the loop `amity serve` and `amity digest run` use) catches a tick that
//! fails or panics, starts the scheduler again after a growing pause, and tells the admins through the
//! same sender as the failure reports above ([`tell_admins`]).

use super::content::{self, Digest};
use super::spec::{CatchUp, DigestSpec, Target};
use crate::Core;
use crate::config::Config;
use crate::domain::{Role, UserKey};
use crate::i18n::{Lang, t};
use crate::render::Attachment;
use crate::render::text::split;
use crate::store::digests::{self as q, Delivery, NewDelivery};
use crate::store::{Store, StoreError, WriteOutcome};
use chrono::{DateTime, Duration as CDuration, NaiveDate, TimeZone, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
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
    /// Sends one text message; returns the transport's message id.
    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError>;
    /// Sends one text message of a digest, whose lines equal to one of `headings` are headings (shown
    /// bold where the transport can). By default as plain text.
    fn send_digest_text(&self, target: &Target, text: &str, headings: &[String]) -> Result<String, SendError> {
        let _ = headings;
        self.send_text(target, text)
    }
    /// Sends a PNG as a photo with a caption; returns the message id.
    fn send_photo(&self, target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError>;
    /// Longest text message in UTF-16 units (Telegram: 4096).
    fn max_len(&self) -> usize {
        4096
    }
}

/// One message of a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Photo { photo: Attachment, caption: String },
}

/// The messages a digest is sent as, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub parts: Vec<Part>,
    /// The text's heading lines.
    pub headings: Vec<String>,
}

impl Outgoing {
    pub fn new(
        title: &str,
        body: &str,
        headings: &[String],
        chart: Option<&[u8]>,
        file_name: &str,
        max_len: usize,
    ) -> Outgoing {
        let mut parts: Vec<Part> = split(body, max_len).into_iter().map(Part::Text).collect();
        if let Some(png) = chart {
            let caption: String = title.chars().take(1000).collect();
            parts.push(Part::Photo {
                photo: Attachment { file_name: file_name.to_string(), mime: "image/png".into(), bytes: png.to_vec() },
                caption,
            });
        }
        Outgoing { parts, headings: headings.to_vec() }
    }

    pub fn of_digest(d: &Digest, max_len: usize) -> Outgoing {
        let name = d.chart.as_ref().map(|a| a.file_name.clone()).unwrap_or_default();
        let headings = d.reply.headings();
        Outgoing::new(
            &d.title,
            &d.reply.plain(),
            &headings,
            d.chart.as_ref().map(|a| a.bytes.as_slice()),
            &name,
            max_len,
        )
    }

    pub fn of_delivery(d: &Delivery, max_len: usize) -> Outgoing {
        let name = format!("{}-{}-{}.png", d.digest, d.from, d.to);
        Outgoing::new(&d.title, &d.body, &d.headings, d.chart.as_deref(), &name, max_len)
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
    let backoff = CDuration::minutes(1 << (attempts - 1).clamp(0, 6)).min(CDuration::hours(1));
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

/// What one tick did (for logs and tests).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    pub enqueued: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub recovered: usize,
}

/// Decides what is due and delivers it through one sender.
pub struct Scheduler<'a> {
    core: &'a Core,
    sender: &'a dyn DigestSender,
    specs: Vec<DigestSpec>,
    pace: Mutex<Pace>,
    started: std::sync::atomic::AtomicBool,
}

impl<'a> Scheduler<'a> {
    pub fn new(core: &'a Core, sender: &'a dyn DigestSender) -> anyhow::Result<Scheduler<'a>> {
        let specs = super::spec::specs(core.config())?;
        Ok(Scheduler { core, sender, specs, pace: Mutex::new(Pace::new(20)), started: false.into() })
    }

    /// Replaces the pacing (tests).
    pub fn set_pace(&mut self, pace: Pace) {
        self.pace = Mutex::new(pace);
    }

    pub fn specs(&self) -> &[DigestSpec] {
        &self.specs
    }

    fn spec(&self, name: &str) -> Option<&DigestSpec> {
        self.specs.iter().find(|s| s.name == name)
    }

    /// Rows left in `sending` by a crash go back to `pending`, flagged and logged as possible duplicates.
    pub fn recover(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.core.with_store_locked(|s| {
            let rows = q::in_sending(s.conn())?;
            for r in &rows {
                log::warn!(
                    "digest {} ({} to {}, {}): a send was under way when amity stopped; sending the rest again — \
                     POSSIBLE DUPLICATE of the part that was in flight ({} part(s) recorded as sent)",
                    r.digest,
                    r.from,
                    r.to,
                    r.target,
                    r.message_ids.len()
                );
                s.write::<_, StoreError>(None, |tx| Ok((q::mark_possible_duplicate(tx, r.id, now)?, String::new())))?;
            }
            Ok(rows.len())
        })
    }

    /// Everything due at `now`: missed and current firings become rows, due rows are sent.
    pub fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
        let mut rep = TickReport::default();
        if !self.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
            rep.recovered = self.recover(now)?;
        }
        for spec in &self.specs {
            if !self.sender.handles(&spec.target) {
                continue;
            }
            rep.enqueued += self.plan_firings(spec, now)?;
        }
        self.deliver_due(now, &mut rep)?;
        Ok(rep)
    }

    fn plan_firings(&self, spec: &DigestSpec, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cfg = self.core.config();
        self.core.with_store_locked(|s| {
            let Some(cursor) = q::cursor(s.conn(), &spec.name)? else {
                // First seen: nothing before this moment is due.
                s.write::<_, StoreError>(None, |tx| Ok((q::set_cursor(tx, &spec.name, now, now)?, String::new())))?;
                return Ok(0);
            };
            let keep = match spec.catch_up {
                CatchUp::Latest => 1,
                CatchUp::Each => MAX_CATCH_UP,
            };
            let firings = spec.schedule.firings(cursor, now, keep);
            let mut n = 0;
            for fire in firings {
                if fire < later(now, -CDuration::minutes(1)) {
                    log::info!("digest {}: catching up the firing of {fire} (amity was not running)", spec.name);
                }
                if let Enqueued::Row(_) = enqueue(s, cfg, spec, fire, false, now)? {
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    /// Queues a digest now ("/digest send", `amity digest send`) and delivers it at once.
    pub fn send_now(&self, name: &str, now: DateTime<Utc>) -> Result<Enqueued, anyhow::Error> {
        let spec = self.spec(name).ok_or_else(|| anyhow::anyhow!("no digest named {name:?} in the config"))?;
        let e = self.core.with_store_locked(|s| enqueue(s, self.core.config(), spec, now, true, now))?;
        if let Enqueued::Row(row) = &e
            && row.state == q::State::Pending
        {
            self.attempt(row, now, &mut TickReport::default())?;
            // Report the row as it is after the attempt.
            if let Some(d) = self.core.with_store_locked(|s| q::get(s.conn(), row.id))? {
                return Ok(Enqueued::Row(Box::new(d)));
            }
        }
        Ok(e)
    }

    fn deliver_due(&self, now: DateTime<Utc>, rep: &mut TickReport) -> Result<(), StoreError> {
        let rows = self.core.with_store_locked(|s| q::due(s.conn(), now))?;
        for row in rows {
            let handled = Target::parse(&row.target).is_some_and(|t| self.sender.handles(&t));
            if handled {
                self.attempt(&row, now, rep)?;
            }
        }
        Ok(())
    }

    fn write(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.core.with_store_locked(|s| s.write::<_, StoreError>(None, |tx| Ok((f(tx)?, String::new()))).map(|_| ()))
    }

    /// One attempt at a pending row. The store is not locked while the transport works.
    fn attempt(&self, row: &Delivery, now: DateTime<Utc>, rep: &mut TickReport) -> Result<(), StoreError> {
        let Some(target) = Target::parse(&row.target) else {
            return self.fail(row, &format!("unknown target {:?}", row.target), now, rep);
        };
        if now >= row.deadline_at {
            let why = row.last_error.clone().unwrap_or_else(|| "not sent before the deadline".into());
            return self.fail(row, &why, now, rep);
        }
        self.write(|tx| q::mark_sending(tx, row.id, now))?;
        let attempts = row.attempts + 1;
        let out = Outgoing::of_delivery(row, self.sender.max_len());
        let mut ids = row.message_ids.clone();
        for part in out.parts.iter().skip(ids.len()) {
            self.pace.lock().unwrap_or_else(|p| p.into_inner()).wait(&row.target);
            let res = match part {
                Part::Text(s) => self.sender.send_digest_text(&target, s, &out.headings),
                Part::Photo { photo, caption } => self.sender.send_photo(&target, photo, caption),
            };
            match res {
                Ok(id) => {
                    ids.push(id);
                    self.write(|tx| q::record_parts(tx, row.id, &ids, now))?;
                }
                Err(SendError::Retryable { reason, retry_after }) => {
                    let next = later(now, retry_wait(attempts, retry_after));
                    if next >= row.deadline_at {
                        return self.fail(row, &reason, now, rep);
                    }
                    log::warn!(
                        "digest {} ({} to {}): attempt {attempts} failed ({reason}); next at {next}",
                        row.digest,
                        row.from,
                        row.to
                    );
                    rep.retried += 1;
                    return self.write(|tx| q::mark_retry(tx, row.id, &reason, next, now));
                }
                Err(SendError::Permanent(reason)) => return self.fail(row, &reason, now, rep),
            }
        }
        self.write(|tx| q::mark_sent(tx, row.id, now))?;
        if row.possible_duplicate {
            log::warn!(
                "digest {} ({} to {}): sent again after a crash (possible duplicate)",
                row.digest,
                row.from,
                row.to
            );
        }
        log::info!("digest {} ({} to {}) sent to {}: message ids {:?}", row.digest, row.from, row.to, row.target, ids);
        rep.sent += 1;
        Ok(())
    }

    fn fail(&self, row: &Delivery, reason: &str, now: DateTime<Utc>, rep: &mut TickReport) -> Result<(), StoreError> {
        rep.failed += 1;
        self.write(|tx| q::mark_failed(tx, row.id, reason, now))?;
        log::error!(
            "digest {} ({} to {}) to {} FAILED after {} attempt(s): {reason}",
            row.digest,
            row.from,
            row.to,
            row.target,
            row.attempts + 1
        );
        let cfg = self.core.config();
        let lang = Lang::parse(&cfg.office.default_language).unwrap_or(Lang::En);
        let text = t(
            lang,
            "digest-failed-report",
            &[
                ("name", row.digest.clone()),
                ("from", row.from.to_string()),
                ("to", row.to.to_string()),
                ("target", row.target.clone()),
                ("n_attempts", (row.attempts + 1).to_string()),
                ("reason", reason.to_string()),
            ],
        );
        let told = tell_admins(self.core, self.sender, &text, &format!("digest {} failed", row.digest))?;
        if told > 0 {
            self.write(|tx| q::mark_reported(tx, row.id, now))?;
        } else {
            log::error!(
                "digest {}: no admin could be told of the failure (none reachable through this transport)",
                row.digest
            );
        }
        Ok(())
    }
}

/// The longest pause before a failed scheduler is started again.
pub const MAX_RESTART_WAIT: Duration = Duration::from_secs(600);

/// The pause after the `failures`-th failure in a row: the tick, doubling per failure, at most
/// [`MAX_RESTART_WAIT`] (never shorter than the tick).
pub fn restart_wait(tick: Duration, failures: u32) -> Duration {
    tick.saturating_mul(1u32 << failures.saturating_sub(1).min(16)).min(MAX_RESTART_WAIT).max(tick)
}

/// What a supervised scheduler loop takes from its transport.
pub struct Supervision<'a> {
    /// The pause between ticks.
    pub tick: Duration,
    /// The clock the ticks use.
    pub now: Box<dyn Fn() -> DateTime<Utc> + 'a>,
    /// Sleeps for the given time, waking early at shutdown; true when stopping.
    pub nap: Box<dyn FnMut(Duration) -> bool + 'a>,
    /// The pacing of each scheduler started.
    pub pace: Box<dyn Fn() -> Pace + 'a>,
}

/// Runs the digest scheduler until `nap` says stop: a tick, a pause, a tick. A tick that fails
/// (returns an error, or panics anywhere in the scheduler or the sender) does not end the loop: the
/// failure is logged, the scheduler is dropped and started again (so rows a failure left in `sending`
/// are recovered as possible duplicates) after a pause that grows with each failure in a row
/// ([`restart_wait`]), and the admins are told once per run of failures, and again when it runs.
/// Returns the number of failures it met (for tests).
pub fn supervise(core: &Core, sender: &dyn DigestSender, mut sup: Supervision<'_>) -> u32 {
    let mut sched: Option<Scheduler<'_>> = None;
    let (mut failures, mut total, mut reported) = (0u32, 0u32, false);
    let lang = Lang::parse(&core.config().office.default_language).unwrap_or(Lang::En);
    loop {
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> anyhow::Result<TickReport> {
            let s = match &mut sched {
                Some(s) => s,
                None => {
                    let mut s = Scheduler::new(core, sender)?;
                    s.set_pace((sup.pace)());
                    sched.insert(s)
                }
            };
            Ok(s.tick((sup.now)())?)
        }));
        let failure = match res {
            Ok(Ok(r)) => {
                if r != TickReport::default() {
                    log::info!("digest tick: {r:?}");
                }
                None
            }
            Ok(Err(e)) => Some(format!("{e:#}")),
            Err(panic) => Some(format!("it panicked: {}", panic_text(&*panic))),
        };
        let wait = match failure {
            None => {
                if failures > 0 {
                    log::warn!("the digest scheduler runs again after {failures} failure(s) in a row");
                    if reported {
                        let text = t(lang, "digest-scheduler-recovered", &[("n_failures", failures.to_string())]);
                        tell(core, sender, &text, "the digest scheduler runs again");
                    }
                }
                (failures, reported) = (0, false);
                sup.tick
            }
            Some(why) => {
                sched = None;
                failures = failures.saturating_add(1);
                total = total.saturating_add(1);
                let wait = restart_wait(sup.tick, failures);
                log::error!(
                    "the digest scheduler failed ({why}); it starts again in {wait:?} ({failures} failure(s) in a row)"
                );
                if !reported {
                    let text =
                        t(lang, "digest-scheduler-failed", &[("reason", why), ("seconds", wait.as_secs().to_string())]);
                    reported = tell(core, sender, &text, "the digest scheduler failed") > 0;
                }
                wait
            }
        };
        if (sup.nap)(wait) {
            return total;
        }
    }
}

/// [`tell_admins`], never failing the caller: a panic or a store error is logged. How many were told.
fn tell(core: &Core, sender: &dyn DigestSender, text: &str, what: &str) -> usize {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tell_admins(core, sender, text, what))) {
        Ok(Ok(n)) => {
            if n == 0 {
                log::error!("no admin could be told that {what} (none reachable through this transport)");
            }
            n
        }
        Ok(Err(e)) => {
            log::error!("could not tell the admins that {what}: {e}");
            0
        }
        Err(p) => {
            log::error!("could not tell the admins that {what}: it panicked: {}", panic_text(&*p));
            0
        }
    }
}

/// A panic's message.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The admins: from the config, and those added with /staff add … admin.
fn admins(core: &Core) -> Result<Vec<UserKey>, StoreError> {
    let mut v = core.config().admin_keys();
    let staff = core.with_store_locked(|s| crate::store::people::list_staff(s.conn()))?;
    for m in staff {
        if m.role == Role::Admin && !v.contains(&m.user) {
            v.push(m.user);
        }
    }
    Ok(v)
}

/// Tells every admin this sender can reach `text` in their private chat: how a failed digest and a
/// failing scheduler are reported. `what` names the news in the log. Returns how many were told.
pub fn tell_admins(core: &Core, sender: &dyn DigestSender, text: &str, what: &str) -> Result<usize, StoreError> {
    let mut told = 0;
    for admin in admins(core)? {
        let t = Target::User(admin);
        if sender.handles(&t) {
            match sender.send_text(&t, text) {
                Ok(_) => told += 1,
                Err(e) => log::error!("could not tell {t} that {what}: {e}"),
            }
        }
    }
    Ok(told)
}

/// The date a period row ends on, for messages.
pub fn period_text(lang: Lang, from: NaiveDate, to: NaiveDate) -> String {
    let p = crate::domain::Period { from: Some(from), to: Some(to) };
    crate::commands::Fmt { lang }.period_text(&p)
}

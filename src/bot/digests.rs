//! The digest runner, beside whichever transport delivers digests: [`Scheduler::tick`] decides what
//! is due (the outbox rows of `digest::outbox`) and sends it through a `DigestSender`, retrying and
//! reporting failures to the admins; [`supervise`] is the loop `amity serve` and `amity digest run`
//! use, which starts a failed scheduler again after a growing pause and tells the admins. It knows no
//! network: each sender (console, Telegram, Matrix) supplies its message length and its pace.
//!
//! What each tick does, and the outbox's guarantees, are described in `digest::outbox`.

use crate::commands::Core;
use crate::digest::outbox::{
    DigestSender, Enqueued, MAX_CATCH_UP, Outgoing, Pace, Part, SendError, enqueue, later, retry_wait,
};
use crate::digest::spec::{CatchUp, DigestSpec, Target};
use crate::domain::{Role, UserKey};
use crate::i18n::{Lang, t};
use crate::store::StoreError;
use crate::store::digests::{self as q, Delivery};
use chrono::{DateTime, Duration as CDuration, Utc};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::watch;

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
        let specs = crate::digest::spec::specs(core.config())?;
        // The sender's own limit of messages a minute to one chat (Telegram: 20 for channels).
        let pace = Pace::new(sender.per_chat_per_minute() as usize);
        Ok(Scheduler { core, sender, specs, pace: Mutex::new(pace), started: false.into() })
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
            // Only this sender's rows: another transport's scheduler may be sending its own right now.
            let rows: Vec<_> = q::in_sending(s.conn())?
                .into_iter()
                .filter(|r| Target::parse(&r.target).is_some_and(|t| self.sender.handles(&t)))
                .collect();
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
                Part::Text(lines) => self.sender.send_lines(&target, lines),
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
    crate::domain::time::doubling(tick, failures.saturating_sub(1), MAX_RESTART_WAIT).max(tick)
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

/// Sleeps on `rt` until `d` passes or the stop signal; true when stopping. Blocking: for the
/// scheduler's thread and the senders it calls, never for async code.
pub fn nap_blocking(rt: &Handle, stop: &watch::Receiver<bool>, d: Duration) -> bool {
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

/// The digest scheduler running beside a bot, for one transport's sender. The scheduler and the
/// sender are synchronous (they hold the store's lock and build charts), so the loop runs on a
/// blocking thread (`spawn_blocking`) and a sender drives its requests with `Handle::block_on` there,
/// never on the async workers. The loop is [`supervise`]: a tick that fails or panics restarts the
/// scheduler after a growing pause and the admins are told. At the stop signal it ends after the send
/// in flight; [`Running::finish`] waits for that, so no delivery is left half-recorded.
pub struct Running {
    stop: Arc<watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Starts the scheduler when some digest targets what `sender` delivers to: it ticks at once,
    /// then every `tick`, until `shutdown` completes (or [`Running::finish`]). `stop` is the signal
    /// the sender itself watches (made with [`Running::signal`]).
    pub fn start<S: DigestSender + 'static>(
        core: Arc<Core>,
        sender: S,
        transport: &str,
        tick: Duration,
        (stop, rx): (Arc<watch::Sender<bool>>, watch::Receiver<bool>),
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<Running> {
        let s = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            s.send_replace(true);
        });
        let ours: Vec<String> = crate::digest::spec::specs(core.config())?
            .into_iter()
            .filter(|s| sender.handles(&s.target))
            .map(|s| s.name)
            .collect();
        if ours.is_empty() {
            log::debug!("no {transport} digests configured; the digest scheduler does not run");
            return Ok(Running { stop, task: None });
        }
        log::info!("digests to {transport}: {} (checked every {tick:?})", ours.join(", "));
        let rt = Handle::current();
        let per_minute = sender.per_chat_per_minute() as usize;
        let task = tokio::task::spawn_blocking(move || {
            let start = std::time::Instant::now();
            let failures = supervise(
                &core,
                &sender,
                Supervision {
                    tick,
                    now: Box::new(|| core.now()),
                    nap: Box::new(|d| *rx.borrow() || nap_blocking(&rt, &rx, d)),
                    pace: Box::new(|| {
                        let (rt, rx) = (rt.clone(), rx.clone());
                        Pace::with(
                            per_minute,
                            Box::new(move || start.elapsed()),
                            Box::new(move |d| {
                                nap_blocking(&rt, &rx, d);
                            }),
                        )
                    }),
                },
            );
            log::info!("digest scheduler stopped ({failures} failure(s) while it ran)");
        });
        Ok(Running { stop, task: Some(task) })
    }

    /// A stop signal for a sender and its scheduler.
    pub fn signal() -> (Arc<watch::Sender<bool>>, watch::Receiver<bool>) {
        let (tx, rx) = watch::channel(false);
        (Arc::new(tx), rx)
    }

    /// Completes at the shutdown signal: the bot's own shutdown trigger.
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.stop.subscribe();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }

    /// Stops the scheduler (if the bot ended first) and waits for it: after the send in flight, if any.
    pub async fn finish(self) {
        self.stop.send_replace(true);
        if let Some(t) = self.task
            && let Err(e) = t.await
        {
            log::error!("the digest scheduler ended abnormally: {e}");
        }
    }
}

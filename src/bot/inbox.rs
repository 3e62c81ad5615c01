//! The async side of the shared inbox (`store::inbox`) for one transport account: receiving a batch
//! (before the network is told it was delivered), the events left unanswered by the last run, noting
//! answers, and the bookkeeping around it:
//!
//! - **One writer.** Receipts and notes of answers go through one task, which puts whatever queued
//!   up while its previous transaction ran into the next one: under load that is one commit per
//!   batch fetched, holding the answers noted meanwhile, instead of a commit for each. Notes with no
//!   receipt beside them wait up to `NOTE_LINGER` for one (or for more notes) to share its
//!   commit. A receipt is acknowledged once committed (the network is told only then); a note of an
//!   answer is not waited for (the lane goes on at once): if amity dies before it is committed, that
//!   event is answered again after the restart, as it would be if it died just before noting it.
//!   [`Inbox::sync_now`] (at shutdown) first waits for every note queued before it.
//!
//! - **Disk syncs.** Inbox commits are relaxed (`Store::bookkeeping`): in the operating system's hands
//!   at commit, so a crash or `kill -9` of amity loses nothing, and synced to disk within a second
//!   (the syncer) and at [`Inbox::sync_now`] (before a shutdown tells the network to forget events).
//!   An operating-system crash or power cut can lose the last second's receipts (those events go
//!   unanswered), never a ledger write: ledger writes are synced at commit. A receipt that must be on
//!   disk before it is acknowledged (a webhook's 200) is received `durable`.
//! - **Pruning.** At start and every hour, answered events and the core's idempotency keys older than
//!   `[database] keep_update_ids_hours` are forgotten, a few thousand per transaction.

use super::{Stop, blocking, nap};
use crate::commands::Core;
use crate::commands::import::upload;
use crate::store::inbox;
pub use crate::store::inbox::Received;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How long a relaxed inbox commit may wait for its disk sync.
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// How often old inbox rows and idempotency keys are forgotten.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Rows forgotten per transaction while pruning.
const PRUNE_BATCH: usize = crate::store::PRUNE_BATCH;
/// Pending events loaded from the store at a time after a restart.
pub const PENDING_PAGE: usize = 500;

/// What the writer is asked to do.
enum Op {
    /// Record a batch; answer with its new ids once committed (`durable`: synced to disk first).
    Receive { batch: Vec<Received>, durable: bool, done: oneshot::Sender<Result<Vec<String>, String>> },
    /// Note an event answered.
    Answered(String),
    /// Answer once everything queued before is committed.
    Flush(oneshot::Sender<()>),
}

/// Ops the writer puts into one transaction at most (a backlog of notes is written in several).
const WRITE_BATCH: usize = 2_000;
/// How long notes of answers wait for a receipt (or more notes) to share their commit. Under load a
/// receipt comes within a millisecond or two, so most notes ride in its transaction instead of one of
/// their own; alone, a note is committed this much later (a crash in between answers that event again
/// after the restart, as one just before the note would).
const NOTE_LINGER: Duration = Duration::from_millis(20);

/// One transport account's inbox.
pub struct Inbox {
    core: Arc<Core>,
    transport: &'static str,
    account: String,
    ops: mpsc::UnboundedSender<Op>,
    unsynced: Arc<AtomicBool>,
}

impl Inbox {
    /// Starts the inbox's tasks (noting answers, the once-a-second disk sync, hourly pruning), which
    /// end at the stop signal.
    pub fn start(core: Arc<Core>, transport: &'static str, account: String, stop: Stop) -> Arc<Inbox> {
        let (ops, rx) = mpsc::unbounded_channel();
        let inbox = Arc::new(Inbox { core, transport, account, ops, unsynced: Arc::new(AtomicBool::new(false)) });
        tokio::spawn(writer(inbox.clone(), rx));
        let (i, mut s) = (inbox.clone(), stop.clone());
        tokio::spawn(async move {
            while !nap(SYNC_EVERY, &mut s).await {
                i.sync_now().await;
            }
        });
        let (i, mut s) = (inbox.clone(), stop);
        tokio::spawn(async move {
            loop {
                i.prune().await;
                if nap(PRUNE_EVERY, &mut s).await {
                    break;
                }
            }
        });
        inbox
    }

    /// Records a batch and returns the ids that are new (a redelivery of an event received, answered
    /// or not, is not new). `durable`: on disk before this returns (for an acknowledgement that
    /// promises it); otherwise synced within a second.
    pub async fn receive(&self, batch: Vec<Received>, durable: bool) -> anyhow::Result<Vec<String>> {
        let (done, answer) = oneshot::channel();
        if self.ops.send(Op::Receive { batch, durable, done }).is_err() {
            anyhow::bail!("the inbox's writer has stopped");
        }
        match answer.await {
            Ok(r) => r.map_err(|e| anyhow::anyhow!(e)),
            Err(_) => anyhow::bail!("the inbox's writer has stopped"),
        }
    }

    /// Events received and not answered, after `after` (the last one of the previous page), at most
    /// [`PENDING_PAGE`].
    pub async fn pending(&self, after: Option<(i64, String)>) -> anyhow::Result<Vec<Received>> {
        let (transport, account) = (self.transport, self.account.clone());
        Ok(blocking(&self.core, move |c| {
            c.with_store_locked(|s| inbox::pending_page(s.conn(), transport, &account, after, PENDING_PAGE))
        })
        .await??)
    }

    /// Dispatches the events received before the last stop and never answered, oldest first, a page at
    /// a time (so a long backlog never sits in memory at once); one that `read` cannot make an event
    /// of is logged and marked answered. Returns how many were resumed.
    pub async fn resume<H: super::Handler>(
        &self,
        lanes: &mut super::Lanes<H>,
        read: impl Fn(&Received) -> Result<H::Event, String>,
    ) -> anyhow::Result<usize> {
        let (mut after, mut resumed) = (None, 0);
        loop {
            let page = self.pending(after.clone()).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.seq, last.id.clone()));
            resumed += page.len();
            for r in page {
                match read(&r) {
                    Ok(ev) => lanes.dispatch(ev).await,
                    Err(e) => {
                        log::warn!("stored {} event {} is unreadable ({e}); skipped", self.transport, r.id);
                        self.mark_answered(r.id).await;
                    }
                }
            }
        }
        if resumed > 0 {
            log::info!("{}: answering {resumed} event(s) received before the last stop", self.transport);
        }
        Ok(resumed)
    }

    /// Which of `ids` were received before (answered or not).
    pub async fn known(&self, ids: Vec<String>) -> anyhow::Result<std::collections::HashSet<String>> {
        let (transport, account) = (self.transport, self.account.clone());
        let found =
            blocking(&self.core, move |c| c.with_store_locked(|s| inbox::known(s.conn(), transport, &account, &ids)))
                .await??;
        Ok(found.into_iter().collect())
    }

    /// Notes that an event was answered, in the writer's next transaction (not waited for: see the
    /// module docs).
    pub async fn mark_answered(&self, id: String) {
        if let Err(mpsc::error::SendError(Op::Answered(id))) = self.ops.send(Op::Answered(id)) {
            // The writer is gone (only while stopping): a transaction of its own.
            let (transport, account) = (self.transport, self.account.clone());
            let res = blocking(&self.core, move |c| {
                c.with_store_locked(|s| s.bookkeeping(|conn| inbox::mark_answered(conn, transport, &account, &[id])))
            })
            .await;
            match res {
                Ok(Ok(())) => self.unsynced.store(true, Ordering::Release),
                Ok(Err(e)) => log::error!("marking an event answered: {e}"),
                Err(e) => log::error!("marking an event answered: {e}"),
            }
        }
    }

    /// Waits until everything queued for the writer before this call is committed.
    pub async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.ops.send(Op::Flush(ack)).is_ok() {
            let _ = done.await;
        }
    }

    /// A relaxed bookkeeping commit of the transport's own (e.g. button data) waits for the next sync.
    pub fn note_unsynced(&self) {
        self.unsynced.store(true, Ordering::Release);
    }

    /// Commits the notes of answers queued so far, then syncs the write-ahead log if relaxed commits
    /// wait for it.
    pub async fn sync_now(&self) {
        self.flush().await;
        // Cleared before the sync: a commit after this point waits for the next one.
        if !self.unsynced.swap(false, Ordering::AcqRel) {
            return;
        }
        let db = self.core.config().database.path.clone();
        match tokio::task::spawn_blocking(move || crate::store::sync_wal(&db)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => log::warn!("syncing the inbox to disk: {e}"),
            Err(e) => log::warn!("syncing the inbox to disk: {e}"),
        }
    }

    /// Forgets what no redelivery can need any more, a batch per transaction so that answers are not
    /// held up: answered events and the core's idempotency keys older than `[database]
    /// keep_update_ids_hours` (48 by default; Telegram redelivers for 24 hours and reuses ids at
    /// random after a week without updates, so an older key could only drop a new event). The inbox
    /// is dated by the wall clock, the core's keys by the core's clock.
    async fn prune(&self) {
        let keep = chrono::Duration::hours(i64::from(self.core.config().database.keep_update_ids_hours));
        let before = update_cutoff(&self.core);
        let keys_before = rfc3339(crate::digest::outbox::later(self.core.now(), -keep));
        // Files sent to import: bytes dropped once they waited their time, rows forgotten later.
        let hours = |h: i64| rfc3339(crate::digest::outbox::later(self.core.now(), -chrono::Duration::hours(h)));
        let uploads_expire = hours(upload::KEEP_PENDING_HOURS);
        let uploads_forget = hours(upload::REMEMBER_DAYS * 24);
        let total = self
            .prune_in_batches("old inbox rows, idempotency keys and uploads", move |core, batch| {
                core.with_store_locked(|s| {
                    s.bookkeeping(|conn| {
                        // All at once; a full batch of any means there may be more.
                        let events = inbox::prune(conn, &before, batch)?;
                        let keys = crate::store::prune_processed(conn, &keys_before, batch)?;
                        let files = crate::store::uploads::prune(conn, &uploads_expire, &uploads_forget, batch)?;
                        Ok((events + keys + files, events == batch || keys == batch || files >= batch))
                    })
                })
            })
            .await;
        if total > 0 {
            log::info!("forgot {total} old received event(s), idempotency key(s) and upload(s)");
        }
    }

    /// Runs `f` (a bookkeeping delete of at most `batch` rows per kind, in one transaction, returning
    /// how many went and whether there may be more) on a blocking thread, again and again until nothing is left, so that answers
    /// are not held up behind a long delete. Returns the rows deleted; `what` names them in logs.
    pub async fn prune_in_batches(
        &self,
        what: &'static str,
        f: impl Fn(&Core, usize) -> crate::store::Result<(usize, bool)> + Send + Sync + 'static,
    ) -> usize {
        let f = Arc::new(f);
        let mut total = 0;
        loop {
            let f = f.clone();
            let res = blocking(&self.core, move |c| f(c, PRUNE_BATCH)).await;
            let (n, more) = match res {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    log::warn!("pruning {what}: {e}");
                    break;
                }
                Err(e) => {
                    log::warn!("pruning {what}: {e}");
                    break;
                }
            };
            total += n;
            if n > 0 {
                self.unsynced.store(true, Ordering::Release);
            }
            if !more {
                break;
            }
        }
        total
    }
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// When an answered event in the inbox stops counting as received: now less `[database]
/// keep_update_ids_hours` (a new event may then reuse its id).
fn update_cutoff(core: &Core) -> String {
    let keep = chrono::Duration::hours(i64::from(core.config().database.keep_update_ids_hours));
    rfc3339(crate::digest::outbox::later(chrono::Utc::now(), -keep))
}

/// The inbox's one writer: whatever was queued while the previous transaction ran goes into the next
/// (up to [`WRITE_BATCH`] ops), notes of answers first, then the batches received.
async fn writer(inbox: Arc<Inbox>, mut rx: mpsc::UnboundedReceiver<Op>) {
    while let Some(first) = rx.recv().await {
        let mut ops = vec![first];
        while ops.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        // Notes alone wait a moment for company: the next receipt (or more notes) shares their commit.
        if ops.iter().all(|op| matches!(op, Op::Answered(_))) {
            let until = tokio::time::Instant::now() + NOTE_LINGER;
            while ops.len() < WRITE_BATCH {
                match tokio::time::timeout_at(until, rx.recv()).await {
                    Ok(Some(op)) => {
                        let urgent = !matches!(op, Op::Answered(_));
                        ops.push(op);
                        if urgent {
                            break;
                        }
                    }
                    Ok(None) | Err(_) => break,
                }
            }
        }
        let (mut answered, mut batches, mut receivers, mut flushes, mut durable) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), false);
        for op in ops {
            match op {
                Op::Answered(id) => answered.push(id),
                Op::Receive { batch, durable: d, done } => {
                    durable |= d;
                    batches.push(batch);
                    receivers.push(done);
                }
                Op::Flush(ack) => flushes.push(ack),
            }
        }
        if !answered.is_empty() || !batches.is_empty() {
            let (transport, account, n) = (inbox.transport, inbox.account.clone(), answered.len());
            let res = blocking(&inbox.core, move |c| {
                c.with_store_locked(|s| {
                    let forget_before = update_cutoff(c);
                    let refs: Vec<&[Received]> = batches.iter().map(Vec::as_slice).collect();
                    let f = |conn: &rusqlite::Connection| {
                        inbox::write(conn, transport, &account, &answered, &refs, &forget_before)
                    };
                    // A receipt promised durable makes its whole transaction durable.
                    if durable { s.untracked(f) } else { s.bookkeeping(f) }
                })
            })
            .await;
            let res = match res {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match res {
                Ok(fresh) => {
                    inbox.unsynced.store(true, Ordering::Release);
                    for (done, f) in receivers.into_iter().zip(fresh) {
                        let _ = done.send(Ok(f));
                    }
                }
                Err(e) => {
                    if n > 0 {
                        // Those events are answered again after the next start.
                        log::error!("marking {n} event(s) answered: {e}");
                    }
                    for done in receivers {
                        let _ = done.send(Err(e.clone()));
                    }
                }
            }
        }
        for ack in flushes {
            let _ = ack.send(());
        }
    }
}

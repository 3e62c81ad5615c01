//! The async side of the shared inbox (`store::inbox`) for one transport account: receiving a batch
//! (before the network is told it was delivered), the events left unanswered by the last run, noting
//! answers (the notes of answers finished at about the same time share one commit), and the
//! bookkeeping around it:
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

type Mark = (String, oneshot::Sender<()>);

/// One transport account's inbox.
pub struct Inbox {
    core: Arc<Core>,
    transport: &'static str,
    account: String,
    marks: mpsc::UnboundedSender<Mark>,
    unsynced: Arc<AtomicBool>,
}

impl Inbox {
    /// Starts the inbox's tasks (noting answers, the once-a-second disk sync, hourly pruning), which
    /// end at the stop signal.
    pub fn start(core: Arc<Core>, transport: &'static str, account: String, stop: Stop) -> Arc<Inbox> {
        let (marks, rx) = mpsc::unbounded_channel();
        let inbox = Arc::new(Inbox { core, transport, account, marks, unsynced: Arc::new(AtomicBool::new(false)) });
        tokio::spawn(marker(inbox.clone(), rx));
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
        let (transport, account) = (self.transport, self.account.clone());
        let fresh = blocking(&self.core, move |c| {
            c.with_store_locked(|s| {
                let forget_before = update_cutoff(c);
                let f = |conn: &rusqlite::Connection| inbox::receive(conn, transport, &account, &batch, &forget_before);
                if durable { s.untracked(f) } else { s.bookkeeping(f) }
            })
        })
        .await??;
        if !durable {
            self.unsynced.store(true, Ordering::Release);
        }
        Ok(fresh)
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

    /// Notes that an event was answered; returns once the note is committed.
    pub async fn mark_answered(&self, id: String) {
        let (ack, done) = oneshot::channel();
        if self.marks.send((id.clone(), ack)).is_ok() && done.await.is_ok() {
            return;
        }
        // The noting task is gone (only while stopping): one transaction of its own.
        self.commit_marks(vec![id]).await;
    }

    async fn commit_marks(&self, ids: Vec<String>) {
        let (transport, account, n) = (self.transport, self.account.clone(), ids.len());
        let res = blocking(&self.core, move |c| {
            c.with_store_locked(|s| s.bookkeeping(|conn| inbox::mark_answered(conn, transport, &account, &ids)))
        })
        .await;
        match res {
            Ok(Ok(())) => self.unsynced.store(true, Ordering::Release),
            Ok(Err(e)) => log::error!("marking {n} event(s) answered: {e}"),
            Err(e) => log::error!("marking {n} event(s) answered: {e}"),
        }
    }

    /// A relaxed bookkeeping commit of the transport's own (e.g. button data) waits for the next sync.
    pub fn note_unsynced(&self) {
        self.unsynced.store(true, Ordering::Release);
    }

    /// Syncs the write-ahead log if relaxed commits wait for it.
    pub async fn sync_now(&self) {
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

/// Notes answered events: whatever arrived while the previous transaction ran goes into the next.
async fn marker(inbox: Arc<Inbox>, mut rx: mpsc::UnboundedReceiver<Mark>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let ids: Vec<String> = batch.iter().map(|m| m.0.clone()).collect();
        inbox.commit_marks(ids).await;
        for (_, ack) in batch {
            let _ = ack.send(());
        }
    }
}

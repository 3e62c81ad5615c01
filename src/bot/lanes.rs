//! One lane per chat: a chat's events are handled one at a time, in order; chats run concurrently.
//! A panic anywhere in handling an event is caught at the lane (`catch_unwind` around the event's
//! future), reported to the transport ([`Handler::panicked`]: an apology in the chat) and the lane goes on.
//!
//! **Backpressure.** At most `capacity` events are in flight (dispatched and not yet handled):
//! [`Lanes::dispatch`] waits for a place, so a transport that dispatches before it fetches more (long
//! polling) takes a backlog in only as fast as it answers it, and memory does not grow with the
//! backlog.
//!
//! **Idle lanes.** A lane unused for `idle` with nothing queued is closed (its worker ends), so a bot
//! seen by many chats keeps tasks only for the active ones; the chat's next event opens a new lane,
//! and no event can overtake one still waiting in the old lane.

use futures_util::FutureExt;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;

/// What a transport supplies to run on lanes.
pub trait Handler: Send + Sync + 'static {
    type Event: Send + 'static;
    /// The chat an event belongs to.
    type Lane: Eq + Hash + Clone + Send + Sync + std::fmt::Debug + 'static;
    /// What [`Handler::panicked`] needs to know of an event (its id, the chat to apologise in), taken
    /// before the event is handed to [`Handler::handle`].
    type Note: Send + 'static;
    fn lane(&self, ev: &Self::Event) -> Self::Lane;
    fn note(&self, ev: &Self::Event) -> Self::Note;
    /// Handles one event to its end: answered and marked answered, or left for the next start.
    fn handle(self: Arc<Self>, ev: Self::Event) -> impl Future<Output = ()> + Send + 'static;
    /// After `handle` panicked: log it, tell the chat, and mark the event answered so that a poisoned
    /// event cannot crash the bot again after every restart.
    fn panicked(self: Arc<Self>, note: Self::Note) -> impl Future<Output = ()> + Send + 'static;
}

/// The lanes of one transport account.
pub struct Lanes<H: Handler> {
    handler: Arc<H>,
    lanes: HashMap<H::Lane, Lane<H::Event>>,
    workers: JoinSet<()>,
    idle: Duration,
    last_sweep: Instant,
    in_flight: Arc<Semaphore>,
    capacity: usize,
}

type Queued<E> = (E, OwnedSemaphorePermit);

struct Lane<E> {
    tx: mpsc::UnboundedSender<Queued<E>>,
    /// Events sent to the worker and not yet handled.
    queued: Arc<AtomicUsize>,
    last_used: Instant,
}

impl<H: Handler> Lanes<H> {
    /// `capacity`: most events in flight at once; `idle`: how long an unused lane stays open.
    pub fn new(handler: Arc<H>, capacity: usize, idle: Duration) -> Lanes<H> {
        Lanes {
            handler,
            lanes: HashMap::new(),
            workers: JoinSet::new(),
            idle,
            last_sweep: Instant::now(),
            in_flight: Arc::new(Semaphore::new(capacity.max(1))),
            capacity: capacity.max(1),
        }
    }

    /// Places left for events (a poller asks for no more than this).
    pub fn room(&self) -> usize {
        self.in_flight.available_permits()
    }

    /// Waits until at least `n` places are free (capped at the capacity), without taking them.
    pub async fn wait_for_room(&self, n: u32) {
        let n = (n as usize).clamp(1, self.capacity) as u32;
        if let Ok(p) = self.in_flight.clone().acquire_many_owned(n).await {
            drop(p);
        }
    }

    /// Queues an event on its chat's lane, waiting first for a place among the events in flight.
    pub async fn dispatch(&mut self, ev: H::Event) {
        let permit = match self.in_flight.clone().acquire_owned().await {
            Ok(p) => p,
            Err(_) => return, // never closed
        };
        let lane = self.handler.lane(&ev);
        // Reap workers that ended.
        while let Some(r) = self.workers.try_join_next() {
            if let Err(e) = r {
                log::error!("a chat lane ended: {e}");
            }
        }
        if self.last_sweep.elapsed() >= self.idle / 4 {
            self.sweep(self.idle);
        }
        let item = match self.lanes.get_mut(&lane) {
            Some(l) => {
                l.queued.fetch_add(1, Ordering::AcqRel);
                l.last_used = Instant::now();
                match l.tx.send((ev, permit)) {
                    Ok(()) => return,
                    Err(mpsc::error::SendError(item)) => item,
                }
            }
            None => (ev, permit),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(1));
        let _ = tx.send(item);
        self.lanes.insert(lane.clone(), Lane { tx, queued: queued.clone(), last_used: Instant::now() });
        self.workers.spawn(worker(self.handler.clone(), rx, queued));
    }

    /// Closes the lanes unused for `idle` whose worker has handled everything it was given.
    fn sweep(&mut self, idle: Duration) {
        self.last_sweep = Instant::now();
        let before = self.lanes.len();
        self.lanes.retain(|_, l| l.queued.load(Ordering::Acquire) > 0 || l.last_used.elapsed() < idle);
        if self.lanes.len() < before {
            log::info!("closed {} idle chat lane(s); {} open", before - self.lanes.len(), self.lanes.len());
        }
    }

    /// Closes every lane and waits up to `grace` for them to drain. True when all finished.
    pub async fn finish(mut self, grace: Duration) -> bool {
        self.lanes.clear();
        let all = async { while self.workers.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all).await.is_ok() {
            return true;
        }
        self.workers.abort_all();
        false
    }
}

async fn worker<H: Handler>(h: Arc<H>, mut rx: mpsc::UnboundedReceiver<Queued<H::Event>>, queued: Arc<AtomicUsize>) {
    while let Some((ev, permit)) = rx.recv().await {
        let note = h.note(&ev);
        // A panic anywhere in handling is caught here (at the poll that panicked), without a task of
        // its own per event.
        if AssertUnwindSafe(h.clone().handle(ev)).catch_unwind().await.is_err() {
            h.clone().panicked(note).await;
        }
        drop(permit);
        queued.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Events are (chat, n); n = 0 panics.
    struct Rec {
        seen: Mutex<Vec<(u8, u32)>>,
        panics: Mutex<Vec<String>>,
    }

    impl Handler for Rec {
        type Event = (u8, u32);
        type Lane = u8;
        type Note = String;
        fn lane(&self, ev: &(u8, u32)) -> u8 {
            ev.0
        }
        fn note(&self, ev: &(u8, u32)) -> String {
            format!("{}/{}", ev.0, ev.1)
        }
        async fn handle(self: Arc<Self>, ev: (u8, u32)) {
            if ev.1 == 0 {
                panic!("poisoned event");
            }
            tokio::task::yield_now().await;
            self.seen.lock().unwrap().push(ev);
        }
        async fn panicked(self: Arc<Self>, id: String) {
            self.panics.lock().unwrap().push(id)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_chat_is_handled_in_order_and_a_panic_does_not_stop_its_lane() {
        let h = Arc::new(Rec { seen: Mutex::default(), panics: Mutex::default() });
        let mut lanes = Lanes::new(h.clone(), 4, Duration::from_secs(60));
        for n in [1, 2, 0, 3, 4, 5] {
            lanes.dispatch((1, n)).await;
            lanes.dispatch((2, n)).await;
        }
        assert!(lanes.finish(Duration::from_secs(5)).await);
        let seen = h.seen.lock().unwrap().clone();
        for chat in [1, 2] {
            let order: Vec<u32> = seen.iter().filter(|e| e.0 == chat).map(|e| e.1).collect();
            assert_eq!(order, [1, 2, 3, 4, 5], "chat {chat}");
        }
        assert_eq!(h.panics.lock().unwrap().len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_events_are_in_flight_than_the_capacity() {
        let h = Arc::new(Rec { seen: Mutex::default(), panics: Mutex::default() });
        let mut lanes = Lanes::new(h.clone(), 3, Duration::from_secs(60));
        assert_eq!(lanes.room(), 3);
        for n in 1..=50 {
            lanes.dispatch((n as u8 % 7, n)).await;
            assert!(lanes.room() <= 3);
        }
        lanes.wait_for_room(3).await;
        assert_eq!(lanes.room(), 3, "all handled, every place free again");
        assert!(lanes.finish(Duration::from_secs(5)).await);
        assert_eq!(h.seen.lock().unwrap().len(), 50);
    }
}

//! The bot runtime every chat transport runs on, knowing no network: the shared inbox of received
//! events ([`Inbox`]: written before the network is told an event was delivered, marked answered once
//! its answer went out, synced to disk once a second, pruned every hour), one lane per chat that
//! catches a panic in handling an event and goes on ([`Lanes`], with a bound on
//! the events in flight so that a backlog is taken in only as fast as it is answered), backoff, naps
//! that wake at the stop signal, and store work off the async threads ([`blocking`]).
//!
//! Beside the bot, [`digests`] runs the scheduled digests through whichever `DigestSender` a
//! transport supplies, and [`backups`] the scheduled copies of the database.
//!
//! A transport (`transport::telegram`, Matrix next) supplies a [`Handler`]: how to find an event's
//! chat and id, how to handle it to the end, what to say after a panic. It reaches the ledger only
//! through [`Core`] and this module.

pub mod backups;
pub mod digest_cli;
pub mod digests;
pub mod inbox;
pub mod lanes;

pub use inbox::Inbox;
pub use lanes::{Handler, Lanes};

use crate::commands::Core;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The stop signal: `true` once shutdown began.
pub type Stop = watch::Receiver<bool>;

/// 0.5 s, 1 s, 2 s, … up to `max`: the one backoff for retries of every kind.
pub fn backoff(attempt: u32, max: Duration) -> Duration {
    crate::domain::time::doubling(Duration::from_millis(500), attempt, max)
}

/// Sleeps, waking early at the stop signal. True when stopped.
pub async fn nap(d: Duration, stop: &mut Stop) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

/// Runs store work (anything that takes the core's one connection) on a blocking thread.
pub async fn blocking<T: Send + 'static>(
    core: &Arc<Core>,
    f: impl FnOnce(&Core) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let core = core.clone();
    tokio::task::spawn_blocking(move || f(&core)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let max = Duration::from_secs(5);
        let waits: Vec<u128> = (0..6).map(|a| backoff(a, max).as_millis()).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 5000, 5000]);
        assert_eq!(backoff(u32::MAX, max), max);
    }
}

//! One message budget per group or channel, shared by replies and digests: Telegram allows a bot about
//! 20 messages a minute in one group, and counts both. Replies also pass through teloxide's `Throttle`
//! (which knows nothing of digests), digests through the outbox's own pace (which knows nothing of
//! replies); this budget is what keeps the two together within `per_group_per_minute`. Private chats
//! (positive ids) are not counted here: only replies go there, and `Throttle` paces them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds counted: one more than a minute, so that every 60-second window lies inside the count and
/// a group never gets more than its budget in any minute (a message may wait up to a second longer than
/// an exact log of send times would make it).
const SLOTS: usize = 61;

/// Messages sent to one chat, per second of the last [`SLOTS`] seconds: a fixed 0.7 KB whatever the
/// limit (a log of send times would grow with it: the load benchmark runs with limits of a million).
struct Window {
    /// (second since the budget's start, messages in it), at index `second % SLOTS`.
    slots: [(u64, u32); SLOTS],
}

impl Window {
    fn count(&self, now: u64) -> u64 {
        self.slots.iter().filter(|(sec, _)| now.saturating_sub(*sec) < SLOTS as u64).map(|(_, n)| u64::from(*n)).sum()
    }

    fn add(&mut self, now: u64) {
        let slot = &mut self.slots[(now % SLOTS as u64) as usize];
        if slot.0 != now {
            *slot = (now, 0);
        }
        slot.1 += 1;
    }
}

pub struct GroupBudget {
    per_minute: u64,
    start: Instant,
    sent: Mutex<HashMap<i64, Window>>,
}

impl GroupBudget {
    pub fn new(per_minute: u32) -> GroupBudget {
        GroupBudget {
            per_minute: u64::from(per_minute.max(1)),
            start: Instant::now(),
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a place for one message to `chat` now and returns zero, or returns how long to wait before
    /// asking again (nothing taken).
    pub fn reserve(&self, chat: i64) -> Duration {
        if chat >= 0 {
            return Duration::ZERO;
        }
        let elapsed = self.start.elapsed();
        let now = elapsed.as_secs();
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        // Chats quiet for a minute are forgotten, so the map holds only the active ones.
        if sent.len() > 64 {
            sent.retain(|_, w| w.count(now) > 0);
        }
        let w = sent.entry(chat).or_insert(Window { slots: [(0, 0); SLOTS] });
        if w.count(now) >= self.per_minute {
            // Until the next second, when the oldest second may have left the count.
            let to_next = Duration::from_secs(now + 1).saturating_sub(elapsed);
            return to_next.max(Duration::from_millis(10));
        }
        w.add(now);
        Duration::ZERO
    }
    /// Waits for a place for one message to `chat` (replies, on the runtime).
    pub async fn acquire(&self, chat: i64) {
        loop {
            let wait = self.reserve(chat);
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_gets_its_budget_then_waits_and_private_chats_are_not_counted() {
        let b = GroupBudget::new(3);
        for _ in 0..3 {
            assert_eq!(b.reserve(-100), Duration::ZERO);
        }
        let wait = b.reserve(-100);
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1), "asks again within a second: {wait:?}");
        assert!(b.reserve(-100) > Duration::ZERO, "still full");
        assert_eq!(b.reserve(-200), Duration::ZERO, "another group has its own budget");
        for _ in 0..10 {
            assert_eq!(b.reserve(42), Duration::ZERO);
        }
    }
}

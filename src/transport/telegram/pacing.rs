//! How fast the bot may send to one chat, for every kind of chat, shared by replies and digests.
//! Telegram allows a bot about one message a second in one chat (short bursts tolerated), and 20 a
//! minute in one group, counting every message the bot sends there.
//!
//! - **Every chat** (private chats, groups, channels by id) is paced at `per_chat_per_second`, with a
//!   burst of `per_chat_burst` at once (a long answer split in three goes out together): a generic
//!   cell rate algorithm, one instant per chat, so a private chat that sends 30 entries is answered at
//!   about one a second, not at the group limit.
//! - **Groups and channels** (negative ids) also have `per_group_per_minute` in any minute, counted
//!   over replies and digests alike: a digest waits while the group's answers used the budget up.
//!
//! - **Overall**, every message to any chat is spaced by a second / `overall_per_second` (Telegram:
//!   30), so no second holds more (off with `throttle = false`, for benchmarks).
//! - **A `429`** (`retry_after`) on any message holds every message, to every chat, for as long as
//!   Telegram asks ([`ChatBudget::freeze`]): Telegram's flood control is the bot's, not the chat's.
//!
//! teloxide's `Throttle` adaptor cannot do this: it paces private chats and basic groups alike at the
//! group limit (it cannot tell them apart by id), knows nothing of digests, and releases its queue on a
//! timer tick (a quarter of a second added to every reply, measured). The runner therefore sends
//! through the plain `Bot` and takes every message's place here. The clock is replaceable, so that
//! tests check what the pacer decides rather than wall-clock time.

use super::TelegramCfg;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds counted for a group's minute: one more than a minute, so that every 60-second window lies
/// inside the count and a group never gets more than its budget in any minute (a message may wait up
/// to a second longer than an exact log of send times would make it).
const SLOTS: usize = 61;

/// Messages sent to one group, per second of the last [`SLOTS`] seconds: a fixed 0.7 KB whatever the
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

/// One chat's pacing.
struct Chat {
    /// The theoretical time the next message is due at the steady rate (the cell rate algorithm's
    /// TAT): a message may go when this is at most the burst's tolerance ahead of now.
    due: Duration,
    /// Groups and channels: the messages of the last minute.
    minute: Option<Box<Window>>,
}

/// The clock: time since some fixed start.
pub type Clock = Box<dyn Fn() -> Duration + Send + Sync>;

/// The limits a [`ChatBudget`] keeps.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Messages a second to one chat, after a burst of `burst`.
    pub per_second: u32,
    pub burst: u32,
    /// Messages a minute to one group or channel.
    pub per_minute: u32,
    /// Messages a second overall, or none.
    pub overall: Option<u32>,
}

pub struct ChatBudget {
    /// The steady spacing of one chat's messages: a second / `per_chat_per_second`.
    interval: Duration,
    /// How far ahead of the steady pace a burst may run: (burst − 1) intervals.
    tolerance: Duration,
    per_minute: u64,
    /// The spacing of all messages: a second / `overall_per_second` (none: no overall limit).
    overall: Option<Duration>,
    clock: Clock,
    state: Mutex<State>,
}

struct State {
    chats: HashMap<i64, Chat>,
    /// When the next message to any chat may go at the overall pace.
    overall_due: Duration,
    /// No message goes before this (a `429`'s `retry_after`).
    frozen_until: Duration,
}

impl ChatBudget {
    /// With the `[telegram]` limits and the real clock.
    pub fn new(cfg: &TelegramCfg) -> ChatBudget {
        let start = Instant::now();
        let limits = Limits {
            per_second: cfg.per_chat_per_second,
            burst: cfg.per_chat_burst,
            per_minute: cfg.per_group_per_minute,
            overall: cfg.throttle.then_some(cfg.overall_per_second),
        };
        ChatBudget::with_clock(limits, Box::new(move || start.elapsed()))
    }

    /// The budget of `limits`, by `clock`.
    pub fn with_clock(limits: Limits, clock: Clock) -> ChatBudget {
        let interval = Duration::from_secs(1) / limits.per_second.max(1);
        ChatBudget {
            interval,
            tolerance: interval.saturating_mul(limits.burst.max(1) - 1),
            per_minute: u64::from(limits.per_minute.max(1)),
            overall: limits.overall.map(|n| Duration::from_secs(1) / n.max(1)),
            clock,
            state: Mutex::new(State {
                chats: HashMap::new(),
                overall_due: Duration::ZERO,
                frozen_until: Duration::ZERO,
            }),
        }
    }

    /// Holds every message, to every chat, for `after` from now (Telegram answered `429` with this
    /// `retry_after`). A longer hold already in place stays.
    pub fn freeze(&self, after: Duration) {
        let until = (self.clock)().saturating_add(after);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if until > st.frozen_until {
            log::warn!("Telegram asked the bot to wait {after:?}: every message waits");
            st.frozen_until = until;
        }
    }

    /// Takes a place for one message to `chat` now and returns zero, or returns how long to wait before
    /// asking again (nothing taken).
    pub fn reserve(&self, chat: i64) -> Duration {
        let now = (self.clock)();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let State { chats, overall_due, frozen_until } = &mut *st;
        // Chats that are back at their steady pace with a quiet minute are forgotten, so the map holds
        // only the active ones.
        if chats.len() > 64 {
            chats.retain(|_, c| c.due > now || c.minute.as_ref().is_some_and(|w| w.count(now.as_secs()) > 0));
        }
        let c = chats.entry(chat).or_insert_with(|| Chat {
            due: Duration::ZERO,
            minute: (chat < 0).then(|| Box::new(Window { slots: [(0, 0); SLOTS] })),
        });
        // One a second (after a burst) in every chat.
        let mut wait = c.due.saturating_sub(now).saturating_sub(self.tolerance);
        wait = wait.max(frozen_until.saturating_sub(now));
        if self.overall.is_some() {
            wait = wait.max(overall_due.saturating_sub(now));
        }
        if let Some(w) = &c.minute
            && w.count(now.as_secs()) >= self.per_minute
        {
            // Until the next second, when the oldest second may have left the count.
            let to_next = Duration::from_secs(now.as_secs() + 1).saturating_sub(now);
            wait = wait.max(to_next.max(Duration::from_millis(10)));
        }
        if !wait.is_zero() {
            return wait;
        }
        c.due = c.due.max(now).saturating_add(self.interval);
        if let Some(w) = &mut c.minute {
            w.add(now.as_secs());
        }
        if let Some(spacing) = self.overall {
            *overall_due = (*overall_due).max(now).saturating_add(spacing);
        }
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
    use std::sync::Arc;

    /// A budget on a clock the test moves.
    fn budget(per_second: u32, burst: u32, per_minute: u32) -> (ChatBudget, Arc<Mutex<Duration>>) {
        budget_overall(per_second, burst, per_minute, None)
    }

    fn budget_overall(
        per_second: u32,
        burst: u32,
        per_minute: u32,
        overall: Option<u32>,
    ) -> (ChatBudget, Arc<Mutex<Duration>>) {
        let now = Arc::new(Mutex::new(Duration::ZERO));
        let n = now.clone();
        let limits = Limits { per_second, burst, per_minute, overall };
        (ChatBudget::with_clock(limits, Box::new(move || *n.lock().unwrap())), now)
    }

    #[test]
    fn all_chats_together_keep_to_the_overall_pace() {
        let (b, now) = budget_overall(1000, 3, 1000, Some(30));
        // Sixty chats, one message each: spaced by a thirtieth of a second, about two seconds in all.
        let mut sent = 0;
        for chat in 0..60i64 {
            loop {
                let wait = b.reserve(chat);
                if wait.is_zero() {
                    break;
                }
                *now.lock().unwrap() += wait;
            }
            sent += 1;
        }
        assert_eq!(sent, 60);
        let elapsed = *now.lock().unwrap();
        assert!(elapsed >= Duration::from_millis(59 * 33), "60 messages took {elapsed:?}, under two seconds");
        // Without an overall limit, the same messages go at once.
        let (b, now) = budget_overall(1000, 3, 1000, None);
        for chat in 0..60i64 {
            assert_eq!(b.reserve(chat), Duration::ZERO);
        }
        assert_eq!(*now.lock().unwrap(), Duration::ZERO);
    }

    #[test]
    fn a_429_holds_every_chat_until_its_retry_after_has_passed() {
        let (b, now) = budget(1000, 3, 1000);
        assert_eq!(b.reserve(1), Duration::ZERO);
        b.freeze(Duration::from_secs(5));
        assert_eq!(b.reserve(1), Duration::from_secs(5));
        assert_eq!(b.reserve(2), Duration::from_secs(5), "another chat waits too");
        assert_eq!(b.reserve(-100), Duration::from_secs(5), "and a group");
        // A shorter hold does not shorten it.
        b.freeze(Duration::from_secs(1));
        *now.lock().unwrap() += Duration::from_secs(2);
        assert_eq!(b.reserve(2), Duration::from_secs(3));
        *now.lock().unwrap() += Duration::from_secs(3);
        assert_eq!(b.reserve(2), Duration::ZERO, "free again once it has passed");
    }

    #[test]
    fn a_group_gets_its_budget_then_waits_and_each_group_has_its_own() {
        let (b, now) = budget(1000, 3, 3);
        for _ in 0..3 {
            assert_eq!(b.reserve(-100), Duration::ZERO);
            *now.lock().unwrap() += Duration::from_millis(5);
        }
        let wait = b.reserve(-100);
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1), "asks again within a second: {wait:?}");
        assert!(b.reserve(-100) > Duration::ZERO, "still full");
        assert_eq!(b.reserve(-200), Duration::ZERO, "another group has its own budget");
        *now.lock().unwrap() += Duration::from_secs(61);
        assert_eq!(b.reserve(-100), Duration::ZERO, "a minute later");
    }

    #[test]
    fn a_chat_gets_a_burst_then_one_a_second() {
        let (b, now) = budget(1, 3, 20);
        for _ in 0..3 {
            assert_eq!(b.reserve(42), Duration::ZERO);
        }
        assert_eq!(b.reserve(42), Duration::from_secs(1), "the fourth waits a second");
        *now.lock().unwrap() += Duration::from_secs(1);
        assert_eq!(b.reserve(42), Duration::ZERO);
        assert_eq!(b.reserve(42), Duration::from_secs(1));
        assert_eq!(b.reserve(43), Duration::ZERO, "another chat has its own pace");
        // Quiet for a while: the burst is back, no more.
        *now.lock().unwrap() += Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(b.reserve(42), Duration::ZERO);
        }
        assert!(b.reserve(42) > Duration::ZERO);
    }
}

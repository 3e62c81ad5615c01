//! Durations that grow: the one doubling rule behind every retry in amity (the bot's requests, a
//! digest's next attempt, a failed scheduler's restart), each with its own first wait and cap.

use std::time::Duration;

/// `first`, doubled `n` times, at most `max` (never overflowing: the doublings stop at 2^16).
pub fn doubling(first: Duration, n: u32, max: Duration) -> Duration {
    first.saturating_mul(1u32 << n.min(16)).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_never_overflows() {
        let s = Duration::from_secs;
        assert_eq!(doubling(s(1), 0, s(60)), s(1));
        assert_eq!(doubling(s(1), 3, s(60)), s(8));
        assert_eq!(doubling(s(1), 10, s(60)), s(60));
        assert_eq!(doubling(Duration::MAX, u32::MAX, s(60)), s(60));
    }
}

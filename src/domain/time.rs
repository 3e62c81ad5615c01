//! Durations: the one doubling rule behind every retry in amity (the bot's requests, a digest's next
//! attempt, a failed scheduler's restart), each with its own first wait and cap; and the one way a
//! duration is written in the config (`90s`, `30m`, `6h`, `2d`).

use std::time::Duration;

/// `first`, doubled `n` times, at most `max` (never overflowing: the doublings stop at 2^16).
pub fn doubling(first: Duration, n: u32, max: Duration) -> Duration {
    first.saturating_mul(1u32 << n.min(16)).min(max)
}

/// `90s`, `30m`, `6h`, `2d` (a number and a unit), more than zero. None when malformed, zero, or
/// too large for a number of seconds (never an overflow).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let (n, unit) = split_duration(s)?;
    let n: u64 = n.parse().ok()?;
    let secs = n.checked_mul(unit)?;
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// The digits and the unit's seconds.
pub fn split_duration(s: &str) -> Option<(&str, u64)> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    if n.is_empty() {
        return None;
    }
    let unit = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some((n, unit))
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

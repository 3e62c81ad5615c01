//! When a digest fires, and what a firing covers.
//!
//! A schedule is a cron pattern evaluated in an IANA time zone by `croner`, which follows the Open Cron
//! Pattern Specification on daylight-saving changes: a fixed-time job in a skipped hour runs once, at the
//! first instant after the gap; in a repeated hour it runs once, at the first occurrence. So a daily
//! digest fires once per local day, whatever the clocks do.
//!
//! **Period**: a digest firing at T covers the local calendar days from the day of the previous firing
//! up to, not including, the day of T (a Monday weekly digest covers Monday to Sunday; a daily one,
//! yesterday). A schedule that fires more than once a day covers yesterday. "The previous firing" is
//! the schedule's last firing on a day before T's day, so a preview or a manual send at any moment
//! covers the days since the last scheduled digest.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

#[derive(Clone, Debug)]
pub struct Schedule {
    pattern: String,
    cron: croner::Cron,
    tz: Tz,
}

/// The calendar days one firing covers (both ends included), and the firings around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestPeriod {
    /// When the digest fires (or the moment of a preview or manual send).
    pub fire: DateTime<Utc>,
    /// The schedule's previous firing: records logged since then whose date is before `from` are the
    /// digest's late entries.
    pub prev: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DigestPeriod {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one (for "change against the previous period").
    pub fn previous(&self) -> (NaiveDate, NaiveDate) {
        // Saturating at the first date chrono knows: never a panic, whatever the dates.
        let to = self.from.pred_opt().unwrap_or(self.from);
        (to.checked_sub_signed(Duration::days(self.days() - 1)).unwrap_or(NaiveDate::MIN), to)
    }

    pub fn as_period(&self) -> crate::domain::Period {
        crate::domain::Period { from: Some(self.from), to: Some(self.to) }
    }
}

impl Schedule {
    pub fn new(pattern: &str, tz: Tz) -> Result<Schedule, String> {
        let cron = croner::Cron::from_str(pattern).map_err(|e| e.to_string())?;
        let s = Schedule { pattern: pattern.to_string(), cron, tz };
        // A pattern that never matches (e.g. 30 February) is refused now, not discovered later.
        let probe = Utc::now();
        if s.next_after(probe).is_none() || s.prev_before(probe).is_none() {
            return Err("it never fires".into());
        }
        Ok(s)
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The first firing strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&inside(t).with_timezone(&self.tz), false).ok().map(|d| d.with_timezone(&Utc))
    }

    /// The last firing strictly before `t`.
    pub fn prev_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_previous_occurrence(&inside(t).with_timezone(&self.tz), false)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    }

    /// Firings in `(after, upto]`, oldest first; at most the `keep` latest of them (a long downtime of
    /// a frequent schedule never yields one per missed minute).
    pub fn firings(&self, after: DateTime<Utc>, upto: DateTime<Utc>, keep: usize) -> Vec<DateTime<Utc>> {
        let mut out = std::collections::VecDeque::new();
        let mut t = after;
        // Bounded: a year of minutely firings at most.
        for _ in 0..600_000 {
            match self.next_after(t) {
                Some(n) if n <= upto => {
                    if out.len() == keep.max(1) {
                        out.pop_front();
                    }
                    out.push_back(n);
                    t = n;
                }
                _ => break,
            }
        }
        out.into()
    }

    /// The office's calendar date of an instant, in this schedule's zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        inside(t).with_timezone(&self.tz).date_naive()
    }

    /// What a digest firing at `fire` covers. `fire` need not be a firing of the schedule (previews and
    /// manual sends use "now").
    pub fn period(&self, fire: DateTime<Utc>) -> DigestPeriod {
        let fire = inside(fire);
        // The last firing on an earlier day: for a real firing of an at-most-daily schedule that is
        // simply the previous firing; for a preview or manual send later on a firing day, it is not the
        // firing of that same morning (which would leave no day to cover).
        let day = self.local_date(fire);
        let day_before = fire.checked_sub_signed(Duration::days(1)).unwrap_or(fire);
        let midnight = day
            .and_hms_opt(0, 0, 0)
            .and_then(|m| self.tz.from_local_datetime(&m).earliest())
            .map(|m| m.with_timezone(&Utc))
            .unwrap_or(day_before);
        let prev = self.prev_before(midnight.min(fire)).unwrap_or(day_before);
        let to = day.pred_opt().unwrap_or(day);
        let from = self.local_date(prev).min(to);
        DigestPeriod { fire, prev, from, to }
    }
}

/// `t`, kept two days inside the range of times chrono can hold, so that its local time in any zone
/// exists (chrono panics on the local date of an instant within hours of its limits).
fn inside(t: DateTime<Utc>) -> DateTime<Utc> {
    let margin = Duration::days(2);
    let lo = DateTime::<Utc>::MIN_UTC.checked_add_signed(margin).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let hi = DateTime::<Utc>::MAX_UTC.checked_sub_signed(margin).unwrap_or(DateTime::<Utc>::MAX_UTC);
    t.clamp(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_weekly_monday_digest_covers_monday_to_sunday() {
        let s = Schedule::new("0 9 * * MON", chrono_tz::Asia::Shanghai).unwrap();
        let fire = sh(2024, 6, 3, 9);
        assert_eq!(s.next_after(sh(2024, 6, 1, 0)), Some(fire));
        let p = s.period(fire);
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2024-05-27".into(), "2024-06-02".into()));
        assert_eq!(p.prev, sh(2024, 5, 27, 9));
        assert_eq!(p.previous(), ("2024-05-20".parse().unwrap(), "2024-05-26".parse().unwrap()));
    }

    #[test]
    fn a_daily_digest_covers_yesterday_and_month_and_year_ends() {
        let s = Schedule::new("0 9 * * *", chrono_tz::Asia::Shanghai).unwrap();
        let p = s.period(sh(2025, 1, 1, 9));
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2024-12-31".into(), "2024-12-31".into()));
        let p = s.period(sh(2024, 3, 1, 9));
        assert_eq!(p.from.to_string(), "2024-02-29");
        let m = Schedule::new("0 9 1 * *", chrono_tz::Asia::Shanghai).unwrap();
        let p = m.period(sh(2025, 1, 1, 9));
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2024-12-01".into(), "2024-12-31".into()));
    }

    #[test]
    fn missed_firings_are_bounded() {
        let s = Schedule::new("* * * * *", chrono_tz::UTC).unwrap();
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let f = s.firings(t0, t0 + Duration::days(2), 5);
        assert_eq!(f.len(), 5);
        assert_eq!(*f.last().unwrap(), t0 + Duration::days(2));
    }

    #[test]
    fn periods_at_the_ends_of_time_never_panic() {
        let s = Schedule::new("0 9 * * MON", chrono_tz::Asia::Shanghai).unwrap();
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let p = s.period(t);
            let _ = p.previous();
            let _ = p.days();
        }
    }

    #[test]
    fn impossible_patterns_are_refused() {
        assert!(Schedule::new("0 9 30 2 *", chrono_tz::UTC).is_err());
        assert!(Schedule::new("not cron", chrono_tz::UTC).is_err());
    }
}

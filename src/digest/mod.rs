//! Scheduled digests: a summary of what was logged, sent to a channel on a cron schedule.
//!
//! - [`spec`]: the `[[digest]]` configuration, checked at load (cron, time zone, target, language).
//! - [`schedule`]: when a digest fires (cron in its time zone, via `croner`) and which calendar days a
//!   firing covers.
//! - [`content`]: what a digest says (the period's records and totals, late entries, running totals,
//!   the change against the previous period) as a [`crate::render::Reply`].
//! - [`chart`]: the PNG chart (value by country, cumulative value), drawn with a font shipped in the
//!   repository so it looks the same everywhere and Chinese labels are real glyphs.
//! - [`outbox`]: delivery. A digest is a row (`digest_deliveries`) before it is a message; the
//!   [`outbox::Scheduler`] decides what is due at `tick(now)`, sends through a [`outbox::DigestSender`]
//!   (Telegram, Matrix, the console), retries with backoff until a deadline, records message ids.
//! - [`console`]: the terminal sender used by `amity digest run` and the CLI.

pub mod chart;
pub mod cli;
pub mod console;
pub mod content;
pub mod outbox;
pub mod schedule;
pub mod spec;

pub use content::{Digest, build};
pub use outbox::{DigestSender, Outgoing, Scheduler, SendError};
pub use schedule::{DigestPeriod, Schedule};
pub use spec::{Audience, CatchUp, DigestCfg, DigestSpec, Section, Target};

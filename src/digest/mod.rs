//! Scheduled digests: a summary of what was logged, sent to a channel on a cron schedule.
//!
//! - [`spec`]: the `[[digest]]` configuration, checked at load (cron, time zone, target, language).
//! - [`schedule`]: when a digest fires (cron in its time zone, via `croner`) and which calendar days a
//!   firing covers.
//! - [`content`]: what a digest says (the period's records and totals, late entries, running totals,
//!   the change against the previous period) as a [`crate::render::Reply`].
//! - [`chart`]: the PNG chart (value by country, cumulative value), drawn with a font shipped in the
//!   repository so it looks the same everywhere and Chinese labels are real glyphs.
//! - [`outbox`]: delivery's store side. A digest is a row (`digest_deliveries`) before it is a
//!   message; [`outbox::DigestSender`] is what a transport implements (Telegram, Matrix, the console).
//!   The runner that ticks, sends, retries and reports is `bot::digests` (it holds the core; this
//!   module does not, so it sits below the commands that use it).
//! - [`console`]: the terminal sender used by `amity digest run` and the CLI (`bot::digest_cli`).

pub mod chart;
pub mod console;
pub mod content;
pub mod outbox;
pub mod schedule;
pub mod spec;

pub use content::{Digest, build};
pub use outbox::{DigestSender, Outgoing, SendError};
pub use schedule::{DigestPeriod, Schedule};
pub use spec::{Audience, CatchUp, DigestCfg, DigestSpec, Section, Target};

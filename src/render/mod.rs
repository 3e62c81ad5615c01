//! What the core answers with, and how it becomes text: the transport-neutral [`Reply`] document,
//! its plain-text rendering, splitting long replies at line boundaries, its HTML for Telegram and
//! Matrix with a plain fallback ([`markup`]), and [`Fmt`], which words
//! records, money and totals in the reader's language (shared by the commands and the digests).

pub mod format;
pub mod markup;
pub mod reply;
pub mod text;

pub use format::Fmt;
pub use reply::{Attachment, Block, Button, Outcome, Reply};

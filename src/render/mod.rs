//! What the core answers with, and how it becomes text: the transport-neutral [`Reply`] document,
//! its plain-text rendering, and splitting long replies at line boundaries.

pub mod reply;
pub mod text;

pub use reply::{Attachment, Block, Button, Outcome, Reply};

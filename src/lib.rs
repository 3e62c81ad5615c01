//! amity: a foreign-affairs office's ledger of international outreach, kept by chatting with a bot.
//!
//! One transport-free core ([`commands::Core`]) answers [`commands::Request`]s with
//! [`render::Reply`]s over one SQLite file ([`store::Store`]); transports (console now; Telegram and
//! Matrix in their own modules) only translate between their network and these types.

pub mod allocator;
pub mod bot;
pub mod commands;
pub mod config;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod i18n;
pub mod render;
pub mod store;
pub mod transport;

pub use commands::{ChatKind, Core, Request};
pub use config::Config;
pub use render::Reply;

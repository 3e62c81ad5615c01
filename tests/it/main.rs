//! The integration tests of amity's core, in one test binary (one link of the crate rather than one
//! per file): each module drives the real core, or the real `amity` binary, against real SQLite files
//! as users would. `common` holds the helpers they share. Telegram's tests are their own binary
//! (`tests/telegram/`), since they run a fake Bot API server and the real `serve`.
//!
//! `cargo test --test it` runs them all; `cargo test --test it commands::` runs one module.

mod common;

mod add_dialogue;
mod backup;
mod chart;
mod cli;
mod commands;
mod digest;
mod export;
mod history;
mod import;
mod languages;
mod ledger_sums;
mod migrations;
mod money_totals;
mod proptest_core;
mod regression;
mod reported;
mod roles;
mod seed_article;
mod upload;

//! Regression tests: one test per defect found by hostile and extreme input (issue 12), each named
//! after what broke, so a failure says which old bug came back. The ledger module drives the core
//! as chat users would; the config module drives `amity` as an admin would.

#[path = "../common/mod.rs"]
mod common;
mod config;
mod fuzz;
mod ledger;

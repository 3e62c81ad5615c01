//! Regression tests: one test per defect, each named after what broke, so a failure says which old bug
//! came back. The defects found by hostile and extreme input (issue 12) are here, and a bug fixed from
//! now on gets its test here too. The ledger module drives the core as chat users would; the config
//! module drives `amity` as an admin would; the fuzz module is the long randomised run.

mod config;
mod fuzz;
mod ledger;

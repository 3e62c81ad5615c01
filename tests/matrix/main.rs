//! Matrix end to end: the real `amity serve` binary against a real Synapse on 127.0.0.1 (installed by
//! `scripts/synapse install`, started here on a free port with a fresh database), and on the human
//! side real matrix-sdk clients that speak end-to-end encryption. Every wait has a deadline; none is
//! a fixed sleep.

#[path = "../support/bulk.rs"]
mod bulk;
mod harness;
mod rooms;

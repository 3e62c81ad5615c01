//! Transports: adapters between a network (or a terminal) and the core's Request/Reply.

pub mod console;
pub mod telegram;

//! Defects of configuration and scheduling, found through `amity check-config`, `/digest send` and
//! the running scheduler.

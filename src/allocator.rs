//! The process's allocator: mimalloc, set as the global allocator of everything that links amity (the
//! `amity` binary, its tests and benchmarks). Under the Telegram load benchmark glibc's malloc was a
//! quarter of all samples (malloc, free, and futex waits on its arena locks when one thread frees what
//! another allocated, which an async bot does all the time); mimalloc made the same bot answer about
//! half again as fast. [`tune`] sets mimalloc's options so that it commits memory only as it is used
//! and returns freed memory at once: with its defaults the bot's peak anonymous memory was three times
//! as large; tuned, it is glibc's.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Option numbers of mimalloc v3's `mi_option_e` (c_src/mimalloc/v3/include/mimalloc.h), which
// libmimalloc-sys does not name.
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the allocator's options; call once, first thing in `main`.
pub fn tune() {
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table; it is safe to call at
    // any time from any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

//! The Telegram transport: `amity serve` answers private chats, groups, supergroups and channels
//! through the Bot API (teloxide), by long polling or, with `[telegram] mode = "webhook"`, through a
//! webhook (`webhook`: an axum server checking Telegram's secret token).
//!
//! - [`inbound`]: updates → the core's requests (who, where, which text; `/cmd@thisbot`; forwarded
//!   messages and anonymous senders can never write).
//! - [`outbound`]: replies → HTML messages within 4096 characters, inline keyboards, files.
//! - `runner`: the long-running part: polling, one lane per chat, flood control ([`pacing`]),
//!   retries with bounded backoff, panic isolation, graceful shutdown.
//! - `menu`: the command menu (`setMyCommands`) per scope and language.
//! - [`pacing`]: how fast the bot may send (about one a second in any chat after a short burst; 20 a
//!   minute in a group; 30 a second overall; a `429`'s wait for all), shared by replies and digests.
//! - [`digest`]: scheduled digests to channels and groups, the scheduler running beside the bot.
//!
//! Delivery guarantees, in short: every update received is written to SQLite
//! (the shared inbox, `bot::Inbox`) before its offset is confirmed to Telegram, and marked answered once its
//! answer was sent, so a crash or `kill -9` loses no update (the unanswered ones are answered after
//! the next start) and a redelivered update is never answered twice. Writes are idempotent in the core
//! (the update id is recorded in the write's transaction), so nothing is ever logged twice.
//!
//! The bot token comes from `TELOXIDE_TOKEN` or the config's token file, and is never printed (the
//! [`Token`] type hides it; teloxide's `Bot`, whose `Debug` shows it, is never printed either).
//! `TELOXIDE_API_URL` points the bot at another Bot API server.

pub mod digest;
pub mod inbound;
mod menu;
pub mod outbound;
pub mod pacing;
mod runner;
mod settings;
mod webhook;

pub use inbound::Me;
pub use settings::{Mode, TelegramCfg, Token};

use crate::commands::{Core, Request};
use crate::render::Reply;
use std::future::Future;
use std::sync::Arc;

/// Replaces the core's `handle` (tests use it to make a handler panic or return a file).
pub type Handler = Arc<dyn Fn(&Core, &Request) -> Reply + Send + Sync>;

/// Test seams; `Hooks::default()` in production.
#[derive(Clone, Default)]
pub struct Hooks {
    pub handler: Option<Handler>,
}

/// How to reach the Bot API.
#[derive(Clone, Debug)]
pub struct Options {
    pub token: Token,
    /// The Bot API server (default: Telegram's), e.g. `http://127.0.0.1:8081/`.
    pub api_url: Option<String>,
    /// Webhook mode: the secret token Telegram must send with every update (never printed).
    pub webhook_secret: Option<Token>,
}

impl Options {
    /// From the environment and the config: `TELOXIDE_TOKEN` or the token file, `TELOXIDE_API_URL`,
    /// and in webhook mode `AMITY_WEBHOOK_SECRET` or the secret file.
    pub fn from_env(cfg: &TelegramCfg) -> anyhow::Result<Options> {
        let api_url = std::env::var("TELOXIDE_API_URL").ok().filter(|u| !u.trim().is_empty());
        let webhook_secret = match cfg.mode {
            Mode::Webhook => Some(cfg.webhook_secret()?),
            Mode::Polling => None,
        };
        Ok(Options { token: cfg.token()?, api_url, webhook_secret })
    }
}

/// `amity serve`: runs the bot until SIGTERM or Ctrl-C, then finishes in-flight work, confirms the
/// update offset and returns. `opts` from [`Options::from_env`].
pub fn run(core: Core, opts: Options) -> anyhow::Result<()> {
    runtime()?.block_on(serve(Arc::new(core), opts, Hooks::default(), shutdown_signal()))
}

/// The runtime `amity serve` runs on. Store work runs on blocking threads and waits for the one store
/// connection, so more than a few of them only add stacks and context switches: the pool is kept small.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(BLOCKING_THREADS).build()
}

/// Blocking threads for store work. Store work serializes on the one connection anyway; the second
/// thread lets the next job (or a disk sync, which needs no connection) start while one runs. With 8,
/// the load benchmark answered no faster and used about a megabyte more (a malloc arena and a stack
/// per busy thread). Work beyond these queues in the runtime, not in threads. Measured again on an Intel
/// Xeon with mimalloc (steady load, 10 s): 1 thread 8.4k updates/s, 2 threads 9.4k, 4 threads 7.3k.
pub const BLOCKING_THREADS: usize = 2;

/// Runs the bot until `shutdown` completes (the function `amity serve` runs; tests call it with their
/// own Bot API server and shutdown trigger).
pub async fn serve(
    core: Arc<Core>,
    opts: Options,
    hooks: Hooks,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // Replies and digests to one chat share its pace (and a group's budget of messages a minute).
    let budget = Arc::new(pacing::ChatBudget::new(&core.config().telegram));
    // Scheduled digests run beside the bot and stop with it (see `digest`).
    let digests = digest::start(core.clone(), &opts, budget.clone(), shutdown)?;
    let res = runner::serve(core, opts, hooks, budget, digests.stopped()).await;
    digests.finish().await;
    res
}

/// Completes at SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => log::info!("Ctrl-C: shutting down"),
        _ = term => log::info!("SIGTERM: shutting down"),
    }
}

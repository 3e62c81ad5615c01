//! The Matrix transport: `amity serve` answers in the rooms of a homeserver (the office's own, often)
//! through matrix-sdk, end-to-end encrypted rooms included, beside Telegram or alone, on the same
//! database and the same runtime (`crate::bot`).
//!
//! - [`inbound`]: room events → the core's requests (`!cmd` and `/cmd`; who, which room; own
//!   messages, notices and edits ignored).
//! - [`outbound`]: replies → `m.notice` events with HTML `formatted_body` and plain `body`; buttons as
//!   numbered choices; transaction ids that make a retried send the same message.
//! - `runner`: the sync loop, the shared inbox, one lane per room, invites, late decryption, retries
//!   with bounded backoff, graceful shutdown.
//! - [`session`]: the client, its SQLite state and crypto store, the first login and the stored
//!   session every later start reuses (the same device, never a new one per restart).
//!
//! Delivery guarantees, in short: every message event is written to SQLite (the shared inbox) before
//! the bot acts on it and marked answered once its answer was sent; a restart answers the events left
//! unanswered, and what arrived while the bot was down (read back from the rooms' history up to
//! `catch_up_hours`); an event id is never answered twice, and a retried send carries the same
//! transaction id. Writes are idempotent in the core (the event id is recorded in the write's
//! transaction), so nothing is ever logged twice.
//!
//! The password comes from `AMITY_MATRIX_PASSWORD` or `[matrix] password_file`, the store passphrase
//! from `AMITY_MATRIX_STORE_PASSPHRASE` or `store_passphrase_file`; neither is ever printed.

mod digest;
pub mod inbound;
pub mod outbound;
mod runner;
pub mod session;

pub use session::{Options, Secret};

use crate::bot::Inbox;
use crate::commands::Core;
use crate::config::Config;
use anyhow::{Context, bail};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

impl Options {
    /// From the config and the environment: the homeserver and user (`AMITY_MATRIX_HOMESERVER`,
    /// `AMITY_MATRIX_USER` or the file), the password (`AMITY_MATRIX_PASSWORD` or `password_file`;
    /// only needed before a session is stored), the store and its passphrase.
    pub fn from_config(cfg: &Config) -> anyhow::Result<Options> {
        let m = &cfg.matrix;
        let (Some(homeserver), Some(user)) = (m.homeserver_url(), m.user_id()) else {
            bail!(
                "Matrix is not configured: set [matrix] homeserver and user (or AMITY_MATRIX_HOMESERVER and AMITY_MATRIX_USER)"
            );
        };
        let password = secret("AMITY_MATRIX_PASSWORD", m.password_file.as_deref(), "matrix.password_file")?;
        let passphrase = secret(
            "AMITY_MATRIX_STORE_PASSPHRASE",
            m.store_passphrase_file.as_deref(),
            "matrix.store_passphrase_file",
        )?;
        Ok(Options { homeserver, user, password, store: m.store_dir(&cfg.database.path), passphrase })
    }
}

/// A secret from the environment, else from the first line of a file.
fn secret(var: &str, file: Option<&std::path::Path>, setting: &str) -> anyhow::Result<Option<Secret>> {
    if let Some(v) = std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
        return Ok(Some(Secret::new(v.trim_end_matches(['\r', '\n']))));
    }
    let Some(path) = file else { return Ok(None) };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {setting} {}", path.display()))?;
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        bail!("{setting} {}: the first line is empty", path.display());
    }
    Ok(Some(Secret::new(first)))
}

/// Runs the Matrix bot until `shutdown` completes: logs in (or restores the session), then syncs and
/// answers.
pub async fn serve(
    core: Arc<Core>,
    opts: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let cfg = core.config().matrix.clone();
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let max_backoff = Duration::from_secs(cfg.max_backoff_secs);
    // The homeserver may not be up yet (a machine booting): log in with backoff until it answers.
    let mut probe = stop.clone();
    let mut attempt = 0;
    let session::Connected { client, new_device } = loop {
        match session::connect(&opts).await {
            Ok(c) => break c,
            Err(e) if attempt < 1_000 && is_transient(&e) => {
                let wait = crate::bot::backoff(attempt, max_backoff);
                log::warn!("Matrix: {e:#}; retrying in {wait:?}");
                attempt += 1;
                if crate::bot::nap(wait, &mut probe).await {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    };
    let me = client.user_id().map(|u| u.to_string()).unwrap_or_else(|| opts.user.clone());
    log::info!("Matrix: serving as {me} on {}", opts.homeserver);
    let inbox = Inbox::start(core.clone(), "matrix", me.clone(), stop.clone());
    // Scheduled digests to rooms, beside the bot, on the same client; they stop with it.
    let mut digest_stop = stop.clone();
    let digests = digest::start(core.clone(), client.clone(), async move {
        let _ = digest_stop.wait_for(|s| *s).await;
    })?;
    let (events, rx) = mpsc::channel(runner::IN_FLIGHT);
    let sh = Arc::new(runner::Shared {
        max_len: core.config().reply.max_message_len,
        inviters: cfg.inviters(),
        catch_up: Duration::from_secs(u64::from(cfg.catch_up_hours) * 3600),
        utd_wait: Duration::from_secs(cfg.undecryptable_wait_secs),
        core,
        client,
        me,
        inbox,
        stop,
        max_backoff,
        events,
        choices: Default::default(),
        waiting_keys: Default::default(),
        invites: Default::default(),
        new_device: std::sync::Mutex::new(new_device),
    });
    let res = runner::serve(sh, rx, Duration::from_secs(cfg.sync_timeout_secs)).await;
    digests.finish().await;
    res
}

/// A login failure worth retrying: the homeserver unreachable or failing, not a refusal.
fn is_transient(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<matrix_sdk::Error>().is_some_and(|m| match m.as_client_api_error() {
            Some(api) => api.status_code.is_server_error() || api.status_code.as_u16() == 429,
            None => matches!(m, matrix_sdk::Error::Http(_)),
        }) || c.downcast_ref::<matrix_sdk::ClientBuildError>().is_some()
    })
}

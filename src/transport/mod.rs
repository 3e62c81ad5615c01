//! Transports: adapters between a network (or a terminal) and the core's Request/Reply. Each network
//! has its folder (`telegram`, `matrix`) on the shared runtime (`crate::bot`); [`serve`] runs every
//! configured one side by side on one core, one database and one runtime.

pub mod console;
#[cfg(feature = "matrix")]
pub mod matrix;
pub mod telegram;

use crate::commands::Core;
use crate::config::Config;
use anyhow::bail;
use std::sync::Arc;

/// Whether the config (or the environment) sets Telegram up: a token in `TELOXIDE_TOKEN` or a token
/// file.
pub fn telegram_configured(cfg: &Config) -> bool {
    std::env::var("TELOXIDE_TOKEN").is_ok_and(|t| !t.trim().is_empty()) || cfg.telegram.token_file.is_some()
}

/// `amity serve`: Telegram when it is configured, Matrix when it is, both side by side when both are,
/// until SIGTERM or Ctrl-C. Each finishes what it holds and returns; an error in one stops the other.
pub fn serve(core: Core, cfg: &Config) -> anyhow::Result<()> {
    let telegram = if telegram_configured(cfg) { Some(telegram::Options::from_env(&cfg.telegram)?) } else { None };
    #[cfg(feature = "matrix")]
    let matrix = if cfg.matrix.enabled() { Some(matrix::Options::from_config(cfg)?) } else { None };
    #[cfg(not(feature = "matrix"))]
    if cfg.matrix.enabled() {
        bail!("this amity was built without Matrix: build it with `cargo build --release --features matrix`");
    }
    #[cfg(not(feature = "matrix"))]
    let matrix: Option<()> = None;
    if telegram.is_none() && matrix.is_none() {
        bail!(
            "nothing to serve (no bot token: set TELOXIDE_TOKEN or [telegram] token_file to serve Telegram; set [matrix] homeserver and user, or AMITY_MATRIX_HOMESERVER and AMITY_MATRIX_USER, to serve Matrix; both may run side by side)"
        );
    }
    // Held while serving: `amity restore` refuses to replace the database under a running bot.
    let _lock = core.hold_for_serving().map_err(|e| anyhow::anyhow!(e))?;
    let core = Arc::new(core);
    telegram::runtime()?.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let backups = match (&cfg.backup.dir, cfg.backup.every()) {
            (Some(dir), Some(every)) => Some(tokio::spawn(crate::bot::backups::run(
                core.clone(),
                dir.clone(),
                every,
                cfg.backup.keep,
                stop_rx.clone(),
            ))),
            _ => None,
        };
        tokio::spawn(async move {
            telegram::shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let stopped = move || {
            let mut rx = stop_rx.clone();
            async move {
                let _ = rx.wait_for(|s| *s).await;
            }
        };
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(opts) = telegram {
            let (core, stopped) = (core.clone(), stopped());
            tasks.spawn(
                async move { ("Telegram", telegram::serve(core, opts, telegram::Hooks::default(), stopped).await) },
            );
        }
        #[cfg(feature = "matrix")]
        if let Some(opts) = matrix {
            let (core, stopped) = (core.clone(), stopped());
            tasks.spawn(async move { ("Matrix", matrix::serve(core, opts, stopped).await) });
        }
        let mut first_error = None;
        while let Some(done) = tasks.join_next().await {
            let (name, res) = match done {
                Ok(r) => r,
                Err(e) => ("a transport", Err(anyhow::anyhow!("it ended abnormally: {e}"))),
            };
            if let Err(e) = res {
                log::error!("{name} stopped: {e:#}");
                if first_error.is_none() {
                    first_error = Some(e.context(format!("{name} stopped")));
                }
                // One transport failing stops the others: a half-running bot is worse than a stopped
                // one that a service manager restarts.
                if !tasks.is_empty() {
                    log::error!("stopping the other transports");
                    tasks.abort_all();
                }
            }
        }
        // The transports are done: no copy is started any more (one under way finishes on its thread).
        if let Some(b) = backups {
            b.abort();
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}

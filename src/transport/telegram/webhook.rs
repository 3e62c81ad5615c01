//! Webhook mode (`[telegram] mode = "webhook"`): Telegram posts each update to an axum server.
//!
//! - **Secret.** `setWebhook` is given a secret token (from `AMITY_WEBHOOK_SECRET` or the config's
//!   secret file, never printed); a request without `X-Telegram-Bot-Api-Secret-Token` equal to it gets
//!   403 and nothing is written.
//! - **The same inbox as polling.** An update is written to the shared inbox before the server
//!   answers 200: an update Telegram considers delivered is already stored, so a crash loses nothing
//!   (it is answered after the next start). If it cannot be stored the answer is 500 and Telegram
//!   retries. An update posted again (Telegram retries, or a duplicate) is stored once and answered
//!   once; the repeat gets 200 and nothing else.
//! - **Shutdown.** At the stop signal the server stops accepting, finishes the requests it holds, and
//!   the lanes finish as in polling mode. The webhook stays set: Telegram keeps the updates that arrive
//!   meanwhile and posts them after the restart. Switching back to polling deletes it at start.

use super::runner::{Lanes, Shared, TgEvent};
use super::{TelegramCfg, Token};
use crate::bot::inbox::Received;
use anyhow::{Context, anyhow};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::future::IntoFuture;
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Update};
use tokio::sync::mpsc;

/// The header Telegram puts the secret token in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// A bound webhook server, not yet registered with Telegram.
pub(super) struct Hook {
    listener: tokio::net::TcpListener,
    url: String,
    path: String,
    secret: Token,
}

struct HookState {
    sh: Arc<Shared>,
    secret: Token,
    tx: mpsc::UnboundedSender<Update>,
}

impl Hook {
    /// Checks the settings and takes the listening address.
    pub(super) async fn bind(cfg: &TelegramCfg, secret: Option<Token>) -> anyhow::Result<Hook> {
        let secret = match secret {
            Some(s) => s,
            None => cfg.webhook_secret()?,
        };
        if !crate::config::telegram::valid_secret(secret.expose()) {
            return Err(anyhow!("the webhook secret token must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"));
        }
        let addr = cfg.webhook_addr()?;
        let path = cfg.webhook_path()?;
        let url = cfg.webhook_url.clone().unwrap_or_default().trim().to_string();
        let listener =
            tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr} (webhook)"))?;
        log::info!("webhook server listening on {addr}, path {path}");
        Ok(Hook { listener, url, path, secret })
    }

    /// Serves until the stop signal: registers the webhook, stores and dispatches each update.
    pub(super) async fn run(self, sh: &Arc<Shared>, lanes: &mut Lanes) -> anyhow::Result<()> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let state = Arc::new(HookState { sh: sh.clone(), secret: self.secret.clone(), tx });
        let app = axum::Router::new()
            .route(&self.path, axum::routing::post(receive))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(state);
        let mut stop = sh.stop.clone();
        let shutdown = async move {
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
        };
        let mut server = tokio::spawn(axum::serve(self.listener, app).with_graceful_shutdown(shutdown).into_future());

        // Registered once the server is up, so Telegram's first post finds it.
        let set = sh
            .bot
            .set_webhook(
                self.url.parse().map_err(|e| anyhow!("telegram.webhook_url {:?} is not a URL: {e}", self.url))?,
            )
            .secret_token(self.secret.expose().to_string())
            .allowed_updates([AllowedUpdate::Message, AllowedUpdate::ChannelPost, AllowedUpdate::CallbackQuery]);
        let mut stop = sh.stop.clone();
        let registered =
            super::runner::retrying(&sh.token, sh.max_backoff, &mut stop, "setWebhook", || set.send_ref()).await?;
        if registered.is_some() {
            log::info!("webhook set; Telegram posts updates to {}", self.url);
        }

        loop {
            tokio::select! {
                u = rx.recv() => match u {
                    Some(u) => lanes.dispatch(TgEvent::new(&u, &sh.me)).await,
                    None => break,
                },
                r = &mut server => {
                    if let Ok(Err(e)) | Err(e) = r.map_err(std::io::Error::other) {
                        log::error!("the webhook server stopped: {e}");
                    }
                    // Updates stored and acknowledged just before the stop are answered now.
                    while let Ok(u) = rx.try_recv() {
                        lanes.dispatch(TgEvent::new(&u, &sh.me)).await;
                    }
                    break;
                }
            }
        }
        Ok(())
    }
}

/// One update posted by Telegram.
async fn receive(State(st): State<Arc<HookState>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same(given, st.secret.expose().as_bytes()) {
        log::warn!("webhook: a request without the right secret token was refused");
        return StatusCode::FORBIDDEN;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            // It would never parse: refusing it would only make Telegram post it again and again.
            log::warn!("webhook: an unreadable update was dropped ({e})");
            return StatusCode::OK;
        }
    };
    let id = i64::from(update.id.0);
    let text = String::from_utf8_lossy(&body).into_owned();
    // Durable: on disk before the 200 that tells Telegram it was delivered.
    let stored = st.sh.inbox.receive(vec![Received { id: id.to_string(), seq: id, body: text }], true).await;
    match stored {
        Ok(fresh) => {
            if fresh.contains(&id.to_string()) {
                // Stored before the 200: from here a crash cannot lose it.
                if st.tx.send(update).is_err() {
                    log::info!("update {id} stored while stopping; it will be answered after the next start");
                }
            } else {
                log::info!("update {id} received again; already handled");
            }
            StatusCode::OK
        }
        Err(e) => {
            log::error!("recording update {id}: {e}; Telegram will post it again");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same(b"abc-_1", b"abc-_1"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"a"));
    }
}

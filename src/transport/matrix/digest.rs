//! Scheduled digests through Matrix: the [`DigestSender`] that posts a digest's messages (`m.notice`
//! with HTML) and its chart (`m.image`, uploaded, encrypted in an encrypted room) to a room
//! (`matrix:!room` or `matrix:#alias:server`), and failure reports to admins in a direct chat (the one
//! they share with the bot, made when there is none). Started beside the bot by [`start`] on the
//! runtime's scheduler loop (`bot::digests::Running`).
//!
//! The outbox owns retries, so each message is one request (the SDK retrying a rate limit for at most
//! a few seconds), classified: `429`, `5xx` and network trouble are retryable, any other refusal (the
//! bot is not in the room, the alias does not exist) is permanent and reported to the admins.

use super::session::request_config;
use crate::bot::digests::Running;
use crate::commands::Core;
use crate::digest::outbox::{DigestSender, SendError};
use crate::digest::spec::Target;
use crate::render::Attachment;
use crate::render::markup::{self, Dialect, Line};
use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::ruma::events::room::message::{RoomMessageEventContent, TextMessageEventContent};
use matrix_sdk::ruma::{RoomAliasId, RoomId, UserId};
use matrix_sdk::{Client, Room, RoomState};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::watch;

/// Delivers digests through the bot's Matrix client. Its methods block: call them from a blocking
/// thread, with `rt` a handle to the running runtime.
pub struct MatrixSender {
    client: Client,
    rt: Handle,
    stop: watch::Receiver<bool>,
    max_len: usize,
    per_minute: u32,
}

/// Starts the digest scheduler for Matrix's digests beside the bot.
pub(super) fn start(
    core: Arc<Core>,
    client: Client,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    let cfg = core.config();
    let tick = Duration::from_secs(cfg.matrix.digest_tick_secs.max(1));
    let signal = Running::signal();
    let sender = MatrixSender {
        client,
        rt: Handle::current(),
        stop: signal.1.clone(),
        max_len: cfg.reply.max_message_len,
        per_minute: cfg.matrix.per_room_per_minute,
    };
    Running::start(core, sender, "Matrix", tick, signal, shutdown)
}

/// A Matrix error as the outbox needs it.
fn classify(what: &str, e: &matrix_sdk::Error) -> SendError {
    let reason = format!("{what}: {e}");
    match e.as_client_api_error() {
        Some(api) if api.status_code.as_u16() == 429 || api.status_code.is_server_error() => {
            SendError::Retryable { reason, retry_after: None }
        }
        Some(_) => SendError::Permanent(reason),
        None => SendError::Retryable { reason, retry_after: None },
    }
}

impl MatrixSender {
    fn stopping(&self) -> Result<(), SendError> {
        if *self.stop.borrow() {
            // Nothing was sent: the row stays pending and is resumed after the next start.
            return Err(SendError::Retryable { reason: "amity is stopping".into(), retry_after: None });
        }
        Ok(())
    }

    /// The joined room a target names (for an admin: their direct chat with the bot, made if needed).
    async fn room(&self, target: &Target) -> Result<Room, SendError> {
        match target {
            Target::Matrix(t) => {
                let id = if t.starts_with('#') {
                    let alias = RoomAliasId::parse(t).map_err(|e| SendError::Permanent(format!("{t}: {e}")))?;
                    self.client.resolve_room_alias(&alias).await.map_err(|e| classify(t, &e.into()))?.room_id
                } else {
                    RoomId::parse(t).map_err(|e| SendError::Permanent(format!("{t}: {e}")))?
                };
                match self.client.get_room(&id) {
                    Some(r) if r.state() == RoomState::Joined => Ok(r),
                    _ => Err(SendError::Permanent(format!("the bot is not in the room {t}: invite it there"))),
                }
            }
            Target::User(u) => {
                let id = u.as_str().strip_prefix("mx:").unwrap_or_default();
                let user = UserId::parse(id).map_err(|e| SendError::Permanent(format!("{id}: {e}")))?;
                if let Some(r) = self.client.get_dm_room(&user).filter(|r| r.state() == RoomState::Joined) {
                    return Ok(r);
                }
                self.client.create_dm(&user).await.map_err(|e| classify(&format!("a direct chat with {id}"), &e))
            }
            _ => Err(SendError::Permanent(format!("not a Matrix room: {target}"))),
        }
    }

    fn send(&self, target: &Target, content: RoomMessageEventContent) -> Result<String, SendError> {
        self.stopping()?;
        self.rt.block_on(async {
            let room = self.room(target).await?;
            let sent = room
                .send(content)
                .with_request_config(request_config(Duration::from_secs(10)))
                .await
                .map_err(|e| classify(&format!("sending to {target}"), &e))?;
            Ok(sent.response.event_id.to_string())
        })
    }
}

impl DigestSender for MatrixSender {
    fn handles(&self, target: &Target) -> bool {
        match target {
            Target::Matrix(_) => true,
            Target::User(u) => u.as_str().starts_with("mx:"),
            _ => false,
        }
    }

    fn send_text(&self, target: &Target, text: &str) -> Result<String, SendError> {
        self.send(target, RoomMessageEventContent::notice_plain(text))
    }

    fn send_lines(&self, target: &Target, lines: &[Line]) -> Result<String, SendError> {
        let m = markup::render(lines, Dialect::Matrix);
        self.send(target, RoomMessageEventContent::notice_html(m.plain, m.html))
    }

    fn send_photo(&self, target: &Target, photo: &Attachment, caption: &str) -> Result<String, SendError> {
        self.stopping()?;
        let mime: mime::Mime = photo.mime.parse().unwrap_or(mime::IMAGE_PNG);
        self.rt.block_on(async {
            let room = self.room(target).await?;
            let cfg = AttachmentConfig::new().caption(Some(TextMessageEventContent::plain(caption)));
            let sent = room
                .send_attachment(&photo.file_name, &mime, photo.bytes.clone(), cfg)
                .await
                .map_err(|e| classify(&format!("sending the chart to {target}"), &e))?;
            Ok(sent.event_id.to_string())
        })
    }

    fn max_len(&self) -> usize {
        self.max_len
    }

    fn per_chat_per_minute(&self) -> u32 {
        self.per_minute
    }
}

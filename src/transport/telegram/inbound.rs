//! Telegram updates → the core's [`Request`]s. Who is asking is the sender's numeric id, never a
//! username; messages that no person typed to this bot (other bots' commands, anonymous group admins,
//! channel posts) can read but never write; forwarded messages are marked so that they never write.
//!
//! What is answered:
//! - messages in private chats; commands (`/cmd`, `/cmd@thisbot`) in groups, supergroups and channels,
//!   and in groups also plain text that replies to one of this bot's messages (an answer in a guided
//!   entry). `/cmd@otherbot` is left to the other bot.
//! - button presses (callback queries): the button's data becomes the request's text.
//! - files (documents) in private chats: a spreadsheet to import, its caption the request's text.
//!
//! What is not: edited messages and edited channel posts (an edit is not a new command: answering
//! it would log an entry twice; to change a saved entry there is `/edit`), messages from bots, and
//! every other kind of update.

use crate::commands::{ChatKind, Request};
use crate::domain::UserKey;
use teloxide::types::{CallbackQuery, CallbackQueryId, Chat, ChatId, Message, MessageId, Update, UpdateKind, User};

/// Telegram's stand-in sender for anonymous group admins.
const GROUP_ANONYMOUS_BOT: u64 = 1_087_968_824;
/// Telegram's stand-in sender for channel posts forwarded into discussion groups (older clients).
const CHANNEL_BOT: u64 = 136_817_688;

/// The bot itself, as `getMe` describes it.
#[derive(Clone, Debug)]
pub struct Me {
    pub id: i64,
    pub username: String,
}

/// One update the core should answer.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub update_id: i64,
    pub req: Request,
    pub chat_id: ChatId,
    /// The message to reply to (in groups, so that it is clear whom the bot answers).
    pub reply_to: Option<MessageId>,
    /// A button press: its id (to answer it) and the message that carried the button (to edit it).
    pub callback: Option<(CallbackQueryId, Option<MessageId>)>,
    /// A file sent in a private chat (a spreadsheet to import); the request's text is its caption.
    pub document: Option<Document>,
}

/// A file a message carries, as `getFile` will fetch it.
#[derive(Clone, Debug)]
pub struct Document {
    pub file_id: teloxide::types::FileId,
    pub file_name: String,
    /// In bytes, when Telegram says.
    pub size: Option<u64>,
}

/// What to do with an update.
#[derive(Debug)]
pub enum Mapped {
    Handle(Box<Incoming>),
    /// A button press on a message the bot cannot see (or without data): answer it and nothing else.
    AnswerOnly(CallbackQueryId),
    Ignore(&'static str),
}

/// The lane an update is handled in: updates of one chat are handled one at a time, in order.
pub fn lane(update: &Update) -> i64 {
    match &update.kind {
        UpdateKind::Message(m)
        | UpdateKind::EditedMessage(m)
        | UpdateKind::ChannelPost(m)
        | UpdateKind::EditedChannelPost(m) => m.chat.id.0,
        UpdateKind::CallbackQuery(q) => q.message.as_ref().map_or(q.from.id.0 as i64, |m| m.chat().id.0),
        _ => 0,
    }
}

/// Maps one update.
pub fn map(update: &Update, me: &Me) -> Mapped {
    let update_id = i64::from(update.id.0);
    match &update.kind {
        UpdateKind::Message(m) => message(update_id, m, me, false),
        UpdateKind::ChannelPost(m) => message(update_id, m, me, true),
        UpdateKind::CallbackQuery(q) => callback(update_id, q, me),
        UpdateKind::EditedMessage(_) | UpdateKind::EditedChannelPost(_) => Mapped::Ignore("edited message"),
        _ => Mapped::Ignore("update kind not handled"),
    }
}

fn chat_kind(chat: &Chat) -> ChatKind {
    if chat.is_private() {
        ChatKind::Private
    } else if chat.is_channel() {
        ChatKind::Channel
    } else {
        ChatKind::Group
    }
}

/// The key the core's idempotency uses: the bot's id and the update id (update ids restart for
/// another bot, so the bot's id keeps them apart).
pub fn update_key(me: &Me, update_id: i64) -> String {
    format!("{}:{update_id}", me.id)
}

fn full_name(u: &User) -> String {
    match &u.last_name {
        Some(l) if !l.is_empty() => format!("{} {l}", u.first_name),
        _ => u.first_name.clone(),
    }
}

/// `/cmd@name args` → `/cmd args` when `name` is this bot; None when addressed to another bot.
/// Text that is not a command is returned unchanged.
pub fn strip_bot_name(text: &str, me: &Me) -> Option<String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('/') {
        return Some(text.to_string());
    }
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let (head, rest) = trimmed.split_at(end);
    match head.split_once('@') {
        None => Some(trimmed.to_string()),
        Some((cmd, name)) if name.eq_ignore_ascii_case(&me.username) => Some(format!("{cmd}{rest}")),
        Some(_) => None,
    }
}

fn message(update_id: i64, m: &Message, me: &Me, channel_post: bool) -> Mapped {
    let kind = if channel_post { ChatKind::Channel } else { chat_kind(&m.chat) };
    // A file in a private chat is a spreadsheet to import (the core says if it is not); in groups
    // people share files with each other, not with the bot.
    let document = match m.document() {
        Some(d) if kind == ChatKind::Private => Some(Document {
            file_id: d.file.id.clone(),
            file_name: d.file_name.clone().unwrap_or_else(|| "file".into()),
            // teloxide gives u32::MAX when Telegram did not say.
            size: (d.file.size != u32::MAX).then(|| u64::from(d.file.size)),
        }),
        _ => None,
    };
    let Some(text) = m.text().or_else(|| document.as_ref().map(|_| m.caption().unwrap_or(""))) else {
        return Mapped::Ignore("no text");
    };
    let is_command = text.trim_start().starts_with('/');
    let Some(text) = strip_bot_name(text, me) else { return Mapped::Ignore("command for another bot") };
    if kind != ChatKind::Private && !is_command {
        // In groups only commands, and answers to the bot's own questions.
        let replies_to_me = m.reply_to_message().and_then(|r| r.from.as_ref()).is_some_and(|u| u.id.0 as i64 == me.id);
        if !replies_to_me || kind == ChatKind::Channel {
            return Mapped::Ignore("group chatter");
        }
    }
    // Who speaks. A message sent on behalf of a chat (an anonymous group admin, a channel, a linked
    // channel's post) has no person behind it that we can identify: it gets the chat's own (negative)
    // id, which can never be made staff, so it may read but never write.
    let (user, user_name, lang_hint) = match (&m.sender_chat, &m.from) {
        (Some(sc), _) => (UserKey::telegram(sc.id.0), sc.title().map(str::to_string), None),
        (None, Some(u)) if u.id.0 == GROUP_ANONYMOUS_BOT || u.id.0 == CHANNEL_BOT => {
            (UserKey::telegram(m.chat.id.0.min(-1)), m.chat.title().map(str::to_string), None)
        }
        (None, Some(u)) if u.is_bot => return Mapped::Ignore("message from a bot"),
        (None, Some(u)) => {
            let Ok(id) = i64::try_from(u.id.0) else { return Mapped::Ignore("user id out of range") };
            (UserKey::telegram(id), Some(full_name(u)), u.language_code.clone())
        }
        (None, None) => return Mapped::Ignore("no sender"),
    };
    let forwarded = m.forward_origin().is_some() || m.is_automatic_forward();
    let req = Request {
        transport: "telegram",
        user,
        user_name,
        lang_hint,
        chat: m.chat.id.0.to_string(),
        chat_kind: kind,
        text,
        update_id: Some(update_key(me, update_id)),
        forwarded,
    };
    Mapped::Handle(Box::new(Incoming {
        update_id,
        req,
        chat_id: m.chat.id,
        reply_to: (kind == ChatKind::Group).then_some(m.id),
        callback: None,
        document,
    }))
}

fn callback(update_id: i64, q: &CallbackQuery, me: &Me) -> Mapped {
    let (Some(data), Some(msg)) = (&q.data, &q.message) else { return Mapped::AnswerOnly(q.id.clone()) };
    if q.from.is_bot {
        return Mapped::AnswerOnly(q.id.clone());
    }
    let Ok(uid) = i64::try_from(q.from.id.0) else { return Mapped::AnswerOnly(q.id.clone()) };
    let chat = msg.chat();
    let req = Request {
        transport: "telegram",
        user: UserKey::telegram(uid),
        user_name: Some(full_name(&q.from)),
        lang_hint: q.from.language_code.clone(),
        chat: chat.id.0.to_string(),
        chat_kind: chat_kind(chat),
        text: data.clone(),
        update_id: Some(update_key(me, update_id)),
        forwarded: false,
    };
    Mapped::Handle(Box::new(Incoming {
        update_id,
        req,
        chat_id: chat.id,
        reply_to: None,
        callback: Some((q.id.clone(), Some(msg.id()))),
        document: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> Me {
        Me { id: 42, username: "amity_bot".into() }
    }

    #[test]
    fn only_our_bot_name_is_stripped() {
        assert_eq!(strip_bot_name("/totals@amity_bot 2020", &me()).as_deref(), Some("/totals 2020"));
        assert_eq!(strip_bot_name("/totals@Amity_Bot", &me()).as_deref(), Some("/totals"));
        assert_eq!(strip_bot_name("/totals@other_bot 2020", &me()), None);
        assert_eq!(strip_bot_name("/totals 2020", &me()).as_deref(), Some("/totals 2020"));
        assert_eq!(strip_bot_name("hello @amity_bot", &me()).as_deref(), Some("hello @amity_bot"));
    }
}

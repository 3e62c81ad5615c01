//! Matrix room events → the core's [`Request`]s. Pure: the runner gives the event as the homeserver
//! sent it (decrypted, in an encrypted room) and what it knows of the room.
//!
//! What is answered:
//! - in a direct chat (the bot and one person), every text message, and files (`m.file`: a
//!   spreadsheet to import, its caption the request's text);
//! - in a room with more people, commands: `!cmd` (the Matrix convention) or `/cmd` (Element sends it
//!   when typed as `//cmd` or pasted), and plain text from someone whose guided entry is open there
//!   (the runner asks the core);
//! - `!cmd` becomes `/cmd` for the core; the reply fallback of older clients (`> <@a:b> …` lines) is
//!   cut off;
//! - a number reaction (`m.reaction`, 1️⃣ … 🔟) becomes the number typed; the runner takes it only
//!   when it is on the message that offered the person's current choices.
//!
//! What is not: the bot's own events, notices (`m.notice`: bots answer with them, so two bots never
//! answer each other), emotes, files in rooms with more people, edits (`m.replace`: an edit is not a new command; `/edit` changes
//! a saved entry), redacted events, state events, and anything older than the catch-up age.

use crate::commands::{ChatKind, Request};
use crate::domain::UserKey;
use matrix_sdk::ruma::events::room::message::sanitize::remove_plain_reply_fallback;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent};
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId};

/// What the runner knows of the room an event came from.
#[derive(Clone, Debug)]
pub struct RoomInfo {
    pub room_id: String,
    /// Only the bot and one person in it (or marked direct).
    pub direct: bool,
}

/// One event the core should answer.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub req: Request,
    pub room_id: String,
    pub event_id: OwnedEventId,
    pub sender: OwnedUserId,
    /// The thread the event is in (its root), so that the answer goes in the same thread.
    pub thread: Option<OwnedEventId>,
    /// Plain text in a group room: answered only if the sender has a guided entry open there.
    pub needs_dialogue: bool,
    /// A file sent in a direct chat (a spreadsheet to import); the request's text is its caption.
    pub file: Option<FileRef>,
    /// A number reaction: the event it is on (the request's text is the number).
    pub reacts_to: Option<OwnedEventId>,
}

/// A file an `m.file` message points to.
#[derive(Clone, Debug)]
pub struct FileRef {
    pub source: matrix_sdk::ruma::events::room::MediaSource,
    pub name: String,
    /// In bytes, when the sender's client said.
    pub size: Option<u64>,
}

/// What to do with an event.
#[derive(Debug)]
pub enum Mapped {
    Handle(Box<Incoming>),
    Ignore(&'static str),
}

/// The idempotency key of an event: event ids are unique across rooms and servers.
pub fn update_id(event_id: &str) -> String {
    event_id.to_string()
}

/// `!cmd args` → `/cmd args`; other text unchanged. `!` alone, or followed by a space or a digit
/// ("!!", "! 3"), is not a command.
pub fn command_text(text: &str) -> String {
    let t = text.trim_start();
    match t.strip_prefix('!') {
        Some(rest) if rest.chars().next().is_some_and(char::is_alphabetic) => format!("/{rest}"),
        _ => t.to_string(),
    }
}

/// Whether the (already converted) text is a command.
pub fn is_command(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('/') && t[1..].chars().next().is_some_and(char::is_alphabetic)
}

/// Maps one timeline event. `me`: the bot's user id.
pub fn map(event: &AnySyncTimelineEvent, room: &RoomInfo, me: &str) -> Mapped {
    if let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::Reaction(r)) = event {
        return map_reaction(r, room, me);
    }
    let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(msg)) = event else {
        return Mapped::Ignore("not a message");
    };
    let SyncMessageLikeEvent::Original(ev) = msg else { return Mapped::Ignore("redacted") };
    if ev.sender.as_str() == me {
        return Mapped::Ignore("the bot's own message");
    }
    let mut file = None;
    let body = match &ev.content.msgtype {
        MessageType::Text(t) => t.body.as_str(),
        MessageType::Notice(_) => return Mapped::Ignore("a notice (bots answer with notices)"),
        // A file in a direct chat is a spreadsheet to import (the core says if it is not); in a room
        // people share files with each other. Its `body` is a caption when `filename` is set apart.
        MessageType::File(f) if room.direct => {
            let name = f.filename.clone().unwrap_or_else(|| f.body.clone());
            let size = f.info.as_ref().and_then(|i| i.size).map(u64::from);
            file = Some(FileRef { source: f.source.clone(), name, size });
            if f.filename.as_deref().is_some_and(|n| n != f.body) { f.body.as_str() } else { "" }
        }
        MessageType::File(_) => return Mapped::Ignore("a file in a room"),
        _ => return Mapped::Ignore("not text"),
    };
    let thread = match &ev.content.relates_to {
        Some(Relation::Replacement(_)) => return Mapped::Ignore("an edit"),
        Some(Relation::Thread(t)) => Some(t.event_id.clone()),
        _ => None,
    };
    let replying = matches!(ev.content.relates_to, Some(Relation::Reply { .. }));
    let body = if replying { remove_plain_reply_fallback(body) } else { body };
    let text = command_text(body);
    if text.trim().is_empty() && file.is_none() {
        return Mapped::Ignore("empty");
    }
    let command = is_command(&text);
    let Some(mut inc) = incoming(room, &ev.event_id, &ev.sender, text) else {
        return Mapped::Ignore("sender id unusable");
    };
    inc.thread = thread;
    inc.needs_dialogue = !room.direct && !command;
    inc.file = file;
    Mapped::Handle(Box::new(inc))
}

/// The request of `text` from `sender` in `room` (event `event_id`), with nothing else known yet; None
/// when the sender's id cannot be a user key.
fn incoming(room: &RoomInfo, event_id: &OwnedEventId, sender: &OwnedUserId, text: String) -> Option<Incoming> {
    let user = UserKey::parse(&format!("mx:{sender}"))?;
    let req = Request {
        transport: "matrix",
        user,
        user_name: None,
        lang_hint: None,
        chat: room.room_id.clone(),
        chat_kind: if room.direct { ChatKind::Private } else { ChatKind::Group },
        text,
        update_id: Some(update_id(event_id.as_str())),
        forwarded: false,
    };
    Some(Incoming {
        req,
        room_id: room.room_id.clone(),
        event_id: event_id.clone(),
        sender: sender.clone(),
        thread: None,
        needs_dialogue: false,
        file: None,
        reacts_to: None,
    })
}

/// A number reaction → the number, typed; any other reaction is not for the bot.
fn map_reaction(
    r: &SyncMessageLikeEvent<matrix_sdk::ruma::events::reaction::ReactionEventContent>,
    room: &RoomInfo,
    me: &str,
) -> Mapped {
    let SyncMessageLikeEvent::Original(ev) = r else { return Mapped::Ignore("redacted") };
    if ev.sender.as_str() == me {
        return Mapped::Ignore("the bot's own reaction");
    }
    let Some(n) = super::outbound::reacted(&ev.content.relates_to.key) else {
        return Mapped::Ignore("not a number reaction");
    };
    let Some(mut inc) = incoming(room, &ev.event_id, &ev.sender, n.to_string()) else {
        return Mapped::Ignore("sender id unusable");
    };
    inc.needs_dialogue = !room.direct;
    inc.reacts_to = Some(ev.content.relates_to.event_id.clone());
    Mapped::Handle(Box::new(inc))
}

/// The event's sending time in milliseconds since 1970, if it has one.
pub fn origin_ms(event: &AnySyncTimelineEvent) -> i64 {
    i64::from(event.origin_server_ts().get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use matrix_sdk::ruma::serde::Raw;
    use serde_json::json;

    fn event(content: serde_json::Value, sender: &str) -> AnySyncTimelineEvent {
        let v = json!({"type": "m.room.message", "event_id": "$e1", "sender": sender,
            "origin_server_ts": 1_700_000_000_000u64, "content": content});
        Raw::<AnySyncTimelineEvent>::from_json_string(v.to_string()).unwrap().deserialize().unwrap()
    }

    fn group() -> RoomInfo {
        RoomInfo { room_id: "!r:localhost".into(), direct: false }
    }

    fn handled(m: Mapped) -> Incoming {
        match m {
            Mapped::Handle(i) => *i,
            Mapped::Ignore(why) => panic!("ignored: {why}"),
        }
    }

    #[test]
    fn bang_commands_become_slash_commands() {
        assert_eq!(command_text("!donations Germany"), "/donations Germany");
        assert_eq!(command_text("/totals"), "/totals");
        assert_eq!(command_text("! 3"), "! 3");
        assert_eq!(command_text("!!"), "!!");
        assert!(is_command("/totals"));
        assert!(!is_command("/ 3"));
        let i = handled(map(
            &event(json!({"msgtype": "m.text", "body": "!totals"}), "@li:localhost"),
            &group(),
            "@bot:localhost",
        ));
        assert_eq!(i.req.text, "/totals");
        assert_eq!(i.req.user.as_str(), "mx:@li:localhost");
        assert_eq!(i.req.chat_kind, ChatKind::Group);
        assert!(!i.needs_dialogue);
        assert_eq!(i.req.update_key().as_deref(), Some("matrix:$e1"));
    }

    #[test]
    fn own_messages_notices_and_edits_are_ignored() {
        let me = "@bot:localhost";
        let cases = [
            event(json!({"msgtype": "m.text", "body": "!totals"}), me),
            event(json!({"msgtype": "m.notice", "body": "!totals"}), "@otherbot:localhost"),
            event(json!({"msgtype": "m.emote", "body": "waves"}), "@li:localhost"),
            event(
                json!({"msgtype": "m.text", "body": "* !totals", "m.new_content": {"msgtype": "m.text", "body": "!totals"},
                    "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}}),
                "@li:localhost",
            ),
        ];
        for e in cases {
            assert!(matches!(map(&e, &group(), me), Mapped::Ignore(_)));
        }
    }

    #[test]
    fn plain_text_in_a_group_waits_for_an_open_dialogue_and_threads_are_kept() {
        let e = event(
            json!({"msgtype": "m.text", "body": "500 masks",
                "m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": true,
                    "m.in_reply_to": {"event_id": "$q"}}}),
            "@li:localhost",
        );
        let i = handled(map(&e, &group(), "@bot:localhost"));
        assert!(i.needs_dialogue);
        assert_eq!(i.thread.as_ref().map(|t| t.as_str()), Some("$root"));
        let direct = RoomInfo { room_id: "!d:localhost".into(), direct: true };
        let i = handled(map(&e, &direct, "@bot:localhost"));
        assert!(!i.needs_dialogue);
        assert_eq!(i.req.chat_kind, ChatKind::Private);
    }

    #[test]
    fn a_number_reaction_is_the_number_typed_and_other_reactions_are_not_for_the_bot() {
        let reaction = |key: &str, sender: &str| {
            let v = json!({"type": "m.reaction", "event_id": "$r1", "sender": sender,
                "origin_server_ts": 1_700_000_000_000u64,
                "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$menu", "key": key}}});
            Raw::<AnySyncTimelineEvent>::from_json_string(v.to_string()).unwrap().deserialize().unwrap()
        };
        let i = handled(map(&reaction("2\u{fe0f}\u{20e3}", "@li:localhost"), &group(), "@bot:localhost"));
        assert_eq!(i.req.text, "2");
        assert_eq!(i.reacts_to.as_ref().map(|e| e.as_str()), Some("$menu"));
        assert!(i.needs_dialogue, "in a group, only for someone answering the bot");
        assert_eq!(i.req.update_key().as_deref(), Some("matrix:$r1"));
        assert!(matches!(map(&reaction("👍", "@li:localhost"), &group(), "@bot:localhost"), Mapped::Ignore(_)));
        assert!(matches!(
            map(&reaction("1\u{fe0f}\u{20e3}", "@bot:localhost"), &group(), "@bot:localhost"),
            Mapped::Ignore(_)
        ));
    }

    #[test]
    fn the_reply_fallback_of_older_clients_is_cut_off() {
        let e = event(
            json!({"msgtype": "m.text", "body": "> <@bot:localhost> How many?\n\n3",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$q"}}}),
            "@li:localhost",
        );
        assert_eq!(handled(map(&e, &group(), "@bot:localhost")).req.text, "3");
    }
}

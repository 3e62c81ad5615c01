//! The command menu (`setMyCommands`): everyone sees the reading commands; each known staff member
//! sees the logging commands too (admins also `/staff`), in a menu scoped to their private chat with
//! the bot. Both in English (no language code) and Chinese (`zh`). Published at start and again after
//! every `/staff` change; a person removed from the staff gets their scoped menu deleted.
//!
//! Telegram's command names are Latin, so the Chinese menu has the English names with Chinese
//! descriptions (the Chinese aliases keep working when typed).

use super::runner::{Shared, send_retrying};
use crate::commands::COMMANDS;
use crate::domain::Role;
use crate::i18n::{Lang, t};
use std::collections::HashMap;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, ChatId, Recipient};

/// The staff menus published by this process (user id → role).
#[derive(Default)]
pub(super) struct Menus {
    published: tokio::sync::Mutex<Option<HashMap<i64, Role>>>,
}

/// Whether a command changes who is staff.
pub(super) fn changes_staff(text: &str) -> bool {
    crate::commands::split_command(text)
        .and_then(|(name, _)| crate::commands::find_command(name))
        .is_some_and(|c| c.name == "staff")
}

/// The menu for a role in a language.
pub fn commands_for(role: Role, lang: Lang) -> Vec<BotCommand> {
    COMMANDS
        .iter()
        .filter(|c| {
            if role == Role::Everyone {
                c.min_role == Role::Everyone && !c.writes && c.name != "cancel"
            } else {
                c.min_role <= role
            }
        })
        .map(|c| {
            let d = t(lang, &format!("help-{}", c.name), &[]);
            // Telegram allows 3 to 256 characters.
            let d: String = d.split(" — ").next().unwrap_or(&d).chars().take(256).collect();
            BotCommand::new(c.name, if d.chars().count() < 3 { format!("/{}", c.name) } else { d })
        })
        .collect()
}

const LANGS: [(Lang, Option<&str>); 2] = [(Lang::En, None), (Lang::Zh, Some("zh"))];

/// Publishes the menus: everyone's, and each staff member's whose role changed since last time.
pub(super) async fn refresh(sh: &Shared) {
    let mut guard = sh.menus.published.lock().await;
    if guard.is_none() {
        for (lang, code) in LANGS {
            let mut req = sh.bot.set_my_commands(commands_for(Role::Everyone, lang));
            if let Some(c) = code {
                req = req.language_code(c);
            }
            if let Err(e) = send_retrying(sh, || req.send_ref()).await {
                log::warn!("setMyCommands (everyone, {}): {}", lang.code(), sh.token.redact(&e.to_string()));
            }
        }
    }
    let core = sh.core.clone();
    let staff = tokio::task::spawn_blocking(move || {
        let mut m: HashMap<i64, Role> = HashMap::new();
        let listed = core.with_store_locked(|s| crate::store::people::list_staff(s.conn()));
        for s in listed.unwrap_or_default() {
            if let Some(id) = telegram_id(s.user.as_str()) {
                m.insert(id, s.role);
            }
        }
        for a in core.config().admin_keys() {
            if let Some(id) = telegram_id(a.as_str()) {
                m.insert(id, Role::Admin);
            }
        }
        m
    })
    .await
    .unwrap_or_default();
    let published = guard.get_or_insert_with(HashMap::new);
    for (id, role) in &staff {
        if published.get(id) == Some(role) {
            continue;
        }
        for (lang, code) in LANGS {
            let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(*id)) };
            let mut req = sh.bot.set_my_commands(commands_for(*role, lang)).scope(scope);
            if let Some(c) = code {
                req = req.language_code(c);
            }
            if let Err(e) = send_retrying(sh, || req.send_ref()).await {
                log::warn!("setMyCommands (staff {id}, {}): {}", lang.code(), sh.token.redact(&e.to_string()));
            }
        }
    }
    let gone: Vec<i64> = published.keys().filter(|id| !staff.contains_key(id)).copied().collect();
    for id in gone {
        for (_, code) in LANGS {
            let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(id)) };
            let mut req = sh.bot.delete_my_commands().scope(scope);
            if let Some(c) = code {
                req = req.language_code(c);
            }
            if let Err(e) = send_retrying(sh, || req.send_ref()).await {
                log::warn!("deleteMyCommands (staff {id}): {}", sh.token.redact(&e.to_string()));
            }
        }
    }
    *published = staff;
}

fn telegram_id(key: &str) -> Option<i64> {
    key.strip_prefix("tg:").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 0)
}

//! The command menu (`setMyCommands`): everyone sees the reading commands; each known staff member
//! sees the logging commands too (admins also `/staff`), in a menu scoped to their private chat with
//! the bot. Both in English (no language code) and Chinese (`zh`). Published at start, every ten
//! minutes and after every `/staff` change; a person removed from the staff gets their scoped menu
//! deleted, also when the removal happened while the bot was not running: the menus published are
//! kept in SQLite (`telegram_menus`). A menu whose request failed is tried again at the next refresh.
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
    let me_id = sh.me.id;
    let res = tokio::task::spawn_blocking(move || {
        let mut m: HashMap<i64, Role> = HashMap::new();
        let listed = core.staff_members();
        let listed = match listed {
            Ok(l) => l,
            Err(e) => {
                // Never taken for "nobody is staff", which would delete every staff menu.
                log::warn!("reading the staff list for the menus: {e}; trying again later");
                return None;
            }
        };
        for s in listed {
            if let Some(id) = telegram_id(s.user.as_str()) {
                m.insert(id, s.role);
            }
        }
        for a in core.config().admin_keys() {
            if let Some(id) = telegram_id(a.as_str()) {
                m.insert(id, Role::Admin);
            }
        }
        let stored = core.published_menus(me_id);
        Some((m, stored))
    })
    .await;
    let Ok(Some((staff, stored))) = res else {
        return;
    };
    // What earlier runs published (and Telegram still shows), on the first refresh of this run.
    let published = guard.get_or_insert_with(|| {
        let stored = stored.unwrap_or_else(|e| {
            log::warn!("reading the published menus: {e}");
            Vec::new()
        });
        stored.into_iter().filter_map(|(id, role)| Some((id, Role::parse(&role)?))).collect()
    });
    for (id, role) in &staff {
        if published.get(id) == Some(role) {
            continue;
        }
        let mut ok = true;
        for (lang, code) in LANGS {
            let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(*id)) };
            let mut req = sh.bot.set_my_commands(commands_for(*role, lang)).scope(scope);
            if let Some(c) = code {
                req = req.language_code(c);
            }
            if let Err(e) = send_retrying(sh, || req.send_ref()).await {
                ok = false;
                log::warn!("setMyCommands (staff {id}, {}): {}", lang.code(), sh.token.redact(&e.to_string()));
            }
        }
        if ok && note(sh, *id, Some(*role)).await {
            published.insert(*id, *role);
        }
    }
    let gone: Vec<i64> = published.keys().filter(|id| !staff.contains_key(id)).copied().collect();
    for id in gone {
        let mut ok = true;
        for (_, code) in LANGS {
            let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(id)) };
            let mut req = sh.bot.delete_my_commands().scope(scope);
            if let Some(c) = code {
                req = req.language_code(c);
            }
            if let Err(e) = send_retrying(sh, || req.send_ref()).await {
                ok = false;
                log::warn!("deleteMyCommands (staff {id}): {}", sh.token.redact(&e.to_string()));
            }
        }
        if ok && note(sh, id, None).await {
            published.remove(&id);
        }
    }
}

/// Records a staff menu published or deleted. False if it could not be recorded (tried again later).
async fn note(sh: &Shared, user_id: i64, role: Option<Role>) -> bool {
    let core = sh.core.clone();
    let me_id = sh.me.id;
    let res = tokio::task::spawn_blocking(move || core.note_published_menu(me_id, user_id, role)).await;
    match res {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            log::warn!("recording the menu of {user_id}: {e}");
            false
        }
        Err(e) => {
            log::warn!("recording the menu of {user_id}: {e}");
            false
        }
    }
}

fn telegram_id(key: &str) -> Option<i64> {
    key.strip_prefix("tg:").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 0)
}

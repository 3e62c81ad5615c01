//! The core: takes a transport-neutral [`Request`], parses the command, checks the person's role,
//! runs it against the store and returns a [`Reply`]. No network types live here, so every behaviour
//! is testable against a real SQLite file without any server.

mod add;
mod admin;
mod chart;
mod digest;
mod export;
mod fields;
pub mod import;
mod logging;
mod reading;
mod reported;
mod resolve;
mod spec;

pub use crate::render::Fmt;
pub use spec::{COMMANDS, CommandSpec, find as find_command, split_command};

use crate::config::Config;
use crate::domain::{Role, UserKey};
use crate::i18n::{Lang, t};
use crate::render::{Outcome, Reply};
use crate::store::{Store, StoreError, WriteOutcome};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where a message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    Private,
    Group,
    Channel,
}

/// One incoming message or button press, as every transport describes it.
#[derive(Clone, Debug)]
pub struct Request {
    /// "console", "telegram", "matrix": part of the idempotency key.
    pub transport: &'static str,
    pub user: UserKey,
    pub user_name: Option<String>,
    /// The client's language code, if it sends one ("en-US", "zh-hans").
    pub lang_hint: Option<String>,
    /// The chat, unique within the transport.
    pub chat: String,
    pub chat_kind: ChatKind,
    pub text: String,
    /// The transport's own update id: the same id never writes twice.
    pub update_id: Option<String>,
    /// The message was forwarded from someone else: it never writes.
    pub forwarded: bool,
}

impl Request {
    /// The local operator typing in the console or `amity ask`.
    pub fn console(text: impl Into<String>) -> Request {
        Request {
            transport: "console",
            user: UserKey::console(),
            user_name: None,
            lang_hint: None,
            chat: "console".into(),
            chat_kind: ChatKind::Private,
            text: text.into(),
            update_id: None,
            forwarded: false,
        }
    }

    pub fn as_user(mut self, user: UserKey) -> Request {
        self.user = user;
        self
    }

    /// The idempotency key of this update ("telegram:42"), when the transport gave an id.
    pub fn update_key(&self) -> Option<String> {
        self.update_id.as_ref().map(|u| format!("{}:{u}", self.transport))
    }
}

/// A clock, replaceable in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An answer as a transport takes it ([`Core::answer`], [`Core::answer_at_hand`]): the reply, whether
/// the asker has a guided dialogue open afterwards, and the language the asker is answered in (for what
/// the transport says around it).
pub struct AtHand {
    pub reply: Arc<Reply>,
    /// The reply is the memo's own copy, shared: the same `Arc` for every asker while the ledger is
    /// unchanged, so a transport may keep what it rendered of it under its address.
    pub memoised: bool,
    pub in_dialogue: bool,
    pub lang: Lang,
}

/// The transport-free bot: configuration, the store, and a clock.
pub struct Core {
    cfg: Config,
    tz: chrono_tz::Tz,
    store: Mutex<Store>,
    /// Set while [`Core::answer_at_hand`] holds the store (for microseconds): another may wait for it.
    quick_hold: AtomicBool,
    clock: Clock,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("tz", &self.tz).finish_non_exhaustive()
    }
}

/// Why a command did not do what was asked. Messages are already in the asker's language.
#[derive(Debug)]
pub enum CmdError {
    Invalid(String),
    /// An error about one field of a form: the field as the form names it (`DATE`, `status`), the
    /// reason alone (`None`: the field is missing), and the error as a chat answers it. An import
    /// names the spreadsheet's column and row instead of the one-line form's usage.
    Field {
        field: String,
        reason: Option<String>,
        error: Box<CmdError>,
    },
    Refused(String),
    /// A prepared answer that is not a success (e.g. "which one did you mean?" with buttons).
    Reply(Reply),
    Store(StoreError),
}

impl From<StoreError> for CmdError {
    fn from(e: StoreError) -> Self {
        CmdError::Store(e)
    }
}

impl From<rusqlite::Error> for CmdError {
    fn from(e: rusqlite::Error) -> Self {
        CmdError::Store(StoreError::Sql(e))
    }
}

impl CmdError {
    /// The error as a chat answers it (a field error's own answer).
    pub fn answer(self) -> CmdError {
        match self {
            CmdError::Field { error, .. } => error.answer(),
            other => other,
        }
    }

    /// Tags an error of a field's parser with the field it is about (a field error keeps its own).
    pub fn about(self, field: &str) -> CmdError {
        match self {
            CmdError::Invalid(m) => CmdError::Field {
                field: field.to_string(),
                reason: Some(m.clone()),
                error: Box::new(CmdError::Invalid(m)),
            },
            CmdError::Reply(r) => CmdError::Field {
                field: field.to_string(),
                reason: Some(r.plain()),
                error: Box::new(CmdError::Reply(r)),
            },
            other => other,
        }
    }
}

pub type CmdResult = Result<Reply, CmdError>;

/// Everything a command handler needs: who asks, in which language, and the store.
pub struct Ctx<'a> {
    pub req: &'a Request,
    /// Formatting in the asker's language (`ctx.lang` reads through it).
    pub f: Fmt,
    pub role: Role,
    pub cfg: &'a Config,
    pub store: &'a mut Store,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    /// Set by the guided dialogue when it saves: the dialogue is cleared in the same transaction as
    /// the entry, so a crash can never leave a saved entry with a dialogue ready to save it again.
    pub finish_dialogue: bool,
}

impl std::ops::Deref for Ctx<'_> {
    type Target = Fmt;
    fn deref(&self) -> &Fmt {
        &self.f
    }
}

impl std::ops::DerefMut for Ctx<'_> {
    fn deref_mut(&mut self) -> &mut Fmt {
        &mut self.f
    }
}

impl Ctx<'_> {
    /// A message in the asker's language.
    pub fn t(&self, id: &str, args: &[(&str, String)]) -> String {
        t(self.lang, id, args)
    }

    pub fn invalid(&self, id: &str, args: &[(&str, String)]) -> CmdError {
        CmdError::Invalid(self.t(id, args))
    }

    /// The chat, unique across transports (also the dialogue key's chat: see `dialogue_open_in`).
    pub fn chat_key(&self) -> String {
        chat_key(self.req)
    }

    pub fn staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Whether answers may include internal records: staff, in a private chat. In a group everyone
    /// reads the answer, so a staff member's question there gets the public figures.
    pub fn sees_internal(&self) -> bool {
        self.staff() && self.req.chat_kind == ChatKind::Private
    }

    pub fn actor(&self) -> &str {
        self.req.user.as_str()
    }

    /// Runs a write in one transaction, recording the update id so a redelivery writes nothing.
    /// `f` returns the reply; its plain text is stored for redeliveries.
    pub fn write(&mut self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<Reply, CmdError>) -> CmdResult {
        let key = self.req.update_key();
        let finish = self.finish_dialogue.then(|| (self.chat_key(), self.req.user.as_str().to_string()));
        let out = self.store.write(key.as_deref(), |tx| {
            let reply = f(tx)?;
            if let (Some((chat, user)), Outcome::Done) = (&finish, reply.outcome) {
                crate::store::dialogues::clear(tx, chat, user)?;
            }
            if reply.outcome != Outcome::Done {
                // Refusals and errors found inside the transaction roll it back.
                return Err(CmdError::Reply(reply));
            }
            let text = reply.plain();
            Ok((reply, text))
        })?;
        Ok(match out {
            WriteOutcome::Done(reply, _) => reply,
            WriteOutcome::Duplicate(text) => {
                let mut r = Reply::text(text);
                r.duplicate = true;
                r
            }
        })
    }
}

impl Core {
    /// Opens the database named in the config (creating and migrating it).
    pub fn open(cfg: Config) -> anyhow::Result<Core> {
        let store = Store::open(&cfg.database.path)?;
        Core::with_store(cfg, store)
    }

    pub fn with_store(cfg: Config, mut store: Store) -> anyhow::Result<Core> {
        cfg.check()?;
        crate::digest::spec::specs(&cfg)?;
        store.set_update_retention(cfg.database.keep_update_ids_hours);
        let tz = cfg.tz()?;
        Ok(Core { cfg, tz, store: Mutex::new(store), quick_hold: AtomicBool::new(false), clock: Arc::new(Utc::now) })
    }

    /// Claims the database for `amity serve` for as long as the value lives: a second `serve`, or an
    /// `amity restore`, on the same database is refused meanwhile (see `store::ServeLock`).
    pub fn hold_for_serving(&self) -> Result<crate::store::ServeLock, String> {
        crate::store::ServeLock::take(&self.cfg.database.path)
    }

    /// Copies the database into `dir` (SQLite online backup, checked), then deletes the oldest copies
    /// there beyond `keep`. Says what it did.
    pub fn backup_into(&self, dir: &std::path::Path, keep: u32) -> Result<String, String> {
        crate::store::backups::backup_into(&self.cfg.database.path, dir, keep)
    }

    /// Replaces the clock (tests).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Runs `f` with the store locked (for tools such as benchmarks and exports).
    pub fn with_store_locked<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Now, by the core's clock (the one `set_clock` replaces): what `/digest send` and the running
    /// digest scheduler agree on.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The office's calendar date now.
    pub fn today(&self) -> NaiveDate {
        (self.clock)().with_timezone(&self.tz).date_naive()
    }

    /// Answers one request. Never panics on user input; store failures are logged and answered with a
    /// short apology that says nothing was saved.
    pub fn handle(&self, req: &Request) -> Reply {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        // One read transaction for the whole command (see `Store::pinned`).
        guard.pinned(|store| self.handle_pinned(store, req))
    }

    /// [`Core::answer`] when the answer is at hand: a reading command whose whole answer is memoised,
    /// with the store free this moment. None otherwise, with nothing done: the caller then runs
    /// `answer` off its async threads. This look-up takes microseconds, so an async transport may call
    /// it on its own thread and spare the hand-off to a blocking one (measured in the README's
    /// Telegram load: the hand-off cost more than the answer).
    pub fn answer_at_hand(&self, req: &Request) -> Option<AtHand> {
        // Never waits for a command, which may take long. Another memoised answer holds the store for
        // microseconds (with two threads answering, that was 15 % of these calls), so that one is
        // waited for, spinning a moment, rather than handing this answer to a blocking thread.
        let mut spins = 0;
        let mut guard = loop {
            match self.store.try_lock() {
                Ok(g) => break g,
                Err(std::sync::TryLockError::WouldBlock)
                    if spins < AT_HAND_SPINS && self.quick_hold.load(Ordering::Acquire) =>
                {
                    spins += 1;
                    std::hint::spin_loop();
                }
                Err(_) => return None,
            }
        };
        /// Clears the flag when the look-up ends, a panic included.
        struct Quick<'a>(&'a AtomicBool);
        impl Drop for Quick<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        self.quick_hold.store(true, Ordering::Release);
        let quick = Quick(&self.quick_hold);
        let r = guard.pinned(|store| self.memoised_in(store, req));
        // The store first: whoever waits for it sees the flag until it is free.
        drop(guard);
        drop(quick);
        r
    }

    /// [`Core::handle`] as a chat transport takes it: the reply, whether the asker has a guided dialogue
    /// open afterwards (a transport retires the buttons of a question no longer asked), and the language
    /// the asker is answered in, all read in one lock and read transaction; a memoised answer comes as
    /// the memo's shared copy (see [`AtHand::memoised`]).
    pub fn answer(&self, req: &Request) -> AtHand {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        guard.pinned(|store| {
            if let Some(a) = self.memoised_in(store, req) {
                return a;
            }
            let reply = Arc::new(self.handle_pinned(store, req));
            // Read after the command, which may have changed them (`/lang`, a dialogue ended).
            AtHand { reply, memoised: false, in_dialogue: dialogue_open_in(store, req), lang: self.lang_of(store, req) }
        })
    }

    /// The memoised answer to `req`, if it is one already kept and nothing else must be done first.
    fn memoised_in(&self, store: &mut Store, req: &Request) -> Option<AtHand> {
        if req.text.len() > MAX_INPUT {
            return None;
        }
        let now = (self.clock)();
        if let Some(key) = req.update_key() {
            // A stored answer of a redelivered update is `handle_pinned`'s to give.
            match crate::store::at_time(now, || store.processed_reply(&key)) {
                Ok(None) => {}
                _ => return None,
            }
        }
        let mut ctx = self.ctx(store, req, now);
        let lang = ctx.lang;
        let reply = crate::store::at_time(now, || spec::memoised(&mut ctx)).ok().flatten()?;
        // Memoised with its buttons already in the reader's language (`spec::dispatch`).
        Some(AtHand { reply, memoised: true, in_dialogue: dialogue_open_in(store, req), lang })
    }

    /// The language `req` is answered in (see `lang_of`: the person's choice, the command's name, the
    /// dialogue's, the client's, the office's). For what a transport says itself (an apology, a prompt
    /// to pick a number).
    pub fn lang(&self, req: &Request) -> Lang {
        self.with_store_locked(|s| self.lang_of(s, req))
    }

    /// Whether the asker of `req` has a guided dialogue open in its chat.
    pub fn dialogue_open(&self, req: &Request) -> bool {
        self.with_store_locked(|s| dialogue_open_in(s, req))
    }

    // ---- A transport's own bookkeeping, kept in the store beside the ledger (never part of it: these
    // writes do not empty the answer memo, and are relaxed like the inbox's, see `Store::bookkeeping`).

    /// Keeps long button data under short keys (Telegram's `callback_data` holds 64 bytes).
    pub fn keep_button_data(&self, pairs: &[(String, String)]) -> Result<(), StoreError> {
        self.with_store_locked(|s| {
            s.bookkeeping(|c| pairs.iter().try_for_each(|(k, d)| crate::store::telegram::put_button(c, k, d)))
        })
    }

    /// The button data kept under `key`, if it is still kept.
    pub fn button_data(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.with_store_locked(|s| crate::store::telegram::button(s.conn(), key))
    }

    /// Forgets button data kept before `before` (RFC 3339), at most `limit`; returns how many went.
    pub fn prune_button_data(&self, before: &str, limit: usize) -> Result<usize, StoreError> {
        self.with_store_locked(|s| s.bookkeeping(|c| crate::store::telegram::prune_buttons(c, before, limit)))
    }

    /// The per-person menus a bot account has published: user id → role.
    pub fn published_menus(&self, account: i64) -> Result<Vec<(i64, String)>, StoreError> {
        self.with_store_locked(|s| crate::store::telegram::menus(s.conn(), account))
    }

    /// Notes a per-person menu published (`Some(role)`) or deleted (`None`); synced at commit.
    pub fn note_published_menu(&self, account: i64, user: i64, role: Option<Role>) -> Result<(), StoreError> {
        self.with_store_locked(|s| {
            s.untracked(|c| crate::store::telegram::set_menu(c, account, user, role.map(Role::as_str)))
        })
    }

    /// The staff list (user, role, name), for a transport that publishes per-person menus.
    pub fn staff_members(&self) -> Result<Vec<crate::store::people::StaffMember>, StoreError> {
        self.with_store_locked(|s| crate::store::people::list_staff(s.conn()))
    }

    fn handle_pinned(&self, store: &mut Store, req: &Request) -> Reply {
        // A redelivered update that already wrote gets the reply it got then, before anything is
        // parsed or checked against a ledger it has since changed ("already deleted", or an /undo
        // that would take back one change more). The write re-checks the key in its transaction.
        let now = (self.clock)();
        if let Some(key) = req.update_key() {
            // By the core's clock, which recorded the key (the retention counts from then).
            match crate::store::at_time(now, || store.processed_reply(&key)) {
                Ok(Some(text)) => {
                    let mut r = Reply::text(text);
                    r.duplicate = true;
                    return r;
                }
                Ok(None) => {}
                Err(e) => log::error!("reading processed update {key}: {e}"),
            }
        }
        let mut ctx = self.ctx(store, req, now);
        let lang = ctx.lang;
        let result = if req.text.len() > MAX_INPUT {
            Err(ctx.invalid("err-too-long", &[("max", MAX_INPUT.to_string())]))
        } else {
            crate::store::at_time(now, || spec::dispatch(&mut ctx))
        };
        spec::buttons_in_language(result.unwrap_or_else(|e| error_reply(lang, req, e)), lang)
    }

    /// The context a command of `req` runs in, at `now`.
    fn ctx<'a>(&'a self, store: &'a mut Store, req: &'a Request, now: DateTime<Utc>) -> Ctx<'a> {
        let role = self.role_of(store, &req.user);
        let lang = self.lang_of(store, req);
        Ctx {
            req,
            f: Fmt { lang },
            role,
            cfg: &self.cfg,
            store,
            now,
            today: now.with_timezone(&self.tz).date_naive(),
            finish_dialogue: false,
        }
    }

    /// `amity export`: the files `/export ARGS` gives, written into `dir` (CSV streamed to the disk
    /// whatever its size); the reply, and the files written (a workbook comes as the reply's
    /// attachment, for the caller to save).
    pub fn export_to_dir(&self, req: &Request, args: &str, dir: &std::path::Path) -> (Reply, Vec<std::path::PathBuf>) {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let now = (self.clock)();
        guard.pinned(|store| {
            let mut ctx = self.ctx(store, req, now);
            let lang = ctx.lang;
            crate::store::at_time(now, || export::export_to_dir(&mut ctx, args, dir))
                .unwrap_or_else(|e| (error_reply(lang, req, e), Vec::new()))
        })
    }

    /// Why a file sent in `req`'s chat would not be taken (the chat, the sender's role, its name or its
    /// size), answered before the transport downloads it; None when it may be.
    pub fn file_refusal(&self, req: &Request, file_name: &str, size: Option<u64>) -> Option<Reply> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let now = (self.clock)();
        let ctx = self.ctx(&mut guard, req, now);
        let lang = ctx.lang;
        import::upload::refusal(&ctx, file_name, size).map(|e| error_reply(lang, req, e))
    }

    /// A spreadsheet sent in `req`'s chat (its caption is `req.text`): the import's dry-run report and,
    /// when it can be imported, the Import / Cancel card (see [`import::upload`]).
    pub fn receive_file(&self, req: &Request, file_name: &str, bytes: &[u8]) -> Reply {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let now = (self.clock)();
        let mut ctx = self.ctx(&mut guard, req, now);
        let lang = ctx.lang;
        let reply = crate::store::at_time(now, || import::upload::receive(&mut ctx, file_name, bytes))
            .unwrap_or_else(|e| error_reply(lang, req, e));
        spec::buttons_in_language(reply, lang)
    }

    /// What the sender of a file is told when the transport could not fetch it from the network.
    pub fn file_unavailable(&self, req: &Request, file_name: &str) -> Reply {
        let lang = self.lang(req);
        Reply::invalid(t(lang, "upload-unavailable", &[("file", file_name.to_string())]))
    }

    /// What the asker is told when a file of the answer (an `/export`, a chart) is larger than the
    /// chat network accepts (`limit` bytes, when the network says), so the transport did not send it.
    pub fn file_too_large(&self, req: &Request, file_name: &str, size: u64, limit: Option<u64>) -> Reply {
        let lang = self.lang(req);
        let mut args = vec![("file", file_name.to_string()), ("size", import::upload::mebibytes_up(size))];
        let id = match limit {
            Some(max) => {
                args.push(("max", import::upload::mebibytes(max)));
                "file-too-large"
            }
            None => "file-refused-too-large",
        };
        Reply::invalid(t(lang, id, &args))
    }

    /// Imports a spreadsheet as `req`'s asker (staff only): every row or none (see [`import`]).
    /// `progress` hears how far each table has been read. The summary is `None` when the file could
    /// not be read at all (the reply says why).
    pub fn import(
        &self,
        req: &Request,
        source: import::Source<'_>,
        file_name: &str,
        opts: &import::Options,
        progress: &mut dyn FnMut(&str, import::Progress),
    ) -> (Reply, Option<import::Summary>) {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let now = (self.clock)();
        let mut ctx = self.ctx(&mut guard, req, now);
        let lang = ctx.lang;
        match crate::store::at_time(now, || import::import(&mut ctx, source, file_name, opts, progress)) {
            Ok((reply, summary)) => (reply, Some(summary)),
            Err(e) => (error_reply(lang, req, e), None),
        }
    }

    fn role_of(&self, store: &Store, user: &UserKey) -> Role {
        if *user == UserKey::console() || self.cfg.admin_keys().contains(user) {
            return Role::Admin;
        }
        match crate::store::people::role_of(store.conn(), user) {
            Ok(Some(r)) => r,
            Ok(None) => Role::Everyone,
            Err(e) => {
                log::error!("reading role of {user}: {e}");
                Role::Everyone
            }
        }
    }

    /// The person's choice (`/lang`); else the language the command was typed in (`/捐赠` is
    /// Chinese; English names say nothing); else the language of the guided dialogue the person has
    /// open in this chat (its answers, typed or pressed, are plain text); else their client's; else
    /// the office's default.
    fn lang_of(&self, store: &Store, req: &Request) -> Lang {
        crate::store::people::lang_of(store.conn(), &req.user)
            .ok()
            .flatten()
            .and_then(|l| Lang::parse(&l))
            .or_else(|| spec::typed_language(&req.text))
            .or_else(|| add::dialogue_lang(store, &chat_key(req), req.user.as_str()))
            .or_else(|| req.lang_hint.as_deref().and_then(Lang::parse))
            .or_else(|| Lang::parse(&self.cfg.office.default_language))
            .unwrap_or(Lang::En)
    }
}

/// A command's error as the reply the asker gets: store failures are logged and answered with a
/// short apology that says nothing was saved.
fn error_reply(lang: Lang, req: &Request, e: CmdError) -> Reply {
    match e.answer() {
        CmdError::Invalid(m) => Reply::invalid(m),
        CmdError::Field { .. } => unreachable!("answer() unwraps field errors"),
        CmdError::Refused(m) => Reply::refused(m),
        CmdError::Reply(mut r) => {
            if r.outcome == Outcome::Done {
                r.outcome = Outcome::Invalid;
            }
            r
        }
        CmdError::Store(StoreError::TotalTooLarge) => Reply::invalid(t(lang, "err-ledger-full", &[])),
        CmdError::Store(e) => {
            log::error!("store error for {}: {e}", req.user);
            let mut r = Reply::text(t(lang, "err-internal", &[]));
            r.outcome = Outcome::Invalid;
            r
        }
    }
}

/// The chat, unique across transports: the dialogue key's chat (with the user).
fn chat_key(req: &Request) -> String {
    format!("{}:{}", req.transport, req.chat)
}

/// The dialogue key is the chat's and the user's: one place builds it.
fn dialogue_open_in(store: &Store, req: &Request) -> bool {
    crate::store::dialogues::load(store.conn(), &chat_key(req), req.user.as_str()).is_ok_and(|d| d.is_some())
}

/// How many times [`Core::answer_at_hand`] tries again for a store another memoised answer holds
/// (a few tens of microseconds of `spin_loop`) before it leaves the answer to a blocking thread.
const AT_HAND_SPINS: u32 = 2_000;

/// Longest message accepted (bytes). Longer input is refused before any parsing.
pub const MAX_INPUT: usize = 16 * 1024;

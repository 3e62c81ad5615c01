//! The helpers every module of the integration tests shares: a real `Core` over a real SQLite file in a
//! temp directory, a settable clock, shortcuts for asking as the console admin, as staff or as a
//! stranger, and the real `amity` binary. Every reply that passes through here is checked to be
//! non-empty and free of missing Fluent messages.

use amity::domain::UserKey;
use amity::render::{Outcome, Reply};
use amity::{ChatKind, Config, Core, Request};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The id the tests make staff.
pub const STAFF: &str = "123456789";
/// A second staff member.
pub const STAFF2: &str = "555000111";
/// Someone who is not on the staff list.
pub const STRANGER: &str = "987654321";

/// Tables whose rows a refused or malformed command must never change.
pub const TABLES: &[&str] = &[
    "partners",
    "partner_names",
    "donations",
    "donation_recipients",
    "donation_items",
    "letters",
    "letter_partners",
    "events",
    "event_participants",
    "receptions",
    "reception_countries",
    "reported",
    "rates",
    "staff",
    "changes",
    "processed_updates",
];

pub struct Bot {
    pub core: Core,
    pub db: PathBuf,
    clock: Arc<Mutex<DateTime<Utc>>>,
    _dir: tempfile::TempDir,
}

/// The real `amity` binary, as a developer's shell or an admin runs it: backtraces asked for (a user's
/// mistake must still be one line, never a stack trace) and no token or webhook secret inherited from
/// the environment.
pub fn amity() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_amity"));
    c.env("RUST_BACKTRACE", "1").env_remove("TELOXIDE_TOKEN").env_remove("AMITY_WEBHOOK_SECRET");
    c
}

/// A local time in Shanghai.
pub fn sh(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

/// Noon in Shanghai on 2020-07-01: after every record of the seed article.
pub fn default_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 7, 1, 4, 0, 0).unwrap()
}

pub fn spawn_core() -> Bot {
    spawn_with(|_| {})
}

pub fn spawn_with(f: impl FnOnce(&mut Config)) -> Bot {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("amity.db");
    let mut cfg = Config::default();
    cfg.database.path = db.clone();
    f(&mut cfg);
    let mut core = Core::open(cfg).expect("core opens");
    let clock = Arc::new(Mutex::new(default_now()));
    let c = clock.clone();
    core.set_clock(Arc::new(move || *c.lock().unwrap()));
    Bot { core, db, clock, _dir: dir }
}

/// A core with the seed article's records logged through the commands.
pub fn seeded() -> Bot {
    let bot = spawn_core();
    bot.load_seed();
    bot
}

pub fn user(id: &str) -> UserKey {
    UserKey::parse(id).expect("user id")
}

pub fn req(text: &str) -> Request {
    Request::console(text)
}

pub fn req_as(id: &str, text: &str) -> Request {
    Request::console(text).as_user(user(id))
}

/// Checks every reply: not empty, no missing message (rendered as ⟨id⟩).
pub fn check_reply(text: &str, r: &Reply) {
    let plain = r.plain();
    assert!(!plain.trim().is_empty(), "empty reply to {text:?}");
    assert!(!plain.contains('⟨'), "missing Fluent message in the reply to {text:?}:\n{plain}");
}

/// A malformed command's reply: a reason and a correct example or the form.
pub fn assert_explains(text: &str, plain: &str) {
    let has_example = ["Example", "例如", "Form:", "格式", "e.g.", "/partner add"].iter().any(|w| plain.contains(w));
    assert!(has_example, "no example or form in the reply to {text:?}:\n{plain}");
    assert!(!plain.contains("panicked") && !plain.contains("Error("), "internal detail leaked:\n{plain}");
}

impl Bot {
    pub fn send(&self, r: &Request) -> Reply {
        let reply = self.core.handle(r);
        check_reply(&r.text, &reply);
        reply
    }

    pub fn ask(&self, text: &str) -> Reply {
        self.send(&req(text))
    }

    pub fn ask_as(&self, id: &str, text: &str) -> Reply {
        self.send(&req_as(id, text))
    }

    /// Asks as the console admin and expects success; returns the plain text.
    pub fn ok(&self, text: &str) -> String {
        let r = self.ask(text);
        assert_eq!(r.outcome, Outcome::Done, "{text:?} was not done:\n{}", r.plain());
        r.plain()
    }

    pub fn ok_as(&self, id: &str, text: &str) -> String {
        let r = self.ask_as(id, text);
        assert_eq!(r.outcome, Outcome::Done, "{text:?} (as {id}) was not done:\n{}", r.plain());
        r.plain()
    }

    /// Asks as the console admin and expects a malformed-command answer that writes nothing.
    pub fn invalid(&self, text: &str) -> String {
        self.invalid_as_req(&req(text))
    }

    pub fn invalid_as(&self, id: &str, text: &str) -> String {
        self.invalid_as_req(&req_as(id, text))
    }

    pub fn invalid_as_req(&self, r: &Request) -> String {
        let before = self.counts();
        let reply = self.send(r);
        let plain = reply.plain();
        assert_eq!(reply.outcome, Outcome::Invalid, "{:?} was not refused as malformed:\n{plain}", r.text);
        assert_eq!(before, self.counts(), "{:?} wrote to the database although refused:\n{plain}", r.text);
        plain
    }

    /// Expects a refusal (role, chat kind, forwarded) that writes nothing.
    pub fn refused_req(&self, r: &Request) -> String {
        let before = self.counts();
        let reply = self.send(r);
        let plain = reply.plain();
        assert_eq!(reply.outcome, Outcome::Refused, "{:?} was not refused:\n{plain}", r.text);
        assert_eq!(before, self.counts(), "{:?} wrote to the database although refused:\n{plain}", r.text);
        plain
    }

    pub fn refused_as(&self, id: &str, text: &str) -> String {
        self.refused_req(&req_as(id, text))
    }

    /// A new core over the same file, as after a restart.
    pub fn reopened(&self) -> Core {
        let mut cfg = Config::default();
        cfg.database.path = self.db.clone();
        Core::open(cfg).expect("reopen")
    }

    pub fn make_staff(&self, id: &str) {
        self.ok(&format!("/staff add {id} staff"));
    }

    pub fn load_seed(&self) {
        for line in amity::demo::commands(amity::demo::SEED_SCRIPT) {
            let r = self.ask(line);
            assert_eq!(r.outcome, Outcome::Done, "seed line failed: {line}\n{}", r.plain());
        }
    }

    /// A separate connection to the same file, as an auditor would open it.
    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open db")
    }

    /// Row counts of every ledger table.
    pub fn counts(&self) -> BTreeMap<&'static str, i64> {
        let c = self.conn();
        TABLES
            .iter()
            .map(|t| (*t, c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap()))
            .collect()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.clock.lock().unwrap()
    }

    pub fn set_now(&self, t: DateTime<Utc>) {
        *self.clock.lock().unwrap() = t;
    }

    pub fn advance(&self, d: Duration) {
        let mut c = self.clock.lock().unwrap();
        *c += d;
    }
}

/// A request from a group chat.
pub fn in_group(mut r: Request) -> Request {
    r.chat_kind = ChatKind::Group;
    r.chat = "group-1".into();
    r
}

/// A forwarded message.
pub fn forwarded(mut r: Request) -> Request {
    r.forwarded = true;
    r
}

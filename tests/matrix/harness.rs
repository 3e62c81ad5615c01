//! The test's homeserver (Synapse through `scripts/synapse run`), its users, the bot process, and
//! the human side (matrix-sdk clients with a sync task each that keeps every event they see).

use matrix_sdk::config::{RequestConfig, SyncSettings};
use matrix_sdk::ruma::api::client::room::Visibility;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, UserId};
use matrix_sdk::{Client, Room};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// A reply takes about a second; deadlines leave room for a loaded machine.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The checkout, read when the test runs (cargo sets it for `cargo test`): a test binary built in
/// another clone sharing the target directory must not run that clone's scripts.
fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A Synapse of its own, in a temp dir. Stopped (SIGTERM) when dropped, and killed with the test
/// process if that dies first.
pub struct Synapse {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Mutex<Option<Child>>,
}

impl Synapse {
    pub fn start() -> Synapse {
        let s = Synapse { port: free_port(), dir: tempfile::tempdir().unwrap(), child: Mutex::new(None) };
        s.restart();
        s
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts it (again, on the same database) and waits until it answers.
    pub fn restart(&self) {
        let (dir, port) = (self.dir.path().to_path_buf(), self.port);
        // Spawned from a thread that lives as long as the process: the child gets SIGTERM when the
        // spawning thread ends (PR_SET_PDEATHSIG), so a test run that dies leaves no Synapse behind.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::os::unix::process::CommandExt;
            let log = std::fs::File::create(dir.join("stdout.log")).unwrap();
            let mut cmd = Command::new(repo().join("scripts/synapse"));
            cmd.arg("run")
                .arg(&dir)
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log);
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    Ok(())
                });
            }
            let child = cmd.spawn().expect("scripts/synapse run starts (run `scripts/synapse install` first)");
            tx.send(child).unwrap();
            loop {
                std::thread::park();
            }
        });
        let child = rx.recv().unwrap();
        *self.child.lock().unwrap() = Some(child);
        let started = Instant::now();
        while !self.answers() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Synapse did not start; see {}",
                self.dir.path().display()
            );
            if let Some(c) = self.child.lock().unwrap().as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                let log = std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default();
                panic!("Synapse exited ({status}) at start:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops it (SIGTERM) and waits for the process.
    pub fn stop(&self) {
        if let Some(mut c) = self.child.lock().unwrap().take() {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            let _ = c.wait();
        }
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(b"GET /_matrix/client/versions HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
            return false;
        }
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf.starts_with("HTTP/1.1 200") || buf.starts_with("HTTP/1.0 200")
    }

    /// Registers a user with a unique name (`{name}-{n}`); returns its id and password.
    pub async fn register(&self, name: &str) -> (OwnedUserId, String) {
        let (id, password, _) = self.register_with_token(name).await;
        (id, password)
    }

    /// Registers a user; returns its id, password and an access token.
    pub async fn register_with_token(&self, name: &str) -> (OwnedUserId, String, String) {
        static N: AtomicU32 = AtomicU32::new(0);
        let local = format!("{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let password = format!("pw-{local}");
        let r = reqwest::Client::new()
            .post(format!("{}/_matrix/client/v3/register", self.url()))
            .json(&json!({"username": local, "password": password, "auth": {"type": "m.login.dummy"}}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "register {local}: {status} {v}");
        let token = v["access_token"].as_str().unwrap_or_default().to_string();
        (UserId::parse(v["user_id"].as_str().unwrap()).unwrap(), password, token)
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The homeserver most tests share (each with users of its own).
pub static SHARED: LazyLock<Synapse> = LazyLock::new(Synapse::start);

/// A person on the homeserver: a matrix-sdk client (with its own crypto store) and every event it
/// has seen, kept by a sync task.
pub struct Human {
    pub client: Client,
    pub id: OwnedUserId,
    seen: Arc<Mutex<Vec<(OwnedRoomId, Value)>>>,
    _dir: tempfile::TempDir,
    sync: tokio::task::JoinHandle<()>,
}

impl Drop for Human {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

impl Human {
    pub async fn new(hs: &Synapse, name: &str) -> Human {
        let (id, password) = hs.register(name).await;
        let dir = tempfile::tempdir().unwrap();
        let client = Client::builder()
            .homeserver_url(hs.url())
            .sqlite_store(dir.path(), None)
            .request_config(RequestConfig::short_retry())
            .build()
            .await
            .unwrap();
        client.matrix_auth().login_username(id.as_str(), &password).send().await.unwrap();
        let seen: Arc<Mutex<Vec<(OwnedRoomId, Value)>>> = Arc::default();
        let (c, s) = (client.clone(), seen.clone());
        let sync = tokio::spawn(async move {
            loop {
                match c.sync_once(SyncSettings::default().timeout(Duration::from_millis(500))).await {
                    Ok(resp) => {
                        let mut seen = s.lock().unwrap();
                        for (room, update) in resp.rooms.joined {
                            for te in update.timeline.events {
                                if let Ok(mut v) = serde_json::from_str::<Value>(te.raw().json().get()) {
                                    // Whether it reached this client encrypted (and was decrypted here).
                                    v["_encrypted"] = Value::Bool(te.encryption_info().is_some());
                                    seen.push((room.clone(), v));
                                }
                            }
                        }
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
        });
        Human { client, id, seen, _dir: dir, sync }
    }

    /// A room with `invite` in it, unencrypted or encrypted.
    pub async fn room(&self, invite: &[&UserId], encrypted: bool) -> Room {
        let mut req = CreateRoom::new();
        req.invite = invite.iter().map(|u| u.to_owned().to_owned()).collect();
        req.visibility = Visibility::Private;
        req.preset = Some(matrix_sdk::ruma::api::client::room::create_room::v3::RoomPreset::PrivateChat);
        if encrypted {
            let ev =
                matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent::with_recommended_defaults();
            req.initial_state =
                vec![matrix_sdk::ruma::events::InitialStateEvent::with_empty_state_key(ev).to_raw_any()];
        }
        let room = self.client.create_room(req).await.unwrap();
        // The creator's own client must know the room before sending in it.
        self.until("the new room is known", || self.client.get_room(room.room_id()).is_some()).await;
        room
    }

    /// Waits until `user` has joined `room` (as this client sees it).
    pub async fn until_joined(&self, room: &Room, user: &UserId) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Ok(Some(m)) = room.get_member_no_sync(user).await
                && *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Join
            {
                return;
            }
            assert!(Instant::now() < deadline, "{user} never joined {}", room.room_id());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The membership of `user` in `room` as the server has it (`join`, `invite`, `leave`, …).
    pub async fn membership(&self, room: &Room, user: &UserId) -> Option<String> {
        room.get_member_no_sync(user).await.ok().flatten().map(|m| m.membership().to_string())
    }

    /// Sends a text message; returns its event id.
    pub async fn say(&self, room: &Room, text: &str) -> OwnedEventId {
        let room = self.client.get_room(room.room_id()).unwrap();
        room.send(RoomMessageEventContent::text_plain(text)).await.unwrap().response.event_id
    }

    /// Reacts to `event` with `key` (an emoji), as a client's reaction button does.
    pub async fn react(&self, room: &Room, event: &str, key: &str) {
        use matrix_sdk::ruma::events::reaction::ReactionEventContent;
        use matrix_sdk::ruma::events::relation::Annotation;
        let room = self.client.get_room(room.room_id()).unwrap();
        let target = matrix_sdk::ruma::EventId::parse(event).unwrap();
        room.send(ReactionEventContent::new(Annotation::new(target, key.to_string()))).await.unwrap();
    }

    /// Every event from `sender` in `room` seen so far.
    pub fn from(&self, room: &Room, sender: &UserId) -> Vec<Value> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(r, v)| r == room.room_id() && v["sender"] == sender.as_str())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The answers (notices in reply) to `event` from `sender`, once at least one has arrived.
    pub async fn answer_to(&self, room: &Room, sender: &UserId, event: &OwnedEventId) -> Vec<Value> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let found: Vec<Value> = self
                .from(room, sender)
                .into_iter()
                .filter(|v| in_reply_to(v).as_deref() == Some(event.as_str()))
                .collect();
            if !found.is_empty() {
                return found;
            }
            assert!(Instant::now() < deadline, "no answer to {event} from {sender}; saw {:?}", self.from(room, sender));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn until(&self, what: &str, mut f: impl FnMut() -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !f() {
            assert!(Instant::now() < deadline, "timed out waiting for: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The event an answer replies to.
pub fn in_reply_to(v: &Value) -> Option<String> {
    v["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str().map(str::to_string)
}

pub fn body(v: &Value) -> String {
    v["content"]["body"].as_str().unwrap_or_default().to_string()
}

pub fn html(v: &Value) -> String {
    v["content"]["formatted_body"].as_str().unwrap_or_default().to_string()
}

/// The bot: its account, config and database, and the `amity serve` process when running.
pub struct Bot {
    pub id: OwnedUserId,
    password: String,
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
    child: Option<Child>,
    runs: u32,
}

impl Bot {
    /// A bot account on `hs`, with `admin` as its first admin and `extra` appended to `[matrix]`.
    pub async fn new(hs: &Synapse, admin: &UserId, extra: &str) -> Bot {
        let (id, password) = hs.register("amity").await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("amity.db");
        let config = dir.path().join("amity.toml");
        std::fs::write(
            &config,
            format!(
                "[database]\npath = {db:?}\n[access]\nadmins = [{admin:?}]\n[matrix]\nhomeserver = {url:?}\nuser = {id:?}\nsync_timeout_secs = 5\nmax_backoff_secs = 2\nundecryptable_wait_secs = 5\n{extra}\n",
                db = db.to_str().unwrap(),
                admin = admin.as_str(),
                url = hs.url(),
                id = id.as_str(),
            ),
        )
        .unwrap();
        Bot { id, password, dir, db, config, child: None, runs: 0 }
    }

    /// Adds lines at the end of the config (a `[[digest]]` table naming a room made meanwhile).
    pub fn append_config(&self, text: &str) {
        let mut cfg = std::fs::read_to_string(&self.config).unwrap();
        cfg.push_str(text);
        std::fs::write(&self.config, cfg).unwrap();
    }

    /// Starts `amity serve` (its log in `serve-N.log`).
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.runs += 1;
        let log = std::fs::File::create(self.dir.path().join(format!("serve-{}.log", self.runs))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["serve", "--config", self.config.to_str().unwrap()])
            .env("AMITY_MATRIX_PASSWORD", &self.password)
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("AMITY_MATRIX_HOMESERVER")
            .env_remove("AMITY_MATRIX_USER")
            .env("RUST_LOG", std::env::var("AMITY_TEST_LOG").unwrap_or_else(|_| "info".into()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("amity serve starts");
        self.child = Some(child);
    }

    /// The `amity serve` process, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGTERM, and waits for the process to finish what it holds.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            let st = c.wait().unwrap();
            assert!(st.success(), "amity serve exited with {st}; log:\n{}", self.log());
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    /// Every log of this bot so far.
    pub fn log(&self) -> String {
        (1..=self.runs)
            .map(|n| std::fs::read_to_string(self.dir.path().join(format!("serve-{n}.log"))).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n--- restart ---\n")
    }

    pub fn count(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(&self.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// [`Bot::count`] once it reaches `at_least`, waiting for it up to a deadline (the inbox notes an
    /// answer in its next transaction, just after the answer went out).
    pub async fn count_reaching(&self, sql: &str, at_least: i64) -> i64 {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let n = self.count(sql);
            if n >= at_least || std::time::Instant::now() > deadline {
                return n;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

//! Load benchmark of the Matrix transport (a benchmark, not a test: it prints figures, asserts none).
//!
//! A real Synapse on 127.0.0.1 (`scripts/synapse run`, rate limits lifted) and, on it, N users in M
//! unencrypted rooms with the bot. Each room has one command in flight: the room's next user speaks
//! when the answer to the previous one arrived (a closed loop, for `BENCH_SECS`). The users send with
//! plain client-server API calls; one observer in every room long-polls `/sync` and timestamps each
//! answer as it arrives, so a latency is from the send to the answer reaching a client. Each bot runs
//! in a process of its own, and its peak memory is read from that process's `/proc/PID/status`:
//! - `echo`: a minimal matrix-sdk bot (`Client::sync` with one event handler that answers every text
//!   message with a notice in reply, joining rooms it is invited to): the framework's floor;
//! - `echo-loop`: the same bot syncing in its own loop over `sync_once`, as amity does (`Client::sync`
//!   waits a second from one sync's start to the next, which is most of `echo`'s latency);
//! - `amity`: the real `amity serve` binary answering `!totals` over `AMITY_BENCH_DB` (e.g. the
//!   1,000,000-donation file `cargo run --release --example gen_bench_db` prints; else an empty ledger).
//!
//! ```sh
//! scripts/synapse install
//! AMITY_BENCH_DB=$(cargo run --release --example gen_bench_db) cargo bench --features matrix --bench matrix_load
//! BENCH_USERS=20 BENCH_ROOMS=10 BENCH_SECS=30 BENCH_ROLES=amity cargo bench --features matrix --bench matrix_load
//! ```
//! `BENCH_DEBUG=1` prints each send's time, each answer observed, and the bot's inbox counts.
//! Synapse (Python) shares the 2 cores with the bot and the load, and is most of the cost: the
//! figures compare the two bots on the same homeserver, not amity's ceiling.

#[path = "../tests/matrix/harness.rs"]
#[allow(dead_code)] // the harness's test-only helpers
mod harness;

use harness::{Bot, Synapse};
use matrix_sdk::ruma::OwnedUserId;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    if let Ok(role) = std::env::var("AMITY_BENCH_ROLE") {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let (url, user) = (std::env::var("AMITY_BENCH_URL").unwrap(), std::env::var("AMITY_BENCH_USER").unwrap());
        rt.block_on(echo(url, user, role == "echo-loop"));
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

/// The minimal matrix-sdk echo bot (the child process). `tight`: its own loop over `sync_once`
/// instead of `Client::sync`, which waits for a second since the last sync began before the next.
async fn echo(url: String, user: String, tight: bool) {
    use matrix_sdk::config::SyncSettings;
    use matrix_sdk::ruma::events::room::member::StrippedRoomMemberEvent;
    use matrix_sdk::ruma::events::room::message::{
        AddMentions, ForwardThread, MessageType, OriginalSyncRoomMessageEvent, RoomMessageEventContentWithoutRelation,
    };
    use matrix_sdk::{Client, Room};
    let client = Client::builder().homeserver_url(&url).build().await.unwrap();
    client.matrix_auth().login_username(&user, &format!("pw-{}", local(&user))).send().await.unwrap();
    client.add_event_handler(|ev: StrippedRoomMemberEvent, room: Room, c: Client| async move {
        if ev.state_key == c.user_id().unwrap() {
            tokio::spawn(async move {
                for _ in 0..10 {
                    if room.join().await.is_ok() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    });
    client.add_event_handler(|ev: OriginalSyncRoomMessageEvent, room: Room, c: Client| async move {
        if Some(ev.sender.as_ref()) == c.user_id() {
            return;
        }
        if let MessageType::Text(t) = &ev.content.msgtype {
            let content = RoomMessageEventContentWithoutRelation::notice_plain(t.body.clone()).make_reply_to(
                &ev,
                ForwardThread::Yes,
                AddMentions::No,
            );
            let _ = room.send(content).await;
        }
    });
    let settings = SyncSettings::default().timeout(Duration::from_secs(30));
    if tight {
        loop {
            let _ = client.sync_once(settings.clone()).await;
        }
    }
    client.sync(settings).await.unwrap();
}

fn local(user: &str) -> &str {
    user.trim_start_matches('@').split(':').next().unwrap_or(user)
}

/// A client-server API call with a token.
async fn call(http: &reqwest::Client, method: reqwest::Method, url: String, token: &str, body: Option<Value>) -> Value {
    let mut req = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {v}");
    v
}

/// Transaction ids of the load's sends: unique in the run (a repeated one would be deduplicated by the
/// homeserver, which answers with the first send's event id).
static TXN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct Pending {
    /// Commands sent and not yet answered: event id → when the send began.
    sent: Mutex<HashMap<String, Instant>>,
    /// Answers seen before their command's send returned (a fast bot): event id → when seen.
    early: Mutex<HashMap<String, Instant>>,
    answered: Mutex<Vec<Duration>>,
    notify: Notify,
}

impl Pending {
    /// The observer saw the answer to `eid` at `at`.
    fn seen(&self, eid: &str, at: Instant) {
        let mut sent = self.sent.lock().unwrap();
        match sent.remove(eid) {
            Some(t0) => self.answered.lock().unwrap().push(at - t0),
            None => {
                self.early.lock().unwrap().insert(eid.to_string(), at);
            }
        }
    }

    /// The send of `eid`, begun at `t0`, returned.
    fn sent(&self, eid: &str, t0: Instant) {
        let mut sent = self.sent.lock().unwrap();
        match self.early.lock().unwrap().remove(eid) {
            Some(at) => self.answered.lock().unwrap().push(at - t0),
            None => {
                sent.insert(eid.to_string(), t0);
            }
        }
    }
}

async fn run() {
    let users = env_num("BENCH_USERS", 20) as usize;
    let rooms = env_num("BENCH_ROOMS", 10).max(1) as usize;
    let secs = env_num("BENCH_SECS", 20);
    let roles = std::env::var("BENCH_ROLES").unwrap_or_else(|_| "echo,echo-loop,amity".into());
    println!("matrix load: {users} users in {rooms} rooms, {secs} s per bot, on Synapse");
    let mut results = HashMap::new();
    for role in roles.split(',') {
        let r = measure(role, users, rooms, secs).await;
        results.insert(role.to_string(), r);
    }
    for echo in ["echo", "echo-loop"] {
        if let (Some(a), Some(e)) = (results.get("amity"), results.get(echo)) {
            println!(
                "amity/{echo}: throughput {:.0}%, p50 {:.2}x, peak anonymous memory {:.2}x",
                100.0 * a.0 / e.0,
                a.1 / e.1,
                a.3 / e.3
            );
        }
    }
}

/// One bot: (answers/s, p50 ms, p99 ms, peak anonymous kB).
async fn measure(role: &str, users: usize, rooms: usize, secs: u64) -> (f64, f64, f64, f64) {
    let hs = Synapse::start();
    let http = reqwest::Client::new();
    let base = format!("{}/_matrix/client/v3", hs.url());
    let (observer, _, obs_token) = hs.register_with_token("observer").await;
    let mut people: Vec<(OwnedUserId, String)> = Vec::new();
    for _ in 0..users.max(rooms) {
        let (id, _, token) = hs.register_with_token("user").await;
        people.push((id, token));
    }
    // The bot.
    let mut amity: Option<Bot> = None;
    let mut echo_child: Option<std::process::Child> = None;
    let bot_id: OwnedUserId;
    if role == "amity" {
        let mut bot = Bot::new(&hs, &observer, "allow_invites_from = [\":localhost\"]").await;
        if let Ok(db) = std::env::var("AMITY_BENCH_DB") {
            let cfg = std::fs::read_to_string(&bot.config).unwrap();
            let cfg = cfg.replacen(&format!("path = {:?}", bot.db.to_str().unwrap()), &format!("path = {db:?}"), 1);
            std::fs::write(&bot.config, cfg).unwrap();
            // The SDK's store stays in the bot's own folder (by default it would go beside the database).
            bot.append_config(&format!("store = {:?}\n", bot.dir.path().join("amity-matrix").to_str().unwrap()));
            bot.db = db.into();
        }
        bot_id = bot.id.clone();
        bot.start();
        amity = Some(bot);
    } else {
        let (id, _) = hs.register("echo").await;
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .env("AMITY_BENCH_ROLE", role)
            .env("AMITY_BENCH_URL", hs.url())
            .env("AMITY_BENCH_USER", id.as_str())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        bot_id = id;
        echo_child = Some(child);
    }
    let pid = amity.as_ref().and_then(Bot::pid).or(echo_child.as_ref().map(|c| c.id())).unwrap();
    // The rooms: made by their first member, with the bot, the observer and the room's users.
    let mut room_ids = Vec::new();
    for r in 0..rooms {
        let members: Vec<&(OwnedUserId, String)> =
            people.iter().enumerate().filter(|(i, _)| i % rooms == r).map(|(_, p)| p).collect();
        let mut invite = vec![bot_id.to_string(), observer.to_string()];
        invite.extend(members.iter().skip(1).map(|m| m.0.to_string()));
        let v = call(
            &http,
            reqwest::Method::POST,
            format!("{base}/createRoom"),
            &members[0].1,
            Some(json!({"preset": "private_chat", "invite": invite})),
        )
        .await;
        let id = v["room_id"].as_str().unwrap().to_string();
        for m in members.iter().skip(1).map(|m| &m.1).chain([&obs_token]) {
            call(&http, reqwest::Method::POST, format!("{base}/rooms/{id}/join"), m, Some(json!({}))).await;
        }
        room_ids.push((id, members.iter().map(|m| m.1.clone()).collect::<Vec<_>>()));
    }
    // Wait for the bot in every room.
    let deadline = Instant::now() + Duration::from_secs(120);
    for (id, _) in &room_ids {
        loop {
            let v =
                call(&http, reqwest::Method::GET, format!("{base}/rooms/{id}/joined_members"), &obs_token, None).await;
            if v["joined"].get(bot_id.as_str()).is_some() {
                break;
            }
            if Instant::now() > deadline {
                let log = amity.as_ref().map(Bot::log).unwrap_or_default();
                panic!("the {role} bot never joined {id}; its log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // The observer's sync loop: every answer's arrival.
    let pending = Arc::new(Pending {
        sent: Mutex::default(),
        early: Mutex::default(),
        answered: Mutex::default(),
        notify: Notify::new(),
    });
    let filter = json!({"presence": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]},
        "room": {"timeline": {"limit": 200, "types": ["m.room.message"]}, "state": {"lazy_load_members": true},
                 "ephemeral": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}}})
    .to_string();
    let first = call(
        &http,
        reqwest::Method::GET,
        format!("{base}/sync?timeout=0&filter={}", urlencode(&filter)),
        &obs_token,
        None,
    )
    .await;
    let mut since = first["next_batch"].as_str().unwrap().to_string();
    let observing = {
        let (http, base, tok, pending, bot) =
            (http.clone(), base.clone(), obs_token.clone(), pending.clone(), bot_id.to_string());
        tokio::spawn(async move {
            loop {
                let v = call(
                    &http,
                    reqwest::Method::GET,
                    format!("{base}/sync?timeout=30000&since={since}&filter={}", urlencode(&filter)),
                    &tok,
                    None,
                )
                .await;
                let now = Instant::now();
                if std::env::var("BENCH_DEBUG").is_ok() {
                    let limited: Vec<_> = v["rooms"]["join"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(_, r)| r["timeline"]["limited"] == true)
                        .map(|(k, _)| k.clone())
                        .collect();
                    if !limited.is_empty() {
                        eprintln!("observer sync limited in {limited:?}");
                    }
                }
                since = v["next_batch"].as_str().unwrap_or(&since).to_string();
                if let Some(join) = v["rooms"]["join"].as_object() {
                    for room in join.values() {
                        for ev in room["timeline"]["events"].as_array().into_iter().flatten() {
                            if ev["sender"] != bot.as_str() {
                                continue;
                            }
                            let Some(to) = ev["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str() else {
                                continue;
                            };
                            if std::env::var("BENCH_DEBUG").is_ok() {
                                eprintln!("observed answer to {to}");
                            }
                            pending.seen(to, now);
                        }
                    }
                }
                pending.notify.notify_waiters();
            }
        })
    };
    // Memory sampling.
    let peak_anon = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampling = {
        let peak = peak_anon.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(status_kb(pid, "RssAnon:"), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let text = if role == "amity" { "!totals" } else { "hello" };
    let run_room = |id: String, tokens: Vec<String>, until: Instant| {
        let (http, base, pending) = (http.clone(), base.clone(), pending.clone());
        async move {
            let mut n = 0usize;
            while Instant::now() < until {
                let token = &tokens[n % tokens.len()];
                n += 1;
                let t0 = Instant::now();
                let v = call(
                    &http,
                    reqwest::Method::PUT,
                    format!(
                        "{base}/rooms/{id}/send/m.room.message/load-{}",
                        TXN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    ),
                    token,
                    Some(json!({"msgtype": "m.text", "body": text})),
                )
                .await;
                let eid = v["event_id"].as_str().unwrap().to_string();
                if std::env::var("BENCH_DEBUG").is_ok() {
                    eprintln!("put {:?}", t0.elapsed());
                }
                pending.sent(&eid, t0);
                let give_up = Instant::now() + Duration::from_secs(30);
                while pending.sent.lock().unwrap().contains_key(&eid) {
                    let _ = tokio::time::timeout(Duration::from_millis(50), pending.notify.notified()).await;
                    if Instant::now() > give_up {
                        eprintln!("gave up waiting for the answer to {eid}");
                        pending.sent.lock().unwrap().remove(&eid);
                        break;
                    }
                }
            }
        }
    };
    // A warm-up round of 3 s, not counted.
    let warm_until = Instant::now() + Duration::from_secs(3);
    let tasks: Vec<_> =
        room_ids.iter().map(|(id, t)| tokio::spawn(run_room(id.clone(), t.clone(), warm_until))).collect();
    for t in tasks {
        t.await.unwrap();
    }
    pending.answered.lock().unwrap().clear();
    let started = Instant::now();
    let until = started + Duration::from_secs(secs);
    let tasks: Vec<_> = room_ids.iter().map(|(id, t)| tokio::spawn(run_room(id.clone(), t.clone(), until))).collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = pending.answered.lock().unwrap().clone();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p).ceil() as usize).saturating_sub(1)).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let (p50, p99) = (pct(0.5), pct(0.99));
    let rate = lat.len() as f64 / elapsed;
    let anon = peak_anon.load(std::sync::atomic::Ordering::Relaxed).max(status_kb(pid, "RssAnon:"));
    let hwm = status_kb(pid, "VmHWM:");
    observing.abort();
    sampling.abort();
    println!(
        "{role:>6}: answered={} answers/s={rate:.1} p50={p50:.1}ms p99={p99:.1}ms peak_kb={hwm} peak_anon_kb={anon}",
        lat.len()
    );
    if let Some(mut c) = echo_child {
        let _ = c.kill();
        let _ = c.wait();
    }
    if let Some(mut b) = amity {
        b.stop();
        if std::env::var("BENCH_DEBUG").is_ok() {
            let log = std::env::temp_dir().join("amity-matrix-bench-bot.log");
            std::fs::write(&log, b.log()).unwrap();
            eprintln!("the bot's log: {}", log.display());
            eprintln!(
                "inbox: {} received, {} answered",
                b.count("SELECT count(*) FROM inbox WHERE transport = 'matrix'"),
                b.count("SELECT count(*) FROM inbox WHERE transport = 'matrix' AND answered_at IS NOT NULL")
            );
        }
    }
    (rate, p50, p99, anon as f64)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A line of /proc/PID/status, in kB.
fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

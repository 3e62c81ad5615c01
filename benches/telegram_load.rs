//! Load benchmark of the Telegram transport (a benchmark, not a test: it prints figures, asserts none).
//!
//! N users in M group chats send commands as fast as the bot answers them (each chat has one message
//! in flight: the next user of the chat speaks when the previous answer arrived), through the fake Bot
//! API server of the tests with no rate limits. The server and the load generator run in this
//! process; each bot runs alone in a process of its own (this binary runs itself again), and its peak
//! memory is read from that process's `/proc/PID/status`, so it is the bot's own:
//! - `amity`: the real `serve` answering `/totals` over a database (AMITY_BENCH_DB, e.g. the
//!   1,000,000-donation file `cargo run --release --example gen_bench_db` prints, else the demo
//!   records), with `[telegram] throttle = false` (amity's own cost, as the echo bot sends);
//! - `amity-throttle`: the same keeping to an overall limit (of a million a second), for reference;
//! - `echo`: a minimal teloxide echo bot (Dispatcher, one endpoint), the framework's own floor;
//! - `echo-sized`: the same echo bot answering every message with the HTML of amity's `/totals`
//!   answer (computed once at its start): what a bot that sends answers of amity's size costs, so that
//!   `amity/echo-sized` is amity's own work (inbox, core, rendering) beside a framework sending the
//!   same bytes;
//! - `echo-throttle`: the echo bot behind teloxide's `Throttle` (limits off), for reference.
//!
//! Before serving, the `amity` roles time one `/totals` in the core (`Core::handle`, cold: just after a
//! write emptied the read cache, and warm) and its rendering to HTML, and print them.
//!
//! With `BENCH_BACKLOG=N` the load is a backlog instead (what a bot meets after downtime: Telegram
//! keeps a day of updates): N updates from the same users and chats wait in the fake server before the
//! bot starts (open loop), and the run ends when all are answered. It prints the rate from the bot's
//! start to the last answer, peak memory, and whether any update was answered twice.
//!
//! ```sh
//! cargo bench --bench telegram_load                       # 200 users in 20 chats, 20 s per bot
//! BENCH_BACKLOG=200000 BENCH_ROLES=echo,amity cargo bench --bench telegram_load   # a backlog
//! BENCH_USERS=200 BENCH_CHATS=50 BENCH_SECS=30 AMITY_BENCH_DB=big.db cargo bench --bench telegram_load
//! BENCH_ROLES=echo,amity cargo bench --bench telegram_load   # only these
//! ```
//! Two memory figures of the bot's process: `peak_kb` (VmHWM, which also counts the database file's
//! pages SQLite maps into memory) and `peak_anon_kb` (anonymous memory, sampled every 20 ms: its own
//! heap and stacks); the ratios use the latter. `cpu_us_per_update` is the bot process's CPU time
//! (user and system, all threads) per answer: steadier than a rate on a machine shared with other
//! work. `BENCH_SHOW_REPLY=1` prints the `/totals` answer the `amity` roles send.

#[path = "../tests/telegram/fake.rs"]
mod fake;

use fake::{Fake, TOKEN};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Latency histogram buckets of 10 µs: up to 1 s.
const HIST_BUCKETS: usize = 100_000;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // The allocator as `amity` sets it (amity's library is the global allocator of this binary too, so
    // the echo bot runs on the same one).
    amity::allocator::tune();
    if let Ok(role) = std::env::var("AMITY_BENCH_ROLE") {
        // A bot alone, against the server the parent runs; RUST_LOG=info shows what it does.
        let _ = pretty_env_logger::try_init();
        let url = std::env::var("AMITY_BENCH_URL").expect("AMITY_BENCH_URL");
        // amity runs on the runtime `amity serve` builds; the echo bots on tokio's default one.
        let rt = if role.starts_with("amity") {
            amity::transport::telegram::runtime().unwrap()
        } else {
            tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
        };
        rt.block_on(async move {
            let _keep = match role.as_str() {
                "echo" => {
                    start_echo(&url, false, None);
                    None
                }
                "echo-sized" => {
                    start_echo(&url, false, Some(totals_html()));
                    None
                }
                "echo-throttle" => {
                    start_echo(&url, true, None);
                    None
                }
                _ => Some(start_amity(&url, role == "amity-throttle")),
            };
            println!("ready");
            std::future::pending::<()>().await;
        });
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let backlog = env_num("BENCH_BACKLOG", 0);
    println!(
        "telegram load: {} users in {} chats, {}",
        env_num("BENCH_USERS", 200),
        env_num("BENCH_CHATS", 20),
        if backlog > 0 {
            format!("{backlog} updates waiting at start")
        } else {
            format!("{} s each", env_num("BENCH_SECS", 20))
        }
    );
    let roles = std::env::var("BENCH_ROLES").unwrap_or_else(|_| "echo,echo-throttle,amity,amity-throttle".into());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mut results = std::collections::HashMap::new();
    for role in roles.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        let (rate, mem) = rt.block_on(measure(&exe, role));
        results.insert(role.to_string(), (rate, mem));
    }
    for (a, e) in [("amity", "echo"), ("amity", "echo-sized"), ("amity-throttle", "echo")] {
        if let (Some((ar, am)), Some((er, em))) = (results.get(a), results.get(e))
            && *er > 0.0
            && *em > 0.0
        {
            println!("{a}/{e}: throughput {:.0}%, peak anonymous memory {:.2}x", 100.0 * ar / er, am / em);
        }
    }
}

/// Runs one bot in a process of its own against a fake server in this one, loads it, and prints its
/// rate and its own peak memory (read from its `/proc/PID/status`, so the server and the load
/// generator, which hold a backlog, never count). Returns (updates/s, peak anonymous kB).
async fn measure(exe: &std::path::Path, role: &str) -> (f64, f64) {
    use std::io::BufRead;
    let users = env_num("BENCH_USERS", 200) as i64;
    let chats = env_num("BENCH_CHATS", 20).max(1) as i64;
    let secs = env_num("BENCH_SECS", 20);
    let backlog = env_num("BENCH_BACKLOG", 0);
    let fake = Arc::new(Fake::start().await);
    fake.state.recording.store(false, std::sync::atomic::Ordering::Relaxed);
    let text = if role.starts_with("echo") { "hello" } else { "/totals" };
    for n in 0..backlog as i64 {
        let (c, u) = (n % chats, 10_000 + n % users.max(1));
        fake.inject(json!({"message": {"message_id": n + 1, "date": 1_700_000_000,
            "chat": {"id": -1_000_000_000_000 - c, "type": "supergroup", "title": "load"},
            "from": {"id": u, "is_bot": false, "first_name": "U", "language_code": "en"},
            "text": text}}));
    }
    let mut child = std::process::Command::new(exe)
        .env("AMITY_BENCH_ROLE", role)
        .env("AMITY_BENCH_URL", &fake.url)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The child's lines are shown; "ready" starts the clock.
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut ready = Some(ready_tx);
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == "ready" {
                if let Some(tx) = ready.take() {
                    let _ = tx.send(());
                }
            } else {
                println!("{line}");
            }
        }
    });
    let _ = ready_rx.await;
    let started = Instant::now();
    let peak_anon = Arc::new(std::sync::atomic::AtomicU64::new(0));
    {
        let peak_anon = peak_anon.clone();
        tokio::spawn(async move {
            loop {
                peak_anon.fetch_max(status_kb(pid, "RssAnon:"), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    let (answered, elapsed, extra) = if backlog > 0 {
        // Open loop: everything is waiting already; done when every update has its answer.
        let limit = Duration::from_secs(secs.max(600));
        while (fake.total_sent() as u64) < backlog && started.elapsed() < limit {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let answered = fake.total_sent() as u64;
        // Anything answered twice would show up after the last expected answer.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let twice = (fake.total_sent() as u64).saturating_sub(backlog);
        (answered, elapsed, format!("backlog={backlog} answered_twice={twice}"))
    } else {
        let (answered, elapsed, p50, p99) = closed_loop(&fake, users, chats, secs, text).await;
        (answered, elapsed, format!("p50={p50:.2}ms p99={p99:.2}ms"))
    };
    let peak = status_kb(pid, "VmHWM:");
    // The bot's CPU time (all its threads, user and system) per answer: steadier than a rate on a
    // machine shared with other work, and it says what an answer costs.
    let cpu_us = cpu_secs(pid) * 1e6 / answered.max(1) as f64;
    let anon = peak_anon.load(std::sync::atomic::Ordering::Relaxed).max(status_kb(pid, "RssAnon:"));
    let _ = child.kill();
    let _ = child.wait();
    let rate = answered as f64 / elapsed;
    println!(
        "{role:>14}: answered={answered} updates/s={rate:.0} {extra} cpu_us_per_update={cpu_us:.0} peak_kb={peak} peak_anon_kb={anon}"
    );
    (rate, anon as f64)
}

/// Closed loop: each chat has one message in flight; the next user of the chat speaks when the
/// previous answer arrived. Returns (answered, seconds, p50 ms, p99 ms).
async fn closed_loop(fake: &Arc<Fake>, users: i64, chats: i64, secs: u64, text: &'static str) -> (u64, f64, f64, f64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    // Latencies go into a fixed histogram (10 µs buckets up to 1 s), allocated before the load starts,
    // so that the load generator's own memory does not grow with the number of answers.
    let hist: Arc<Vec<std::sync::atomic::AtomicU32>> =
        Arc::new((0..HIST_BUCKETS).map(|_| std::sync::atomic::AtomicU32::new(0)).collect());
    let mut tasks = Vec::new();
    for c in 0..chats {
        let fake = fake.clone();
        let hist = hist.clone();
        let chat_id = -1_000_000_000_000 - c;
        let members: Vec<i64> = (0..users).filter(|u| u % chats == c).map(|u| 10_000 + u).collect();
        tasks.push(tokio::spawn(async move {
            let mut turn = 0usize;
            // Woken when the chat's answer arrives (no polling: the machine is the bots').
            let mut sent = fake.watch_sent(chat_id);
            while Instant::now() < deadline && !members.is_empty() {
                let user = members[turn % members.len()];
                turn += 1;
                let before = *sent.borrow_and_update();
                let t0 = Instant::now();
                fake.inject(json!({"message": {"message_id": turn, "date": 1_700_000_000,
                    "chat": {"id": chat_id, "type": "supergroup", "title": "load"},
                    "from": {"id": user, "is_bot": false, "first_name": "U", "language_code": "en"},
                    "text": text}}));
                let answered = sent.wait_for(|n| *n > before);
                if !matches!(tokio::time::timeout(Duration::from_secs(30), answered).await, Ok(Ok(_))) {
                    return;
                }
                let bucket = (t0.elapsed().as_micros() / 10).min(HIST_BUCKETS as u128 - 1) as usize;
                hist[bucket].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let counts: Vec<u64> = hist.iter().map(|b| u64::from(b.load(std::sync::atomic::Ordering::Relaxed))).collect();
    let answered: u64 = counts.iter().sum();
    // The latency below which a share `p` of the answers came (bucket upper bound).
    let pct = |p: f64| {
        let target = (answered as f64 * p).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, n) in counts.iter().enumerate() {
            seen += n;
            if seen >= target {
                return (i + 1) as f64 * 0.01;
            }
        }
        0.0
    };
    (answered, elapsed, pct(0.5), pct(0.99))
}

/// CPU seconds a process used so far (user and system, all threads), from `/proc/PID/stat`.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces, so it is skipped by its parenthesis):
    // state is field 3, utime 14 and stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    let ticks = f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0);
    // SAFETY: sysconf only reads a constant of the system.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks / if hz > 0.0 { hz } else { 100.0 }
}

/// A line of /proc/PID/status, in kB.
fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// amity's configuration in the benchmark: the ledger, no limits.
fn bench_config(dir: &tempfile::TempDir, throttle: bool) -> amity::Config {
    let mut cfg = amity::Config::default();
    cfg.database.path = match std::env::var("AMITY_BENCH_DB") {
        Ok(p) => p.into(),
        Err(_) => dir.path().join("bench.db"),
    };
    cfg.telegram.poll_timeout_secs = 10;
    cfg.telegram.per_chat_per_second = 1_000_000;
    cfg.telegram.per_group_per_minute = 1_000_000;
    cfg.telegram.overall_per_second = 1_000_000;
    cfg.telegram.set_commands = false;
    cfg.telegram.throttle = throttle;
    cfg
}

/// The HTML of amity's `/totals` answer in the load's group chats, as `serve` sends it.
fn totals_html() -> String {
    use amity::transport::telegram::outbound;
    let dir = tempfile::tempdir().unwrap();
    let core = amity::Core::open(bench_config(&dir, false)).unwrap();
    if !amity::demo::has_records(&core) {
        amity::demo::load(&core).unwrap();
    }
    let reply = core.handle(&totals_request());
    let mut parts = outbound::messages(&reply, outbound::TELEGRAM_MAX_LEN);
    assert_eq!(parts.len(), 1, "the /totals answer is one message");
    parts.remove(0).html
}

fn start_amity(url: &str, throttle: bool) -> tempfile::TempDir {
    use amity::transport::telegram::{Hooks, Options, Token, serve};
    let dir = tempfile::tempdir().unwrap();
    let cfg = bench_config(&dir, throttle);
    let core = amity::Core::open(cfg).unwrap();
    if !amity::demo::has_records(&core) {
        amity::demo::load(&core).unwrap();
    }
    // Each run's fake server numbers updates from 100 again: forget the previous run's, or they would
    // be taken for redeliveries and never answered.
    core.with_store_locked(|s| s.conn().execute("DELETE FROM inbox", [])).unwrap();
    time_core(&core);
    let opts = Options { token: Token::new(TOKEN), api_url: Some(url.to_string()), webhook_secret: None };
    tokio::spawn(async move {
        if let Err(e) = serve(Arc::new(core), opts, Hooks::default(), std::future::pending()).await {
            eprintln!("amity serve failed: {e:#}");
            std::process::exit(1);
        }
    });
    dir
}

/// A minimal teloxide echo bot; with `throttle`, behind teloxide's `Throttle` (limits off); with
/// `answer`, sending that HTML instead of the message's text.
fn start_echo(url: &str, throttle: bool, answer: Option<String>) {
    use teloxide::adaptors::throttle::Limits;
    use teloxide::prelude::*;
    let bot = Bot::new(TOKEN).set_api_url(url.parse().unwrap());
    if throttle {
        let limits = Limits {
            messages_per_sec_chat: 1_000_000,
            messages_per_min_chat: 1_000_000,
            messages_per_min_channel_or_supergroup: 1_000_000,
            messages_per_sec_overall: 1_000_000,
        };
        let bot = bot.throttle(limits);
        let handler =
            Update::filter_message().endpoint(|bot: teloxide::adaptors::Throttle<Bot>, msg: Message| async move {
                bot.send_message(msg.chat.id, msg.text().unwrap_or("?").to_string()).await?;
                respond(())
            });
        tokio::spawn(async move {
            Dispatcher::builder(bot, handler).build().dispatch().await;
        });
        return;
    }
    if let Some(answer) = answer {
        let answer = Arc::new(answer);
        let handler = Update::filter_message().endpoint(move |bot: Bot, msg: Message| {
            let answer = answer.clone();
            async move {
                bot.send_message(msg.chat.id, answer.as_str()).parse_mode(teloxide::types::ParseMode::Html).await?;
                respond(())
            }
        });
        tokio::spawn(async move {
            Dispatcher::builder(bot, handler).build().dispatch().await;
        });
        return;
    }
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, msg.text().unwrap_or("?").to_string()).await?;
        respond(())
    });
    tokio::spawn(async move {
        Dispatcher::builder(bot, handler).build().dispatch().await;
    });
}

/// Times `/totals` in the core (cold and warm) and its rendering, as `serve` would run them.
/// A command from the load's first user in its first group chat, as `serve` maps it.
fn load_request(id: i64, text: &str) -> amity::Request {
    use amity::transport::telegram::{Me, inbound};
    let me = Me { id: fake::BOT_ID, username: fake::BOT_USERNAME.into() };
    // From text: teloxide's `Update` does not deserialize from a `Value`.
    let update: teloxide::types::Update = serde_json::from_str(
        &json!({"update_id": id, "message": {"message_id": id, "date": 1_700_000_000,
        "chat": {"id": -1_000_000_000_000i64, "type": "supergroup", "title": "load"},
        "from": {"id": 10_000, "is_bot": false, "first_name": "U", "language_code": "en"},
        "text": text, "entities": [{"type": "bot_command", "offset": 0,
            "length": text.split(' ').next().unwrap_or("").len()}]}})
        .to_string(),
    )
    .unwrap();
    match inbound::map(&update, &me) {
        inbound::Mapped::Handle(inc) => inc.req,
        inbound::Mapped::Ignore(why) => panic!("{text:?} is not handled: {why} {:?}", update.kind),
        inbound::Mapped::AnswerOnly(_) => panic!("{text:?} is not handled"),
    }
}

fn totals_request() -> amity::Request {
    load_request(1, "/totals")
}

fn time_core(core: &amity::Core) {
    use amity::transport::telegram::outbound;
    let totals = totals_request();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (mut cold, mut warm, mut render) = (Vec::new(), Vec::new(), Vec::new());
    let other = core.config().database.path.clone();
    let other = rusqlite::Connection::open(other).unwrap();
    for i in 0..5 {
        // A commit (by another connection, as any write would) empties the read cache.
        other.pragma_update(None, "user_version", i).unwrap();
        let t = Instant::now();
        let r = core.handle(&totals);
        cold.push(t.elapsed());
        let t = Instant::now();
        let r2 = core.handle(&totals);
        warm.push(t.elapsed());
        // Rendering is short: timed over 100 runs.
        let t = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(outbound::messages(std::hint::black_box(&r2), outbound::TELEGRAM_MAX_LEN));
        }
        render.push(t.elapsed() / 100);
        assert!(r.is_ok());
    }
    let shown = core.handle(&totals).plain();
    if std::env::var_os("BENCH_SHOW_REPLY").is_some() {
        println!("{shown}");
    }
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        ms(v[v.len() / 2])
    };
    println!(
        "  core /totals (public reader, {} characters in {} lines): cold {:.2} ms, warm {:.3} ms; rendering it (HTML and plain) {:.3} ms (medians of 5)",
        shown.chars().count(),
        shown.lines().count(),
        med(&mut cold),
        med(&mut warm),
        med(&mut render)
    );
}

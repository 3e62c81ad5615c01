//! What a user waits for, on a ledger of 1,000,000 donations to 5,000 partners in 200 countries:
//! `/totals`, `/donations <country>`, `/partner <name>` (as a reader who is not staff, and as staff), and
//! logging one donation (durable: WAL, `synchronous=FULL`), each through `Core::handle` exactly as a
//! transport calls it.
//!
//!     cargo bench --bench ledger                 # all of them (~2–3 minutes plus a one-off generation)
//!     cargo bench --bench ledger -- totals       # one group
//!
//! Each read is measured warm (repeated between writes: the whole answer memoised) and cold (right after a write,
//! so every total is computed from the tables). `/totals` is also measured cold after a write to a
//! donation dated inside every donation report's days, which reckons the reports' reconciliation again
//! (after other writes it is kept: `Store::itemized_kept`).
//!     scripts/bench-sql                          # the same queries as bare SQL through sqlite3, and the ratios
//!
//! The database is generated once (`benches/support/dbgen.rs`) and cached under
//! `$CARGO_TARGET_DIR/amity-bench/`. Reads run on that file; logging runs on a fresh copy of it.

#[path = "support/dbgen.rs"]
mod dbgen;

use amity::domain::UserKey;
use amity::{Config, Core, Reply, Request};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn open(path: &Path) -> Core {
    let mut cfg = Config::default();
    cfg.database.path = path.to_path_buf();
    Core::open(cfg).expect("open the benchmark database")
}

fn request(user: &str, text: &str) -> Request {
    Request::console(text).as_user(UserKey::from_stored(user.to_string()))
}

/// Answers once outside the measurement and checks it is a real answer, not an error.
fn check(core: &Core, user: &str, text: &str, expect: &str) {
    let reply: Reply = core.handle(&request(user, text));
    let plain = reply.plain();
    assert!(reply.is_ok() && plain.contains(expect), "{text} as {user} did not answer as expected:\n{plain}");
}

fn readers() -> [(&'static str, &'static str); 2] {
    [("public", dbgen::PUBLIC_USER), ("staff", dbgen::STAFF_USER)]
}

fn reads(c: &mut Criterion) {
    let path = dbgen::ensure(&dbgen::default_path());
    let core = open(&path);
    let queries = [
        ("totals", "/totals".to_string(), "CNY"),
        ("donations_country", format!("/donations {}", dbgen::BENCH_COUNTRY), "D-"),
        ("partner", format!("/partner {}", dbgen::BENCH_PARTNER), "D-"),
    ];
    for (name, text, expect) in &queries {
        let mut g = c.benchmark_group(*name);
        // Flat sampling: a fixed number of iterations per sample, so slow answers stay affordable.
        g.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(4));
        for (who, user) in readers() {
            check(&core, user, text, expect);
            let req = request(user, text);
            // Warm: answers are memoised until the database changes, as between two writes.
            g.bench_function(who, |b| b.iter(|| black_box(core.handle(&req))));
            // Cold: a write through the bot before each answer (an exchange rate recorded again), so the
            // memoised totals are dropped and every total is computed from the tables, as the first
            // answer after someone logs an entry is.
            let write = request(dbgen::STAFF_USER, "/rate JPY 0.065 2019-01-01");
            check(&core, dbgen::STAFF_USER, &write.text, "JPY");
            g.bench_function(format!("{who}-cold"), |b| {
                b.iter_batched(
                    || assert!(core.handle(&write).is_ok()),
                    |_| black_box(core.handle(&req)),
                    criterion::BatchSize::PerIteration,
                )
            });
            if *name == "totals" {
                // Cold after a write to a donation in the days every donation report covers (its note
                // changed back and forth): the reports' kept reconciliations are reckoned again too.
                let id: i64 = core.with_store_locked(|s| {
                    s.conn()
                        .query_row(
                            "SELECT MIN(id) FROM donations WHERE date = '2020-03-02' AND deleted_at IS NULL",
                            [],
                            |r| r.get(0),
                        )
                        .expect("a donation of 2020-03-02")
                });
                let mut n = 0usize;
                g.bench_function(format!("{who}-cold-after-donation"), |b| {
                    b.iter_batched(
                        || {
                            n += 1;
                            let edit = request(dbgen::STAFF_USER, &format!("/edit D-{id} note: bench {who} {n}"));
                            assert!(core.handle(&edit).is_ok())
                        },
                        |_| black_box(core.handle(&req)),
                        criterion::BatchSize::PerIteration,
                    )
                });
            }
        }
        g.finish();
    }
}

fn logging(c: &mut Criterion) {
    let src = dbgen::ensure(&dbgen::default_path());
    // A fresh copy each run, so the cached file stays as generated.
    let copy: PathBuf = src.with_file_name(format!("log-{}", dbgen::file_name()));
    for suffix in ["", "-wal", "-shm"] {
        let mut s = copy.as_os_str().to_owned();
        s.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(s));
    }
    std::fs::copy(&src, &copy).expect("copy the benchmark database");
    let core = open(&copy);
    let sync: i64 = core.with_store_locked(|s| s.conn().query_row("PRAGMA synchronous", [], |r| r.get(0))).unwrap();
    let journal: String =
        core.with_store_locked(|s| s.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0))).unwrap();
    assert_eq!((sync, journal.as_str()), (2, "wal"), "logging must be measured durable: synchronous=FULL, WAL");
    let text = format!("/donation 2024-06-01 | {} | 100 masks | CNY 5000 | note: bench", dbgen::BENCH_PARTNER);
    check(&core, dbgen::STAFF_USER, &text, "Saved");

    let mut g = c.benchmark_group("log_donation");
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    let mut n: u64 = 0;
    g.bench_function("staff", |b| {
        b.iter(|| {
            n += 1;
            // A transport's update id, as Telegram sends one: recorded in the same transaction.
            let mut req = request(dbgen::STAFF_USER, &text);
            req.update_id = Some(format!("bench-{n}"));
            let reply = core.handle(&req);
            debug_assert!(reply.is_ok());
            black_box(reply)
        })
    });
    g.finish();
}

criterion_group!(benches, reads, logging);
criterion_main!(benches);

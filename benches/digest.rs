//! Building a weekly digest with its chart on the 1,000,000-donation benchmark ledger
//! (`benches/support/dbgen.rs`): the content (period totals and lists, change against the previous week,
//! late entries, running totals since the start) and the PNG chart, for a public channel and for staff —
//! exactly what the scheduler does before it writes the outbox row.
//!
//!     cargo bench --bench digest
//!
//! The database is generated once and cached (see `dbgen::cache_dir`; `AMITY_BENCH_DIR` to share one).

#[path = "support/dbgen.rs"]
mod dbgen;

use amity::digest::{DigestCfg, DigestSpec, build};
use amity::{Config, Core};
use chrono::TimeZone;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn spec(audience: &str) -> DigestSpec {
    let cfg: DigestCfg = toml::from_str(&format!(
        "name = \"weekly\"\ntarget = \"telegram:@bench_channel\"\nschedule = \"0 9 * * MON\"\naudience = \"{audience}\""
    ))
    .expect("digest table");
    DigestSpec::from_cfg(&cfg, "Asia/Shanghai", "en").expect("valid digest")
}

fn weekly_digest(c: &mut Criterion) {
    let path = dbgen::ensure(&dbgen::default_path());
    let mut cfg = Config::default();
    cfg.database.path = path;
    let core = Core::open(cfg).expect("open the benchmark database");
    // Monday 3 June 2024, 09:00 in Shanghai: the week 27 May – 2 June 2024 (about 3,200 donations).
    let fire = chrono_tz::Asia::Shanghai.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap().with_timezone(&chrono::Utc);
    let mut g = c.benchmark_group("digest_weekly");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(6));
    for audience in ["public", "staff"] {
        let s = spec(audience);
        let period = s.schedule.period(fire);
        core.with_store_locked(|st| {
            let d = build(st.conn(), &s, "Office", &period, 50).expect("digest builds");
            assert!(d.chart.is_some() && d.reply.plain().contains("Since the start"), "a full digest with a chart");
        });
        g.bench_function(audience, |b| {
            b.iter(|| {
                core.with_store_locked(|st| black_box(build(st.conn(), &s, "Office", &period, 50).expect("digest")))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, weekly_digest);
criterion_main!(benches);

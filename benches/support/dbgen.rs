//! The benchmark database: 5,000 partners in 200 countries, 1,000,000 donations (2019–2024), a few
//! thousand letters, events and receptions, monthly USD/EUR rates, and the seed article's six reported
//! figures (two of them over half a year, one over all six years).
//!
//! Shared by `benches/ledger.rs` (criterion) and `examples/gen_bench_db.rs` (what `scripts/bench-sql`
//! runs), through `#[path]`. It writes rows with direct SQL inserts through rusqlite in one
//! transaction, NOT through commands: logging a million donations through `Core::handle` (one
//! `synchronous=FULL` transaction, history JSON and echo each) would take hours. The schema itself comes
//! from amity's own migrations (`Store::open`), so the file is exactly what amity would open. What the
//! commands would also have written and this does not: one `changes` (history) row per record, and
//! `processed_updates` rows. Neither is read by `/totals`, `/donations` or `/partner`.
//!
//! Values are fixed the way `store::rates::fix_value` fixes them: CNY = amount × rate, USD = CNY ÷
//! CNY-per-USD of the value date, each rounded half away from zero to fen/cents. No `ANALYZE` is run,
//! because amity never runs it: the query planner sees the file as a real office's file.
//!
//! The file is cached, keyed by [`GENERATOR_VERSION`] and amity's schema version, so repeated
//! `cargo bench` runs reuse it; bump the version when the data this writes changes.

#![allow(dead_code)]

use amity::domain::money::item_key;
use amity::domain::money::minor_units;
use amity::domain::{CountryCode, country, norm_name};
use amity::store::Store;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bump when the generated data changes, so cached files are rebuilt.
pub const GENERATOR_VERSION: u32 = 2;

pub const PARTNERS: usize = 5_000;
pub const DONATIONS: usize = 1_000_000;
pub const COUNTRIES: usize = 200;
pub const LETTERS: usize = 3_000;
pub const EVENTS: usize = 2_000;
pub const RECEPTIONS: usize = 400;

/// Partner 1: the one `/partner` is benchmarked with (a typical partner: ~220 donations, 22 letters, 21 events).
pub const BENCH_PARTNER: &str = "Nordrhein-Westfalen";
/// The country `/donations` is benchmarked with (a typical country: ~5,900 donations).
pub const BENCH_COUNTRY: &str = "Germany";
/// A staff member (role `staff`) stored in the file.
pub const STAFF_USER: &str = "tg:1001";
/// A reader who is not staff.
pub const PUBLIC_USER: &str = "tg:2002";

/// The schema version amity migrates to (part of the cache key).
pub fn schema_version() -> i64 {
    amity::store::MIGRATIONS.last().map_or(0, |m| m.0)
}

/// `<dir>/ledger-g<generator>-s<schema>.db`.
pub fn file_name() -> String {
    format!("ledger-g{GENERATOR_VERSION}-s{}.db", schema_version())
}

/// Where the cached file lives: `$AMITY_BENCH_DIR`, else `$CARGO_TARGET_DIR/amity-bench`, else the
/// `target/amity-bench` of the running binary's own target directory.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("AMITY_BENCH_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d).join("amity-bench");
    }
    // <target>/release/deps/ledger-…  or  <target>/release/examples/gen_bench_db
    let exe = std::env::current_exe().expect("current exe");
    match exe.ancestors().nth(3) {
        Some(target) => target.join("amity-bench"),
        None => std::env::temp_dir().join("amity-bench"),
    }
}

pub fn default_path() -> PathBuf {
    cache_dir().join(file_name())
}

/// The cached benchmark database, generated first if missing.
pub fn ensure(path: &Path) -> PathBuf {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the benchmark directory");
        }
        generate(path).expect("generate the benchmark database");
    }
    path.to_path_buf()
}

/// A small deterministic generator (splitmix64): the same file on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "an", "bel", "cor", "dra", "el", "fen", "gor", "hal", "ir", "jar", "kel", "lun", "mar", "nor", "or", "pel", "quin",
    "ros", "sal", "tor", "ul", "val", "wen", "xan", "yor", "zel", "bra", "chi", "dor", "esk",
];
const KINDS: &[(&str, u64)] = &[
    ("friendship", 30),
    ("partner", 35),
    ("overseas-chinese", 15),
    ("institution", 12),
    ("organization", 6),
    ("embassy", 2),
];
const LEVELS: &[&str] = &["province", "city", "county", "none"];
/// (item, unit) vocabulary; plural and singular spellings share an item key, as in real logs.
const ITEMS: &[(&str, Option<&str>)] = &[
    ("masks", None),
    ("mask", None),
    ("N95 masks", None),
    ("protective suits", Some("sets")),
    ("medical goggles", None),
    ("gloves", Some("boxes")),
    ("ventilators", None),
    ("test kits", None),
    ("thermometers", None),
    ("face shields", None),
    ("disinfectant", Some("litres")),
    ("oxygen concentrators", None),
];
const DONORS: &[&str] = &[
    "Shanxi Red Cross",
    "Taiyuan Iron and Steel",
    "Shanxi Coking Coal Group",
    "Jinneng Holding",
    "Shanxi Medical University",
    "Overseas Friendship Association",
    "Datong Municipal Government",
    "Jincheng City",
    "Changzhi Pharmaceutical",
    "Yuncheng Chamber of Commerce",
];
const FUNDS: &[&str] = &["special fund", "provincial budget", "donated by companies", "red cross fund"];
const SIGNATORIES: &[&str] = &["Governor of Shanxi", "Director General of the Foreign Affairs Office", "Vice Governor"];
const TOPICS: &[&str] = &[
    "Sharing experience of epidemic prevention",
    "Medical cooperation",
    "Trade and investment",
    "Culture and tourism week",
    "Education exchange",
];

fn date_text(day: usize) -> String {
    // Day 0 = 2019-01-01; 2,192 days to 2024-12-31.
    let d = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date") + chrono::Duration::days(day as i64);
    d.format("%Y-%m-%d").to_string()
}
const DAYS: usize = 2_192;

/// Monthly CNY-per-unit rates for USD and EUR, 2019-01 .. 2024-12 (plausible, not historical).
fn monthly_rate(currency: &str, month: usize) -> Decimal {
    let base = if currency == "USD" { 68_000i64 } else { 76_000 };
    let wiggle = ((month * 37) % 23) as i64 * 120 + (month as i64) * 25;
    Decimal::new(base + wiggle, 4)
}

struct PartnerRow {
    id: i64,
    country: CountryCode,
}

/// Writes the benchmark database to `path` (through a temporary file, renamed at the end).
pub fn generate(path: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let tmp = path.with_extension("db.tmp");
    for p in [tmp.clone(), with_suffix(&tmp, "-wal"), with_suffix(&tmp, "-shm")] {
        let _ = std::fs::remove_file(p);
    }
    eprintln!("amity bench: generating {} (one-off; cached afterwards) …", path.display());
    drop(Store::open(&tmp)?); // the schema, by amity's own migrations
    let mut conn = Connection::open(&tmp)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB while building
    let tx = conn.transaction()?;
    let mut rng = Rng(0x00A3_17E5_2024);
    let created_at = "2025-01-01T00:00:00.000Z";

    // Countries: 200 real ISO codes spread over the table, Germany among them.
    let all: Vec<CountryCode> = country::all().collect();
    let mut countries: Vec<CountryCode> = (0..COUNTRIES).map(|i| all[i * all.len() / COUNTRIES]).collect();
    let de = CountryCode::from_alpha2("DE").expect("DE");
    if !countries.contains(&de) {
        countries[0] = de;
    }

    // Rates.
    {
        let mut st = tx.prepare(
            "INSERT INTO rates (currency, date, cny_per_unit, source, created_by, created_at) VALUES (?1, ?2, ?3, 'bench', 'console:local', ?4)",
        )?;
        for cur in ["USD", "EUR"] {
            for m in 0..72 {
                let date = format!("{}-{:02}-01", 2019 + m / 12, m % 12 + 1);
                st.execute(params![cur, date, monthly_rate(cur, m).normalize().to_string(), created_at])?;
            }
        }
    }
    tx.execute(
        "INSERT INTO staff (user_key, name, role, added_by, added_at) VALUES (?1, 'Bench Staff', 'staff', 'console:local', ?2)",
        params![STAFF_USER, created_at],
    )?;

    // Partners with their names and aliases.
    let mut partners: Vec<PartnerRow> = Vec::with_capacity(PARTNERS);
    {
        let mut st = tx.prepare(
            "INSERT INTO partners (id, name, kind, country, level, since, note, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut names = tx.prepare(
            "INSERT OR IGNORE INTO partner_names (partner_id, name, norm, is_alias) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut taken: HashSet<String> = HashSet::new();
        for i in 0..PARTNERS {
            let id = i as i64 + 1;
            let (name, aliases, kind, country) = if i == 0 {
                (
                    BENCH_PARTNER.to_string(),
                    vec!["NRW".to_string(), "North Rhine-Westphalia".to_string()],
                    "friendship",
                    de,
                )
            } else {
                let country = countries[i % COUNTRIES];
                let mut kind = KINDS[0].0;
                let mut roll = rng.next() % 100;
                for (k, w) in KINDS {
                    if roll < *w {
                        kind = k;
                        break;
                    }
                    roll -= w;
                }
                let stem = loop {
                    let n = 2 + rng.below(2);
                    let mut s: String = (0..n).map(|_| *rng.pick(SYLLABLES)).collect();
                    s[..1].make_ascii_uppercase();
                    if taken.insert(norm_name(&s)) {
                        break s;
                    }
                };
                let name = match kind {
                    "friendship" => format!("{stem} Province"),
                    "partner" => format!("{stem} City"),
                    "overseas-chinese" => format!("Chinese Association of {stem}"),
                    "institution" => format!("{stem} University"),
                    "organization" => format!("{stem} Foundation"),
                    _ => format!("Embassy in {stem}"),
                };
                let mut aliases = Vec::new();
                if rng.pct(60) {
                    aliases.push(stem.clone());
                }
                if rng.pct(20) {
                    aliases.push(format!("{stem} {}", country.as_str()));
                }
                (name, aliases, kind, country)
            };
            let level = matches!(kind, "friendship" | "partner").then(|| *rng.pick(LEVELS));
            let since = rng.pct(50).then(|| 1980 + rng.below(44) as i64);
            let note = rng.pct(10).then_some("partner since a visit of the governor");
            st.execute(params![id, name, kind, country.as_str(), level, since, note, "console:local", created_at])?;
            names.execute(params![id, name, norm_name(&name), 0])?;
            for a in &aliases {
                names.execute(params![id, a, norm_name(a), 1])?;
            }
            partners.push(PartnerRow { id, country });
        }
    }

    // Donations with their recipients and items.
    {
        let mut st = tx.prepare(
            "INSERT INTO donations (id, date, donor, value, currency, value_date, rate, usd_rate, cny_fen, usd_cents, status, fund, internal, note, created_by, created_at, deleted_at, deleted_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        let mut rec = tx.prepare(
            "INSERT INTO donation_recipients (donation_id, seq, partner_id, country) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut item = tx.prepare(
            "INSERT INTO donation_items (donation_id, seq, quantity, unit, item, item_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let item_keys: Vec<String> = ITEMS.iter().map(|(i, _)| item_key(i)).collect();
        let usd_rates: Vec<Decimal> = (0..72).map(|m| monthly_rate("USD", m)).collect();
        let eur_rates: Vec<Decimal> = (0..72).map(|m| monthly_rate("EUR", m)).collect();
        let default_donor = "Provincial Foreign Affairs Office";
        for i in 0..DONATIONS {
            let id = i as i64 + 1;
            let day = rng.below(DAYS);
            let date = date_text(day);
            let month = (date[..4].parse::<usize>()? - 2019) * 12 + date[5..7].parse::<usize>()? - 1;
            let donor = if rng.pct(85) { default_donor } else { rng.pick(DONORS) };
            // ~80% valued: mostly CNY, some USD and EUR; each fixed at its month's rates.
            let (value, currency, rate, usd_rate, cny_fen, usd_cents) = if rng.pct(80) {
                let usd_rate = usd_rates[month];
                let roll = rng.next() % 100;
                let (amount, currency, rate) = if roll < 88 {
                    (Decimal::new(100_000 + rng.below(500_000_000) as i64, 2), "CNY", Decimal::ONE)
                } else if roll < 96 {
                    (Decimal::new(1_000 + rng.below(200_000) as i64, 0), "USD", usd_rate)
                } else {
                    (Decimal::new(1_000 + rng.below(200_000) as i64, 0), "EUR", eur_rates[month])
                };
                let cny = amount * rate;
                let usd = if currency == "USD" { amount } else { cny / usd_rate };
                (
                    Some(amount.normalize().to_string()),
                    Some(currency),
                    Some(rate.normalize().to_string()),
                    Some(usd_rate.normalize().to_string()),
                    minor_units(cny),
                    minor_units(usd),
                )
            } else {
                (None, None, None, None, None, None)
            };
            let roll = rng.next() % 100;
            let status = if roll < 85 {
                "delivered"
            } else if roll < 95 {
                "shipped"
            } else {
                "pledged"
            };
            let fund = rng.pct(20).then(|| *rng.pick(FUNDS));
            let internal = rng.pct(3);
            let note = rng.pct(5).then_some("handed over at the airport");
            let deleted = rng.pct(1);
            st.execute(params![
                id,
                date,
                donor,
                value,
                currency,
                date,
                rate,
                usd_rate,
                cny_fen,
                usd_cents,
                status,
                fund,
                internal,
                note,
                STAFF_USER,
                created_at,
                deleted.then_some(created_at),
                deleted.then_some("entered twice"),
            ])?;
            // 1 or 2 recipients: a partner (with its country), or a country alone.
            let n = if rng.pct(20) { 2 } else { 1 };
            let mut seen: Vec<(Option<i64>, CountryCode)> = Vec::new();
            for _ in 0..n {
                let r = if rng.pct(92) {
                    let p = &partners[rng.below(PARTNERS)];
                    (Some(p.id), p.country)
                } else {
                    (None, *rng.pick(&countries))
                };
                if !seen.contains(&r) {
                    seen.push(r);
                }
            }
            for (seq, (pid, c)) in seen.iter().enumerate() {
                rec.execute(params![id, seq as i64, pid, c.as_str()])?;
            }
            // 1 to 3 items from the vocabulary.
            let n = 1 + rng.below(3);
            let mut used: Vec<usize> = Vec::new();
            for _ in 0..n {
                let k = rng.below(ITEMS.len());
                if used.contains(&k) {
                    continue;
                }
                used.push(k);
                let (name, unit) = ITEMS[k];
                let qty = 1 + rng.below(if unit.is_some() { 2_000 } else { 100_000 }) as i64;
                item.execute(params![id, used.len() as i64 - 1, qty, unit, name, item_keys[k]])?;
            }
        }
    }

    // Letters to and from partners.
    {
        let mut st = tx.prepare(
            "INSERT INTO letters (id, date, direction, kind, signatories, author, quote, in_reply_to, internal, note, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, NULL, ?9, ?10)",
        )?;
        let mut lp = tx.prepare("INSERT INTO letter_partners (letter_id, seq, partner_id) VALUES (?1, ?2, ?3)")?;
        for i in 0..LETTERS {
            let id = i as i64 + 1;
            let sent = rng.pct(60);
            let (dir, kind) = if sent { ("sent", "sympathy") } else { ("received", "thanks") };
            let sig = sent.then(|| SIGNATORIES.join("; "));
            let author = (!sent).then_some("the Governor");
            let quote = (!sent).then_some("Thank you for your help in difficult times.");
            st.execute(params![
                id,
                date_text(rng.below(DAYS)),
                dir,
                kind,
                sig,
                author,
                quote,
                rng.pct(3),
                STAFF_USER,
                created_at
            ])?;
            let n = if sent { 1 + rng.below(3) } else { 1 };
            let mut used = Vec::new();
            for _ in 0..n {
                let p = partners[rng.below(PARTNERS)].id;
                if !used.contains(&p) {
                    lp.execute(params![id, used.len() as i64, p])?;
                    used.push(p);
                }
            }
        }
        // Letters always include partner 1 now and then, so /partner shows some.
        for (seq, id) in (1..=LETTERS as i64).step_by(150).enumerate() {
            lp.execute(params![id, 10 + seq as i64, 1])?;
        }
    }

    // Events with partners, countries and named participants.
    {
        let kinds = ["video-conference", "webinar", "video-message", "visit", "other"];
        let mut st = tx.prepare(
            "INSERT INTO events (id, date, kind, topic, host, internal, note, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8)",
        )?;
        let mut ep = tx.prepare(
            "INSERT INTO event_participants (event_id, seq, partner_id, country, name) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for i in 0..EVENTS {
            let id = i as i64 + 1;
            st.execute(params![
                id,
                date_text(rng.below(DAYS)),
                rng.pick(&kinds),
                rng.pick(TOPICS),
                rng.pct(50).then_some("Foreign Affairs Office"),
                rng.pct(3),
                STAFF_USER,
                created_at
            ])?;
            let partner_one = i % 100 == 0;
            for seq in 0..(1 + rng.below(4)) {
                let roll = rng.next() % 100;
                let (pid, c, name): (Option<i64>, Option<&str>, Option<&str>) = if partner_one && seq == 0 {
                    (Some(1), Some("DE"), None)
                } else if roll < 70 {
                    let p = &partners[rng.below(PARTNERS)];
                    (Some(p.id), Some(p.country.as_str()), None)
                } else if roll < 90 {
                    (None, Some(rng.pick(&countries).as_str()), None)
                } else {
                    (None, None, Some("a university hospital"))
                };
                ep.execute(params![id, seq as i64, pid, c, name])?;
            }
        }
    }

    // Receptions of foreign guests.
    {
        let mut st = tx.prepare(
            "INSERT INTO receptions (id, date, place, count, guests, internal, note, created_by, created_at) VALUES (?1, ?2, 'Taiyuan', ?3, ?4, 0, NULL, ?5, ?6)",
        )?;
        let mut rc = tx.prepare("INSERT OR IGNORE INTO reception_countries (reception_id, country) VALUES (?1, ?2)")?;
        for i in 0..RECEPTIONS {
            let id = i as i64 + 1;
            st.execute(params![
                id,
                date_text(rng.below(DAYS)),
                1 + rng.below(60) as i64,
                "a delegation",
                STAFF_USER,
                created_at
            ])?;
            for _ in 0..(1 + rng.below(3)) {
                rc.execute(params![id, rng.pick(&countries).as_str()])?;
            }
        }
    }
    // Reported figures: the seed article's, read by amity's own figure parser, over periods of the
    // bench's years (two over half a year as in the article, one "so far" over all six years).
    {
        use amity::domain::reported::{ReportedOf, parse_figure};
        let reports: &[(&str, &[&str], Option<&str>, &str)] = &[
            (
                "donations",
                &["nearly 3.5 million yuan ($494,100)", "30 local governments", "20 countries"],
                Some("2020-01-22"),
                "2020-06-30",
            ),
            (
                "donations",
                &["nearly 610,000 yuan ($86,116)", "63 institutions", "30 countries"],
                Some("2020-01-22"),
                "2020-06-30",
            ),
            (
                "donations",
                &[
                    "478,000 masks",
                    "seven friendship provinces and states",
                    "12 friendly partner governments",
                    "seven overseas Chinese societies",
                ],
                None,
                "2024-12-31",
            ),
            (
                "letters",
                &["44 friendship provinces and states, friendly partners and local governments"],
                Some("2020-01-22"),
                "2020-06-30",
            ),
            ("events", &["seven international friendship cities and provinces"], Some("2020-05-28"), "2020-05-28"),
            ("receptions", &["more than a dozen foreign ambassadors"], Some("2020-01-22"), "2020-06-30"),
        ];
        let mut st = tx.prepare(
            "INSERT INTO reported (date, of, figures, source, period_from, period_to, internal, created_by, created_at)
             VALUES (?1, ?2, ?3, 'bench', ?4, NULL, 0, ?5, ?6)",
        )?;
        for (of, figures, from, date) in reports {
            let kind = ReportedOf::parse(of).expect("kind");
            let parsed: Vec<_> = figures.iter().map(|f| parse_figure(f, kind).expect("figure")).collect();
            st.execute(params![date, of, serde_json::to_string(&parsed)?, from, STAFF_USER, created_at])?;
        }
    }
    tx.commit()?;
    // Rows went in directly, not through amity's write path: compute the running sums once.
    amity::store::records::rebuild_sums(&conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    drop(conn);
    std::fs::rename(&tmp, path)?;
    eprintln!(
        "amity bench: generated {} ({} MB) in {:.1} s",
        path.display(),
        std::fs::metadata(path)?.len() / 1_000_000,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

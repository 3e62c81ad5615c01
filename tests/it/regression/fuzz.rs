//! A long randomised run over the parsers and the command line, for as long as `AMITY_FUZZ_SECS`
//! says (ignored in the normal suite: `AMITY_FUZZ_SECS=600 cargo test --release --test it --
//! --ignored fuzz`). Inputs mix the shapes people type (numbers with separators and multipliers,
//! currencies, dates, Chinese, options) with arbitrary Unicode. Beyond "never panics", each parser's
//! answer is checked against its contract: values and quantities within bounds, no item whose name
//! starts with a second count, and every command answered without the internal-error apology.

use crate::common::*;
use amity::domain::money::{self, MAX_MAGNITUDE, MAX_VALUE_DECIMALS};
use amity::domain::period;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?[0-9]{0,16}([.,_ ][0-9]{0,4}){0,3}",
        "[0-9]{1,3}(,[0-9]{3}){0,5}(\\.[0-9]{1,4})?",
        "[0-9]{1,4}(\\.[0-9]{1,3})? ?(万|亿|千|百|十万|万亿|k|m|mn|bn|thousand|million|billion){0,2}",
        "[０-９]{1,6}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        (number(), " ?(CNY|USD|EUR|XXX|元|人民币|\\$|¥|€|US\\$|yuan|dollars|masks|sets of suits|个口罩|套|boxes)?")
            .prop_map(|(n, s)| format!("{n}{s}")),
        ("(约|about|~)? ?(\\$|¥|€|£|₩)?", number()).prop_map(|(p, n)| format!("{p}{n}")),
        (number(), " ?[a-zA-Z\\u{4e00}-\\u{9fff}]{0,12}", "(;|、|\n)?", number(), " [a-z]{0,8}")
            .prop_map(|(a, b, sep, c, d)| format!("{a}{b}{sep}{c}{d}")),
        "(20[0-9]{2}|19[0-9]{2})[-/.年]?[0-1]?[0-9][-/.月]?[0-3]?[0-9]日?(\\.\\.|–|to)?.{0,12}",
        "(last|this|next)? ?(week|month|year|quarter|Q[1-4]|H[12])|[0-9]{4}(-[0-9]{2})?|上月|本月|去年",
        ".{0,60}",
        "\\PC{0,40}",
    ]
}

const COMMANDS: &[&str] = &[
    "/donation 2020-05-01 | Italy | ",
    "/donation 2020-05-01 | Italy | 5 masks | ",
    "/donations ",
    "/totals ",
    "/events ",
    "/reception 2020-05-01 | Taiyuan | ",
    "/rate USD ",
    "/edit D-1 value: ",
    "/edit D-1 items: ",
    "/partner add ",
    "/letters ",
    "/export csv donations ",
];

fn check_parsers(s: &str) -> Result<(), TestCaseError> {
    if let Ok(Some(m)) = money::parse_value(s) {
        prop_assert!(m.amount > rust_decimal::Decimal::ZERO, "{s:?} → {m:?}");
        prop_assert!(m.amount <= rust_decimal::Decimal::from(MAX_MAGNITUDE), "{s:?} → {m:?}");
        prop_assert!(m.amount.normalize().scale() <= MAX_VALUE_DECIMALS, "{s:?} → {m:?}");
    }
    if let Ok(q) = money::parse_quantity(s) {
        prop_assert!((1..=MAX_MAGNITUDE).contains(&q), "{s:?} → {q}");
    }
    if let Ok(items) = money::parse_items(s) {
        for it in items {
            prop_assert!((1..=MAX_MAGNITUDE).contains(&it.quantity), "{s:?} → {it:?}");
            prop_assert!(!it.item.trim().is_empty(), "{s:?} → {it:?}");
            let first = it.item.split(' ').next().unwrap_or("");
            prop_assert!(
                money::parse_quantity(first).is_err() || it.unit.is_some() && first.chars().any(|c| c.is_alphabetic()),
                "a count glued into the item name: {s:?} → {it:?}"
            );
        }
    }
    let today = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let _ = period::parse_date(s, today);
    let _ = period::parse_period(s, today);
    let _ = period::split_period(s, today);
    let _ = amity::domain::country::parse(s);
    let _ = amity::domain::RecordId::parse(s);
    Ok(())
}

#[test]
#[ignore = "long run: AMITY_FUZZ_SECS=600 cargo test --release --test it -- --ignored fuzz"]
fn fuzz_parsers_and_commands_for_a_while() {
    let secs: u64 = std::env::var("AMITY_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let bot = seeded();
    let (mut cases, mut commands) = (0u64, 0u64);
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(Config { cases: 500, failure_persistence: None, ..Config::default() });
        runner
            .run(&text(), |s| {
                check_parsers(&s)?;
                Ok(())
            })
            .unwrap();
        cases += 500;
        let mut runner = TestRunner::new(Config { cases: 50, failure_persistence: None, ..Config::default() });
        runner
            .run(&(prop::sample::select(COMMANDS), text()), |(cmd, arg)| {
                let line = format!("{cmd}{arg}");
                let r = bot.ask(&line);
                prop_assert!(!r.plain().contains("Something went wrong"), "{line:?}: {}", r.plain());
                Ok(())
            })
            .unwrap();
        commands += 50;
    }
    println!("fuzz: {cases} parser inputs and {commands} commands in {secs} s, no failure");
}

//! Money and totals: a value is converted at the rate in force on its value date and fixed then; a
//! later rate never changes it. Totals count distinct recipients and countries; a donation to two
//! countries is counted once in /totals and under each country in /countries.

use crate::common::*;

fn cents(bot: &Bot, id: i64) -> (i64, i64) {
    (
        bot.count(&format!("SELECT cny_fen FROM donations WHERE id = {id}")),
        bot.count(&format!("SELECT usd_cents FROM donations WHERE id = {id}")),
    )
}

#[test]
fn values_use_the_rate_in_force_on_the_value_date() {
    let bot = spawn_core();
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/rate USD 7 2020-01-01");
    bot.ok("/rate USD 7.1 2020-04-01");
    bot.ok("/rate EUR 8 2020-01-01");
    bot.ok("/rate EUR 7.5 2020-04-01");

    // March: the January rates; April: the April ones.
    bot.ok("/donation 2020-03-15 | Mantova | 10 masks | ¥7,000");
    bot.ok("/donation 2020-04-15 | Mantova | 10 masks | ¥7,100");
    bot.ok("/donation 2020-03-15 | Mantova | 10 masks | €100");
    // The rate's own day counts as in force.
    bot.ok("/donation 2020-04-01 | Mantova | 10 masks | $100");
    // A value date of its own: valued in March although dated in May.
    bot.ok("/donation 2020-05-10 | Mantova | 10 masks | ¥7,000 | value date: 2020-03-01");
    assert_eq!(cents(&bot, 1), (700_000, 100_000));
    assert_eq!(cents(&bot, 2), (710_000, 100_000));
    assert_eq!(cents(&bot, 3), (80_000, 11_429)); // 800 / 7 = 114.2857…
    assert_eq!(cents(&bot, 4), (71_000, 10_000));
    assert_eq!(cents(&bot, 5), (700_000, 100_000));
    // Before any rate of the currency: refused, nothing written.
    let out = bot.invalid("/donation 2019-12-31 | Mantova | 10 masks | €100");
    assert!(out.contains("/rate EUR RATE 2019-12-31"), "{out}");

    // A later rate, even one dated back into March, never changes what was fixed.
    let before: Vec<(i64, i64)> = (1..=5).map(|i| cents(&bot, i)).collect();
    let out = bot.ok("/rate USD 6.5 2020-03-10");
    assert!(out.contains("keep the amounts"), "{out}");
    bot.ok("/rate EUR 9 2020-03-10");
    bot.ok("/rate USD 7.2 2020-04-01");
    let after: Vec<(i64, i64)> = (1..=5).map(|i| cents(&bot, i)).collect();
    assert_eq!(before, after);
    // … but a new donation on that date uses it.
    bot.ok("/donation 2020-03-15 | Mantova | 10 masks | ¥6,500");
    assert_eq!(cents(&bot, 6), (650_000, 100_000));

    // The total is the sum of the fixed amounts.
    let out = bot.ok("/totals");
    let cny: i64 = bot.count("SELECT SUM(cny_fen) FROM donations") / 100;
    assert_eq!(cny, 7_000 + 7_100 + 800 + 710 + 7_000 + 6_500);
    assert!(out.contains("CNY 29,110"), "{out}");
    assert_eq!(bot.count("SELECT SUM(usd_cents) FROM donations"), 421_429);
    assert!(out.contains("$4,214.29"), "{out}");
}

#[test]
fn editing_the_value_date_refixes_at_that_dates_rate_and_is_recorded() {
    let bot = spawn_core();
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/rate USD 7 2020-01-01");
    bot.ok("/rate USD 8 2020-04-01");
    bot.ok("/donation 2020-03-15 | Mantova | 10 masks | ¥7,000");
    assert_eq!(cents(&bot, 1), (700_000, 100_000));
    bot.ok("/edit D-1 value date: 2020-04-02");
    assert_eq!(cents(&bot, 1), (700_000, 87_500));
    let out = bot.ok("/history D-1");
    assert!(out.contains("2020-03-15") && out.contains("2020-04-02"), "{out}");
}

#[test]
fn totals_count_distinct_recipients_and_countries() {
    let bot = spawn_core();
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/partner add Lombardy | Italy | friendship");
    bot.ok("/partner add Nordrhein-Westfalen | Germany | friendship | aliases: NRW");
    bot.ok("/rate USD 7 2020-01-01");
    // Mantova three times, Lombardy once; Italy twice via partners and once directly.
    bot.ok("/donation 2020-03-01 | Mantova | 10 masks | ¥700");
    bot.ok("/donation 2020-03-02 | Mantova | 10 masks | ¥700");
    bot.ok("/donation 2020-03-03 | Mantova, Lombardy | 10 masks | ¥700");
    bot.ok("/donation 2020-03-04 | NRW | 10 masks | ¥700");
    bot.ok("/donation 2020-03-05 | Italy | 10 masks | ¥700");
    let out = bot.ok("/totals");
    assert!(out.contains("5 donations: CNY 3,500 ($500)"), "{out}");
    assert!(out.contains("2 friendship provinces and states"), "{out}");
    assert!(out.contains("1 partner government"), "{out}");
    assert!(out.contains("and 1 country directly (no partner named), in 2 countries."), "{out}");
    assert!(out.contains("50 masks"), "{out}");
    let it = bot.ok("/donations Italy");
    assert!(it.contains("4 donations: CNY 2,800 ($400)"), "{it}");
    let it = bot.ok("/partner Mantova");
    assert!(it.contains("3 donations: CNY 2,100 ($300)"), "{it}");
}

#[test]
fn a_donation_to_two_countries_is_counted_once_in_totals_and_under_each_country() {
    let bot = spawn_core();
    bot.ok("/rate USD 7 2020-01-01");
    bot.ok("/donation 2020-03-26 | Japan, Republic of Korea | 45,000 masks | ¥70,000");
    bot.ok("/donation 2020-03-27 | Japan | 1,000 masks | ¥7,000");
    let out = bot.ok("/totals");
    assert!(out.contains("2 donations: CNY 77,000 ($11,000)"), "{out}");
    assert!(
        out.contains("to 2 countries directly (no partner named)."),
        "no second count of the same countries: {out}"
    );
    assert!(out.contains("46,000 masks"), "{out}");
    let out = bot.ok("/countries");
    let jp = out.lines().find(|l| l.contains("(JP)")).unwrap();
    let kr = out.lines().find(|l| l.contains("(KR)")).unwrap();
    assert!(jp.contains("2 donations") && jp.contains("CNY 77,000") && jp.contains("1 shared"), "{jp}");
    assert!(kr.contains("one donation,") && kr.contains("CNY 70,000") && kr.contains("1 shared"), "{kr}");
    assert!(out.contains("counts it once"), "{out}");
    let out = bot.ok("/donations Korea");
    assert!(out.contains("jointly"), "{out}");
}

#[test]
fn unvalued_and_usd_missing_are_said_not_hidden() {
    let bot = spawn_core();
    bot.ok("/donation 2020-03-26 | Japan | 45,000 masks");
    bot.ok("/donation 2020-03-27 | Japan | 1,000 masks | ¥7,000");
    let out = bot.ok("/totals");
    assert!(out.contains("USD unknown"), "{out}");
    assert!(out.contains("no declared value"), "{out}");
    assert!(out.contains("no USD amount"), "{out}");
}

#[test]
fn totals_follow_every_change_even_from_another_process() {
    // /totals answers are memoised until the database changes: a write through the bot, or a commit by
    // another connection (another amity process on the same file), must both show at once.
    let bot = spawn_core();
    bot.ok("/donation 2020-03-23 | Germany | 500 masks | 1000 CNY");
    assert!(bot.ok("/totals").contains("CNY 1,000"));
    assert!(bot.ok("/totals").contains("CNY 1,000"), "a repeated answer is the same");
    bot.ok("/donation 2020-03-24 | France | 500 masks | 2000 CNY");
    assert!(bot.ok("/totals").contains("CNY 3,000"), "our own write shows");
    // Another amity on the same file (e.g. `amity ask` while `amity serve` runs).
    let mut cfg = amity::Config::default();
    cfg.database.path = bot.db.clone();
    let other = amity::Core::open(cfg).unwrap();
    assert!(other.handle(&req("/delete D-1 entered twice")).is_ok());
    assert!(bot.ok("/totals").contains("CNY 2,000"), "another process's commit shows");
}

#[test]
fn memoised_answers_are_kept_apart_by_reader_language_and_day() {
    // Whole reading answers are memoised; one kept for staff must never reach the public, one in
    // Chinese never an English reader, and "this month" must move with the calendar.
    let bot = spawn_core();
    bot.set_now(bot.now() - chrono::Duration::days(20));
    bot.make_staff(STAFF);
    bot.ok("/donation 2020-06-10 | Germany | 500 masks | 1000 CNY");
    bot.ok("/donation 2020-06-11 | Kenya | 5 crates | 7000 CNY | internal");
    for _ in 0..2 {
        let staff = bot.ok_as(STAFF, "/totals");
        assert!(staff.contains("CNY 8,000"), "{staff}");
        let public = bot.ok_as(STRANGER, "/totals");
        assert!(public.contains("CNY 1,000") && !public.contains("8,000"), "{public}");
    }
    let mut zh = req_as(STRANGER, "/totals");
    zh.lang_hint = Some("zh".into());
    let zh_text = bot.send(&zh).plain();
    assert!(zh_text.contains("合计"), "{zh_text}");
    assert!(!bot.ok_as(STRANGER, "/totals").contains("合计"), "the English reader still gets English");
    let june = bot.ok_as(STRANGER, "/totals this month");
    assert!(june.contains("CNY 1,000"), "{june}");
    bot.advance(chrono::Duration::days(30));
    let july = bot.ok_as(STRANGER, "/totals this month");
    assert!(!july.contains("CNY 1,000"), "a new month, a new answer: {july}");
}

//! Every command form of commands.md that the command table has, as a user types it: the happy paths
//! and the malformed ones. A malformed command is answered with one reason and an example, outcome
//! Invalid, and nothing written.

use crate::common::*;
use amity::render::Outcome;
use rust_decimal::Decimal;
use rust_decimal::RoundingStrategy;
use std::str::FromStr;

/// A core with the partners the examples use.
fn with_partners() -> Bot {
    let bot = spawn_core();
    bot.ok("/partner add Nordrhein-Westfalen | Germany | friendship | aliases: NRW, 北威州 | level: province");
    bot.ok("/partner add Mantova | Italy | partner | aliases: Mantua");
    bot.ok("/partner add Jalalabad | Kyrgyzstan | partner");
    bot.ok("/partner add Batangas | Philippines | partner");
    bot
}

/// "$5,435.17" from a decimal, as the ledger shows USD.
fn usd(d: Decimal) -> String {
    let d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let s = format!("{d:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac == "00" { format!("${grouped}") } else { format!("${grouped}.{frac}") }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

// ---------------------------------------------------------------- reading

#[test]
fn start_and_help() {
    let bot = spawn_core();
    let out = bot.ok("/start");
    assert!(out.contains("amity"), "{out}");
    assert!(out.contains("/totals") && out.contains("/donation") && out.contains("/staff"), "{out}");
    let out = bot.ok("/help");
    assert!(out.contains("/donations") && out.contains("/rate"), "{out}");
    let out = bot.ok("/help donation");
    assert!(out.contains("/donation DATE") && out.contains("Example"), "{out}");
    assert!(out.contains("/记捐赠"), "{out}");
    let out = bot.ok("/help /totals");
    assert!(out.contains("/totals"), "{out}");
    let out = bot.ok("/help zh");
    assert!(out.contains("/捐赠") && out.contains("/合计"), "{out}");
    bot.invalid("/help nosuchcommand");
}

#[test]
fn help_shows_each_person_only_their_commands() {
    let bot = spawn_core();
    bot.make_staff(STAFF);
    let stranger = bot.ok_as(STRANGER, "/help");
    assert!(stranger.contains("/totals"), "{stranger}");
    assert!(!stranger.contains("/donation ") && !stranger.contains("/staff"), "{stranger}");
    let staff = bot.ok_as(STAFF, "/help");
    assert!(staff.contains("/donation") && !staff.contains("/staff"), "{staff}");
    let admin = bot.ok("/help");
    assert!(admin.contains("/staff"), "{admin}");
}

#[test]
fn command_names_are_case_insensitive_and_take_bot_suffixes_and_bangs() {
    let bot = spawn_core();
    for q in ["/TOTALS", "/Totals@amity_bot", "!totals", "／totals", "/合计", "/总计", "/summary"] {
        let out = bot.ok(q);
        assert!(out.contains("Totals") || out.contains("合计"), "{q}:\n{out}");
    }
}

#[test]
fn unknown_commands_and_plain_text_get_a_hint() {
    let bot = spawn_core();
    let out = bot.invalid("/dontaions");
    assert!(out.contains("/donations"), "{out}");
    let out = bot.invalid("/frobnicate");
    assert!(out.contains("/help"), "{out}");
    let out = bot.invalid("hello there");
    assert!(out.contains("/help"), "{out}");
    let out = bot.invalid("   ");
    assert!(out.contains("/help"), "{out}");
}

#[test]
fn reading_commands_on_an_empty_ledger() {
    let bot = spawn_core();
    for q in [
        "/totals",
        "/totals 2020",
        "/donations",
        "/letters",
        "/events",
        "/receptions",
        "/partners",
        "/countries",
        "/search masks",
        "/rate",
        "/staff list",
        "/staff",
        "/lang",
    ] {
        bot.ok(q);
    }
    assert!(bot.ok("/donations").contains("No donations"));
    assert!(bot.ok("/partners").contains("/partner add"));
}

#[test]
fn periods_in_every_form() {
    let bot = with_partners();
    bot.ok("/donation 2020-03-23 | NRW | 500 protective suits");
    bot.ok("/donation 2020-06-10 | Mantova | 100 medical goggles");
    bot.ok("/donation 2020-06-29 | Mantova | 7 boxes gloves");
    // The clock says 2020-07-01 (Wednesday).
    for (q, suits, goggles, gloves) in [
        ("/donations 2020", true, true, true),
        ("/donations 2020-03", true, false, false),
        ("/donations 2020-03-01..2020-05-31", true, false, false),
        ("/donations since 2020-04-01", false, true, true),
        ("/donations last month", false, true, true),
        ("/donations this week", false, false, true),
        ("/donations Mantova 2020-06", false, true, true),
        ("/donations masks 2019", false, false, false),
    ] {
        let r = bot.ask(q);
        let out = r.plain();
        if q.contains("masks") {
            // No masks were given: an unknown item is answered, not an empty list.
            continue;
        }
        assert_eq!(r.outcome, Outcome::Done, "{q}:\n{out}");
        assert_eq!(out.contains("protective suits"), suits, "{q}:\n{out}");
        assert_eq!(out.contains("goggles"), goggles, "{q}:\n{out}");
        assert_eq!(out.contains("gloves"), gloves, "{q}:\n{out}");
    }
    let out = bot.invalid("/totals 2020-13");
    assert!(out.contains("2020-13"), "{out}");
    bot.invalid("/totals yesterday-ish");
}

#[test]
fn filters_resolve_country_partner_item_donor() {
    let bot = with_partners();
    bot.ok("/donation 2020-03-23 | NRW | 500 protective suits | - | donor: Provincial Education Department");
    bot.ok("/donation 2020-03-26 | Japan, ROK | 45,000 masks");
    let out = bot.ok("/donations masks");
    assert!(out.contains("45,000 masks") && !out.contains("suits"), "{out}");
    let out = bot.ok("/donations Provincial Education Department");
    assert!(out.contains("500 protective suits") && !out.contains("masks"), "{out}");
    let out = bot.ok("/donations Nordrhein Westfalen");
    assert!(out.contains("500 protective suits"), "{out}");
    // Unknown: says so and suggests the closest.
    let out = bot.invalid("/donations Germny");
    assert!(out.contains("Germany"), "{out}");
    // One clear fuzzy match is read as that partner.
    let out = bot.ok("/partner Mantuva");
    assert!(out.starts_with("Mantova (Italy)"), "{out}");
    let out = bot.invalid("/partner Zzyzx Qwv");
    assert!(out.contains("/partner add"), "{out}");
    let out = bot.invalid("/partners Narnia");
    assert!(out.contains("friendship"), "{out}");
    bot.invalid("/partner");
}

#[test]
fn search_needs_two_characters_and_stays_under_a_limit() {
    let bot = with_partners();
    bot.ok("/donation 2020-03-23 | NRW | 500 protective suits | - | note: shipped via Frankfurt");
    assert!(bot.ok("/search frankfurt").contains("D-1"));
    assert!(bot.ok("/search 100%_").contains("Nothing found"));
    bot.invalid("/search x");
    bot.invalid("/search");
    bot.invalid(&format!("/search {}", "a".repeat(300)));
}

// ---------------------------------------------------------------- /donation

#[test]
fn donation_quantities_and_values_in_every_accepted_form() {
    let bot = with_partners();
    bot.ok("/rate USD 7 2020-01-01");
    bot.ok("/rate EUR 8 2020-01-01");
    for (items, qty) in [
        ("45000 masks", "45,000"),
        ("45,000 masks", "45,000"),
        ("45 000 masks", "45,000"),
        ("4.5万 masks", "45,000"),
        ("4.5k masks", "4,500"),
    ] {
        let out = bot.ok(&format!("/donation 2020-03-26 | Japan | {items}"));
        assert!(out.contains(&format!("{qty} masks")), "{items}:\n{out}");
    }
    for (value, cny_fen) in [
        ("90000 CNY", 9_000_000i64),
        ("¥90,000", 9_000_000),
        ("90,000 yuan", 9_000_000),
        ("3.5 million yuan", 350_000_000),
        ("350万元", 350_000_000),
        ("$12,700", 8_890_000),
        ("12700 USD", 8_890_000),
        ("€500", 400_000),
    ] {
        let out = bot.ok(&format!("/donation 2020-03-26 | Japan | 10 masks | {value}"));
        let id: i64 = out.split_once("Saved D-").unwrap().1.split(':').next().unwrap().parse().unwrap();
        let stored: i64 = bot.count(&format!("SELECT cny_fen FROM donations WHERE id = {id}"));
        assert_eq!(stored, cny_fen, "{value}:\n{out}");
        let usd_cents: i64 = bot.count(&format!("SELECT usd_cents FROM donations WHERE id = {id}"));
        let expected =
            (Decimal::new(cny_fen, 2) / dec("7")).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(Decimal::new(usd_cents, 2), expected, "{value}");
    }
    // "-": not valued.
    let out = bot.ok("/donation 2020-03-26 | Japan | 10 masks | -");
    assert!(out.contains("not valued"), "{out}");
    // Money stored as text and integers, never REAL.
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE typeof(value) = 'real' OR typeof(cny_fen) = 'real'"), 0);
}

#[test]
fn donation_echo_matches_the_contract() {
    let bot = with_partners();
    bot.ok("/rate USD 7.0835 2020-01-01");
    let out = bot.ok(
        "/donation 2020-05-31 | Mantova | 100 medical goggles; 500 sets protective suits | ¥38,500 | status: delivered",
    );
    let want = usd(dec("38500") / dec("7.0835"));
    assert_eq!(
        out.lines().next().unwrap(),
        format!(
            "Saved D-1: 2020-05-31 · Mantova (IT) · 100 medical goggles; 500 sets protective suits · CNY 38,500 ({want})"
        )
    );
}

#[test]
fn donation_options() {
    let bot = with_partners();
    let out = bot.ok(
        "/donation 2020-06-10 | Mantova, NRW | 1,000 masks | - | donor: Provincial Education Department | status: pledged | fund: special fund | internal | note: two recipients",
    );
    assert!(out.starts_with("Saved D-1"), "{out}");
    let c = bot.conn();
    let (donor, status, fund, internal, note): (String, String, String, bool, String) = c
        .query_row("SELECT donor, status, fund, internal, note FROM donations WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    assert_eq!(donor, "Provincial Education Department");
    assert_eq!(status, "pledged");
    assert_eq!(fund, "special fund");
    assert!(internal);
    assert_eq!(note, "two recipients");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donation_recipients WHERE donation_id = 1"), 2);
    // Defaults: the office as donor, delivered, public.
    bot.ok("/donation 2020-06-11 | Mantova | 5 masks");
    let (donor, status, internal): (String, String, bool) = c
        .query_row("SELECT donor, status, internal FROM donations WHERE id = 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(donor, "Provincial Foreign Affairs Office");
    assert_eq!(status, "delivered");
    assert!(!internal);
    // The same recipient twice is kept once.
    bot.ok("/donation 2020-06-12 | Mantova, Mantua | 5 masks");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donation_recipients WHERE donation_id = 3"), 1);
}

#[test]
fn malformed_donations_are_explained_and_write_nothing() {
    let bot = with_partners();
    bot.ok("/rate USD 7.0835 2020-01-01");
    let cases: &[(&str, &str)] = &[
        ("/donation 2020-02-30 | Mantova | 5 masks", "2020-02-29"),
        ("/donation 2021-02-29 | Mantova | 5 masks", "2021-02-29"),
        ("/donation 30/02/2020 | Mantova | 5 masks", "DATE"),
        ("/donation 2023-01-01 | Mantova | 5 masks", "2023-01-01"),
        ("/donation 2020-03-01 | Mantova | -5 masks", "negative"),
        ("/donation 2020-03-01 | Mantova | 0 masks", "zero"),
        ("/donation 2020-03-01 | Mantova | 99999999999999999999 masks", "1,000,000,000,000"),
        ("/donation 2020-03-01 | Mantova | masks", "ITEMS"),
        ("/donation 2020-03-01 | Mantova | 5 masks | 500 XYZ", "XYZ"),
        ("/donation 2020-03-01 | Mantova | 5 masks | -500 CNY", "VALUE"),
        ("/donation 2020-03-01 | Mantova | 5 masks | lots", "VALUE"),
        ("/donation 2020-03-01 | Mantova | 5 masks | €500", "/rate EUR"),
        ("/donation 2020-03-01 | Mantova | 5 masks | 100 CNY | foo", "foo"),
        ("/donation 2020-03-01 | Mantova | 5 masks | 100 CNY | foo | bar", "foo"),
        ("/donation 2020-03-01 | Mantova | 5 masks | 100 CNY | status: lost", "lost"),
        ("/donation 2020-03-01 | Mantova | 5 masks | 100 CNY | value date: 2020-02-30", "2020-02-29"),
        ("/donation", "DATE"),
        ("/donation 2020-03-01", "RECIPIENT"),
        ("/donation 2020-03-01 | | 5 masks", "RECIPIENT"),
        ("/donation 2020-03-01 | Mantova", "ITEMS"),
        ("/donation 2020-03-01 | Mantova | - | -", "ITEMS"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 0);
}

#[test]
fn unknown_recipient_is_refused_with_the_command_that_creates_it() {
    let bot = with_partners();
    let out = bot.invalid("/donation 2020-03-01 | Atlantis City | 5 masks");
    assert!(out.contains("Atlantis City"), "{out}");
    assert!(out.contains("/partner add Atlantis City | COUNTRY | friendship"), "{out}");
    assert!(out.contains("nothing was saved"), "{out}");
    // One unknown among known ones: nothing half-saved.
    bot.invalid("/donation 2020-03-01 | Mantova, Atlantis City | 5 masks");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 0);
    // A close name is offered.
    let out = bot.invalid("/donation 2020-03-01 | Mantuva | 5 masks");
    assert!(out.contains("Mantova"), "{out}");
}

#[test]
fn huge_input_is_refused_clearly() {
    let bot = with_partners();
    let big = format!("/donation 2020-03-01 | Mantova | 5 masks | - | note: {}", "x".repeat(100 * 1024));
    let out = bot.invalid(&big);
    assert!(out.contains("too long"), "{out}");
    assert!(out.len() < 500, "the refusal echoes the input back: {} bytes", out.len());
    // Long but under the message limit: the note field says its own limit.
    let long_note = format!("/donation 2020-03-01 | Mantova | 5 masks | - | note: {}", "y".repeat(3000));
    let out = bot.invalid(&long_note);
    assert!(out.contains("note") && out.contains("2000"), "{out}");
    assert_explains(&long_note, &out);
    // 100 KB of plain text.
    let out = bot.invalid(&"字".repeat(40 * 1024));
    assert!(out.contains("too long"), "{out}");
    // Control characters in a name.
    let out = bot.invalid("/donation 2020-03-01 | Mantova | 5 masks | - | donor: a\u{7}b");
    assert!(out.contains("control"), "{out}");
}

#[test]
fn eur_without_rate_is_refused_and_cny_without_usd_rate_is_saved() {
    let bot = with_partners();
    // EUR with no EUR rate: refused, nothing written.
    let out = bot.invalid("/donation 2020-05-31 | Mantova | 5 masks | €500");
    assert!(out.contains("EUR") && out.contains("/rate EUR"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 0);

    // CNY with no USD rate: saved, USD unknown, and the reply says how to add it.
    let r = bot.ask("/donation 2020-05-31 | Mantova | 100 medical goggles | ¥38,500");
    assert_eq!(r.outcome, Outcome::Done);
    let out = r.plain();
    assert!(out.contains("USD unknown"), "{out}");
    assert!(out.contains("/rate USD"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE usd_cents IS NULL AND cny_fen = 3850000"), 1);
    let out = bot.ok("/donations");
    assert!(out.contains("USD unknown") || out.contains("no USD amount"), "{out}");

    // The USD rate arrives: the USD amount is filled, exactly.
    let out = bot.ok("/rate USD 7.0835 2020-01-01");
    assert!(out.contains("D-1"), "{out}");
    assert!(!out.contains("1 donations"), "bad plural:\n{out}");
    let want = usd(dec("38500") / dec("7.0835"));
    assert_eq!(want, "$5,435.17");
    let out = bot.ok("/donations");
    assert!(out.contains(&format!("CNY 38,500 ({want})")), "{out}");
    assert_eq!(bot.count("SELECT usd_cents FROM donations WHERE id = 1"), 543_517);
    // The fill is in the history.
    let out = bot.ok("/history D-1");
    assert!(out.contains("USD rate added"), "{out}");

    // EUR once its rate is known: declared amount, CNY, USD.
    bot.ok("/rate EUR 7.8 2020-01-01");
    let out = bot.ok("/donation 2020-05-31 | Mantova | 5 masks | €500");
    let want = usd(dec("3900") / dec("7.0835"));
    assert!(
        out.contains(&format!("€500 = CNY 3,900 ({want})")) || out.contains(&format!("EUR 500 = CNY 3,900 ({want})")),
        "{out}"
    );
}

// ---------------------------------------------------------------- /letter

#[test]
fn letters_sent_and_received() {
    let bot = with_partners();
    let out = bot.ok("/letter 2020-03-20 | sent | Jalalabad, Batangas | signed: Governor of Shanxi, Director General | kind: sympathy");
    assert!(out.starts_with("Saved L-1"), "{out}");
    let out = bot.ok(
        "/letter 2020-04-10 | received | Jalalabad | from: Mirzakhmedov Nurbolot | \"My sincere thanks: to Shanxi.\" | reply to: L-1",
    );
    assert!(out.starts_with("Saved L-2"), "{out}");
    bot.ok("/letter 2020-04-02 | received | NRW | from: Armin Laschet | “Our friendship is strong.” | kind: thanks");
    let out = bot.ok("/letters");
    assert!(out.contains("My sincere thanks: to Shanxi."), "quote with a colon lost:\n{out}");
    assert!(out.contains("Our friendship is strong."), "{out}");
    assert!(out.contains("in reply to L-1"), "{out}");
    assert!(out.contains("signed: Governor of Shanxi, Director General"), "{out}");
    assert_eq!(bot.count("SELECT in_reply_to FROM letters WHERE id = 2"), 1);
    assert_eq!(bot.count("SELECT COUNT(*) FROM letters WHERE kind = 'thanks'"), 1);
    let out = bot.ok("/letters NRW");
    assert!(out.contains("Armin Laschet") && !out.contains("Nurbolot"), "{out}");
}

#[test]
fn malformed_letters() {
    let bot = with_partners();
    bot.ok("/letter 2020-04-10 | received | Jalalabad | from: X | \"Thanks\"");
    let cases: &[(&str, &str)] = &[
        ("/letter 2020-03-20 | sent | Jalalabad", "signed"),
        ("/letter 2020-03-20 | posted | Jalalabad | signed: Governor", "posted"),
        ("/letter 2020-03-20 | received | Jalalabad | \"Thanks\"", "from"),
        ("/letter 2020-03-20 | received | Jalalabad, Batangas | from: X | \"Thanks\"", "one partner"),
        ("/letter 2020-04-10 | received | Jalalabad | from: X | \"Thanks\" | reply to: L-9", "L-9"),
        ("/letter 2020-04-10 | received | Jalalabad | from: X | \"Thanks\" | reply to: L-1", "L-1"),
        ("/letter 2020-04-10 | received | Jalalabad | from: X | \"Thanks\" | reply to: D-1", "D-1"),
        ("/letter 2020-04-10 | received | Jalalabad | from: X | \"Thanks\" | kind: angry", "angry"),
        ("/letter 2020-02-30 | sent | Jalalabad | signed: Governor", "2020-02-29"),
        ("/letter 2020-03-20 | sent | Jalalabad | signed: Governor | extra", "extra"),
        ("/letter", "DATE"),
        ("/letter 2020-03-20", "sent|received"),
        ("/letter 2020-03-20 | sent", "PARTNER"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
    // A partner that does not exist: the command to add it.
    let out = bot.invalid("/letter 2020-03-20 | sent | Ruritania Province | signed: Governor");
    assert!(out.contains("/partner add Ruritania Province"), "{out}");
}

// ---------------------------------------------------------------- /event

#[test]
fn events_with_partners_countries_and_named_participants() {
    let bot = with_partners();
    let out = bot.ok(
        "/event 2020-05-20 | video-conference | Thailand, Singapore | COVID-19 prevention | host: health commission",
    );
    assert!(out.starts_with("Saved E-1"), "{out}");
    let out = bot.ok("/event 2020-05-28 | webinar | NRW, Nihon Pharmaceutical University (Japan), Some Institute | Experience sharing");
    assert!(out.contains("Nihon Pharmaceutical University (JP)"), "{out}");
    assert!(out.contains("Some Institute"), "{out}");
    let out = bot.ok("/events Japan");
    assert!(out.contains("Experience sharing") && !out.contains("COVID-19 prevention"), "{out}");
    let out = bot.ok("/events NRW");
    assert!(out.contains("Experience sharing"), "{out}");
    bot.ok("/event 2020-03-28 | video message | Japan | Solidarity videos");
    bot.ok("/event 2020-03-29 | 视频会议 | 日本 | 中文类型");
    assert_eq!(bot.count("SELECT COUNT(*) FROM events WHERE kind = 'video-conference'"), 2);
}

#[test]
fn malformed_events() {
    let bot = with_partners();
    let cases: &[(&str, &str)] = &[
        ("/event 2020-05-20 | party | Thailand | Topic", "party"),
        ("/event 2020-05-20 | webinar | Thailand", "TOPIC"),
        ("/event 2020-05-20 | webinar", "PARTICIPANT"),
        ("/event 2020-05-20", "KIND"),
        ("/event", "DATE"),
        ("/event 2020-05-32 | webinar | Thailand | Topic", "DATE"),
        ("/event 2020-05-20 | webinar | Thailand | Topic | extra", "extra"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
    let out = bot.invalid(&format!("/event 2020-05-20 | webinar | Thailand | {}", "t".repeat(300)));
    assert!(out.contains("200"), "{out}");
}

// ---------------------------------------------------------------- /reception

#[test]
fn receptions() {
    let bot = spawn_core();
    let out = bot.ok("/reception 2020-03-31 | Taiyuan airport | 13 | Ambassadors and their families | countries: Japan, France, 日本");
    assert!(out.starts_with("Saved R-1"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM reception_countries"), 2);
    let out = bot.ok("/receptions");
    assert!(out.contains("13 guests") && out.contains("2 countries"), "{out}");
    let cases: &[(&str, &str)] = &[
        ("/reception 2020-03-31 | Taiyuan airport | 0 | Guests", "zero"),
        ("/reception 2020-03-31 | Taiyuan airport | -3 | Guests", "negative"),
        ("/reception 2020-03-31 | Taiyuan airport | 1000000 | Guests", "1000000"),
        ("/reception 2020-03-31 | Taiyuan airport | many | Guests", "COUNT"),
        ("/reception 2020-03-31 | Taiyuan airport | 13", "GUESTS"),
        ("/reception 2020-03-31 | Taiyuan airport | 13 | Guests | countries: Narnia", "Narnia"),
        ("/reception 2020-03-31", "PLACE"),
        ("/reception", "DATE"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
}

// ---------------------------------------------------------------- /partner add

#[test]
fn partners_are_added_once_per_name() {
    let bot = spawn_core();
    let out = bot.ok("/partner add Mantova | Italy | partner | aliases: Mantua, 曼托瓦 | since: 1986 | level: city | note: twin city");
    assert!(out.starts_with("Saved P-1"), "{out}");
    let out = bot.ok("/partner Mantua");
    assert!(out.contains("since 1986") && out.contains("twin city"), "{out}");
    bot.ok("/partner 添加 Lori Province | 亚美尼亚 | 友好省州");
    assert!(bot.ok("/partner Lori Province").contains("Armenia"));
    let cases: &[(&str, &str)] = &[
        ("/partner add Foo | Narnia | friendship", "Narnia"),
        ("/partner add Foo | Italy | enemy", "enemy"),
        ("/partner add Foo | Italy | partner | since: 1800", "1800"),
        ("/partner add Foo | Italy | partner | since: soon", "soon"),
        ("/partner add Foo | Italy | partner | level: galaxy", "galaxy"),
        ("/partner add Foo | Italy", "KIND"),
        ("/partner add Foo", "COUNTRY"),
        ("/partner add", "NAME"),
        ("/partner add --- | Italy | partner", "NAME"),
        ("/partner add Foo | Italy | partner | extra", "extra"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
    // A name or alias already taken: which partner has it, and how to see or rename it.
    for cmd in
        ["/partner add mantova | Italy | partner", "/partner add Mantova City | Italy | partner | aliases: MANTUA"]
    {
        let out = bot.invalid(cmd);
        assert!(out.contains("P-1") && out.contains("/edit P-1"), "{cmd}:\n{out}");
    }
    assert_eq!(bot.count("SELECT COUNT(*) FROM partners"), 2);
}

// ---------------------------------------------------------------- /rate

#[test]
fn rates_are_recorded_listed_and_checked() {
    let bot = spawn_core();
    let out = bot.ok("/rate USD 7.0835 2020-01-01");
    assert!(out.contains("1 USD = 7.0835 CNY from 2020-01-01"), "{out}");
    let out = bot.ok("/rate USD 7.1 2020-01-01");
    assert!(out.contains("7.0835"), "the replaced rate is not mentioned:\n{out}");
    bot.ok("/rate eur 7.8 2020-01-01");
    bot.ok("/汇率 JPY 0.065 2020-01-01");
    // Without a date: today (the clock's).
    bot.ok("/rate GBP 8.9");
    assert_eq!(bot.count("SELECT COUNT(*) FROM rates WHERE currency = 'GBP' AND date = '2020-07-01'"), 1);
    let out = bot.ok("/rate");
    assert!(out.contains("1 EUR = 7.8 CNY") && out.contains("1 USD = 7.1 CNY"), "{out}");
    let out = bot.ok("/rate USD");
    assert!(!out.contains("EUR"), "{out}");
    let cases: &[(&str, &str)] = &[
        ("/rate USD abc", "abc"),
        ("/rate USD -7", "-7"),
        ("/rate USD 0", "0"),
        ("/rate XYZ 7", "XYZ"),
        ("/rate CNY 1", "CNY"),
        ("/rate USD 7 2020-02-30", "2020-02-29"),
        ("/rate USD 7 2020-01-01 extra", "extra"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
    bot.invalid("/rate XYZ");
}

// ---------------------------------------------------------------- /staff, /lang, /cancel

#[test]
fn staff_management() {
    let bot = spawn_core();
    assert!(bot.ok("/staff list").contains("No staff"));
    let out = bot.ok("/staff add 123456789 staff Li Wei");
    assert!(out.contains("123456789"), "{out}");
    bot.ok("/staff add @bob:example.org admin");
    let out = bot.ok("/staff list");
    assert!(out.contains("123456789") && out.contains("Li Wei") && out.contains("@bob:example.org"), "{out}");
    let out = bot.ok("/staff add 123456789 admin");
    assert!(out.contains("changed"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM staff WHERE role = 'admin'"), 2);
    bot.ok("/staff remove 123456789");
    assert_eq!(bot.count("SELECT COUNT(*) FROM staff"), 1);
    let out = bot.invalid("/staff remove 123456789");
    assert!(out.contains("123456789") && out.contains("not on the staff list"), "{out}");
    let cases: &[(&str, &str)] = &[
        ("/staff add bob", "bob"),
        ("/staff add -5", "-5"),
        ("/staff add", "USER_ID"),
        ("/staff remove", "USER_ID"),
        ("/staff promote 5", "promote"),
    ];
    for (cmd, why) in cases {
        let out = bot.invalid(cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        assert_explains(cmd, &out);
    }
}

#[test]
fn config_admins_cannot_be_removed_in_chat() {
    let bot = spawn_with(|c| c.access.admins = vec!["42".into()]);
    assert!(bot.ok("/staff list").contains("42"));
    let out = bot.invalid("/staff remove 42");
    assert!(out.contains("config"), "{out}");
    // A config admin may manage staff.
    bot.ok_as("42", "/staff add 7 staff");
}

#[test]
fn language_choice_is_remembered_per_person() {
    let bot = spawn_core();
    assert!(bot.ok("/lang").contains("en"));
    assert!(bot.ok("/lang zh").contains("中文"));
    assert!(bot.ok("/totals").starts_with("合计"));
    // Another person still gets English.
    assert!(bot.ok_as(STRANGER, "/totals").starts_with("Totals"));
    // A client hint is used until the person chooses.
    let mut r = req_as(STRANGER, "/totals");
    r.lang_hint = Some("zh-hans".into());
    assert!(bot.send(&r).plain().starts_with("合计"));
    assert!(bot.ok("/语言 en").contains("English"));
    assert!(bot.ok("/totals").starts_with("Totals"));
    let out = bot.invalid("/lang klingon");
    assert!(out.contains("/lang en"), "{out}");
    // The default language comes from the config.
    let zh = spawn_with(|c| c.office.default_language = "zh".into());
    assert!(zh.ok("/totals").starts_with("合计"));
}

#[test]
fn cancel_without_a_dialogue_is_harmless() {
    let bot = spawn_core();
    let before = bot.counts();
    bot.ask("/cancel");
    assert_eq!(before, bot.counts());
}

#[test]
fn long_lists_page_with_previous_and_next_buttons() {
    let bot = spawn_with(|c| c.reply.max_list_items = 2);
    for day in 1..=5 {
        bot.ok(&format!("/donation 2020-03-0{day} | Germany | {day}0 masks"));
    }
    let first = bot.ask("/donations Germany 2020");
    let text = first.plain();
    assert!(text.contains("D-5") && text.contains("D-4") && !text.contains("D-3"), "newest first:\n{text}");
    assert!(text.contains("Page 1 of 3: 1–2 of 5"), "{text}");
    let data: Vec<&str> = first.buttons.iter().flatten().map(|b| b.data.as_str()).collect();
    assert_eq!(data, ["/donations Germany 2020 page:2"], "only Next on the first page");

    let second = bot.ask(data[0]);
    let text = second.plain();
    assert!(text.contains("D-3") && text.contains("D-2") && !text.contains("D-4"), "{text}");
    assert!(text.contains("Page 2 of 3: 3–4 of 5"), "{text}");
    assert!(text.contains("CNY") || text.contains("5 donations"), "the totals are the whole period's: {text}");
    let data: Vec<&str> = second.buttons.iter().flatten().map(|b| b.data.as_str()).collect();
    assert_eq!(data, ["/donations Germany 2020 page:1", "/donations Germany 2020 page:3"]);

    let last = bot.ask("/donations Germany 2020 page:3").plain();
    assert!(last.contains("D-1") && last.contains("Page 3 of 3: 5–5 of 5"), "{last}");
    let past = bot.ask("/donations Germany 2020 page:9");
    assert!(past.plain().contains("Page 3 of 3"), "a page past the end shows the last: {}", past.plain());

    // Short lists have no pager; other lists page the same way.
    let one = spawn_core();
    one.ok("/donation 2020-03-01 | Germany | 10 masks");
    let r = one.ask("/donations");
    assert!(r.buttons.is_empty() && !r.plain().contains("Page"), "{}", r.plain());
    for i in 0..3 {
        bot.ok(&format!("/event 2020-05-2{i} | webinar | Thailand | Topic {i}"));
    }
    let ev = bot.ask("/events");
    assert_eq!(ev.buttons.iter().flatten().map(|b| b.data.as_str()).collect::<Vec<_>>(), ["/events page:2"]);
    for name in ["Mantova", "Lombardy", "Bavaria"] {
        bot.ok(&format!("/partner add {name} | Italy | partner"));
    }
    bot.ok("/donation 2020-04-01 | Mantova | 10 masks");
    bot.ok("/donation 2020-04-02 | Mantova | 20 masks");
    bot.ok("/donation 2020-04-03 | Mantova | 30 masks");
    let page = bot.ok("/partner Mantova");
    assert!(page.contains("1 more not shown here: /donations Mantova lists them all."), "{page}");
    let ps = bot.ask("/partners Italy page:2");
    assert!(ps.plain().contains("Page 2 of 2: 3–3 of 3"), "{}", ps.plain());
    assert_eq!(ps.buttons.iter().flatten().map(|b| b.data.as_str()).collect::<Vec<_>>(), ["/partners Italy page:1"]);
}

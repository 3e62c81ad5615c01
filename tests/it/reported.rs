//! The figures the office publishes. Reported figures (`/reported`): what a source published, kept
//! beside the ledger; they come back word for word with their qualifiers, are never added to the
//! ledger's sums, and say how much of each the ledger itemizes. Donors (`/donors`, `donor:`), replies
//! awaited (`/letters awaiting`) and sources on every record.

use crate::common::*;
use amity::render::Outcome;
use proptest::prelude::*;
use proptest::test_runner::Config as PtConfig;

/// The article's headline figures, exactly as the article words them (the demo logs them).
const ARTICLE: &[&str] = &[
    "nearly 3.5 million yuan ($494,100) · 30 local governments · 20 countries",
    "nearly 610,000 yuan ($86,116) · 63 institutions · 30 countries",
    "478,000 masks · seven friendship provinces and states · 12 friendly partner governments · seven overseas Chinese societies",
    "44 friendship provinces and states, friendly partners and local governments",
    "seven international friendship cities and provinces",
    "more than a dozen foreign ambassadors (and their families) and representatives of international organizations",
];

/// The part of `/totals` from the ledger's own sums on (everything below the Reported section).
fn ledger_part(totals: &str) -> String {
    let start = totals.find("\nDonations\n").or_else(|| totals.find("\n捐赠\n")).expect("a donations section");
    totals[start..].to_string()
}

#[test]
fn the_article_figures_come_back_in_totals_word_for_word() {
    let bot = seeded();
    let out = bot.ok("/totals");
    for f in ARTICLE {
        assert!(out.contains(f), "{f:?} missing from /totals:\n{out}");
    }
    // Above the ledger's sums, and said to be apart from them.
    assert!(out.find("Reported figures").unwrap() < out.find("\nDonations\n").unwrap(), "{out}");
    assert!(out.contains("never added to the ledger's sums"), "{out}");
    assert!(out.contains("Source: article by Wu Shaozhong"), "{out}");
    // The ledger's own line still says what it itemizes: no reported yuan leaks into it.
    assert!(ledger_part(&out).contains("4 donations in kind, with no declared value"), "{out}");
}

#[test]
fn reconciliation_counts_match_a_hand_count() {
    let bot = seeded();
    let out = bot.ok("/reported");
    // F-1, 2020-01-22..2020-06-30, local governments = friendship and partner governments. The ledger's
    // donations in those days reached NRW (DE, friendship), Mantova (IT, partner), Ulyanovsk (RU) and
    // Canelones (UY, friendship), Sao Paulo (BR) and Bangkok (TH, partner): 6 governments in 6
    // countries, with no declared value.
    assert!(out.contains("CNY 0 of ≈CNY 3,500,000 · 6 of 30 local governments (24 not yet logged) · 6 of 20 countries (14 not yet logged)"), "{out}");
    // F-2: institutions got nothing in the ledger (Nihon Pharmaceutical University took part in a webinar).
    assert!(out.contains("CNY 0 of ≈CNY 610,000 · 0 of 63 institutions (63 not yet logged)"), "{out}");
    // F-3, June 2020: the one donation of 478,000 masks reached 2 + 2 + 2 of the 7 + 12 + 7 named.
    assert!(out.contains("478,000 of 478,000 masks · 2 of 7 friendship provinces and states (5 not yet logged) · 2 of 12 friendly partner governments (10 not yet logged) · 2 of 7 overseas Chinese societies (5 not yet logged)"), "{out}");
    // F-4: one sent letter, to Jalalabad and Batangas (both partner governments).
    assert!(
        out.contains(
            "2 of 44 friendship provinces and states, friendly partners and local governments (42 not yet logged)"
        ),
        "{out}"
    );
    // F-5: the webinar of May 28 had three friendship regions (and a university).
    assert!(out.contains("3 of 7 international friendship cities and provinces (4 not yet logged)"), "{out}");
    // F-6: 13 guests logged; "more than a dozen" is not contradicted by 13.
    assert!(out.contains("13 of >12 foreign ambassadors"), "{out}");
    assert!(!out.contains("the ledger has 1 more"), "{out}");
}

#[test]
fn reconciliation_follows_the_ledger() {
    let bot = seeded();
    bot.ok("/donation 2020-04-01 | Brest | 10,000 masks | ¥120,000");
    let out = bot.ok("/reported donations");
    // Brest is a partner government in Belarus: one more local government, country and ¥120,000.
    assert!(out.contains("CNY 120,000 of ≈CNY 3,500,000 · 7 of 30 local governments (23 not yet logged) · 7 of 20 countries (13 not yet logged)"), "{out}");
    // ... but not in June's masks report (April is outside it).
    assert!(out.contains("478,000 of 478,000 masks"), "{out}");
}

#[test]
fn chinese_figures_come_back_word_for_word() {
    let bot = seeded();
    bot.ok("/lang zh");
    let saved = bot.ok(
        "/报道 2020-06-30 | 捐赠 | 近350万元（49.41万美元） | 30个地方政府 | 20个国家 | 期间：2020-01-22..2020-06-30 | 来源：中国日报",
    );
    assert!(saved.contains("F-7"), "{saved}");
    let out = bot.ok("/合计");
    assert!(out.contains("近350万元（49.41万美元） · 30个地方政府 · 20个国家"), "{out}");
    assert!(
        out.contains("台账已记：≈350万元中已记0元 · 30个地方政府中已记6（尚有24未记） · 20个国家中已记6（尚有14未记）"),
        "{out}"
    );
    assert!(out.contains("来源：中国日报"), "{out}");
    assert!(out.contains("不计入台账合计"), "{out}");
    // The English figures stay as the English source worded them.
    assert!(out.contains("nearly 3.5 million yuan ($494,100)"), "{out}");
}

#[test]
fn every_malformed_report_gets_one_reason_and_an_example_and_writes_nothing() {
    let bot = seeded();
    let cases: &[(&str, &str)] = &[
        ("/reported 2020-06-30 | donations | 30 local governments", "source"),
        ("/reported 2020-06-30 | gifts | 30 local governments | source: x", "gifts"),
        ("/reported 2020-06-30 | donations | source: x", "FIGURES"),
        ("/reported 2020-06-30 | donations | many partners | source: x", "many partners"),
        ("/reported 2020-06-30 | donations | 0 yuan | source: x", "0 yuan"),
        ("/reported 2020-06-30 | donations | 3.5 million yuan (€400,000) | source: x", "USD"),
        ("/reported 2020-02-30 | donations | 30 local governments | source: x", "2020-02-30"),
        ("/reported 2020-06-30 | donations | 30 local governments | period: 2020-07..2020-08 | source: x", "period"),
        ("/reported 2020-06-30 | donations | 30 local governments | period: soon | source: x", "period"),
        ("/reported 2020-06-30 | donations | 30 local governments | source: x | source: y", "source"),
        ("/reported 2020-06-30 | donations | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | source: x", "12"),
    ];
    for (text, mentions) in cases {
        let plain = bot.invalid(text);
        assert_explains(text, &plain);
        assert!(plain.contains(mentions), "{text:?}: the reason does not name {mentions:?}:\n{plain}");
    }
    let before = bot.count("SELECT COUNT(*) FROM reported");
    assert_eq!(before, 6);
}

#[test]
fn a_report_is_edited_deleted_undone_and_has_a_history() {
    let bot = seeded();
    let out = bot.ok("/edit F-1 figures: about 3.6 million yuan ($508,000) | 31 local governments | 20 countries");
    assert!(out.contains("Edited F-1"), "{out}");
    let list = bot.ok("/reported donations");
    assert!(list.contains("about 3.6 million yuan ($508,000) · 31 local governments"), "{list}");
    assert!(list.contains("CNY 0 of ~CNY 3,600,000 · 6 of 31 local governments (25 not yet logged)"), "{list}");
    bot.ok("/edit F-1 source: China Daily, 2020-06-30");
    bot.ok("/edit F-1 period: 2020-03..2020-06");
    let list = bot.ok("/reported donations");
    assert!(list.contains("Source: China Daily, 2020-06-30"), "{list}");
    assert!(list.contains("2020-03-01 to 2020-06-30"), "{list}");
    // A bad figure in an edit is refused like in a new report.
    let bad = bot.invalid("/edit F-1 figures: lots");
    assert!(bad.contains("lots"), "{bad}");
    let hist = bot.ok("/history F-1");
    assert!(hist.contains("create") && hist.contains("edit"), "{hist}");
    bot.ok("/delete F-1 counted twice");
    let list = bot.ok("/reported donations");
    assert!(!list.contains("F-1 "), "{list}");
    bot.ok("/undo");
    let list = bot.ok("/reported donations");
    assert!(list.contains("F-1 "), "{list}");
}

#[test]
fn an_internal_report_is_for_staff_in_private_only() {
    let bot = seeded();
    bot.ok("/reported 2020-06-30 | donations | about 100,000 yuan | 3 local governments | source: internal briefing | internal");
    let staff = bot.ok("/reported");
    assert!(staff.contains("about 100,000 yuan"), "{staff}");
    let public = bot.ok_as(STRANGER, "/reported");
    assert!(!public.contains("about 100,000 yuan"), "{public}");
    let totals = bot.ok_as(STRANGER, "/totals");
    assert!(!totals.contains("internal briefing"), "{totals}");
    let group = bot.send(&in_group(req("/totals"))).plain();
    assert!(!group.contains("internal briefing"), "{group}");
}

#[test]
fn a_period_shows_only_the_reports_that_cover_it() {
    let bot = seeded();
    let may = bot.ok("/reported 2020-05");
    assert!(may.contains("F-1 ") && may.contains("F-5 "), "{may}");
    assert!(!may.contains("F-3 "), "June's masks report is not about May:\n{may}");
    let later = bot.ok("/reported 2021");
    assert!(later.contains("No reported figures for this period."), "{later}");
    let totals = bot.ok("/totals 2021");
    assert!(!totals.contains("Reported figures"), "{totals}");
}

#[test]
fn strangers_may_read_but_not_log_reports() {
    let bot = seeded();
    bot.ok_as(STRANGER, "/reported");
    bot.refused_as(STRANGER, "/reported 2020-06-30 | donations | 3 local governments | source: x");
}

#[test]
fn any_record_may_carry_a_source() {
    let bot = seeded();
    let saved = bot.ok("/donation 2020-04-01 | Brest | 10,000 masks | ¥120,000 | source: https://example.org/brest");
    assert!(saved.contains("Saved D-5"), "{saved}");
    let out = bot.ok("/donations Belarus");
    assert!(out.contains("Source: https://example.org/brest"), "{out}");
    bot.ok("/edit D-5 source: Brest State Council letter of thanks");
    let hist = bot.ok("/history D-5");
    assert!(hist.contains("Source: https://example.org/brest → Brest State Council letter of thanks"), "{hist}");
    bot.ok("/letter 2020-04-20 | sent | Brest | signed: Governor of Shanxi | source: archive 2020/17");
    assert!(bot.ok("/letters Brest").contains("Source: archive 2020/17"));
}

proptest! {
    #![proptest_config(PtConfig { cases: 24, failure_persistence: None, ..PtConfig::default() })]

    /// Whatever figures are reported, the ledger's own totals stay exactly what they were.
    #[test]
    fn reported_figures_never_change_the_ledgers_totals(
        figures in prop::collection::vec(
            prop_oneof![
                (1u64..100_000_000, prop::sample::select(&["yuan", "USD", "万元", "euros"][..]))
                    .prop_map(|(n, c)| format!("nearly {n} {c}")),
                (1u64..100_000, prop::sample::select(&["local governments", "countries", "masks", "个国家", "institutions"][..]))
                    .prop_map(|(n, w)| format!("{n} {w}")),
            ],
            1..5,
        ),
        of in prop::sample::select(&["donations", "letters", "events", "receptions"][..]),
    ) {
        let bot = seeded();
        let before: Vec<String> = ["/totals", "/donations", "/countries", "/letters", "/donations Germany"]
            .iter().map(|q| bot.ok(q)).collect();
        let r = bot.ask(&format!("/reported 2020-06-30 | {of} | {} | source: test", figures.join(" | ")));
        prop_assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
        let after: Vec<String> = ["/totals", "/donations", "/countries", "/letters", "/donations Germany"]
            .iter().map(|q| bot.ok(q)).collect();
        prop_assert_eq!(ledger_part(&before[0]), ledger_part(&after[0]));
        prop_assert_eq!(&before[1..], &after[1..]);
    }
}

#[test]
fn donors_are_listed_with_a_tally_and_filtered_even_when_a_partner_has_a_similar_name() {
    let bot = seeded();
    bot.ok("/donation 2020-04-01 | Brest | 10,000 masks | ¥120,000 | donor: Provincial Education Department");
    bot.ok("/donation 2020-04-03 | Tajikistan | 2,000 protective suits | ¥80,000 | donor: Shanxi Coal Import & Export Group");
    bot.ok("/donation 2020-04-05 | France | 500 protective suits | ¥20,000 | donor: Shanxi Coal Import & Export Group");
    let out = bot.ok("/donors");
    assert!(out.contains("3 donors."), "{out}");
    let edu = out
        .find("Provincial Education Department · one donation, CNY 120,000, one recipient · one country")
        .expect(&out);
    let coal = out
        .find("Shanxi Coal Import & Export Group · 2 donations, CNY 100,000, 2 recipients · 2 countries")
        .expect(&out);
    let fao = out
        .find("Provincial Foreign Affairs Office · 4 donations, not valued, 10 recipients · 10 countries")
        .expect(&out);
    assert!(edu < coal && coal < fao, "most money first:\n{out}");
    // "Shanxi" is also the start of a partner's name (Shanxi communities in Toronto): donor: means a donor.
    let coal = bot.ok("/donations donor: shanxi coal");
    assert!(coal.contains("2 donations: CNY 100,000"), "{coal}");
    assert!(coal.contains("D-6") && coal.contains("D-7") && !coal.contains("Toronto"), "{coal}");
    let by_period = bot.ok("/donors 2020-04-04..2020-04-30");
    assert!(
        by_period.contains("One donor.")
            && by_period.contains("Shanxi Coal Import & Export Group · one donation, CNY 20,000"),
        "{by_period}"
    );
    // A typo is answered with the closest donor, as a button.
    let r = bot.ask("/donations donor: Educaton Dept");
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.plain().contains("Did you mean: Provincial Education Department?"), "{}", r.plain());
    assert!(r.buttons.iter().flatten().any(|b| b.data == "/donations donor: Provincial Education Department"));
    // A part of two names asks which.
    let r = bot.ask("/donations donor: provincial");
    assert!(r.plain().contains("matches several donors"), "{}", r.plain());
    // In Chinese.
    bot.ok("/lang zh");
    let zh = bot.ok("/捐赠方");
    assert!(zh.contains("共 3 个捐赠方。"), "{zh}");
    let zh = bot.ok("/捐赠 捐赠方：Provincial Education Department");
    assert!(zh.contains("D-5"), "{zh}");
}

#[test]
fn a_donor_only_internal_records_name_is_unknown_to_the_public() {
    let bot = seeded();
    bot.ok("/donation 2020-04-01 | Brest | 10 masks | ¥100 | donor: Secret Fund Office | internal");
    assert!(bot.ok("/donors").contains("Secret Fund Office"));
    assert!(!bot.ok_as(STRANGER, "/donors").contains("Secret Fund Office"));
    let r = bot.ask_as(STRANGER, "/donations donor: Secret Fund Office");
    assert_eq!(r.outcome, Outcome::Invalid, "{}", r.plain());
    assert!(!r.plain().contains("D-5"), "{}", r.plain());
}

#[test]
fn awaited_letters_follow_links_and_later_replies() {
    let bot = seeded();
    // The seed's one sent letter (L-1, to Jalalabad and Batangas) has its two replies linked.
    let out = bot.ok("/letters awaiting");
    assert!(
        out.contains("Partners written to: 2; replied: 2.") && out.contains("Every partner written to has replied."),
        "{out}"
    );
    // A letter to Brest and Mantova: Brest's thanks of May 15 came after it, so Brest replied.
    bot.ok("/letter 2020-04-20 | sent | Brest, Mantova | signed: Governor of Shanxi");
    bot.ok("/letter 2020-03-01 | sent | Sao Paulo | signed: Governor of Shanxi");
    let out = bot.ok("/letters awaiting");
    assert!(out.contains("Partners written to: 5; replied: 3."), "{out}");
    let sao = out.find("L-7 · 2020-03-01 · sympathy · Sao Paulo (BR)\n  waiting 122 days").expect(&out);
    let mantova = out.find("L-6 · 2020-04-20 · sympathy · Mantova (IT)\n  waiting 72 days").expect(&out);
    assert!(sao < mantova, "oldest first:\n{out}");
    assert!(!out.contains("Brest (BY)"), "{out}");
    // A reply dated before the letter is not its answer; one linked to it is, whatever its date.
    bot.ok("/letter 2020-02-01 | received | Sao Paulo | from: Governor of Sao Paulo | \"Thank you\"");
    assert!(bot.ok("/letters awaiting").contains("Sao Paulo"));
    bot.ok("/letter 2020-02-02 | received | Sao Paulo | from: Governor of Sao Paulo | \"Answer\" | reply to: L-7");
    let out = bot.ok("/letters awaiting");
    assert!(!out.contains("Sao Paulo") && out.contains("Mantova"), "{out}");
    // A filter narrows to its own partners.
    let belarus = bot.ok("/letters awaiting Belarus");
    assert!(belarus.contains("Every partner written to has replied."), "{belarus}");
    let italy = bot.ok("/letters awaiting Italy");
    assert!(italy.contains("Mantova") && italy.contains("Partners written to: 1; replied: 0."), "{italy}");
    // /letters gives the reply rate.
    assert!(bot.ok("/letters").contains("Partners written to: 5; replied: 4."));
    // In Chinese.
    bot.ok("/lang zh");
    let zh = bot.ok("/信函 待回复");
    assert!(zh.contains("L-6 · 2020-04-20 · 慰问信 · Mantova (IT)\n  已等待 72 天"), "{zh}");
}

proptest! {
    #![proptest_config(PtConfig { cases: 24, failure_persistence: None, ..PtConfig::default() })]

    /// What the ledger itemizes of a report, read from the per-day running sums, equals the same
    /// computed from the tables, whatever happened to the donations and partners since.
    #[test]
    fn reconciliation_from_the_running_sums_equals_the_tables(
        ops in prop::collection::vec(0u8..15, 1..30),
        period in prop::sample::select(vec!["", " | period: 2020-03-02..2020-03-04", " | period: 2020-03", " | period: 2020-03-03..2020-03-03"]),
    ) {
        let bot = seeded();
        bot.ok("/rate EUR 7.8 2020-01-01");
        for figures in [
            "about 1,000 yuan | 3 local governments | 2 countries | 500 masks",
            "$30 | 2 overseas Chinese societies | 3 countries | 9 masks",
            "10 recipients | 4 countries | 100 goggles | ¥2,000",
        ] {
            let r = bot.ask(&format!("/reported 2020-03-31 | donations | {figures} | source: test{period}"));
            prop_assert!(r.is_ok(), "{}", r.plain());
        }
        // After every change, each report's kept reconciliation (brought up to date from what changed)
        // equals the tables.
        let check = |bot: &Bot| -> Result<(), TestCaseError> {
            let conn = bot.conn();
            let ids: Vec<i64> = conn.prepare("SELECT id FROM reported WHERE of = 'donations' AND deleted_at IS NULL").unwrap()
                .query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            for id in ids {
                let rep = amity::store::records::get_reported(&conn, id).unwrap().unwrap();
                for staff in [false, true] {
                    let kept = bot.core.with_store_locked(|s| s.itemized_kept(staff, &rep)).unwrap();
                    let slow = amity::store::reports::itemized_from_tables(&conn, staff, &rep).unwrap();
                    prop_assert_eq!(&kept, &slow, "kept F-{} staff={}", id, staff);
                }
            }
            Ok(())
        };
        check(&bot)?;
        let mut n = 4;
        for op in ops {
            let id = format!("D-{}", (op as usize % n) + 1);
            let text = match op {
                0 => "/donation 2020-03-01 | Nordrhein-Westfalen | 500 masks | 1000 CNY".to_string(),
                1 => "/donation 2020-03-02 | Japan, Mantova | 45,000 masks; 3 boxes gloves | 25 USD".to_string(),
                2 => "/donation 2020-03-03 | Bangkok, Shanxi communities in Toronto | 100 goggles | €500 | internal".to_string(),
                3 => format!("/edit {id} items: 7 boxes gloves; 9 masks"),
                4 => format!("/edit {id} visibility: internal"),
                5 => format!("/delete {id} test"),
                6 => "/undo".to_string(),
                7 => format!("/edit {id} recipient: Mantova, Brazil"),
                8 => "/edit P-2 kind: friendship".to_string(),
                9 => "/edit P-2 kind: partner".to_string(),
                10 => format!("/edit {id} date: 2020-03-04"),
                12 => "/undo".to_string(),
                13 => "/edit P-2 kind: overseas-chinese".to_string(),
                _ => "/donation 2020-03-04 | Canada | 5 masks | ¥100".to_string(),
            };
            let r = bot.ask(&text);
            if matches!(op, 0 | 1 | 2 | 11) && r.is_ok() {
                n += 1;
            }
            check(&bot)?;
        }
        let conn = bot.conn();
        let ids: Vec<i64> = conn.prepare("SELECT id FROM reported WHERE of = 'donations'").unwrap()
            .query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        for id in ids {
            let rep = amity::store::records::get_reported(&conn, id).unwrap().unwrap();
            for staff in [false, true] {
                let fast = amity::store::reports::itemized(&conn, staff, &rep).unwrap();
                let slow = amity::store::reports::itemized_from_tables(&conn, staff, &rep).unwrap();
                prop_assert_eq!(&fast, &slow, "F-{} staff={}: {:?}", id, staff, rep.figures.iter().map(|f| &f.text).collect::<Vec<_>>());
            }
        }
    }
}

#[test]
fn a_kept_reconciliation_is_reckoned_again_when_a_write_touches_its_days() {
    let bot = seeded();
    let line = |out: &str, id: &str| {
        let start = out.find(&format!("• {id} ")).unwrap_or_else(|| panic!("no {id}:\n{out}"));
        out[start..].lines().find(|l| l.contains("In the ledger")).unwrap().to_string()
    };
    let first = bot.ok("/totals");
    assert!(line(&first, "F-1").contains("6 of 30 local governments"), "{first}");
    // Outside F-1's days (and every report's): the kept answer stands, and is still right.
    bot.ok("/donation 2021-03-01 | Brest | 10 masks | ¥100");
    assert_eq!(line(&bot.ok("/totals"), "F-1"), line(&first, "F-1"));
    // Inside its days: reckoned again.
    bot.ok("/donation 2020-04-01 | Brest | 10 masks | ¥100");
    assert!(line(&bot.ok("/totals"), "F-1").contains("CNY 100 of ≈CNY 3,500,000 · 7 of 30 local governments"));
    // A partner of those days changing kind moves it out of "local governments".
    bot.ok("/edit P-5 kind: institution");
    let out = bot.ok("/totals");
    assert!(line(&out, "F-1").contains("CNY 0 of ≈CNY 3,500,000 · 6 of 30 local governments"), "{out}");
    assert!(line(&out, "F-2").contains("CNY 100 of ≈CNY 610,000 · 1 of 63 institutions"), "{out}");
    // Undone, and a date edit moving a donation out of the days.
    bot.ok("/undo");
    assert!(line(&bot.ok("/totals"), "F-1").contains("7 of 30 local governments"));
    bot.ok("/edit D-6 date: 2021-04-01");
    assert!(line(&bot.ok("/totals"), "F-1").contains("6 of 30 local governments"));
    // Another process writing the same file: the kept answer follows it too.
    let out =
        amity().args(["ask", "--db"]).arg(&bot.db).arg("/donation 2020-05-01 | Brest | 1 mask | ¥5").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(line(&bot.ok("/totals"), "F-1").contains("CNY 5 of ≈CNY 3,500,000 · 7 of 30 local governments"));
}

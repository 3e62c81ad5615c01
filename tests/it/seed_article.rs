//! The seed article's records, logged through the commands exactly as typed (demo/seed-article.txt),
//! must come back with the article's own figures.

use crate::common::*;
use amity::render::Outcome;

#[test]
fn every_seed_line_is_saved_with_an_id() {
    let bot = spawn_core();
    let mut saved = 0;
    for line in amity::demo::commands(amity::demo::SEED_SCRIPT) {
        let r = bot.ask(line);
        assert_eq!(r.outcome, Outcome::Done, "{line}\n{}", r.plain());
        let plain = r.plain();
        if !line.starts_with("/rate") {
            assert!(plain.starts_with("Saved "), "{line}\n{plain}");
        }
        saved += 1;
    }
    assert_eq!(saved, 37);
    assert_eq!(bot.count("SELECT COUNT(*) FROM partners"), 16);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 4);
    assert_eq!(bot.count("SELECT COUNT(*) FROM letters"), 5);
    assert_eq!(bot.count("SELECT COUNT(*) FROM events"), 4);
    assert_eq!(bot.count("SELECT COUNT(*) FROM receptions"), 1);
    assert_eq!(bot.count("SELECT COUNT(*) FROM reported"), 6);
    // Every record has its creation in the history.
    assert_eq!(bot.count("SELECT COUNT(*) FROM changes WHERE action = 'create'"), 16 + 4 + 5 + 4 + 1 + 6);
}

#[test]
fn germany_got_500_protective_suits_in_nrw() {
    let bot = seeded();
    for q in ["/donations Germany", "/donations Deutschland", "/donations 德国", "/donations DE", "/donations nrw"] {
        let out = bot.ok(q);
        assert!(out.contains("500 protective suits"), "{q}:\n{out}");
        assert!(out.contains("Nordrhein-Westfalen (DE)"), "{q}:\n{out}");
        assert!(out.contains("2020-03-23"), "{q}:\n{out}");
        assert!(!out.contains("masks"), "{q} shows other countries' donations:\n{out}");
    }
}

#[test]
fn japan_and_korea_got_45000_masks() {
    let bot = seeded();
    for q in [
        "/donations Japan",
        "/donations ROK",
        "/donations 韩国",
        "/donations South Korea",
        "/donations Republic of Korea",
    ] {
        let out = bot.ok(q);
        assert!(out.contains("45,000 masks"), "{q}:\n{out}");
        assert!(out.contains("2020-03-26"), "{q}:\n{out}");
        assert!(out.contains("Japan") && out.contains("Korea"), "{q}:\n{out}");
        assert!(!out.contains("478,000"), "{q} shows the special fund's masks:\n{out}");
    }
}

#[test]
fn mantova_page_shows_goggles_and_suits() {
    let bot = seeded();
    for q in ["/partner Mantova", "/partner mantua", "/partner 曼托瓦"] {
        let out = bot.ok(q);
        assert!(out.contains("100 medical goggles"), "{q}:\n{out}");
        assert!(out.contains("500 sets protective suits"), "{q}:\n{out}");
        assert!(out.contains("2020-05-31"), "{q}:\n{out}");
        assert!(out.contains("Italy"), "{q}:\n{out}");
    }
}

#[test]
fn nrw_page_is_found_by_alias_and_spelling() {
    let bot = seeded();
    for q in ["/partner NRW", "/partner nordrhein westfalen", "/partner Nordrhein-Westfalen", "/partner 北威州"] {
        let out = bot.ok(q);
        assert!(out.starts_with("Nordrhein-Westfalen (Germany)"), "{q}:\n{out}");
        assert!(out.contains("500 protective suits"), "{q}:\n{out}");
        assert!(out.contains("Armin Laschet"), "{q}:\n{out}");
        assert!(out.contains("more than 30 years"), "{q}:\n{out}");
    }
}

#[test]
fn letters_carry_the_four_quotes() {
    let bot = seeded();
    let out = bot.ok("/letters");
    assert!(out.contains("Sent: one letter to 2 partners."), "{out}");
    assert!(out.contains("Received: 4 letters from 4 partners."), "{out}");
    for quote in [
        // Replies to the letters of sympathy.
        "My sincere thanks to Shanxi for its sympathy and concern.",
        "Sincerity and respect from Shanxi have inspired confidence and courage from our people.",
        // Thanks for the donations.
        "NRW has been enjoying affinity with Shanxi for more than 30 years.",
        "Only unity and collaboration can beat such a complex and severe pandemic.",
    ] {
        assert!(out.contains(quote), "missing quote {quote:?}:\n{out}");
    }
    for who in ["Mirzakhmedov Nurbolot", "Hermilando Mandanas", "Armin Laschet", "Anatoly Lis"] {
        assert!(out.contains(who), "missing author {who}:\n{out}");
    }
    assert!(out.contains("Jalalabad (KG)") && out.contains("Batangas (PH)"), "{out}");
    assert!(out.contains("in reply to L-1"), "{out}");
    // Filtered by country and by partner.
    let kg = bot.ok("/letters Kyrgyzstan");
    assert!(kg.contains("My sincere thanks") && !kg.contains("Anatoly Lis"), "{kg}");
    let by = bot.ok("/letters Brest");
    assert!(by.contains("Only unity and collaboration") && !by.contains("Batangas Province"), "{by}");
}

#[test]
fn may_2020_events() {
    let bot = seeded();
    let out = bot.ok("/events 2020-05");
    assert!(out.contains("2020-05-20"), "{out}");
    assert!(out.contains("video conference"), "{out}");
    assert!(out.contains("Thailand") && out.contains("Singapore"), "{out}");
    assert!(out.contains("2020-05-28"), "{out}");
    assert!(out.contains("webinar"), "{out}");
    for p in ["Moravian-Silesian Region", "Mombasa County", "Lori Province", "Nihon Pharmaceutical University"] {
        assert!(out.contains(p), "missing participant {p}:\n{out}");
    }
    // June's and March's events are outside the period.
    assert!(!out.contains("Jincheng") && !out.contains("2020-03-28"), "{out}");
    assert!(out.contains("2 events"), "{out}");
}

#[test]
fn totals_count_distinct_recipients_and_countries() {
    let bot = seeded();
    let out = bot.ok("/totals");
    // NRW, Ulyanovsk, Canelones; Mantova, Sao Paulo, Bangkok; Toronto, Sabah; Japan and Korea directly.
    assert!(out.contains("4 donations"), "{out}");
    assert!(out.contains("3 friendship provinces and states"), "{out}");
    assert!(out.contains("3 partner governments"), "{out}");
    assert!(out.contains("2 overseas Chinese societies"), "{out}");
    assert!(out.contains("2 overseas Chinese societies and 2 countries directly (no partner named)"), "{out}");
    // DE, JP, KR, IT, RU, UY, BR, TH, CA, MY.
    assert!(out.contains("in 10 countries"), "{out}");
    // 45,000 + 478,000 masks, as in commands.md.
    assert!(out.contains("523,000 masks"), "{out}");
    assert!(out.contains("100 medical goggles"), "{out}");
    assert!(out.contains("Sent: one letter to 2 partners."), "{out}");
    assert!(out.contains("Received: 4 letters from 4 partners."), "{out}");
    assert!(out.contains("4 events"), "{out}");
    assert!(out.contains("One reception of 13 guests"), "{out}");
    // None of the seed donations is valued: the total must not claim a value of zero.
    assert!(!out.contains("CNY 0 ($0)"), "unvalued donations shown as worth nothing:\n{out}");

    // The same figures from the database, independently.
    assert_eq!(
        bot.count(
            "SELECT COUNT(DISTINCT COALESCE('p' || partner_id, 'c' || country)) FROM donation_recipients r
             JOIN donations d ON d.id = r.donation_id WHERE d.deleted_at IS NULL"
        ),
        10
    );
    assert_eq!(bot.count("SELECT COUNT(DISTINCT country) FROM donation_recipients"), 10);
}

#[test]
fn totals_by_period() {
    let bot = seeded();
    let march = bot.ok("/totals 2020-03");
    assert!(march.contains("2 donations"), "{march}");
    assert!(march.contains("45,000 masks") && march.contains("500 protective suits"), "{march}");
    assert!(!march.contains("goggles"), "{march}");
    let range = bot.ok("/totals 2020-05-01..2020-05-31");
    assert!(range.contains("One donation") && range.contains("goggles"), "{range}");
    let since = bot.ok("/totals since 2020-06-01");
    assert!(since.contains("478,000 masks"), "{since}");
    assert!(since.contains("One donation"), "{since}");
}

#[test]
fn countries_list_shared_donations_under_each_country() {
    let bot = seeded();
    let out = bot.ok("/countries");
    for c in ["Germany (DE)", "Japan (JP)", "South Korea (KR)", "Italy (IT)", "Brazil (BR)", "Kyrgyzstan (KG)"] {
        assert!(out.contains(c), "missing {c}:\n{out}");
    }
    let japan = out.lines().find(|l| l.contains("(JP)")).unwrap();
    assert!(japan.contains("shared"), "{japan}");
}

#[test]
fn chinese_totals() {
    let bot = seeded();
    assert!(bot.ok("/lang zh").contains("中文"));
    let out = bot.ok("/totals");
    assert!(out.starts_with("合计"), "{out}");
    assert!(out.contains("捐赠") && out.contains("信函") && out.contains("接待"), "{out}");
    assert!(out.contains("共 4 笔"), "{out}");
    assert!(out.contains("10 个国家"), "{out}");
    assert!(!out.contains("Donations") && !out.contains("Letters"), "English left in the Chinese reply:\n{out}");
    // Chinese command names work as well.
    let de = bot.ok("/捐赠 德国");
    assert!(de.contains("500 protective suits"), "{de}");
    let nrw = bot.ok("/伙伴 北威州");
    assert!(nrw.contains("德国"), "{nrw}");
}

#[test]
fn search_finds_quotes_and_names() {
    let bot = seeded();
    let out = bot.ok("/search goggles");
    assert!(out.contains("D-3"), "{out}");
    let out = bot.ok("/search heart-to-heart");
    assert!(out.contains("L-4"), "{out}");
    let out = bot.ok("/search Taiyuan");
    assert!(out.contains("R-1"), "{out}");
}

#[test]
fn partners_and_receptions_lists() {
    let bot = seeded();
    let out = bot.ok("/partners");
    assert!(out.contains("16 partners"), "{out}");
    let it = bot.ok("/partners Italy");
    assert!(it.contains("Mantova") && !it.contains("Nordrhein"), "{it}");
    let fr = bot.ok("/partners friendship");
    assert!(fr.contains("Ulyanovsk") && !fr.contains("Mantova"), "{fr}");
    let r = bot.ok("/receptions 2020");
    assert!(r.contains("Taiyuan airport") && r.contains("13"), "{r}");
}

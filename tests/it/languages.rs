//! Both languages: every command, well-formed or not, answered in English and in Chinese without a
//! missing message (a missing Fluent message renders as ⟨id⟩; `common::check_reply` rejects it).

use crate::common::*;
use amity::render::Outcome;

/// Every command form, valid and malformed, against the seeded ledger.
const COMMANDS: &[&str] = &[
    "/start",
    "/help",
    "/help donation",
    "/help letter",
    "/help event",
    "/help reception",
    "/help partner",
    "/help rate",
    "/help staff",
    "/help undo",
    "/help edit",
    "/help delete",
    "/help history",
    "/help totals",
    "/help nope",
    "/help zh",
    "/help en",
    "/totals",
    "/totals 2020",
    "/totals 2020-05",
    "/totals last month",
    "/totals this week",
    "/totals since 2020-04-01",
    "/totals 2020-03-01..2020-05-31",
    "/totals 2020-13",
    "/donations",
    "/donations Germany",
    "/donations 德国",
    "/donations masks",
    "/donations Germny",
    "/donations Provincial Foreign Affairs Office",
    "/letters",
    "/letters NRW",
    "/events",
    "/events 2020-05",
    "/events Japan",
    "/receptions",
    "/receptions 2020",
    "/partners",
    "/partners Italy",
    "/partners friendship",
    "/partners Narnia",
    "/partner NRW",
    "/partner Mantova",
    "/partner Xyzzy",
    "/partner",
    "/countries",
    "/countries 2020-05",
    "/search masks",
    "/search x",
    "/search zzzz",
    "/rate",
    "/rate USD",
    "/rate EUR 7.8 2020-01-01",
    "/rate USD 7.0835 2020-01-01",
    "/rate XYZ 7",
    "/rate CNY 1",
    "/rate USD abc",
    "/donation 2020-05-31 | Mantova | 10 masks | ¥7,000",
    "/donation 2020-06-01 | Mantova | 10 masks | €100 | donor: Provincial Education Department | status: shipped | fund: special fund | internal | note: n",
    "/donation 2020-02-30 | Mantova | 5 masks",
    "/donation 2020-03-01 | Mantova | -5 masks",
    "/donation 2020-03-01 | Mantova | 0 masks",
    "/donation 2020-03-01 | Mantova | 99999999999999999999 masks",
    "/donation 2020-03-01 | Mantova | 5 masks | 500 XYZ",
    "/donation 2020-03-01 | Mantova | 5 masks | £500",
    "/donation 2020-03-01 | Atlantis | 5 masks",
    "/donation 2020-03-01 | Mantuva | 5 masks",
    "/donation 2020-03-01 | Mantova | 5 masks | 1 CNY | extra",
    "/donation 2020-03-01 | Mantova | 5 masks | 1 CNY | status: lost",
    "/donation 2020-03-01 | Mantova",
    "/donation 2030-03-01 | Mantova | 5 masks",
    "/donation",
    "/letter 2020-03-20 | sent | Jalalabad | signed: Governor",
    "/letter 2020-04-10 | received | Batangas | from: Mayor | \"Thanks\" | reply to: L-1",
    "/letter 2020-03-20 | sent | Jalalabad",
    "/letter 2020-03-20 | posted | Jalalabad",
    "/letter 2020-03-20 | received | Jalalabad, Batangas | from: X",
    "/letter 2020-03-20 | received | Jalalabad | from: X | \"Q\" | reply to: L-99",
    "/letter 2020-03-20 | received | Jalalabad | from: X | \"Q\" | reply to: zz",
    "/letter 2020-03-20 | sent | Nowhere Land | signed: Governor",
    "/letter",
    "/event 2020-05-20 | webinar | Thailand, Some University (Japan) | Topic | host: Health commission",
    "/event 2020-05-20 | party | Thailand | Topic",
    "/event 2020-05-20 | webinar | Thailand",
    "/event",
    "/reception 2020-03-31 | Taiyuan airport | 13 | Guests | countries: Japan",
    "/reception 2020-03-31 | Taiyuan airport | 0 | Guests",
    "/reception 2020-03-31 | Taiyuan airport | 1000000 | Guests",
    "/reception 2020-03-31 | Taiyuan airport | 13 | Guests | countries: Narnia",
    "/reception",
    "/partner add Testland Province | Italy | friendship | aliases: TP | since: 1999 | level: province",
    "/partner add Mantova | Italy | partner",
    "/partner add Foo | Narnia | partner",
    "/partner add Foo | Italy | enemy",
    "/partner add Foo | Italy | partner | since: 1800",
    "/partner add Foo | Italy | partner | level: galaxy",
    "/partner add",
    "/edit D-1 status: shipped",
    "/edit D-1 status: shipped",
    "/edit D-1 colour: red",
    "/edit D-1 status: lost",
    "/edit D-99 status: shipped",
    "/edit X-1 status: shipped",
    "/edit D-1",
    "/edit L-1 kind: thanks",
    "/edit E-1 topic: New topic",
    "/edit R-1 count: 14",
    "/edit P-1 level: city",
    "/history D-1",
    "/history L-1",
    "/history P-1",
    "/history D-99",
    "/history zz",
    "/delete D-1",
    "/delete D-1 entered twice",
    "/delete D-1 again",
    "/edit D-1 status: pledged",
    "/undo",
    "/undo",
    "/staff",
    "/staff list",
    "/staff add 123456789 staff Li Wei",
    "/staff add 123456789 admin",
    "/staff remove 123456789",
    "/staff remove 123456789",
    "/staff add bob",
    "/staff frob",
    "/lang",
    "/lang klingon",
    "/cancel",
    "/export",
    "/export pdf",
    "/export csv",
    "/export xlsx donations 2020",
    "/export csv letters 2099",
    "/export csv Germany",
    "/nosuchcommand",
    "/dontaions",
    "hello",
    "",
];

fn run_all(bot: &Bot, user: Option<&str>, zh: bool) {
    for cmd in COMMANDS {
        let r = match user {
            Some(u) => bot.ask_as(u, cmd),
            None => bot.ask(cmd),
        };
        let plain = r.plain();
        if zh && !cmd.starts_with("/help en") {
            assert!(
                plain.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "no Chinese in the reply to {cmd:?}:\n{plain}"
            );
        }
        if r.outcome != Outcome::Done
            && matches!(cmd.split_whitespace().next(), Some("/donation" | "/letter" | "/event" | "/reception"))
            && user.is_none()
        {
            assert!(
                plain.contains(if zh { "例如" } else { "Example" })
                    || plain.contains("/partner add")
                    || plain.contains("/伙伴 添加"),
                "{cmd}:\n{plain}"
            );
        }
    }
}

#[test]
fn every_command_in_english() {
    let bot = seeded();
    run_all(&bot, None, false);
    let stranger = seeded();
    run_all(&stranger, Some(STRANGER), false);
}

#[test]
fn every_command_in_chinese() {
    let bot = seeded();
    bot.ok("/lang zh");
    run_all(&bot, None, true);
    let stranger = seeded();
    stranger.ok_as(STRANGER, "/lang zh");
    run_all(&stranger, Some(STRANGER), true);
}

#[test]
fn chinese_replies_of_the_main_answers() {
    let bot = seeded();
    bot.ok("/lang zh");
    let out = bot.ok("/donations 德国");
    assert!(out.contains("德国") && out.contains("500 protective suits"), "{out}");
    let out = bot.ok("/countries");
    assert!(out.contains("日本 (JP)"), "{out}");
    let out = bot.ok("/记捐赠 2020-05-31 | Mantova | 10 masks | 3.85万元");
    assert!(out.contains("3.85万元"), "{out}");
    let out = bot.invalid("/记捐赠 2020-02-30 | Mantova | 5 masks");
    assert!(out.contains("例如") && out.contains("2020-02-29"), "{out}");
    let out = bot.refused_as(STRANGER, "/记捐赠 2020-05-31 | Mantova | 10 masks");
    assert!(out.contains(STRANGER), "{out}");
    bot.ok_as(STRANGER, "/lang zh");
    let out = bot.refused_as(STRANGER, "/记捐赠 2020-05-31 | Mantova | 10 masks");
    assert!(out.contains("您的ID是 987654321"), "{out}");
}

#[test]
fn every_command_has_its_help_in_both_languages() {
    // `/help NAME` shows the command's line and its full form; a command added without them would show
    // a missing-message marker (checked for every reply by `common::check_reply`).
    let bot = seeded();
    for c in amity::commands::COMMANDS {
        let en = bot.ok(&format!("/help {}", c.name));
        assert!(en.contains(&format!("/{}", c.name)), "{}: {en}", c.name);
        let mut zh = req(&format!("/帮助 {}", c.name));
        zh.lang_hint = Some("zh".into());
        let r = bot.send(&zh);
        check_reply(&zh.text, &r);
        assert!(r.is_ok(), "{}: {}", c.name, r.plain());
    }
}

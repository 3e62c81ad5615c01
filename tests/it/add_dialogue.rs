//! The guided `/add` dialogue: one question at a time, defaults, buttons, the confirmation card,
//! Save / Edit / Cancel, validation of each answer, state kept in SQLite across a restart, and two
//! people in one group never sharing a dialogue.

use crate::common::*;
use amity::render::Outcome;
use amity::{ChatKind, Config, Request};

fn in_chat(id: &str, chat: &str, text: &str) -> Request {
    let mut r = req_as(id, text);
    r.chat = chat.to_string();
    r
}

fn button_data(r: &amity::Reply) -> Vec<String> {
    r.buttons.iter().flatten().map(|b| b.data.clone()).collect()
}

#[test]
fn a_donation_logged_step_by_step_is_saved_once_and_matches_the_one_line_form() {
    let bot = seeded();
    bot.make_staff(STAFF);
    let r = bot.ask_as(STAFF, "/add");
    assert!(button_data(&r).contains(&"donation".to_string()), "{}", r.plain());
    let r = bot.ask_as(STAFF, "donation");
    assert!(r.plain().contains("Date?"), "{}", r.plain());
    assert!(button_data(&r).contains(&"2020-07-01".to_string()), "today's date is a button: {:?}", button_data(&r));
    let r = bot.ask_as(STAFF, "2020-05-31");
    assert!(r.plain().contains("To whom?"));
    // Recent partners are offered as buttons.
    assert!(button_data(&r).iter().any(|b| b == "Ulyanovsk"), "{:?}", button_data(&r));
    bot.ask_as(STAFF, "Mantova");
    bot.ask_as(STAFF, "100 medical goggles; 500 sets protective suits");
    // A bare number: the currency is asked next, with buttons.
    let r = bot.ask_as(STAFF, "38500");
    assert!(r.plain().contains("Which currency?"), "{}", r.plain());
    assert!(button_data(&r).contains(&"CNY".to_string()));
    bot.ask_as(STAFF, "CNY");
    bot.ask_as(STAFF, "."); // default donor
    let card = bot.ask_as(STAFF, "delivered");
    let plain = card.plain();
    assert!(
        plain.contains("/donation 2020-05-31 | Mantova | 100 medical goggles; 500 sets protective suits | 38500 CNY"),
        "{plain}"
    );
    assert_eq!(button_data(&card), vec!["save", "edit", "cancel"]);
    let before = bot.count("SELECT COUNT(*) FROM donations");
    let saved = bot.ask_as(STAFF, "save");
    assert_eq!(saved.outcome, Outcome::Done, "{}", saved.plain());
    assert!(saved.plain().starts_with("Saved D-5: 2020-05-31 · Mantova (IT)"), "{}", saved.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), before + 1);
    assert_eq!(bot.count("SELECT COUNT(*) FROM dialogues"), 0, "the dialogue ends with the save");
    // Pressing Save again (a stale button) does not save twice.
    let again = bot.ask_as(STAFF, "save");
    assert_ne!(again.outcome, Outcome::Done);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), before + 1);
}

#[test]
fn a_wrong_answer_is_explained_and_the_same_question_asked_again() {
    let bot = seeded();
    bot.ask("/add donation");
    let r = bot.ask("2020-02-30");
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.plain().contains("29 days") && r.plain().contains("Date?"), "{}", r.plain());
    bot.ask("2020-03-01");
    let r = bot.ask("Atlantis");
    assert!(
        r.plain().contains("neither a known partner nor a country") && r.plain().contains("To whom?"),
        "{}",
        r.plain()
    );
    let r = bot.ask("Japan");
    assert!(r.plain().contains("What was given?"), "{}", r.plain());
    let r = bot.ask("0 masks");
    assert!(r.plain().contains("What was given?"), "{}", r.plain());
    let r = bot.ask("a | b");
    assert!(r.plain().contains("|"), "{}", r.plain());
}

#[test]
fn edit_from_the_card_changes_one_answer_and_returns_to_the_card() {
    let bot = seeded();
    for a in ["/add reception", "2020-03-31", "Taiyuan airport", "13", "Ambassadors", "Japan, France"] {
        bot.ask(a);
    }
    let r = bot.ask("edit");
    assert!(button_data(&r).contains(&"edit:count".to_string()), "{:?}", button_data(&r));
    let r = bot.ask("edit:count");
    assert!(r.plain().contains("How many guests?"));
    let card = bot.ask("14");
    assert!(card.plain().contains("| 14 |"), "{}", card.plain());
    let saved = bot.ok("save");
    assert!(saved.contains("14 guests"), "{saved}");
}

#[test]
fn a_refused_save_keeps_the_card_so_it_can_be_fixed() {
    let bot = seeded();
    for a in ["/add donation", "2020-03-01", "Japan", "-", "500 EUR", ".", "."] {
        bot.ask(a);
    }
    let r = bot.ask("save");
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.plain().contains("no EUR rate"), "{}", r.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM dialogues"), 1);
    bot.ok("/rate EUR 7.8 2020-01-01");
    let saved = bot.ok("save");
    assert!(saved.contains("EUR 500 = CNY 3,900"), "{saved}");
}

#[test]
fn cancel_ends_the_dialogue_without_writing() {
    let bot = seeded();
    let before = bot.counts();
    bot.ask("/add partner");
    bot.ask("Lyon");
    bot.ok("/cancel");
    assert_eq!(bot.count("SELECT COUNT(*) FROM dialogues"), 0);
    let mut after = bot.counts();
    after.remove("processed_updates");
    let mut b = before.clone();
    b.remove("processed_updates");
    assert_eq!(b, after);
    let r = bot.ask("hello");
    assert!(r.plain().contains("start with /"), "{}", r.plain());
}

#[test]
fn two_people_in_one_group_have_their_own_dialogues() {
    let bot = spawn_with(|c: &mut Config| c.access.logging_in_groups = true);
    bot.load_seed();
    bot.make_staff(STAFF);
    bot.make_staff(STAFF2);
    let g = |id: &str, t: &str| {
        let mut r = in_chat(id, "-100200", t);
        r.chat_kind = ChatKind::Group;
        bot.send(&r)
    };
    g(STAFF, "/add partner");
    g(STAFF2, "/add partner");
    g(STAFF, "Lyon");
    let r = g(STAFF2, "Hamburg");
    assert!(r.plain().contains("Its country?"), "{}", r.plain());
    g(STAFF, "France");
    g(STAFF2, "Germany");
    g(STAFF, "friendship");
    g(STAFF2, "partner");
    g(STAFF, "-");
    g(STAFF2, "-");
    assert!(g(STAFF, "save").plain().contains("Lyon"));
    assert!(g(STAFF2, "save").plain().contains("Hamburg"));
    assert!(bot.ok("/partner Lyon").contains("France"));
    assert!(bot.ok("/partner Hamburg").contains("Germany"));
}

#[test]
fn a_dialogue_survives_a_restart() {
    let bot = seeded();
    bot.ask("/add event");
    bot.ask("2020-05-20");
    bot.ask("video-conference");
    // A new core over the same file, as after a restart.
    let core = bot.reopened();
    let r = core.handle(&req("Thailand, Singapore"));
    assert!(r.plain().contains("Topic?"), "{}", r.plain());
    core.handle(&req("Public health"));
    core.handle(&req("-"));
    let saved = core.handle(&req("save"));
    assert_eq!(saved.outcome, Outcome::Done, "{}", saved.plain());
    assert!(saved.plain().contains("Public health"));
}

#[test]
fn a_letter_asks_only_what_its_direction_needs_and_answers_in_chinese() {
    let bot = seeded();
    bot.ok("/lang zh");
    bot.ask("/添加 letter");
    bot.ask("2020-04-20");
    let r = bot.ask("received");
    assert!(r.plain().contains("伙伴"), "{}", r.plain());
    let r = bot.ask("Brest");
    assert!(r.plain().contains("来信人"), "{}", r.plain());
    bot.ask("Anatoly Lis");
    bot.ask("Thank you");
    let card = bot.ask("thanks");
    assert!(!card.plain().contains("署名"), "a received letter is not signed: {}", card.plain());
    let saved = bot.ok("保存");
    assert!(saved.contains("已保存 L-"), "{saved}");
}

#[test]
fn people_who_are_not_staff_cannot_start_a_dialogue() {
    let bot = seeded();
    let r = bot.ask_as(STRANGER, "/add");
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.plain().contains(STRANGER));
}

#[test]
fn reported_figures_are_logged_step_by_step_and_a_bad_figure_is_asked_again() {
    let bot = seeded();
    bot.make_staff(STAFF);
    let r = bot.ask_as(STAFF, "/add");
    assert!(button_data(&r).contains(&"reported".to_string()), "{}", r.plain());
    bot.ask_as(STAFF, "reported");
    let r = bot.ask_as(STAFF, "2020-06-30");
    assert!(button_data(&r).contains(&"letters".to_string()), "the kinds are buttons: {:?}", button_data(&r));
    bot.ask_as(STAFF, "letters");
    // A figure without a number is explained, and the question asked again.
    let r = bot.ask_as(STAFF, "many partners");
    assert_eq!(r.outcome, Outcome::Invalid, "{}", r.plain());
    assert!(
        r.plain().contains("many partners") && r.plain().contains("The figures, as the source words them"),
        "{}",
        r.plain()
    );
    bot.ask_as(STAFF, "44 friendship provinces and states, friendly partners and local governments\n3 countries");
    bot.ask_as(STAFF, "China Daily, 2020-06-30");
    let card = bot.ask_as(STAFF, "2020-01..2020-06");
    assert!(
        card.plain().contains("/reported 2020-06-30 | letters | 44 friendship provinces and states, friendly partners and local governments | 3 countries | source: China Daily, 2020-06-30 | period: 2020-01..2020-06"),
        "{}",
        card.plain()
    );
    let saved = bot.ask_as(STAFF, "save");
    assert!(saved.plain().starts_with("Saved F-7"), "{}", saved.plain());
    let list = bot.ok("/reported letters");
    assert!(list.contains("2 of 44 friendship provinces"), "{list}");
    assert!(list.contains("2 of 3 countries (1 not yet logged)"), "Kyrgyzstan and the Philippines:\n{list}");
}

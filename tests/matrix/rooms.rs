//! Commands in rooms and direct chats, invites, staff rights, restarts and outages.

use crate::harness::*;
use matrix_sdk::ruma::UserId;
use std::time::{Duration, Instant};

/// An admin, the bot (running), and a room of the admin's with the bot in it.
async fn admin_room(encrypted: bool, extra: &str) -> (Human, Bot, matrix_sdk::Room) {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let mut bot = Bot::new(hs, &admin.id, extra).await;
    bot.start();
    let room = admin.room(&[&bot.id], encrypted).await;
    admin.until_joined(&room, &bot.id).await;
    (admin, bot, room)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_in_a_room_is_answered_with_a_notice_in_reply_with_html_and_plain_text() {
    let (admin, bot, room) = admin_room(false, "").await;
    let asked = admin.say(&room, "!totals").await;
    let answers = admin.answer_to(&room, &bot.id, &asked).await;
    let a = &answers[0];
    assert_eq!(a["content"]["msgtype"], "m.notice", "{a}");
    assert_eq!(a["content"]["format"], "org.matrix.custom.html", "{a}");
    assert!(html(a).contains("<strong>"), "headings are bold: {}", html(a));
    assert!(!body(a).contains('<'), "the plain body has no markup: {}", body(a));
    assert!(body(a).contains("Totals") || body(a).contains("total"), "{}", body(a));
    // `/cmd` works like `!cmd`; the bot's own notices are never answered.
    let asked = admin.say(&room, "/help").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    let before = admin.from(&room, &bot.id).len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(admin.from(&room, &bot.id).len(), before, "nothing more than the two answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_in_an_encrypted_direct_chat_is_read_and_answered() {
    let (admin, bot, room) = admin_room(true, "").await;
    let asked = admin.say(&room, "!totals").await;
    let answers = admin.answer_to(&room, &bot.id, &asked).await;
    let a = &answers[0];
    assert!(room.latest_encryption_state().await.unwrap().is_encrypted());
    assert_eq!(a["type"], "m.room.message", "the human's client decrypted it: {a}");
    assert_eq!(a["_encrypted"], true, "the answer was sent encrypted: {a}");
    assert!(html(a).contains("<strong>"), "{a}");
    let answered = "SELECT count(*) FROM inbox WHERE transport = 'matrix' AND answered_at IS NOT NULL";
    assert!(bot.count_reaching(answered, 1).await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_from_someone_not_allowed_is_declined() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let stranger = Human::new(hs, "stranger").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    bot.start();
    let theirs = stranger.room(&[&bot.id], false).await;
    let ours = admin.room(&[&bot.id], false).await;
    admin.until_joined(&ours, &bot.id).await;
    let deadline = Instant::now() + DEADLINE;
    loop {
        let m = stranger.membership(&theirs, &bot.id).await;
        if m.as_deref() == Some("leave") {
            break;
        }
        assert!(Instant::now() < deadline, "the stranger's invite was not declined ({m:?}); log:\n{}", bot.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(bot.log().contains("declining the invite"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_is_not_staff_may_read_but_not_log() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let guest = Human::new(hs, "guest").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    bot.start();
    let room = admin.room(&[&bot.id, &guest.id], false).await;
    admin.until_joined(&room, &bot.id).await;
    let r = guest.client.join_room_by_id(room.room_id()).await.unwrap();
    guest.until_joined(&r, &guest.id).await;
    let asked = guest.say(&r, "!donation 2020-03-23 | Germany | 1000 masks").await;
    let a = guest.answer_to(&r, &bot.id, &asked).await;
    assert!(body(&a[0]).to_lowercase().contains("staff"), "refused, naming staff: {}", body(&a[0]));
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 0);
    let asked = guest.say(&r, "!totals").await;
    guest.answer_to(&r, &bot.id, &asked).await;
}

/// Quantities in "Saved D-…" answers (each entry of the burst has its own quantity).
fn acknowledged(h: &Human, room: &matrix_sdk::Room, bot: &UserId) -> Vec<i64> {
    h.from(room, bot)
        .iter()
        .filter_map(|v| {
            let b = body(v);
            let rest = b.strip_prefix("Saved D-")?;
            let q = rest.split(" · ").nth(2)?.split_whitespace().next()?.replace(',', "");
            q.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_then_a_restart_keeps_every_acknowledged_entry_once() {
    let (admin, mut bot, room) = admin_room(false, "").await;
    const N: i64 = 20;
    for i in 0..N {
        admin.say(&room, &format!("!donation 2020-03-23 | Germany | {} masks", 1001 + i)).await;
    }
    admin.until("some entries acknowledged", || acknowledged(&admin, &room, &bot.id).len() >= 3).await;
    let pid = bot.pid().expect("running");
    bot.kill();
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "the process is gone");
    let before = acknowledged(&admin, &room, &bot.id);
    assert!((before.len() as i64) < N, "killed mid-burst: {} of {N} answered before", before.len());
    bot.start();
    admin
        .until("every entry acknowledged after the restart", || {
            let mut a = acknowledged(&admin, &room, &bot.id);
            a.sort();
            a.dedup();
            a.len() as i64 == N
        })
        .await;
    assert_eq!(bot.count("SELECT count(*) FROM donations"), N, "each entry written once; log:\n{}", bot.log());
    for q in before {
        assert_eq!(bot.count(&format!("SELECT count(*) FROM donation_items WHERE quantity = {q}")), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_sent_while_the_bot_was_down_is_answered_after_it_starts() {
    let (admin, mut bot, room) = admin_room(false, "").await;
    let first = admin.say(&room, "!totals").await;
    admin.answer_to(&room, &bot.id, &first).await;
    bot.stop();
    let asked = admin.say(&room, "!letters").await;
    bot.start();
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    assert_eq!(a.len(), 1, "answered once");
    // The command answered before the stop is not answered again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        admin.from(&room, &bot.id).iter().filter(|v| in_reply_to(v).as_deref() == Some(first.as_str())).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeserver_down_for_30_s_loses_no_command() {
    let hs = Synapse::start();
    let admin = Human::new(&hs, "admin").await;
    let mut bot = Bot::new(&hs, &admin.id, "").await;
    bot.start();
    let room = admin.room(&[&bot.id], false).await;
    admin.until_joined(&room, &bot.id).await;
    let asked = admin.say(&room, "!totals").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    hs.stop();
    tokio::time::sleep(Duration::from_secs(30)).await;
    hs.restart();
    let asked = admin.say(&room, "!letters").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    assert!(bot.log().contains("Matrix sync failed"), "the outage was seen: {}", bot.log());
    bot.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_with_its_chart_is_delivered_to_a_room() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let mut bot = Bot::new(hs, &admin.id, "digest_tick_secs = 1").await;
    let room = admin.room(&[&bot.id], true).await;
    bot.append_config(&format!(
        "[[digest]]\nname = \"weekly\"\ntarget = \"matrix:{}\"\nschedule = \"0 9 * * MON\"\nlanguage = \"en\"\n",
        room.room_id()
    ));
    bot.start();
    admin.until_joined(&room, &bot.id).await;
    let asked = admin.say(&room, &format!("!donation {} | Germany | 500 masks | ¥5,000", yesterday())).await;
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    assert!(body(&a[0]).starts_with("Saved D-"), "{}", body(&a[0]));
    let asked = admin.say(&room, "!digest send weekly").await;
    admin.answer_to(&room, &bot.id, &asked).await;
    admin
        .until("the digest's chart arrived", || {
            admin.from(&room, &bot.id).iter().any(|v| v["content"]["msgtype"] == "m.image")
        })
        .await;
    let from_bot = admin.from(&room, &bot.id);
    let image = from_bot.iter().find(|v| v["content"]["msgtype"] == "m.image").unwrap();
    assert_eq!(image["_encrypted"], true, "the chart is encrypted in an encrypted room: {image}");
    assert!(image["content"]["file"]["url"].as_str().is_some_and(|u| u.starts_with("mxc://")), "{image}");
    let digest = from_bot.iter().find(|v| html(v).contains("<strong>") && in_reply_to(v).is_none());
    assert!(digest.is_some_and(|d| body(d).contains("Germany")), "the digest's text: {from_bot:?}");
    assert_eq!(bot.count("SELECT count(*) FROM digest_deliveries WHERE state = 'sent'"), 1, "{}", bot.log());
}

/// Yesterday in the office's time zone (Shanghai): a day in the period a digest sent now covers.
fn yesterday() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::days(1)).format("%Y-%m-%d").to_string()
}

/// The last answer from the bot in the room.
async fn next_answer(h: &Human, room: &matrix_sdk::Room, bot: &UserId, text: &str) -> String {
    let asked = h.say(room, text).await;
    body(&h.answer_to(room, bot, &asked).await[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guided_add_is_answered_with_numbers_and_saves_once() {
    let (admin, bot, room) = admin_room(true, "").await;
    let r = next_answer(&admin, &room, &bot.id, "!add").await;
    assert!(
        r.contains("Answer with a number (type it, or tap its reaction below):") && r.contains("1 · Donation"),
        "{r}"
    );
    let r = next_answer(&admin, &room, &bot.id, "1").await;
    assert!(r.contains("Date?"), "the number picked Donation: {r}");
    let r = next_answer(&admin, &room, &bot.id, &yesterday()).await;
    assert!(r.contains("To whom?"), "{r}");
    let r = next_answer(&admin, &room, &bot.id, "Germany").await;
    assert!(r.contains("What was given?"), "{r}");
    next_answer(&admin, &room, &bot.id, "500 masks").await;
    next_answer(&admin, &room, &bot.id, "-").await;
    let mut r = next_answer(&admin, &room, &bot.id, ".").await;
    // Whatever is still asked (the status), answered with its first choice, until the card.
    for _ in 0..3 {
        if r.contains("/donation ") {
            break;
        }
        r = next_answer(&admin, &room, &bot.id, "1").await;
    }
    assert!(r.contains(&format!("/donation {} | Germany | 500 masks", yesterday())), "the card: {r}");
    let save =
        r.lines().find(|l| l.ends_with("· Save")).and_then(|l| l.split(' ').next()).expect("a Save choice").to_string();
    let saved = next_answer(&admin, &room, &bot.id, &save).await;
    assert!(saved.starts_with("Saved D-1"), "{saved}");
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 1);
    // The same number again: the card is gone, nothing is saved twice.
    next_answer(&admin, &room, &bot.id, &save).await;
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 1);
}

/// The bot's notices in `room` that answer a reaction (they reply to nothing).
fn answers_to_reactions(h: &Human, room: &matrix_sdk::Room, bot: &UserId) -> Vec<String> {
    h.from(room, bot).iter().filter(|v| v["type"] == "m.room.message" && in_reply_to(v).is_none()).map(body).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_reaction_on_the_current_choices_picks_one_and_one_on_an_old_question_does_nothing() {
    let (admin, bot, room) = admin_room(true, "").await;
    let asked = admin.say(&room, "!add").await;
    let menu = admin.answer_to(&room, &bot.id, &asked).await[0].clone();
    let menu_id = menu["event_id"].as_str().unwrap().to_string();
    let one = "1\u{fe0f}\u{20e3}";
    // The bot puts the number reactions under its choices, for the person to tap.
    admin
        .until("the bot's 1️⃣ under its choices", || {
            admin.from(&room, &bot.id).iter().any(|v| {
                let rel = &v["content"]["m.relates_to"];
                v["type"] == "m.reaction" && rel["event_id"] == menu_id.as_str() && rel["key"] == one
            })
        })
        .await;
    // Tapping 1️⃣ picks Donation (reactions are encrypted here, like the messages).
    admin.react(&room, &menu_id, one).await;
    admin
        .until("the donation's first question", || {
            answers_to_reactions(&admin, &room, &bot.id).iter().any(|b| b.contains("Date?"))
        })
        .await;
    // 2️⃣ on that menu, no longer the current question, answers nothing: the date is still asked.
    admin.react(&room, &menu_id, "2\u{fe0f}\u{20e3}").await;
    let r = next_answer(&admin, &room, &bot.id, &yesterday()).await;
    assert!(r.contains("To whom?"), "the old menu's reaction moved the dialogue: {r}");
    assert_eq!(
        answers_to_reactions(&admin, &room, &bot.id).len(),
        1,
        "one answer, to the reaction on the current menu"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_in_a_thread_is_answered_in_the_thread() {
    use matrix_sdk::ruma::events::room::message::{ReplyWithinThread, RoomMessageEventContentWithoutRelation};
    let (admin, bot, room) = admin_room(false, "").await;
    let root = admin.say(&room, "Thread about totals").await;
    let content = RoomMessageEventContentWithoutRelation::text_plain("!totals").make_for_thread(
        matrix_sdk::ruma::events::room::message::ReplyMetadata::new(&root, &admin.id, None),
        ReplyWithinThread::No,
        matrix_sdk::ruma::events::room::message::AddMentions::No,
    );
    let r = admin.client.get_room(room.room_id()).unwrap();
    let asked = r.send(content).await.unwrap().response.event_id;
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    let rel = &a[0]["content"]["m.relates_to"];
    assert_eq!(rel["rel_type"], "m.thread", "{a:?}");
    assert_eq!(rel["event_id"], root.as_str(), "{a:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_bot_cannot_decrypt_gets_one_line_saying_how_to_fix_it() {
    let (admin, bot, room) = admin_room(true, "").await;
    // An encrypted event whose session the bot never received keys for.
    let token = admin.client.access_token().unwrap();
    let url = format!(
        "{}/_matrix/client/v3/rooms/{}/send/m.room.encrypted/utd-1",
        admin.client.homeserver().as_str().trim_end_matches('/'),
        room.room_id()
    );
    let v: serde_json::Value = reqwest::Client::new()
        .put(url)
        .bearer_auth(token)
        .json(&serde_json::json!({"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg",
            "device_id": "NOSUCHDEVICE", "sender_key": "SXB6W8bq/OKtF8cXwYKKG6X8E5fSw9GqIChU0MQNnQk",
            "session_id": "X3bFM8Q0FJw9hUEUGo7hbVXQ2b5oZn7hX8C1UfqcZYA"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let asked = matrix_sdk::ruma::EventId::parse(v["event_id"].as_str().unwrap()).unwrap();
    let a = admin.answer_to(&room, &bot.id, &asked).await;
    assert_eq!(a.len(), 1);
    assert!(body(&a[0]).contains("could not read your message") && body(&a[0]).contains("Verify"), "{}", body(&a[0]));
    // It counts as answered: never again after a restart.
    assert!(bot.log().contains("its keys never arrived"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logging_event_delivered_again_after_a_restart_is_written_once_and_answered_once() {
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let li = Human::new(hs, "li").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    bot.start();
    // An admin makes Li staff from the chat; Li logs from a direct chat of their own.
    let ours = admin.room(&[&bot.id], false).await;
    admin.until_joined(&ours, &bot.id).await;
    let r = next_answer(&admin, &ours, &bot.id, &format!("!staff add {} staff Li Wei", li.id)).await;
    assert!(r.contains("is now staff"), "{r}");
    let theirs = li.room(&[&bot.id], false).await;
    li.until_joined(&theirs, &bot.id).await;
    let asked = li.say(&theirs, "!donation 2020-03-23 | Germany | 1234 masks").await;
    let a = li.answer_to(&theirs, &bot.id, &asked).await;
    assert!(body(&a[0]).starts_with("Saved D-1"), "{}", body(&a[0]));
    // The bot forgets it ever received the event (its inbox lost), as if it crashed before noting it:
    // after the restart it reads the event back from the room's history and handles it again.
    bot.stop();
    rusqlite::Connection::open(&bot.db).unwrap().execute("DELETE FROM inbox", []).unwrap();
    bot.start();
    li.until("the event is handled again", || bot.log().contains("had already been handled")).await;
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 1, "written once");
    // Its answer went out with the same transaction id: the homeserver kept the first one.
    let next = li.say(&theirs, "!totals").await;
    li.answer_to(&theirs, &bot.id, &next).await;
    let answers =
        li.from(&theirs, &bot.id).iter().filter(|v| in_reply_to(v).as_deref() == Some(asked.as_str())).count();
    assert_eq!(answers, 1, "answered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spreadsheet_sent_in_an_encrypted_direct_chat_is_checked_then_imported_once() {
    let (admin, bot, room) = admin_room(true, "").await;
    next_answer(&admin, &room, &bot.id, "!partner add Mantova | Italy | partner").await;
    let csv = "Date,Recipients,Items\n2020-03-23,Mantova,500 protective suits\n2020-03-24,Mantova,\"20,000 masks\"\n";
    let sent = {
        let room = admin.client.get_room(room.room_id()).unwrap();
        let cfg = matrix_sdk::attachment::AttachmentConfig::new();
        room.send_attachment("march.csv", &mime::TEXT_CSV, csv.as_bytes().to_vec(), cfg).await.unwrap().event_id
    };
    let card = body(&admin.answer_to(&room, &bot.id, &sent).await[0]);
    assert!(card.contains("Donations to write: 2"), "{card}");
    assert!(card.contains("1 · Import") && card.contains("2 · Cancel"), "numbered choices: {card}");
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 0, "the check writes nothing");
    let done = next_answer(&admin, &room, &bot.id, "1").await;
    assert!(done.contains("Donations written: 2"), "{done}");
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 2);
    // Confirmed once more by its command: nothing is written twice.
    let again = next_answer(&admin, &room, &bot.id, "!import confirm 1").await;
    assert!(again.contains("already imported"), "{again}");
    assert_eq!(bot.count("SELECT count(*) FROM donations"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_larger_than_the_homeserver_takes_is_said_and_the_room_goes_on() {
    // The test homeserver takes uploads up to 1 MB (`scripts/synapse`); 3,000 donations with long
    // notes export to more. The upload was retried for ever, holding up the room's next commands.
    let hs = &*SHARED;
    let admin = Human::new(hs, "admin").await;
    let mut bot = Bot::new(hs, &admin.id, "").await;
    crate::bulk::import_donations_with_long_notes(env!("CARGO_BIN_EXE_amity"), &bot.db, bot.dir.path(), 3000);
    bot.start();
    let room = admin.room(&[&bot.id], true).await;
    admin.until_joined(&room, &bot.id).await;
    let asked = admin.say(&room, "!export csv donations").await;
    admin
        .until("a word on the file not sent", || {
            admin.from(&room, &bot.id).iter().any(|v| body(v).contains("more than this chat takes"))
        })
        .await;
    let said: Vec<String> = admin.answer_to(&room, &bot.id, &asked).await.iter().map(body).collect();
    let word = said.iter().find(|b| b.contains("more than this chat takes")).unwrap();
    assert!(word.contains("(1.0 MB)") && word.contains("/export csv donations 2020"), "{word}");
    assert!(said.iter().any(|b| b.contains("Donations: 3000") || b.contains("Donations: 3,000")), "{said:?}");
    // The room's next command is answered.
    let totals = next_answer(&admin, &room, &bot.id, "!totals").await;
    assert!(totals.contains("3,000 donations"), "{totals}");
    assert!(admin.from(&room, &bot.id).iter().all(|v| v["content"]["msgtype"] != "m.file"), "nothing uploaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chinese_list_asked_again_is_answered_from_the_memo_with_its_chinese_choices() {
    // The second answer is the memoised one, taken without the core's blocking thread
    // (`Core::answer_at_hand`): it must be the first again, numbered choices in Chinese included.
    let (admin, bot, room) = admin_room(false, "[reply]\nmax_list_items = 1").await;
    for name in ["Jalalabad", "Osh"] {
        let saved =
            next_answer(&admin, &room, &bot.id, &format!("!partner add {name} | Kyrgyzstan | friendship")).await;
        assert!(saved.contains(name), "{saved}");
    }
    let first = next_answer(&admin, &room, &bot.id, "!伙伴列表").await;
    assert!(first.contains("请回复编号"), "a page with a choice of the next, in Chinese: {first}");
    let again = next_answer(&admin, &room, &bot.id, "!伙伴列表").await;
    assert_eq!(again, first);
    // Its choice pages on, in Chinese.
    let next = next_answer(&admin, &room, &bot.id, "1").await;
    assert!(next.contains("请回复编号") && next != first, "{next}");
}

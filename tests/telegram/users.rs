//! What people see: private chats, groups, `/cmd@botname`, buttons and the guided `/add`, who may
//! write, hostile text, long lists, files, edits, channel posts and the command menus.

use super::*;
use amity::render::{Attachment, Button, Reply};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_chat_gets_html_answers_in_the_users_language() {
    let mut app = spawn_app().await;
    let sent = app.say(STRANGER, private(STRANGER, "/help")).await;
    assert_eq!(sent[0].params["parse_mode"], "HTML");
    assert!(sent[0].text().contains("<b>"), "headings are bold: {}", sent[0].text());
    assert!(visible(sent[0].text()).contains("/totals"));

    // language_code zh → Chinese.
    let zh = json!({"message": message(user(STRANGER + 1, "zh-hans"), private_chat(STRANGER + 1), "/totals")});
    let sent = app.say(STRANGER + 1, zh).await;
    assert!(
        sent.iter().any(|m| m.text().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "{}",
        sent[0].text()
    );

    // Staff log from a private chat; the entry is saved once, with the Telegram user as its author.
    let sent = app.say(STAFF, private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits")).await;
    assert!(visible(sent[0].text()).starts_with("Saved D-"), "{}", sent[0].text());
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM changes WHERE actor = 'tg:{STAFF}'")), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_answer_commands_to_this_bot_only() {
    let mut app = spawn_app().await;
    let sent = app.say(GROUP, in_group(STRANGER, "/totals@amity_bot 2020")).await;
    assert!(!sent.is_empty());
    assert!(sent[0].params["reply_parameters"]["message_id"].is_i64(), "answers in groups reply to the asker");
    // Another bot's command, chatter, and a bot's message: no answer.
    let a = app.fake.inject(in_group(STRANGER, "/totals@other_bot"));
    let b = app.fake.inject(in_group(STRANGER, "nice weather today"));
    let c = app.fake.inject(json!({"message": message(
        json!({"id": 5555, "is_bot": true, "first_name": "Other", "username": "other_bot"}), group_chat(GROUP), "/totals")}));
    for id in [a, b, c] {
        app.handled(id).await;
    }
    assert_eq!(app.answers(GROUP).len(), sent.len(), "nothing more was said in the group");
    // Plain /totals in a group is for every bot, this one included.
    assert!(!app.say(GROUP, in_group(STRANGER, "/totals")).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_staff_by_numeric_id_in_a_private_chat_can_write() {
    let mut app = spawn_app().await;
    let before = app.ledger_counts();
    let donation = "/donation 2020-03-23 | Germany | 500 protective suits";

    // A non-staff id.
    let sent = app.say(STRANGER, private(STRANGER, donation)).await;
    assert!(visible(sent[0].text()).contains(&STRANGER.to_string()), "refusal names the id: {}", sent[0].text());
    // The staff member's username on another id.
    let impostor = 444_555_666;
    let mut from = user(impostor, "en");
    from["username"] = json!(STAFF_USERNAME);
    let u = json!({"message": message(from, private_chat(impostor), donation)});
    app.say(impostor, u).await;
    // A forwarded message from the staff member.
    let mut m = message(user(STRANGER, "en"), private_chat(STRANGER), donation);
    m["forward_origin"] = json!({"type": "user", "date": 1_590_000_000, "sender_user": user(STAFF, "en")});
    app.say(STRANGER, json!({"message": m})).await;
    // Forwarded by the staff member themselves.
    let mut m = message(user(STAFF, "en"), private_chat(STAFF), donation);
    m["forward_origin"] = json!({"type": "hidden_user", "date": 1_590_000_000, "sender_user_name": "Li"});
    let sent = app.say(STAFF, json!({"message": m})).await;
    assert!(visible(sent[0].text()).contains("forwarded"), "{}", sent[0].text());
    // An anonymous group admin (sender_chat is the group, from is GroupAnonymousBot).
    let mut m = message(
        json!({"id": 1_087_968_824u64, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}),
        group_chat(GROUP),
        "/donation@amity_bot 2020-03-23 | Germany | 500 protective suits",
    );
    m["sender_chat"] = group_chat(GROUP);
    app.say(GROUP, json!({"message": m})).await;
    // Staff logging in a group.
    let sent = app.say(GROUP, in_group(STAFF, donation)).await;
    assert!(visible(sent[0].text()).contains("private chat"), "{}", sent[0].text());
    // The guided /add in a group, and its button.
    app.say(GROUP, in_group(STAFF, "/add donation")).await;

    assert_eq!(before, app.ledger_counts(), "a refused command wrote to the ledger");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_escaped_and_shown_verbatim() {
    let mut app = spawn_app().await;
    let name = "<b>Bold</b> & Co *star* _under_ `tick` 😀 مرحبا עברית";
    let sent = app.say(STAFF, private(STAFF, &format!("/partner add {name} | Germany | partner"))).await;
    let shown = visible(sent[0].text());
    assert!(shown.contains(name), "not verbatim: {shown}");
    let stored: String = rusqlite::Connection::open(&app.db)
        .unwrap()
        .query_row("SELECT name FROM partners ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, name);
    let sent = app.say(STRANGER, private(STRANGER, "/partners Germany")).await;
    assert!(sent.iter().any(|m| visible(m.text()).contains(name)));

    // 10,000 characters with markup: the answer is escaped and within Telegram's limit.
    let long = format!("/search {}", "<i>&amp;</i> 😀 ".repeat(700));
    let sent = app.say(STRANGER, private(STRANGER, &long)).await;
    for m in &sent {
        let v = visible(m.text());
        assert!(v.encode_utf16().count() <= 4096);
    }
    // The fake server refuses malformed HTML and over-long messages, so every answer went through.
    assert!(app.fake.requests().iter().all(|r| r.method != "sendmessage" || r.ok()));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_lists_are_split_below_4096_at_line_boundaries() {
    let mut app = spawn_with(|c| c.reply.max_list_items = 1000, Hooks::default()).await;
    for i in 0..250 {
        let r = app.core.handle(&Request::console(format!(
            "/partner add Partner city number {i:03} with a long name | Germany | partner"
        )));
        assert!(r.is_ok(), "{}", r.plain());
    }
    let sent = app.say(STRANGER, private(STRANGER, "/partners")).await;
    assert!(sent.len() >= 3, "expected several messages, got {}", sent.len());
    let all: Vec<String> = sent.iter().map(|m| visible(m.text())).collect();
    for part in &all {
        assert!(part.encode_utf16().count() <= 4096);
    }
    let joined = all.join("\n");
    for i in 0..250 {
        assert!(joined.contains(&format!("Partner city number {i:03} with a long name")), "missing partner {i}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guided_add_with_buttons_edits_the_question_and_saves_once() {
    let mut app = spawn_app().await;
    let sent = app.say(STAFF, private(STAFF, "/add")).await;
    let kinds = buttons(&sent[0]);
    assert!(kinds.iter().any(|(_, d)| d == "donation"), "{kinds:?}");
    let mut msg_id = sent[0].message_id.unwrap();
    // Press "donation": the callback is answered and the question message is edited.
    let mut step = app.say(STAFF, press(STAFF, private_chat(STAFF), msg_id, "donation")).await;
    assert_eq!(app.fake.calls("answercallbackquery").len(), 1);
    assert_eq!(step[0].method, "editmessagetext");
    assert_eq!(step[0].params["message_id"], json!(msg_id));
    // Answer each question: typed text where there is no button, else the first button (the
    // default), until the confirmation card, then Save.
    let mut typed = 0;
    for _ in 0..15 {
        let last = step.last().unwrap().clone();
        msg_id = last.message_id.unwrap();
        let bs = buttons(&last);
        if let Some((_, save)) = bs.iter().find(|(_, d)| d == "save") {
            step = app.say(STAFF, press(STAFF, private_chat(STAFF), msg_id, save)).await;
            break;
        }
        let text = visible(last.text()).to_lowercase();
        let choice = bs.iter().find(|(_, d)| d != "cancel");
        step = if text.contains("whom") || text.contains("recipient") {
            typed += 1;
            app.say(STAFF, private(STAFF, "Germany")).await
        } else if text.contains("item") || text.contains("what was given") {
            typed += 1;
            app.say(STAFF, private(STAFF, "500 masks")).await
        } else if let Some((_, d)) = choice {
            app.say(STAFF, press(STAFF, private_chat(STAFF), msg_id, d)).await
        } else {
            typed += 1;
            app.say(STAFF, private(STAFF, ".")).await
        };
    }
    assert!(typed >= 1);
    let last = visible(step.last().unwrap().text());
    assert!(last.contains("Saved D-"), "the card was not saved: {last}");
    assert_eq!(step.last().unwrap().method, "editmessagetext", "Save edits the card");
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM dialogues"), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_button_data_survives_the_64_byte_limit() {
    let long = format!("/donations {}", "Nordrhein-Westfalen und Umgebung ".repeat(4));
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let s = seen.clone();
    let data = long.clone();
    let hooks = Hooks {
        handler: Some(Arc::new(move |core: &Core, req: &Request| {
            s.lock().unwrap().push(req.text.clone());
            if req.text == "/which" {
                let mut r = Reply::text("Which one?");
                r.button_row(vec![Button { label: "NRW".into(), data: data.clone() }]);
                r
            } else {
                core.handle(req)
            }
        })),
    };
    let mut app = spawn_with(|_| {}, hooks).await;
    let sent = app.say(STRANGER, private(STRANGER, "/which")).await;
    let bs = buttons(&sent[0]);
    assert_eq!(bs.len(), 1);
    assert!(bs[0].1.len() <= 64, "callback_data over 64 bytes: {}", bs[0].1);
    app.say(STRANGER, press(STRANGER, private_chat(STRANGER), 1, &bs[0].1)).await;
    assert_eq!(seen.lock().unwrap().last(), Some(&long), "the button's full data came back to the core");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sent_as_photos_and_documents() {
    let hooks = Hooks {
        handler: Some(Arc::new(|core: &Core, req: &Request| {
            if req.text == "/chart" {
                let mut r = Reply::text("Your chart & data");
                r.attachments.push(Attachment {
                    file_name: "chart.png".into(),
                    mime: "image/png".into(),
                    bytes: vec![137, 80, 78, 71],
                });
                r.attachments.push(Attachment {
                    file_name: "donations.csv".into(),
                    mime: "text/csv".into(),
                    bytes: b"a,b\n1,2\n".to_vec(),
                });
                r
            } else {
                core.handle(req)
            }
        })),
    };
    let mut app = spawn_with(|_| {}, hooks).await;
    app.say(STAFF, private(STAFF, "/chart")).await;
    let photo = app.fake.wait_for("a photo", |r| r.iter().any(|x| x.method == "sendphoto")).await;
    let _ = photo;
    let docs = app.fake.wait_for("a document", |r| r.iter().any(|x| x.method == "senddocument")).await;
    let p = app.fake.calls("sendphoto");
    assert_eq!(p[0].chat(), Some(STAFF));
    assert_eq!(attached(&p[0], "photo")["file_name"], "chart.png");
    let d: Vec<_> = docs.into_iter().filter(|x| x.method == "senddocument").collect();
    assert_eq!(attached(&d[0], "document")["file_name"], "donations.csv");
    assert_eq!(attached(&d[0], "document")["size"], 8);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_sends_the_files_as_documents_in_a_private_chat_only() {
    let mut app = spawn_app().await;
    app.say(STAFF, private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits")).await;
    let sent = app.say(STAFF, private(STAFF, "/export xlsx donations")).await;
    assert!(visible(sent[0].text()).contains("Donations: 1"), "{}", sent[0].text());
    let docs = app.fake.wait_for("the workbook", |r| r.iter().any(|x| x.method == "senddocument")).await;
    let d: Vec<_> = docs.into_iter().filter(|x| x.method == "senddocument").collect();
    assert_eq!(d[0].chat(), Some(STAFF));
    let file = attached(&d[0], "document");
    assert!(file["file_name"].as_str().unwrap().starts_with("amity-donations-all-"), "{file}");
    assert!(file["size"].as_u64().unwrap() > 1000, "{file}");
    // In a group the files (internal records too) are refused.
    let sent = app.say(GROUP, in_group(STAFF, "/export csv")).await;
    assert!(visible(sent[0].text()).contains("private chat"), "{}", sent[0].text());
    assert_eq!(app.fake.calls("senddocument").len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_list_pages_in_place_with_previous_and_next_buttons() {
    let mut app = spawn_with(|c| c.reply.max_list_items = 2, Hooks::default()).await;
    for day in 1..=3 {
        let r = app.core.handle(&amity::Request::console(format!("/donation 2020-03-0{day} | Germany | {day}0 masks")));
        assert!(r.is_ok(), "{}", r.plain());
    }
    let sent = app.say(STRANGER, private(STRANGER, "/donations")).await;
    assert!(visible(sent[0].text()).contains("Page 1 of 2"), "{}", sent[0].text());
    let bs = buttons(&sent[0]);
    assert_eq!(bs.len(), 1, "{bs:?}");
    let msg_id = sent[0].message_id.unwrap();
    let step = app.say(STRANGER, press(STRANGER, private_chat(STRANGER), msg_id, &bs[0].1)).await;
    assert_eq!(step[0].method, "editmessagetext", "the page replaces the message: {step:?}");
    let text = visible(step[0].text());
    assert!(text.contains("Page 2 of 2") && text.contains("D-1") && !text.contains("D-3"), "{text}");
    assert_eq!(buttons(&step[0]).len(), 1, "Previous only on the last page");
    app.stop().await;
}

/// The uploaded file a field names (`attach://<part>`, or the part itself).
fn attached(r: &fake::Recorded, field: &str) -> serde_json::Value {
    match r.params[field].as_str().and_then(|s| s.strip_prefix("attach://")) {
        Some(part) => r.params[part].clone(),
        None => r.params[field].clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_messages_and_channel_chatter_are_not_answered() {
    let mut app = spawn_app().await;
    let before = app.ledger_counts();
    let edited = json!({"edited_message": message(user(STAFF, "en"), private_chat(STAFF),
        "/donation 2020-03-23 | Germany | 600 protective suits")});
    let e = app.fake.inject(edited);
    let channel = json!({"id": -1_009_999, "type": "channel", "title": "Office news"});
    let post = json!({"channel_post": {"message_id": 7, "date": 1_700_000_000, "chat": channel,
        "sender_chat": channel, "text": "Our delegation arrived"}});
    let p = app.fake.inject(post);
    app.handled(e).await;
    app.handled(p).await;
    assert!(app.answers(STAFF).is_empty() && app.answers(-1_009_999).is_empty());
    // A command posted in a channel reads, but can never write.
    let post = json!({"channel_post": {"message_id": 8, "date": 1_700_000_000, "chat": channel,
        "sender_chat": channel, "text": "/donation 2020-03-23 | Germany | 5 masks"}});
    let sent = app.say(-1_009_999, post).await;
    assert!(!visible(sent[0].text()).starts_with("Saved"));
    assert_eq!(before, app.ledger_counts());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_menus_per_scope_and_language() {
    let mut app = spawn_app().await;
    let reqs = app.fake.wait_for("menus", |r| r.iter().filter(|x| x.method == "setmycommands").count() >= 6).await;
    let menus: Vec<_> = reqs.iter().filter(|x| x.method == "setmycommands").collect();
    let names = |r: &fake::Recorded| -> Vec<String> {
        r.params["commands"].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap().to_string()).collect()
    };
    let everyone: Vec<_> =
        menus.iter().filter(|m| m.params.get("scope").is_none_or(|s| s["type"] == "default")).collect();
    assert_eq!(everyone.len(), 2, "default scope in en and zh");
    assert!(everyone.iter().any(|m| m.params["language_code"] == "zh"));
    for m in &everyone {
        let n = names(m);
        assert!(n.contains(&"totals".to_string()) && !n.contains(&"donation".to_string()), "{n:?}");
    }
    let staff: Vec<_> = menus
        .iter()
        .filter(|m| m.params["scope"]["type"] == "chat" && m.params["scope"]["chat_id"] == json!(STAFF))
        .collect();
    assert_eq!(staff.len(), 2);
    assert!(names(staff[0]).contains(&"donation".to_string()) && !names(staff[0]).contains(&"staff".to_string()));
    let admin: Vec<_> = menus
        .iter()
        .filter(|m| m.params["scope"]["type"] == "chat" && m.params["scope"]["chat_id"] == json!(ADMIN))
        .collect();
    assert!(names(admin[0]).contains(&"staff".to_string()));
    // Chinese descriptions.
    let zh = staff.iter().find(|m| m.params["language_code"] == "zh").unwrap();
    assert!(zh.params["commands"][0]["description"].as_str().unwrap().chars().any(|c| c > '\u{2e80}'));

    // An admin adds staff in chat: that person's menu follows; removing them deletes it.
    let newcomer = 246_810;
    app.say(ADMIN, private(ADMIN, &format!("/staff add {newcomer} staff"))).await;
    app.fake
        .wait_for("the new staff member's menu", |r| {
            r.iter().any(|x| x.method == "setmycommands" && x.params["scope"]["chat_id"] == json!(newcomer))
        })
        .await;
    app.say(ADMIN, private(ADMIN, &format!("/staff remove {newcomer}"))).await;
    app.fake
        .wait_for("the menu deleted", |r| {
            r.iter().any(|x| x.method == "deletemycommands" && x.params["scope"]["chat_id"] == json!(newcomer))
        })
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_menu_of_staff_removed_while_the_bot_was_down_is_deleted_at_the_next_start() {
    let mut app = spawn_app().await;
    let scoped =
        |r: &fake::Recorded, method: &str, id: i64| r.method == method && r.params["scope"]["chat_id"] == json!(id);
    app.fake
        .wait_for("staff and admin menus", |r| {
            r.iter().any(|x| scoped(x, "setmycommands", STAFF)) && r.iter().any(|x| scoped(x, "setmycommands", ADMIN))
        })
        .await;
    app.stop().await;
    // While the bot is down, the staff member is removed from a terminal (`amity ask`).
    let r = app.core.handle(&amity::Request::console(format!("/staff remove {STAFF}")));
    assert!(r.is_ok(), "{}", r.plain());
    let before = app.fake.requests().len();
    app.start(Hooks::default());
    app.fake
        .wait_for("the removed member's menu deleted", |r| r.iter().any(|x| scoped(x, "deletemycommands", STAFF)))
        .await;
    // The deletion is recorded once Telegram confirmed it (the refresh's last step): only the admin's
    // menu is left on record.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.count("SELECT COUNT(*) FROM telegram_menus") != 1 {
        assert!(std::time::Instant::now() < deadline, "the deleted menu is still on record");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The default menus were set again, but the admin's, unchanged and already published, was not resent.
    let after: Vec<_> = app.fake.requests().into_iter().skip(before).collect();
    assert!(after.iter().filter(|x| x.method == "setmycommands").count() >= 2, "the default menus");
    assert!(!after.iter().any(|x| scoped(x, "setmycommands", ADMIN)), "the admin's menu was sent again");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_answer_takes_the_buttons_off_the_previous_question() {
    let mut app = spawn_app().await;
    let first = app.say(STAFF, private(STAFF, "/add")).await;
    let q1 = first[0].message_id.unwrap();
    assert!(!buttons(&first[0]).is_empty());
    // Typed instead of pressed: the next question is a new message, and the first loses its buttons.
    let next = app.say(STAFF, private(STAFF, "donation")).await;
    assert_eq!(next[0].method, "sendmessage");
    let off = app.fake.calls("editmessagereplymarkup");
    assert_eq!(off.len(), 1, "{next:?}");
    assert_eq!(off[0].params["message_id"], json!(q1));
    assert_eq!(off[0].chat(), Some(STAFF));
    assert!(buttons(&off[0]).is_empty(), "the buttons were not taken off");
    // Another command typed meanwhile leaves the current question's buttons alone.
    app.say(STAFF, private(STAFF, "/totals")).await;
    assert_eq!(app.fake.calls("editmessagereplymarkup").len(), 1);
    app.stop().await;
}

/// A document message from `user_id` in their private chat.
fn document(app: &App, user_id: i64, name: &str, bytes: &[u8], caption: &str) -> Value {
    let doc = app.fake.put_file(name, bytes);
    let mut m = message(user(user_id, "en"), private_chat(user_id), "");
    let obj = m.as_object_mut().unwrap();
    obj.remove("text");
    obj.remove("entities");
    obj.insert("document".into(), doc);
    if !caption.is_empty() {
        obj.insert("caption".into(), json!(caption));
    }
    json!({ "message": m })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spreadsheet_sent_in_a_private_chat_is_imported_once_when_confirmed() {
    let mut app = spawn_app().await;
    app.core.handle(&Request::console("/partner add Mantova | Italy | partner"));
    app.core.handle(&Request::console("/rate EUR 7.8 2020-01-01"));
    let csv = "Date,Recipients,Items,Declared value,Currency\n\
               2020-03-23,Mantova,500 protective suits,90000,EUR\n\
               2020-03-24,Mantova,\"20,000 masks\",4.5万,CNY\n";
    let card = app.say(STAFF, document(&app, STAFF, "march.csv", csv.as_bytes(), "")).await;
    assert_eq!(app.fake.calls("getfile").len(), 1);
    assert_eq!(app.fake.calls("download").len(), 1, "the file was fetched once");
    let text = visible(card[0].text());
    assert!(text.contains("Donations to write: 2"), "{text}");
    assert!(text.contains("Nothing is written until you press Import"), "{text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 0);
    let bs = buttons(&card[0]);
    assert_eq!(bs.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["Import", "Cancel"], "{bs:?}");
    let msg_id = card[0].message_id.unwrap();

    // Import, pressed twice (a double tap): written once; the card is edited with the result.
    let done = app.say(STAFF, press(STAFF, private_chat(STAFF), msg_id, &bs[0].1)).await;
    assert_eq!(done[0].method, "editmessagetext");
    assert!(visible(done[0].text()).contains("Donations written: 2"), "{}", done[0].text());
    assert!(buttons(&done[0]).is_empty(), "the buttons go with the answer");
    let again = app.say(STAFF, press(STAFF, private_chat(STAFF), msg_id, &bs[0].1)).await;
    assert!(visible(again[0].text()).contains("already imported"), "{}", again[0].text());
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 2);
    let totals = visible(app.say(STAFF, private(STAFF, "/totals")).await[0].text());
    assert!(totals.contains("20,000 masks"), "{totals}");

    // Files the bot does not take are refused before they are fetched.
    let sent = app.say(STRANGER, document(&app, STRANGER, "march.csv", csv.as_bytes(), "")).await;
    assert!(visible(sent[0].text()).contains("Only staff can import"), "{}", sent[0].text());
    let sent = app.say(STAFF, document(&app, STAFF, "minutes.pdf", b"%PDF-1.4", "")).await;
    assert!(visible(sent[0].text()).contains("not a spreadsheet"), "{}", sent[0].text());
    assert_eq!(app.fake.calls("getfile").len(), 1, "no other file was fetched");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_a_group_is_left_alone_and_a_file_that_cannot_be_fetched_is_said() {
    let mut app = spawn_app().await;
    let doc = app.fake.put_file("march.csv", b"Date,Recipients\n");
    let mut m = message(user(STAFF, "en"), group_chat(GROUP), "");
    m.as_object_mut().unwrap().remove("text");
    m["document"] = doc;
    let id = app.fake.inject(json!({ "message": m }));
    app.handled(id).await;
    assert!(app.answers(GROUP).is_empty(), "people share files in groups with each other");
    // A file Telegram no longer has (getFile refuses it).
    let mut gone = document(&app, STAFF, "march.csv", b"x", "");
    gone["message"]["document"]["file_id"] = json!("no-such-file");
    let sent = app.say(STAFF, gone).await;
    assert!(visible(sent[0].text()).contains("could not fetch march.csv"), "{}", sent[0].text());
    // A file larger than the cap while Telegram's message said it was small: refused as too large,
    // the download cut off at the cap.
    let mut big = document(&app, STAFF, "big.csv", &vec![b'x'; 20 * 1024 * 1024 + 10], "");
    big["message"]["document"]["file_size"] = json!(100);
    let sent = app.say(STAFF, big).await;
    assert!(visible(sent[0].text()).contains("big.csv is 20.1 MB; I take files up to 20.0 MB"), "{}", sent[0].text());
    app.stop().await;
}

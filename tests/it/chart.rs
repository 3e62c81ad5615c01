//! `/chart`: the digest's drawing code on demand. A PNG of the right size that is not blank, a caption
//! that says what it counts, public records only unless staff ask in a private chat, and an empty
//! period said in words instead of an empty picture.

use crate::common::*;
use amity::render::{Outcome, Reply};

/// (width, height, share of pixels that are not white).
fn picture(r: &Reply) -> (u32, u32, f64) {
    assert_eq!(r.attachments.len(), 1, "{}", r.plain());
    let a = &r.attachments[0];
    assert_eq!(a.mime, "image/png");
    let decoder = png::Decoder::new(std::io::Cursor::new(a.bytes.clone()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = &buf[..info.buffer_size()];
    let inked = px.chunks(3).filter(|p| p.iter().any(|c| *c < 240)).count();
    (info.width, info.height, inked as f64 / (info.width * info.height) as f64)
}

fn valued() -> Bot {
    let bot = seeded();
    bot.ok("/donation 2020-04-01 | Brest | 10,000 masks | ¥120,000");
    bot.ok("/donation 2020-04-03 | Japan | 2,000 gloves | ¥80,000");
    bot.ok("/donation 2020-04-05 | France | 7 secret crates | ¥9,999 | internal");
    bot
}

#[test]
fn each_chart_is_a_png_that_is_not_blank_with_a_caption_of_what_it_counts() {
    let bot = valued();
    for (q, title) in [
        ("/chart donations by country 2020", "Value by country, 2020 (CNY)"),
        ("/chart donations over time", "Cumulative declared value, all time (CNY)"),
        ("/chart items 2020-03..2020-06", "Items given, 2020-03-01 to 2020-06-30"),
    ] {
        let r = bot.ask(q);
        assert_eq!(r.outcome, Outcome::Done, "{q}: {}", r.plain());
        assert!(r.plain().starts_with(title), "{q}: {}", r.plain());
        let (w, h, ink) = picture(&r);
        assert_eq!(w, 1000);
        assert!((200..=520).contains(&h), "{q}: height {h}");
        assert!(ink > 0.01, "{q}: the picture is blank ({ink})");
    }
    let out = bot.ok("/chart donations by country 2020");
    assert!(
        out.contains("declared value of CNY 209,999 to 3 countries") && out.contains("internal records included"),
        "{out}"
    );
    let items = bot.ok("/chart items");
    assert!(items.contains("the 6 largest of 6 kinds of items"), "{items}");
}

#[test]
fn a_stranger_and_a_group_get_the_public_records_only() {
    let bot = valued();
    let stranger = bot.ask_as(STRANGER, "/chart donations by country 2020");
    assert!(
        stranger.plain().contains("CNY 200,000 to 2 countries") && stranger.plain().contains("public records only"),
        "{}",
        stranger.plain()
    );
    let group = bot.send(&in_group(req("/chart items")));
    assert!(group.plain().contains("5 kinds") && group.plain().contains("public records only"), "{}", group.plain());
}

#[test]
fn an_empty_period_says_so_instead_of_drawing_nothing() {
    let bot = seeded();
    // The article gives no values: nothing to draw by country, in words.
    let r = bot.ask("/chart donations by country");
    assert_eq!(r.outcome, Outcome::Done);
    assert!(r.attachments.is_empty());
    assert!(r.plain().contains("No valued donations"), "{}", r.plain());
    let r = bot.ask("/chart items 2021");
    assert!(r.attachments.is_empty() && r.plain().contains("No items given (2021)"), "{}", r.plain());
    // Items the article does give.
    assert_eq!(picture(&bot.ask("/chart items")).0, 1000);
}

#[test]
fn chinese_names_and_a_wrong_chart_name_explained() {
    let bot = valued();
    bot.ok("/lang zh");
    let r = bot.ask("/图表 捐赠 按国家 2020");
    assert!(r.plain().starts_with("各国捐赠价值，2020年（人民币）"), "{}", r.plain());
    assert!(picture(&r).2 > 0.01);
    let r = bot.ask("/图表 物资");
    assert!(r.plain().contains("种物资"), "{}", r.plain());
    bot.ok("/lang en");
    let bad = bot.invalid("/chart pie");
    assert!(bad.contains("/chart donations by country") && bad.contains("e.g."), "{bad}");
    let none = bot.invalid("/chart");
    assert!(none.contains("Which chart?"), "{none}");
    bot.invalid("/chart items someday");
}

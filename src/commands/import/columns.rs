//! The columns an import understands, for each kind of record: the export's own headings (English and
//! Chinese, from the message catalogue, so the two can never drift apart) and the synonyms staff use
//! in their own sheets, each tied to the field of the one-line form it fills. Also which kind of
//! record a table holds, from `--kind`, its sheet or file name, or its headings.

use crate::domain::RecordKind;
use crate::i18n::{Lang, t};

/// What a column fills in the one-line form of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A record id from an export (`D-3`): finds the record again on a re-import, and links replies.
    Id,
    /// The form's n-th positional field.
    Pos(usize),
    /// A `key: value` option.
    Opt(&'static str),
    /// `public` / `internal`.
    Visibility,
    /// The currency of the value column beside it.
    Currency,
    /// Countries of the recipients (a partner created by `--create-partners` takes its country).
    Countries,
    /// A reported figure's period, start and end (joined into `period: FROM..TO`).
    PeriodFrom,
    PeriodTo,
    /// Figures the record computes itself (a rate, the CNY and USD amounts, a figure's parts).
    Derived,
}

/// One column of a kind.
pub struct Col {
    /// The export's column id (`export-col-ID` in the catalogue).
    pub id: &'static str,
    pub slot: Slot,
    /// Other headings staff use, compared after [`norm`].
    pub words: &'static [&'static str],
    /// Holds dates (a workbook's bare number there is a date serial).
    pub date: bool,
    /// The catalogue prefix of its words (`status` → `status-delivered`), so an export's words in
    /// either language read back.
    pub words_of: Option<&'static str>,
}

const fn col(id: &'static str, slot: Slot, words: &'static [&'static str]) -> Col {
    Col { id, slot, words, date: false, words_of: None }
}

const fn date(id: &'static str, slot: Slot, words: &'static [&'static str]) -> Col {
    Col { id, slot, words, date: true, words_of: None }
}

const fn word(id: &'static str, slot: Slot, words: &'static [&'static str], of: &'static str) -> Col {
    Col { id, slot, words, date: false, words_of: Some(of) }
}

const ID: Col = col("id", Slot::Id, &["id", "编号", "record", "记录"]);
const VISIBILITY: Col = col("visibility", Slot::Visibility, &["visibility", "可见范围", "公开范围", "public/internal"]);
const NOTE: Col = col("note", Slot::Opt("note"), &["note", "notes", "remark", "remarks", "备注", "说明"]);
const SOURCE: Col = col("source", Slot::Opt("source"), &["source", "sources", "来源", "出处", "信息来源"]);

pub const DONATION: &[Col] = &[
    ID,
    date("date", Slot::Pos(0), &["date", "日期", "捐赠日期", "day"]),
    col(
        "recipients",
        Slot::Pos(1),
        &["recipient", "recipients", "受赠方", "对象", "受援方", "接收方", "受赠单位", "beneficiary", "to"],
    ),
    col("countries", Slot::Countries, &["country", "countries", "国家", "国别"]),
    col("donor", Slot::Opt("donor"), &["donor", "donors", "捐赠单位", "捐赠方", "捐赠者", "by"]),
    col("items", Slot::Pos(2), &["items", "item", "物资", "物品", "捐赠物资", "supplies"]),
    col("value", Slot::Pos(3), &["value", "amount", "金额", "价值", "货值", "申报价值", "declared value"]),
    col("currency", Slot::Currency, &["currency", "币种", "货币"]),
    date("value-date", Slot::Opt("value date"), &["value date", "valued on", "计价日期", "估值日期"]),
    col("rate", Slot::Derived, &["rate", "汇率"]),
    col("cny", Slot::Derived, &["cny", "人民币", "rmb"]),
    col("usd", Slot::Derived, &["usd", "美元"]),
    word("status", Slot::Opt("status"), &["status", "状态"], "status"),
    col("fund", Slot::Opt("fund"), &["fund", "funding", "资金来源", "资金"]),
    VISIBILITY,
    NOTE,
    SOURCE,
];

pub const LETTER: &[Col] = &[
    ID,
    date("date", Slot::Pos(0), &["date", "日期"]),
    word("direction", Slot::Pos(1), &["direction", "方向", "sent/received", "收发"], "direction"),
    word("letter-kind", Slot::Opt("kind"), &["kind", "type", "类型", "种类"], "letter-kind"),
    col("partners", Slot::Pos(2), &["partner", "partners", "伙伴", "对象", "recipient", "recipients", "to"]),
    col("countries", Slot::Countries, &["country", "countries", "国家"]),
    col("signatories", Slot::Opt("signed"), &["signatories", "signed", "signed by", "署名", "签署"]),
    col("author", Slot::Opt("from"), &["author", "from", "来信人", "作者"]),
    col("quote", Slot::Pos(3), &["quote", "引述", "摘录", "原文"]),
    col("in-reply-to", Slot::Opt("reply to"), &["in reply to", "reply to", "回复的信函", "回复"]),
    VISIBILITY,
    NOTE,
    SOURCE,
];

pub const EVENT: &[Col] = &[
    ID,
    date("date", Slot::Pos(0), &["date", "日期"]),
    word("event-kind", Slot::Pos(1), &["kind", "type", "类型", "形式"], "event-kind"),
    col("topic", Slot::Pos(3), &["topic", "title", "主题", "题目"]),
    col("host", Slot::Opt("host"), &["host", "hosted by", "主办", "主办方"]),
    col("participants", Slot::Pos(2), &["participants", "participant", "参与方", "参加方", "对象"]),
    col("countries", Slot::Countries, &["country", "countries", "国家"]),
    VISIBILITY,
    NOTE,
    SOURCE,
];

pub const RECEPTION: &[Col] = &[
    ID,
    date("date", Slot::Pos(0), &["date", "日期"]),
    col("place", Slot::Pos(1), &["place", "venue", "地点"]),
    col("guests", Slot::Pos(3), &["guests", "guest", "来宾", "客人"]),
    col("count", Slot::Pos(2), &["count", "number", "number of guests", "来宾人数", "人数"]),
    col("countries", Slot::Opt("countries"), &["countries", "country", "国家"]),
    VISIBILITY,
    NOTE,
    SOURCE,
];

pub const PARTNER: &[Col] = &[
    ID,
    col("name", Slot::Pos(0), &["name", "partner", "名称", "伙伴"]),
    word("partner-kind", Slot::Pos(2), &["kind", "type", "类型"], "partner-kind"),
    col("country", Slot::Pos(1), &["country", "国家"]),
    word("level", Slot::Opt("level"), &["level", "级别"], "level"),
    col("aliases", Slot::Opt("aliases"), &["aliases", "alias", "other names", "别名", "其他名称"]),
    col("since", Slot::Opt("since"), &["since", "起始年份", "建立年份", "year"]),
    NOTE,
    SOURCE,
];

pub const REPORTED: &[Col] = &[
    ID,
    date("date", Slot::Pos(0), &["date", "日期", "报道日期"]),
    word("reported-of", Slot::Pos(1), &["about", "kind", "关于", "类型"], "reported-of"),
    date("period-from", Slot::PeriodFrom, &["period from", "from", "起始日期"]),
    date("period-to", Slot::PeriodTo, &["period to", "to", "截止日期"]),
    col("figure", Slot::Pos(2), &["figure", "figures", "原文数字", "数字"]),
    col("qualifier", Slot::Derived, &["qualifier", "修饰语"]),
    col("number", Slot::Derived, &["number", "数值"]),
    col("currency", Slot::Derived, &["currency", "币种"]),
    col("usd", Slot::Derived, &["usd", "美元"]),
    col("counted", Slot::Derived, &["counted", "计数对象"]),
    SOURCE,
    VISIBILITY,
    NOTE,
];

/// The columns of a kind.
pub fn of(kind: RecordKind) -> &'static [Col] {
    match kind {
        RecordKind::Donation => DONATION,
        RecordKind::Letter => LETTER,
        RecordKind::Event => EVENT,
        RecordKind::Reception => RECEPTION,
        RecordKind::Partner => PARTNER,
        RecordKind::Reported => REPORTED,
    }
}

/// The columns a table of this kind must have.
pub fn required(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Donation => &["date", "recipients"],
        RecordKind::Letter => &["date", "direction", "partners"],
        RecordKind::Event => &["date", "event-kind", "participants", "topic"],
        RecordKind::Reception => &["date", "place", "count", "guests"],
        RecordKind::Partner => &["name", "country", "partner-kind"],
        RecordKind::Reported => &["date", "reported-of", "figure", "source"],
    }
}

/// A heading or word as compared: letters folded (full-width to half-width, case), without spaces,
/// `_`, `-`, colons or a byte-order mark.
pub fn norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim_start_matches('\u{feff}')
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | ':' | '*'))
        .collect()
}

/// Every heading a column answers to.
fn headings(c: &Col) -> Vec<String> {
    let mut all: Vec<String> =
        [Lang::En, Lang::Zh].iter().map(|l| norm(&t(*l, &format!("export-col-{}", c.id), &[]))).collect();
    all.extend(c.words.iter().map(|w| norm(w)));
    all
}

/// The columns of a table's heading row: for each cell, the index of the kind's column it is (the
/// first cell wins when two name the same column).
pub fn map_header(kind: RecordKind, header: &[String]) -> Vec<Option<usize>> {
    let cols = of(kind);
    let names: Vec<Vec<String>> = cols.iter().map(headings).collect();
    let mut taken = vec![false; cols.len()];
    header
        .iter()
        .map(|h| {
            let h = norm(h);
            if h.is_empty() {
                return None;
            }
            let i = names.iter().position(|n| n.contains(&h))?;
            if taken[i] {
                return None;
            }
            taken[i] = true;
            Some(i)
        })
        .collect()
}

/// The words that name a kind of record: a sheet or file of it.
fn kind_names(kind: RecordKind) -> Vec<String> {
    let slug = super::super::export::kind_word(kind);
    let mut all: Vec<String> =
        [Lang::En, Lang::Zh].iter().map(|l| norm(&t(*l, &format!("export-kind-{slug}"), &[]))).collect();
    all.push(slug.to_string());
    all.push(kind.as_str().to_string());
    all.extend(
        match kind {
            RecordKind::Donation => &["捐赠", "捐赠记录", "捐赠物资"][..],
            RecordKind::Letter => &["信函", "慰问信", "函件"],
            RecordKind::Event => &["活动", "视频会议"],
            RecordKind::Reception => &["接待", "来访"],
            RecordKind::Partner => &["伙伴", "友好城市", "友城"],
            RecordKind::Reported => &["报道", "报道数字", "figures"],
        }
        .iter()
        .map(|s| norm(s)),
    );
    all
}

/// The kind a sheet's name says (`Donations`, `捐赠`), if it says one.
pub fn kind_of_sheet(name: &str) -> Option<RecordKind> {
    let n = norm(name);
    RecordKind::ALL.into_iter().find(|k| kind_names(*k).contains(&n))
}

/// The kind a file's name says (`amity-donations-2020.csv`, `捐赠2020.csv`), if exactly one.
pub fn kind_of_file(name: &str) -> Option<RecordKind> {
    let n = norm(name);
    let found: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| kind_names(*k).iter().any(|w| w.chars().count() >= 2 && n.contains(w.as_str())))
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The kind whose columns a heading row has: all its required columns, and more of its columns than
/// any other kind has. `None` when no kind fits or two fit as well.
pub fn kind_of_header(header: &[String]) -> Option<RecordKind> {
    let mut best: Vec<(usize, RecordKind)> = Vec::new();
    for kind in RecordKind::ALL {
        let map = map_header(kind, header);
        let cols = of(kind);
        let ids: Vec<&str> = map.iter().flatten().map(|i| cols[*i].id).collect();
        if required(kind).iter().all(|r| ids.contains(r)) {
            best.push((ids.len(), kind));
        }
    }
    best.sort_by_key(|b| std::cmp::Reverse(b.0));
    match best.as_slice() {
        [] => None,
        [(_, k)] => Some(*k),
        [(a, k), (b, _), ..] if a > b => Some(*k),
        _ => None,
    }
}

/// The words of a column (`已送达`, `Delivered`), as compared ([`norm`]), to the form's canonical
/// word (`delivered`): each code and the catalogue's word for it in either language. Other text is
/// left for the form's parser.
pub fn lexicon(prefix: &str, codes: &[&'static str]) -> std::collections::HashMap<String, &'static str> {
    let mut map = std::collections::HashMap::new();
    for code in codes {
        for l in [Lang::En, Lang::Zh] {
            map.entry(norm(&t(l, &format!("{prefix}-{code}"), &[]))).or_insert(*code);
        }
        map.insert(norm(code), *code);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_either_language_and_synonyms_map() {
        let h: Vec<String> = ["日期", "受赠方", "物资", "金额", "币种", "Donor", " Status ", "备注", "whatever"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = map_header(RecordKind::Donation, &h);
        let ids: Vec<Option<&str>> = map.iter().map(|m| m.map(|i| DONATION[i].id)).collect();
        assert_eq!(
            ids,
            vec![
                Some("date"),
                Some("recipients"),
                Some("items"),
                Some("value"),
                Some("currency"),
                Some("donor"),
                Some("status"),
                Some("note"),
                None
            ]
        );
        assert_eq!(kind_of_header(&h), Some(RecordKind::Donation));
    }

    #[test]
    fn kinds_from_names() {
        assert_eq!(kind_of_sheet("Donations"), Some(RecordKind::Donation));
        assert_eq!(kind_of_sheet("公开报道的数字"), Some(RecordKind::Reported));
        assert_eq!(kind_of_file("amity-letters-all-20261129.csv"), Some(RecordKind::Letter));
        assert_eq!(kind_of_file("2020年捐赠.csv"), Some(RecordKind::Donation));
        assert_eq!(kind_of_file("data.csv"), None);
    }

    #[test]
    fn exported_words_read_back() {
        let words = lexicon("status", &["pledged", "shipped", "delivered"]);
        assert_eq!(words.get(&norm("已送达")), Some(&"delivered"));
        assert_eq!(words.get(&norm("Delivered")), Some(&"delivered"));
        assert_eq!(words.get(&norm("lost")), None);
    }
}

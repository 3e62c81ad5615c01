//! Turning names into things: a FILTER into a country, partner, item or donor (in that order); a
//! recipient or participant into a partner or country. Exact names and aliases match at once; close
//! names are offered as "did you mean", and several matches as a choice (buttons where possible).

use super::{CmdError, Ctx};
use crate::domain::{CountryCode, Partner, Party, country, money, norm_name};
use crate::render::{Button, Reply};
use crate::store::records;
use crate::store::reports::{self, Filter, Scope};
use rusqlite::Connection;

/// How strict a lookup is: reading accepts one clear fuzzy match; logging only exact names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Read,
    Log,
}

/// Partners matching a name: exact (name or alias), else fuzzy candidates, best first.
pub enum PartnerMatch {
    Exact(Vec<i64>),
    Fuzzy(Vec<i64>),
}

pub fn match_partner(conn: &Connection, text: &str) -> crate::store::Result<PartnerMatch> {
    let norm = norm_name(text);
    if norm.is_empty() {
        return Ok(PartnerMatch::Fuzzy(Vec::new()));
    }
    let exact = reports::partners_by_norm(conn, &norm)?;
    if !exact.is_empty() {
        return Ok(PartnerMatch::Exact(exact));
    }
    let q: String = norm.chars().take(64).collect();
    let mut scored: Vec<(f64, i64)> = Vec::new();
    for (id, n, _) in reports::partner_names(conn)? {
        let score = if q.chars().count() >= 3 && (n.starts_with(&q) || n.split(' ').any(|w| w == q)) {
            0.97
        } else if q.chars().count() >= 4 && n.contains(&q) {
            0.95
        } else {
            strsim::jaro_winkler(&q, &n)
        };
        if score >= 0.88 {
            scored.push((score, id));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut ids: Vec<i64> = Vec::new();
    for (_, id) in scored {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.truncate(8);
    Ok(PartnerMatch::Fuzzy(ids))
}

impl Ctx<'_> {
    fn partner_label(&self, p: &Partner) -> String {
        format!("{} ({})", p.name, p.country)
    }

    /// "Which one?" with one button per candidate; `command` is re-run with the candidate's name.
    fn choose(&self, msg: String, command: &str, names: Vec<String>) -> CmdError {
        let mut r = Reply::invalid(msg);
        for n in names {
            r.button_row(vec![Button { label: n.clone(), data: format!("{command} {n}").trim().to_string() }]);
        }
        CmdError::Reply(r)
    }

    fn load_partners(&self, ids: &[i64]) -> Result<Vec<Partner>, CmdError> {
        let conn = self.store.conn();
        Ok(ids.iter().filter_map(|id| records::get_partner(conn, *id).transpose()).collect::<Result<Vec<_>, _>>()?)
    }

    /// Resolves a FILTER for reading commands. `command` is used to build "which one" buttons.
    pub fn resolve_filter(&self, text: &str, command: &str, items_and_donors: bool) -> Result<Filter, CmdError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Filter::All);
        }
        if let Some(c) = country::resolve(text) {
            return Ok(Filter::Country(c));
        }
        if let Some(name) = donor_prefix(text) {
            return self.resolve_donor(name, command);
        }
        let conn = self.store.conn();
        let fuzzy = match match_partner(conn, text)? {
            PartnerMatch::Exact(ids) if ids.len() == 1 => return Ok(Filter::Partner(ids[0])),
            PartnerMatch::Exact(ids) => {
                let ps = self.load_partners(&ids)?;
                return Err(self.choose(
                    self.t("err-ambiguous", &[("input", text.to_string())]),
                    command,
                    ps.iter().map(|p| p.name.clone()).collect(),
                ));
            }
            PartnerMatch::Fuzzy(ids) => ids,
        };
        if items_and_donors {
            let key = money::item_key(text);
            // Only what this reader may see: a name found only on internal records answers exactly as
            // an unknown name does, so its existence does not leak.
            let internal = self.sees_internal();
            if reports::item_exists(conn, &key, internal)? {
                return Ok(Filter::Item(key));
            }
            let donors = reports::donors_like(conn, text, internal)?;
            if donors.len() == 1 {
                return Ok(Filter::Donor(donors[0].clone()));
            }
            if donors.len() > 1 && fuzzy.is_empty() {
                return Err(self.choose(self.t("err-ambiguous", &[("input", text.to_string())]), command, donors));
            }
        }
        if fuzzy.len() == 1 {
            return Ok(Filter::Partner(fuzzy[0]));
        }
        if fuzzy.len() > 1 {
            let ps = self.load_partners(&fuzzy)?;
            return Err(self.choose(
                self.t("err-ambiguous", &[("input", text.to_string())]),
                command,
                ps.iter().map(|p| p.name.clone()).collect(),
            ));
        }
        Err(self.unknown_name(text, command, items_and_donors))
    }

    /// `donor: NAME`: a donor only, never a partner or a country with a similar name. An exact name
    /// (any case) wins; a part of one names it when only one donor has it; else the reader chooses.
    fn resolve_donor(&self, name: &str, command: &str) -> Result<Filter, CmdError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(self.invalid("err-donor-empty", &[]));
        }
        let conn = self.store.conn();
        let internal = self.sees_internal();
        let like = reports::donors_like(conn, name, internal)?;
        if let Some(exact) = like.iter().find(|d| d.to_lowercase() == name.to_lowercase()) {
            return Ok(Filter::Donor(exact.clone()));
        }
        let donor_command = format!("{command} donor:");
        match like.len() {
            1 => Ok(Filter::Donor(like[0].clone())),
            0 => {
                let all = reports::donors(conn, &Scope::all(internal))?;
                let q = name.to_lowercase();
                let mut close: Vec<(f64, String)> = all
                    .into_iter()
                    .map(|d| (closeness(&q, &d.donor.to_lowercase()), d.donor))
                    .filter(|(s, _)| *s > 0.75)
                    .collect();
                close.sort_by(|a, b| b.0.total_cmp(&a.0));
                let names: Vec<String> = close.into_iter().take(3).map(|(_, n)| n).collect();
                if names.is_empty() {
                    return Err(self.invalid("err-unknown-donor", &[("input", name.to_string())]));
                }
                Err(self.choose(
                    self.t(
                        "err-unknown-donor-suggest",
                        &[("input", name.to_string()), ("suggestions", names.join(", "))],
                    ),
                    &donor_command,
                    names,
                ))
            }
            _ => Err(self.choose(self.t("err-ambiguous-donor", &[("input", name.to_string())]), &donor_command, like)),
        }
    }

    /// "Unknown: X. Did you mean …?" with the closest countries and items.
    fn unknown_name(&self, text: &str, command: &str, items: bool) -> CmdError {
        // A line to log typed to the command that reads (`/letters 2020-03-02 | received | …`): say
        // which command logs it, rather than look for a name with bars in it.
        if text.contains(['|', '｜'])
            && let Some(log) =
                command.strip_suffix('s').filter(|c| matches!(*c, "/donation" | "/letter" | "/event" | "/reception"))
        {
            let log = super::spec::in_language(log, self.lang).unwrap_or_else(|| log.to_string());
            let name = log.trim_start_matches('/').to_string();
            let help = super::spec::in_language("/help", self.lang).unwrap_or_else(|| "/help".to_string());
            return CmdError::Invalid(
                self.t("err-filter-looks-like-entry", &[("command", log), ("help", help), ("name", name)]),
            );
        }
        let mut names: Vec<String> =
            country::suggest(text, 3).into_iter().map(|c| self.country_name(c).to_string()).collect();
        if items && let Ok(all) = reports::item_names(self.store.conn(), self.sees_internal()) {
            let q = money::item_key(text);
            let mut close: Vec<(f64, String)> =
                all.into_iter().map(|(k, n)| (strsim::jaro_winkler(&q, &k), n)).filter(|(s, _)| *s > 0.85).collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0));
            names.extend(close.into_iter().take(2).map(|(_, n)| n));
        }
        if names.is_empty() {
            CmdError::Invalid(self.t("err-unknown-filter", &[("input", text.to_string())]))
        } else {
            self.choose(
                self.t("err-unknown-filter-suggest", &[("input", text.to_string()), ("suggestions", names.join(", "))]),
                command,
                names,
            )
        }
    }

    /// A partner by name for `/partner NAME` and letters.
    pub fn resolve_partner(&self, text: &str, mode: Mode, command: &str) -> Result<Partner, CmdError> {
        let text = text.trim();
        let conn = self.store.conn();
        let ids = match match_partner(conn, text)? {
            PartnerMatch::Exact(ids) => ids,
            PartnerMatch::Fuzzy(ids) if mode == Mode::Read && ids.len() == 1 => ids,
            PartnerMatch::Fuzzy(ids) => {
                let ps = self.load_partners(&ids)?;
                if ps.is_empty() {
                    return Err(CmdError::Invalid(self.t(
                        "err-unknown-partner",
                        &[
                            ("input", text.to_string()),
                            ("example", format!("/partner add {text} | COUNTRY | friendship")),
                        ],
                    )));
                }
                let names: Vec<String> = ps.iter().map(|p| self.partner_label(p)).collect();
                return Err(self.choose(
                    self.t(
                        "err-partner-did-you-mean",
                        &[("input", text.to_string()), ("suggestions", names.join(", "))],
                    ),
                    command,
                    ps.iter().map(|p| p.name.clone()).collect(),
                ));
            }
        };
        let mut ps = self.load_partners(&ids)?;
        if ps.len() == 1 {
            return Ok(ps.remove(0));
        }
        let names: Vec<String> = ps.iter().map(|p| self.partner_label(p)).collect();
        Err(CmdError::Invalid(
            self.t("err-ambiguous-list", &[("input", text.to_string()), ("candidates", names.join(", "))]),
        ))
    }

    /// A donation recipient or event participant: a partner (exact name) first, then a country; for
    /// events (`allow_named`), anything else is a free-text participant, with an optional "(Country)".
    pub fn resolve_party(&self, text: &str, allow_named: bool) -> Result<Party, CmdError> {
        let text = text.trim();
        let conn = self.store.conn();
        // An exact name or alias first (one indexed lookup: the fuzzy scoring of every partner's name
        // is for the error below, not for every country named as a recipient).
        let exact = reports::partners_by_norm(conn, &norm_name(text))?;
        if !exact.is_empty() {
            let ids = exact;
            let ps = self.load_partners(&ids)?;
            if ps.len() == 1 {
                let p = &ps[0];
                return Ok(Party::Partner { id: p.id, name: p.name.clone(), country: p.country });
            }
            let names: Vec<String> = ps.iter().map(|p| self.partner_label(p)).collect();
            return Err(CmdError::Invalid(
                self.t("err-ambiguous-list", &[("input", text.to_string()), ("candidates", names.join(", "))]),
            ));
        }
        if let Some(c) = country::resolve(text) {
            return Ok(Party::Country(c));
        }
        if allow_named {
            let (name, c) = split_country_suffix(text);
            if name.chars().count() > super::fields::MAX_NAME {
                return Err(CmdError::Invalid(
                    self.t("err-text-too-long", &[("max", super::fields::MAX_NAME.to_string())]),
                ));
            }
            return Ok(Party::Named { name, country: c });
        }
        // Not a partner nor a country: say so, offer close names and the command that creates it.
        let mut close: Vec<String> = Vec::new();
        if let PartnerMatch::Fuzzy(ids) = match_partner(conn, text)? {
            close.extend(self.load_partners(&ids)?.iter().map(|p| p.name.clone()));
        }
        close.extend(country::suggest(text, 2).into_iter().map(|c| self.country_name(c).to_string()));
        close.truncate(4);
        let example = format!("/partner add {text} | COUNTRY | friendship");
        Err(CmdError::Invalid(if close.is_empty() {
            self.t("err-unknown-recipient", &[("input", text.to_string()), ("example", example)])
        } else {
            self.t(
                "err-unknown-recipient-suggest",
                &[("input", text.to_string()), ("suggestions", close.join(", ")), ("example", example)],
            )
        }))
    }
}

/// "Nihon Pharmaceutical University (Japan)" → ("Nihon Pharmaceutical University", Some(JP)).
/// How close a typed name is to a longer one: the best match of the typed words against any run of
/// as many words of the name ("educaton dept" is close to "Provincial *Education Department*").
fn closeness(typed: &str, name: &str) -> f64 {
    let words: Vec<&str> = name.split_whitespace().collect();
    let n = typed.split_whitespace().count().clamp(1, words.len().max(1));
    let mut best = strsim::jaro_winkler(typed, name);
    for w in words.windows(n) {
        best = best.max(strsim::jaro_winkler(typed, &w.join(" ")));
    }
    best
}

/// The name after `donor:` (`捐赠方：`, `捐赠单位:`, `by:`), if the filter starts with one.
fn donor_prefix(text: &str) -> Option<&str> {
    let (key, rest) = text.split_once([':', '：'])?;
    matches!(key.trim().to_lowercase().as_str(), "donor" | "donors" | "by" | "捐赠方" | "捐赠单位" | "捐赠者")
        .then_some(rest)
}

pub fn split_country_suffix(text: &str) -> (String, Option<CountryCode>) {
    let t = text.trim();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(inner) = t.strip_suffix(close)
            && let Some(i) = inner.rfind(open)
            && let Some(c) = country::resolve(&inner[i + open.len_utf8()..])
        {
            return (inner[..i].trim().to_string(), Some(c));
        }
    }
    (t.to_string(), None)
}

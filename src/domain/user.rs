//! Who is talking: a user key that names one account on one transport by its numeric or canonical id
//! (never a username, which can change hands), and the roles that decide what they may do.

use std::fmt;

/// One account on one transport: `tg:123456789` (Telegram numeric id), `mx:@bob:example.org` (Matrix),
/// `console:local` (the operator at the terminal).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserKey(String);

impl UserKey {
    /// The local operator of the console chat and of `amity ask`.
    pub fn console() -> UserKey {
        UserKey("console:local".into())
    }

    pub fn telegram(id: i64) -> UserKey {
        UserKey(format!("tg:{id}"))
    }

    /// Parses what an admin types in `/staff add ID`: a Telegram numeric id (`123456789`), a Matrix id
    /// (`@bob:example.org`) or an explicit key (`tg:123`, `mx:@bob:example.org`, `console:local`).
    pub fn parse(s: &str) -> Option<UserKey> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("tg:").or_else(|| s.strip_prefix("telegram:")) {
            return rest.parse::<i64>().ok().filter(|n| *n > 0).map(UserKey::telegram);
        }
        if let Some(rest) = s.strip_prefix("mx:").or_else(|| s.strip_prefix("matrix:")) {
            return matrix_id(rest).map(|m| UserKey(format!("mx:{m}")));
        }
        if s == "console:local" {
            return Some(UserKey::console());
        }
        if let Ok(n) = s.parse::<i64>() {
            return (n > 0).then(|| UserKey::telegram(n));
        }
        matrix_id(s).map(|m| UserKey(format!("mx:{m}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as the user knows it (without the transport prefix), for "Your id is …" answers.
    pub fn bare_id(&self) -> &str {
        self.0.split_once(':').map(|(_, id)| id).unwrap_or(&self.0)
    }

    /// Rebuilds a key read back from the database.
    pub fn from_stored(s: String) -> UserKey {
        UserKey(s)
    }
}

fn matrix_id(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('@')?;
    let (local, server) = rest.split_once(':')?;
    let ok = !local.is_empty()
        && !server.is_empty()
        && s.len() <= 255
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(s)
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a person may do. Ordered: everyone < staff < admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Everyone,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Everyone => "everyone",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_lowercase().as_str() {
            "staff" | "员工" => Some(Role::Staff),
            "admin" | "管理员" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn is_staff(self) -> bool {
        self >= Role::Staff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_by_shape() {
        assert_eq!(UserKey::parse("123456789").unwrap().as_str(), "tg:123456789");
        assert_eq!(UserKey::parse("@bob:example.org").unwrap().as_str(), "mx:@bob:example.org");
        assert_eq!(UserKey::parse("tg:42").unwrap().bare_id(), "42");
        assert!(UserKey::parse("bob").is_none());
        assert!(UserKey::parse("-5").is_none());
        assert!(UserKey::parse("@bob").is_none());
    }
}

//! The `[[digest]]` tables as written: plain data. `digest::spec` checks them (cron, time zone,
//! target, language, durations) into `DigestSpec`s.

use serde::Deserialize;

/// One `[[digest]]` table, as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestCfg {
    /// Unique; used in `/digest preview NAME` and as the outbox key.
    pub name: String,
    /// `telegram:@channel`, `telegram:-1001234567890`, `matrix:!room:server`, or `console`.
    pub target: String,
    /// Cron (5 fields, or 6 with seconds first), evaluated in `timezone`.
    pub schedule: String,
    /// IANA time zone; default: the office's.
    #[serde(default)]
    pub timezone: Option<String>,
    /// "en" or "zh"; default: the office's default language.
    #[serde(default)]
    pub language: Option<String>,
    /// "public" (public records only) or "staff" (everything).
    #[serde(default = "default_audience")]
    pub audience: String,
    /// Which parts to include, in this order; default: all.
    #[serde(default)]
    pub sections: Option<Vec<String>>,
    /// Skip a period with nothing new instead of saying so in one line.
    #[serde(default)]
    pub skip_empty: bool,
    /// After downtime: "latest" sends only the latest missed period, "each" sends every missed one.
    #[serde(default = "default_catch_up")]
    pub catch_up: String,
    /// How long a failed send is retried (e.g. "30m", "6h", "2d") before it is recorded as failed.
    #[serde(default = "default_retry_for")]
    pub retry_for: String,
}

fn default_audience() -> String {
    "public".into()
}
fn default_catch_up() -> String {
    "latest".into()
}
fn default_retry_for() -> String {
    "6h".into()
}

//! `MERIDIAN_<SECTION>_<KEY>` environment overrides for every scalar key.

use toml::{Table, Value};

use super::{Config, ConfigError, Origin};

/// How an environment string becomes a TOML value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Str,
    Int,
    Float,
    Bool,
    /// Comma-separated list of strings.
    List,
}

/// Every key settable from the environment. A unit test checks this list
/// against the fields `Config` actually has.
pub(super) const KEYS: &[(&str, &str, Kind)] = &[
    ("server", "url", Kind::Str),
    ("server", "prices_url", Kind::Str),
    ("server", "backfill_url", Kind::Str),
    ("server", "health_url", Kind::Str),
    ("server", "token_file", Kind::Str),
    ("server", "token_command", Kind::Str),
    ("server", "ca_file", Kind::Str),
    ("server", "request_timeout_ms", Kind::Int),
    ("feeds", "connect_timeout_ms", Kind::Int),
    ("feeds", "backoff_base_ms", Kind::Int),
    ("feeds", "backoff_cap_ms", Kind::Int),
    ("feeds", "ping_interval_secs", Kind::Int),
    ("feeds", "max_frame_bytes", Kind::Int),
    ("feeds", "prices_stale_after_secs", Kind::Float),
    ("feeds", "health_stale_after_secs", Kind::Float),
    ("feeds", "prices_format", Kind::Str),
    ("ui", "fps", Kind::Int),
    ("ui", "theme", Kind::Str),
    ("ui", "bell", Kind::Bool),
    ("ui", "history_points", Kind::Int),
    ("ui", "flow_control", Kind::Str),
    ("ui", "clipboard", Kind::Bool),
    ("markets", "symbols", Kind::List),
    ("markets", "private", Kind::Bool),
    ("user", "name", Kind::Str),
    ("user", "read_only", Kind::Bool),
    ("alerts", "ack_hours", Kind::Int),
    ("review", "undo_secs", Kind::Int),
    ("review", "claim_on_open", Kind::Bool),
    ("notify", "alerts", Kind::Bool),
    ("notify", "jobs", Kind::Bool),
    ("notify", "prices", Kind::Bool),
    ("log", "level", Kind::Str),
];

pub(super) fn var_name(section: &str, key: &str) -> String {
    format!("MERIDIAN_{section}_{key}").to_ascii_uppercase()
}

fn parse(kind: Kind, raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    match kind {
        Kind::Str => Ok(Value::String(raw.to_owned())),
        Kind::Int => raw
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| format!("expected a whole number, got `{raw}`")),
        Kind::Float => raw
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| format!("expected a number, got `{raw}`")),
        Kind::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err(format!("expected true or false, got `{raw}`")),
        },
        Kind::List => Ok(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
    }
}

/// Apply every set variable to `config`, one at a time so that a value of
/// the wrong type is blamed on its variable. Returns (key path, variable)
/// for each applied value.
pub(super) fn apply(
    config: &mut Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut applied = Vec::new();
    for &(section, key, kind) in KEYS {
        let var = var_name(section, key);
        let Some(raw) = env(&var) else { continue };
        let path = format!("{section}.{key}");
        let invalid = |message: String| ConfigError::Invalid {
            origin: Origin::Env(var.clone()),
            key: path.clone(),
            message,
        };
        let value = parse(kind, &raw).map_err(invalid)?;
        let mut table = Table::try_from(&*config).map_err(|e| invalid(e.to_string()))?;
        if let Some(Value::Table(section_table)) = table.get_mut(section) {
            section_table.insert(key.to_owned(), value);
        }
        *config = Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.message().trim().to_owned()))?;
        applied.push((path, var));
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::*;

    /// KEYS must name every scalar or list setting in every section, with a
    /// kind matching the field's type.
    #[test]
    fn keys_cover_every_setting() {
        let mut full = Config::default();
        full.server.prices_url = Some("ws://x/p".into());
        full.feeds.prices_format = Some(crate::venues::PricesFormat::Kraken);
        full.server.backfill_url = Some("ws://x/b".into());
        full.server.health_url = Some("ws://x/h".into());
        full.server.token_file = Some(PathBuf::from("/t"));
        full.server.token_command = Some("pass show meridian".into());
        full.server.ca_file = Some(PathBuf::from("/ca.pem"));
        full.user.name = Some("alex".into());
        let table = Table::try_from(&full).expect("serialises");
        let mut actual = BTreeSet::new();
        for (section, value) in &table {
            let Value::Table(fields) = value else { continue };
            // Tables of tables: the flags and MERIDIAN_PROMETHEUS_URL /
            // MERIDIAN_ALERTMANAGER_URL set the sources; review thresholds
            // (a level pair per metric) are set in the file only.
            if section == "keys" || section == "sources" {
                continue;
            }
            for (key, value) in fields {
                if value.is_table() {
                    continue;
                }
                let kind = match value {
                    Value::String(_) => Kind::Str,
                    Value::Integer(_) => Kind::Int,
                    Value::Float(_) => Kind::Float,
                    Value::Boolean(_) => Kind::Bool,
                    _ => Kind::List,
                };
                actual.insert((section.clone(), key.clone(), format!("{kind:?}")));
            }
        }
        let listed: BTreeSet<_> = KEYS
            .iter()
            .map(|(s, k, kind)| (s.to_string(), k.to_string(), format!("{kind:?}")))
            .collect();
        assert_eq!(listed, actual);
    }

    #[test]
    fn parses_each_kind() {
        assert_eq!(parse(Kind::Int, " 60 "), Ok(Value::Integer(60)));
        assert_eq!(parse(Kind::Float, "2"), Ok(Value::Float(2.0)));
        assert_eq!(parse(Kind::Bool, "TRUE"), Ok(Value::Boolean(true)));
        assert!(parse(Kind::Bool, "maybe").is_err());
        assert_eq!(
            parse(Kind::List, "aapl, msft,"),
            Ok(Value::Array(vec![Value::String("aapl".into()), Value::String("msft".into())]))
        );
    }

    #[test]
    fn flow_control_can_be_set_from_the_environment() {
        let env = |value: &'static str| {
            move |k: &str| (k == "MERIDIAN_UI_FLOW_CONTROL").then(|| value.to_owned())
        };
        let mut config = Config::default();
        let applied = apply(&mut config, &env(" off ")).expect("applies");
        assert_eq!(config.ui.flow_control, super::super::FlowControl::Off);
        assert_eq!(
            applied,
            [("ui.flow_control".to_owned(), "MERIDIAN_UI_FLOW_CONTROL".to_owned())]
        );
        let e = apply(&mut Config::default(), &env("sometimes")).expect_err("rejected").to_string();
        assert!(
            e.starts_with(
                "environment variable MERIDIAN_UI_FLOW_CONTROL: ui.flow_control: unknown variant `sometimes`"
            ),
            "{e}"
        );
    }
}

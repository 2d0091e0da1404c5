//! Checks that serde cannot express: ranges, URL schemes, names, symbols.

use super::load::Sources;
use super::{Config, ConfigError};
use crate::keymap::Keymap;
use crate::theme::Theme;

const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error"];

/// Each `[[markets.positions]]`: a valid symbol (normalised), a quantity
/// other than 0 and a cost of 0 or more, all finite.
fn validate_positions(
    config: &mut Config,
    fail: &impl Fn(&str, String) -> ConfigError,
) -> Result<(), ConfigError> {
    for (i, p) in config.markets.positions.iter_mut().enumerate() {
        let which = |m: String| fail("markets.positions", format!("position {}: {m}", i + 1));
        p.symbol = crate::protocol::normalize_symbol(&p.symbol).map_err(which)?;
        if !p.quantity.is_finite() || p.quantity == 0.0 {
            return Err(which(format!("{}: quantity must be a number other than 0", p.symbol)));
        }
        if !p.cost.is_finite() || p.cost < 0.0 {
            return Err(which(format!("{}: cost must be a number of 0 or more", p.symbol)));
        }
    }
    Ok(())
}

/// Validate and normalise (symbols, log level) `config` in place, then its
/// profiles.
pub(super) fn validate(config: &mut Config, sources: &Sources) -> Result<(), ConfigError> {
    validate_settings(config, sources)?;
    super::profile::validate(config, &|key: &str, message: String| ConfigError::Invalid {
        origin: sources.origin_of(key),
        key: key.to_owned(),
        message,
    })
}

/// Every section's values: ranges, URLs, names, symbols, keys.
fn validate_settings(config: &mut Config, sources: &Sources) -> Result<(), ConfigError> {
    let fail = |key: &str, message: String| ConfigError::Invalid {
        origin: sources.origin_of(key),
        key: key.to_owned(),
        message,
    };

    check_url(&config.server.url, &["http", "https"]).map_err(|m| fail("server.url", m))?;
    for (key, url) in [
        ("server.prices_url", &config.server.prices_url),
        ("server.backfill_url", &config.server.backfill_url),
        ("server.health_url", &config.server.health_url),
    ] {
        if let Some(url) = url {
            check_url(url, &["ws", "wss"]).map_err(|m| fail(key, m))?;
        }
    }

    if config.server.token_file.is_some() && config.server.token_command.is_some() {
        let message = "set server.token_file or server.token_command, not both".to_owned();
        return Err(fail("server.token_command", message));
    }

    let positive = |key: &str, value: u64| {
        if value == 0 { Err(fail(key, "must be greater than 0".into())) } else { Ok(()) }
    };
    positive("server.request_timeout_ms", config.server.request_timeout_ms)?;
    validate_on_call(config, &fail)?;
    let feeds = &config.feeds;
    positive("feeds.connect_timeout_ms", feeds.connect_timeout_ms)?;
    positive("feeds.backoff_base_ms", feeds.backoff_base_ms)?;
    positive("feeds.ping_interval_secs", feeds.ping_interval_secs)?;
    positive("feeds.max_frame_bytes", feeds.max_frame_bytes as u64)?;
    if feeds.backoff_cap_ms < feeds.backoff_base_ms {
        let message = format!(
            "must be at least feeds.backoff_base_ms ({}), got {}",
            feeds.backoff_base_ms, feeds.backoff_cap_ms
        );
        return Err(fail("feeds.backoff_cap_ms", message));
    }
    for (key, secs) in [
        ("feeds.prices_stale_after_secs", feeds.prices_stale_after_secs),
        ("feeds.health_stale_after_secs", feeds.health_stale_after_secs),
    ] {
        if !(secs.is_finite() && secs > 0.0) {
            return Err(fail(key, format!("must be a positive number of seconds, got {secs}")));
        }
    }

    if let Some(name) = &config.user.name
        && !super::valid_user_name(name)
    {
        let message = format!(
            "must be 1 to {} printable ASCII characters (it is sent as the X-User header)",
            super::MAX_USER_NAME
        );
        return Err(fail("user.name", message));
    }

    if !(1..=240).contains(&config.ui.fps) {
        return Err(fail("ui.fps", format!("must be between 1 and 240, got {}", config.ui.fps)));
    }
    Theme::by_name(&config.ui.theme).map_err(|e| fail("ui.theme", e.to_string()))?;
    positive("ui.history_points", config.ui.history_points as u64)?;

    let level = config.log.level.trim().to_ascii_lowercase();
    if !LOG_LEVELS.contains(&level.as_str()) {
        let message = format!(
            "unknown log level `{}` (expected one of: {})",
            config.log.level,
            LOG_LEVELS.join(", ")
        );
        return Err(fail("log.level", message));
    }
    config.log.level = level;

    config.markets.symbols =
        normalise_symbols(&config.markets.symbols).map_err(|m| fail("markets.symbols", m))?;
    validate_positions(config, &fail)?;

    Keymap::with_overrides(&config.keys).map_err(|error| {
        let origin = error
            .key_paths()
            .iter()
            .find_map(|p| sources.file_origin(p))
            .unwrap_or_else(|| sources.origin_of("keys"));
        ConfigError::Keymap { origin, error: Box::new(error) }
    })?;
    Ok(())
}

/// `[sources.*]` (http(s) URLs, poll intervals, panels with a query),
/// `[alerts]` and `[review]` (thresholds with a name and numbers).
fn validate_on_call(
    config: &Config,
    fail: &dyn Fn(&str, String) -> ConfigError,
) -> Result<(), ConfigError> {
    let src = &config.sources;
    for (key, url) in [
        ("sources.prometheus.url", &src.prometheus.url),
        ("sources.alertmanager.url", &src.alertmanager.url),
    ] {
        if let Some(url) = url {
            check_url(url, &["http", "https"]).map_err(|m| fail(key, m))?;
        }
    }
    for (key, secs) in [
        ("sources.prometheus.poll_secs", src.prometheus.poll_secs),
        ("sources.alertmanager.poll_secs", src.alertmanager.poll_secs),
    ] {
        if secs == 0 {
            return Err(fail(key, "must be greater than 0".into()));
        }
    }
    for (i, m) in src.prometheus.metrics.iter().enumerate() {
        if m.name.trim().is_empty() || m.query.trim().is_empty() {
            let key = format!("sources.prometheus.metrics[{i}]");
            return Err(fail(&key, "needs a name and a query".into()));
        }
    }
    if !(1..=24 * 30).contains(&config.alerts.ack_hours) {
        let message = format!("must be 1 to 720 hours, got {}", config.alerts.ack_hours);
        return Err(fail("alerts.ack_hours", message));
    }
    super::review::validate(&config.review).map_err(|(key, message)| fail(&key, message))
}

pub(super) fn check_url(url: &str, schemes: &[&str]) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("invalid URL `{url}`: {e}"))?;
    if !schemes.contains(&parsed.scheme()) {
        return Err(format!("URL `{url}` must start with {}://", schemes.join(":// or ")));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("URL `{url}` has no host"));
    }
    Ok(())
}

/// Upper-case, check and deduplicate (keeping first occurrences) symbols.
pub(super) fn normalise_symbols(symbols: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::with_capacity(symbols.len());
    for raw in symbols {
        let symbol = crate::protocol::normalize_symbol(raw)?;
        if !out.contains(&symbol) {
            out.push(symbol);
        }
    }
    Ok(out)
}

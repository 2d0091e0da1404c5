//! Choosing a price source in the config layer: `--prices-format` and its
//! environment twin, `feeds.prices_format`, the venue inferred from the
//! feed's host, no backend wanted for a venue alone, each venue's own
//! majors as the default watchlist, and `[[markets.positions]]` checked
//! with the file, line and key named.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use meridian::config::{Config, ConfigError, Loaded, Overrides};
use meridian::venues::PricesFormat;
use tempfile::TempDir;

fn config_file(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write config");
    (dir, path)
}

fn load(path: &Path, ov: Overrides, vars: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let ov = Overrides { config_file: Some(path.to_owned()), ..ov };
    Config::load(&ov, &|name| vars.get(name).cloned())
}

#[test]
fn a_venue_format_points_at_its_public_feed_needs_no_backend_and_watches_its_majors() {
    let (_d, path) = config_file("");
    let ov = Overrides { prices_format: Some(PricesFormat::Kraken), ..Overrides::default() };
    let loaded = load(&path, ov, &[]).expect("loads");
    let c = &loaded.config;
    assert_eq!(c.prices_format(), PricesFormat::Kraken);
    assert_eq!(c.prices_url(), "wss://ws.kraken.com/v2");
    assert!(!loaded.backend, "a venue alone needs no Meridian backend");
    assert_eq!(c.symbols(), ["BTC/USD", "ETH/USD", "SOL/USD"]);

    // With a server of its own, the backend is still wanted.
    let ov = Overrides {
        prices_format: Some(PricesFormat::Coinbase),
        server: Some("http://127.0.0.1:9".into()),
        ..Overrides::default()
    };
    assert!(load(&path, ov, &[]).expect("loads").backend);
}

#[test]
fn the_venue_is_inferred_from_the_feed_host_and_the_file_or_environment_can_say_it() {
    let (_d, path) =
        config_file("[server]\nprices_url = \"wss://ws-feed.exchange.coinbase.com\"\n");
    let loaded = load(&path, Overrides::default(), &[]).expect("loads");
    assert_eq!(loaded.config.prices_format(), PricesFormat::Coinbase);
    assert!(!loaded.backend);

    let (_d, path) = config_file("[feeds]\nprices_format = \"binance\"\n");
    let c = load(&path, Overrides::default(), &[]).expect("loads").config;
    assert_eq!(c.prices_url(), "wss://stream.binance.com:9443/stream");

    let (_d, path) = config_file("");
    let env = [("MERIDIAN_FEEDS_PRICES_FORMAT", "kraken")];
    let c = load(&path, Overrides::default(), &env).expect("loads").config;
    assert_eq!(c.prices_format(), PricesFormat::Kraken);

    // Our own server's feed stays ours.
    let loaded = load(&path, Overrides::default(), &[]).expect("loads");
    assert_eq!(loaded.config.prices_format(), PricesFormat::Meridian);
    assert!(loaded.backend);
}

#[test]
fn a_bad_format_names_the_file_line_and_key() {
    let (_d, path) = config_file("[ui]\nfps = 30\n\n[feeds]\nprices_format = \"bitstamp\"\n");
    let e = load(&path, Overrides::default(), &[]).unwrap_err().to_string();
    assert!(e.contains("config.toml:5") && e.contains("prices_format"), "{e}");
}

#[test]
fn holdings_are_checked_and_their_symbols_normalised() {
    let text = "[[markets.positions]]\nsymbol = \"aapl\"\nquantity = 100\ncost = 142.5\n\n[[markets.positions]]\nsymbol = \"MSFT\"\nquantity = -20\ncost = 310\n";
    let (_d, path) = config_file(text);
    let c = load(&path, Overrides::default(), &[]).expect("loads").config;
    assert_eq!(c.markets.positions.len(), 2);
    assert_eq!(c.markets.positions[0].symbol, "AAPL");
    assert_eq!(c.markets.positions[1].quantity, -20.0);

    let bad = "[[markets.positions]]\nsymbol = \"AAPL\"\nquantity = 0\ncost = 1\n";
    let (_d, path) = config_file(bad);
    let e = load(&path, Overrides::default(), &[]).unwrap_err().to_string();
    assert!(e.contains("config.toml:1") && e.contains("markets.positions"), "{e}");
    assert!(e.contains("position 1: AAPL: quantity must be a number other than 0"), "{e}");

    let typo = "[[markets.positions]]\nsymbol = \"AAPL\"\nqty = 5\ncost = 1\n";
    let (_d, path) = config_file(typo);
    let e = load(&path, Overrides::default(), &[]).unwrap_err().to_string();
    assert!(e.contains("qty"), "an unknown key is named: {e}");

    let ov = Overrides { private: true, ..Overrides::default() };
    let (_d, path) = config_file("");
    assert!(load(&path, ov, &[]).expect("loads").config.markets.private);
}

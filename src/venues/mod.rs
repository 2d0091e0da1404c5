//! The public market-data feeds of crypto venues, spoken as each venue
//! documents them: Coinbase Exchange's `ticker` channel, Kraken's WebSocket
//! v2 `ticker` channel and Binance spot's `<symbol>@ticker` streams. Each
//! adapter turns the venue's frames into the same [`PriceUpdate`]s the
//! Meridian contract carries, so staleness, coalescing, the sparkline, the
//! detail and the diagnostics work unchanged. Candles come from each venue's
//! public REST endpoint (`candles.rs`).
//!
//! Adapters are pure: they build the text messages to send and decode the
//! frames received; the feed session (`feeds/session.rs`) does the I/O.

mod binance;
mod candles;
mod client;
mod coinbase;
mod kraken;
mod sequence;
#[cfg(test)]
mod testing;

use serde::{Deserialize, Serialize};

pub use candles::{CandleRequest, candle_request, decode_venue_candles, rest_base};
pub use client::VenueClient;
pub use sequence::{Sequences, Step};

use crate::protocol::PriceUpdate;

/// How the price feed speaks: our contract, or one venue's public feed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum PricesFormat {
    #[default]
    Meridian,
    Coinbase,
    Kraken,
    Binance,
}

impl PricesFormat {
    pub const ALL: [PricesFormat; 4] = [
        PricesFormat::Meridian,
        PricesFormat::Coinbase,
        PricesFormat::Kraken,
        PricesFormat::Binance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PricesFormat::Meridian => "meridian",
            PricesFormat::Coinbase => "coinbase",
            PricesFormat::Kraken => "kraken",
            PricesFormat::Binance => "binance",
        }
    }

    pub fn parse(s: &str) -> Option<PricesFormat> {
        PricesFormat::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The venue a feed URL belongs to, from its well-known host; our own
    /// contract for any other host.
    pub fn infer(url: &str) -> PricesFormat {
        let Some(host) = host_of(url) else { return PricesFormat::Meridian };
        let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if under("coinbase.com") {
            PricesFormat::Coinbase
        } else if under("kraken.com") {
            PricesFormat::Kraken
        } else if under("binance.com") || under("binance.vision") {
            PricesFormat::Binance
        } else {
            PricesFormat::Meridian
        }
    }

    /// The venue's public WebSocket endpoint (`None` for our contract,
    /// whose URL comes from the server's).
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            PricesFormat::Meridian => None,
            PricesFormat::Coinbase => Some("wss://ws-feed.exchange.coinbase.com"),
            PricesFormat::Kraken => Some("wss://ws.kraken.com/v2"),
            PricesFormat::Binance => Some("wss://stream.binance.com:9443/stream"),
        }
    }

    /// How a symbol is written for this venue, as an example.
    pub fn symbol_example(self) -> &'static str {
        match self {
            PricesFormat::Meridian => "AAPL",
            PricesFormat::Coinbase => "BTC-USD",
            PricesFormat::Kraken => "BTC/USD",
            PricesFormat::Binance => "BTCUSDT",
        }
    }

    /// The watchlist a venue starts with when none is given (the config's
    /// default symbols are stocks no venue here lists).
    pub fn default_symbols(self) -> Option<[&'static str; 3]> {
        match self {
            PricesFormat::Meridian => None,
            PricesFormat::Coinbase => Some(["BTC-USD", "ETH-USD", "SOL-USD"]),
            PricesFormat::Kraken => Some(["BTC/USD", "ETH/USD", "SOL/USD"]),
            PricesFormat::Binance => Some(["BTCUSDT", "ETHUSDT", "SOLUSDT"]),
        }
    }

    pub fn is_venue(self) -> bool {
        self != PricesFormat::Meridian
    }

    /// The adapter for this venue (`None` for our contract).
    pub fn adapter(self) -> Option<Box<dyn Adapter>> {
        match self {
            PricesFormat::Meridian => None,
            PricesFormat::Coinbase => Some(Box::new(coinbase::Coinbase::default())),
            PricesFormat::Kraken => Some(Box::new(kraken::Kraken::default())),
            PricesFormat::Binance => Some(Box::new(binance::Binance::default())),
        }
    }
}

impl std::fmt::Display for PricesFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lower-cased host of a `ws(s)://` or `http(s)://` URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// What one venue frame said.
#[derive(Debug, Clone, PartialEq)]
pub enum VenueEvent {
    /// A price for a symbol (as the user wrote it), with the venue's
    /// sequence number when it has one.
    Update { update: PriceUpdate, seq: Option<u64> },
    /// A heartbeat: the link is alive, and so is this symbol's price (`None`:
    /// every subscribed symbol's).
    Alive(Option<String>),
    /// The venue refused a subscription; `symbol` when the answer names
    /// which one. `reason` is the venue's text, cleaned.
    Rejected { symbol: Option<String>, reason: String },
    /// The venue reported an error that is not about one subscription.
    Error(String),
}

/// Why a frame could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VenueError(pub String);

impl From<serde_json::Error> for VenueError {
    fn from(e: serde_json::Error) -> Self {
        VenueError(format!("malformed JSON: {e}"))
    }
}

/// One venue's public feed: what to send, and how to read what comes back.
pub trait Adapter: Send {
    /// Text messages that subscribe to `symbols` (never empty input).
    fn subscribe(&mut self, symbols: &[String]) -> Vec<String>;
    /// Text messages that end the subscriptions of `symbols`.
    fn unsubscribe(&mut self, symbols: &[String]) -> Vec<String>;
    /// Read one text frame. Acknowledgements and messages of no interest
    /// push nothing; a frame that is not what the venue documents is an
    /// error (counted and skipped by the caller).
    fn decode(&mut self, frame: &[u8], out: &mut Vec<VenueEvent>) -> Result<(), VenueError>;
    /// Whether one refused symbol makes the venue refuse the whole
    /// subscribe message it was in (then the others are subscribed again).
    fn rejects_whole_request(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_venue_is_inferred_from_its_well_known_host() {
        let cases = [
            ("wss://ws-feed.exchange.coinbase.com", PricesFormat::Coinbase),
            ("wss://ws-feed-public.sandbox.exchange.coinbase.com", PricesFormat::Coinbase),
            ("wss://ws.kraken.com/v2", PricesFormat::Kraken),
            ("wss://stream.binance.com:9443/stream", PricesFormat::Binance),
            ("wss://data-stream.binance.vision/stream", PricesFormat::Binance),
            ("ws://127.0.0.1:8080/ws/prices", PricesFormat::Meridian),
            ("wss://notcoinbase.com/ws", PricesFormat::Meridian),
            ("wss://user@Ws.Kraken.Com:443/v2", PricesFormat::Kraken),
            ("not a url", PricesFormat::Meridian),
        ];
        for (url, want) in cases {
            assert_eq!(PricesFormat::infer(url), want, "{url}");
        }
    }

    #[test]
    fn formats_parse_by_name_in_any_case() {
        for f in PricesFormat::ALL {
            assert_eq!(PricesFormat::parse(&f.as_str().to_uppercase()), Some(f));
        }
        assert_eq!(PricesFormat::parse("bitstamp"), None);
    }
}

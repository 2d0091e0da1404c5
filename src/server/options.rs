//! Command-line options of `meridian serve`, and the two presets used
//! without clap (tests and the embedded demo).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::protocol::{CLAIM_LAPSE, Health};

/// How price frames are encoded on `/ws/prices`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PriceFormat {
    /// JSON text frames.
    #[default]
    Json,
    /// MessagePack binary frames holding the same maps.
    Msgpack,
}

/// A health to report instead of the simulated one (`--force-health`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ForceHealth {
    Healthy,
    Degraded,
    Down,
}

impl From<ForceHealth> for Health {
    fn from(f: ForceHealth) -> Health {
        match f {
            ForceHealth::Healthy => Health::Healthy,
            ForceHealth::Degraded => Health::Degraded,
            ForceHealth::Down => Health::Down,
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// SQLite database path (default: a temporary database, deleted on exit)
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Require this bearer token on every request and handshake (the
    /// environment keeps it out of the process list)
    #[arg(long, env = "MERIDIAN_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A token that may read but not act (POSTs answer 403)
    #[arg(long, env = "MERIDIAN_SERVE_READ_ONLY_TOKEN", hide_env_values = true)]
    pub read_only_token: Option<String>,
    /// Random seed for the simulation
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Price updates per second per subscribed symbol (0 = as fast as possible)
    #[arg(long, default_value_t = 4.0)]
    pub price_rate: f64,
    /// Updates per price frame (1 = single objects, >1 = JSON arrays / msgpack arrays)
    #[arg(long, default_value_t = 1)]
    pub price_batch: usize,
    /// Price frame encoding: json or msgpack
    #[arg(long, value_enum, default_value = "json")]
    pub price_format: PriceFormat,
    /// Seconds between health/backfill/metric ticks (tests use small values)
    #[arg(long, default_value_t = 1.0)]
    pub tick_secs: f64,
    /// Report this overall health (REST and feed) instead of the simulated
    /// one, so runbooks and `meridian status` can be exercised
    #[arg(long, value_enum, value_name = "HEALTH")]
    pub force_health: Option<ForceHealth>,
    /// Run the price stamps' clock this many times faster than real time
    /// from the server's start (e.g. 240 shows an hour of candles in 15 s)
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub time_scale: f64,
    /// Days of one-minute price candles kept in the database (at least 1)
    #[arg(long, default_value_t = 7, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub history_days: u32,
    /// Service incidents (alerts) started per hour, over all services; a
    /// fifth start as outages (critical), the rest as degradations
    #[arg(long, default_value_t = 4.0, value_name = "N")]
    pub alerts_per_hour: f64,
    /// Wrap the text the server sends (insight titles and summaries, service
    /// messages, alerts) in terminal attacks: escape sequences, bidi
    /// overrides, controls. A client that cleans its input shows plain text.
    #[arg(long)]
    pub hostile: bool,
    /// Seconds a claim on a report holds after it is made or renewed. The
    /// contract says 15 minutes (`protocol::CLAIM_LAPSE`); a test aid, so
    /// hidden from --help.
    #[arg(long, hide = true, default_value_t = CLAIM_LAPSE.as_secs_f64(), value_name = "SECS")]
    pub claim_lapse_secs: f64,
}

impl ServeArgs {
    /// The defaults of the command line, on an ephemeral loopback port with a
    /// temporary database: what `meridian --demo` embeds.
    pub fn demo() -> Self {
        ServeArgs {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            db: None,
            token: None,
            read_only_token: None,
            seed: 42,
            price_rate: 4.0,
            price_batch: 1,
            price_format: PriceFormat::Json,
            tick_secs: 1.0,
            force_health: None,
            time_scale: 1.0,
            history_days: 7,
            alerts_per_hour: 4.0,
            hostile: false,
            claim_lapse_secs: CLAIM_LAPSE.as_secs_f64(),
        }
    }

    /// Like [`ServeArgs::demo`] but with fast ticks, prices and alerts, so
    /// tests see feed traffic within a fraction of a second.
    pub fn for_tests() -> Self {
        ServeArgs { tick_secs: 0.2, price_rate: 20.0, alerts_per_hour: 3600.0, ..Self::demo() }
    }

    /// The clock of the price stamps, started now.
    pub(crate) fn price_clock(&self) -> PriceClock {
        let scale = if self.time_scale.is_finite() && self.time_scale > 0.0 {
            self.time_scale
        } else {
            1.0
        };
        PriceClock { start: crate::protocol::Timestamp::now(), scale }
    }

    /// How long a claim holds (§5a): the contract's 15 minutes unless a
    /// test shortened it; never zero, at most a week.
    pub(crate) fn claim_lapse(&self) -> std::time::Duration {
        let secs = self.claim_lapse_secs;
        let secs = if secs.is_finite() && secs > 0.0 { secs } else { CLAIM_LAPSE.as_secs_f64() };
        std::time::Duration::from_secs_f64(secs.clamp(0.001, 7.0 * 86_400.0))
    }

    /// Tick period, clamped to something a timer can honour.
    pub(crate) fn tick(&self) -> std::time::Duration {
        let secs = if self.tick_secs.is_finite() { self.tick_secs } else { 1.0 };
        std::time::Duration::from_secs_f64(secs.clamp(0.01, 3600.0))
    }
}

/// The time price updates are stamped with: real time, or real time sped
/// up by `--time-scale` from the server's start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PriceClock {
    start: crate::protocol::Timestamp,
    scale: f64,
}

impl PriceClock {
    pub(crate) fn now(&self) -> crate::protocol::Timestamp {
        self.at(crate::protocol::Timestamp::now())
    }

    /// The stamp for the real time `real`.
    fn at(&self, real: crate::protocol::Timestamp) -> crate::protocol::Timestamp {
        if self.scale == 1.0 {
            return real;
        }
        let elapsed = (real.millis() - self.start.millis()) as f64 * self.scale;
        crate::protocol::Timestamp::from_millis(self.start.millis() + elapsed as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Timestamp;

    #[test]
    fn a_time_scale_speeds_up_the_stamps_from_the_start() {
        let start = Timestamp::from_millis(1_705_660_200_000);
        let clock = PriceClock { start, scale: 600.0 };
        assert_eq!(clock.at(start), start);
        let later = Timestamp::from_millis(start.millis() + 100);
        assert_eq!(clock.at(later).millis() - start.millis(), 60_000, "0.1 s is a minute");
        let real = PriceClock { start, scale: 1.0 };
        assert_eq!(real.at(later), later);
    }
}

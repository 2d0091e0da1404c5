//! The watchlist kept in the data directory, restored on start: one per
//! price source, since a venue writes its symbols its own way.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::venues::PricesFormat;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    symbols: Vec<String>,
}

pub(crate) fn path(data_dir: &Path, format: PricesFormat) -> PathBuf {
    match format {
        PricesFormat::Meridian => data_dir.join("watchlist.json"),
        venue => data_dir.join(format!("watchlist-{venue}.json")),
    }
}

/// The saved watchlist; `None` when there is none yet. A damaged file is
/// reported, not silently replaced.
pub(crate) fn load(data_dir: &Path, format: PricesFormat) -> io::Result<Option<Vec<String>>> {
    let p = path(data_dir, format);
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice::<File>(&bytes).map(|f| Some(f.symbols)).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display()))
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Save atomically (the old file or the new one survives a crash).
pub(crate) fn save(data_dir: &Path, format: PricesFormat, symbols: &[String]) -> io::Result<()> {
    crate::json_file::save_atomic(&path(data_dir, format), &File { symbols: symbols.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_damage() {
        let dir = tempfile::tempdir().unwrap();
        let ours = PricesFormat::Meridian;
        assert_eq!(load(dir.path(), ours).unwrap(), None);
        save(dir.path(), ours, &["AAPL".into(), "MSFT".into()]).unwrap();
        assert_eq!(load(dir.path(), ours).unwrap(), Some(vec!["AAPL".into(), "MSFT".into()]));
        std::fs::write(path(dir.path(), ours), "{").unwrap();
        assert!(load(dir.path(), ours).unwrap_err().to_string().contains("watchlist.json"));
    }

    #[test]
    fn each_venue_keeps_its_own_watchlist() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), PricesFormat::Meridian, &["AAPL".into()]).unwrap();
        save(dir.path(), PricesFormat::Kraken, &["BTC/USD".into()]).unwrap();
        assert_eq!(load(dir.path(), PricesFormat::Kraken).unwrap(), Some(vec!["BTC/USD".into()]));
        assert_eq!(load(dir.path(), PricesFormat::Coinbase).unwrap(), None);
        assert_eq!(load(dir.path(), PricesFormat::Meridian).unwrap(), Some(vec!["AAPL".into()]));
    }
}

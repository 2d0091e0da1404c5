//! The watchlist kept in the data directory, restored on start.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct File {
    symbols: Vec<String>,
}

pub(crate) fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("watchlist.json")
}

/// The saved watchlist; `None` when there is none yet. A damaged file is
/// reported, not silently replaced.
pub(crate) fn load(data_dir: &Path) -> io::Result<Option<Vec<String>>> {
    let p = path(data_dir);
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice::<File>(&bytes).map(|f| Some(f.symbols)).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display()))
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Save atomically: write a temporary file, then rename it over the old one.
pub(crate) fn save(data_dir: &Path, symbols: &[String]) -> io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let p = path(data_dir);
    let tmp = p.with_extension("json.tmp");
    let body = serde_json::to_vec_pretty(&File { symbols: symbols.to_vec() })?;
    std::fs::write(&tmp, body)?;
    std::fs::rename(&tmp, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_damage() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        save(dir.path(), &["AAPL".into(), "MSFT".into()]).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(vec!["AAPL".into(), "MSFT".into()]));
        std::fs::write(path(dir.path()), "{").unwrap();
        assert!(load(dir.path()).unwrap_err().to_string().contains("watchlist.json"));
    }
}

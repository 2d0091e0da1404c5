//! The console's small JSON files in the data directory (the watchlist,
//! price alerts, the palette's history), written so that a crash leaves the
//! old file or the new one, never half of one.

use std::io;
use std::path::Path;

use serde::Serialize;

/// Write `value` to `path` as pretty JSON: a temporary file beside it,
/// then a rename over the old one. Creates the directory if needed.
pub(crate) fn save_atomic<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(value)?)?;
    std::fs::rename(&tmp, path)
}

//! Backfill-feed frames (protocol §2), as JSON and as MessagePack: never a
//! panic; every element is a job or counted as rejected; job text is clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::protocol::decode_backfill;
use meridian_fuzz::{check_backfill_job, check_counts};

fuzz_target!(|data: &[u8]| {
    for binary in [false, true] {
        let decoded = decode_backfill(data, binary);
        if meridian_fuzz::debug() {
            eprintln!("binary={binary}: {decoded:?}");
        }
        if let Ok(d) = decoded {
            check_counts(d.items.len(), d.rejected, data, binary);
            d.items.iter().for_each(check_backfill_job);
        }
    }
});

//! Health-feed frames (protocol §3), as JSON and as MessagePack: never a
//! panic; every element is a message (known or `Unknown`) or counted as
//! rejected; every text field of every message type is clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::protocol::decode_health;
use meridian_fuzz::{check_counts, check_health_message};

fuzz_target!(|data: &[u8]| {
    for binary in [false, true] {
        let decoded = decode_health(data, binary);
        if meridian_fuzz::debug() {
            eprintln!("binary={binary}: {decoded:?}");
        }
        if let Ok(d) = decoded {
            check_counts(d.items.len(), d.rejected, data, binary);
            d.items.iter().for_each(check_health_message);
        }
    }
});

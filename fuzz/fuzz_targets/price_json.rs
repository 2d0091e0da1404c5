//! Price-feed text frames (protocol §1): `decode_price_frame(data, false)`
//! and `for_each_price` on the same bytes agree; every accepted update is
//! valid, its symbol clean, and it round-trips through the server's
//! encodings. See `meridian_fuzz::check_price_frame`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meridian_fuzz::check_price_frame(data, false);
});

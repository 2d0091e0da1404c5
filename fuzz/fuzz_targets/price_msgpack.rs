//! Price-feed binary frames (protocol §1, MessagePack): the same checks as
//! `price_json` with `binary = true`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meridian_fuzz::check_price_frame(data, true);
});

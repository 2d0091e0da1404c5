//! Kraken feed frames (`venues::kraken`): after subscribing BTC/USD, decoding
//! never panics; every update has a non-empty symbol and finite,
//! non-negative numbers; every symbol, refusal, error and decode-error text
//! is clean (no control, bidi or zero-width character). The same bytes read
//! as a Kraken candles answer: every kept candle is sane and strictly after
//! the one before, and an error's text is clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::venues::PricesFormat;

fuzz_target!(|data: &[u8]| {
    meridian_fuzz::check_venue(PricesFormat::Kraken, "BTC/USD", data);
});

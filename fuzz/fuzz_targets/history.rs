//! History bodies of contract 1.1 as the console reads them: candles
//! (§1a) and monitoring samples (§3a). Never a panic; every candle kept is
//! drawable (finite, non-negative, high over low, enclosing open and close)
//! and strictly after the one before; every sample kept is finite and in
//! order; kept and dropped add up to what was sent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| meridian_fuzz::check_history(data));

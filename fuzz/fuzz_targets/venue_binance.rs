//! Binance feed frames (`venues::binance`): after subscribing BTCUSDT, decoding
//! never panics; every update has a non-empty symbol and finite,
//! non-negative numbers; every symbol, refusal, error and decode-error text
//! is clean (no control, bidi or zero-width character). The same bytes read
//! as a Binance candles answer: every kept candle is sane and strictly after
//! the one before, and an error's text is clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::sanitize::clean;
use meridian::venues::{PricesFormat, VenueEvent, decode_venue_candles};

const FORMAT: PricesFormat = PricesFormat::Binance;

fn assert_text(s: &str, what: &str) {
    assert!(!s.chars().any(char::is_control), "{what} has a control character: {s:?}");
    assert_eq!(clean(s), s, "{what} is not clean: {s:?}");
}

fn check_event(e: &VenueEvent) {
    match e {
        VenueEvent::Update { update, .. } => {
            assert!(!update.symbol.is_empty(), "an update without a symbol: {update:?}");
            assert_text(&update.symbol, "symbol");
            let numbers = [update.price, update.bid, update.ask, update.volume, update.open];
            for v in numbers.into_iter().flatten() {
                assert!(v.is_finite() && v >= 0.0, "a bad number in {update:?}");
            }
        }
        VenueEvent::Alive(symbol) => {
            if let Some(s) = symbol {
                assert!(!s.is_empty(), "a heartbeat for an empty symbol");
                assert_text(s, "heartbeat symbol");
            }
        }
        VenueEvent::Rejected { symbol, reason } => {
            assert_text(reason, "refusal reason");
            if let Some(s) = symbol {
                assert_text(s, "refused symbol");
            }
        }
        VenueEvent::Error(text) => assert_text(text, "venue error"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut adapter = FORMAT.adapter().expect("a venue has an adapter");
    assert_eq!(adapter.subscribe(&["BTCUSDT".into()]).len(), 1);
    let mut out = Vec::new();
    if let Err(e) = adapter.decode(data, &mut out) {
        assert_text(&e.0, "decode error");
    }
    out.iter().for_each(check_event);

    match decode_venue_candles(FORMAT, data) {
        Ok(series) => {
            assert!(series.candles.iter().all(|c| c.is_sane()), "an insane candle kept");
            assert!(
                series.candles.windows(2).all(|w| w[0].start < w[1].start),
                "candles out of order"
            );
        }
        Err(e) => assert_text(&e.0, "candles error"),
    }
});

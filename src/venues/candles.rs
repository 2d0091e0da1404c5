use super::{PricesFormat, VenueError};
use crate::protocol::{CandleSeries, Interval};
pub struct CandleRequest {
    pub url: String,
    pub query: Vec<(String, String)>,
}
pub fn rest_base(_f: PricesFormat, _u: &str) -> Option<String> {
    None
}
pub fn candle_request(
    _f: PricesFormat,
    _b: &str,
    _s: &str,
    _i: Interval,
    _l: u32,
) -> Option<CandleRequest> {
    None
}
pub fn decode_venue_candles(_f: PricesFormat, _b: &[u8]) -> Result<CandleSeries, VenueError> {
    Err(VenueError("x".into()))
}

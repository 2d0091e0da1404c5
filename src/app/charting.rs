//! Keeping the Markets chart on the selected symbol: which chart is wanted,
//! asking the backend for its history (one fetch at a time, the newest
//! wish wins), and taking the answer.

use super::chart::{Chart, HistoryState, history_limit};
use super::{App, Tab};
use crate::api::{ApiError, ErrorKind};
use crate::event::Effect;
use crate::protocol::{CandleSeries, Interval};

impl App {
    /// Make the chart follow the selected symbol and time frame while the
    /// Markets tab is shown: a new chart starts from the live candles and
    /// asks for its history.
    pub(super) fn sync_chart(&mut self, fx: &mut Vec<Effect>) {
        if self.tab != Tab::Markets {
            return;
        }
        let m = &mut self.markets;
        let Some(symbol) = m.selected_symbol() else {
            m.chart = None;
            return;
        };
        let interval = m.interval;
        if m.chart.as_ref().is_some_and(|c| c.symbol == symbol && c.interval == interval) {
            return;
        }
        let live = m.quotes.get(&symbol).into_iter().flat_map(|q| q.candles.tail(usize::MAX));
        let mut chart = Chart::new(&symbol, interval, live, self.now);
        if m.history_unavailable {
            chart.history = HistoryState::Unavailable;
        }
        m.chart = Some(chart);
        self.request_history(fx);
    }

    /// Ask for the chart's history unless it has it, cannot get it, or a
    /// fetch is already out (its answer asks again if the chart moved on).
    fn request_history(&mut self, fx: &mut Vec<Effect>) {
        let m = &mut self.markets;
        let Some(chart) = &m.chart else { return };
        if chart.history != HistoryState::Loading || m.fetching.is_some() {
            return;
        }
        let (symbol, interval) = (chart.symbol.clone(), chart.interval);
        m.fetching = Some((symbol.clone(), interval));
        fx.push(Effect::FetchCandles { symbol, interval, limit: history_limit(interval) });
    }

    /// Ask for the chart's history again (refresh).
    pub(super) fn reload_chart(&mut self, fx: &mut Vec<Effect>) {
        if let Some(chart) = self.markets.chart.as_mut()
            && !self.markets.history_unavailable
        {
            chart.history = HistoryState::Loading;
            chart.requested_at = self.now;
        }
        self.request_history(fx);
    }

    /// The backend's candles for `symbol` at `interval`. An answer for a
    /// chart no longer shown is dropped (its rejects still count).
    pub(super) fn on_candles(
        &mut self,
        symbol: &str,
        interval: Interval,
        result: Result<CandleSeries, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        let m = &mut self.markets;
        m.fetching = None;
        if let Ok(series) = &result {
            m.candles_rejected += u64::from(series.rejected);
        }
        if matches!(result, Err(ApiError::Unavailable { .. })) {
            m.history_unavailable = true;
        }
        if let Some(chart) =
            m.chart.as_mut().filter(|c| c.symbol == symbol && c.interval == interval)
        {
            match result {
                Ok(series) => chart.on_history(series),
                Err(ApiError::Unavailable { .. }) => chart.history = HistoryState::Unavailable,
                Err(e) if e.kind() == ErrorKind::NotFound => chart.history = HistoryState::NoSymbol,
                Err(e) => chart.history = HistoryState::Failed(e.to_string()),
            }
        } else if let Some(chart) = m.chart.as_mut()
            && m.history_unavailable
        {
            chart.history = HistoryState::Unavailable;
        }
        self.request_history(fx);
    }

    /// Switch every chart to the next time frame.
    pub(super) fn next_time_frame(&mut self, fx: &mut Vec<Effect>) {
        self.markets.interval = self.markets.interval.next();
        self.message = Some(format!("chart: {} candles", self.markets.interval.as_str()));
        self.sync_chart(fx);
    }

    /// Move the chart's cursor; false when there is no chart to move on.
    pub(super) fn move_chart_cursor(&mut self, by: isize) -> bool {
        match self.markets.chart.as_mut() {
            Some(chart) => {
                chart.move_cursor(by);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
#[path = "charting_tests.rs"]
mod tests;

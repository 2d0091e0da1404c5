//! Pause: the screen holds still while the feeds keep being applied.
//!
//! Pausing keeps a copy of the whole state as it was; the screen draws that
//! copy (the header says PAUSED and how far behind it is) while every event
//! goes on changing the live state. Moving around (lists, tabs, the chart's
//! cursor, help) works on both, so the frozen screen can be read and the
//! live one stays where the user is; anything else (a decision, a new
//! symbol, a refresh) first resumes at the present, then happens there.

use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;

use super::App;
use crate::event::Effect;
use crate::keymap::Action;

/// The state as it was when the screen was paused.
pub struct Paused {
    pub since: Instant,
    pub view: Box<App>,
}

/// Keys that only move around: they work on the frozen screen.
const MOVES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::NextTab,
    Action::PrevTab,
    Action::Tab1,
    Action::Tab2,
    Action::Tab3,
    Action::Tab4,
    Action::Tab5,
    Action::Tab6,
    Action::Open,
    Action::Back,
    Action::NextReport,
    Action::PrevReport,
    Action::CursorLeft,
    Action::CursorRight,
    Action::Help,
    Action::Diagnostics,
    Action::Redraw,
];

impl App {
    /// What the screen shows: the frozen copy while paused, else the state.
    pub fn view(&self) -> &App {
        self.paused.as_ref().map_or(self, |p| &p.view)
    }

    /// How far behind the present the screen is, while paused.
    pub fn paused_for(&self) -> Option<Duration> {
        self.paused.as_ref().map(|p| self.now.saturating_duration_since(p.since))
    }

    /// Freeze the screen, or resume at the present.
    pub(super) fn toggle_pause(&mut self) {
        match self.paused.take() {
            Some(_) => self.message = Some("resumed".into()),
            None => {
                let mut view = Box::new(self.snapshot());
                view.message = None;
                self.paused = Some(Paused { since: self.now, view });
            }
        }
    }

    /// A copy of the state to draw while paused (without a pause of its own).
    fn snapshot(&self) -> App {
        App {
            settings: self.settings.clone(),
            keymap: self.keymap.clone(),
            now: self.now,
            wall: self.wall,
            tab: self.tab,
            show_help: self.show_help,
            show_diagnostics: self.show_diagnostics,
            quitting: self.quitting,
            feeds: self.feeds.clone(),
            markets: self.markets.clone(),
            status: self.status.clone(),
            metrics: self.metrics.clone(),
            insights: self.insights.clone(),
            reports: self.reports.clone(),
            report_detail: self.report_detail.clone(),
            alerts: self.alerts.clone(),
            prom: self.prom.clone(),
            message: self.message.clone(),
            modal: self.modal.clone(),
            outbox: self.outbox.clone(),
            held: self.held.clone(),
            claims: self.claims.clone(),
            outbox_scroll: self.outbox_scroll.clone(),
            read_only: self.read_only.clone(),
            faults: self.faults.clone(),
            output: self.output.clone(),
            paused: None,
            price_alerts: self.price_alerts.clone(),
            price_toasts: self.price_toasts.clone(),
            palette: self.palette.clone(),
        }
    }

    /// A key, paused or not (see the module's comment).
    pub(super) fn on_key_or_paused(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
        let Some((layer, action)) = self.key_action(&key) else { return false };
        let on_tab =
            matches!(layer, super::Layer::Tab(_) | super::Layer::ReportDetail | super::Layer::Help);
        if action == Some(Action::Pause) && on_tab {
            self.toggle_pause();
            return true;
        }
        if let Some(paused) = self.paused.as_mut() {
            if on_tab && action.is_some_and(|a| MOVES.contains(&a)) {
                paused.view.on_key(key, &mut Vec::new());
            } else {
                self.paused = None;
                self.message = Some("resumed".into());
            }
        }
        let changed = self.on_key(key, fx);
        self.sync_chart(fx);
        changed || self.paused.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Tab;
    use crate::event::{Event, FeedEvent};
    use crate::keymap::Keymap;
    use crate::protocol::PriceUpdate;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn tick(price: f64) -> Event {
        let u = PriceUpdate { symbol: "AAPL".into(), price: Some(price), ..PriceUpdate::blank() };
        Event::Feed(FeedEvent::Prices(vec![u]))
    }

    fn app() -> App {
        let keymap = Keymap::default_map();
        let mut app = App::new(
            crate::app::Settings::default(),
            keymap,
            vec!["AAPL".into(), "MSFT".into()],
            Instant::now(),
        );
        app.tab = Tab::Markets;
        app
    }

    #[test]
    fn paused_screens_hold_while_the_feed_goes_on_and_resume_at_the_present() {
        let mut a = app();
        let mut fx = Vec::new();
        a.update(tick(100.0), &mut fx);
        a.update(key('P'), &mut fx);
        a.update(tick(105.0), &mut fx);
        assert_eq!(a.view().markets.quotes["AAPL"].last, Some(100.0), "the screen holds");
        assert_eq!(a.markets.quotes["AAPL"].last, Some(105.0), "the feed is applied");
        a.now += Duration::from_secs(7);
        assert_eq!(a.paused_for(), Some(Duration::from_secs(7)));
        a.update(key('P'), &mut fx);
        assert!(a.paused.is_none());
        assert_eq!(a.view().markets.quotes["AAPL"].last, Some(105.0), "resumed at the present");
    }

    #[test]
    fn moving_works_on_the_frozen_screen_and_acting_resumes() {
        let mut a = app();
        let mut fx = Vec::new();
        a.update(key('P'), &mut fx);
        a.update(key('j'), &mut fx);
        assert_eq!(a.view().markets.selected, 1, "the frozen screen moves");
        assert_eq!(a.markets.selected, 1, "and so does the live one");
        assert!(a.paused.is_some());
        a.update(key('s'), &mut fx);
        assert!(a.paused.is_none(), "sorting is acting: the screen resumes");
        assert_eq!(a.message.as_deref(), Some("sorted by symbol"));
    }
}

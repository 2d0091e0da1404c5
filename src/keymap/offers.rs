//! The one table of what works where. For each context it lists the actions
//! that do something there and, first and in order, those the footer
//! reminds of. The key router's guard, the footer, the `?` overlay and the
//! keymap's own validation all read this table and nothing else.

use super::{Action, Context};

use Action::*;

/// What one context offers.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    /// Shown in the footer, in this order (when bound).
    pub footer: &'static [Action],
    /// The other actions that work here, listed by group.
    pub rest: &'static [&'static [Action]],
}

/// Actions that work on every tab.
const EVERYWHERE: &[Action] = &[
    Quit,
    Help,
    NextTab,
    PrevTab,
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    Tab5,
    Tab6,
    Redraw,
    Toasts,
    Dismiss,
    Back,
    Diagnostics,
    Outbox,
    Undo,
    Refresh,
    Pause,
    Palette,
    Theme,
    ReadOnly,
];

/// Tabs whose rows have an identity worth copying.
const COPY: &[Action] = &[Copy];

/// Moving through a list.
const LIST: &[Action] = &[Up, Down, PageUp, PageDown, Top, Bottom];

/// Actions that change something on the server: a read-only token cannot.
const WRITES: &[Action] = &[Approve, ApproveWithNotes, Reject, Flag, Rate, Comment, Ack, Snooze];

impl Offer {
    /// Every action this context offers, footer ones first.
    pub(crate) fn actions(&self) -> impl Iterator<Item = Action> + '_ {
        self.footer.iter().chain(self.rest.iter().flat_map(|g| g.iter())).copied()
    }

    pub(crate) fn contains(&self, action: Action) -> bool {
        self.actions().any(|a| a == action)
    }
}

impl Action {
    /// Whether the action changes something on the server.
    pub(crate) fn writes(self) -> bool {
        WRITES.contains(&self)
    }
}

impl Context {
    /// The actions this context offers. A screen's offer includes the Global
    /// actions that do something on it; Global's is what works on any tab.
    pub(crate) fn offer(self) -> Offer {
        let offer = |footer, rest| Offer { footer, rest };
        match self {
            Context::Global => offer(&[], &[EVERYWHERE, LIST, &[Open]]),
            Context::Insights => offer(
                &[Quit, Help, Rate, Comment, Flag, Outbox],
                &[LIST, &[Filter], COPY, EVERYWHERE],
            ),
            Context::Status => offer(&[Quit, Help, NextTab, Refresh], &[&[Filter], EVERYWHERE]),
            Context::Metrics => offer(&[Quit, Help, NextTab, Period, Refresh], &[EVERYWHERE]),
            Context::Markets => offer(
                &[Quit, Help, AddSymbol, RemoveSymbol, SetAlert, PriceAlerts, Open, TimeFrame],
                &[
                    LIST,
                    &[Filter, CycleSort, TogglePrivate, CursorLeft, CursorRight],
                    COPY,
                    EVERYWHERE,
                ],
            ),
            Context::Reports => offer(
                &[
                    Quit,
                    Help,
                    Approve,
                    ApproveWithNotes,
                    Reject,
                    Flag,
                    ToggleSelect,
                    Filter,
                    Open,
                    Outbox,
                ],
                &[LIST, COPY, EVERYWHERE],
            ),
            Context::Alerts => offer(
                &[Quit, Help, Ack, Snooze, StateFilter, SeverityFilter, Outbox],
                &[LIST, &[Filter], COPY, EVERYWHERE],
            ),
            // One report, full screen: the decisions act on it, the
            // moves scroll it, Esc goes back to the list.
            Context::ReportDetail => offer(
                &[Back, Approve, ApproveWithNotes, Reject, Flag, NextReport, PageDown],
                &[&[PrevReport], LIST, COPY, EVERYWHERE],
            ),
            Context::Help => offer(&[Back, Quit], &[]),
            Context::Toast => offer(&[Ack, Snooze, Open, Dismiss, Back], &[&[Up, Down]]),
            Context::Confirm => offer(&[Confirm, Cancel], &[]),
            Context::Rate => offer(&[Cancel], &[&[Rate1, Rate2, Rate3, Rate4, Rate5]]),
            Context::Text => offer(&[Submit, Cancel], &[]),
            Context::Note => offer(&[Submit, Newline, Cancel], &[]),
            Context::Outbox => offer(&[Retry, Drop, Back], &[&[Up, Down]]),
            Context::PriceAlerts => offer(&[RemoveAlert, Back], &[&[Up, Down]]),
            Context::Palette => offer(
                &[Submit, Complete, HistoryPrev, Cancel],
                &[&[CompletePrev, HistoryNext, Up, Down]],
            ),
        }
    }

    /// Whether `action` does something in this context.
    pub(crate) fn offers(self, action: Action) -> bool {
        self.offer().contains(action)
    }

    /// The contexts where `action` does something, for error messages.
    pub(crate) fn offering(action: Action) -> Vec<Context> {
        Context::ALL.iter().copied().filter(|c| c.offers(action)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_works_somewhere() {
        for &a in Action::ALL {
            assert!(!Context::offering(a).is_empty(), "{} works nowhere", a.name());
        }
    }

    #[test]
    fn global_offers_only_what_every_screen_or_some_screen_uses() {
        for a in Context::Global.offer().actions() {
            assert!(
                Context::SCREENS.iter().any(|s| s.offers(a)),
                "{} is global but no tab does anything with it",
                a.name()
            );
        }
    }

    #[test]
    fn lists_move_only_on_tabs_with_a_list() {
        assert!(Context::Reports.offers(Down));
        assert!(!Context::Status.offers(Down));
        assert!(!Context::Metrics.offers(Top));
        assert!(Context::Markets.offers(Open));
        assert!(!Context::Reports.offers(AddSymbol));
        assert!(Context::Reports.offers(Open));
        assert!(Context::ReportDetail.offers(Approve) && Context::ReportDetail.offers(Down));
        assert!(!Context::ReportDetail.offers(ToggleSelect), "one report: nothing to mark");
        assert!(!Context::ReportDetail.offers(Filter));
    }
}

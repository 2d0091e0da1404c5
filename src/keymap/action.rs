//! The named things a key can do, and the screens (contexts) keys apply in.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($variant:ident => $name:literal, $label:literal, $description:literal;)*) => {
        /// Something the user can ask for with a key. Names in config files are
        /// the snake_case form (`add_symbol`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action { $($variant),* }

        impl Action {
            /// Every action, in the order the help overlay lists them.
            pub(crate) const ALL: &[Action] = &[$(Action::$variant),*];

            /// The snake_case name used in config files.
            pub(crate) fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            /// A word or two for the footer hint ("add").
            pub(crate) fn label(self) -> &'static str {
                match self { $(Action::$variant => $label),* }
            }

            /// One line for the help overlay.
            pub(crate) fn description(self) -> &'static str {
                match self { $(Action::$variant => $description),* }
            }

            pub(crate) fn from_name(name: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    Quit => "quit", "quit", "Quit Meridian";
    NextTab => "next_tab", "next tab", "Go to the next tab";
    PrevTab => "prev_tab", "prev tab", "Go to the previous tab";
    Tab1 => "tab1", "tab 1", "Go to tab 1";
    Tab2 => "tab2", "tab 2", "Go to tab 2";
    Tab3 => "tab3", "tab 3", "Go to tab 3";
    Tab4 => "tab4", "tab 4", "Go to tab 4";
    Tab5 => "tab5", "tab 5", "Go to tab 5";
    Tab6 => "tab6", "tab 6", "Go to tab 6";
    Help => "help", "help", "Show or hide this help";
    Redraw => "redraw", "redraw", "Redraw the whole screen";
    Up => "up", "up", "Move the selection up";
    Down => "down", "down", "Move the selection down";
    PageUp => "page_up", "page up", "Move up one page";
    PageDown => "page_down", "page down", "Move down one page";
    Top => "top", "top", "Jump to the first row";
    Bottom => "bottom", "bottom", "Jump to the last row";
    Open => "open", "open", "Open the selected row's detail";
    Back => "back", "back", "Close the detail, dialog or overlay, or clear the filter";
    AddSymbol => "add_symbol", "add", "Add a symbol to the watch list";
    RemoveSymbol => "remove_symbol", "remove", "Remove the selected symbol";
    CycleSort => "cycle_sort", "sort", "Cycle the sort column";
    Diagnostics => "diagnostics", "diagnostics", "Show connection diagnostics";
    Approve => "approve", "approve", "Approve the selected report(s)";
    ApproveWithNotes => "approve_with_notes", "approve+notes", "Approve with a note";
    Reject => "reject", "reject", "Reject the selected report(s)";
    Flag => "flag", "flag", "Flag the selected item for follow-up";
    Rate => "rate", "rate", "Rate the selected insight";
    Comment => "comment", "comment", "Comment on the selected insight";
    ToggleSelect => "toggle_select", "select", "Select or unselect the current row";
    Filter => "filter", "filter", "Filter the list";
    Outbox => "outbox", "outbox", "Show queued actions waiting to be sent";
    Refresh => "refresh", "refresh", "Refresh data from the server now";
    Period => "period", "period", "Switch the report analytics period: 7, 30 or 90 days";
    Confirm => "confirm", "confirm", "Do what the dialog asks";
    Cancel => "cancel", "cancel", "Close the dialog without doing anything";
    Submit => "submit", "send", "Send the text";
    Newline => "newline", "new line", "Start a new line";
    Rate1 => "rate1", "1★", "Rate it one star";
    Rate2 => "rate2", "2★", "Rate it two stars";
    Rate3 => "rate3", "3★", "Rate it three stars";
    Rate4 => "rate4", "4★", "Rate it four stars";
    Rate5 => "rate5", "5★", "Rate it five stars";
    Retry => "retry", "retry", "Send a failed action again";
    Drop => "drop", "drop", "Drop an undelivered action (it is never sent)";
    TimeFrame => "time_frame", "frame", "Switch the chart's candles: 1m, 5m, 15m, 1h, 1d";
    CursorLeft => "cursor_left", "◀ candle", "Move the chart's cursor to the previous candle";
    CursorRight => "cursor_right", "candle ▶", "Move the chart's cursor to the next candle (past the newest: follow live)";
    Pause => "pause", "pause", "Freeze the screen (feeds keep arriving underneath); again to resume";
    Ack => "ack", "ack", "Acknowledge the alert (asks for an optional note)";
    Snooze => "snooze", "snooze", "Snooze the alert (asks how long, default 1h)";
    StateFilter => "state_filter", "state", "Show alerts by state: active, firing, all";
    SeverityFilter => "severity_filter", "severity", "Show alerts by severity: any, warning and up, critical";
    Toasts => "toasts", "alert toast", "Act on the newest critical-alert toast (a ack, s snooze, x dismiss)";
    Dismiss => "dismiss", "dismiss", "Dismiss the alert toast(s)";
    SetAlert => "set_alert", "price alert", "Set a price alert on the selected symbol: above 155, below 150, +2%, -2%";
    PriceAlerts => "price_alerts", "alerts list", "List the price alerts, armed and fired";
    TogglePrivate => "toggle_private", "private", "Hide or show holdings' quantities, values and P&L";
    RemoveAlert => "remove_alert", "remove", "Remove the selected price alert";
    Copy => "copy", "copy", "Copy the selected row (id, symbol and price, title) to the clipboard";
    Undo => "undo", "undo", "Take back the last decision while it waits to be sent (review.undo_secs)";
    Palette => "palette", "command", "Open the command palette: type a command, tab completes, up recalls";
    Theme => "theme", "theme", "Switch to the next colour theme (in the palette: theme mono)";
    ReadOnly => "read_only", "read-only", "Turn read-only on for this session, or off again";
    Complete => "complete", "complete", "Complete the command: the next candidate";
    CompletePrev => "complete_prev", "previous", "The previous candidate";
    HistoryPrev => "history_prev", "older", "Recall the command before (history)";
    HistoryNext => "history_next", "newer", "Recall the command after (history)";
    NextReport => "next_report", "next", "Show the next report in the list";
    PrevReport => "prev_report", "prev", "Show the previous report in the list";
}

/// Where a binding applies: a screen (tab), everywhere (Global), or one of
/// the layers drawn over the screens (help, dialogs, text entry, the outbox
/// view). On a screen its own keys win over Global ones, and a screen may not
/// rebind a key Global already uses; an overlay or dialog has only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Insights,
    Status,
    Metrics,
    Markets,
    Reports,
    Alerts,
    /// A report's full-screen detail, opened from Reports: its keys fall
    /// back to Global's like a tab's.
    ReportDetail,
    Help,
    Toast,
    Confirm,
    Rate,
    Text,
    Note,
    Outbox,
    /// The price alerts' list, opened from Markets.
    PriceAlerts,
    /// The `:` command palette's prompt.
    Palette,
}

impl Context {
    pub(crate) const ALL: &[Context] = &[
        Context::Global,
        Context::Insights,
        Context::Status,
        Context::Metrics,
        Context::Markets,
        Context::Reports,
        Context::Alerts,
        Context::ReportDetail,
        Context::Help,
        Context::Toast,
        Context::Confirm,
        Context::Rate,
        Context::Text,
        Context::Note,
        Context::Outbox,
        Context::PriceAlerts,
        Context::Palette,
    ];

    /// The tabs' contexts (and the report detail, which replaces a tab's
    /// body), which fall back to Global.
    pub(crate) const SCREENS: &[Context] = &[
        Context::Insights,
        Context::Status,
        Context::Metrics,
        Context::Markets,
        Context::Reports,
        Context::Alerts,
        Context::ReportDetail,
    ];

    /// A tab's context: its keys fall back to Global's.
    pub(crate) fn is_screen(self) -> bool {
        Context::SCREENS.contains(&self)
    }

    /// The snake_case name used as `[keys.<name>]` in config files.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Insights => "insights",
            Context::Status => "status",
            Context::Metrics => "metrics",
            Context::Markets => "markets",
            Context::Reports => "reports",
            Context::Alerts => "alerts",
            Context::ReportDetail => "report_detail",
            Context::Help => "help",
            Context::Toast => "toast",
            Context::Confirm => "confirm",
            Context::Rate => "rate",
            Context::Text => "text",
            Context::Note => "note",
            Context::Outbox => "outbox",
            Context::PriceAlerts => "price_alerts",
            Context::Palette => "palette",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Context> {
        Context::ALL.iter().copied().find(|c| c.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde() {
        for &a in Action::ALL {
            let via_serde = toml::Value::try_from(a).expect("serialises");
            assert_eq!(via_serde.as_str(), Some(a.name()));
        }
        for &c in Context::ALL {
            let via_serde = toml::Value::try_from(c).expect("serialises");
            assert_eq!(via_serde.as_str(), Some(c.name()));
        }
    }
}

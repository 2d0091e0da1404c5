//! Which alerts the Alerts tab shows: by state (`f`) and by severity (`v`).

use crate::protocol::{AlertState, Severity};

/// Which states the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Firing, acknowledged and snoozed.
    #[default]
    Active,
    Firing,
    All,
}

impl StateFilter {
    pub fn label(self) -> &'static str {
        match self {
            StateFilter::Active => "active",
            StateFilter::Firing => "firing",
            StateFilter::All => "all",
        }
    }

    pub(crate) fn next(self) -> Self {
        match self {
            StateFilter::Active => StateFilter::Firing,
            StateFilter::Firing => StateFilter::All,
            StateFilter::All => StateFilter::Active,
        }
    }

    pub(super) fn admits(self, state: AlertState) -> bool {
        match self {
            StateFilter::Active => state != AlertState::Resolved,
            StateFilter::Firing => state == AlertState::Firing,
            StateFilter::All => true,
        }
    }
}

/// Which severities the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeverityFilter {
    #[default]
    Any,
    WarningUp,
    Critical,
}

impl SeverityFilter {
    pub fn label(self) -> &'static str {
        match self {
            SeverityFilter::Any => "any severity",
            SeverityFilter::WarningUp => "warning+",
            SeverityFilter::Critical => "critical",
        }
    }

    pub(crate) fn next(self) -> Self {
        match self {
            SeverityFilter::Any => SeverityFilter::WarningUp,
            SeverityFilter::WarningUp => SeverityFilter::Critical,
            SeverityFilter::Critical => SeverityFilter::Any,
        }
    }

    pub(super) fn admits(self, s: Severity) -> bool {
        match self {
            SeverityFilter::Any => true,
            SeverityFilter::WarningUp => s != Severity::Info,
            SeverityFilter::Critical => s == Severity::Critical,
        }
    }
}

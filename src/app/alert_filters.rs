//! Which alerts the Alerts tab shows: by state (`f`), by severity (`v`)
//! and by the words typed after `/`.

use super::ListFilter;
use super::alerts::{AlertRow, Origin};
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

/// A severity as the lists show it.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRIT",
        Severity::Warning => "WARN",
        Severity::Info | Severity::Unknown => "info",
    }
}

impl AlertRow {
    /// Whether `filter` keeps the row: its words in the id, title, message,
    /// source, Alertmanager labels (`key=value`) or severity as shown.
    pub(super) fn matches(&self, filter: &ListFilter) -> bool {
        if !filter.is_active() {
            return true;
        }
        let a = &self.alert;
        let labels: Vec<String> = match &self.origin {
            Origin::Alertmanager(labels) => {
                labels.iter().map(|(k, v)| format!("{k}={v}")).collect()
            }
            Origin::Backend => Vec::new(),
        };
        let mut fields = vec![a.id.as_str(), &a.title, &a.message, &a.source];
        fields.push(severity_label(a.severity));
        fields.extend(labels.iter().map(String::as_str));
        filter.matches(&fields)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use super::super::alerts::Alerts;
    use super::*;
    use crate::protocol::{Alert, Id, Timestamp};

    const WALL: Timestamp = Timestamp(1_705_660_245_000);

    fn shown(a: &Alerts) -> Vec<&str> {
        a.visible(WALL).iter().map(|r| r.alert.id.as_str()).collect()
    }

    #[test]
    fn words_find_alertmanager_labels_and_the_severity_as_shown() {
        let now = Instant::now();
        let mut a = Alerts::default();
        let disk = Alert {
            id: Id("am-1".into()),
            severity: Severity::Warning,
            title: "DiskFull".into(),
            ..Alert::default()
        };
        let labels = BTreeMap::from([("instance".to_owned(), "db-1:9100".to_owned())]);
        a.upsert(disk, Origin::Alertmanager(labels), now);
        let cpu = Alert {
            id: Id("b-7".into()),
            severity: Severity::Critical,
            title: "CPU hot".into(),
            source: "api".into(),
            ..Alert::default()
        };
        a.upsert(cpu, Origin::Backend, now);

        a.filter = ListFilter::new("instance=db-1");
        assert_eq!(shown(&a), ["am-1"]);
        a.filter = ListFilter::new("warn");
        assert_eq!(shown(&a), ["am-1"], "WARN, as the list shows it");
        a.filter = ListFilter::new("crit api");
        assert_eq!(shown(&a), ["b-7"]);
        a.filter = ListFilter::new("b-7");
        assert_eq!(shown(&a), ["b-7"], "the id");
        // The words narrow what the severity filter admits; both apply.
        a.severity_filter = SeverityFilter::Critical;
        a.filter = ListFilter::new("disk");
        assert!(shown(&a).is_empty());
        assert_eq!(a.admitted(WALL).len(), 1, "the Status panel ignores the words");
    }
}

//! Claims on reports (protocol §5a): opening a pending report's detail
//! claims it, so that other reviewers see who is looking; leaving releases
//! it, and a decision releases it on the server. Deciding a report someone
//! else holds asks first. A backend without claims (1.0, a 404) is said
//! once and not asked again.

use std::time::{Duration, Instant};

use super::App;
use super::review::{Confirm, Modal, OnConfirm};
use crate::api::ApiError;
use crate::event::Effect;
use crate::protocol::{Id, Report, ValidationStatus};

/// A claim is renewed this long after it was made while the detail stays
/// open, well inside the contract's 15 minutes.
pub const CLAIM_RENEW: Duration = Duration::from_secs(10 * 60);

/// This console's claim, and whether the backend has claims at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims {
    /// The report this console claimed, and when (to renew it).
    pub mine: Option<(Id, Instant)>,
    /// The backend answered 404 to a claim on a report it has: no claims.
    pub unavailable: bool,
}

impl App {
    /// Who else holds `r` now; `None` when nobody does, or this user.
    pub fn claimed_by_other<'a>(&self, r: &'a Report) -> Option<&'a str> {
        r.claim_holder(self.wall).filter(|who| *who != self.settings.user)
    }

    /// The detail of `id` opened: claim it when it is pending, claims are
    /// wanted (`review.claim_on_open`) and the backend has them.
    pub(super) fn claim(&mut self, id: &Id, fx: &mut Vec<Effect>) {
        let pending = self
            .reports
            .items
            .iter()
            .any(|r| r.id == *id && r.validation_status == ValidationStatus::Pending);
        if !pending || !self.settings.review.claim_on_open || self.claims.unavailable {
            return;
        }
        if !self.settings.backend || self.read_only.is_some() {
            return;
        }
        if let Some(r) = self.reports.items.iter().find(|r| r.id == *id)
            && let Some(who) = self.claimed_by_other(r)
        {
            self.message = Some(format!("report {id} is being reviewed by {who}"));
            return;
        }
        self.claims.mine = Some((id.clone(), self.now));
        fx.push(Effect::Claim { id: id.clone(), release: false });
    }

    /// The detail closed: give back the claim this console holds.
    pub(super) fn release(&mut self, fx: &mut Vec<Effect>) {
        if let Some((id, _)) = self.claims.mine.take() {
            fx.push(Effect::Claim { id, release: true });
        }
    }

    /// Once a minute or so: renew the claim of a detail left open long.
    pub(super) fn renew_claim(&mut self, fx: &mut Vec<Effect>) {
        if let Some((id, at)) = &mut self.claims.mine
            && self.now.saturating_duration_since(*at) >= CLAIM_RENEW
        {
            *at = self.now;
            fx.push(Effect::Claim { id: id.clone(), release: false });
        }
    }

    /// The server's answer to a claim or a release.
    pub(super) fn on_claim(
        &mut self,
        id: &Id,
        release: bool,
        result: Result<Box<Report>, ApiError>,
    ) {
        match result {
            Ok(r) => {
                self.reports.apply_update(*r);
            }
            Err(ApiError::Conflict { current, message, .. }) => {
                let mine = self.claims.mine.as_ref().is_some_and(|(m, _)| m == id);
                if mine && !release {
                    self.claims.mine = None;
                }
                match current {
                    Some(r) => {
                        let who = self.claimed_by_other(&r).map(str::to_owned);
                        self.reports.apply_update(*r);
                        if !release && let Some(who) = who {
                            self.message = Some(format!("report {id} is being reviewed by {who}"));
                        }
                    }
                    None if !release => self.message = Some(format!("report {id}: {message}")),
                    None => {}
                }
            }
            Err(ApiError::Unavailable { .. }) => {
                self.claims = Claims { mine: None, unavailable: true };
                self.message = Some(
                    "this backend has no claims (protocol 1.1 §5a): others are not told who reviews what"
                        .into(),
                );
            }
            Err(e) if !release => self.message = Some(format!("cannot claim report {id}: {e}")),
            Err(e) => tracing::warn!(%id, error = %e, "releasing a claim failed"),
        }
    }

    /// A decision key on reports someone else is reviewing: ask first.
    /// Approving has its own question, which then says who; the others
    /// ask before their reason is typed. Returns whether a question is up.
    pub(super) fn ask_before_deciding(&mut self, decide: Decide) -> bool {
        if self.read_only.is_some() {
            return false; // the decision itself says why not
        }
        let ids: Vec<Id> = self.decision_targets().iter().map(|r| r.id.clone()).collect();
        let others = self.held_by_others(&ids);
        if others.is_empty() {
            return false;
        }
        let warning = format!("⚠ being reviewed by someone else: {}", others.join(", "));
        if decide == Decide::Approve {
            self.begin_approve(false);
            if let Some(Modal::Confirm(c)) = &mut self.modal {
                c.lines.insert(0, warning);
                c.title = format!("{} Approve anyway?", c.title.trim_end_matches('?'));
            }
            return true;
        }
        self.modal = Some(Modal::Confirm(Confirm {
            title: format!("{} anyway?", decide.verb()),
            lines: vec![warning],
            on_yes: OnConfirm::Decide(decide),
        }));
        true
    }

    /// A decision key on Reports: ask first if someone else holds a target.
    pub(super) fn decide(&mut self, decide: Decide) {
        if !self.ask_before_deciding(decide) {
            self.modal = self.decide_anyway(decide);
        }
    }

    /// A decision asked about and confirmed: go on as the key would have.
    pub(super) fn decide_anyway(&mut self, decide: Decide) -> Option<Modal> {
        match decide {
            Decide::Approve => self.begin_approve(false),
            Decide::ApproveNotes => self.begin_approve(true),
            Decide::Reject => self.begin_reason(true),
            Decide::Flag => self.begin_reason(false),
        }
        self.modal.take()
    }

    /// The reports among `ids` someone else is reviewing: "report 17
    /// (bob)", for the question asked before deciding them.
    pub(super) fn held_by_others(&self, ids: &[Id]) -> Vec<String> {
        self.reports
            .items
            .iter()
            .filter(|r| ids.contains(&r.id))
            .filter_map(|r| self.claimed_by_other(r).map(|who| format!("report {} ({who})", r.id)))
            .collect()
    }
}

/// A decision on reports, waiting on the question about claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decide {
    Approve,
    ApproveNotes,
    Reject,
    Flag,
}

impl Decide {
    fn verb(self) -> &'static str {
        match self {
            Decide::Approve | Decide::ApproveNotes => "Approve",
            Decide::Reject => "Reject",
            Decide::Flag => "Flag",
        }
    }
}

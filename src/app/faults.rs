//! What went wrong out of sight: server answers the outbox could not read.
//! Kept for the diagnostics popup, so a problem is counted and visible
//! rather than silently dropped.

/// Faults seen since start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Answers to delivered actions (or a conflict's current state) that
    /// could not be decoded, as counted by the outbox.
    pub undecodable_answers: u64,
    /// What the last one was and why it could not be read.
    pub last_undecodable: Option<String>,
}

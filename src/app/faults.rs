//! What went wrong out of sight: background tasks that stopped, and server
//! answers the outbox could not read. Kept for the diagnostics popup, so a
//! problem is counted and visible rather than silently dropped.

use super::App;
use crate::event::{Effect, Link, Task, TaskFailed};

/// Faults seen since start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Tasks that panicked, in the order they stopped.
    pub tasks: Vec<TaskFailed>,
    /// Answers to delivered actions (or a conflict's current state) that
    /// could not be decoded, as counted by the outbox.
    pub undecodable_answers: u64,
    /// What the last one was and why it could not be read.
    pub last_undecodable: Option<String>,
}

impl App {
    /// A background task is gone: say so in the footer, the diagnostics
    /// and (for a feed) its indicator. Without terminal input the console
    /// cannot be used or left, so that one ends it.
    pub(super) fn on_task_failed(&mut self, failed: TaskFailed, fx: &mut Vec<Effect>) -> bool {
        match failed.task {
            Task::Feed(kind) => {
                self.feeds.set_link(kind, Link::Stopped { error: failed.message.clone() });
            }
            Task::Input => {
                self.quitting = true;
                fx.push(Effect::Quit);
            }
            Task::Clock | Task::Signals | Task::Outbox | Task::Fetch | Task::Source(_) => {}
        }
        self.message = Some(format!("{failed} (details in the log)"));
        self.faults.tasks.push(failed);
        true
    }
}

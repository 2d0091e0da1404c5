//! The interactive console: the core loop drawing to the real terminal,
//! with keys, resizes and signals as extra event sources.

use anyhow::Context as _;

use super::core::{Console, Core};
use super::sources;
use super::terminal::TerminalGuard;

/// Run until the user quits or a signal arrives; returns the exit status.
pub async fn run(console: Console) -> anyhow::Result<u8> {
    let core = Core::start(console)?;
    sources::spawn_signals(core.sender());
    let mut term = TerminalGuard::enter().context("cannot set up the terminal")?;
    sources::spawn_input(core.sender()).context("cannot read the terminal's input")?;
    sources::spawn_resize(core.sender());
    let status = core.run(&mut term.screen).await;
    drop(term);
    status
}

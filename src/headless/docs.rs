//! `meridian completions SHELL` and `meridian man`, generated from the CLI
//! definition so they never drift from it.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory as _;

use super::print;
use crate::cli::Cli;

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Example: meridian completions bash > ~/.local/share/bash-completion/completions/meridian"
)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the completion script for `args.shell`.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "meridian", &mut script);
    print(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Print the man page (roff), e.g. `meridian man > meridian.1`.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .context("cannot render the man page")?;
    print(&page)?;
    Ok(ExitCode::SUCCESS)
}

//! `meridian`: parse the command line, load the config, and hand over to the
//! console, the reference server, a config command or a headless command. Errors end here, as
//! one line on stderr and a non-zero exit, before the terminal is touched.

use std::process::ExitCode;

use clap::Parser;
use meridian::cli::{Cli, Command};
use meridian::headless;

fn main() -> ExitCode {
    meridian::tui::mark_process_start();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return meridian::headless::parse_error(&e),
    };
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("meridian: cannot start the async runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
    let result = runtime.block_on(async move {
        match cli.command {
            Some(Command::Serve(args)) => {
                meridian::server::run(args).await.map(|()| ExitCode::SUCCESS)
            }
            Some(Command::Config { action }) => meridian::launch::config_command(&cli.conn, action),
            Some(Command::Status(args)) => Ok(headless::status(&cli.conn, &args).await),
            Some(Command::Tail(args)) => headless::tail(&cli.conn, &args).await,
            Some(Command::Reports { action }) => headless::reports(&cli.conn, action).await,
            Some(Command::Alerts { action }) => headless::alerts(&cli.conn, action).await,
            Some(Command::Completions(args)) => headless::completions(&args),
            Some(Command::Man) => headless::man(),
            None => meridian::launch::console(&cli.conn, cli.demo).await,
        }
    });
    // Background tasks (feeds, sockets) end with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(code) => code,
        Err(e) => {
            headless::say(format_args!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

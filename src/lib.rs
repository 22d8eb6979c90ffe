//! hoist: a daemonless, Docker-compatible client for container image registries.
//! The binary is a thin shell over this library: `cli` parses, `commands` runs, `output` shows.

pub mod archive;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod digest;
pub mod image;
pub mod ops;
pub mod output;
pub mod parallel;
pub mod reference;
pub mod registry;
pub mod store;
pub mod units;

use std::process::ExitCode;

/// Runs a parsed command line and turns its outcome into an exit code (SPEC §2: 1 for failure).
pub fn run(cli: cli::Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            output::print_error(&anyhow::Error::new(err).context("cannot start the async runtime"));
            return ExitCode::FAILURE;
        }
    };
    let Err(error) = runtime.block_on(commands::dispatch(cli)) else { return ExitCode::SUCCESS };
    if output::is_broken_pipe(&error) {
        return ExitCode::SUCCESS;
    }
    if !error.is::<commands::Reported>() {
        output::print_error(&error);
    }
    ExitCode::FAILURE
}

/// A panic is a bug: one line asking for a report, no backtrace, and a non-zero exit. The
/// store is safe whatever the moment, since nothing becomes visible before it is complete.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        output::status(&format!(
            "hoist hit an internal error{place}; please report it as a bug, with the command you ran"
        ));
    }));
}

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    hoist::install_panic_hook();
    let cli = hoist::cli::Cli::parse(); // usage errors: clap prints them and exits 2
    hoist::run(cli)
}

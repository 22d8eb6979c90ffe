//! `hoist completion SHELL` prints the completion script (as `docker completion` does), and the
//! hidden `hoist __complete images [--ids]` lists what those scripts offer for an IMAGE argument.
//! The scripts are `completions/`, generated from the CLI definition (`examples/generate-docs`)
//! and built into the binary, so the binary needs no generator at run time.

use super::Context;
use crate::cli::{CompleteArgs, Completed, CompletionArgs, Shell};
use crate::image::{self, Kind};
use crate::output;

const BASH: &str = include_str!("../../completions/hoist.bash");
const ZSH: &str = include_str!("../../completions/_hoist");
const FISH: &str = include_str!("../../completions/hoist.fish");

pub(super) fn script(args: &CompletionArgs) -> anyhow::Result<()> {
    let script = match args.shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
    };
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, script.as_bytes())?;
    Ok(())
}

/// Local image names as docker shows them (`alpine:3.20`, `localhost:5000/app:1`) and, with
/// `--ids`, their short IDs. Where there is no store there is nothing to offer, and nothing is
/// created; a completion never prints an error into the person's command line.
pub(super) fn values(args: &CompleteArgs, context: &Context) -> anyhow::Result<()> {
    let Completed::Images = args.what;
    let Ok(store) = context.existing_store() else { return Ok(()) };
    let Ok(images) = image::list(&store) else { return Ok(()) };
    let mut values: Vec<String> = Vec::new();
    for (entry, summary) in &images {
        if let Some(reference) = &entry.reference {
            values.push(reference.to_string());
        }
        if args.ids && summary.kind == Kind::Image {
            values.push(summary.id.hex()[..12].to_string());
        }
    }
    values.sort();
    values.dedup();
    for value in values {
        output::line(&value)?;
    }
    Ok(())
}

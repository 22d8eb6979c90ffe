//! `hoist image prune`: docker's question, then docker's report (`Deleted Images:`,
//! `untagged:`/`deleted:` lines, `Total reclaimed space:`).

use std::io::{BufRead as _, Write as _};

use anyhow::Context as _;

use super::Context;
use crate::cli::PruneArgs;
use crate::ops::prune;
use crate::units;

const DANGLING_WARNING: &str = "WARNING! This will remove all dangling images.";
const ALL_WARNING: &str = "WARNING! This will remove all images without at least one container associated to them.";

pub(super) fn run(args: PruneArgs, context: &Context) -> anyhow::Result<()> {
    if !args.force && !confirmed(if args.all { ALL_WARNING } else { DANGLING_WARNING })? {
        return Ok(());
    }
    // With no store there is nothing to prune, and none is made.
    let pruned = match context.root.exists() {
        true => {
            let store = context.existing_store()?;
            prune::prune(&store, args.all, &args.filters)
                .with_context(|| format!("cannot prune the store at {}", store.root().display()))?
        }
        false => prune::Pruned { lines: Vec::new(), reclaimed: 0 },
    };
    let mut text = String::new();
    if !pruned.lines.is_empty() {
        text.push_str("Deleted Images:\n");
        for line in &pruned.lines {
            text.push_str(&line.render(true));
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(&format!("Total reclaimed space: {}\n", units::human_size_with_precision(pruned.reclaimed, 4)));
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the report")
}

/// docker's `PromptForConfirmation`: the question on stdout, the answer one line of stdin;
/// only `y` or `yes` goes on, so that no answer (no terminal, empty input) removes nothing.
fn confirmed(warning: &str) -> anyhow::Result<bool> {
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{warning}\nAre you sure you want to continue? [y/N] ").context("cannot ask")?;
    stdout.flush().context("cannot ask")?;
    drop(stdout);
    let mut answer = String::new();
    // An unreadable stdin is no answer.
    let _ = std::io::stdin().lock().read_line(&mut answer);
    let answer = answer.trim().to_ascii_lowercase();
    Ok(answer == "y" || answer == "yes")
}

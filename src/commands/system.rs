//! `hoist system check [--repair]`: is the store what its names say, and mending it.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::{CheckArgs, SystemCommand};
use crate::ops::check::{self, Report};
use crate::ops::repair::{self, Fetch, Mended};
use crate::parallel;
use crate::{output, units};

pub(super) async fn run(command: SystemCommand, context: &Context) -> anyhow::Result<()> {
    match command {
        SystemCommand::Check(args) => check(args, context).await,
        SystemCommand::Df(args) => super::images::disk_usage(&args, context),
    }
}

async fn check(args: CheckArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let checking = store.clone();
    let report = tokio::task::spawn_blocking(move || check::check(&checking, parallel::cores()))
        .await
        .context("the check stopped")?
        .with_context(|| format!("cannot check the store at {}", store.root().display()))?;
    print_report(&report)?;
    if report.problems() == 0 {
        output::line("the store is sound")?;
        return Ok(());
    }
    if !args.repair {
        output::line(&plural(report.problems(), "problem", "problems"))?;
        bail!(
            "the store at {} is damaged: `hoist system check --repair` fetches what registries still have and \
             removes what cannot be mended",
            store.root().display()
        );
    }
    let downloads = context.downloads()?;
    let sources = |reference: &crate::reference::Reference| context.pull_sources(reference).ok();
    let fetch = Fetch { sources: &sources, downloads, reporter: std::sync::Arc::new(crate::ops::report::Silent) };
    let mended = repair::repair(&store, &report, &fetch).await.context("cannot repair the store")?;
    for outcome in &mended {
        match outcome {
            Mended::Repaired { name } => output::line(&format!("repaired: {name}"))?,
            Mended::Removed { name, reason } => output::line(&format!("removed: {name}: cannot be mended: {reason}"))?,
        }
    }
    let deleted = store.collect_garbage().context("cannot delete the blobs nothing needs")?;
    if !deleted.is_empty() {
        output::line(&format!("deleted {} nothing needs", plural(deleted.len(), "blob", "blobs")))?;
    }
    output::line("the store is sound")?;
    Ok(())
}

fn print_report(report: &Report) -> anyhow::Result<()> {
    output::line(&format!(
        "checked {} ({}) and {}",
        plural(report.blobs, "blob", "blobs"),
        units::human_size(report.bytes),
        plural(report.names, "name", "names")
    ))?;
    for broken in &report.broken {
        for reason in &broken.reasons {
            output::line(&format!("damaged: {}: {reason}", broken.name()))?;
        }
    }
    for (digest, damage) in &report.unused_damage {
        output::line(&format!("damaged: blob {digest} (no name uses it): {damage}"))?;
    }
    for foreign in &report.foreign {
        output::line(&format!("foreign: {foreign}"))?;
    }
    Ok(())
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

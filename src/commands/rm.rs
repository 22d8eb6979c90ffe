//! `hoist rm` / `rmi`: removes names; an image no name holds any more is deleted, and the
//! blobs nothing else uses are collected.

use std::collections::HashSet;

use anyhow::{anyhow, bail};

use super::Context;
use crate::cli::RmArgs;
use crate::digest::Digest;
use crate::image::{self, Kind, LookupError, Target};
use crate::output;
use crate::store::{IndexGuard, NameEntry, Store};

pub(super) fn run(args: RmArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let mut failures = 0;
    let mut deleted_any = false;
    for argument in &args.images {
        match remove(&store, argument, args.force) {
            Ok(deleted) => deleted_any |= deleted,
            Err(err) if args.force && matches!(err.downcast_ref(), Some(LookupError::NoSuchImage(_))) => {
                output::status(&format!("Error: {err}"));
            }
            Err(err) => {
                output::print_error(&err);
                failures += 1;
            }
        }
    }
    if deleted_any {
        store.collect_garbage()?;
    }
    if failures > 0 {
        bail!(Reported);
    }
    Ok(())
}

/// An error that has been printed already; `main` only sets the exit code for it.
#[derive(Debug, thiserror::Error)]
#[error("some images could not be removed")]
pub(crate) struct Reported;

/// Removes what `argument` names; returns whether an image lost its last name. Lines are
/// printed only once `index.json` is saved: on a full disk, nothing is claimed that did not
/// happen.
fn remove(store: &Store, argument: &str, force: bool) -> anyhow::Result<bool> {
    let mut index = store.lock_index()?;
    let images = image::summarize(store, index.names());
    let (summary, targets) = match image::lookup(&images, argument)? {
        Target::Name(entry, summary) => (summary, vec![entry]),
        Target::Id(id, holders) => {
            if holders.len() > 1 && !force {
                return Err(anyhow!(
                    "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    &id.hex()[..12]
                ));
            }
            let summary =
                holders.first().map(|(_, summary)| summary.clone()).ok_or_else(|| anyhow!("No such image: {id}"))?;
            (summary, holders.into_iter().map(|(entry, _)| entry).collect())
        }
    };
    let lines: Vec<String> = targets.iter().filter_map(|target| untag(&mut index, target)).collect();
    let still_held: HashSet<Digest> =
        image::summarize(store, index.names()).into_iter().map(|(_, summary)| summary.id).collect();
    index.save()?;
    drop(index);
    for line in lines {
        output::line(&line)?;
    }
    let deleted = !still_held.contains(&summary.id);
    // A dangling name held no content: removing it deletes no image.
    if deleted && !matches!(summary.kind, Kind::Dangling(_)) {
        output::line(&format!("Deleted: {}", summary.id))?;
    }
    Ok(deleted)
}

/// Removes the entry from the index; returns the line to print once that is saved.
fn untag(index: &mut IndexGuard, entry: &NameEntry) -> Option<String> {
    match &entry.reference {
        Some(reference) => {
            index.remove(reference);
            Some(format!("Untagged: {reference}"))
        }
        None => {
            index.remove_unnamed(entry.descriptor.digest().as_ref());
            None
        }
    }
}

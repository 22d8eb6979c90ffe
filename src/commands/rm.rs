//! `hoist rm` / `rmi`: removes names; an image no name holds any more is deleted, and the
//! blobs nothing else uses are collected.

use std::collections::HashSet;

use anyhow::{anyhow, bail};

use super::Context;
use crate::cli::RmArgs;
use crate::digest::Digest;
use crate::image::{self, LookupError, Target};
use crate::output;
use crate::store::{IndexGuard, NameEntry, Store};

pub fn run(args: RmArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.store()?;
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
pub struct Reported;

/// Removes what `argument` names; returns whether an image lost its last name.
fn remove(store: &Store, argument: &str, force: bool) -> anyhow::Result<bool> {
    let mut index = store.lock_index()?;
    let images = image::summarize(store, index.names())?;
    let (id, targets) = match image::lookup(&images, argument)? {
        Target::Name(entry, summary) => (summary.id, vec![entry]),
        Target::Id(id, holders) => {
            if holders.len() > 1 && !force {
                return Err(anyhow!(
                    "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    &id.hex()[..12]
                ));
            }
            (id, holders.into_iter().map(|(entry, _)| entry).collect())
        }
    };
    for target in &targets {
        untag(&mut index, target)?;
    }
    let still_held: HashSet<Digest> =
        image::summarize(store, index.names())?.into_iter().map(|(_, summary)| summary.id).collect();
    index.save()?;
    drop(index);
    let deleted = !still_held.contains(&id);
    if deleted {
        output::line(&format!("Deleted: {id}"))?;
    }
    Ok(deleted)
}

fn untag(index: &mut IndexGuard, entry: &NameEntry) -> anyhow::Result<()> {
    match &entry.reference {
        Some(reference) => {
            index.remove(reference);
            output::line(&format!("Untagged: {reference}"))?;
        }
        None => index.remove_unnamed(entry.descriptor.digest().as_ref()),
    }
    Ok(())
}

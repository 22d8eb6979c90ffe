//! `hoist rm` / `rmi`: removes names; an image no name holds any more is deleted, and the
//! blobs nothing else uses are collected, with docker's `Untagged:` and `Deleted:` lines.

use std::collections::HashSet;

use anyhow::{Context as _, anyhow, bail};

use super::Context;
use crate::cli::RmArgs;
use crate::image::{self, LookupError, Target};
use crate::ops::remove;
use crate::output;
use crate::reference::Reference;
use crate::store::{NameEntry, Store};

pub(super) fn run(args: RmArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let mut failures = 0;
    for argument in &args.images {
        match remove(&store, argument, args.force) {
            Ok(()) => {}
            Err(err) if args.force && matches!(err.downcast_ref(), Some(LookupError::NoSuchImage(_))) => {
                output::status(&format!("Error: {err}"));
            }
            Err(err) => {
                output::print_error(&err);
                failures += 1;
            }
        }
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

/// Removes what `argument` names. Lines are printed only once `index.json` is saved, and
/// `Deleted:` lines once the blobs are gone: on a full disk, nothing is claimed that did not
/// happen.
fn remove(store: &Store, argument: &str, force: bool) -> anyhow::Result<()> {
    let mut index = store.lock_index()?;
    let images = image::summarize(store, index.names());
    let (summary, targets) = match image::lookup(&images, argument)? {
        Target::Name(entry, summary) => (summary, vec![entry]),
        Target::Id(id, holders) => {
            let entries: Vec<NameEntry> = holders.iter().map(|(entry, _)| entry.clone()).collect();
            if !force && !single_reference(&entries) {
                return Err(anyhow!(
                    "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    &id.hex()[..12]
                ));
            }
            let summary =
                holders.first().map(|(_, summary)| summary.clone()).ok_or_else(|| anyhow!("No such image: {id}"))?;
            (summary, entries)
        }
    };
    let sources = store.sources()?;
    let (lines, gone) = remove::untag(store, &mut index, &sources, &targets, &summary);
    index.save()?;
    drop(index);
    for line in &lines {
        output::line(&line.render(false))?;
    }
    if let Some(gone) = gone {
        let collected = store.collect(false).context("cannot delete the blobs nothing needs")?;
        for line in gone.lines(&remove::deleted(&collected)) {
            output::line(&line.render(false))?;
        }
    }
    Ok(())
}

/// docker's `isSingleReference`: at most one tag, and digest references only in its
/// repository; an image referenced otherwise needs `-f` to be removed by ID.
fn single_reference(entries: &[NameEntry]) -> bool {
    let tags: Vec<String> = entries
        .iter()
        .filter_map(|entry| entry.reference.as_ref().filter(|name| name.tag().is_some()).map(Reference::name))
        .collect();
    let digests: HashSet<String> = entries
        .iter()
        .filter_map(|entry| match &entry.reference {
            Some(name) if name.tag().is_none() => Some(name.name()),
            None => entry.repository.as_ref().map(Reference::name),
            Some(_) => None,
        })
        .collect();
    match tags.as_slice() {
        [] => digests.len() <= 1,
        [tag] => digests.is_empty() || (digests.len() == 1 && digests.contains(tag)),
        _ => false,
    }
}

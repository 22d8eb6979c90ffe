//! `system check --repair`: mends what a check found. Damaged blobs are deleted; each entry
//! that was not whole is fetched again, by digest (so that it is the very content the name
//! pointed at, not what its tag points at today), through the ordinary pull; an entry that no
//! registry can give back (gone from it, unreachable, or no registry at all, for an imported
//! image) loses its name. Garbage collection, afterwards, takes what nothing needs any more.

use std::sync::Arc;

use super::TransferError;
use super::check::{Broken, Report, walk_entries};
use super::pull::{PullOptions, pull};
use super::report::Reporter;
use crate::image::Platform;
use crate::registry::RegistryClient;
use crate::store::{Damage, Store, StoreError};

/// What became of one broken entry.
#[derive(Debug)]
pub(crate) enum Mended {
    /// Fetched again from a registry: whole now.
    Repaired { name: String },
    /// Its name was removed; why it could not be mended.
    Removed { name: String, reason: Unmendable },
}

/// Why an entry could not be fetched again.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unmendable {
    #[error("it has no name to fetch it by")]
    NoName,
    #[error("no registry to fetch it from")]
    NoRegistry,
    #[error("{}", one_line(.0))]
    Pull(TransferError),
    #[error("still not whole after the pull: {0}")]
    StillBroken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a repair reaches registries: the sources to pull a reference from (mirrors, then the
/// registry), how many downloads at once, and what to show while it pulls.
pub(crate) struct Fetch<'a> {
    pub sources: &'a dyn Fn(&crate::reference::Reference) -> Option<Vec<Arc<RegistryClient>>>,
    pub(crate) downloads: super::concurrent::Concurrency,
    pub reporter: Arc<dyn Reporter>,
}

/// Mends what `report` found; returns what became of each broken entry.
pub(crate) async fn repair(store: &Store, report: &Report, fetch: &Fetch<'_>) -> Result<Vec<Mended>, StoreError> {
    for digest in &report.damaged_blobs {
        store.remove_damaged(digest, &Damage::Content { actual: digest.clone() })?;
    }
    let mut mended = Vec::new();
    for broken in &report.broken {
        let name = broken.name();
        mended.push(match refetch(store, broken, fetch).await {
            Ok(()) => Mended::Repaired { name },
            Err(reason) => {
                let mut index = store.lock_index()?;
                index.remove_entry(&broken.entry);
                index.save()?;
                Mended::Removed { name, reason }
            }
        });
    }
    Ok(mended)
}

/// Pulls the entry's content again by digest, for each platform it had; checks it is whole.
async fn refetch(store: &Store, broken: &Broken, fetch: &Fetch<'_>) -> Result<(), Unmendable> {
    let reference = broken.reference.as_ref().ok_or(Unmendable::NoName)?;
    let digest = crate::image::descriptor_digest(&broken.entry).map_err(|_| Unmendable::NoName)?;
    let by_digest = reference.repository_reference().with_digest(digest);
    let sources = (fetch.sources)(reference).ok_or(Unmendable::NoRegistry)?;
    let had_digest_name = store.names()?.iter().any(|entry| entry.reference.as_ref() == Some(&by_digest));
    let platforms = if broken.platforms.is_empty() { vec![Platform::host()] } else { broken.platforms.clone() };
    let mut outcome = Ok(());
    for platform in &platforms {
        let options = PullOptions { platform, platform_required: false, downloads: fetch.downloads };
        if let Err(err) = pull(&sources, store, &by_digest, &options, fetch.reporter.clone()).await {
            outcome = Err(Unmendable::Pull(err));
            break;
        }
    }
    // The pull named the content `REPOSITORY@DIGEST`; the entry being mended is its name.
    if !had_digest_name && broken.reference.as_ref() != Some(&by_digest) {
        let mut index = store.lock_index()?;
        index.remove(&by_digest);
        index.save()?;
    }
    outcome?;
    let after = walk_entries(store, std::slice::from_ref(&broken.entry), &store.list_blobs_unverified()?);
    match after.broken.first() {
        Some(still) => Err(Unmendable::StillBroken(still.reasons.join("; "))),
        None => Ok(()),
    }
}

/// An error with its causes, on one line.
fn one_line(error: &TransferError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

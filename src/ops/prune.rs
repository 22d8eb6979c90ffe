//! `image prune`: removes dangling images (every image, with `all`) that the filters keep, then
//! the blobs nothing needs and every abandoned partial download, as docker's `ImagesPrune`.

use std::collections::{HashMap, HashSet};

use super::remove::{self, Gone, Line};
use crate::digest::Digest;
use crate::image::filter::Filter;
use crate::image::listing::{self, tagged_ids};
use crate::image::{self, Kind, LookupError, Summary};
use crate::store::{NameEntry, Store, StoreError};

/// What a prune removed: docker's lines, and the bytes freed.
pub(crate) struct Pruned {
    pub lines: Vec<Line>,
    pub reclaimed: u64,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PruneError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lookup(#[from] LookupError),
}

pub(crate) fn prune(store: &Store, all: bool, filters: &[Filter]) -> Result<Pruned, PruneError> {
    let mut index = store.lock_index()?;
    let images = image::summarize(store, index.names());
    let chosen = chosen(store, &images, all, filters)?;
    let sources = store.sources()?;
    let mut removed: Vec<(Vec<Line>, Option<Gone>)> = Vec::new();
    for (summary, targets) in chosen {
        removed.push(remove::untag(store, &mut index, &sources, &targets, &summary));
    }
    index.save()?;
    drop(index);
    let collected = store.collect(true)?;
    let deleted = remove::deleted(&collected);
    let mut lines = Vec::new();
    for (untagged, gone) in removed {
        lines.extend(untagged);
        lines.extend(gone.iter().flat_map(|gone| gone.lines(&deleted)));
    }
    Ok(Pruned { lines, reclaimed: collected.bytes() })
}

/// The images to remove, each with every entry that holds it, in the index's order. Entries
/// whose content is missing are left to `system check`.
fn chosen(
    store: &Store,
    images: &[(NameEntry, Summary)],
    all: bool,
    filters: &[Filter],
) -> Result<Vec<(Summary, Vec<NameEntry>)>, PruneError> {
    let tagged = tagged_ids(images);
    let kept: HashSet<Digest> =
        listing::select(store, images, filters, true)?.into_iter().map(|(_, summary)| summary.id).collect();
    let mut order: Vec<Summary> = Vec::new();
    let mut holders: HashMap<Digest, Vec<NameEntry>> = HashMap::new();
    for (entry, summary) in images {
        if matches!(summary.kind, Kind::Dangling(_)) || !kept.contains(&summary.id) {
            continue;
        }
        if !all && tagged.contains(&summary.id) {
            continue;
        }
        let targets = holders.entry(summary.id.clone()).or_default();
        if targets.is_empty() {
            order.push(summary.clone());
        }
        targets.push(entry.clone());
    }
    Ok(order
        .into_iter()
        .map(|summary| {
            let targets = holders.remove(&summary.id).unwrap_or_default();
            (summary, targets)
        })
        .collect())
}

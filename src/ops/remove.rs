//! Removing images as docker's `rmi` and `image prune` do (moby `daemon/images/image_delete.go`):
//! each name removed is an `Untagged:` line, and so is the repository's digest reference
//! (`REPO@DIGEST`) when the repository's last tag of the image goes; an image that loses its
//! last entry is deleted, and its config and every layer no other image shares are `Deleted:`
//! lines, said only once garbage collection has deleted them.

use std::collections::HashSet;

use crate::digest::Digest;
use crate::image::{Image, Kind, Platform, Summary};
use crate::reference::Reference;
use crate::store::{Collected, IndexGuard, NameEntry, Sources, Store};

/// One line of docker's report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Line {
    Untagged(String),
    Deleted(Digest),
}

impl Line {
    /// `Untagged: X` / `Deleted: X` (`rmi`), or lower case (`image prune`).
    pub(crate) fn render(&self, lower: bool) -> String {
        let (label, value) = match self {
            Line::Untagged(name) => ("Untagged", name.clone()),
            Line::Deleted(digest) => ("Deleted", digest.to_string()),
        };
        if lower { format!("{}: {value}", label.to_lowercase()) } else { format!("{label}: {value}") }
    }
}

/// An image that lost its last entry: what its `Deleted:` lines may name, config first, then
/// its layers from the top down.
#[derive(Debug)]
pub(crate) struct Gone {
    pub id: Digest,
    pub blobs: Vec<Digest>,
    /// An entry hoist cannot open as an image: its ID is said deleted whatever is collected.
    pub foreign: bool,
}

impl Gone {
    /// The image's `Deleted:` lines, for the blobs the collection deleted.
    pub(crate) fn lines(&self, collected: &HashSet<Digest>) -> Vec<Line> {
        if self.foreign {
            return vec![Line::Deleted(self.id.clone())];
        }
        self.blobs.iter().filter(|blob| collected.contains(blob)).cloned().map(Line::Deleted).collect()
    }
}

/// The digests a collection deleted.
pub(crate) fn deleted(collected: &Collected) -> HashSet<Digest> {
    collected.blobs.iter().map(|(digest, _)| digest.clone()).collect()
}

/// Removes `targets` (entries that hold the image `summary` describes) from the index; returns
/// the `Untagged:` lines and, when no entry holds the image any more, what went with it.
pub(crate) fn untag(
    store: &Store,
    index: &mut IndexGuard,
    sources: &Sources,
    targets: &[NameEntry],
    summary: &Summary,
) -> (Vec<Line>, Option<Gone>) {
    let gone = gone(store, targets, summary);
    let mut lines = Vec::new();
    for target in targets {
        match (&target.reference, &target.repository) {
            (Some(reference), _) => {
                index.remove(reference);
                lines.push(Line::Untagged(reference.to_string()));
                if reference.tag().is_some() {
                    let manifest = target.descriptor.digest().to_string();
                    lines.extend(last_tag_gone(index, sources, reference, summary, &manifest));
                }
            }
            (None, Some(repository)) => {
                index.remove_entry(&target.descriptor);
                lines.push(Line::Untagged(digest_name(repository, target)));
            }
            (None, None) => index.remove_entry(&target.descriptor),
        }
    }
    let held = !index.entries_of(summary.id.as_str(), |entry| Summary::of(store, entry).id == summary.id).is_empty();
    (dedup(lines), if held { None } else { gone })
}

/// When `reference`'s repository has no other tag for the image: its digest reference goes
/// too (the entry that kept it, or the registry's, as the store's sources know it).
fn last_tag_gone(
    index: &mut IndexGuard,
    sources: &Sources,
    reference: &Reference,
    summary: &Summary,
    manifest: &str,
) -> Vec<Line> {
    let repository = reference.name();
    let in_repository = |entry: &NameEntry| {
        entry.reference.as_ref().map(Reference::name).or_else(|| entry.repository.as_ref().map(Reference::name))
            == Some(repository.clone())
    };
    let same: Vec<NameEntry> =
        index.entries_of(summary.id.as_str(), |_| false).into_iter().filter(in_repository).collect();
    if same.iter().any(|entry| entry.reference.as_ref().is_some_and(|name| name.tag().is_some())) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for entry in &same {
        match &entry.reference {
            Some(name) => {
                index.remove(name);
                lines.push(Line::Untagged(name.to_string()));
            }
            None => index.remove_entry(&entry.descriptor),
        }
    }
    let known = sources.get(&summary.id).is_some_and(|repositories| repositories.contains(&repository));
    if lines.is_empty() && (known || !same.is_empty()) {
        lines.push(Line::Untagged(format!("{}@{manifest}", reference.familiar_name())));
    }
    lines
}

/// `REPO@DIGEST` for an entry left in `repository`.
fn digest_name(repository: &Reference, entry: &NameEntry) -> String {
    format!("{}@{}", repository.familiar_name(), entry.descriptor.digest())
}

fn gone(store: &Store, targets: &[NameEntry], summary: &Summary) -> Option<Gone> {
    let descriptor = &targets.first()?.descriptor;
    match summary.kind {
        Kind::Image => {}
        // A name whose content is missing held no image: nothing is said deleted.
        Kind::Dangling(_) => return Some(Gone { id: summary.id.clone(), blobs: Vec::new(), foreign: false }),
        Kind::Foreign(_) => return Some(Gone { id: summary.id.clone(), blobs: Vec::new(), foreign: true }),
    }
    let image = Image::open(store, descriptor, &Platform::host()).ok()?;
    let layers = image.manifest.layers().iter().rev().filter_map(|layer| Digest::parse(layer.digest().as_ref()).ok());
    let blobs = std::iter::once(image.config_digest.clone()).chain(layers).collect();
    Some(Gone { id: summary.id.clone(), blobs, foreign: false })
}

fn dedup(lines: Vec<Line>) -> Vec<Line> {
    let mut seen = HashSet::new();
    lines.into_iter().filter(|line| seen.insert(line.clone())).collect()
}

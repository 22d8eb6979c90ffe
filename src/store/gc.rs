//! Garbage collection: deletes blobs that no name reaches any more, once no writer is active.
//! Every document a name reaches is followed, whatever tool wrote it: an image's config and
//! layers, an index's manifests, an artifact's config, layers and (older artifact manifests)
//! blobs, so that another tool's content in the store loses nothing to hoist's collection.

use std::collections::HashSet;
use std::fs;

use serde::Deserialize;

use super::{Store, StoreError};
use crate::digest::Digest;

/// How deep indexes may nest before hoist stops following them.
const MAX_NESTING: usize = 4;

/// The descriptors a manifest, index or artifact points at; Docker's and OCI's formats share
/// these fields. Read leniently: a descriptor hoist cannot read does not hide the others.
#[derive(Deserialize)]
struct Children {
    config: Option<serde_json::Value>,
    #[serde(default)]
    layers: Vec<serde_json::Value>,
    #[serde(default)]
    blobs: Vec<serde_json::Value>,
    #[serde(default)]
    manifests: Vec<serde_json::Value>,
}

/// The digest of a descriptor, when it has one hoist can read.
fn digest_of(descriptor: &serde_json::Value) -> Option<Digest> {
    Digest::parse(descriptor.get("digest")?.as_str()?).ok()
}

/// What a collection freed.
#[derive(Debug, Default)]
pub struct Collected {
    /// The deleted blobs and their sizes.
    pub blobs: Vec<(Digest, u64)>,
    /// The bytes of the partial downloads deleted.
    pub partial_bytes: u64,
}

impl Collected {
    pub fn bytes(&self) -> u64 {
        self.blobs.iter().map(|(_, size)| size).sum::<u64>() + self.partial_bytes
    }
}

impl Store {
    /// Deletes every blob that no name reaches, and the temporary files of dead writers.
    /// Returns the deleted digests.
    pub fn collect_garbage(&self) -> Result<Vec<Digest>, StoreError> {
        Ok(self.collect(false)?.blobs.into_iter().map(|(digest, _)| digest).collect())
    }

    /// Deletes every blob that no entry of the index reaches and the temporary files of dead
    /// writers; with `partials`, every abandoned partial download too (otherwise those of the
    /// last day are kept for the next pull to resume).
    pub fn collect(&self, partials: bool) -> Result<Collected, StoreError> {
        let gc_path = self.meta_dir().join("gc.lock");
        let gc_lock = super::open_lock_file(&gc_path)?;
        gc_lock.lock().map_err(StoreError::io("cannot lock", gc_path))?;
        let guard = self.lock_index()?;

        let mut reachable = HashSet::new();
        for descriptor in guard.descriptors() {
            if let Ok(digest) = Digest::parse(descriptor.digest().as_ref()) {
                self.mark(&digest, &mut reachable, 0);
            }
        }
        let blobs = self.sweep(&reachable)?;
        if !blobs.is_empty() {
            let mut sources = self.read_sources()?;
            sources.retain(|digest, _| reachable.contains(digest));
            self.write_sources(&sources)?;
        }
        let partial_bytes = self.clear_ingest(partials);
        Ok(Collected { blobs, partial_bytes })
    }

    fn mark(&self, digest: &Digest, reachable: &mut HashSet<Digest>, depth: usize) {
        if !reachable.insert(digest.clone()) || depth > MAX_NESTING {
            return;
        }
        let Ok(bytes) = self.read_document_unverified(digest) else { return };
        let Ok(children) = serde_json::from_slice::<Children>(&bytes) else { return };
        let blobs = children.config.iter().chain(&children.layers).chain(&children.blobs);
        reachable.extend(blobs.filter_map(digest_of));
        for child in children.manifests.iter().filter_map(digest_of) {
            self.mark(&child, reachable, depth + 1);
        }
    }

    fn sweep(&self, reachable: &HashSet<Digest>) -> Result<Vec<(Digest, u64)>, StoreError> {
        let mut deleted = Vec::new();
        let blobs = self.root.join("blobs");
        let algorithms = fs::read_dir(&blobs).map_err(StoreError::io("cannot list", &blobs))?;
        for algorithm in algorithms.flatten() {
            let Ok(files) = fs::read_dir(algorithm.path()) else { continue };
            for file in files.flatten() {
                let name =
                    format!("{}:{}", algorithm.file_name().to_string_lossy(), file.file_name().to_string_lossy());
                // Files that are not valid digests were not written by hoist: leave them alone.
                let Ok(digest) = Digest::parse(&name) else { continue };
                if !reachable.contains(&digest) {
                    let size = file.metadata().map_or(0, |meta| meta.len());
                    fs::remove_file(file.path()).map_err(StoreError::io("cannot delete", file.path()))?;
                    deleted.push((digest, size));
                }
            }
        }
        Ok(deleted)
    }

    /// With the gc lock held exclusively no writer is alive, so what is left in `ingest/` is
    /// debris; partial downloads are kept for a day, for the next pull to resume, unless
    /// `partials` says every one goes. Returns the bytes of the partial downloads deleted.
    fn clear_ingest(&self, partials: bool) -> u64 {
        let Ok(files) = fs::read_dir(self.ingest_dir()) else { return 0 };
        let mut freed = 0;
        for file in files.flatten() {
            let partial = file.file_name().to_string_lossy().ends_with(".partial");
            let meta = file.metadata().ok();
            let age = meta.as_ref().and_then(|meta| meta.modified().ok()).and_then(|time| time.elapsed().ok());
            let debris = !partial || partials || age.is_some_and(|age| age > super::partial::STALE_AFTER);
            if debris && fs::remove_file(file.path()).is_ok() && partial {
                freed += meta.map_or(0, |meta| meta.len());
            }
        }
        freed
    }
}

//! Which registry repositories a blob is known to exist in (`hoist/sources.json`), so that a
//! push can mount a blob from a sibling repository instead of uploading it again.
//! Changed under the index lock and replaced whole, like `index.json`.

use std::collections::{BTreeMap, BTreeSet};

use super::{IndexGuard, Store, StoreError, write_atomically};
use crate::digest::Digest;

pub(crate) type Sources = BTreeMap<Digest, BTreeSet<String>>;

impl Store {
    /// Repositories (`host/path`) known to hold `digest`.
    pub fn sources_of(&self, digest: &Digest) -> Result<Vec<String>, StoreError> {
        Ok(self.read_sources()?.remove(digest).map(|set| set.into_iter().collect()).unwrap_or_default())
    }

    /// Every blob's known repositories.
    pub fn sources(&self) -> Result<Sources, StoreError> {
        self.read_sources()
    }

    pub(super) fn read_sources(&self) -> Result<Sources, StoreError> {
        let path = self.meta_dir().join("sources.json");
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|err| StoreError::Damaged { path, reason: err.to_string() })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Sources::new()),
            Err(err) => Err(StoreError::io("cannot read", path)(err)),
        }
    }

    pub(super) fn write_sources(&self, sources: &Sources) -> Result<(), StoreError> {
        let path = self.meta_dir().join("sources.json");
        let bytes = serde_json::to_vec(sources)
            .map_err(|err| StoreError::Damaged { path: path.clone(), reason: err.to_string() })?;
        write_atomically(&self.meta_dir(), &path, &bytes)
    }
}

impl Store {
    /// Records that `repository` holds every blob in `digests`, under the index lock.
    pub fn record_sources<'d>(
        &self,
        repository: &str,
        digests: impl IntoIterator<Item = &'d Digest>,
    ) -> Result<(), StoreError> {
        self.lock_index()?.add_sources(repository, digests)
    }
}

impl IndexGuard<'_> {
    /// Records that `repository` holds every blob in `digests`.
    pub fn add_sources<'d>(
        &self,
        repository: &str,
        digests: impl IntoIterator<Item = &'d Digest>,
    ) -> Result<(), StoreError> {
        let mut sources = self.store.read_sources()?;
        for digest in digests {
            sources.entry(digest.clone()).or_default().insert(repository.to_string());
        }
        self.store.write_sources(&sources)
    }
}

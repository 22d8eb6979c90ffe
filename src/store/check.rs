//! Checking every blob of the store against its name: each file is read once and hashed, on
//! every core, largest first, so that the time is the bytes divided by the cores and the memory
//! is one read buffer per core, whatever the store holds.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use super::{Store, StoreError};
use crate::digest::Digest;
use crate::parallel;

/// The blobs of the store with their sizes, and the files that are not blobs.
type Listing = (Vec<(Digest, u64)>, Vec<PathBuf>);

/// What hashing found for one blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobCheck {
    /// The content matches the name.
    Intact { size: u64 },
    /// The content hashes to `actual`.
    Damaged { size: u64, actual: Digest },
    /// The file could not be read (its error, as text).
    Unreadable { error: String },
}

/// Every blob of the store and what hashing it found, and the files under `blobs/` that are
/// not blobs hoist can name (another tool's, or debris).
#[derive(Debug, Default)]
pub struct Blobs {
    pub checked: BTreeMap<Digest, BlobCheck>,
    pub strangers: Vec<PathBuf>,
}

impl Blobs {
    pub fn bytes(&self) -> u64 {
        self.checked
            .values()
            .map(|check| match check {
                BlobCheck::Intact { size } | BlobCheck::Damaged { size, .. } => *size,
                BlobCheck::Unreadable { .. } => 0,
            })
            .sum()
    }

    pub fn is_intact(&self, digest: &Digest) -> bool {
        matches!(self.checked.get(digest), Some(BlobCheck::Intact { .. }))
    }
}

impl Store {
    /// Hashes every blob on `workers` threads, the largest first.
    pub fn check_blobs(&self, workers: usize) -> Result<Blobs, StoreError> {
        let (mut found, strangers) = self.list_blobs()?;
        found.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
        let results = parallel::map(found, workers, |(digest, _)| {
            let check = match self.hash_blob(&digest) {
                Ok((actual, size)) if actual == digest => BlobCheck::Intact { size },
                Ok((actual, size)) => BlobCheck::Damaged { size, actual },
                Err(error) => BlobCheck::Unreadable { error: error.to_string() },
            };
            (digest, check)
        });
        Ok(Blobs { checked: results.into_iter().collect(), strangers })
    }

    /// Every blob, taken as intact without reading it: for a walk after a repair, whose pulls
    /// verified everything they wrote (the rest was hashed by the check before).
    pub fn list_blobs_unverified(&self) -> Result<Blobs, StoreError> {
        let (found, strangers) = self.list_blobs()?;
        let checked = found.into_iter().map(|(digest, size)| (digest, BlobCheck::Intact { size })).collect();
        Ok(Blobs { checked, strangers })
    }

    /// The blobs under `blobs/ALGORITHM/` with their sizes, and the files there whose names
    /// are not digests.
    fn list_blobs(&self) -> Result<Listing, StoreError> {
        let folder = self.root.join("blobs");
        let mut blobs = Vec::new();
        let mut strangers = Vec::new();
        for algorithm in fs::read_dir(&folder).map_err(StoreError::io("cannot list", &folder))?.flatten() {
            let Ok(files) = fs::read_dir(algorithm.path()) else {
                strangers.push(algorithm.path());
                continue;
            };
            for file in files.flatten() {
                let name =
                    format!("{}:{}", algorithm.file_name().to_string_lossy(), file.file_name().to_string_lossy());
                let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
                match Digest::parse(&name) {
                    Ok(digest) if file.path().is_file() => blobs.push((digest, size)),
                    _ => strangers.push(file.path()),
                }
            }
        }
        Ok((blobs, strangers))
    }
}

//! Is a stored blob what its name says? A size check costs a `stat`; a content check reads and
//! hashes the whole file. Pull and push check sizes (and the digests of small documents) on
//! their way; `system check` hashes everything.

use std::fs::File;
use std::io::Read;

use super::{Damage, MAX_DOCUMENT_SIZE, Store, StoreError};
use crate::digest::Digest;

/// Large reads keep the hashing loop, not the syscalls, on the profile.
const READ_CHUNK: usize = 4 * 1024 * 1024;

/// What the store holds under a digest, compared with what an image expects there.
#[derive(Debug, PartialEq, Eq)]
pub enum Presence {
    /// There, with the expected size (and content, where it was checked).
    Intact,
    Missing,
    Damaged(Damage),
}

impl Store {
    /// Whether the blob is there whole: its size always, its content too when
    /// `verify_content` and the blob is small (a manifest or config: cheap to hash).
    pub fn presence(&self, digest: &Digest, size: u64, verify_content: bool) -> Result<Presence, StoreError> {
        let actual = match self.blob_size(digest) {
            Ok(actual) => actual,
            Err(StoreError::MissingBlob { .. }) => return Ok(Presence::Missing),
            Err(err) => return Err(err),
        };
        if actual != size {
            return Ok(Presence::Damaged(Damage::Size { actual, size }));
        }
        if verify_content && size <= MAX_DOCUMENT_SIZE {
            let (hashed, _) = self.hash_blob(digest)?;
            if &hashed != digest {
                return Ok(Presence::Damaged(Damage::Content { actual: hashed }));
            }
        }
        Ok(Presence::Intact)
    }

    /// Checks that the blob is there with `size` bytes, without reading it: what a push
    /// checks before it sends a blob, and a pull before it calls a layer present.
    pub fn check_size(&self, digest: &Digest, size: u64) -> Result<(), StoreError> {
        let actual = self.blob_size(digest)?;
        if actual != size {
            let path = self.blob_path(digest);
            return Err(StoreError::DamagedBlob {
                digest: digest.clone(),
                path,
                damage: Damage::Size { actual, size },
            });
        }
        Ok(())
    }

    /// Reads the whole blob and returns its digest (in the algorithm of `digest`) and size.
    pub fn hash_blob(&self, digest: &Digest) -> Result<(Digest, u64), StoreError> {
        let path = self.blob_path(digest);
        let mut file = File::open(&path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => StoreError::MissingBlob { expected: digest.clone() },
            _ => StoreError::io("cannot open", &path)(err),
        })?;
        let mut verifier = digest.verifier();
        let mut buffer = vec![0; READ_CHUNK];
        let mut size = 0;
        loop {
            let count = match file.read(&mut buffer) {
                Ok(0) => return Ok((verifier.finish(), size)),
                Ok(count) => count,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(StoreError::io("cannot read", &path)(err)),
            };
            verifier.update(&buffer[..count]);
            size += count as u64;
        }
    }

    /// Deletes a blob found damaged, so that a verified copy can take its place. The size is
    /// looked at again first: another process may have mended it in the meantime.
    pub fn remove_damaged(&self, digest: &Digest, damage: &Damage) -> Result<(), StoreError> {
        if let Damage::Size { size, .. } = damage
            && self.blob_size(digest).is_ok_and(|now| now == *size)
        {
            return Ok(());
        }
        let path = self.blob_path(digest);
        match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(StoreError::io("cannot delete", path)(err)),
            _ => Ok(()),
        }
    }
}

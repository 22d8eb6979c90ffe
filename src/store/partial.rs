//! Downloads that survive interruption: a blob being fetched lives in `ingest/` under a name
//! derived from its digest, locked by the process writing it, so that a retry or the next run
//! resumes from what is already on disk (HTTP `Range`) instead of starting again.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::PathBuf;

use sha2::{Digest as _, Sha256};

use super::{Store, StoreError};
use crate::digest::Digest;

/// Partial downloads older than this are debris that garbage collection may delete.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

pub enum Claim<'s> {
    /// This process now owns the download; it resumes at `offset()`.
    Mine(PartialBlob<'s>),
    /// The blob is in the store already.
    Present,
    /// Another process is downloading it; try again shortly.
    Busy,
}

pub struct PartialBlob<'s> {
    store: &'s Store,
    path: PathBuf,
    file: File,
    hasher: Sha256,
    written: u64,
}

impl Store {
    /// Claims the download of `digest`, resuming a partial file left by an earlier attempt.
    pub fn claim_download(&self, digest: &Digest) -> Result<Claim<'_>, StoreError> {
        if self.has_blob(digest) {
            return Ok(Claim::Present);
        }
        let path = self.ingest_dir().join(format!("{}-{}.partial", digest.algorithm(), digest.hex()));
        // Append mode: whatever an earlier attempt left is kept, and new bytes go after it.
        let file =
            File::options().create(true).append(true).open(&path).map_err(StoreError::io("cannot open", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(Claim::Busy),
            Err(std::fs::TryLockError::Error(err)) => return Err(StoreError::io("cannot lock", path)(err)),
        }
        if self.has_blob(digest) {
            // Finished by another process between the first check and the lock.
            let _ = fs::remove_file(&path);
            return Ok(Claim::Present);
        }
        let mut partial = PartialBlob { store: self, path, file, hasher: Sha256::new(), written: 0 };
        partial.rehash()?;
        Ok(Claim::Mine(partial))
    }
}

impl PartialBlob<'_> {
    /// Where the download resumes: the bytes already on disk.
    pub fn offset(&self) -> u64 {
        self.written
    }

    /// Hashes what an earlier attempt left, so that the digest covers the whole blob.
    fn rehash(&mut self) -> Result<(), StoreError> {
        let mut reader = File::open(&self.path).map_err(StoreError::io("cannot read", &self.path))?;
        let mut buffer = vec![0; 1024 * 1024];
        loop {
            let count = reader.read(&mut buffer).map_err(StoreError::io("cannot read", &self.path))?;
            if count == 0 {
                return Ok(());
            }
            self.hasher.update(&buffer[..count]);
            self.written += count as u64;
        }
    }

    /// Starts over: the server sent the whole blob instead of the rest.
    pub fn restart(&mut self) -> Result<(), StoreError> {
        self.file.set_len(0).map_err(StoreError::io("cannot truncate", &self.path))?;
        self.hasher = Sha256::new();
        self.written = 0;
        Ok(())
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.file.write_all(chunk).map_err(StoreError::io("cannot write", &self.path))?;
        self.hasher.update(chunk);
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Drops what was downloaded: it cannot be the blob (too long, or a bad digest).
    pub fn discard(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// Verifies size and digest, then makes the blob visible. A mismatch deletes the partial
    /// file, so that the next attempt starts clean.
    pub fn finish(self, expected: &Digest, size: u64) -> Result<(), StoreError> {
        let actual = Digest::from_sha256_hasher(self.hasher.clone());
        if &actual != expected || self.written != size {
            let _ = fs::remove_file(&self.path);
            return Err(StoreError::Corrupt {
                expected: expected.clone(),
                expected_size: size,
                actual,
                actual_size: self.written,
            });
        }
        self.file.sync_all().map_err(StoreError::io("cannot sync", &self.path))?;
        let target = self.store.blob_path(expected);
        fs::rename(&self.path, &target).map_err(StoreError::io("cannot create", target))
    }
}

//! Downloads that survive interruption: a blob being fetched lives in `ingest/` under a name
//! derived from its digest, locked by the process writing it, so that a retry or the next run
//! resumes from what is already on disk (HTTP `Range`) instead of starting again.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::PathBuf;

use super::{Store, StoreError};
use crate::digest::{Digest, Verifier};

/// Partial downloads older than this are debris that garbage collection may delete.
pub(super) const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// After this many new bytes, a download has the kernel write what it holds so far (on a thread
/// of its own, while the download goes on), so that the fsync before publishing waits for the
/// last stretch only instead of the whole blob.
const EARLY_FLUSH: u64 = 64 * 1024 * 1024;

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
    /// Everything in the file so far, hashed with the algorithm of the digest it must match.
    verifier: Verifier,
    unflushed: u64,
    flushing: Option<std::thread::JoinHandle<std::io::Result<()>>>,
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
        let verifier = digest.verifier();
        let mut partial = PartialBlob { store: self, path, file, verifier, unflushed: 0, flushing: None };
        partial.rehash()?;
        Ok(Claim::Mine(partial))
    }
}

impl PartialBlob<'_> {
    /// Where the download resumes: the bytes already on disk.
    pub fn offset(&self) -> u64 {
        self.verifier.length()
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
            self.verifier.update(&buffer[..count]);
        }
    }

    /// Starts over: the server sent the whole blob instead of the rest.
    pub fn restart(&mut self) -> Result<(), StoreError> {
        self.file.set_len(0).map_err(StoreError::io("cannot truncate", &self.path))?;
        self.verifier = self.verifier.restarted();
        Ok(())
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.file.write_all(chunk).map_err(StoreError::io("cannot write", &self.path))?;
        self.verifier.update(chunk);
        self.unflushed += chunk.len() as u64;
        if self.unflushed >= EARLY_FLUSH {
            self.flush_early()?;
        }
        Ok(())
    }

    /// Starts writing what is in the file to disk, unless the previous such flush is still busy.
    /// Its outcome is kept for `finish`: after a failed fsync, a later one on the same file may
    /// report success although the data never reached the disk.
    fn flush_early(&mut self) -> Result<(), StoreError> {
        if self.flushing.as_ref().is_some_and(|flushing| !flushing.is_finished()) {
            return Ok(());
        }
        self.wait_for_flush()?;
        // A file of its own, not a clone of `self.file`: a clone would share (and so keep) the
        // download's lock for as long as the flush runs, and a retry would find the blob busy.
        let file = File::options().write(true).open(&self.path).map_err(StoreError::io("cannot sync", &self.path))?;
        self.unflushed = 0;
        self.flushing = Some(std::thread::spawn(move || file.sync_data()));
        Ok(())
    }

    fn wait_for_flush(&mut self) -> Result<(), StoreError> {
        let Some(flushing) = self.flushing.take() else { return Ok(()) };
        let outcome = flushing.join().unwrap_or_else(|_| Err(std::io::Error::other("the flushing thread panicked")));
        outcome.map_err(StoreError::io("cannot sync", &self.path))
    }

    /// Drops what was downloaded: it cannot be the blob (too long, or a bad digest).
    pub fn discard(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// Verifies size and digest, then makes the blob visible. A mismatch deletes the partial
    /// file, so that the next attempt starts clean.
    pub fn finish(mut self, expected: &Digest, size: u64) -> Result<(), StoreError> {
        if let Err(mismatch) = self.verifier.clone().check(expected, size) {
            let _ = fs::remove_file(&self.path);
            return Err(mismatch.into());
        }
        self.wait_for_flush()?;
        self.file.sync_all().map_err(StoreError::io("cannot sync", &self.path))?;
        let target = self.store.blob_target(expected)?;
        fs::rename(&self.path, &target).map_err(StoreError::io("cannot create", target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim<'s>(store: &'s Store, digest: &Digest) -> PartialBlob<'s> {
        match store.claim_download(digest).unwrap() {
            Claim::Mine(partial) => partial,
            Claim::Present | Claim::Busy => panic!("the download should be this test's"),
        }
    }

    /// Long enough for several early flushes, interrupted once in the middle of one.
    #[test]
    fn a_blob_written_across_early_flushes_and_a_resume_is_whole() {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open(&folder.path().join("store")).unwrap();
        let chunk: Vec<u8> = (0..1024 * 1024).map(|at: u32| (at.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let chunks = 3 * EARLY_FLUSH as usize / chunk.len() + 7;
        let mut whole = Verifier::sha256();
        (0..chunks).for_each(|_| whole.update(&chunk));
        let digest = whole.finish();
        let size = (chunks * chunk.len()) as u64;

        let mut first = claim(&store, &digest);
        (0..chunks / 2).for_each(|_| first.write(&chunk).unwrap());
        drop(first);
        let mut second = claim(&store, &digest);
        assert_eq!(second.offset(), (chunks / 2 * chunk.len()) as u64);
        (chunks / 2..chunks).for_each(|_| second.write(&chunk).unwrap());
        second.finish(&digest, size).unwrap();

        assert!(store.has_blob(&digest));
        let stored = std::fs::read(store.blob_path(&digest)).unwrap();
        assert_eq!(Digest::sha256_of(&stored), digest);
        assert_eq!(std::fs::read_dir(store.ingest_dir()).unwrap().count(), 0, "no partial file is left");
    }
}

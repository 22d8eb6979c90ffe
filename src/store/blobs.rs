//! Writing blobs: stream into `ingest/`, hash while writing, verify, sync, rename into place.

use std::io::{self, Write};

use tempfile::NamedTempFile;

use super::{Store, StoreError};
use crate::digest::{Digest, Verifier};

/// A blob being written. Dropping it without `commit` deletes the temporary file.
pub struct BlobWriter<'s> {
    store: &'s Store,
    file: NamedTempFile,
    verifier: Verifier,
}

impl<'s> BlobWriter<'s> {
    pub(super) fn new(store: &'s Store, verifier: Verifier) -> Result<Self, StoreError> {
        let file = super::temp_file_in(&store.ingest_dir())?;
        Ok(BlobWriter { store, file, verifier })
    }

    /// The content written so far, read from its start; flushed first.
    pub fn reopen(&mut self) -> Result<std::fs::File, StoreError> {
        let path = self.file.path().to_path_buf();
        self.file.flush().and_then(|()| self.file.reopen()).map_err(StoreError::io("cannot read", path))
    }

    pub fn written(&self) -> u64 {
        self.verifier.length()
    }

    /// Verifies the content against `expected` (digest and size) when given, then makes it
    /// visible as a blob. A mismatch deletes the temporary file and changes nothing.
    pub fn commit(self, expected: Option<(&Digest, u64)>) -> Result<(Digest, u64), StoreError> {
        self.seal(expected)?.publish()
    }

    /// Verifies and syncs the content without making it visible yet, so that a caller can
    /// publish several blobs only once all of them are good.
    pub fn seal(self, expected: Option<(&Digest, u64)>) -> Result<SealedBlob<'s>, StoreError> {
        let size = self.verifier.length();
        let digest = match expected {
            Some((digest, size)) => self.verifier.check(digest, size)?,
            None => self.verifier.finish(),
        };
        let temp_path = self.file.path().to_path_buf();
        self.file.as_file().sync_all().map_err(StoreError::io("cannot sync", temp_path))?;
        Ok(SealedBlob { store: self.store, file: self.file, digest, size })
    }
}

/// A verified blob in `ingest/`, one rename away from being visible.
pub struct SealedBlob<'s> {
    store: &'s Store,
    file: NamedTempFile,
    digest: Digest,
    size: u64,
}

impl SealedBlob<'_> {
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// Renames the blob into place. It replaces whatever has the name: the same bytes, or a
    /// damaged copy, which this verified one mends.
    pub fn publish(self) -> Result<(Digest, u64), StoreError> {
        let target = self.store.blob_target(&self.digest)?;
        self.file.persist(&target).map_err(|err| StoreError::io("cannot create", target)(err.error))?;
        Ok((self.digest, self.size))
    }
}

impl Write for BlobWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let count = self.file.write(buf)?;
        self.verifier.update(&buf[..count]);
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

//! The local image store (SPEC §4): an OCI image layout that other OCI tools can read.
//!
//! ```text
//! <root>/oci-layout            {"imageLayoutVersion":"1.0.0"}
//! <root>/index.json            one entry per name (annotation org.opencontainers.image.ref.name)
//! <root>/blobs/sha256/<hex>    content, only ever created by renaming a verified file
//! <root>/ingest/               temporary files of writers in progress, invisible to readers
//! <root>/hoist/                locks and hoist's own metadata (which repositories hold a blob)
//! ```
//!
//! Invariants, kept across crashes and concurrent processes:
//! - a blob appears whole or not at all: it is written to `ingest/`, verified, synced, renamed;
//! - `index.json` is replaced atomically under `hoist/index.lock`, and names are added only
//!   after their blobs are in place, so no name points at a missing blob;
//! - writers hold `hoist/gc.lock` shared while they add blobs; garbage collection holds it
//!   exclusively, so it never deletes a blob a writer is about to name.

mod blobs;
mod error;
mod gc;
mod index;
mod partial;
mod sources;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use blobs::{BlobWriter, SealedBlob};
pub use error::StoreError;
pub use index::{IndexGuard, NameEntry, REF_NAME};
pub use partial::{Claim, PartialBlob};

use crate::digest::Digest;

/// The largest manifest, index or config hoist reads into memory (registries enforce 4 MiB).
pub const MAX_DOCUMENT_SIZE: u64 = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct Store {
    root: PathBuf,
}

/// Held by a process while it adds blobs that it will name; see the module's invariants.
pub struct WriterLock {
    _file: File,
}

impl Store {
    /// Opens the store at `root`, creating an empty layout when there is none.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let store = Store { root: root.to_path_buf() };
        for dir in [store.root.join("blobs/sha256"), store.ingest_dir(), store.meta_dir()] {
            fs::create_dir_all(&dir).map_err(StoreError::io("cannot create", dir))?;
        }
        let layout = store.root.join("oci-layout");
        if !layout.exists() {
            write_atomically(&store.ingest_dir(), &layout, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        if !store.index_path().exists() {
            // Created under the lock, so that two first users cannot overwrite each other's names.
            store.lock_index()?.save()?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The one place a digest becomes a path; `Digest` has already validated algorithm and hex.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root.join("blobs").join(digest.algorithm()).join(digest.hex())
    }

    pub fn has_blob(&self, digest: &Digest) -> bool {
        self.blob_path(digest).is_file()
    }

    pub fn blob_size(&self, digest: &Digest) -> Result<u64, StoreError> {
        let path = self.blob_path(digest);
        match fs::metadata(&path) {
            Ok(meta) => Ok(meta.len()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::MissingBlob { expected: digest.clone() })
            }
            Err(err) => Err(StoreError::io("cannot read", path)(err)),
        }
    }

    pub fn open_blob(&self, digest: &Digest) -> Result<File, StoreError> {
        let path = self.blob_path(digest);
        File::open(&path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => StoreError::MissingBlob { expected: digest.clone() },
            _ => StoreError::io("cannot open", path)(err),
        })
    }

    /// Reads a small blob (manifest, index, config) whole, refusing anything over `MAX_DOCUMENT_SIZE`.
    pub fn read_document(&self, digest: &Digest) -> Result<Vec<u8>, StoreError> {
        let size = self.blob_size(digest)?;
        if size > MAX_DOCUMENT_SIZE {
            return Err(StoreError::TooLarge { digest: digest.clone(), limit: MAX_DOCUMENT_SIZE });
        }
        let path = self.blob_path(digest);
        fs::read(&path).map_err(StoreError::io("cannot read", path))
    }

    /// Starts writing a new blob; it becomes visible only through [`BlobWriter::commit`].
    pub fn blob_writer(&self) -> Result<BlobWriter<'_>, StoreError> {
        BlobWriter::new(self)
    }

    /// Stores `bytes` as a blob and returns its digest.
    pub fn write_blob(&self, bytes: &[u8]) -> Result<Digest, StoreError> {
        let mut writer = self.blob_writer()?;
        writer.write_all(bytes).map_err(StoreError::io("cannot write", self.ingest_dir()))?;
        Ok(writer.commit(None)?.0)
    }

    /// Taken by every process that adds blobs before naming them (load, import, pull).
    pub fn writer_lock(&self) -> Result<WriterLock, StoreError> {
        let path = self.meta_dir().join("gc.lock");
        let file = open_lock_file(&path)?;
        file.lock_shared().map_err(StoreError::io("cannot lock", path))?;
        Ok(WriterLock { _file: file })
    }

    pub(crate) fn ingest_dir(&self) -> PathBuf {
        self.root.join("ingest")
    }

    pub(crate) fn meta_dir(&self) -> PathBuf {
        self.root.join("hoist")
    }

    pub(crate) fn index_path(&self) -> PathBuf {
        self.root.join("index.json")
    }
}

fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    File::options().create(true).truncate(false).write(true).open(path).map_err(StoreError::io("cannot open", path))
}

/// Writes `bytes` to `target` so that readers see the old file or the new one, never a mix.
fn write_atomically(temp_dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file =
        tempfile::NamedTempFile::new_in(temp_dir).map_err(StoreError::io("cannot create a file in", temp_dir))?;
    file.write_all(bytes).map_err(StoreError::io("cannot write", file.path().to_path_buf()))?;
    file.as_file().sync_all().map_err(StoreError::io("cannot sync", file.path().to_path_buf()))?;
    file.persist(target).map_err(|err| StoreError::io("cannot replace", target)(err.error))?;
    Ok(())
}

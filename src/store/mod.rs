//! The local image store (SPEC §4): an OCI image layout that other OCI tools can read.
//!
//! ```text
//! <root>/oci-layout            {"imageLayoutVersion":"1.0.0"}
//! <root>/index.json            one entry per name (annotation org.opencontainers.image.ref.name),
//!                              and one without a name per image kept nameless (`<none>`)
//! <root>/blobs/sha256/<hex>    content, only ever created by renaming a verified file
//! <root>/ingest/               temporary files of writers in progress, invisible to readers
//! <root>/hoist/                locks and hoist's own metadata (which repositories hold a blob)
//! ```
//!
//! Invariants, kept across crashes and concurrent processes:
//! - a blob appears whole or not at all: it is written to `ingest/`, verified, synced, renamed;
//!   a verified blob replaces a damaged file of the same name (bit rot, a truncation);
//! - `index.json` is replaced atomically under `hoist/index.lock`, and names are added only
//!   after their blobs are in place, so no name points at a missing blob;
//! - writers hold `hoist/gc.lock` shared while they add blobs; garbage collection holds it
//!   exclusively, so it never deletes a blob a writer is about to name.
//!
//! File modes follow one rule, as skopeo's and containerd's stores do: every file and folder is
//! created with the process's umask (`0666 & !umask`, `0777 & !umask`); only credentials
//! (`auth.json`, not part of the store) are private (0600).

mod blobs;
mod check;
mod error;
mod gc;
mod index;
mod partial;
mod sources;
mod verify;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) use blobs::{BlobWriter, SealedBlob};
pub(crate) use check::{BlobCheck, Blobs};
pub(crate) use error::{Damage, StoreError};
pub(crate) use gc::Collected;
pub(crate) use index::{IMAGE_ID, IndexGuard, NameEntry, REF_NAME, ref_name};
pub(crate) use partial::{Claim, PartialBlob};
pub(crate) use sources::Sources;
pub(crate) use verify::Presence;

use crate::digest::{Digest, Mismatch, Verifier};

/// The largest manifest, index or config hoist reads into memory (registries enforce 4 MiB).
pub(crate) const MAX_DOCUMENT_SIZE: u64 = 4 * 1024 * 1024;

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

    /// Where a blob is published: its algorithm's folder is made for the first blob of its kind
    /// (`blobs/sha512/`).
    pub(super) fn blob_target(&self, digest: &Digest) -> Result<PathBuf, StoreError> {
        let path = self.blob_path(digest);
        if let Some(folder) = path.parent().filter(|folder| !folder.is_dir()) {
            fs::create_dir_all(folder).map_err(StoreError::io("cannot create", folder))?;
        }
        Ok(path)
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

    /// Reads a small blob (manifest, index, config) whole, refusing anything over
    /// `MAX_DOCUMENT_SIZE` and anything that does not match its digest: hashing a document is
    /// cheap, and a damaged one must not be parsed as if it were the real one.
    pub fn read_document(&self, digest: &Digest) -> Result<Vec<u8>, StoreError> {
        let bytes = self.read_document_unverified(digest)?;
        let actual = digest.verifier().digest_of(&bytes);
        if &actual != digest {
            let path = self.blob_path(digest);
            return Err(StoreError::DamagedBlob { digest: digest.clone(), path, damage: Damage::Content { actual } });
        }
        Ok(bytes)
    }

    /// A document's bytes as they are on disk, damaged or not: for garbage collection, which
    /// keeps what even a damaged manifest still names rather than lose intact layers.
    pub(crate) fn read_document_unverified(&self, digest: &Digest) -> Result<Vec<u8>, StoreError> {
        let size = self.blob_size(digest)?;
        if size > MAX_DOCUMENT_SIZE {
            return Err(StoreError::TooLarge { digest: digest.clone(), limit: MAX_DOCUMENT_SIZE });
        }
        let path = self.blob_path(digest);
        fs::read(&path).map_err(StoreError::io("cannot read", path))
    }

    /// Starts writing a new blob, hashed with `expected`'s algorithm when its digest is known
    /// (sha256 otherwise); it becomes visible only through [`BlobWriter::commit`].
    pub fn blob_writer(&self, expected: Option<&Digest>) -> Result<BlobWriter<'_>, StoreError> {
        BlobWriter::new(self, expected.map_or_else(Verifier::sha256, Digest::verifier))
    }

    /// Stores `bytes` as a blob and returns its digest: the one `expected` names, checked, or
    /// else its sha256. A blob already there whole is left as it is (nothing is written or
    /// synced); a damaged one is replaced.
    pub fn write_blob(&self, bytes: &[u8], expected: Option<&Digest>) -> Result<Digest, StoreError> {
        let verifier = expected.map_or_else(Verifier::sha256, Digest::verifier);
        let digest = verifier.digest_of(bytes);
        if let Some(expected) = expected.filter(|expected| **expected != digest) {
            let (expected, size) = (expected.clone(), bytes.len() as u64);
            return Err(Mismatch { expected, expected_size: size, actual: digest, actual_size: size }.into());
        }
        let path = self.blob_path(&digest);
        let same_size = fs::metadata(&path).is_ok_and(|meta| meta.len() == bytes.len() as u64);
        if same_size && fs::read(&path).is_ok_and(|stored| stored == bytes) {
            return Ok(digest);
        }
        let mut writer = self.blob_writer(Some(&digest))?;
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

/// A temporary file in `dir` created `0666 & !umask`, like every file of the store (tempfile's
/// own default, 0600, would make the store unreadable to the other users the umask allows).
fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile, StoreError> {
    use std::os::unix::fs::PermissionsExt as _;
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(StoreError::io("cannot create a file in", dir))
}

/// Writes `bytes` to `target` so that readers see the old file or the new one, never a mix.
fn write_atomically(temp_dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file = temp_file_in(temp_dir)?;
    file.write_all(bytes).map_err(StoreError::io("cannot write", file.path().to_path_buf()))?;
    file.as_file().sync_all().map_err(StoreError::io("cannot sync", file.path().to_path_buf()))?;
    file.persist(target).map_err(|err| StoreError::io("cannot replace", target)(err.error))?;
    Ok(())
}

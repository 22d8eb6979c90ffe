//! `index.json`: the store's names. Read without a lock (it is only ever replaced whole);
//! changed only through an [`IndexGuard`], which holds `hoist/index.lock`.

use std::fs::File;

use oci_spec::image::{Descriptor, ImageIndex, MediaType};

use super::{Store, StoreError, open_lock_file, write_atomically};
use crate::reference::Reference;

/// The OCI annotation that names an index entry; hoist writes the full normalised reference.
pub(crate) const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// One entry of the store: a name (or none, for an image loaded without one, which docker
/// shows as `<none>`) and the manifest or index it points at.
#[derive(Clone, Debug)]
pub struct NameEntry {
    pub reference: Option<Reference>,
    pub descriptor: Descriptor,
}

impl NameEntry {
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.descriptor.annotations().as_ref()?.get(key).map(String::as_str)
    }
}

/// Exclusive access to `index.json` until dropped; `save` writes the changes.
pub struct IndexGuard<'s> {
    pub(super) store: &'s Store,
    index: ImageIndex,
    /// The index's entries, edited here and written back by `save`.
    entries: Vec<Descriptor>,
    _lock: File,
}

impl Store {
    /// Every entry of `index.json` whose name hoist can read, in file order.
    pub fn names(&self) -> Result<Vec<NameEntry>, StoreError> {
        Ok(named_entries(self.read_index()?.manifests()))
    }

    /// Every entry of `index.json` as it is written, names hoist cannot read included.
    pub fn entries(&self) -> Result<Vec<Descriptor>, StoreError> {
        Ok(self.read_index()?.manifests().clone())
    }

    pub fn lock_index(&self) -> Result<IndexGuard<'_>, StoreError> {
        let path = self.meta_dir().join("index.lock");
        let lock = open_lock_file(&path)?;
        lock.lock().map_err(StoreError::io("cannot lock", path))?;
        let index = if self.index_path().exists() { self.read_index()? } else { empty_index() };
        let entries = index.manifests().clone();
        Ok(IndexGuard { store: self, index, entries, _lock: lock })
    }

    fn read_index(&self) -> Result<ImageIndex, StoreError> {
        let path = self.index_path();
        let bytes = std::fs::read(&path).map_err(StoreError::io("cannot read", &path))?;
        serde_json::from_slice(&bytes).map_err(|err| StoreError::Damaged { path, reason: err.to_string() })
    }
}

impl IndexGuard<'_> {
    pub fn names(&self) -> Vec<NameEntry> {
        named_entries(&self.entries)
    }

    pub fn get(&self, reference: &Reference) -> Option<NameEntry> {
        self.names().into_iter().find(|entry| entry.reference.as_ref() == Some(reference))
    }

    /// Points `reference` at `descriptor`, replacing what the name pointed at before; an
    /// unnamed entry for the same content is no longer needed.
    pub fn set(&mut self, reference: &Reference, mut descriptor: Descriptor) {
        self.remove(reference);
        self.remove_unnamed(descriptor.digest().as_ref());
        let mut annotations = descriptor.annotations().clone().unwrap_or_default();
        annotations.insert(REF_NAME.to_string(), reference.full());
        descriptor.set_annotations(Some(annotations));
        self.entries.push(descriptor);
    }

    /// Removes the name; returns what it pointed at.
    pub fn remove(&mut self, reference: &Reference) -> Option<Descriptor> {
        let full = reference.full();
        let position = self.entries.iter().position(|entry| ref_name(entry) == Some(full.as_str()))?;
        Some(self.entries.remove(position))
    }

    /// Keeps content that has no name (yet), unless an entry already holds it.
    pub fn add_unnamed(&mut self, mut descriptor: Descriptor) {
        let digest = descriptor.digest().clone();
        if self.entries.iter().any(|entry| entry.digest() == &digest) {
            return;
        }
        let mut annotations = descriptor.annotations().clone().unwrap_or_default();
        annotations.remove(REF_NAME);
        descriptor.set_annotations(Some(annotations));
        self.entries.push(descriptor);
    }

    pub fn remove_unnamed(&mut self, digest: &str) {
        self.entries.retain(|entry| ref_name(entry).is_some() || entry.digest().as_ref() != digest);
    }

    /// Removes every entry with the digest and the name (or the lack of one) of `entry`,
    /// whether hoist can read that name or not.
    pub fn remove_entry(&mut self, entry: &Descriptor) {
        self.entries.retain(|kept| kept.digest() != entry.digest() || ref_name(kept) != ref_name(entry));
    }

    pub fn descriptors(&self) -> &[Descriptor] {
        &self.entries
    }

    pub fn save(&mut self) -> Result<(), StoreError> {
        self.index.set_manifests(self.entries.clone());
        let bytes = serde_json::to_vec(&self.index)
            .map_err(|err| StoreError::Damaged { path: self.store.index_path(), reason: err.to_string() })?;
        write_atomically(&self.store.meta_dir(), &self.store.index_path(), &bytes)
    }
}

/// The name an entry carries (`org.opencontainers.image.ref.name`), as written.
pub(crate) fn ref_name(descriptor: &Descriptor) -> Option<&str> {
    descriptor.annotations().as_ref()?.get(REF_NAME).map(String::as_str)
}

fn named_entries(entries: &[Descriptor]) -> Vec<NameEntry> {
    entries
        .iter()
        .filter_map(|descriptor| {
            let reference = match ref_name(descriptor) {
                // A name hoist cannot read (another tool's) is left alone rather than misread.
                Some(name) => Some(Reference::parse(name).ok()?),
                None => None,
            };
            Some(NameEntry { reference, descriptor: descriptor.clone() })
        })
        .collect()
}

fn empty_index() -> ImageIndex {
    let mut index = ImageIndex::default();
    index.set_media_type(Some(MediaType::ImageIndex));
    index
}

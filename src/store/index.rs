//! `index.json`: the store's names. Read without a lock (it is only ever replaced whole);
//! changed only through an [`IndexGuard`], which holds `hoist/index.lock`.

use std::fs::File;

use oci_spec::image::{Descriptor, ImageIndex, MediaType};

use super::{Store, StoreError, open_lock_file, write_atomically};
use crate::digest::Digest;
use crate::reference::Reference;

/// The OCI annotation that names an index entry; hoist writes the full normalised reference.
pub(crate) const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Marks an entry without a name that keeps an image a repository's name has moved away from
/// (docker's `REPO <none>` row): the repository, written as `host/path`. OCI tools see an
/// entry without `org.opencontainers.image.ref.name`, which they leave alone.
pub(crate) const FORMER_REPOSITORY: &str = "io.hoist.image.repository";

/// The annotation on hoist's entries that holds the image ID (the config's digest).
pub(crate) const IMAGE_ID: &str = "io.hoist.image.id";

/// One entry of the store: a name (or none, for an image loaded without one or left behind by
/// a name that moved, which docker shows as `<none>`) and the manifest or index it points at.
#[derive(Clone, Debug)]
pub struct NameEntry {
    pub reference: Option<Reference>,
    /// For an entry without a name: the repository whose name moved away from it, if the
    /// image came from (or went to) that repository's registry.
    pub repository: Option<Reference>,
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

    /// The entries whose image ID annotation is `id`, and those without one that `unannotated`
    /// says hold it (another tool's entries, which only their content can tell).
    pub fn entries_of(&self, id: &str, unannotated: impl Fn(&NameEntry) -> bool) -> Vec<NameEntry> {
        let candidates: Vec<Descriptor> = self
            .entries
            .iter()
            .filter(|entry| {
                let annotation = entry.annotations().as_ref().and_then(|annotations| annotations.get(IMAGE_ID));
                annotation.is_none_or(|annotation| annotation == id)
            })
            .cloned()
            .collect();
        named_entries(&candidates)
            .into_iter()
            .filter(|entry| {
                entry.annotation(IMAGE_ID) == Some(id) || (entry.annotation(IMAGE_ID).is_none() && unannotated(entry))
            })
            .collect()
    }

    pub fn get(&self, reference: &Reference) -> Option<NameEntry> {
        self.names().into_iter().find(|entry| entry.reference.as_ref() == Some(reference))
    }

    /// Points `reference` at `descriptor`, replacing what the name pointed at before; an
    /// unnamed entry for the same content (in no repository, or in this one) is no longer
    /// needed. The image the name leaves stays in the store, as docker keeps it: see
    /// [`IndexGuard::keep_former`].
    pub fn set(&mut self, reference: &Reference, mut descriptor: Descriptor) -> Result<(), StoreError> {
        let former = self.remove(reference).filter(|former| former.digest() != descriptor.digest());
        let repository = reference.name();
        self.entries.retain(|entry| {
            ref_name(entry).is_some()
                || entry.digest() != descriptor.digest()
                || former_repository(entry).is_some_and(|former| former != repository)
        });
        let mut annotations = descriptor.annotations().clone().unwrap_or_default();
        annotations.insert(REF_NAME.to_string(), reference.full());
        annotations.remove(FORMER_REPOSITORY);
        descriptor.set_annotations(Some(annotations));
        self.entries.push(descriptor);
        match former {
            Some(former) => self.keep_former(reference, former),
            None => Ok(()),
        }
    }

    /// Keeps the image a name moved away from, as docker does: when its registry repository
    /// is known to hold it (it was pulled from there or pushed there) and no other name of
    /// that repository holds it, as `REPO <none>`; otherwise, when no entry holds it any more,
    /// as `<none> <none>`. Either stays until `image prune` or `rm ID` removes it.
    fn keep_former(&mut self, reference: &Reference, mut former: Descriptor) -> Result<(), StoreError> {
        let repository = reference.name();
        let same = |entry: &&Descriptor| entry.digest() == former.digest();
        let in_repository = |entry: &Descriptor| {
            ref_name(entry).and_then(|name| Reference::parse(name).ok()).map(|name| name.name())
                == Some(repository.clone())
                || former_repository(entry) == Some(repository.as_str())
        };
        let mut annotations = former.annotations().clone().unwrap_or_default();
        annotations.remove(REF_NAME);
        if self.repository_holds(&repository, &annotations)? {
            if self.entries.iter().filter(same).any(in_repository) {
                return Ok(());
            }
            annotations.insert(FORMER_REPOSITORY.to_string(), repository);
        } else if self.entries.iter().any(|entry| same(&entry)) {
            return Ok(());
        }
        former.set_annotations(Some(annotations));
        self.entries.push(former);
        Ok(())
    }

    /// Whether the store knows `repository`'s registry holds the image (its config).
    fn repository_holds(
        &self,
        repository: &str,
        annotations: &std::collections::HashMap<String, String>,
    ) -> Result<bool, StoreError> {
        let Some(id) = annotations.get(IMAGE_ID).and_then(|id| Digest::parse(id).ok()) else {
            return Ok(false);
        };
        Ok(self.store.sources_of(&id)?.iter().any(|source| source == repository))
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

    /// Removes the unnamed entries of `digest` (in every repository).
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

/// The repository an unnamed entry was left behind in ([`FORMER_REPOSITORY`]).
pub(crate) fn former_repository(descriptor: &Descriptor) -> Option<&str> {
    if ref_name(descriptor).is_some() {
        return None;
    }
    descriptor.annotations().as_ref()?.get(FORMER_REPOSITORY).map(String::as_str)
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
            let repository = former_repository(descriptor).and_then(|name| Reference::parse(name).ok());
            Some(NameEntry { reference, repository, descriptor: descriptor.clone() })
        })
        .collect()
}

fn empty_index() -> ImageIndex {
    let mut index = ImageIndex::default();
    index.set_media_type(Some(MediaType::ImageIndex));
    index
}

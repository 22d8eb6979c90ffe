//! `load`: reads an archive's table of contents, stores its blobs (verified, and named only
//! once all of them are in place), then gives the images their names.

use std::fs::File;

use super::entries::Entries;
use super::{ArchiveError, Found, docker, oci};
use crate::digest::Digest;
use crate::image::{self, ANNOTATION_ID};
use crate::reference::Reference;
use crate::store::Store;

/// An image the archive held, as now stored: its name if it had one, and its ID.
#[derive(Debug)]
pub struct LoadedImage {
    pub name: Option<Reference>,
    pub id: Digest,
}

/// Loads every image of the archive in `file` into the store.
pub fn load(store: &Store, file: File) -> Result<Vec<LoadedImage>, ArchiveError> {
    let entries = Entries::scan(file)?;
    if entries.is_empty() {
        return Err(ArchiveError::Empty);
    }
    let _writer = store.writer_lock()?;
    let found = if entries.contains("manifest.json") {
        docker::load(store, &entries)?
    } else if entries.contains("index.json") {
        oci::load(store, &entries)?
    } else {
        return Err(ArchiveError::NotImageArchive);
    };
    name(store, found)
}

fn name(store: &Store, found: Vec<Found>) -> Result<Vec<LoadedImage>, ArchiveError> {
    let annotated = found
        .into_iter()
        .map(|item| Ok((item.names, image::entry_descriptor(store, item.descriptor)?)))
        .collect::<Result<Vec<_>, ArchiveError>>()?;
    let mut loaded = Vec::new();
    let mut guard = store.lock_index()?;
    for (names, descriptor) in annotated {
        let id = descriptor
            .annotations()
            .as_ref()
            .and_then(|annotations| annotations.get(ANNOTATION_ID))
            .and_then(|id| Digest::parse(id).ok())
            .ok_or(ArchiveError::NotImageArchive)?;
        if names.is_empty() {
            guard.add_unnamed(descriptor);
            loaded.push(LoadedImage { name: None, id });
            continue;
        }
        for name in names {
            guard.set(&name, descriptor.clone())?;
            loaded.push(LoadedImage { name: Some(name), id: id.clone() });
        }
    }
    guard.save()?;
    Ok(loaded)
}

//! `load`: reads an archive's table of contents, stores its blobs (verified, and named only
//! once all of them are in place), then gives the images their names.

use std::cell::Cell;
use std::fs::File;
use std::io::Read;

use super::entries::{Contents, Entries};
use super::{ArchiveError, Compression, Found, docker, oci, stream};
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

/// Loads every image of the plain archive in `file` into the store, reading it by offset.
pub fn load(store: &Store, file: File) -> Result<Vec<LoadedImage>, ArchiveError> {
    let entries = Entries::scan(file)?;
    let _writer = store.writer_lock()?;
    load_contents(store, &entries)
}

/// Loads every image of the archive `input` streams, decompressing it as it comes when it is
/// compressed.
pub(crate) fn load_stream(
    store: &Store,
    input: impl Read,
    compression: Option<Compression>,
) -> Result<Vec<LoadedImage>, ArchiveError> {
    let _writer = store.writer_lock()?;
    let streamed = match compression {
        None => stream::read(store, input)?,
        Some(compression) => {
            let failed = Cell::new(None);
            let decoder = compression.decoder(input).map_err(|source| damaged(compression, source))?;
            let read = stream::read(store, Watched { inner: decoder, failed: &failed });
            match (read, failed.take()) {
                (Ok(streamed), _) => streamed,
                (Err(_), Some(source)) => return Err(damaged(compression, source)),
                (Err(ArchiveError::NotTar(_)), None) => {
                    return Err(ArchiveError::NotTarInside { compression: compression.name() });
                }
                (Err(other), None) => return Err(other),
            }
        }
    };
    load_contents(store, &streamed)
}

fn damaged(compression: Compression, source: std::io::Error) -> ArchiveError {
    ArchiveError::Damaged { compression: compression.name(), source }
}

/// A decompressing reader that keeps its first error, so that a damaged stream is told apart
/// from a sound one that holds no tar (whose tar errors quote its bytes).
struct Watched<'f, R> {
    inner: R,
    failed: &'f Cell<Option<std::io::Error>>,
}

impl<R: Read> Read for Watched<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buffer).inspect_err(|err| {
            let copy = std::io::Error::new(err.kind(), err.to_string());
            let first = self.failed.take().unwrap_or(copy);
            self.failed.set(Some(first));
        })
    }
}

fn load_contents<'s>(store: &'s Store, entries: &impl Contents<'s>) -> Result<Vec<LoadedImage>, ArchiveError> {
    if entries.is_empty() {
        return Err(ArchiveError::Empty);
    }
    let found = if entries.contains("manifest.json") {
        docker::load(store, entries)?
    } else if entries.contains("index.json") {
        oci::load(store, entries)?
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

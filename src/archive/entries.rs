//! The table of contents of a tar archive being loaded: which path is where, with every path
//! and link checked to stay inside the archive. Nothing is extracted to the filesystem; later
//! reads go straight to an entry's bytes by offset.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path};

use super::ArchiveError;
use crate::digest::Digest;
use crate::image::layer::{Plain, PreparedLayer, prepare_layer};
use crate::store::Store;

/// How many links may chain before hoist gives up resolving them.
const MAX_LINK_HOPS: usize = 16;

#[derive(Clone, Debug)]
enum Entry {
    File { offset: u64, size: u64 },
    Link { target: String },
}

pub(super) struct Entries {
    file: File,
    toc: Toc,
}

/// Every path of an archive and what it is, links resolved only on lookup.
#[derive(Default)]
pub(super) struct Toc {
    entries: HashMap<String, Entry>,
}

impl Toc {
    /// Records the entry (checking that its path and link stay inside the archive); for a
    /// regular file, returns its path as written and as normalised. `offset` is where its bytes
    /// are, for archives read by offset.
    pub(super) fn add<R: Read>(
        &mut self,
        entry: &tar::Entry<'_, R>,
        offset: u64,
    ) -> Result<Option<(String, String)>, ArchiveError> {
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = normalize(&raw_path, "")?;
        let kind = entry.header().entry_type();
        if kind.is_file() || kind.is_contiguous() {
            self.entries.insert(path.clone(), Entry::File { offset, size: entry.size() });
            return Ok(Some((raw_path, path)));
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry.link_name_bytes().ok_or_else(|| ArchiveError::Escapes { path: raw_path.clone() })?;
            let target = String::from_utf8_lossy(&target).into_owned();
            let base = if kind.is_symlink() { parent(&path) } else { "" };
            let resolved = normalize(&target, base).map_err(|_| ArchiveError::Escapes { path: raw_path.clone() })?;
            self.entries.insert(path, Entry::Link { target: resolved });
        }
        Ok(None)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The regular file that `path` leads to (following links inside the archive): its
    /// normalised path and where it is.
    pub(super) fn resolve(&self, path: &str) -> Result<(String, Located), ArchiveError> {
        let mut current = normalize(path, "")?;
        for _ in 0..MAX_LINK_HOPS {
            match self.entries.get(&current) {
                Some(Entry::File { offset, size }) => return Ok((current, Located { offset: *offset, size: *size })),
                Some(Entry::Link { target }) => current = target.clone(),
                None => return Err(ArchiveError::Missing { path: path.to_string() }),
            }
        }
        Err(ArchiveError::Escapes { path: path.to_string() })
    }
}

/// A regular file inside the archive.
#[derive(Clone, Copy, Debug)]
pub struct Located {
    pub offset: u64,
    pub size: u64,
}

impl Entries {
    /// Reads every header of the archive in `file`, rejecting paths that leave it.
    pub(super) fn scan(file: File) -> Result<Entries, ArchiveError> {
        let length = file.metadata().map_err(ArchiveError::Read)?.len();
        let mut toc = Toc::default();
        let mut archive = tar::Archive::new(&file);
        let iterator = archive.entries_with_seek().map_err(ArchiveError::NotTar)?;
        for entry in iterator {
            let entry = entry.map_err(ArchiveError::NotTar)?;
            let offset = entry.raw_file_position();
            if let Some((raw_path, _)) = toc.add(&entry, offset)?
                && offset.saturating_add(entry.size()) > length
            {
                return Err(ArchiveError::Truncated { path: raw_path });
            }
        }
        Ok(Entries { file, toc })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.toc.is_empty()
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.locate(path).is_ok()
    }

    /// Where the file at `path` (following links inside the archive) is.
    pub(super) fn locate(&self, path: &str) -> Result<Located, ArchiveError> {
        Ok(self.toc.resolve(path)?.1)
    }

    /// A reader of the file at `path`; several may read at once from different threads.
    pub(super) fn reader(&self, path: &str) -> Result<EntryReader<'_>, ArchiveError> {
        Ok(EntryReader::new(&self.file, self.locate(path)?))
    }

    /// Reads a small file (a JSON document) whole.
    pub(super) fn read_document(&self, path: &str, limit: u64) -> Result<Vec<u8>, ArchiveError> {
        let located = self.locate(path)?;
        if located.size > limit {
            return Err(ArchiveError::TooLarge { path: path.to_string(), limit });
        }
        let mut bytes = vec![0; located.size as usize];
        read_at(&self.file, located.offset, &mut bytes).map_err(ArchiveError::Read)?;
        Ok(bytes)
    }
}

/// What the format readers need of an archive, whether it is read by offset ([`Entries`]) or
/// streamed once ([`super::stream::Streamed`]): its documents, where each path leads, and
/// its layers made ready for the store.
pub(super) trait Contents<'s>: Sync {
    fn is_empty(&self) -> bool;
    fn contains(&self, path: &str) -> bool;
    /// The normalised path `path` leads to (after links), and where it is.
    fn resolve(&self, path: &str) -> Result<(String, Located), ArchiveError>;
    /// Reads a small file (a JSON document) whole.
    fn read_document(&self, path: &str, limit: u64) -> Result<Vec<u8>, ArchiveError>;
    /// The layer at `path` written into `ingest/` and hashed (see [`prepare_layer`]).
    fn prepare(
        &self,
        store: &'s Store,
        path: &str,
        plain: Plain,
        expected: Option<&Digest>,
    ) -> Result<PreparedLayer<'s>, ArchiveError>;
}

impl<'s> Contents<'s> for Entries {
    fn is_empty(&self) -> bool {
        Entries::is_empty(self)
    }

    fn contains(&self, path: &str) -> bool {
        Entries::contains(self, path)
    }

    fn resolve(&self, path: &str) -> Result<(String, Located), ArchiveError> {
        self.toc.resolve(path)
    }

    fn read_document(&self, path: &str, limit: u64) -> Result<Vec<u8>, ArchiveError> {
        Entries::read_document(self, path, limit)
    }

    fn prepare(
        &self,
        store: &'s Store,
        path: &str,
        plain: Plain,
        expected: Option<&Digest>,
    ) -> Result<PreparedLayer<'s>, ArchiveError> {
        Ok(prepare_layer(store, self.reader(path)?, path, plain, expected)?)
    }
}

/// Reads exactly `buffer.len()` bytes at `offset` without moving any shared cursor.
pub(super) fn read_at(file: &File, offset: u64, buffer: &mut [u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// A `Read` over one entry of the archive, by positioned reads, so that several threads can
/// read different entries of one file at once.
pub(super) struct EntryReader<'f> {
    file: &'f File,
    position: u64,
    end: u64,
}

impl<'f> EntryReader<'f> {
    pub(super) fn new(file: &'f File, located: Located) -> Self {
        EntryReader { file, position: located.offset, end: located.offset + located.size }
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let wanted = buffer.len().min((self.end - self.position) as usize);
        if wanted == 0 {
            return Ok(0);
        }
        let count = std::os::unix::fs::FileExt::read_at(self.file, &mut buffer[..wanted], self.position)?;
        if count == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the archive ends inside an entry"));
        }
        self.position += count as u64;
        Ok(count)
    }
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}

/// `path` (relative to `base`) as a clean relative path inside the archive, or an error when
/// it is absolute or climbs out with `..`.
pub(super) fn normalize(path: &str, base: &str) -> Result<String, ArchiveError> {
    let escapes = || ArchiveError::Escapes { path: path.to_string() };
    if Path::new(path).is_absolute() {
        return Err(escapes());
    }
    let mut parts: Vec<&str> = base.split('/').filter(|part| !part.is_empty()).collect();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or_else(escapes)?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop().ok_or_else(escapes)?;
            }
            Component::RootDir | Component::Prefix(_) => return Err(escapes()),
        }
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_inside_and_rejects_escapes() {
        assert_eq!(normalize("./a/b.json", "").unwrap(), "a/b.json");
        assert_eq!(normalize("../x/layer.tar", "y").unwrap(), "x/layer.tar");
        assert_eq!(normalize("a/./b/../c", "").unwrap(), "a/c");
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b"] {
            assert!(normalize(bad, "").is_err(), "{bad}");
        }
        assert!(normalize("../../x", "y").is_err());
    }
}

//! The table of contents of a tar archive being loaded: which path is where, with every path
//! and link checked to stay inside the archive. Nothing is extracted to the filesystem; later
//! reads go straight to an entry's bytes by offset.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path};

use super::ArchiveError;

/// How many links may chain before hoist gives up resolving them.
const MAX_LINK_HOPS: usize = 16;

#[derive(Clone, Debug)]
enum Entry {
    File { offset: u64, size: u64 },
    Link { target: String },
}

pub(super) struct Entries {
    file: File,
    entries: HashMap<String, Entry>,
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
        let mut entries = HashMap::new();
        let mut archive = tar::Archive::new(&file);
        let iterator = archive.entries_with_seek().map_err(ArchiveError::NotTar)?;
        for entry in iterator {
            let entry = entry.map_err(ArchiveError::NotTar)?;
            let raw_path = entry.path_bytes().into_owned();
            let raw_path = String::from_utf8_lossy(&raw_path).into_owned();
            let path = normalize(&raw_path, "")?;
            let header = entry.header();
            let kind = header.entry_type();
            if kind.is_file() || kind.is_contiguous() {
                let (offset, size) = (entry.raw_file_position(), entry.size());
                if offset.saturating_add(size) > length {
                    return Err(ArchiveError::Truncated { path: raw_path });
                }
                entries.insert(path, Entry::File { offset, size });
            } else if kind.is_symlink() || kind.is_hard_link() {
                let target = entry.link_name_bytes().ok_or_else(|| ArchiveError::Escapes { path: raw_path.clone() })?;
                let target = String::from_utf8_lossy(&target).into_owned();
                let base = if kind.is_symlink() { parent(&path) } else { "" };
                let resolved =
                    normalize(&target, base).map_err(|_| ArchiveError::Escapes { path: raw_path.clone() })?;
                entries.insert(path, Entry::Link { target: resolved });
            }
        }
        Ok(Entries { file, entries })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.locate(path).is_ok()
    }

    /// Where the file at `path` (following links inside the archive) is.
    pub(super) fn locate(&self, path: &str) -> Result<Located, ArchiveError> {
        let mut current = normalize(path, "")?;
        for _ in 0..MAX_LINK_HOPS {
            match self.entries.get(&current) {
                Some(Entry::File { offset, size }) => return Ok(Located { offset: *offset, size: *size }),
                Some(Entry::Link { target }) => current = target.clone(),
                None => return Err(ArchiveError::Missing { path: path.to_string() }),
            }
        }
        Err(ArchiveError::Escapes { path: path.to_string() })
    }

    /// The archive itself, for [`EntryReader`]s of entries already located.
    pub(super) fn file(&self) -> &File {
        &self.file
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
fn normalize(path: &str, base: &str) -> Result<String, ArchiveError> {
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

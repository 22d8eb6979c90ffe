//! Errors of the local store, typed so that commands can tell "not there" from "broken", and
//! say what to do about a full disk or a damaged blob.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::digest::Digest;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A write failed because the disk (or the user's quota) is full.
    #[error("{action} {}: the disk that holds {} is full", path.display(), root.display())]
    Full {
        action: &'static str,
        path: PathBuf,
        /// The store the path belongs to.
        root: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("blob {expected} is not in the store")]
    MissingBlob { expected: Digest },
    #[error("content does not match its digest: {0}")]
    Corrupt(#[from] crate::digest::Mismatch),
    /// A stored blob that is not what its name says: bit rot, a truncated copy.
    #[error("blob {digest} in the store is damaged: {damage} ({})", path.display())]
    DamagedBlob { digest: Digest, path: PathBuf, damage: Damage },
    #[error("{} is damaged: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("blob {digest} is larger than the {limit}-byte limit for this kind of content")]
    TooLarge { digest: Digest, limit: u64 },
}

/// How a stored blob differs from what its name promises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// The file has `actual` bytes where the image's descriptor says `size`.
    Size { actual: u64, size: u64 },
    /// The bytes hash to `actual`.
    Content { actual: Digest },
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Size { actual, size } => write!(f, "its file has {actual} bytes, not the {size} the image says"),
            Damage::Content { actual } => write!(f, "its content has digest {actual}"),
        }
    }
}

impl StoreError {
    /// Maps an I/O error on `path` (inside a store) to an error that names the action and the
    /// path; a full disk becomes [`StoreError::Full`], whose hint says how to free space.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| {
            if is_full(&source) {
                let root = store_root(&path);
                StoreError::Full { action, path, root, source }
            } else {
                StoreError::Io { action, path, source }
            }
        }
    }

    /// What to tell the person who met this error.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::Full { root, .. } => Some(full_disk_hint(root)),
            StoreError::DamagedBlob { .. } => Some(
                "`hoist pull` the image again to fetch a sound copy, or remove it with `hoist rm`; \
                 `hoist system check` lists all damage, `hoist system check --repair` mends it"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// Whether an I/O error says that there is no room left to write.
pub(super) fn is_full(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded)
}

/// The store a path inside it belongs to. The layout is fixed (`index.json` and `oci-layout`
/// at the top, `ingest/FILE`, `hoist/FILE`, `blobs/ALG/HEX`), and the root's own name may be
/// `hoist` too, so the path is matched from its end.
fn store_root(path: &Path) -> PathBuf {
    let name = |path: Option<&Path>| path.and_then(Path::file_name).and_then(|name| name.to_str()).map(str::to_owned);
    let parent = path.parent();
    let grandparent = parent.and_then(Path::parent);
    let root = match (name(Some(path)).as_deref(), name(parent).as_deref(), name(grandparent).as_deref()) {
        (Some("index.json" | "oci-layout"), _, _) => parent,
        (Some("ingest" | "hoist"), _, _) => parent,
        (_, Some("ingest" | "hoist" | "blobs"), _) => grandparent,
        (_, _, Some("blobs")) => grandparent.and_then(Path::parent),
        _ => parent,
    };
    root.unwrap_or(path).to_path_buf()
}

/// How to free space for the store at `root`: partial downloads kept to resume first (until
/// `image prune` exists, by hand), then images.
fn full_disk_hint(root: &Path) -> String {
    let ingest = root.join("ingest");
    let partial: u64 = std::fs::read_dir(&ingest)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
                .filter_map(|entry| entry.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0);
    let images = "remove images you no longer need with `hoist rm IMAGE`";
    if partial == 0 {
        return format!("free space on the disk that holds {}: {images}", root.display());
    }
    format!(
        "{} holds {} of partial downloads, kept so that the next pull resumes them; to free that space now, run \
         `rm -f {}/*.partial` (with no other hoist command running), or {images}",
        ingest.display(),
        crate::units::human_size(partial),
        ingest.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_store_of_a_path() {
        let inside = [
            "ingest/sha256-ab.partial",
            "ingest",
            "blobs/sha256/ab",
            "blobs/sha256",
            "hoist/index.lock",
            "hoist/.tmpAb12",
            "hoist",
            "index.json",
            "oci-layout",
        ];
        for root in ["/data/store", "/home/me/.local/share/hoist"] {
            for path in inside {
                assert_eq!(store_root(&Path::new(root).join(path)), Path::new(root), "{root} {path}");
            }
        }
    }
}

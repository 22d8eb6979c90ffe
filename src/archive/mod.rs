//! Image archives: `docker save` / `podman save` tars and OCI archives in, `docker save` tars
//! out. Archives are read by offset, never extracted, and every path in them is checked to
//! stay inside them.

mod compression;
mod docker;
mod entries;
mod load;
mod oci;
mod save;
mod stream;

pub(crate) use compression::{Compression, MAGIC_LENGTH};
pub use docker::distinct_layers;
pub(crate) use load::LoadedImage;
pub use load::load;
pub(crate) use load::load_stream;
pub(crate) use save::save;

use oci_spec::image::Descriptor;

use crate::digest::Digest;
use crate::image::ImageError;
use crate::image::layer::PreparedLayer;
use crate::reference::Reference;
use crate::store::StoreError;

/// A stored manifest or index that is ready to be named: what each format's reader gives
/// `load`.
struct Found {
    names: Vec<Reference>,
    descriptor: Descriptor,
}

/// A layer's diff_id, as the archive's config says it must be.
fn check_diff_id(path: &str, layer: &PreparedLayer, expected: &Digest) -> Result<(), ArchiveError> {
    match &layer.diff_id {
        Some(actual) if actual != expected => Err(ArchiveError::DiffIdMismatch {
            path: path.to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot write the archive")]
    Write(#[source] std::io::Error),
    #[error("cannot read the archive")]
    Read(#[source] std::io::Error),
    #[error("the archive is not a valid tar file")]
    NotTar(#[source] std::io::Error),
    #[error("the {compression} stream does not hold a tar archive")]
    NotTarInside { compression: &'static str },
    #[error("the {compression} stream is damaged or cut short")]
    Damaged {
        compression: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("the archive holds more than {limit} bytes of documents and small files")]
    TooManyDocuments { limit: u64 },
    #[error("the archive is empty")]
    Empty,
    #[error("the archive is truncated: {path} is cut short")]
    Truncated { path: String },
    #[error("the archive entry {path:?} points outside the archive")]
    Escapes { path: String },
    #[error("the archive has no {path}")]
    Missing { path: String },
    #[error("{path} in the archive is larger than the {limit}-byte limit")]
    TooLarge { path: String, limit: u64 },
    #[error("not an image archive: it has neither manifest.json (docker save) nor index.json (OCI)")]
    NotImageArchive,
    #[error("{path} in the archive is not valid: {reason}")]
    BadDocument { path: String, reason: String },
    #[error("layer {path} does not match its diff_id: expected {expected}, content is {actual}")]
    DiffIdMismatch { path: String, expected: Digest, actual: Digest },
    #[error("image {config} lists {layers} layers but its config has {diff_ids} diff_ids")]
    LayerCount { config: String, layers: usize, diff_ids: usize },
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ArchiveError {
    /// What to tell the person who met this error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ArchiveError::Image(inner) => inner.hint(),
            ArchiveError::Store(inner) => inner.hint(),
            _ => None,
        }
    }
}

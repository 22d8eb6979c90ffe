//! Errors about image content: documents that do not parse, platforms that are not there.

use crate::digest::{Digest, DigestError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{what} {digest} is not valid JSON of its kind: {reason}")]
    BadDocument { what: &'static str, digest: Digest, reason: String },
    #[error("{0}")]
    BadDigest(#[from] DigestError),
    #[error(
        "{digest} is a Docker schema 1 manifest, which hoist does not support; \
         push the image again with a current Docker or skopeo to get a schema 2 / OCI manifest"
    )]
    Schema1 { digest: Digest },
    #[error("{digest} has media type {media_type}, which is not an image manifest or index")]
    UnknownMediaType { digest: Digest, media_type: String },
    #[error("no image for platform {wanted} in {digest}; it has: {available}")]
    NoMatchingPlatform { wanted: String, digest: Digest, available: String },
    #[error("layer {digest} does not match its diff_id: expected {expected}, content is {actual}")]
    DiffIdMismatch { digest: Digest, expected: Digest, actual: Digest },
    #[error("cannot read {what}")]
    Read {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the output")]
    Write {
        #[source]
        source: std::io::Error,
    },
    #[error("{what} is not a valid compressed tar: {reason}")]
    CorruptLayer { what: String, reason: String },
    #[error("image indexes nest deeper than {0} levels")]
    TooDeep(usize),
    #[error("{digest} is not an image: its config is {config_type} (an artifact of another tool)")]
    NotAnImage { digest: Digest, config_type: String },
}

impl ImageError {
    /// What to tell the person who met this error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ImageError::Store(inner) => inner.hint(),
            _ => None,
        }
    }
}

//! Errors of the local store, typed so that commands can tell "not there" from "broken".

use std::path::PathBuf;

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
    #[error("blob {expected} is not in the store")]
    MissingBlob { expected: Digest },
    #[error(
        "content does not match its digest: expected {expected} ({expected_size} bytes), got {actual} ({actual_size} bytes)"
    )]
    Corrupt { expected: Digest, expected_size: u64, actual: Digest, actual_size: u64 },
    #[error("{} is damaged: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("blob {digest} is larger than the {limit}-byte limit for this kind of content")]
    TooLarge { digest: Digest, limit: u64 },
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| StoreError::Io { action, path, source }
    }
}

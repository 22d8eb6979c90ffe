//! What can stop an operation between the store and a registry (pull, push, copy, repair):
//! the registry's, the store's and the content's errors, and the operations' own.

use crate::digest::Digest;
use crate::image::ImageError;
use crate::registry::RegistryError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum TransferError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A blob of the image is damaged in the store; nothing of it was sent.
    #[error("{what} {digest} of {image} is damaged in the store; nothing of it was sent")]
    Damaged { image: String, what: &'static str, digest: Digest, source: Box<StoreError> },
    #[error("{registry} sent a manifest that is not valid: {reason}")]
    BadManifest { registry: String, reason: String },
    #[error("{digest} is an index inside an index")]
    NestedIndex { digest: Digest },
    #[error("{registry} stored the manifest as {reported}, not {expected}: the registry changed it")]
    ManifestChanged { registry: String, reported: Digest, expected: Digest },
    #[error(
        "the image for {platform} is not in the store (a pull fetches one platform): pull it with \
         --platform {platform}, or push a single platform"
    )]
    PlatformNotStored { platform: String },
    /// docker's words for a `--platform` the image (a single-platform manifest) is not for.
    #[error(
        "image with reference {reference} was found but does not match the specified platform: \
         wanted {wanted}, actual: {actual}"
    )]
    PlatformMismatch { reference: String, wanted: String, actual: String },
    #[error("no platform of {digest} is in the store: pull one with --platform, then push")]
    NoPlatformStored { digest: Digest },
    #[error("cannot keep {digest} in a temporary file")]
    Spool {
        digest: Digest,
        #[source]
        source: std::io::Error,
    },
    /// A transfer task ended without an answer (it panicked or was cancelled).
    #[error("a {what} stopped: {reason}")]
    Stopped { what: &'static str, reason: String },
}

impl TransferError {
    /// What to tell the person who met this error.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            TransferError::Registry(inner) => inner.hint(),
            TransferError::Image(inner) => inner.hint(),
            TransferError::Store(inner) => inner.hint(),
            TransferError::Damaged { image, .. } => Some(format!(
                "pull the image again to mend it (`hoist pull {image}`), or remove it (`hoist rm {image}`)"
            )),
            _ => None,
        }
    }

    /// The error of a transfer task that did not finish.
    pub(crate) fn stopped(what: &'static str, error: tokio::task::JoinError) -> TransferError {
        TransferError::Stopped { what, reason: error.to_string() }
    }
}

//! Damage to stored blobs as pull and push meet it (SPEC §4: "damage is found and mended").
//! A pull calls a blob present only when its size is right (and, for the small config, its
//! digest), and fetches a damaged one again; a push refuses an image whose blobs are damaged
//! before it sends anything. Neither hashes intact layers: that is `system check`'s work.

use super::TransferError;
use super::report::{Blob, BlobKind, Event, Reporter};
use crate::reference::Reference;
use crate::store::{Presence, Store, StoreError};

/// Whether a blob a pull needs is in the store whole. A damaged copy is deleted (so that the
/// download replaces it) and reported; the config, which is small, is hashed too.
pub(super) fn present_for_pull(store: &Store, blob: &Blob, reporter: &dyn Reporter) -> Result<bool, TransferError> {
    match store.presence(&blob.digest, blob.size, blob.kind == BlobKind::Config)? {
        Presence::Intact => Ok(true),
        Presence::Missing => Ok(false),
        Presence::Damaged(damage) => {
            reporter.blob(blob, Event::Damaged(damage.to_string()));
            store.remove_damaged(&blob.digest, &damage)?;
            Ok(false)
        }
    }
}

/// Refuses to push `image` when a blob it needs has the wrong size in the store (a truncated
/// layer would otherwise go out until the registry or the network noticed). Missing blobs are
/// left to the push, which may find them in the registry already.
pub(super) fn check_before_push<'b>(
    store: &Store,
    image: &Reference,
    blobs: impl IntoIterator<Item = &'b Blob>,
) -> Result<(), TransferError> {
    for blob in blobs {
        let Presence::Damaged(damage) = store.presence(&blob.digest, blob.size, blob.kind == BlobKind::Config)? else {
            continue;
        };
        let (digest, path) = (blob.digest.clone(), store.blob_path(&blob.digest));
        return Err(TransferError::Damaged {
            image: image.to_string(),
            what: if blob.is_layer() { "layer" } else { "config" },
            digest: digest.clone(),
            source: Box::new(StoreError::DamagedBlob { digest, path, damage }),
        });
    }
    Ok(())
}

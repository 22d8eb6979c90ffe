//! Damage to stored blobs as pull and push meet it (SPEC §4: "damage is found and mended").
//! A pull calls a blob present only when its size is right (and, for the small config, its
//! digest), and fetches a damaged one again; a push refuses an image whose blobs are damaged
//! before it sends anything. Neither hashes intact layers: that is `system check`'s work.

use std::collections::BTreeMap;

use super::TransferError;
use super::pull::PullReporter;
use crate::digest::Digest;
use crate::reference::Reference;
use crate::store::{Presence, Store};

/// Whether a blob a pull needs is in the store whole. A damaged copy is deleted (so that the
/// download replaces it) and reported; `is_layer` is false for the config, which is hashed.
pub fn present_for_pull(
    store: &Store,
    digest: &Digest,
    size: u64,
    is_layer: bool,
    reporter: &dyn PullReporter,
) -> Result<bool, TransferError> {
    match store.presence(digest, size, !is_layer)? {
        Presence::Intact => Ok(true),
        Presence::Missing => Ok(false),
        Presence::Damaged(damage) => {
            reporter.damaged(digest, &damage.to_string());
            store.remove_damaged(digest, &damage)?;
            Ok(false)
        }
    }
}

/// Refuses to push `image` when a blob it needs has the wrong size in the store (a truncated
/// layer would otherwise go out until the registry or the network noticed). `blobs` maps each
/// digest to its size and whether it is a layer. Missing blobs are left to the push, which
/// may find them in the registry already.
pub fn check_before_push(
    store: &Store,
    image: &Reference,
    blobs: &BTreeMap<Digest, (u64, bool)>,
) -> Result<(), TransferError> {
    for (digest, (size, is_layer)) in blobs {
        if let Presence::Damaged(damage) = store.presence(digest, *size, !is_layer)? {
            let path = store.blob_path(digest);
            return Err(TransferError::Damaged {
                image: image.to_string(),
                what: if *is_layer { "layer" } else { "config" },
                digest: digest.clone(),
                source: Box::new(crate::store::StoreError::DamagedBlob { digest: digest.clone(), path, damage }),
            });
        }
    }
    Ok(())
}

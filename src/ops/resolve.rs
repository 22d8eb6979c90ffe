//! The manifests a reference names, resolved the one way pull and copy share: fetched (or taken
//! from the store where it is already there whole), checked against the digest that names it,
//! parsed; for an index, the entry for a platform.

use oci_spec::image::{Descriptor, ImageManifest};

use super::TransferError;
use crate::digest::Digest;
use crate::image::{Document, ImageError, Platform, available_platforms, descriptor_digest, media};
use crate::reference::Reference;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};
use crate::store::Store;

/// What a pull or copy asks a registry for: the reference's digest, else its tag.
pub(crate) fn target(reference: &Reference) -> String {
    reference.digest().map_or_else(|| reference.tag_or_default().to_string(), ToString::to_string)
}

/// The manifest or index `reference` names, fetched and checked against its digest if it has one.
pub(crate) async fn fetch_top(
    client: &RegistryClient,
    reference: &Reference,
) -> Result<FetchedManifest, RegistryError> {
    let fetched = client.get_manifest(reference.repository(), &target(reference)).await?;
    if let Some(expected) = reference.digest() {
        verify(&fetched, expected, client.registry())?;
    }
    Ok(fetched)
}

pub(crate) fn verify(fetched: &FetchedManifest, expected: &Digest, registry: &str) -> Result<(), RegistryError> {
    if &fetched.digest != expected {
        return Err(RegistryError::DigestMismatch {
            registry: registry.into(),
            what: "the manifest".into(),
            expected: expected.clone(),
            actual: fetched.digest.clone(),
        });
    }
    Ok(())
}

/// A fetched document as a manifest or an index; one that does not parse is the registry's fault.
pub(crate) fn parse(fetched: &FetchedManifest, registry: &str) -> Result<Document, TransferError> {
    let claimed = (!fetched.media_type.is_empty()).then_some(fetched.media_type.as_str());
    Document::parse(&fetched.bytes, &fetched.digest, claimed).map_err(|err| match err {
        ImageError::BadDocument { reason, .. } => TransferError::BadManifest { registry: registry.into(), reason },
        other => other.into(),
    })
}

/// The entry of an index for `platform`; none is an error that lists the platforms there are.
pub(crate) fn choose<'i>(
    entries: &'i [Descriptor],
    platform: &Platform,
    index: &Digest,
) -> Result<&'i Descriptor, ImageError> {
    platform.choose(entries.iter()).ok_or_else(|| ImageError::NoMatchingPlatform {
        wanted: platform.to_string(),
        digest: index.clone(),
        available: available_platforms(entries),
    })
}

/// A platform's manifest that an index names by `digest`: from `store` when it is there whole,
/// else fetched; checked and parsed. An index inside an index is refused.
pub(crate) async fn platform_manifest(
    client: &RegistryClient,
    store: Option<&Store>,
    repository: &str,
    digest: &Digest,
) -> Result<(FetchedManifest, ImageManifest), TransferError> {
    let fetched = match store.and_then(|store| stored_manifest(store, digest)) {
        Some(stored) => stored,
        None => client.get_manifest(repository, digest.as_ref()).await?,
    };
    verify(&fetched, digest, client.registry())?;
    match parse(&fetched, client.registry())? {
        Document::Manifest(manifest) => Ok((fetched, manifest)),
        Document::Index(_) => Err(TransferError::NestedIndex { digest: digest.clone() }),
    }
}

/// A manifest or index from the store, when it is there whole (its bytes match its digest).
pub(crate) fn stored_manifest(store: &Store, digest: &Digest) -> Option<FetchedManifest> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
    }
    let bytes = store.read_document(digest).ok()?;
    let probe: Probe = serde_json::from_slice(&bytes).ok()?;
    let media_type = probe.media_type.unwrap_or_else(|| {
        let kind = if probe.manifests.is_some() { media::OCI_INDEX } else { media::OCI_MANIFEST };
        kind.to_string()
    });
    Some(FetchedManifest { bytes, media_type, digest: digest.clone() })
}

/// The config and layers of a manifest, as the blobs an operation moves.
pub(crate) fn blobs_of(manifest: &ImageManifest) -> Result<Vec<super::report::Blob>, ImageError> {
    use super::report::{Blob, BlobKind};
    let config = std::iter::once((manifest.config(), BlobKind::Config));
    config
        .chain(manifest.layers().iter().map(|layer| (layer, BlobKind::Layer)))
        .map(|(descriptor, kind)| Ok(Blob { digest: descriptor_digest(descriptor)?, size: descriptor.size(), kind }))
        .collect()
}

//! `cp`: registry → registry without the local store. Blobs stream from source to destination
//! (or are mounted when both are repositories of one registry); manifests go over byte for
//! byte, so every digest stays. All platforms of an index by default, or one.

use std::sync::Arc;

use oci_spec::image::ImageManifest;

use super::push::{PushError, PushReporter, Pushed};
use super::{Document, Platform, descriptor_digest};
use crate::digest::Digest;
use crate::reference::Reference;
use crate::registry::blobs::Mounted;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};

/// How often one blob's copy is tried again from the start.
const BLOB_ATTEMPTS: u32 = 3;

pub struct Endpoint<'a> {
    pub client: &'a Arc<RegistryClient>,
    pub reference: &'a Reference,
}

pub async fn copy(
    source: Endpoint<'_>,
    destination: Endpoint<'_>,
    platform: Option<&Platform>,
    reporter: Arc<dyn PushReporter>,
) -> Result<Pushed, PushError> {
    let target =
        source.reference.digest().map_or_else(|| source.reference.tag_or_default().to_string(), ToString::to_string);
    let top = source.client.get_manifest(source.reference.repository(), &target).await?;
    if let Some(expected) = source.reference.digest().filter(|expected| *expected != &top.digest) {
        return Err(RegistryError::DigestMismatch {
            registry: source.client.registry().into(),
            what: "the manifest".into(),
            expected: expected.clone(),
            actual: top.digest.clone(),
        }
        .into());
    }
    let mut manifests: Vec<FetchedManifest> = Vec::new();
    let top = match Document::parse(&top.bytes, &top.digest, Some(&top.media_type))? {
        Document::Manifest(manifest) => {
            copy_blobs(&source, &destination, &manifest, &*reporter).await?;
            top
        }
        Document::Index(index) => {
            let chosen: Vec<_> = match platform {
                Some(platform) => index
                    .manifests()
                    .iter()
                    .filter(|entry| entry.platform().as_ref().is_some_and(|p| platform.matches(p)))
                    .take(1)
                    .collect(),
                None => index.manifests().iter().collect(),
            };
            if chosen.is_empty() {
                let available = super::available_platforms(index.manifests());
                return Err(super::ImageError::NoMatchingPlatform {
                    wanted: platform.map(ToString::to_string).unwrap_or_default(),
                    digest: top.digest,
                    available,
                }
                .into());
            }
            for entry in &chosen {
                let digest = descriptor_digest(entry)?;
                let child = source.client.get_manifest(source.reference.repository(), digest.as_ref()).await?;
                if child.digest != digest {
                    return Err(RegistryError::DigestMismatch {
                        registry: source.client.registry().into(),
                        what: "a platform's manifest".into(),
                        expected: digest,
                        actual: child.digest,
                    }
                    .into());
                }
                let Document::Manifest(manifest) =
                    Document::parse(&child.bytes, &child.digest, Some(&child.media_type))?
                else {
                    return Err(PushError::Other(format!("{digest} is an index inside an index")));
                };
                copy_blobs(&source, &destination, &manifest, &*reporter).await?;
                manifests.push(child);
            }
            // With one platform chosen, that platform's manifest is the copy.
            if platform.is_some() { manifests.pop().unwrap_or(top) } else { top }
        }
    };
    let repository = destination.reference.repository();
    for child in &manifests {
        if child.digest != top.digest {
            destination
                .client
                .put_manifest(repository, child.digest.as_ref(), &child.media_type, child.bytes.clone())
                .await?;
        }
    }
    let tag = destination.reference.tag_or_default();
    destination.client.put_manifest(repository, tag, &top.media_type, top.bytes.clone()).await?;
    Ok(Pushed { digest: top.digest, size: top.bytes.len() as u64, single_platform: false })
}

async fn copy_blobs(
    source: &Endpoint<'_>,
    destination: &Endpoint<'_>,
    manifest: &ImageManifest,
    reporter: &dyn PushReporter,
) -> Result<(), PushError> {
    let same_registry = source.client.registry() == destination.client.registry();
    for (position, blob) in std::iter::once(manifest.config()).chain(manifest.layers()).enumerate() {
        let digest = descriptor_digest(blob)?;
        let is_layer = position > 0;
        let repository = destination.reference.repository();
        if destination.client.has_blob(repository, &digest).await? {
            if is_layer {
                reporter.exists(&digest);
            }
            continue;
        }
        if same_registry
            && let Mounted::Yes =
                destination.client.mount_blob(repository, &digest, source.reference.repository()).await?
        {
            if is_layer {
                reporter.mounted(&digest, source.reference.repository());
            }
            continue;
        }
        stream_blob(source, destination, &digest, blob.size()).await?;
        if is_layer {
            reporter.pushed(&digest);
        }
    }
    Ok(())
}

/// Streams one blob from source to destination; the destination checks the digest.
async fn stream_blob(
    source: &Endpoint<'_>,
    destination: &Endpoint<'_>,
    digest: &Digest,
    size: u64,
) -> Result<(), PushError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let response = source.client.get_blob(source.reference.repository(), digest, 0).await?;
        let body = reqwest::Body::wrap_stream(response.bytes_stream());
        match destination.client.upload_stream(destination.reference.repository(), digest, size, body).await {
            Ok(()) => return Ok(()),
            Err(RegistryError::Connect { .. } | RegistryError::Transfer { .. }) if attempt < BLOB_ATTEMPTS => continue,
            // The destination refused the blob in one streamed PUT (ACR above ~20 MB; registries
            // that take no body on PUT): a stream cannot be sent again another way, a file can.
            Err(RegistryError::Status { .. }) => {
                return spool_and_upload(source, destination, digest, size).await;
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// Downloads the blob into a temporary file, checked against its digest and size, and
/// uploads it from there the way a push does.
async fn spool_and_upload(
    source: &Endpoint<'_>,
    destination: &Endpoint<'_>,
    digest: &Digest,
    size: u64,
) -> Result<(), PushError> {
    use std::io::Write as _;
    let spool_error =
        |err: std::io::Error| PushError::Other(format!("cannot keep {digest} in a temporary file: {err}"));
    let mut file = tempfile::NamedTempFile::new().map_err(spool_error)?;
    let mut response = source.client.get_blob(source.reference.repository(), digest, 0).await?;
    let mut verifier = digest.verifier();
    let mut written = 0u64;
    let registry = source.client.registry();
    let transfer = |source| RegistryError::Transfer {
        registry: registry.into(),
        what: format!("the download of {digest}"),
        source,
    };
    while let Some(chunk) = response.chunk().await.map_err(transfer)? {
        written += chunk.len() as u64;
        if written > size {
            break;
        }
        verifier.update(&chunk);
        file.write_all(&chunk).map_err(spool_error)?;
    }
    if written != size {
        let what = format!("blob {digest}");
        return Err(
            RegistryError::SizeMismatch { registry: registry.into(), what, expected: size, actual: written }.into()
        );
    }
    let actual = verifier.finish();
    if &actual != digest {
        let (what, expected) = (format!("blob {digest}"), digest.clone());
        return Err(RegistryError::DigestMismatch { registry: registry.into(), what, expected, actual }.into());
    }
    file.flush().map_err(spool_error)?;
    let repository = destination.reference.repository();
    destination.client.upload_blob(repository, digest, (file.path(), size), None, Arc::new(|_| {})).await?;
    Ok(())
}

//! `pull`: registry → store. The manifest (and, for an index, the platform's manifest) is
//! fetched and verified; missing blobs stream in several at once, largest first, each straight
//! into a partial file while it is hashed, and become visible only once size and digest match.
//! Names are added last, so an interrupted pull leaves no name pointing at a missing blob.

use std::sync::Arc;
use std::time::Duration;

use oci_spec::image::{Descriptor, ImageManifest};
use reqwest::StatusCode;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{
    Document, ImageError, Platform, available_platforms, descriptor, descriptor_digest, entry_descriptor, media,
};
use crate::digest::Digest;
use crate::reference::Reference;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};
use crate::store::{Claim, Store};

/// How often a blob download is resumed after its connection broke.
const DOWNLOAD_ATTEMPTS: u32 = 5;

/// What pull tells the person watching, layer by layer.
pub trait PullReporter: Send + Sync {
    fn pulling(&self, tag: &str, repository: &str);
    fn layer_exists(&self, digest: &Digest);
    fn layer_started(&self, digest: &Digest, size: u64);
    fn layer_progress(&self, digest: &Digest, done: u64);
    fn layer_done(&self, digest: &Digest);
    /// A blob in the store was damaged (`damage` says how) and is fetched again.
    fn damaged(&self, _digest: &Digest, _damage: &str) {}
}

pub use super::TransferError as PullError;

pub struct Pulled {
    /// The digest the reference points at (the index's, for a multi-platform image).
    pub digest: Digest,
    pub up_to_date: bool,
}

pub struct PullOptions<'a> {
    pub platform: &'a Platform,
    pub max_downloads: usize,
}

/// Pulls `reference` through the first of `sources` that has it (mirrors, then the registry).
pub async fn pull(
    sources: &[Arc<RegistryClient>],
    store: &Store,
    reference: &Reference,
    options: &PullOptions<'_>,
    reporter: Arc<dyn PullReporter>,
) -> Result<Pulled, PullError> {
    let target = reference.digest().map_or_else(|| reference.tag_or_default().to_string(), ToString::to_string);
    let (client, top) = fetch_top(sources, store, reference, &target).await?;
    let repository = reference.repository();
    let (manifest_bytes, manifest, manifest_digest) = match parse(&top, client.registry())? {
        Document::Manifest(manifest) => (top.bytes.clone(), manifest, top.digest.clone()),
        Document::Index(index) => {
            let entry = choose_platform(index.manifests(), options.platform, &top.digest)?;
            let digest = descriptor_digest(entry)?;
            let child = match stored_manifest(store, &digest) {
                Some(child) => child,
                None => client.get_manifest(repository, digest.as_ref()).await?,
            };
            verify(&child, &digest, client.registry())?;
            match parse(&child, client.registry())? {
                Document::Manifest(manifest) => (child.bytes, manifest, digest),
                Document::Index(_) => return Err(PullError::Other(format!("{digest} is an index inside an index"))),
            }
        }
    };
    reporter.pulling(&target, repository);
    let _writer = store.writer_lock()?;
    let downloaded = download_all(&client, store, repository, &manifest, options.max_downloads, reporter).await?;

    let manifest_media =
        manifest.media_type().as_ref().map(ToString::to_string).unwrap_or_else(|| media::OCI_MANIFEST.to_string());
    store_document(store, &manifest_bytes, &manifest_digest)?;
    if top.digest != manifest_digest {
        store_document(store, &top.bytes, &top.digest)?;
    }
    let top_media = if top.digest == manifest_digest { manifest_media } else { top.media_type.clone() };
    let entry = entry_descriptor(store, descriptor(&top_media, &top.digest, top.bytes.len() as u64))?;
    let name = match reference.digest() {
        Some(_) => reference.repository_reference().with_digest(top.digest.clone()),
        None => reference.clone().with_default_tag(),
    };
    let mut index = store.lock_index()?;
    let unchanged =
        index.get(&name).is_some_and(|existing| existing.descriptor.digest().as_ref() == top.digest.as_str());
    index.set(&name, entry);
    let blobs: Vec<Digest> = blob_digests(&manifest)?;
    index.add_sources(&reference.name(), blobs.iter())?;
    index.save()?;
    Ok(Pulled { digest: top.digest, up_to_date: unchanged && !downloaded })
}

/// The manifest (or index) the reference names, from the first source that answers.
async fn fetch_top(
    sources: &[Arc<RegistryClient>],
    store: &Store,
    reference: &Reference,
    target: &str,
) -> Result<(Arc<RegistryClient>, FetchedManifest), PullError> {
    let mut last_error = None;
    for (position, client) in sources.iter().enumerate() {
        if let Some(current) = current_in_store(client, store, reference, target).await {
            return Ok((client.clone(), current));
        }
        match client.get_manifest(reference.repository(), target).await {
            Ok(fetched) => {
                if let Some(expected) = reference.digest() {
                    verify(&fetched, expected, client.registry())?;
                }
                return Ok((client.clone(), fetched));
            }
            // A mirror that fails is skipped; the registry itself is the last word.
            Err(err) if position + 1 < sources.len() => {
                client
                    .transport()
                    .debug(&format!("mirror {} failed: {err}; trying the next source", client.registry()));
                last_error = Some(err);
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(last_error.map_or_else(|| PullError::Other("no registry to pull from".into()), PullError::from))
}

/// The manifest the store already holds for `target`, when it is the current one: named by
/// digest, or what a `HEAD` says the tag points at. An up-to-date pull then spends no `GET`,
/// which Docker Hub counts against its pull limit; a name the store does not have yet costs
/// no `HEAD`.
async fn current_in_store(
    client: &RegistryClient,
    store: &Store,
    reference: &Reference,
    target: &str,
) -> Option<FetchedManifest> {
    let digest = match reference.digest() {
        Some(digest) => digest.clone(),
        None => {
            let name = reference.clone().with_default_tag();
            let known = store.names().ok()?.iter().any(|entry| entry.reference.as_ref() == Some(&name));
            if !known {
                return None;
            }
            client.head_manifest(reference.repository(), target).await.ok()??
        }
    };
    stored_manifest(store, &digest)
}

/// A manifest or index from the store, when it is there whole (its bytes match its digest).
fn stored_manifest(store: &Store, digest: &Digest) -> Option<FetchedManifest> {
    let bytes = store.read_document(digest).ok()?;
    if !digest.matches(&bytes) {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(&bytes).ok()?;
    let media_type = probe.media_type.unwrap_or_else(|| {
        if probe.manifests.is_some() { media::OCI_INDEX.to_string() } else { media::OCI_MANIFEST.to_string() }
    });
    Some(FetchedManifest { bytes, media_type, digest: digest.clone() })
}

fn verify(fetched: &FetchedManifest, expected: &Digest, registry: &str) -> Result<(), RegistryError> {
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

fn parse(fetched: &FetchedManifest, registry: &str) -> Result<Document, PullError> {
    let claimed = (!fetched.media_type.is_empty()).then_some(fetched.media_type.as_str());
    Document::parse(&fetched.bytes, &fetched.digest, claimed).map_err(|err| match err {
        ImageError::BadDocument { reason, .. } => {
            PullError::Other(format!("{registry} sent a manifest that is not valid: {reason}"))
        }
        other => other.into(),
    })
}

fn choose_platform<'i>(
    entries: &'i [Descriptor],
    platform: &Platform,
    digest: &Digest,
) -> Result<&'i Descriptor, ImageError> {
    entries
        .iter()
        .find(|entry| entry.platform().as_ref().is_some_and(|candidate| platform.matches(candidate)))
        .ok_or_else(|| ImageError::NoMatchingPlatform {
            wanted: platform.to_string(),
            digest: digest.clone(),
            available: available_platforms(entries),
        })
}

fn blob_digests(manifest: &ImageManifest) -> Result<Vec<Digest>, ImageError> {
    std::iter::once(manifest.config()).chain(manifest.layers()).map(descriptor_digest).collect()
}

fn store_document(store: &Store, bytes: &[u8], expected: &Digest) -> Result<(), PullError> {
    store.write_blob(bytes, Some(expected))?;
    Ok(())
}

/// Downloads every blob the store lacks; returns whether anything was downloaded.
async fn download_all(
    client: &Arc<RegistryClient>,
    store: &Store,
    repository: &str,
    manifest: &ImageManifest,
    max_downloads: usize,
    reporter: Arc<dyn PullReporter>,
) -> Result<bool, PullError> {
    let mut wanted = Vec::new();
    for (position, layer) in std::iter::once(manifest.config()).chain(manifest.layers()).enumerate() {
        let digest = descriptor_digest(layer)?;
        let is_layer = position > 0;
        if super::damage::present_for_pull(store, &digest, layer.size(), is_layer, &*reporter)? {
            if is_layer {
                reporter.layer_exists(&digest);
            }
        } else if !wanted.iter().any(|(known, _, _)| known == &digest) {
            wanted.push((digest, layer.size(), is_layer));
        }
    }
    if wanted.is_empty() {
        return Ok(false);
    }
    wanted.sort_by_key(|(_, size, _)| std::cmp::Reverse(*size)); // the longest downloads start first
    let permits = Arc::new(Semaphore::new(max_downloads.max(1)));
    let mut tasks = JoinSet::new();
    for (digest, size, is_layer) in wanted {
        let (client, store, repository, permits) =
            (client.clone(), store.clone(), repository.to_string(), permits.clone());
        let reporter = reporter.clone();
        tasks.spawn(async move {
            let _permit =
                permits.acquire_owned().await.map_err(|_| PullError::Other("download queue closed".into()))?;
            if is_layer {
                reporter.layer_started(&digest, size);
            }
            let progress = |done: u64| {
                if is_layer {
                    reporter.layer_progress(&digest, done)
                }
            };
            download(&client, &store, &repository, &digest, size, &progress).await?;
            if is_layer {
                reporter.layer_done(&digest);
            }
            Ok::<(), PullError>(())
        });
    }
    // Every download runs to its end, so that each one either publishes its blob, keeps a
    // partial file to resume, or removes bytes that cannot be the blob.
    let mut first_error = None;
    while let Some(result) = tasks.join_next().await {
        let outcome =
            result.map_err(|err| PullError::Other(format!("a download stopped: {err}"))).and_then(|outcome| outcome);
        if let Err(err) = outcome {
            first_error.get_or_insert(err);
        }
    }
    first_error.map_or(Ok(true), Err)
}

/// Downloads one blob, resuming with `Range` after a broken connection.
async fn download(
    client: &RegistryClient,
    store: &Store,
    repository: &str,
    digest: &Digest,
    size: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), PullError> {
    let registry = client.registry();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut partial = loop {
            match store.claim_download(digest)? {
                Claim::Mine(partial) => break partial,
                Claim::Present => return Ok(()),
                Claim::Busy => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let offset = partial.offset();
        let mut response = client.get_blob(repository, digest, offset.min(size)).await?;
        if offset > 0 && response.status() != StatusCode::PARTIAL_CONTENT {
            partial.restart()?; // the server sent the whole blob
        }
        progress(partial.offset());
        let broken = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if partial.offset() + chunk.len() as u64 > size {
                        partial.discard();
                        return Err(RegistryError::SizeMismatch {
                            registry: registry.into(),
                            what: format!("blob {digest}"),
                            expected: size,
                            actual: size + 1,
                        }
                        .into());
                    }
                    partial.write(&chunk)?;
                    progress(partial.offset());
                }
                Ok(None) => break None,
                Err(err) => break Some(err),
            }
        };
        match broken {
            None if partial.offset() == size => {
                return partial.finish(digest, size).map_err(|err| match err {
                    crate::store::StoreError::Corrupt(crate::digest::Mismatch { actual, .. }) => {
                        RegistryError::DigestMismatch {
                            registry: registry.into(),
                            what: format!("blob {digest}"),
                            expected: digest.clone(),
                            actual,
                        }
                        .into()
                    }
                    other => other.into(),
                });
            }
            // A short body or a broken connection: resume from what is on disk.
            None | Some(_) if attempt < DOWNLOAD_ATTEMPTS => {
                client.transport().debug(&format!(
                    "blob {digest}: connection broke at {} of {size} bytes; resuming",
                    partial.offset()
                ));
                drop(partial);
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Some(source) => {
                return Err(RegistryError::Transfer {
                    registry: registry.into(),
                    what: format!("the download of {digest}"),
                    source,
                }
                .into());
            }
            None => {
                return Err(RegistryError::SizeMismatch {
                    registry: registry.into(),
                    what: format!("blob {digest}"),
                    expected: size,
                    actual: partial.offset(),
                }
                .into());
            }
        }
    }
}

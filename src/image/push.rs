//! `push`: store → registry. Each blob the registry lacks is mounted from a sibling repository
//! the store knows holds it, or uploaded (several at once, large ones in resumable chunks);
//! then the manifests go up byte for byte, so the registry's digest is the store's.

use std::collections::BTreeMap;
use std::sync::Arc;

use oci_spec::image::Descriptor;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{Document, ImageError, MAX_NESTING, Platform, descriptor_digest};
use crate::digest::Digest;
use crate::reference::Reference;
use crate::registry::RegistryClient;
use crate::registry::blobs::Mounted;
use crate::registry::uploads::Progress;
use crate::store::Store;

/// What push tells the person watching, blob by blob.
pub trait PushReporter: Send + Sync {
    fn preparing(&self, digest: &Digest);
    fn exists(&self, digest: &Digest);
    fn mounted(&self, digest: &Digest, from: &str);
    fn progress(&self, digest: &Digest, done: u64, size: u64);
    fn pushed(&self, digest: &Digest);
}

pub use super::TransferError as PushError;

pub struct Pushed {
    pub digest: Digest,
    pub size: u64,
    /// Only one platform of a multi-platform image went up: the store lacks the others and so
    /// does the registry (docker's "Not all multiplatform-content is present").
    pub single_platform: bool,
}

pub struct PushOptions<'a> {
    /// Push exactly this platform's image of a multi-platform one.
    pub platform: Option<&'a Platform>,
    pub max_uploads: usize,
}

/// A manifest to put, after the blobs it names.
struct ManifestToPush {
    digest: Digest,
    media_type: String,
    bytes: Vec<u8>,
}

/// Pushes the image `descriptor` points at to `reference` (which has a tag).
pub async fn push(
    client: &Arc<RegistryClient>,
    store: &Store,
    reference: &Reference,
    descriptor: &Descriptor,
    options: &PushOptions<'_>,
    reporter: Arc<dyn PushReporter>,
) -> Result<Pushed, PushError> {
    let repository = reference.repository();
    let (descriptor, single_platform) = what_to_push(client, store, repository, descriptor, options.platform).await?;
    let mut manifests = Vec::new();
    let mut blobs = BTreeMap::new();
    collect(client, store, repository, &descriptor, &mut manifests, &mut blobs, 0).await?;
    super::damage::check_before_push(store, reference, &blobs)?;
    upload_all(client, store, reference, &blobs, options.max_uploads, reporter).await?;
    let tag = reference.tag_or_default();
    let (top, children) = manifests.split_last().ok_or_else(|| PushError::Other("nothing to push".into()))?;
    for child in children {
        put(client, repository, child.digest.as_str(), child).await?;
    }
    put(client, repository, tag, top).await?;
    // Where blobs live is a cache for later mounts: a store that cannot take it (read-only)
    // does not make the push, which is done, a failure.
    if let Err(err) = store.record_sources(&reference.name(), blobs.keys()) {
        client.transport().debug(&format!("cannot remember where the pushed blobs are: {err}"));
    }
    Ok(Pushed { digest: top.digest.clone(), size: top.bytes.len() as u64, single_platform })
}

/// The image to push: `descriptor` itself; or, for an index, the platform `--platform` names,
/// or the one platform the store has when neither the store nor the registry has the rest
/// (a pull fetches one platform). `true` when a single platform stands in for an index.
async fn what_to_push(
    client: &RegistryClient,
    store: &Store,
    repository: &str,
    descriptor: &Descriptor,
    platform: Option<&Platform>,
) -> Result<(Descriptor, bool), PushError> {
    let digest = descriptor_digest(descriptor)?;
    let bytes = store.read_document(&digest)?;
    let Document::Index(index) = Document::parse(&bytes, &digest, Some(descriptor.media_type().as_ref()))? else {
        return Ok((descriptor.clone(), false));
    };
    let present = |child: &&Descriptor| descriptor_digest(child).is_ok_and(|digest| store.has_blob(&digest));
    if let Some(platform) = platform {
        let chosen = index
            .manifests()
            .iter()
            .filter(present)
            .find(|child| child.platform().as_ref().is_some_and(|candidate| platform.matches(candidate)));
        let available =
            super::available_platforms(&index.manifests().iter().filter(present).cloned().collect::<Vec<_>>());
        let chosen =
            chosen.ok_or_else(|| ImageError::NoMatchingPlatform { wanted: platform.to_string(), digest, available })?;
        return Ok((chosen.clone(), false));
    }
    for child in index.manifests().iter().filter(|child| !present(child)) {
        if !client.has_manifest(repository, &descriptor_digest(child)?).await? {
            return single_platform(&index, &digest, &present).map(|chosen| (chosen, true));
        }
    }
    Ok((descriptor.clone(), false))
}

/// The host's platform from those the store has, else the first it has.
fn single_platform(
    index: &oci_spec::image::ImageIndex,
    digest: &Digest,
    present: &dyn Fn(&&Descriptor) -> bool,
) -> Result<Descriptor, PushError> {
    let host = Platform::host();
    let mut available = index.manifests().iter().filter(present);
    let host_match = index
        .manifests()
        .iter()
        .filter(present)
        .find(|child| child.platform().as_ref().is_some_and(|candidate| host.matches(candidate)));
    host_match.or_else(|| available.next()).cloned().ok_or_else(|| {
        PushError::Other(format!("no platform of {digest} is in the store: pull one with --platform, then push"))
    })
}

async fn put(
    client: &RegistryClient,
    repository: &str,
    target: &str,
    manifest: &ManifestToPush,
) -> Result<(), PushError> {
    let reported = client.put_manifest(repository, target, &manifest.media_type, manifest.bytes.clone()).await?;
    if let Some(reported) = reported.filter(|reported| reported != &manifest.digest) {
        return Err(PushError::Other(format!(
            "{} stored the manifest as {reported}, not {}: the registry changed it",
            client.registry(),
            manifest.digest
        )));
    }
    Ok(())
}

/// Walks the image: manifests children first, and every blob with its size and kind.
async fn collect(
    client: &RegistryClient,
    store: &Store,
    repository: &str,
    descriptor: &Descriptor,
    manifests: &mut Vec<ManifestToPush>,
    blobs: &mut BTreeMap<Digest, (u64, bool)>,
    depth: usize,
) -> Result<(), PushError> {
    if depth > MAX_NESTING {
        return Err(ImageError::TooDeep(MAX_NESTING).into());
    }
    let digest = descriptor_digest(descriptor)?;
    let bytes = store.read_document(&digest)?;
    let media_type = descriptor.media_type().to_string();
    match Document::parse(&bytes, &digest, Some(&media_type))? {
        Document::Index(index) => {
            for child in index.manifests() {
                let child_digest = descriptor_digest(child)?;
                if store.has_blob(&child_digest) {
                    Box::pin(collect(client, store, repository, child, manifests, blobs, depth + 1)).await?;
                } else if !client.has_manifest(repository, &child_digest).await? {
                    let platform =
                        child.platform().as_ref().map_or_else(|| child_digest.to_string(), super::Platform::describe);
                    return Err(PushError::Other(format!(
                        "the image for {platform} is not in the store (a pull fetches one platform): pull it with --platform {platform}, or push a single platform"
                    )));
                }
            }
        }
        Document::Manifest(manifest) => {
            blobs.insert(descriptor_digest(manifest.config())?, (manifest.config().size(), false));
            for layer in manifest.layers() {
                blobs.insert(descriptor_digest(layer)?, (layer.size(), true));
            }
        }
    }
    manifests.push(ManifestToPush { digest, media_type, bytes });
    Ok(())
}

async fn upload_all(
    client: &Arc<RegistryClient>,
    store: &Store,
    reference: &Reference,
    blobs: &BTreeMap<Digest, (u64, bool)>,
    max_uploads: usize,
    reporter: Arc<dyn PushReporter>,
) -> Result<(), PushError> {
    let mut order: Vec<(&Digest, &(u64, bool))> = blobs.iter().collect();
    order.sort_by_key(|(_, (size, _))| std::cmp::Reverse(*size));
    for (digest, (_, is_layer)) in &order {
        if *is_layer {
            reporter.preparing(digest);
        }
    }
    let permits = Arc::new(Semaphore::new(max_uploads.max(1)));
    let mut tasks = JoinSet::new();
    for (digest, (size, is_layer)) in order {
        let job = BlobJob {
            client: client.clone(),
            store: store.clone(),
            registry: reference.registry().to_string(),
            repository: reference.repository().to_string(),
            digest: digest.clone(),
            size: *size,
            is_layer: *is_layer,
            reporter: reporter.clone(),
        };
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.map_err(|_| PushError::Other("upload queue closed".into()))?;
            job.run().await
        });
    }
    while let Some(result) = tasks.join_next().await {
        let outcome = result.map_err(|err| PushError::Other(format!("an upload stopped: {err}")))?;
        if let Err(err) = outcome {
            tasks.abort_all();
            return Err(err);
        }
    }
    Ok(())
}

struct BlobJob {
    client: Arc<RegistryClient>,
    store: Store,
    registry: String,
    repository: String,
    digest: Digest,
    size: u64,
    is_layer: bool,
    reporter: Arc<dyn PushReporter>,
}

impl BlobJob {
    async fn run(self) -> Result<(), PushError> {
        let BlobJob { client, store, registry, repository, digest, size, is_layer, reporter } = &self;
        if client.has_blob(repository, digest).await? {
            if *is_layer {
                reporter.exists(digest);
            }
            return Ok(());
        }
        let mut session = None;
        for from in mount_candidates(store, registry, repository, digest)? {
            match client.mount_blob(repository, digest, &from).await? {
                Mounted::Yes => {
                    if *is_layer {
                        reporter.mounted(digest, &from);
                    }
                    return Ok(());
                }
                // The session a declined mount opened carries the upload (one request fewer).
                Mounted::No(opened) => session = opened.or(session),
            }
        }
        let path = store.blob_path(digest);
        if !path.is_file() {
            return Err(crate::store::StoreError::MissingBlob { expected: digest.clone() }.into());
        }
        let progress: Progress = if *is_layer {
            let (reporter, digest, size) = (reporter.clone(), digest.clone(), *size);
            Arc::new(move |done| reporter.progress(&digest, done, size))
        } else {
            Arc::new(|_| {})
        };
        client.upload_blob(repository, digest, (&path, *size), session, progress).await?;
        if *is_layer {
            reporter.pushed(digest);
        }
        Ok(())
    }
}

/// Repositories of the same registry that the store knows hold the blob.
fn mount_candidates(
    store: &Store,
    registry: &str,
    repository: &str,
    digest: &Digest,
) -> Result<Vec<String>, PushError> {
    let prefix = format!("{registry}/");
    Ok(store
        .sources_of(digest)?
        .into_iter()
        .filter_map(|source| source.strip_prefix(&prefix).map(str::to_string))
        .filter(|from| from != repository)
        .take(3)
        .collect())
}

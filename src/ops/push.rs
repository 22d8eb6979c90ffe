//! `push`: store → registry. Each blob the registry lacks is mounted from a sibling repository
//! the store knows holds it, or uploaded (several at once, each as `registry/uploads.rs`
//! sends it); then the manifests go up byte for byte, so the registry's digest is the store's.

use std::collections::BTreeMap;
use std::sync::Arc;

use oci_spec::image::Descriptor;

use super::TransferError;
use super::concurrent::{Concurrency, OnError, run_all};
use super::report::{Blob, Event, Outcome, Reporter};
use super::resolve::blobs_of;
use crate::digest::Digest;
use crate::image::{Document, ImageError, MAX_NESTING, Platform, descriptor_digest};
use crate::reference::Reference;
use crate::registry::RegistryClient;
use crate::registry::blobs::Mounted;
use crate::registry::uploads::{Progress, Session};
use crate::store::{Store, StoreError};

pub(crate) struct Pushed {
    pub digest: Digest,
    pub size: u64,
    /// Only one platform of a multi-platform image went up: the store lacks the others and so
    /// does the registry (docker's "Not all multiplatform-content is present").
    pub single_platform: bool,
}

pub(crate) struct PushOptions<'a> {
    /// Push exactly this platform's image of a multi-platform one.
    pub platform: Option<&'a Platform>,
    pub(crate) uploads: Concurrency,
}

/// A manifest to put, after the blobs it names.
struct ManifestToPush {
    digest: Digest,
    media_type: String,
    bytes: Vec<u8>,
}

/// Pushes the image `descriptor` points at to `reference` (which has a tag).
pub(crate) async fn push(
    client: &Arc<RegistryClient>,
    store: &Store,
    reference: &Reference,
    descriptor: &Descriptor,
    options: &PushOptions<'_>,
    reporter: Arc<dyn Reporter>,
) -> Result<Pushed, TransferError> {
    let repository = reference.repository();
    let (descriptor, single_platform) = what_to_push(client, store, repository, descriptor, options.platform).await?;
    let mut manifests = Vec::new();
    let mut blobs = BTreeMap::new();
    collect(client, store, repository, &descriptor, &mut manifests, &mut blobs, 0).await?;
    super::damage::check_before_push(store, reference, blobs.values())?;
    upload_all(client, store, reference, blobs.values().cloned().collect(), options.uploads, reporter).await?;
    // `collect` puts the image's own manifest last, after the platforms' an index names.
    let Some((top, children)) = manifests.split_last() else { unreachable!("collect adds the top manifest") };
    for child in children {
        put(client, repository, child.digest.as_str(), child).await?;
    }
    // A reference by digest alone (a manifest of a list) puts no tag.
    let target = match (reference.tag(), reference.digest()) {
        (None, Some(digest)) => digest.as_str(),
        _ => reference.tag_or_default(),
    };
    put(client, repository, target, top).await?;
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
) -> Result<(Descriptor, bool), TransferError> {
    let digest = descriptor_digest(descriptor)?;
    let bytes = store.read_document(&digest)?;
    let Document::Index(index) = Document::parse(&bytes, &digest, Some(descriptor.media_type().as_ref()))? else {
        return Ok((descriptor.clone(), false));
    };
    let present = |child: &&Descriptor| descriptor_digest(child).is_ok_and(|digest| store.has_blob(&digest));
    if let Some(platform) = platform {
        let stored: Vec<Descriptor> = index.manifests().iter().filter(present).cloned().collect();
        return Ok((super::resolve::choose(&stored, platform, &digest)?.clone(), false));
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
) -> Result<Descriptor, TransferError> {
    let host_match = Platform::host().choose(index.manifests().iter().filter(present));
    let first = index.manifests().iter().find(present);
    host_match.or(first).cloned().ok_or_else(|| TransferError::NoPlatformStored { digest: digest.clone() })
}

async fn put(
    client: &RegistryClient,
    repository: &str,
    target: &str,
    manifest: &ManifestToPush,
) -> Result<(), TransferError> {
    let reported = client.put_manifest(repository, target, &manifest.media_type, manifest.bytes.clone()).await?;
    if let Some(reported) = reported.filter(|reported| reported != &manifest.digest) {
        let (registry, expected) = (client.registry().to_string(), manifest.digest.clone());
        return Err(TransferError::ManifestChanged { registry, reported, expected });
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
    blobs: &mut BTreeMap<Digest, Blob>,
    depth: usize,
) -> Result<(), TransferError> {
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
                        child.platform().as_ref().map_or_else(|| child_digest.to_string(), Platform::describe);
                    return Err(TransferError::PlatformNotStored { platform });
                }
            }
        }
        Document::Manifest(manifest) => {
            blobs.extend(blobs_of(&manifest)?.into_iter().map(|blob| (blob.digest.clone(), blob)));
        }
    }
    manifests.push(ManifestToPush { digest, media_type, bytes });
    Ok(())
}

async fn upload_all(
    client: &Arc<RegistryClient>,
    store: &Store,
    reference: &Reference,
    mut blobs: Vec<Blob>,
    uploads: Concurrency,
    reporter: Arc<dyn Reporter>,
) -> Result<(), TransferError> {
    blobs.sort_by_key(|blob| std::cmp::Reverse(blob.size));
    for blob in &blobs {
        reporter.blob(blob, Event::Waiting);
    }
    let jobs = blobs.into_iter().map(|blob| {
        let upload = Upload {
            client: client.clone(),
            store: store.clone(),
            registry: reference.registry().to_string(),
            repository: reference.repository().to_string(),
            reporter: reporter.clone(),
        };
        (blob.size, async move { upload.run(&blob).await })
    });
    run_all(jobs, uploads, "upload", OnError::StopOthers).await
}

/// One blob's way to the registry: there already, mounted, or uploaded.
struct Upload {
    client: Arc<RegistryClient>,
    store: Store,
    registry: String,
    repository: String,
    reporter: Arc<dyn Reporter>,
}

/// Where a blob that is not in the registry goes up from.
enum Route {
    /// Mounted from this repository: nothing to send.
    Mounted(String),
    /// Sent, in this session.
    Upload(Session),
}

impl Upload {
    async fn run(&self, blob: &Blob) -> Result<(), TransferError> {
        let (client, repository, digest) = (&self.client, self.repository.as_str(), &blob.digest);
        let sources = self.store.sources_of(digest)?;
        let candidates = self.mount_candidates(&sources);
        // A blob the store knows this repository has is only looked for. Any other is looked
        // for while its upload (or a first mount) starts: on a far link the round trips overlap.
        let (exists, route) = if sources.contains(&format!("{}/{repository}", self.registry)) {
            (client.has_blob(repository, digest).await?, None)
        } else {
            let (exists, route) = tokio::join!(
                client.has_blob(repository, digest),
                self.route(digest, candidates.get(..1).unwrap_or_default(), None)
            );
            (exists?, Some(route?))
        };
        if exists && !matches!(route, Some(Route::Mounted(_))) {
            // (A mount that worked while the registry was looked at may be why it has the blob.)
            if let Some(Route::Upload(session)) = route {
                client.cancel_upload(repository, session).await;
            }
            self.reporter.blob(blob, Event::Done(Outcome::AlreadyThere));
            return Ok(());
        }
        let route = match route {
            Some(Route::Upload(session)) => {
                self.route(digest, candidates.get(1..).unwrap_or_default(), Some(session)).await?
            }
            Some(mounted) => mounted,
            None => self.route(digest, &candidates, None).await?,
        };
        match route {
            Route::Mounted(from) => self.reporter.blob(blob, Event::Done(Outcome::Mounted(from))),
            Route::Upload(session) => self.upload(blob, session).await?,
        }
        Ok(())
    }

    /// Tries a mount from each of `candidates`; else the upload goes in `session`, in one a
    /// declined mount opened, or in one opened now.
    async fn route(
        &self,
        digest: &Digest,
        candidates: &[String],
        mut session: Option<Session>,
    ) -> Result<Route, TransferError> {
        for from in candidates {
            match self.client.mount_blob(&self.repository, digest, from).await? {
                Mounted::Yes => return Ok(Route::Mounted(from.clone())),
                // The session a declined mount opened carries the upload (one request fewer).
                Mounted::No(opened) => session = opened.or(session),
            }
        }
        match session {
            Some(session) => Ok(Route::Upload(session)),
            None => Ok(Route::Upload(self.client.start_upload(&self.repository).await?)),
        }
    }

    async fn upload(&self, blob: &Blob, session: Session) -> Result<(), TransferError> {
        let path = self.store.blob_path(&blob.digest);
        if !path.is_file() {
            return Err(StoreError::MissingBlob { expected: blob.digest.clone() }.into());
        }
        let (reporter, moving) = (self.reporter.clone(), blob.clone());
        let progress: Progress = Arc::new(move |done| reporter.blob(&moving, Event::Progress(done)));
        self.client.upload_blob(&self.repository, &blob.digest, (&path, blob.size), Some(session), progress).await?;
        self.reporter.blob(blob, Event::Done(Outcome::Uploaded));
        Ok(())
    }

    /// Repositories of the same registry that, as `sources` says, hold the blob.
    fn mount_candidates(&self, sources: &[String]) -> Vec<String> {
        let prefix = format!("{}/", self.registry);
        sources
            .iter()
            .filter_map(|source| source.strip_prefix(&prefix).map(str::to_string))
            .filter(|from| *from != self.repository)
            .take(3)
            .collect()
    }
}

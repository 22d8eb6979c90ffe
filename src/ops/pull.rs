//! `pull`: registry → store. The manifest (and, for an index, the platform's manifest) is
//! resolved and verified (`resolve.rs`); missing blobs stream in several at once, largest
//! first, each straight into a partial file while it is hashed, and become visible only once
//! size and digest match. Names are added last, so an interrupted pull leaves no name pointing
//! at a missing blob.

use std::sync::Arc;
use std::time::Duration;

use super::TransferError;
use super::concurrent::{Concurrency, OnError, run_all};
use super::report::{Blob, Event, Outcome, Reporter};
use super::resolve::{self, blobs_of, platform_manifest, stored_manifest};
use crate::digest::{Digest, Mismatch};
use crate::image::{Document, Platform, descriptor, descriptor_digest, entry_descriptor, media};
use crate::reference::Reference;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};
use crate::store::{Claim, PartialBlob, Store, StoreError};
use oci_spec::image::ImageManifest;
use reqwest::{Response, StatusCode};

/// How often a blob download is resumed after its connection broke.
const DOWNLOAD_ATTEMPTS: u32 = 5;

pub(crate) struct Pulled {
    /// The digest the reference points at (the index's, for a multi-platform image).
    pub digest: Digest,
    pub up_to_date: bool,
}

pub(crate) struct PullOptions<'a> {
    pub platform: &'a Platform,
    /// The platform was asked for (`--platform`): an image of another one is an error, as in
    /// docker, even when the reference names a single-platform manifest.
    pub platform_required: bool,
    pub(crate) downloads: Concurrency,
}

/// The image a pull stores: the document the reference names and the platform's manifest.
struct Resolved {
    client: Arc<RegistryClient>,
    top: FetchedManifest,
    manifest: (FetchedManifest, ImageManifest),
}

/// Pulls `reference` through the first of `sources` that has it (mirrors, then the registry).
pub(crate) async fn pull(
    sources: &[Arc<RegistryClient>],
    store: &Store,
    reference: &Reference,
    options: &PullOptions<'_>,
    reporter: Arc<dyn Reporter>,
) -> Result<Pulled, TransferError> {
    let resolved = resolve(sources, store, reference, options.platform).await?;
    reporter.pulling(&resolve::target(reference), reference.repository());
    let _writer = store.writer_lock()?;
    let blobs = blobs_of(&resolved.manifest.1)?;
    let downloads = Downloads { client: resolved.client.clone(), store, repository: reference.repository() };
    if options.platform_required {
        // The config first: it says the platform, before any layer moves.
        let configs: Vec<Blob> = blobs.iter().filter(|blob| !blob.is_layer()).cloned().collect();
        downloads.all(&configs, options.downloads, reporter.clone()).await?;
        check_platform(store, &resolved.manifest.1, reference, options.platform)?;
    }
    let downloaded = downloads.all(&blobs, options.downloads, reporter).await?;
    let unchanged = name_image(store, reference, &resolved, &blobs)?;
    Ok(Pulled { digest: resolved.top.digest, up_to_date: unchanged && !downloaded })
}

async fn resolve(
    sources: &[Arc<RegistryClient>],
    store: &Store,
    reference: &Reference,
    platform: &Platform,
) -> Result<Resolved, TransferError> {
    let (client, top) = fetch_top(sources, store, reference).await?;
    let manifest = match resolve::parse(&top, client.registry())? {
        Document::Manifest(manifest) => (top.clone(), manifest),
        Document::Index(index) => {
            let entry = resolve::choose(index.manifests(), platform, &top.digest)?;
            platform_manifest(&client, Some(store), reference.repository(), &descriptor_digest(entry)?).await?
        }
    };
    Ok(Resolved { client, top, manifest })
}

/// docker's error for an image of another platform than the one asked for.
fn check_platform(
    store: &Store,
    manifest: &ImageManifest,
    reference: &Reference,
    wanted: &Platform,
) -> Result<(), TransferError> {
    let digest = descriptor_digest(manifest.config())?;
    let config = crate::image::parse_config(&store.read_document(&digest)?, &digest)?;
    let mut actual = Platform {
        os: config.os().to_string(),
        architecture: config.architecture().to_string(),
        variant: config.variant().clone().filter(|variant| !variant.is_empty()),
    };
    let offered = oci_spec::image::PlatformBuilder::default()
        .os(config.os().clone())
        .architecture(config.architecture().clone())
        .variant(actual.variant.clone().unwrap_or_default())
        .build();
    if offered.is_ok_and(|offered| wanted.matches(&offered)) {
        return Ok(());
    }
    actual.variant = actual.variant.filter(|_| wanted.variant.is_some());
    Err(TransferError::PlatformMismatch {
        reference: reference.to_string(),
        wanted: wanted.to_string(),
        actual: actual.to_string(),
    })
}

/// Stores the documents and names the image; returns whether the name was already there.
fn name_image(
    store: &Store,
    reference: &Reference,
    resolved: &Resolved,
    blobs: &[Blob],
) -> Result<bool, TransferError> {
    let (manifest_fetched, manifest) = &resolved.manifest;
    let top = &resolved.top;
    store.write_blob(&manifest_fetched.bytes, Some(&manifest_fetched.digest))?;
    let top_media = if top.digest == manifest_fetched.digest {
        manifest.media_type().as_ref().map_or_else(|| media::OCI_MANIFEST.to_string(), ToString::to_string)
    } else {
        store.write_blob(&top.bytes, Some(&top.digest))?;
        top.media_type.clone()
    };
    let entry = entry_descriptor(store, descriptor(&top_media, &top.digest, top.bytes.len() as u64))?;
    let name = match reference.digest() {
        Some(_) => reference.repository_reference().with_digest(top.digest.clone()),
        None => reference.clone().with_default_tag(),
    };
    let mut index = store.lock_index()?;
    let unchanged =
        index.get(&name).is_some_and(|existing| existing.descriptor.digest().as_ref() == top.digest.as_str());
    index.set(&name, entry)?;
    index.add_sources(&reference.name(), blobs.iter().map(|blob| &blob.digest))?;
    index.save()?;
    Ok(unchanged)
}

/// The manifest (or index) the reference names, from the first source that answers.
async fn fetch_top(
    sources: &[Arc<RegistryClient>],
    store: &Store,
    reference: &Reference,
) -> Result<(Arc<RegistryClient>, FetchedManifest), TransferError> {
    let Some((registry, mirrors)) = sources.split_last() else {
        return Err(TransferError::Registry(RegistryError::Setup {
            registry: reference.registry().into(),
            reason: "no registry to pull from".into(),
        }));
    };
    for mirror in mirrors {
        match fetch_current(mirror, store, reference).await {
            Ok(fetched) => return Ok((mirror.clone(), fetched)),
            // A mirror that fails is skipped; the registry itself is the last word.
            Err(err) => {
                mirror.transport().debug(&format!("mirror {} failed: {err}; trying the next source", mirror.registry()))
            }
        }
    }
    Ok((registry.clone(), fetch_current(registry, store, reference).await?))
}

async fn fetch_current(
    client: &RegistryClient,
    store: &Store,
    reference: &Reference,
) -> Result<FetchedManifest, RegistryError> {
    match current_in_store(client, store, reference).await {
        Some(current) => Ok(current),
        None => resolve::fetch_top(client, reference).await,
    }
}

/// The manifest the store already holds for the reference, when it is the current one: named
/// by digest, or what a `HEAD` says the tag points at. An up-to-date pull then spends no `GET`,
/// which Docker Hub counts against its pull limit; a name the store does not have yet costs
/// no `HEAD`.
async fn current_in_store(client: &RegistryClient, store: &Store, reference: &Reference) -> Option<FetchedManifest> {
    let digest = match reference.digest() {
        Some(digest) => digest.clone(),
        None => {
            let name = reference.clone().with_default_tag();
            let known = store.names().ok()?.iter().any(|entry| entry.reference.as_ref() == Some(&name));
            if !known {
                return None;
            }
            client.head_manifest(reference.repository(), &resolve::target(reference)).await.ok()??
        }
    };
    stored_manifest(store, &digest)
}

/// How a download's body ended.
enum Received {
    End,
    Broken(reqwest::Error),
    /// The registry sent more than the blob's size.
    TooLong,
}

/// The blob downloads of one pull.
#[derive(Clone)]
struct Downloads<'a> {
    client: Arc<RegistryClient>,
    store: &'a Store,
    repository: &'a str,
}

impl Downloads<'_> {
    /// Downloads every blob the store lacks; returns whether anything was downloaded.
    async fn all(
        &self,
        blobs: &[Blob],
        downloads: Concurrency,
        reporter: Arc<dyn Reporter>,
    ) -> Result<bool, TransferError> {
        let mut wanted: Vec<Blob> = Vec::new();
        for blob in blobs {
            if super::damage::present_for_pull(self.store, blob, &*reporter)? {
                reporter.blob(blob, Event::Done(Outcome::AlreadyThere));
            } else if !wanted.iter().any(|known| known.digest == blob.digest) {
                wanted.push(blob.clone());
            }
        }
        if wanted.is_empty() {
            return Ok(false);
        }
        wanted.sort_by_key(|blob| std::cmp::Reverse(blob.size)); // the longest downloads start first
        let jobs = wanted.into_iter().map(|blob| {
            let size = blob.size;
            let (client, store, repository) = (self.client.clone(), self.store.clone(), self.repository.to_string());
            let reporter = reporter.clone();
            let job = async move {
                let downloads = Downloads { client, store: &store, repository: &repository };
                downloads.one(&blob, &*reporter).await?;
                reporter.blob(&blob, Event::Done(Outcome::Downloaded));
                Ok(())
            };
            (size, job)
        });
        run_all(jobs, downloads, "download", OnError::LetOthersFinish).await?;
        Ok(true)
    }

    /// Downloads one blob, resuming with `Range` after a broken connection.
    async fn one(&self, blob: &Blob, reporter: &dyn Reporter) -> Result<(), TransferError> {
        for attempt in 1..=DOWNLOAD_ATTEMPTS {
            let Some(mut partial) = self.claim(blob, reporter).await? else { return Ok(()) };
            let offset = partial.offset();
            let mut response = self.client.get_blob(self.repository, &blob.digest, offset.min(blob.size)).await?;
            if offset > 0 && response.status() != StatusCode::PARTIAL_CONTENT {
                partial.restart()?; // the server sent the whole blob
            }
            reporter.blob(blob, Event::Resumed(partial.offset()));
            match self.receive(&mut response, &mut partial, blob, reporter).await? {
                Received::End if partial.offset() == blob.size => return self.finish(partial, blob),
                Received::TooLong => {
                    partial.discard(); // bytes that cannot be the blob are not kept to resume
                    return Err(self.size_mismatch(blob, blob.size + 1));
                }
                // A short body or a broken connection: resume from what is on disk.
                _ if attempt < DOWNLOAD_ATTEMPTS => {
                    let at = partial.offset();
                    let (digest, size) = (&blob.digest, blob.size);
                    self.client
                        .transport()
                        .debug(&format!("blob {digest}: connection broke at {at} of {size} bytes; resuming"));
                    drop(partial);
                    let wait = self.client.transport().backoff(attempt);
                    reporter.blob(blob, Event::Retrying { attempt: attempt + 1, wait });
                    tokio::time::sleep(wait).await;
                }
                Received::Broken(source) => {
                    let (registry, what) =
                        (self.client.registry().to_string(), format!("the download of {}", blob.digest));
                    return Err(RegistryError::transfer(&registry, what, source).into());
                }
                Received::End => return Err(self.size_mismatch(blob, partial.offset())),
            }
        }
        Err(self.size_mismatch(blob, 0))
    }

    /// This process's partial file for the blob (waiting while another process downloads
    /// it); `None` when the blob is in the store by now.
    async fn claim(&self, blob: &Blob, reporter: &dyn Reporter) -> Result<Option<PartialBlob<'_>>, TransferError> {
        let mut said = false;
        loop {
            match self.store.claim_download(&blob.digest)? {
                Claim::Mine(partial) => return Ok(Some(partial)),
                Claim::Present => return Ok(None),
                Claim::Busy => {
                    if !std::mem::replace(&mut said, true) {
                        reporter.blob(blob, Event::WaitingForOther);
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// Writes the answer's body into the partial file, never past the blob's size.
    async fn receive(
        &self,
        response: &mut Response,
        partial: &mut PartialBlob<'_>,
        blob: &Blob,
        reporter: &dyn Reporter,
    ) -> Result<Received, TransferError> {
        let (notice, mut waited) = (self.client.transport().notice_every(), Duration::ZERO);
        loop {
            // A body that stops is said every `notice` until the read times out and is retried.
            let Ok(next) = tokio::time::timeout(notice, response.chunk()).await else {
                waited += notice;
                reporter.blob(blob, Event::Stalled(waited));
                continue;
            };
            waited = Duration::ZERO;
            match next {
                Ok(Some(chunk)) if partial.offset() + chunk.len() as u64 > blob.size => return Ok(Received::TooLong),
                Ok(Some(chunk)) => {
                    partial.write(&chunk)?;
                    reporter.blob(blob, Event::Progress(partial.offset()));
                }
                Ok(None) => return Ok(Received::End),
                Err(err) => return Ok(Received::Broken(err)),
            }
        }
    }

    fn finish(&self, partial: PartialBlob<'_>, blob: &Blob) -> Result<(), TransferError> {
        // The fsync waits on the disk: off the runtime's threads, the other transfers read on.
        super::concurrent::blocking(|| partial.finish(&blob.digest, blob.size)).map_err(|err| match err {
            StoreError::Corrupt(Mismatch { actual, .. }) => self.registry_error(blob, |registry, what| {
                RegistryError::DigestMismatch { registry, what, expected: blob.digest.clone(), actual }
            }),
            other => other.into(),
        })
    }

    fn size_mismatch(&self, blob: &Blob, actual: u64) -> TransferError {
        self.registry_error(blob, |registry, what| RegistryError::SizeMismatch {
            registry,
            what,
            expected: blob.size,
            actual,
        })
    }

    fn registry_error(&self, blob: &Blob, make: impl FnOnce(String, String) -> RegistryError) -> TransferError {
        make(self.client.registry().to_string(), format!("blob {}", blob.digest)).into()
    }
}

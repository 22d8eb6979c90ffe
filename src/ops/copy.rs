//! `cp`: registry → registry without the local store. The manifests are resolved as a pull
//! resolves them (`resolve.rs`); blobs stream from source to destination several at once (or
//! are mounted when both are repositories of one registry); manifests go over byte for byte,
//! so every digest stays. All platforms of an index by default, or one.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;

use super::TransferError;
use super::concurrent::{Concurrency, OnError, run_all, run_each};
use super::push::Pushed;
use super::report::{Blob, Event, Outcome, Reporter};
use super::resolve::{self, blobs_of, platform_manifest};
use crate::digest::Digest;
use crate::image::{Document, Platform, descriptor_digest};
use crate::reference::Reference;
use crate::registry::blobs::Mounted;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError};

/// How often one blob's copy is tried again from the start.
const BLOB_ATTEMPTS: u32 = 3;
/// How many large blobs are copied at once (docker's upload limit); small ones more.
const COPIES: u32 = 5;

pub(crate) struct Endpoint<'a> {
    pub client: &'a Arc<RegistryClient>,
    pub reference: &'a Reference,
}

pub(crate) async fn copy(
    source: Endpoint<'_>,
    destination: Endpoint<'_>,
    platform: Option<&Platform>,
    reporter: Arc<dyn Reporter>,
) -> Result<Pushed, TransferError> {
    let plan = plan(source.client, source.reference, platform).await?;
    Route::between(&source, &destination).copy_blobs(plan.blobs.clone(), reporter).await?;
    put_manifests(&plan, destination.client, destination.reference).await
}

/// A copy that failed, with what it copied.
#[derive(Debug, thiserror::Error)]
#[error("cannot copy {what}")]
pub(crate) struct CopyFailed {
    what: String,
    source: TransferError,
}

/// `cp -a`: several images between two repositories, `(source, destination)` pairs. Every
/// pair's manifests are read first (several at once), the blobs they name go over once (several
/// at once, as for one image), then each pair's manifests are written (several pairs at once).
/// The copied manifests in the order of `pairs`.
pub(crate) async fn copy_many(
    clients: (&Arc<RegistryClient>, &Arc<RegistryClient>),
    pairs: &[(Reference, Reference)],
    platform: Option<&Platform>,
    reporter: Arc<dyn Reporter>,
) -> Result<Vec<Pushed>, CopyFailed> {
    let platform = platform.cloned();
    let reads = pairs.iter().map(|(from, _)| {
        let (client, from, platform) = (clients.0.clone(), from.clone(), platform.clone());
        async move { plan(&client, &from, platform.as_ref()).await }
    });
    let plans = each_pair(pairs, reads).await?;
    let Some((first_source, first_destination)) = pairs.first() else { return Ok(Vec::new()) };
    let mut blobs = BTreeMap::new();
    for plan in &plans {
        blobs.extend(plan.blobs.iter().map(|blob| (blob.digest.clone(), blob.clone())));
    }
    let route = Route::between(
        &Endpoint { client: clients.0, reference: first_source },
        &Endpoint { client: clients.1, reference: first_destination },
    );
    route.copy_blobs(blobs.into_values().collect(), reporter).await.map_err(|source| CopyFailed {
        what: format!("{} to {}", first_source.repository_reference(), first_destination.repository_reference()),
        source,
    })?;
    let writes = pairs.iter().zip(plans).map(|((_, to), plan)| {
        let (client, to) = (clients.1.clone(), to.clone());
        async move { put_manifests(&plan, &client, &to).await }
    });
    each_pair(pairs, writes).await
}

/// How many pairs of `copy_many` have their manifests read or written at once.
const PAIRS_AT_ONCE: usize = 8;

/// Runs one job per pair, PAIRS_AT_ONCE at a time: their answers in the order of `pairs`, or
/// the first failure, named by its pair (the other jobs are stopped).
async fn each_pair<T, Job>(
    pairs: &[(Reference, Reference)],
    jobs: impl IntoIterator<Item = Job>,
) -> Result<Vec<T>, CopyFailed>
where
    T: Send + 'static,
    Job: Future<Output = Result<T, TransferError>> + Send + 'static,
{
    let at_once = Concurrency::from_config(Some(PAIRS_AT_ONCE), 1);
    let jobs = jobs.into_iter().map(|job| (0, job));
    run_each(jobs, at_once, "copy", OnError::StopOthers).await.map_err(|(position, source)| {
        let (from, to) = &pairs[position.unwrap_or(0).min(pairs.len() - 1)];
        CopyFailed { what: format!("{from} to {to}"), source }
    })
}

/// What one copy sends: the document it is named by, the manifests that document names, and
/// the blobs those name.
struct Plan {
    top: FetchedManifest,
    children: Vec<FetchedManifest>,
    blobs: Vec<Blob>,
}

async fn plan(
    client: &Arc<RegistryClient>,
    reference: &Reference,
    platform: Option<&Platform>,
) -> Result<Plan, TransferError> {
    let top = resolve::fetch_top(client, reference).await?;
    let (top, children) = chosen_manifests(&Endpoint { client, reference }, top, platform).await?;
    let mut blobs = BTreeMap::new();
    for (_, manifest) in &children {
        blobs.extend(blobs_of(manifest)?.into_iter().map(|blob| (blob.digest.clone(), blob)));
    }
    let children = children.into_iter().map(|(child, _)| child).collect();
    Ok(Plan { top, children, blobs: blobs.into_values().collect() })
}

/// Writes the manifests of `plan` to the destination, the named document last.
async fn put_manifests(
    plan: &Plan,
    client: &Arc<RegistryClient>,
    reference: &Reference,
) -> Result<Pushed, TransferError> {
    let (top, repository) = (&plan.top, reference.repository());
    for child in plan.children.iter().filter(|child| child.digest != top.digest) {
        client.put_manifest(repository, child.digest.as_ref(), &child.media_type, child.bytes.clone()).await?;
    }
    // A destination by digest alone (a manifest of a list) puts no tag.
    let target = match (reference.tag(), reference.digest()) {
        (None, Some(digest)) => digest.as_str(),
        _ => reference.tag_or_default(),
    };
    client.put_manifest(repository, target, &top.media_type, top.bytes.clone()).await?;
    Ok(Pushed { digest: top.digest.clone(), size: top.bytes.len() as u64, single_platform: false })
}

/// What goes over: the document the copy is named by (the index, or with `--platform` that
/// platform's manifest), and every single-platform manifest with what it names.
async fn chosen_manifests(
    source: &Endpoint<'_>,
    top: FetchedManifest,
    platform: Option<&Platform>,
) -> Result<(FetchedManifest, Vec<(FetchedManifest, oci_spec::image::ImageManifest)>), TransferError> {
    let registry = source.client.registry();
    let index = match resolve::parse(&top, registry)? {
        Document::Manifest(manifest) => return Ok((top.clone(), vec![(top, manifest)])),
        Document::Index(index) => index,
    };
    let repository = source.reference.repository();
    if let Some(platform) = platform {
        let entry = resolve::choose(index.manifests(), platform, &top.digest)?;
        let chosen = platform_manifest(source.client, None, repository, &descriptor_digest(entry)?).await?;
        return Ok((chosen.0.clone(), vec![chosen]));
    }
    let mut children = Vec::new();
    for entry in index.manifests() {
        children.push(platform_manifest(source.client, None, repository, &descriptor_digest(entry)?).await?);
    }
    Ok((top, children))
}

/// Where blobs come from and go to, owned, so that each copy can run on a task of its own.
#[derive(Clone)]
struct Route {
    source: Arc<RegistryClient>,
    source_repository: String,
    destination: Arc<RegistryClient>,
    destination_repository: String,
}

impl Route {
    fn between(source: &Endpoint<'_>, destination: &Endpoint<'_>) -> Route {
        Route {
            source: source.client.clone(),
            source_repository: source.reference.repository().to_string(),
            destination: destination.client.clone(),
            destination_repository: destination.reference.repository().to_string(),
        }
    }

    async fn copy_blobs(&self, mut blobs: Vec<Blob>, reporter: Arc<dyn Reporter>) -> Result<(), TransferError> {
        blobs.sort_by_key(|blob| std::cmp::Reverse(blob.size));
        let jobs = blobs.into_iter().map(|blob| {
            let (route, reporter) = (self.clone(), reporter.clone());
            let size = blob.size;
            let job = async move {
                let outcome = route.copy_blob(&blob).await?;
                reporter.blob(&blob, Event::Done(outcome));
                Ok(())
            };
            (size, job)
        });
        run_all(jobs, Concurrency::from_config(None, COPIES), "copy", OnError::StopOthers).await
    }

    async fn copy_blob(&self, blob: &Blob) -> Result<Outcome, TransferError> {
        let repository = &self.destination_repository;
        if self.destination.has_blob(repository, &blob.digest).await? {
            return Ok(Outcome::AlreadyThere);
        }
        if self.source.registry() == self.destination.registry()
            && let Mounted::Yes = self.destination.mount_blob(repository, &blob.digest, &self.source_repository).await?
        {
            return Ok(Outcome::Mounted(self.source_repository.clone()));
        }
        self.stream(blob).await?;
        Ok(Outcome::Uploaded)
    }

    /// Streams one blob from source to destination; the destination checks the digest.
    async fn stream(&self, blob: &Blob) -> Result<(), TransferError> {
        for attempt in 1..=BLOB_ATTEMPTS {
            let response = self.source.get_blob(&self.source_repository, &blob.digest, 0).await?;
            let body = reqwest::Body::wrap_stream(response.bytes_stream());
            let repository = &self.destination_repository;
            match self.destination.upload_stream(repository, &blob.digest, blob.size, body).await {
                Ok(()) => return Ok(()),
                Err(
                    RegistryError::Connect { .. } | RegistryError::NoAnswer { .. } | RegistryError::Transfer { .. },
                ) if attempt < BLOB_ATTEMPTS => {}
                // The destination refused the blob in one streamed PUT (ACR above ~20 MB;
                // registries that take no body on PUT): a stream cannot be sent again another
                // way, a file can.
                Err(RegistryError::Status { .. }) => return self.spool_and_upload(blob).await,
                Err(err) => return Err(err.into()),
            }
        }
        unreachable!("the last attempt returns")
    }

    /// Downloads the blob into a temporary file, checked against its digest and size, and
    /// uploads it from there the way a push does.
    async fn spool_and_upload(&self, blob: &Blob) -> Result<(), TransferError> {
        let digest = &blob.digest;
        let spool_error = |source| TransferError::Spool { digest: digest.clone(), source };
        let mut file = tempfile::NamedTempFile::new().map_err(spool_error)?;
        let mut response = self.source.get_blob(&self.source_repository, digest, 0).await?;
        let mut verifier = digest.verifier();
        let transfer = |source| {
            let what = format!("the download of {digest}");
            TransferError::from(RegistryError::transfer(self.source.registry(), what, source))
        };
        while let Some(chunk) = response.chunk().await.map_err(transfer)? {
            if verifier.length() + chunk.len() as u64 > blob.size {
                return Err(self.too_long(blob));
            }
            verifier.update(&chunk);
            file.write_all(&chunk).map_err(spool_error)?;
        }
        verifier.check(digest, blob.size).map_err(|mismatch| {
            self.source_error(digest, |registry, what| RegistryError::DigestMismatch {
                registry,
                what,
                expected: mismatch.expected,
                actual: mismatch.actual,
            })
        })?;
        file.flush().map_err(spool_error)?;
        let destination = &self.destination_repository;
        self.destination.upload_blob(destination, digest, (file.path(), blob.size), None, Arc::new(|_| {})).await?;
        Ok(())
    }

    fn too_long(&self, blob: &Blob) -> TransferError {
        self.source_error(&blob.digest, |registry, what| RegistryError::SizeMismatch {
            registry,
            what,
            expected: blob.size,
            actual: blob.size + 1,
        })
    }

    fn source_error(&self, digest: &Digest, make: impl FnOnce(String, String) -> RegistryError) -> TransferError {
        make(self.source.registry().to_string(), format!("blob {digest}")).into()
    }
}

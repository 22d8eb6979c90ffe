//! Manifest lists made locally before they are pushed (`manifest create/annotate/push/rm`), as
//! docker's manifest store keeps them, in the store's `hoist/manifests/` folder, one JSON file
//! per list. A list's manifests come from its registry (an index's children each join) or from
//! the local store (pushed with the list). The pushed index is docker's (`FromDescriptors`,
//! indented with three spaces), so the same entries always give the same digest.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::TransferError;
use super::copy::{Endpoint, copy};
use super::push::{PushOptions, push};
use super::remote_manifest::GoPlatform;
use super::report::Reporter;
use crate::digest::Digest;
use crate::image::{Document, media};
use crate::output::gojson;
use crate::reference::Reference;
use crate::registry::{RegistryClient, RegistryError};
use crate::store::Store;

/// A list as it waits to be pushed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(crate) struct List {
    pub name: String,
    pub manifests: Vec<Entry>,
}

/// One manifest of a list: where it comes from, and its descriptor.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct Entry {
    /// The SOURCE it was added as (full reference).
    pub source: String,
    /// Only in the local store: pushed with the list.
    #[serde(default)]
    pub local: bool,
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    pub platform: GoPlatform,
}

impl Entry {
    /// `REPOSITORY@DIGEST` of the source, where the manifest is.
    pub(crate) fn source_repository(&self) -> Result<Reference, TransferError> {
        let reference = Reference::parse(&self.source).map_err(|err| TransferError::BadManifest {
            registry: "the list".into(),
            reason: format!("bad source {}: {err}", self.source),
        })?;
        Ok(reference.with_digest(self.digest.clone()))
    }
}

/// Where the lists are kept.
fn folder(store: &Store) -> PathBuf {
    store.meta_dir().join("manifests")
}

fn path(store: &Store, name: &str) -> PathBuf {
    folder(store).join(format!("{}.json", Digest::sha256_of(name.as_bytes()).hex()))
}

/// The list named `name`, if one was created.
pub(crate) fn load(store: &Store, name: &str) -> std::io::Result<Option<List>> {
    match std::fs::read(path(store, name)) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(std::io::Error::other),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Writes the list whole (a temporary file renamed over the old one).
pub(crate) fn save(store: &Store, list: &List) -> std::io::Result<()> {
    let dir = folder(store);
    std::fs::create_dir_all(&dir)?;
    let mut file = tempfile::NamedTempFile::new_in(&dir)?;
    serde_json::to_writer_pretty(&mut file, list).map_err(std::io::Error::other)?;
    file.persist(path(store, &list.name)).map_err(|err| err.error)?;
    Ok(())
}

/// Removes the list; false when there was none.
pub(crate) fn remove(store: &Store, name: &str) -> std::io::Result<bool> {
    match std::fs::remove_file(path(store, name)) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

/// The entries `source` contributes: from the registry (an index's children, skipping its
/// attestations, whose platform is `unknown`), else from the local store.
pub(crate) async fn entries_of(
    client: &Arc<RegistryClient>,
    store: Option<&Store>,
    source: &Reference,
) -> Result<Vec<Entry>, TransferError> {
    let wanted = source.digest().map_or_else(|| source.tag_or_default().to_string(), ToString::to_string);
    let (bytes, media_type, digest, local) = match client.get_manifest(source.repository(), &wanted).await {
        Ok(fetched) => (fetched.bytes, fetched.media_type, fetched.digest, false),
        Err(RegistryError::NotFound { what, message }) => match store.map(|store| stored(store, source)).transpose()? {
            Some(Some((bytes, media_type, digest))) => (bytes, media_type, digest, true),
            _ => return Err(RegistryError::NotFound { what, message }.into()),
        },
        Err(err) => return Err(err.into()),
    };
    let document = Document::parse(&bytes, &digest, Some(&media_type))?;
    let entry = |media_type: String, digest: Digest, size: u64, platform: GoPlatform| Entry {
        source: source.full(),
        local,
        media_type,
        digest,
        size,
        platform,
    };
    match document {
        Document::Manifest(manifest) => {
            let platform = match local {
                true => stored_platform(store, &bytes)?,
                false => registry_platform(client, source, &bytes).await?,
            };
            let media_type = manifest.media_type().as_ref().map_or(media_type, ToString::to_string);
            Ok(vec![entry(media_type, digest, bytes.len() as u64, platform)])
        }
        Document::Index(index) => {
            let mut entries = Vec::new();
            for child in index.manifests() {
                let platform = child.platform().as_ref().map(go_platform).unwrap_or_default();
                if platform.os == "unknown" || media::is_index(child.media_type().as_ref()) {
                    continue;
                }
                let digest = crate::image::descriptor_digest(child)?;
                entries.push(entry(child.media_type().to_string(), digest, child.size(), platform));
            }
            Ok(entries)
        }
    }
}

/// An index entry's platform, as Go's types hold it.
fn go_platform(platform: &oci_spec::image::Platform) -> GoPlatform {
    serde_json::to_value(platform).ok().and_then(|value| serde_json::from_value(value).ok()).unwrap_or_default()
}

/// A manifest's platform, from its config on the registry.
async fn registry_platform(
    client: &RegistryClient,
    source: &Reference,
    manifest: &[u8],
) -> Result<GoPlatform, TransferError> {
    let digest = config_digest(manifest)?;
    let config = client.get_small_blob(source.repository(), &digest).await?;
    Ok(serde_json::from_slice(&config).unwrap_or_default())
}

/// A manifest's platform, from its config in the store.
fn stored_platform(store: Option<&Store>, manifest: &[u8]) -> Result<GoPlatform, TransferError> {
    let digest = config_digest(manifest)?;
    let config = store.map(|store| store.read_document(&digest)).transpose()?.unwrap_or_default();
    Ok(serde_json::from_slice(&config).unwrap_or_default())
}

fn config_digest(manifest: &[u8]) -> Result<Digest, TransferError> {
    #[derive(Deserialize)]
    struct Config {
        digest: String,
    }
    #[derive(Deserialize)]
    struct Manifest {
        config: Config,
    }
    let bad = |reason: String| TransferError::BadManifest { registry: "the source".into(), reason };
    let manifest: Manifest = serde_json::from_slice(manifest).map_err(|err| bad(err.to_string()))?;
    Digest::parse(&manifest.config.digest).map_err(|err| bad(err.to_string()))
}

/// The bytes, media type and digest of what the store names `source`.
fn stored(store: &Store, source: &Reference) -> Result<Option<(Vec<u8>, String, Digest)>, TransferError> {
    let full = source.full();
    let Some(entry) =
        store.names()?.into_iter().find(|entry| entry.reference.as_ref().is_some_and(|r| r.full() == full))
    else {
        return Ok(None);
    };
    let digest = crate::image::descriptor_digest(&entry.descriptor)?;
    let bytes = store.read_document(&digest)?;
    Ok(Some((bytes, entry.descriptor.media_type().to_string(), digest)))
}

/// The index docker pushes for these entries: an OCI index when the first is an OCI
/// manifest, else a Docker manifest list; Go's `json.MarshalIndent` with three spaces.
pub(crate) fn index_bytes(entries: &[Entry]) -> Result<(String, Vec<u8>), TransferError> {
    #[derive(Serialize)]
    struct Item<'a> {
        #[serde(rename = "mediaType")]
        media_type: &'a str,
        size: u64,
        digest: &'a Digest,
        platform: &'a GoPlatform,
    }
    #[derive(Serialize)]
    struct Index<'a> {
        #[serde(rename = "schemaVersion")]
        schema_version: u32,
        #[serde(rename = "mediaType")]
        media_type: &'a str,
        manifests: Vec<Item<'a>>,
    }
    let media_type = match entries.first() {
        Some(entry) if entry.media_type == media::OCI_MANIFEST => media::OCI_INDEX,
        _ => media::DOCKER_LIST,
    };
    let manifests = entries
        .iter()
        .map(|e| Item { media_type: &e.media_type, size: e.size, digest: &e.digest, platform: &e.platform })
        .collect();
    let compact = serde_json::to_vec(&Index { schema_version: 2, media_type, manifests })
        .map_err(|err| TransferError::BadManifest { registry: "the list".into(), reason: err.to_string() })?;
    Ok((media_type.to_string(), gojson::indent(&gojson::html_escaped(&compact), "   ")))
}

/// What a push of a list did: the manifests it put into the list's repository, and the list.
pub(crate) struct PushedList {
    pub placed: Vec<Digest>,
    pub digest: Digest,
}

/// Pushes the list: each manifest into the list's repository (mounted from its source
/// repository, or pushed from the store), then the index under the list's tag.
pub(crate) async fn push_list(
    client: &Arc<RegistryClient>,
    store: Option<&Store>,
    list: &List,
    name: &Reference,
    uploads: super::concurrent::Concurrency,
    reporter: Arc<dyn Reporter>,
) -> Result<PushedList, TransferError> {
    let mut placed = Vec::new();
    for entry in &list.manifests {
        let target = name.with_digest(entry.digest.clone());
        if entry.local {
            let store = store.ok_or_else(|| TransferError::NoPlatformStored { digest: entry.digest.clone() })?;
            let descriptor = crate::image::descriptor(&entry.media_type, &entry.digest, entry.size);
            let options = PushOptions { platform: None, uploads };
            push(client, store, &target, &descriptor, &options, reporter.clone()).await?;
            placed.push(entry.digest.clone());
            continue;
        }
        let source = entry.source_repository()?;
        if source.repository() != name.repository() {
            let (from, to) = (Endpoint { client, reference: &source }, Endpoint { client, reference: &target });
            copy(from, to, None, reporter.clone()).await?;
            placed.push(entry.digest.clone());
        }
    }
    let (media_type, bytes) = index_bytes(&list.manifests)?;
    let digest = Digest::sha256_of(&bytes);
    client.put_manifest(name.repository(), name.tag_or_default(), &media_type, bytes).await?;
    Ok(PushedList { placed, digest })
}

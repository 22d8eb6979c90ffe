//! What `manifest inspect` reads of a remote image, as docker's `manifest inspect` reads it: a
//! manifest (with its config's platform, for `-v`), or an index and each of its manifests.
//! Each child of an index is only described by a `HEAD` unless its bytes are shown (`-v`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use super::TransferError;
use crate::digest::Digest;
use crate::image::media;
use crate::registry::manifests::Described;
use crate::registry::{FetchedManifest, RegistryClient};

/// A platform as Go's `ocispec.Platform` (and distribution's `PlatformSpec`) writes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(crate) struct GoPlatform {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(rename = "os.version", default, skip_serializing_if = "String::is_empty")]
    pub os_version: String,
    #[serde(rename = "os.features", default, skip_serializing_if = "Vec::is_empty")]
    pub os_features: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
}

/// One manifest of an index: what the index says of its platform, what the registry says of
/// the manifest, and its bytes when they were asked for.
pub(crate) struct Child {
    pub platform: GoPlatform,
    pub described: Described,
    pub bytes: Option<Vec<u8>>,
}

pub(crate) enum Remote {
    /// A manifest, and its config's bytes when they were asked for.
    Manifest { fetched: FetchedManifest, config: Option<Vec<u8>> },
    /// An index and its manifests, in its order.
    Index { children: Vec<Child> },
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    manifests: Option<Vec<Entry>>,
    config: Option<EntryDigest>,
}

#[derive(Deserialize)]
struct Entry {
    digest: String,
    #[serde(default)]
    platform: Option<GoPlatform>,
}

#[derive(Deserialize)]
struct EntryDigest {
    digest: String,
}

/// Reads `reference` (a tag or digest) of `repository`; `verbose` also reads what docker's `-v`
/// shows (the config of a manifest, the bytes of an index's manifests).
pub(crate) async fn read(
    client: &Arc<RegistryClient>,
    repository: &str,
    reference: &str,
    verbose: bool,
) -> Result<Remote, TransferError> {
    let fetched = client.get_manifest(repository, reference).await?;
    if let Ok(expected) = Digest::parse(reference)
        && fetched.digest != expected
    {
        return Err(bad(client, format!("it sent {} for {expected}", fetched.digest)));
    }
    let probe: Probe = serde_json::from_slice(&fetched.bytes).map_err(|err| bad(client, err.to_string()))?;
    let kind = if fetched.media_type.is_empty() {
        probe.media_type.clone().unwrap_or_default()
    } else {
        fetched.media_type.clone()
    };
    if media::is_schema1(&kind) {
        return Err(bad(client, "it is a schema 1 manifest, which docker and hoist no longer read".into()));
    }
    if media::is_index(&kind) || (!media::is_manifest(&kind) && probe.manifests.is_some()) {
        let entries = probe.manifests.unwrap_or_default();
        let children = children(client, repository, entries, verbose).await?;
        return Ok(Remote::Index { children });
    }
    let config = match (verbose, probe.config) {
        (true, Some(config)) => {
            let digest = Digest::parse(&config.digest).map_err(|err| bad(client, err.to_string()))?;
            Some(client.get_small_blob(repository, &digest).await?)
        }
        _ => None,
    };
    Ok(Remote::Manifest { fetched, config })
}

/// Each entry's manifest, several at once: described by `HEAD`, or fetched when `verbose`.
async fn children(
    client: &Arc<RegistryClient>,
    repository: &str,
    entries: Vec<Entry>,
    verbose: bool,
) -> Result<Vec<Child>, TransferError> {
    let mut tasks = JoinSet::new();
    for (position, entry) in entries.into_iter().enumerate() {
        let digest = Digest::parse(&entry.digest).map_err(|err| bad(client, err.to_string()))?;
        let (client, repository) = (client.clone(), repository.to_string());
        tasks.spawn(async move {
            let child = child(&client, &repository, &digest, verbose).await;
            (
                position,
                child.map(|(described, bytes)| Child {
                    platform: entry.platform.unwrap_or_default(),
                    described,
                    bytes,
                }),
            )
        });
    }
    let mut children: Vec<Option<Child>> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (position, child) =
            joined.map_err(|err| TransferError::Stopped { what: "manifest read", reason: err.to_string() })?;
        if children.len() <= position {
            children.resize_with(position + 1, || None);
        }
        children[position] = Some(child?);
    }
    Ok(children.into_iter().flatten().collect())
}

async fn child(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    verbose: bool,
) -> Result<(Described, Option<Vec<u8>>), TransferError> {
    let described = match verbose {
        false => client.describe_manifest(repository, digest.as_str()).await?,
        true => None,
    };
    let (described, bytes) = match described {
        Some(described) => (described, None),
        None => {
            let fetched = client.get_manifest(repository, digest.as_str()).await?;
            let size = fetched.bytes.len() as u64;
            (Described { media_type: fetched.media_type, digest: fetched.digest, size }, Some(fetched.bytes))
        }
    };
    if described.digest != *digest {
        return Err(bad(client, format!("it sent {} for {digest}", described.digest)));
    }
    if media::is_index(&described.media_type) {
        return Err(TransferError::NestedIndex { digest: digest.clone() });
    }
    Ok((described, bytes))
}

fn bad(client: &RegistryClient, reason: String) -> TransferError {
    TransferError::BadManifest { registry: client.registry().to_string(), reason }
}

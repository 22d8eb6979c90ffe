//! The `docker save` / `podman save` format: `manifest.json` lists each image's config and
//! layer tars. Layers arrive as plain tars (or gzip) and are stored gzip-compressed, under an
//! OCI manifest made here (OCI, so that every OCI tool reads the store); the config is kept
//! byte for byte, so the image ID stays.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ArchiveError;
use super::entries::Entries;
use super::load::Found;
use crate::digest::Digest;
use crate::image::layer::{Plain, PreparedLayer, prepare_layer};
use crate::image::{descriptor, media, parse_config};
use crate::parallel;
use crate::reference::Reference;
use crate::store::{MAX_DOCUMENT_SIZE, Store};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

struct Planned {
    names: Vec<Reference>,
    config_bytes: Vec<u8>,
    layers: Vec<String>,
}

pub(super) fn load(store: &Store, entries: &Entries) -> Result<Vec<Found>, ArchiveError> {
    let bytes = entries.read_document("manifest.json", MAX_DOCUMENT_SIZE)?;
    let images: Vec<ManifestEntry> = serde_json::from_slice(&bytes)
        .map_err(|err| ArchiveError::BadDocument { path: "manifest.json".into(), reason: err.to_string() })?;
    let mut expected: BTreeMap<String, Digest> = BTreeMap::new();
    let mut planned = Vec::new();
    for image in images {
        let (plan, diff_ids) = plan(entries, image)?;
        expected.extend(plan.layers.iter().cloned().zip(diff_ids));
        planned.push(plan);
    }
    let stored = store_layers(store, entries, expected)?;
    planned.into_iter().map(|plan| write_image(store, plan, &stored)).collect()
}

fn plan(entries: &Entries, image: ManifestEntry) -> Result<(Planned, Vec<Digest>), ArchiveError> {
    let config_bytes = entries.read_document(&image.config, MAX_DOCUMENT_SIZE)?;
    let config_digest = Digest::sha256_of(&config_bytes);
    let config = parse_config(&config_bytes, &config_digest)?;
    let diff_ids = config
        .rootfs()
        .diff_ids()
        .iter()
        .map(|diff_id| Digest::parse(diff_id))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ArchiveError::BadDocument { path: image.config.clone(), reason: err.to_string() })?;
    if diff_ids.len() != image.layers.len() {
        return Err(ArchiveError::LayerCount {
            config: image.config,
            layers: image.layers.len(),
            diff_ids: diff_ids.len(),
        });
    }
    let names = image
        .repo_tags
        .unwrap_or_default()
        .iter()
        .map(|tag| {
            Reference::parse(tag)
                .map_err(|err| ArchiveError::BadDocument { path: "manifest.json".into(), reason: err.to_string() })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((Planned { names, config_bytes, layers: image.layers }, diff_ids))
}

/// Compresses and hashes every layer on every core, largest first; commits them only when
/// all of them matched their diff_ids.
fn store_layers(
    store: &Store,
    entries: &Entries,
    expected: BTreeMap<String, Digest>,
) -> Result<BTreeMap<String, (Digest, u64)>, ArchiveError> {
    let mut jobs = expected
        .into_iter()
        .map(|(path, diff_id)| Ok((entries.locate(&path)?.size, path, diff_id)))
        .collect::<Result<Vec<_>, ArchiveError>>()?;
    jobs.sort_by_key(|job| std::cmp::Reverse(job.0));
    let prepared = parallel::map(jobs, parallel::cores(), |(_, path, diff_id)| -> Result<_, ArchiveError> {
        let layer = prepare_layer(store, entries.reader(&path)?, &path, Plain::Compress)?;
        check_diff_id(&path, &layer, &diff_id)?;
        Ok((path, layer.seal(None)?))
    });
    let sealed = prepared.into_iter().collect::<Result<Vec<_>, _>>()?;
    sealed.into_iter().map(|(path, blob)| Ok((path, blob.publish()?))).collect()
}

pub(super) fn check_diff_id(path: &str, layer: &PreparedLayer, expected: &Digest) -> Result<(), ArchiveError> {
    match &layer.diff_id {
        Some(actual) if actual != expected => Err(ArchiveError::DiffIdMismatch {
            path: path.to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

fn write_image(store: &Store, plan: Planned, stored: &BTreeMap<String, (Digest, u64)>) -> Result<Found, ArchiveError> {
    let config_digest = store.write_blob(&plan.config_bytes)?;
    let layers = plan
        .layers
        .iter()
        .map(|path| {
            let (digest, size) = stored.get(path).ok_or_else(|| ArchiveError::Missing { path: path.clone() })?;
            Ok(descriptor(media::OCI_LAYER_GZIP, digest, *size))
        })
        .collect::<Result<Vec<_>, ArchiveError>>()?;
    let config = descriptor(media::OCI_CONFIG, &config_digest, plan.config_bytes.len() as u64);
    let manifest = crate::image::manifest_bytes(media::OCI_MANIFEST, config, layers)?;
    let manifest_digest = store.write_blob(&manifest)?;
    Ok(Found {
        names: plan.names,
        descriptor: descriptor(media::OCI_MANIFEST, &manifest_digest, manifest.len() as u64),
    })
}

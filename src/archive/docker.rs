//! The `docker save` / `podman save` format: `manifest.json` lists each image's config and
//! layer tars. Layers arrive as plain tars (or gzip) and are stored gzip-compressed, under an
//! OCI manifest made here (OCI, so that every OCI tool reads the store); the config is kept
//! byte for byte, so the image ID stays.
//!
//! A layer is stored once per distinct diff_id, however many paths name it: old `docker save`
//! links a repeated layer to its first copy, and a hostile archive can name one small gzip
//! bomb through any number of symlinks. Each distinct layer is decompressed and checked once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ArchiveError;
use super::entries::{Contents, Entries, Located};
use super::{Found, check_diff_id};
use crate::digest::Digest;
use crate::image::layer::Plain;
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
    /// The diff_id of each layer, in order.
    layers: Vec<Digest>,
}

/// A layer to store: one per distinct diff_id, read from the first path that names it.
#[derive(Clone, Debug)]
pub struct DistinctLayer {
    pub diff_id: Digest,
    pub path: String,
    /// Where the path leads (after links): the layer's bytes in the archive.
    pub located: Located,
    /// How many of the images' layer paths name this diff_id (aliases and repeats included).
    pub names: usize,
}

/// A stored layer: its digest, size and media type.
type Stored = (Digest, u64, &'static str);

pub(super) fn load<'s>(store: &'s Store, entries: &impl Contents<'s>) -> Result<Vec<Found>, ArchiveError> {
    let (planned, layers) = plan_all(entries)?;
    let stored = store_layers(store, entries, layers)?;
    planned.into_iter().map(|plan| write_image(store, plan, &stored)).collect()
}

/// Reads `manifest.json` and the configs it names: the images to write, and the distinct
/// layers to store for them, largest first.
fn plan_all<'s>(entries: &impl Contents<'s>) -> Result<(Vec<Planned>, Vec<DistinctLayer>), ArchiveError> {
    let bytes = entries.read_document("manifest.json", MAX_DOCUMENT_SIZE)?;
    let images: Vec<ManifestEntry> = serde_json::from_slice(&bytes)
        .map_err(|err| ArchiveError::BadDocument { path: "manifest.json".into(), reason: err.to_string() })?;
    let mut layers: BTreeMap<Digest, DistinctLayer> = BTreeMap::new();
    let mut planned = Vec::new();
    for image in images {
        let (plan, paths) = plan(entries, image)?;
        for (path, diff_id) in paths.into_iter().zip(&plan.layers) {
            match layers.get_mut(diff_id) {
                Some(layer) => layer.names += 1,
                None => {
                    let located = entries.resolve(&path)?.1;
                    layers.insert(diff_id.clone(), DistinctLayer { diff_id: diff_id.clone(), path, located, names: 1 });
                }
            }
        }
        planned.push(plan);
    }
    let mut layers: Vec<DistinctLayer> = layers.into_values().collect();
    layers.sort_by_key(|layer| std::cmp::Reverse(layer.located.size));
    Ok((planned, layers))
}

/// The distinct layers of the `docker save` archive in `file`, as `load` would store them
/// (for fuzzing the resolution of paths and links): every path of every image's `Layers`
/// leads to one of them, each diff_id once.
pub fn distinct_layers(file: std::fs::File) -> Result<Vec<DistinctLayer>, ArchiveError> {
    let entries = Entries::scan(file)?;
    Ok(plan_all(&entries)?.1)
}

/// The image's plan and the archive path of each of its layers.
fn plan<'s>(entries: &impl Contents<'s>, image: ManifestEntry) -> Result<(Planned, Vec<String>), ArchiveError> {
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
    Ok((Planned { names, config_bytes, layers: diff_ids }, image.layers))
}

/// Compresses and hashes every distinct layer on every core, largest first; commits them only
/// when all of them matched their diff_ids. Returns each diff_id's stored blob.
fn store_layers<'s>(
    store: &'s Store,
    entries: &impl Contents<'s>,
    layers: Vec<DistinctLayer>,
) -> Result<BTreeMap<Digest, Stored>, ArchiveError> {
    let prepared = parallel::map(layers, parallel::cores(), |layer| -> Result<_, ArchiveError> {
        let prepared = entries.prepare(store, &layer.path, Plain::Compress, None)?;
        check_diff_id(&layer.path, &prepared, &layer.diff_id)?;
        let media_type = prepared.media_type;
        Ok((layer.diff_id, prepared.seal(None)?, media_type))
    });
    let sealed = prepared.into_iter().collect::<Result<Vec<_>, _>>()?;
    sealed
        .into_iter()
        .map(|(diff_id, blob, media_type)| {
            let (digest, size) = blob.publish()?;
            Ok((diff_id, (digest, size, media_type)))
        })
        .collect()
}

fn write_image(store: &Store, plan: Planned, stored: &BTreeMap<Digest, Stored>) -> Result<Found, ArchiveError> {
    let config_digest = store.write_blob(&plan.config_bytes, None)?;
    let layers = plan
        .layers
        .iter()
        .map(|diff_id| {
            let (digest, size, media_type) =
                stored.get(diff_id).ok_or_else(|| ArchiveError::Missing { path: format!("layer {diff_id}") })?;
            Ok(descriptor(media_type, digest, *size))
        })
        .collect::<Result<Vec<_>, ArchiveError>>()?;
    let config = descriptor(media::OCI_CONFIG, &config_digest, plan.config_bytes.len() as u64);
    let manifest = crate::image::manifest_bytes(media::OCI_MANIFEST, config, layers)?;
    let manifest_digest = store.write_blob(&manifest, None)?;
    Ok(Found {
        names: plan.names,
        descriptor: descriptor(media::OCI_MANIFEST, &manifest_digest, manifest.len() as u64),
    })
}

//! `save`: writes images as a `docker save` archive (`manifest.json`, configs, plain layer
//! tars under `blobs/sha256/`), which `docker load` and `podman load` read. Every layer is
//! decompressed and checked against its diff_id before the first byte is written, so a bad
//! layer refuses the whole archive.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use serde::Serialize;

use super::ArchiveError;
use crate::digest::{Digest, VerifyingReader};
use crate::image::layer::uncompressed_reader;
use crate::image::{Image, ImageError, descriptor_digest};
use crate::parallel;
use crate::reference::Reference;
use crate::store::Store;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestEntry {
    config: String,
    repo_tags: Vec<String>,
    layers: Vec<String>,
}

/// One layer to write: its stored blob and what it must decompress to.
#[derive(Clone)]
struct Layer {
    digest: Digest,
    media_type: String,
    diff_id: Digest,
}

/// Writes `images` (each with the names to record for it) to `out` as one archive.
pub(crate) fn save(store: &Store, images: &[(Vec<Reference>, Image)], out: impl Write) -> Result<(), ArchiveError> {
    let mut layers: BTreeMap<Digest, Layer> = BTreeMap::new();
    let mut manifest = Vec::new();
    for (names, image) in images {
        let image_layers = layers_of(image)?;
        manifest.push(ManifestEntry {
            config: blob_path(&image.config_digest),
            repo_tags: names.iter().map(ToString::to_string).collect(),
            layers: image_layers.iter().map(|layer| blob_path(&layer.diff_id)).collect(),
        });
        layers.extend(image_layers.into_iter().map(|layer| (layer.diff_id.clone(), layer)));
    }
    let lengths = verify(store, layers.values().cloned().collect())?;
    let mut builder = tar::Builder::new(out);
    let mut configs = BTreeMap::new();
    for (_, image) in images {
        configs.insert(image.config_digest.clone(), image.config_bytes.as_slice());
    }
    for (digest, bytes) in configs {
        append(&mut builder, &blob_path(&digest), bytes.len() as u64, bytes)?;
    }
    for (layer, length) in layers.values().zip(lengths) {
        let reader = uncompressed_reader(store, &layer.digest, &layer.media_type)?;
        let mut checked = VerifyingReader::new(reader, layer.diff_id.verifier());
        append(&mut builder, &blob_path(&layer.diff_id), length, &mut checked)?;
        let actual = checked.into_verifier().finish();
        if actual != layer.diff_id {
            // The blob changed since it was verified; the caller discards the partial archive.
            return Err(ImageError::DiffIdMismatch {
                digest: layer.digest.clone(),
                expected: layer.diff_id.clone(),
                actual,
            }
            .into());
        }
    }
    let manifest = serde_json::to_vec(&manifest).map_err(|err| ArchiveError::Write(io::Error::other(err)))?;
    append(&mut builder, "manifest.json", manifest.len() as u64, manifest.as_slice())?;
    builder.into_inner().and_then(|mut out| out.flush()).map_err(ArchiveError::Write)
}

fn layers_of(image: &Image) -> Result<Vec<Layer>, ArchiveError> {
    let diff_ids = image.config.rootfs().diff_ids();
    if diff_ids.len() != image.manifest.layers().len() {
        return Err(ArchiveError::LayerCount {
            config: image.config_digest.to_string(),
            layers: image.manifest.layers().len(),
            diff_ids: diff_ids.len(),
        });
    }
    image
        .manifest
        .layers()
        .iter()
        .zip(diff_ids)
        .map(|(layer, diff_id)| {
            Ok(Layer {
                digest: descriptor_digest(layer)?,
                media_type: layer.media_type().to_string(),
                diff_id: Digest::parse(diff_id).map_err(ImageError::from)?,
            })
        })
        .collect()
}

/// Decompresses every layer once, on every core, checking its diff_id; returns the lengths
/// of the plain tars, which the archive's headers need before the content.
fn verify(store: &Store, layers: Vec<Layer>) -> Result<Vec<u64>, ArchiveError> {
    let results = parallel::map(layers, parallel::cores(), |layer| -> Result<u64, ArchiveError> {
        let reader = uncompressed_reader(store, &layer.digest, &layer.media_type)?;
        let mut hashing = VerifyingReader::new(reader, layer.diff_id.verifier());
        let length = io::copy(&mut hashing, &mut io::sink()).map_err(|err| ImageError::CorruptLayer {
            what: format!("layer {}", layer.digest),
            reason: err.to_string(),
        })?;
        let actual = hashing.into_verifier().finish();
        if actual != layer.diff_id {
            return Err(ImageError::DiffIdMismatch { digest: layer.digest, expected: layer.diff_id, actual }.into());
        }
        Ok(length)
    });
    results.into_iter().collect()
}

fn append(builder: &mut tar::Builder<impl Write>, path: &str, size: u64, data: impl Read) -> Result<(), ArchiveError> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    builder.append_data(&mut header, path, data).map_err(ArchiveError::Write)
}

fn blob_path(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm(), digest.hex())
}

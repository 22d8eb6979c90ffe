//! OCI archives (`oci-layout`, `index.json`, `blobs/`), as `skopeo copy ... oci-archive:` and
//! Docker 25+ write them. Every blob is kept byte for byte and checked against its digest;
//! layers are also checked against their diff_ids where hoist can decompress them.

use std::collections::BTreeMap;

use oci_spec::image::{Descriptor, ImageIndex};

use super::ArchiveError;
use super::entries::Contents;
use super::{Found, check_diff_id};
use crate::digest::Digest;
use crate::image::layer::Plain;
use crate::image::{Document, MAX_NESTING, descriptor_digest, parse_config};
use crate::parallel;
use crate::reference::Reference;
use crate::store::{MAX_DOCUMENT_SIZE, REF_NAME, Store};

/// containerd's (and Docker's) annotation with the full image name.
const CONTAINERD_NAME: &str = "io.containerd.image.name";

#[derive(Default)]
struct Collected {
    documents: BTreeMap<Digest, Vec<u8>>,
    /// Layer digest → (size, diff_id the config expects).
    layers: BTreeMap<Digest, (u64, Digest)>,
}

pub(super) fn load<'s>(store: &'s Store, entries: &impl Contents<'s>) -> Result<Vec<Found>, ArchiveError> {
    let bytes = entries.read_document("index.json", MAX_DOCUMENT_SIZE)?;
    let index: ImageIndex = serde_json::from_slice(&bytes)
        .map_err(|err| ArchiveError::BadDocument { path: "index.json".into(), reason: err.to_string() })?;
    let mut collected = Collected::default();
    let mut found = Vec::new();
    for entry in index.manifests() {
        collect(entries, entry, &mut collected, 0)?;
        let mut plain = entry.clone();
        plain.set_annotations(None);
        plain.set_platform(None);
        found.push(Found { names: name_of(entry).into_iter().collect(), descriptor: plain });
    }
    store_layers(store, entries, collected.layers)?;
    for (digest, bytes) in &collected.documents {
        store
            .write_blob(bytes, Some(digest))
            .map_err(|err| ArchiveError::BadDocument { path: blob_path(digest), reason: err.to_string() })?;
    }
    Ok(found)
}

/// The name an entry carries: containerd's full name, else a ref.name that is a whole reference
/// (a bare tag such as `latest` names nothing by itself).
fn name_of(entry: &Descriptor) -> Option<Reference> {
    let annotations = entry.annotations().as_ref()?;
    if let Some(name) = annotations.get(CONTAINERD_NAME) {
        return Reference::parse(name).ok();
    }
    let name = annotations.get(REF_NAME)?;
    if name.contains('/') || name.contains(':') { Reference::parse(name).ok() } else { None }
}

fn blob_path(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm(), digest.hex())
}

/// Reads a document named by `descriptor` from the archive, checking size and digest.
fn read_verified<'s>(entries: &impl Contents<'s>, descriptor: &Descriptor) -> Result<(Digest, Vec<u8>), ArchiveError> {
    let digest = descriptor_digest(descriptor)?;
    let path = blob_path(&digest);
    let bytes = entries.read_document(&path, MAX_DOCUMENT_SIZE)?;
    let mut verifier = digest.verifier();
    verifier.update(&bytes);
    if let Err(mismatch) = verifier.check(&digest, descriptor.size()) {
        return Err(ArchiveError::BadDocument { path, reason: mismatch.to_string() });
    }
    Ok((digest, bytes))
}

fn collect<'s>(
    entries: &impl Contents<'s>,
    descriptor: &Descriptor,
    collected: &mut Collected,
    depth: usize,
) -> Result<(), ArchiveError> {
    if depth > MAX_NESTING {
        return Err(ArchiveError::Image(crate::image::ImageError::TooDeep(MAX_NESTING)));
    }
    let (digest, bytes) = read_verified(entries, descriptor)?;
    let media_type = descriptor.media_type().to_string();
    match Document::parse(&bytes, &digest, Some(&media_type))? {
        Document::Index(index) => {
            // An archive may hold only some platforms of an index (docker saves the host's).
            let present: Vec<&Descriptor> = index
                .manifests()
                .iter()
                .filter(|child| descriptor_digest(child).is_ok_and(|d| entries.contains(&blob_path(&d))))
                .collect();
            if present.is_empty() {
                return Err(ArchiveError::Missing { path: format!("image for any platform of {digest}") });
            }
            for child in present {
                collect(entries, child, collected, depth + 1)?;
            }
        }
        Document::Manifest(manifest) => {
            let (config_digest, config_bytes) = read_verified(entries, manifest.config())?;
            let config = parse_config(&config_bytes, &config_digest)?;
            let diff_ids = config.rootfs().diff_ids();
            if diff_ids.len() != manifest.layers().len() {
                return Err(ArchiveError::LayerCount {
                    config: blob_path(&config_digest),
                    layers: manifest.layers().len(),
                    diff_ids: diff_ids.len(),
                });
            }
            for (layer, diff_id) in manifest.layers().iter().zip(diff_ids) {
                let diff_id = Digest::parse(diff_id).map_err(|err| ArchiveError::BadDocument {
                    path: blob_path(&config_digest),
                    reason: err.to_string(),
                })?;
                collected.layers.insert(descriptor_digest(layer)?, (layer.size(), diff_id));
            }
            collected.documents.insert(config_digest, config_bytes);
        }
    }
    collected.documents.insert(digest, bytes);
    Ok(())
}

fn store_layers<'s>(
    store: &'s Store,
    entries: &impl Contents<'s>,
    layers: BTreeMap<Digest, (u64, Digest)>,
) -> Result<(), ArchiveError> {
    let mut jobs: Vec<_> = layers.into_iter().filter(|(digest, _)| !store.has_blob(digest)).collect();
    jobs.sort_by_key(|(_, (size, _))| std::cmp::Reverse(*size));
    let results = parallel::map(jobs, parallel::cores(), |(digest, (size, diff_id))| -> Result<_, ArchiveError> {
        let path = blob_path(&digest);
        let layer = entries.prepare(store, &path, Plain::Keep, Some(&digest))?;
        check_diff_id(&path, &layer, &diff_id)?;
        Ok(layer.seal(Some((&digest, size)))?)
    });
    // Published only once every layer is good, so a bad archive leaves the store as it was.
    let sealed = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    for blob in sealed {
        blob.publish()?;
    }
    Ok(())
}

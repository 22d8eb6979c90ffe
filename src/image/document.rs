//! Manifests and indexes as stored bytes plus their parsed form. The bytes are never
//! re-serialised: a manifest's digest is the digest of exactly these bytes.

use oci_spec::image::{Descriptor, ImageConfiguration, ImageIndex, ImageManifest};
use serde::Deserialize;

use super::ImageError;
use super::media;
use crate::digest::Digest;
use crate::store::Store;

/// The most indexes hoist follows inside one another.
pub(crate) const MAX_NESTING: usize = 4;
/// The most layers an image may have (Docker stops at 127; this leaves room, not abuse).
pub(super) const MAX_LAYERS: usize = 1000;
/// The most entries an index may list.
pub(super) const MAX_PLATFORMS: usize = 1000;

#[expect(clippy::large_enum_variant, reason = "one short-lived value per document read")]
pub enum Document {
    Manifest(ImageManifest),
    Index(ImageIndex),
}

/// Just enough of any manifest-like JSON to tell what it is.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    schema_version: Option<u32>,
    media_type: Option<String>,
    manifests: Option<serde_json::Value>,
}

impl Document {
    /// Parses a manifest or index; `media_type` is what the descriptor or registry claimed.
    pub fn parse(bytes: &[u8], digest: &Digest, media_type: Option<&str>) -> Result<Document, ImageError> {
        let bad = |reason: String| ImageError::BadDocument { what: "manifest", digest: digest.clone(), reason };
        let probe: Probe = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
        let kind = probe.media_type.as_deref().or(media_type).unwrap_or_default().to_string();
        if media::is_schema1(&kind) || probe.schema_version == Some(1) {
            return Err(ImageError::Schema1 { digest: digest.clone() });
        }
        if media::is_index(&kind) || (kind.is_empty() && probe.manifests.is_some()) {
            let index: ImageIndex = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
            if index.manifests().len() > MAX_PLATFORMS {
                return Err(bad(format!(
                    "it lists {} images, more than the {MAX_PLATFORMS} hoist accepts",
                    index.manifests().len()
                )));
            }
            return Ok(Document::Index(index));
        }
        if media::is_manifest(&kind) || kind.is_empty() {
            let manifest: ImageManifest = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
            if manifest.layers().len() > MAX_LAYERS {
                return Err(bad(format!(
                    "it has {} layers, more than the {MAX_LAYERS} hoist accepts",
                    manifest.layers().len()
                )));
            }
            return Ok(Document::Manifest(manifest));
        }
        Err(ImageError::UnknownMediaType { digest: digest.clone(), media_type: kind })
    }

    pub fn read(store: &Store, descriptor: &Descriptor) -> Result<(Digest, Document), ImageError> {
        let digest = descriptor_digest(descriptor)?;
        let bytes = store.read_document(&digest)?;
        let media_type = descriptor.media_type().to_string();
        Ok((digest.clone(), Document::parse(&bytes, &digest, Some(&media_type))?))
    }
}

/// The validated digest of a descriptor: every digest hoist acts on passes `Digest::parse`.
pub fn descriptor_digest(descriptor: &Descriptor) -> Result<Digest, ImageError> {
    Ok(Digest::parse(descriptor.digest().as_ref())?)
}

pub fn parse_config(bytes: &[u8], digest: &Digest) -> Result<ImageConfiguration, ImageError> {
    serde_json::from_slice(bytes).map_err(|err| ImageError::BadDocument {
        what: "image config",
        digest: digest.clone(),
        reason: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<Document, ImageError> {
        let bytes = serde_json::to_vec(&json).unwrap();
        Document::parse(&bytes, &Digest::sha256_of(&bytes), None)
    }

    #[test]
    fn refuses_schema1_and_too_many_entries() {
        assert!(matches!(
            parse(serde_json::json!({"schemaVersion": 1, "fsLayers": []})),
            Err(ImageError::Schema1 { .. })
        ));
        let layer = serde_json::json!({"mediaType": media::OCI_LAYER_GZIP, "digest": Digest::sha256_of(b"x").to_string(), "size": 1});
        let config = serde_json::json!({"mediaType": media::OCI_CONFIG, "digest": Digest::sha256_of(b"c").to_string(), "size": 1});
        let manifest = |count: usize| serde_json::json!({"schemaVersion": 2, "mediaType": media::OCI_MANIFEST, "config": config, "layers": vec![layer.clone(); count]});
        assert!(matches!(parse(manifest(MAX_LAYERS)), Ok(Document::Manifest(_))));
        let error = parse(manifest(MAX_LAYERS + 1)).err().unwrap().to_string();
        assert!(error.contains("more than the 1000"), "{error}");
        let index = serde_json::json!({"schemaVersion": 2, "mediaType": media::OCI_INDEX, "manifests": vec![layer; MAX_PLATFORMS + 1]});
        let error = parse(index).err().unwrap().to_string();
        assert!(error.contains("more than the 1000"), "{error}");
        assert!(parse(serde_json::json!([1, 2, 3])).is_err());
    }
}

//! Manifests and indexes as stored bytes plus their parsed form. The bytes are never
//! re-serialised: a manifest's digest is the digest of exactly these bytes.

use oci_spec::image::{Descriptor, ImageConfiguration, ImageIndex, ImageManifest};
use serde::Deserialize;

use super::ImageError;
use super::media;
use crate::digest::Digest;
use crate::store::Store;

/// The most indexes hoist follows inside one another.
pub const MAX_NESTING: usize = 4;

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
            let index = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
            return Ok(Document::Index(index));
        }
        if media::is_manifest(&kind) || kind.is_empty() {
            let manifest = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
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

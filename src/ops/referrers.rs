//! `cp --referrers`: what refers to the copied manifests (signatures, SBOMs, attestations)
//! goes with them. Referrers are listed through the source's OCI 1.1 referrers API, else its
//! `sha256-<hex>` tag schema; each is copied by digest, and where the destination has no
//! referrers API its tag-schema index is written too (the source's own bytes when it had one
//! and the destination none, so that its digest stays). Referrers of referrers follow.

use std::sync::Arc;

use serde_json::Value;

use super::TransferError;
use super::copy::{Endpoint, copy};
use super::report::Reporter;
use crate::digest::Digest;
use crate::image::media;
use crate::registry::{RegistryClient, RegistryError};

/// How deep referrers of referrers are followed.
const MAX_DEPTH: usize = 4;

/// One referrer copied: what it is, and what it refers to.
pub(crate) struct CopiedReferrer {
    pub digest: Digest,
    pub artifact_type: String,
    pub subject: Digest,
}

/// Where a subject's referrers were listed, and the listing.
struct Listing {
    entries: Vec<Value>,
    /// The `sha256-<hex>` index's bytes, when that is where they were.
    tag_index: Option<Vec<u8>>,
}

/// Copies the referrers of `top` (and of an index's manifests) from `source`'s repository to
/// `destination`'s, after the image itself was copied.
pub(crate) async fn copy_referrers(
    source: Endpoint<'_>,
    destination: Endpoint<'_>,
    top: &Digest,
    reporter: Arc<dyn Reporter>,
) -> Result<Vec<CopiedReferrer>, TransferError> {
    let mut subjects = vec![(top.clone(), 0)];
    subjects.extend(
        children(destination.client, destination.reference.repository(), top).await?.into_iter().map(|d| (d, 0)),
    );
    let mut copied = Vec::new();
    while let Some((subject, depth)) = subjects.pop() {
        let listing = list(source.client, source.reference.repository(), &subject).await?;
        if listing.entries.is_empty() {
            continue;
        }
        for entry in &listing.entries {
            let Some(digest) = entry["digest"].as_str().and_then(|text| Digest::parse(text).ok()) else { continue };
            let from = source.reference.with_digest(digest.clone());
            let to = destination.reference.with_digest(digest.clone());
            copy(
                Endpoint { client: source.client, reference: &from },
                Endpoint { client: destination.client, reference: &to },
                None,
                reporter.clone(),
            )
            .await?;
            let artifact_type = entry["artifactType"].as_str().unwrap_or_default().to_string();
            copied.push(CopiedReferrer { digest: digest.clone(), artifact_type, subject: subject.clone() });
            if depth + 1 < MAX_DEPTH {
                subjects.push((digest, depth + 1));
            }
        }
        record(destination.client, destination.reference.repository(), &subject, &listing).await?;
    }
    Ok(copied)
}

/// The manifests an index names, as the destination now holds it.
async fn children(client: &RegistryClient, repository: &str, top: &Digest) -> Result<Vec<Digest>, TransferError> {
    let fetched = client.get_manifest(repository, top.as_str()).await?;
    if !media::is_index(&fetched.media_type) {
        return Ok(Vec::new());
    }
    let index: Value = serde_json::from_slice(&fetched.bytes).map_err(|err| bad(client, err.to_string()))?;
    let entries = index["manifests"].as_array().cloned().unwrap_or_default();
    Ok(entries.iter().filter_map(|entry| entry["digest"].as_str().and_then(|text| Digest::parse(text).ok())).collect())
}

/// The referrers of `subject`: the referrers API, else the tag schema.
async fn list(client: &RegistryClient, repository: &str, subject: &Digest) -> Result<Listing, TransferError> {
    if let Some(bytes) = client.referrers(repository, subject).await? {
        return Ok(Listing { entries: manifests(client, &bytes)?, tag_index: None });
    }
    match client.get_manifest(repository, &schema_tag(subject)).await {
        Ok(fetched) => Ok(Listing { entries: manifests(client, &fetched.bytes)?, tag_index: Some(fetched.bytes) }),
        Err(RegistryError::NotFound { .. }) => Ok(Listing { entries: Vec::new(), tag_index: None }),
        Err(err) => Err(err.into()),
    }
}

/// Where the destination has no referrers API, its `sha256-<hex>` index lists the referrers:
/// the source's bytes when the destination had none, else the union of both.
async fn record(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    listing: &Listing,
) -> Result<(), TransferError> {
    if client.referrers(repository, subject).await?.is_some() {
        return Ok(());
    }
    let tag = schema_tag(subject);
    let existing = match client.get_manifest(repository, &tag).await {
        Ok(fetched) => Some(manifests(client, &fetched.bytes)?),
        Err(RegistryError::NotFound { .. }) => None,
        Err(err) => return Err(err.into()),
    };
    let bytes = match (existing, &listing.tag_index) {
        (None, Some(bytes)) => bytes.clone(),
        (existing, _) => {
            let mut entries = existing.unwrap_or_default();
            for entry in &listing.entries {
                if !entries.iter().any(|old| old["digest"] == entry["digest"]) {
                    entries.push(entry.clone());
                }
            }
            let index = serde_json::json!({"schemaVersion": 2, "mediaType": media::OCI_INDEX, "manifests": entries});
            serde_json::to_vec(&index).map_err(|err| bad(client, err.to_string()))?
        }
    };
    client.put_manifest(repository, &tag, media::OCI_INDEX, bytes).await?;
    Ok(())
}

fn manifests(client: &RegistryClient, index: &[u8]) -> Result<Vec<Value>, TransferError> {
    let index: Value = serde_json::from_slice(index).map_err(|err| bad(client, format!("a referrers index: {err}")))?;
    Ok(index["manifests"].as_array().cloned().unwrap_or_default())
}

/// The tag schema's tag for `subject`: `sha256-<hex>`.
fn schema_tag(subject: &Digest) -> String {
    subject.as_str().replacen(':', "-", 1)
}

fn bad(client: &RegistryClient, reason: String) -> TransferError {
    TransferError::BadManifest { registry: client.registry().to_string(), reason }
}

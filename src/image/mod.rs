//! Images: the content a name points at, read from the store, summarised and looked up.
//!
//! Not every entry of the store's `index.json` is an image hoist can open (SPEC §4): another
//! tool may keep an OCI artifact there (an empty config, no platform), and a name may point at
//! content that is missing or damaged. Such entries are summarised all the same, with their
//! [`Kind`], so that one of them never stops a command about the others.

pub(crate) mod changes;
mod document;
mod error;
pub(crate) mod filter;
pub(crate) mod layer;
pub(crate) mod listing;
mod lookup;
pub(crate) mod media;
pub(crate) mod platform;

use std::collections::HashMap;

use oci_spec::image::{Descriptor, ImageConfiguration, ImageManifest};

pub(crate) use document::MAX_NESTING;
pub use document::{Document, descriptor_digest, parse_config};
pub(crate) use error::ImageError;
pub(crate) use lookup::{LookupError, Target, lookup};
pub use platform::Platform;

use crate::digest::Digest;
use crate::store::{NameEntry, Store};

/// Annotations hoist keeps on its own index entries so that `images` needs to read nothing else.
pub(crate) const ANNOTATION_ID: &str = crate::store::IMAGE_ID;
pub(crate) const ANNOTATION_CREATED: &str = "io.hoist.image.created";
pub(crate) const ANNOTATION_SIZE: &str = "io.hoist.image.size";

/// A single-platform image: its manifest and config, both as stored.
pub(crate) struct Image {
    pub manifest_digest: Digest,
    pub manifest: ImageManifest,
    pub config_digest: Digest,
    pub config_bytes: Vec<u8>,
    pub config: ImageConfiguration,
}

impl Image {
    /// Opens the image a descriptor points at; for an index, the entry for `platform` when
    /// present locally, otherwise the first entry that is.
    pub(crate) fn open(store: &Store, descriptor: &Descriptor, platform: &Platform) -> Result<Image, ImageError> {
        let (manifest_digest, manifest) = resolve_manifest(store, descriptor, platform, 0)?;
        let config_type = manifest.config().media_type().to_string();
        if !media::is_image_config(&config_type) {
            return Err(ImageError::NotAnImage { digest: manifest_digest, config_type });
        }
        let config_digest = descriptor_digest(manifest.config())?;
        let config_bytes = store.read_document(&config_digest)?;
        let config = parse_config(&config_bytes, &config_digest)?;
        Ok(Image { manifest_digest, manifest, config_digest, config_bytes, config })
    }

    /// What the image takes in the store: config and (compressed) layers, Docker's content size.
    pub(crate) fn content_size(&self) -> u64 {
        self.manifest.config().size() + self.manifest.layers().iter().map(Descriptor::size).sum::<u64>()
    }

    pub(crate) fn summary(&self) -> Summary {
        Summary {
            id: self.config_digest.clone(),
            created: self.config.created().clone(),
            size: self.content_size(),
            kind: Kind::Image,
        }
    }
}

fn resolve_manifest(
    store: &Store,
    descriptor: &Descriptor,
    platform: &Platform,
    depth: usize,
) -> Result<(Digest, ImageManifest), ImageError> {
    if depth > MAX_NESTING {
        return Err(ImageError::TooDeep(MAX_NESTING));
    }
    let (digest, document) = Document::read(store, descriptor)?;
    let index = match document {
        Document::Manifest(manifest) => return Ok((digest, manifest)),
        Document::Index(index) => index,
    };
    let present = |entry: &&Descriptor| descriptor_digest(entry).is_ok_and(|digest| store.has_blob(&digest));
    let matching = index
        .manifests()
        .iter()
        .filter(present)
        .find(|entry| entry.platform().as_ref().is_some_and(|p| platform.matches(p)));
    let chosen = matching.or_else(|| index.manifests().iter().find(present));
    match chosen {
        Some(entry) => resolve_manifest(store, entry, platform, depth + 1),
        None => Err(ImageError::NoMatchingPlatform {
            wanted: platform.to_string(),
            digest,
            available: available_platforms(index.manifests()),
        }),
    }
}

pub fn available_platforms(entries: &[Descriptor]) -> String {
    let names: Vec<String> = entries.iter().filter_map(|e| e.platform().as_ref()).map(Platform::describe).collect();
    if names.is_empty() { "no platforms".to_string() } else { names.join(", ") }
}

/// What `images` shows of an entry.
#[derive(Clone, Debug)]
pub(crate) struct Summary {
    /// The image ID (the config's digest); for an entry that is not an image, the digest of
    /// what the entry points at.
    pub id: Digest,
    pub created: Option<String>,
    pub size: u64,
    pub kind: Kind,
}

/// What an entry of the store is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An image hoist can open.
    Image,
    /// Content hoist can read but that is not an image (another tool's OCI artifact); why.
    Foreign(String),
    /// The content is missing or damaged; why.
    Dangling(String),
}

impl Summary {
    /// Reads the summary from hoist's annotations, or from the content for entries other tools
    /// wrote. Never fails: what cannot be read is a [`Kind::Foreign`] or [`Kind::Dangling`] entry.
    pub(crate) fn of(store: &Store, entry: &NameEntry) -> Summary {
        let cached = || -> Option<Summary> {
            Some(Summary {
                id: Digest::parse(entry.annotation(ANNOTATION_ID)?).ok()?,
                created: entry.annotation(ANNOTATION_CREATED).map(str::to_string),
                size: entry.annotation(ANNOTATION_SIZE)?.parse().ok()?,
                kind: Kind::Image,
            })
        };
        let top = descriptor_digest(&entry.descriptor);
        // What hoist wrote is trusted for the figures, but the content must still be there.
        if let (Some(summary), Ok(top)) = (cached(), &top)
            && store.has_blob(top)
        {
            return summary;
        }
        match Image::open(store, &entry.descriptor, &Platform::host()) {
            Ok(image) => image.summary(),
            Err(error) => Summary::not_an_image(store, entry, error),
        }
    }

    /// The summary of an entry `Image::open` refused, with the reason as its kind.
    fn not_an_image(store: &Store, entry: &NameEntry, error: ImageError) -> Summary {
        let id = descriptor_digest(&entry.descriptor)
            .unwrap_or_else(|_| Digest::sha256_of(entry.descriptor.digest().as_ref().as_bytes()));
        let kind = match &error {
            ImageError::Store(_) | ImageError::NoMatchingPlatform { .. } | ImageError::BadDigest(_) => {
                Kind::Dangling(error.to_string())
            }
            _ => Kind::Foreign(error.to_string()),
        };
        let size = match Document::read(store, &entry.descriptor) {
            Ok((_, Document::Manifest(manifest))) => {
                manifest.config().size() + manifest.layers().iter().map(Descriptor::size).sum::<u64>()
            }
            _ => entry.descriptor.size(),
        };
        let created = entry.annotation("org.opencontainers.image.created").map(str::to_string);
        Summary { id, created, size, kind }
    }

    /// `descriptor` with this summary as annotations, ready to be a store entry.
    pub(crate) fn annotate(&self, mut descriptor: Descriptor) -> Descriptor {
        let mut annotations = descriptor.annotations().clone().unwrap_or_default();
        annotations.insert(ANNOTATION_ID.to_string(), self.id.to_string());
        annotations.insert(ANNOTATION_SIZE.to_string(), self.size.to_string());
        match &self.created {
            Some(created) => annotations.insert(ANNOTATION_CREATED.to_string(), created.clone()),
            None => annotations.remove(ANNOTATION_CREATED),
        };
        descriptor.set_annotations(Some(annotations));
        descriptor
    }
}

/// A descriptor for a stored manifest or index, annotated for the store's index.
pub(crate) fn entry_descriptor(store: &Store, descriptor: Descriptor) -> Result<Descriptor, ImageError> {
    let summary = Image::open(store, &descriptor, &Platform::host())?.summary();
    let mut plain = descriptor;
    plain.set_platform(None);
    Ok(summary.annotate(plain))
}

/// Every entry in the store with its summary, in the store's order.
pub(crate) fn list(store: &Store) -> Result<Vec<(NameEntry, Summary)>, ImageError> {
    Ok(summarize(store, store.names()?))
}

/// Each entry with its summary. Names that share an image (same content, same annotations)
/// share one summary: a store of many tags is read once per image, not once per name.
pub(crate) fn summarize(store: &Store, entries: Vec<NameEntry>) -> Vec<(NameEntry, Summary)> {
    let key = |entry: &NameEntry| {
        let annotation = |name: &str| entry.annotation(name).map(str::to_string);
        let digest = entry.descriptor.digest().to_string();
        let created = annotation("org.opencontainers.image.created");
        (digest, annotation(ANNOTATION_ID), annotation(ANNOTATION_CREATED), annotation(ANNOTATION_SIZE), created)
    };
    let mut known = HashMap::new();
    entries
        .into_iter()
        .map(|entry| {
            let summary = known.entry(key(&entry)).or_insert_with(|| Summary::of(store, &entry)).clone();
            (entry, summary)
        })
        .collect()
}

/// A descriptor of stored content.
pub(crate) fn descriptor(media_type: &str, digest: &Digest, size: u64) -> Descriptor {
    let digest = oci_spec::image::Digest::try_from(digest.to_string())
        .unwrap_or_else(|_| unreachable!("a validated digest is a valid OCI digest"));
    Descriptor::new(media_type.into(), size, digest)
}

/// The bytes of a new single-platform manifest, in the field order Docker writes.
pub(crate) fn manifest_bytes(
    media_type: &str,
    config: Descriptor,
    layers: Vec<Descriptor>,
) -> Result<Vec<u8>, ImageError> {
    let write_error = |err: String| ImageError::Write { source: std::io::Error::other(err) };
    let manifest = oci_spec::image::ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(media_type)
        .config(config)
        .layers(layers)
        .build()
        .map_err(|err| write_error(err.to_string()))?;
    serde_json::to_vec(&manifest).map_err(|err| write_error(err.to_string()))
}

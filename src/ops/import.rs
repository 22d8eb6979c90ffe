//! `import`: a root-filesystem tarball becomes a one-layer image for the host platform, as
//! `docker import` makes one, so that people without a Docker daemon can make images.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Component, Path};

use serde::Serialize;

use crate::digest::Digest;
use crate::image::layer::{Plain, prepare_layer};
use crate::image::{ImageError, Platform, descriptor, entry_descriptor, manifest_bytes, media};
use crate::reference::Reference;
use crate::store::Store;

/// What `import` writes into the new image's config besides its layer: the `config` object
/// (`-c` changes already applied) and the comment (`-m`, else `Imported from SOURCE`).
pub(crate) struct Settings {
    pub config: serde_json::Map<String, serde_json::Value>,
    pub message: Option<String>,
}

#[derive(Serialize)]
struct NewConfig<'a> {
    architecture: &'a str,
    os: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    created: &'a str,
    comment: &'a str,
    config: serde_json::Map<String, serde_json::Value>,
    rootfs: RootFs,
    history: [History<'a>; 1],
}

#[derive(Serialize)]
struct RootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: [Digest; 1],
}

#[derive(Serialize)]
struct History<'a> {
    created: &'a str,
    comment: String,
}

/// Imports the tarball in `file` (plain or gzip) as `reference`; returns the image ID.
/// `source` is what the history records it was imported from, unless `settings` has a message.
pub(crate) fn import(
    store: &Store,
    mut file: File,
    source: &str,
    reference: &Reference,
    settings: Settings,
) -> Result<Digest, ImageError> {
    check_tarball(&file)?;
    file.rewind().map_err(|err| read_error(source, err))?;
    let _writer = store.writer_lock()?;
    let layer = prepare_layer(store, &file, source, Plain::Compress, None)?;
    let diff_id = layer.diff_id.clone().ok_or_else(|| ImageError::CorruptLayer {
        what: source.to_string(),
        reason: "zstd tarballs are not supported".into(),
    })?;
    let media_type = layer.media_type;
    let (layer_digest, layer_size) = layer.seal(None)?.publish()?;

    let platform = Platform::host();
    let created = jiff::Timestamp::now().to_string();
    let comment = settings.message.unwrap_or_else(|| format!("Imported from {source}"));
    let config = NewConfig {
        architecture: &platform.architecture,
        os: &platform.os,
        variant: platform.variant.as_deref(),
        created: &created,
        comment: &comment,
        config: settings.config,
        rootfs: RootFs { kind: "layers", diff_ids: [diff_id] },
        history: [History { created: &created, comment: comment.clone() }],
    };
    let config_bytes =
        serde_json::to_vec(&config).map_err(|err| ImageError::Write { source: io::Error::other(err) })?;
    let config_digest = store.write_blob(&config_bytes, None)?;
    let manifest = manifest_bytes(
        media::OCI_MANIFEST,
        descriptor(media::OCI_CONFIG, &config_digest, config_bytes.len() as u64),
        vec![descriptor(media_type, &layer_digest, layer_size)],
    )?;
    let manifest_digest = store.write_blob(&manifest, None)?;
    let entry = entry_descriptor(store, descriptor(media::OCI_MANIFEST, &manifest_digest, manifest.len() as u64))?;
    let mut index = store.lock_index()?;
    index.set(reference, entry)?;
    index.save()?;
    Ok(config_digest)
}

/// Reads the tarball's headers once: it must be a tar, and no entry may leave the root.
fn check_tarball(file: &File) -> Result<(), ImageError> {
    let mut magic = [0u8; 2];
    let gzipped = std::os::unix::fs::FileExt::read_exact_at(file, &mut magic, 0).is_ok() && magic == [0x1f, 0x8b];
    let reader: Box<dyn Read> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(io::BufReader::new(file)))
    } else {
        Box::new(io::BufReader::new(file))
    };
    let bad = |reason: String| ImageError::CorruptLayer { what: "the tarball".into(), reason };
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(|err| bad(err.to_string()))? {
        let entry = entry.map_err(|err| bad(format!("not a tar archive: {err}")))?;
        let path = entry.path().map_err(|err| bad(err.to_string()))?;
        if escapes(&path) {
            return Err(bad(format!("entry {:?} points outside the root filesystem", path.display().to_string())));
        }
    }
    Ok(())
}

fn escapes(path: &Path) -> bool {
    path.components()
        .any(|component| matches!(component, Component::ParentDir | Component::RootDir | Component::Prefix(_)))
}

fn read_error(source: &str, err: io::Error) -> ImageError {
    ImageError::Read { what: source.to_string(), source: err }
}

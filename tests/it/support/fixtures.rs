//! Deterministic test content: root-filesystem tars, image configs and `docker save`
//! archives built in memory, so that digests are the same on every run and every machine.

use sha2::{Digest as _, Sha256};

use super::hex;

/// A tar of regular files, with fixed metadata.
pub fn rootfs_tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, path, *content).expect("append");
    }
    builder.into_inner().expect("finish tar")
}

/// A tar with one symbolic link, for archives whose entries point elsewhere.
pub fn tar_with_link(files: &[(&str, &[u8])], link: &str, target: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, path, *content).expect("append");
    }
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    builder.append_link(&mut header, link, target).expect("link");
    builder.into_inner().expect("finish tar")
}

/// A raw tar entry (no end-of-archive marker, so more entries can follow) with a path the
/// `tar` crate would refuse to write (`../x`, `/x`).
pub fn tar_with_raw_path(path: &str, content: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(content);
    bytes.resize(bytes.len().div_ceil(512) * 512, 0);
    bytes
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// An image config for these plain layer tars.
pub fn config(layers: &[Vec<u8>], created: &str) -> Vec<u8> {
    let diff_ids: Vec<String> = layers.iter().map(|layer| sha256(layer)).collect();
    config_with_diff_ids(&diff_ids, created)
}

/// An image config for layers whose plain tars have these digests.
pub fn config_with_diff_ids(diff_ids: &[String], created: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": diff_ids.iter().map(|_| serde_json::json!({"created": created, "created_by": "test"})).collect::<Vec<_>>(),
    }))
    .expect("config json")
}

/// An image for a `docker save` archive.
#[derive(Clone)]
pub struct ArchiveImage {
    pub repo_tags: Vec<String>,
    pub config: Vec<u8>,
    pub layers: Vec<Vec<u8>>,
}

impl ArchiveImage {
    /// An image of `layers` (each a list of files) named `repo_tags`.
    pub fn new(repo_tags: &[&str], layers: &[&[(&str, &[u8])]]) -> ArchiveImage {
        let layers: Vec<Vec<u8>> = layers.iter().map(|files| rootfs_tar(files)).collect();
        ArchiveImage {
            repo_tags: repo_tags.iter().map(ToString::to_string).collect(),
            config: config(&layers, "2024-01-02T03:04:05Z"),
            layers,
        }
    }

    pub fn id(&self) -> String {
        sha256(&self.config)
    }
}

/// A `docker save` archive in the classic layout (`<id>.json`, `<n>/layer.tar`, `manifest.json`).
pub fn docker_archive(images: &[ArchiveImage]) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest = Vec::new();
    for image in images {
        let config_path = format!("{}.json", image.id().trim_start_matches("sha256:"));
        files.push((config_path.clone(), image.config.clone()));
        let mut layer_paths = Vec::new();
        for layer in &image.layers {
            let path = format!("{}/layer.tar", sha256(layer).trim_start_matches("sha256:"));
            files.push((path.clone(), layer.clone()));
            layer_paths.push(path);
        }
        manifest.push(serde_json::json!({"Config": config_path, "RepoTags": image.repo_tags, "Layers": layer_paths}));
    }
    files.push(("manifest.json".into(), serde_json::to_vec(&manifest).expect("manifest")));
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())).collect();
    rootfs_tar(&borrowed)
}

/// Bytes that do not compress, from a seed, for layers whose size matters.
pub fn noise(seed: u64, length: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A gzip-compressed layer of `files`, as registries hold them.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// Writes an OCI image layout at `dir` holding one image per platform (`os`, `arch`,
/// `variant`), under an index when there are several; `tag` names the top. Returns the
/// top manifest's or index's digest.
pub fn oci_layout(
    dir: &std::path::Path,
    tag: &str,
    platforms: &[(&str, &str, Option<&str>)],
    content: &[u8],
) -> String {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("layout");
    let put = |bytes: &[u8]| {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(digest.trim_start_matches("sha256:")), bytes).expect("blob");
        serde_json::json!({"digest": digest, "size": bytes.len()})
    };
    let mut manifests = Vec::new();
    for (os, architecture, variant) in platforms {
        let plain = rootfs_tar(&[("etc/platform", format!("{os}/{architecture}").as_bytes()), ("data", content)]);
        let layer = put(&gzip(&plain));
        let mut config = serde_json::json!({
            "architecture": architecture, "os": os, "created": "2024-01-02T03:04:05Z",
            "config": {}, "rootfs": {"type": "layers", "diff_ids": [sha256(&plain)]},
        });
        let mut platform = serde_json::json!({"architecture": architecture, "os": os});
        if let Some(variant) = variant {
            config["variant"] = serde_json::json!(variant);
            platform["variant"] = serde_json::json!(variant);
        }
        let config = put(&serde_json::to_vec(&config).expect("config"));
        let manifest = serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config["digest"], "size": config["size"]},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer["digest"], "size": layer["size"]}],
        });
        let stored = put(&serde_json::to_vec(&manifest).expect("manifest"));
        manifests.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": stored["digest"], "size": stored["size"], "platform": platform,
        }));
    }
    let mut top = manifests[0].clone();
    if manifests.len() > 1 {
        let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
        let stored = put(&serde_json::to_vec(&index).expect("index"));
        top = serde_json::json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": stored["digest"], "size": stored["size"]});
    }
    top.as_object_mut().expect("object").remove("platform");
    top["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
    let layout = serde_json::json!({"schemaVersion": 2, "manifests": [top]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&layout).expect("index.json")).expect("index.json");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).expect("oci-layout");
    top["digest"].as_str().expect("digest").to_string()
}

/// A gzip layer as registries hold it, and the digest of its plain tar (the config's diff_id).
pub struct Layer {
    pub blob: Vec<u8>,
    pub diff_id: String,
}

impl Layer {
    /// The layer of a plain tar.
    pub fn of_tar(tar: &[u8]) -> Layer {
        Layer { blob: gzip(tar), diff_id: sha256(tar) }
    }

    pub fn digest(&self) -> String {
        sha256(&self.blob)
    }
}

/// One single-platform OCI image made of gzip layers: its config, manifest and digest.
pub struct OciImage {
    pub layers: Vec<Layer>,
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
}

impl OciImage {
    pub fn new(layers: Vec<Layer>) -> OciImage {
        let gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
        OciImage::new_with_media_types(layers.into_iter().map(|layer| (layer, gzip)).collect())
    }

    /// An image whose layers have the media types given (a plain `tar` one holds its tar).
    pub fn new_with_media_types(layers: Vec<(Layer, &str)>) -> OciImage {
        let media_types: Vec<String> = layers.iter().map(|(_, media_type)| media_type.to_string()).collect();
        let layers: Vec<Layer> = layers.into_iter().map(|(layer, _)| layer).collect();
        let diff_ids: Vec<String> = layers.iter().map(|layer| layer.diff_id.clone()).collect();
        let config = config_with_diff_ids(&diff_ids, "2024-01-02T03:04:05Z");
        let descriptor = |media_type: &str, bytes: &[u8]| serde_json::json!({"mediaType": media_type, "digest": sha256(bytes), "size": bytes.len()});
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor("application/vnd.oci.image.config.v1+json", &config),
            "layers": layers.iter().zip(&media_types).map(|(layer, media_type)| descriptor(media_type, &layer.blob)).collect::<Vec<_>>(),
        }))
        .expect("manifest");
        OciImage { layers, config, manifest }
    }

    /// A one-layer image of `files`.
    pub fn of_files(files: &[(&str, &[u8])]) -> OciImage {
        OciImage::new(vec![Layer::of_tar(&rootfs_tar(files))])
    }

    /// The manifest's digest.
    pub fn digest(&self) -> String {
        sha256(&self.manifest)
    }

    /// An OCI archive (the layout as a tar, `oci-archive:` to skopeo) holding the image as `name`.
    pub fn archive(&self, name: &str) -> Vec<u8> {
        let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": self.digest(),
            "size": self.manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": name},
        }]});
        let index = serde_json::to_vec(&index).expect("index.json");
        let mut files: Vec<(String, &[u8])> =
            vec![("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#), ("index.json".into(), &index)];
        let blobs = self.layers.iter().map(|layer| layer.blob.as_slice());
        for blob in blobs.chain([self.config.as_slice(), self.manifest.as_slice()]) {
            files.push((format!("blobs/sha256/{}", sha256(blob).trim_start_matches("sha256:")), blob));
        }
        let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), *bytes)).collect();
        rootfs_tar(&borrowed)
    }
}

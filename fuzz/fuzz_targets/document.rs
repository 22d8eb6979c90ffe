//! Manifest, index and image config decoding (`Document::parse`, `parse_config`) on any bytes,
//! with each media type a descriptor or registry may claim: the first byte picks it.
#![no_main]

use hoist::harness::Digest;
use hoist::harness::{Document, parse_config};
use libfuzzer_sys::fuzz_target;

const MEDIA_TYPES: [Option<&str>; 8] = [
    None,
    Some("application/vnd.oci.image.manifest.v1+json"),
    Some("application/vnd.oci.image.index.v1+json"),
    Some("application/vnd.docker.distribution.manifest.v2+json"),
    Some("application/vnd.docker.distribution.manifest.list.v2+json"),
    Some("application/vnd.docker.distribution.manifest.v1+prettyjws"),
    Some("application/json"),
    Some(""),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let digest = Digest::sha256_of(bytes);
    let media_type = MEDIA_TYPES[usize::from(selector) % MEDIA_TYPES.len()];
    match Document::parse(bytes, &digest, media_type) {
        Ok(Document::Manifest(manifest)) => {
            let _ = hoist::harness::descriptor_digest(manifest.config()).map(|digest| digest.to_string());
            for layer in manifest.layers() {
                let _ = hoist::harness::descriptor_digest(layer);
            }
        }
        Ok(Document::Index(index)) => {
            let _ = hoist::harness::available_platforms(index.manifests());
            let host = hoist::harness::Platform::host();
            for entry in index.manifests() {
                let _ = hoist::harness::descriptor_digest(entry);
                let _ = entry.platform().as_ref().map(|platform| host.matches(platform));
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    if let Ok(config) = parse_config(bytes, &digest) {
        let _ = (config.created(), config.rootfs().diff_ids().iter().filter(|id| Digest::parse(id).is_ok()).count());
    }
});

//! `load` of compressed archives (gzip, bzip2, xz, zstd), known by their first bytes and
//! decompressed as they stream: from a file and from standard input, compared with the plain
//! archive's load and with the Docker Engine's `docker load` of the same bytes.

use std::io::Write;
use std::process::Command;

use crate::support::fixtures::{self, ArchiveImage, OciImage, docker_archive};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, assert_consistent, require_docker, run_with_stdin};

fn compress(name: &str, bytes: &[u8]) -> Vec<u8> {
    match name {
        "gzip" => fixtures::gzip(bytes),
        "bzip2" => {
            let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        }
        "xz" => {
            let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 1);
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        }
        "zstd" => zstd::encode_all(bytes, 3).unwrap(),
        other => panic!("no compression {other}"),
    }
}

const LOADED: &str =
    "Loaded image: zipped:1\nLoaded image: zipped:latest\nLoaded image: registry.example.com/team/other:2\n";
const COMPRESSIONS: [&str; 4] = ["gzip", "bzip2", "xz", "zstd"];

fn images() -> Vec<ArchiveImage> {
    let noise = fixtures::noise(7, 300_000);
    vec![
        ArchiveImage::new(
            &["zipped:1", "zipped:latest"],
            &[&[("etc/os-release", b"zipped\n")], &[("bin/noise", &noise)]],
        ),
        ArchiveImage::new(&["registry.example.com/team/other:2"], &[&[("etc/os-release", b"zipped\n")]]),
    ]
}

fn blobs(context: &TestContext) -> Vec<(String, Vec<u8>)> {
    context.store_snapshot().into_iter().filter(|(path, _)| path.starts_with("blobs")).collect()
}

#[test]
fn compressed_archives_load_as_the_plain_one_does_from_a_file_and_from_stdin() {
    let images = images();
    let plain = docker_archive(&images);
    let reference = TestContext::new();
    reference.hoist_with_stdin(&["load"], &plain).success();
    for name in COMPRESSIONS {
        let compressed = compress(name, &plain);
        // The file name says nothing: the first bytes decide.
        let from_file = TestContext::new();
        let path = from_file.write("archive.bin", &compressed);
        let outcome = from_file.hoist(&["load", "-i", path.to_str().unwrap()]).success();
        assert_eq!((outcome.stdout.as_str(), outcome.stderr.as_str()), (LOADED, ""), "{name}");
        let from_stdin = TestContext::new();
        let outcome = from_stdin.hoist_with_stdin(&["load", "-q"], &compressed).success();
        assert_eq!(outcome.stdout, LOADED, "{name}: -q quiets progress, not the names");
        for context in [&from_file, &from_stdin] {
            assert_eq!(blobs(context), blobs(&reference), "{name}: the same blobs as the plain archive's");
            assert_eq!(assert_consistent(&context.root()), 3, "{name}");
            let id = context.hoist(&["images", "-q", "--no-trunc", "zipped:1"]).success().stdout;
            assert_eq!(id.trim(), images[0].id(), "{name}");
        }
    }
}

#[test]
fn compressed_oci_archives_keep_every_digest() {
    // One gzip layer (kept as it is) and one plain tar (which the manifest names plain).
    let gzip_layer = fixtures::Layer::of_tar(&fixtures::rootfs_tar(&[("a", b"a")]));
    let plain_tar = fixtures::rootfs_tar(&[("noise", &fixtures::noise(3, 200_000))]);
    let plain_layer = fixtures::Layer { diff_id: fixtures::sha256(&plain_tar), blob: plain_tar };
    let image = OciImage::new_with_media_types(vec![
        (gzip_layer, "application/vnd.oci.image.layer.v1.tar+gzip"),
        (plain_layer, "application/vnd.oci.image.layer.v1.tar"),
    ]);
    let archive = image.archive("docker.io/library/oci:1");
    for name in COMPRESSIONS {
        let context = TestContext::new();
        let outcome = context.hoist_with_stdin(&["load"], &compress(name, &archive)).success();
        assert_eq!(outcome.stdout, "Loaded image: oci:1\n", "{name}");
        let digest = context.hoist(&["images", "--digests", "--format", "{{.Digest}}", "oci:1"]).success().stdout;
        assert_eq!(digest.trim(), image.digest(), "{name}: the manifest is kept byte for byte");
        assert_eq!(assert_consistent(&context.root()), 1, "{name}");
    }
}

#[test]
fn incompressible_layers_are_stored_at_most_a_thousandth_larger() {
    let noise = fixtures::noise(11, 8 * 1024 * 1024);
    let images = [ArchiveImage::new(&["noise:1"], &[&[("noise", &noise)]])];
    let layer = images[0].layers[0].len() as f64;
    for (how, archive) in [("plain", docker_archive(&images)), ("gzip", fixtures::gzip(&docker_archive(&images)))] {
        let context = TestContext::new();
        context.hoist_with_stdin(&["load"], &archive).success();
        let largest = blobs(&context).iter().map(|(_, bytes)| bytes.len()).max().unwrap() as f64;
        assert!(largest <= layer * 1.001, "{how}: a {layer}-byte layer stored as {largest} bytes");
    }
}

#[test]
fn compressed_streams_that_are_not_image_archives_fail_and_change_nothing() {
    let context = TestContext::new();
    context.hoist_with_stdin(&["load"], &docker_archive(&images())).success();
    let before = context.store_snapshot();
    let good = fixtures::gzip(&docker_archive(&images()));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("gzip of text", fixtures::gzip(&b"hello, this is no archive\n".repeat(40))),
        ("xz of noise", compress("xz", &fixtures::noise(5, 4096))),
        ("zstd of a tar without manifest", compress("zstd", &fixtures::rootfs_tar(&[("hello.txt", b"hi")]))),
        ("bzip2 of nothing", compress("bzip2", b"")),
        ("truncated gzip", good[..good.len() / 2].to_vec()),
    ];
    let mut transcript = String::new();
    for (name, bytes) in cases {
        let outcome = context.hoist_with_stdin(&["load"], &bytes);
        transcript += &format!("$ hoist load < {name}\n{}\n", outcome.snapshot());
        assert_eq!(outcome.code, 1, "{name}");
        assert_eq!(context.store_snapshot(), before, "{name} changed the store");
        assert!(std::fs::read_dir(context.root().join("ingest")).unwrap().next().is_none(), "{name} left a file");
        if require_docker() {
            let docker = run_with_stdin(Command::new("docker").arg("load"), &bytes);
            assert_eq!(docker.code, 1, "{name}: docker load fails too: {}", docker.stderr);
        }
    }
    Filters::new(&context).settings().bind(|| insta::assert_snapshot!(transcript));
}

#[test]
fn docker_loads_the_same_compressed_archives_with_the_same_lines() {
    if !require_docker() {
        return;
    }
    let images = [ArchiveImage::new(&["hoist-compressed-test:1"], &[&[("etc/motd", b"compressed\n")]])];
    let plain = docker_archive(&images);
    // The engine here (20.10) reads no zstd archive (it takes one for a plain tar); newer ones do.
    for name in ["gzip", "bzip2", "xz"] {
        let compressed = compress(name, &plain);
        let context = TestContext::new();
        let ours = context.hoist_with_stdin(&["load"], &compressed).success();
        let theirs = run_with_stdin(Command::new("docker").arg("load"), &compressed);
        assert_eq!(theirs.code, 0, "{name}: {}", theirs.stderr);
        let _ = Command::new("docker").args(["rmi", "-f", "hoist-compressed-test:1"]).output();
        assert_eq!(ours.stdout, theirs.stdout, "{name}");
        let quiet = context.hoist_with_stdin(&["load", "-q"], &compressed).success();
        let docker_quiet = run_with_stdin(Command::new("docker").args(["load", "-q"]), &compressed).success();
        let _ = Command::new("docker").args(["rmi", "-f", "hoist-compressed-test:1"]).output();
        assert_eq!(quiet.stdout, docker_quiet.stdout, "{name} -q");
    }
}

//! The store stays consistent when processes share it and when they are killed mid-way, and
//! its files follow the umask.

use std::process::Stdio;
use std::thread;
use std::time::Duration;

use crate::support::fixtures::{self, ArchiveImage, docker_archive, noise};
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, assert_consistent};

/// An archive big enough that loading it takes a noticeable time.
fn big_archive(name: &str, seed: u64) -> Vec<u8> {
    let layers: Vec<Vec<u8>> = (0..3).map(|n| noise(seed + n, 6 << 20)).collect();
    let files: Vec<Vec<(String, Vec<u8>)>> =
        layers.into_iter().enumerate().map(|(n, bytes)| vec![(format!("data/{n}.bin"), bytes)]).collect();
    let borrowed: Vec<Vec<(&str, &[u8])>> =
        files.iter().map(|layer| layer.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect()).collect();
    let layer_refs: Vec<&[(&str, &[u8])]> = borrowed.iter().map(Vec::as_slice).collect();
    docker_archive(&[ArchiveImage::new(&[name], &layer_refs)])
}

#[test]
fn killed_writers_leave_no_half_blob_or_dangling_name() {
    let context = TestContext::new();
    let archive = context.write("big.tar", &big_archive("big:1", 1));
    context.hoist(&["images"]).success(); // the store exists before the first writer is killed
    for delay_ms in [5, 20, 50, 100, 150, 250, 400] {
        let mut child = context
            .command()
            .args(["load", "-i", archive.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert_consistent(&context.root());
        let listed = context.hoist(&["images", "-q"]).success().stdout;
        assert!(listed.lines().count() <= 1, "{listed}");
        if !listed.is_empty() {
            context.hoist(&["rm", "big:1"]).success();
        }
        assert_consistent(&context.root());
    }
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    assert_eq!(assert_consistent(&context.root()), 1);
}

#[test]
fn four_processes_share_one_store() {
    let context = TestContext::new();
    let first = context.write("first.tar", &big_archive("first:1", 10));
    let second = context.write("second.tar", &big_archive("second:1", 20));
    thread::scope(|scope| {
        for archive in [&first, &second] {
            let context = &context;
            scope.spawn(move || {
                for _ in 0..4 {
                    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
                }
            });
        }
        scope.spawn(|| {
            for n in 0..12 {
                // The source may not be loaded yet, or just removed: only failures of that kind are fine.
                let outcome = context.hoist(&["tag", "first:1", &format!("copy:{n}")]);
                assert!(outcome.code == 0 || outcome.stderr.contains("No such image"), "{}", outcome.stderr);
            }
        });
        scope.spawn(|| {
            for n in 0..12 {
                let outcome = context.hoist(&["rm", "-f", &format!("copy:{n}"), "second:1"]);
                assert_eq!(outcome.code, 0, "{}", outcome.stderr);
            }
        });
    });
    assert_consistent(&context.root());
    context.hoist(&["load", "-i", second.to_str().unwrap()]).success();
    let listed = context.hoist(&["images", "first"]).success().stdout;
    assert!(listed.contains("first "), "{listed}");
    assert_consistent(&context.root());
}

/// Every file and folder under `root` (locks and all) with its permission bits.
fn modes(root: &std::path::Path) -> Vec<(String, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            if path.is_dir() {
                folders.push(path.clone());
            }
            found.push((path.strip_prefix(root).unwrap().display().to_string(), mode));
        }
    }
    found.sort();
    found
}

#[test]
fn store_files_follow_the_umask_and_credentials_are_private() {
    let registry = Registry::start(Setup::Token);
    for (umask, file, folder) in [("022", 0o644, 0o755), ("027", 0o640, 0o750)] {
        let context = TestContext::new();
        let root = context.path(&format!("store-{umask}"));
        let config = context.path(&format!("config-{umask}"));
        let hoist = |args: &[&str]| {
            let globals = ["--root", root.to_str().unwrap(), "--config", config.to_str().unwrap()];
            context.hoist_with_umask(umask, &[&globals[..], args].concat())
        };
        let server = registry.addr();
        hoist(&["login", "-u", registry.username(), "-p", registry.password(), &server]).success();
        let tar = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"modes\n")]));
        let reference = format!("{}/private/modes:1", registry.addr());
        hoist(&["import", tar.to_str().unwrap(), &reference]).success();
        hoist(&["push", &reference]).success(); // writes hoist/sources.json
        hoist(&["rm", &reference]).success();
        hoist(&["pull", &reference]).success(); // downloads through ingest/ partial files
        let archive = context.write("in.tar", &docker_archive(&[ArchiveImage::new(&["loaded:1"], &[&[("a", b"a")]])]));
        hoist(&["load", "-i", archive.to_str().unwrap()]).success();

        let store = modes(&root);
        assert!(store.iter().any(|(path, _)| path == "hoist/sources.json"), "{store:?}");
        assert!(store.iter().filter(|(path, _)| path.starts_with("blobs/sha256/")).count() >= 6, "{store:?}");
        for (path, mode) in &store {
            let expected = if root.join(path).is_dir() { folder } else { file };
            assert_eq!(*mode, expected, "{path} under umask {umask}: {mode:o}");
        }
        let auth = modes(&config).into_iter().find(|(path, _)| path == "auth.json").expect("auth.json");
        assert_eq!(auth.1, 0o600, "credentials are private whatever the umask");
    }
}

//! A store on a small tmpfs that fills up, or that is read-only: commands say what they did and
//! what they could not do, name the folder that is full, and say how to free the space.

use crate::assert_outcome;
use crate::support::fixtures::{self, ArchiveImage, docker_archive};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::tmpfs::Tmpfs;
use crate::support::{TestContext, assert_consistent, run};

/// A test context whose store lives on `tmpfs`.
fn store_on(tmpfs: &Tmpfs) -> (TestContext, std::path::PathBuf) {
    let context = TestContext::new();
    let root = tmpfs.path().join("store");
    (context, root)
}

fn hoist_at(context: &TestContext, root: &std::path::Path, args: &[&str]) -> crate::support::Outcome {
    run(context.command().env("HOIST_ROOT", root).args(args))
}

#[test]
fn rm_on_a_full_disk_prints_only_what_it_did() {
    let Some(tmpfs) = Tmpfs::mount("rm_on_a_full_disk_prints_only_what_it_did", 8 << 20) else { return };
    let (context, root) = store_on(&tmpfs);
    let tar = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"full\n")]));
    hoist_at(&context, &root, &["import", tar.to_str().unwrap(), "full/app:1"]).success();
    hoist_at(&context, &root, &["tag", "full/app:1", "full/app:2"]).success();
    let filler = tmpfs.fill();

    // Nothing was untagged, and it says so.
    let filters = Filters::new(&context).literal(&tmpfs.path().display().to_string(), "[TMPFS]");
    assert_outcome!(filters, hoist_at(&context, &root, &["rm", "full/app:1"]), @r#"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot write [TMPFS]/store/hoist/.tmp[RANDOM]: the disk that holds [TMPFS]/store is full
          caused by: No space left on device (os error 28) at path "[TMPFS]/store/hoist/.tmp[RANDOM]"
        hint: free space on the disk that holds [TMPFS]/store: remove images you no longer need with `hoist rm IMAGE`
        "#);
    let listed = hoist_at(&context, &root, &["images"]).success().stdout;
    assert!(listed.contains("full/app ") && listed.lines().count() == 3, "both names are still there: {listed}");

    std::fs::remove_file(filler).unwrap();
    assert_outcome!(filters, hoist_at(&context, &root, &["rm", "full/app:1"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Untagged: full/app:1
        ----- stderr -----
        ");
    assert_eq!(assert_consistent(&root), 1);
}

#[test]
fn load_from_stdin_on_a_full_disk_names_the_store_folder() {
    let Some(tmpfs) = Tmpfs::mount("load_from_stdin_on_a_full_disk_names_the_store_folder", 8 << 20) else { return };
    let (context, root) = store_on(&tmpfs);
    // An empty folder made for the store: a reading command lays the store out in it.
    std::fs::create_dir_all(&root).unwrap();
    hoist_at(&context, &root, &["images"]).success();
    let filler = tmpfs.fill();
    let archive = docker_archive(&[ArchiveImage::new(&["full/load:1"], &[&[("data", &fixtures::noise(3, 64 << 10))]])]);
    let mut command = context.command();
    command.env("HOIST_ROOT", &root);
    let failed = crate::support::run_with_stdin(command.args(["load"]), &archive);
    let filters = Filters::new(&context).literal(&tmpfs.path().display().to_string(), "[TMPFS]");
    assert_outcome!(filters, failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot write into [TMPFS]/store/ingest: the disk that holds [TMPFS]/store is full
          caused by: No space left on device (os error 28)
        hint: free space on the disk that holds [TMPFS]/store: remove images you no longer need with `hoist rm IMAGE`
        ");

    std::fs::remove_file(filler).unwrap();
    let mut command = context.command();
    command.env("HOIST_ROOT", &root);
    assert_outcome!(filters, crate::support::run_with_stdin(command.args(["load"]), &archive), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Loaded image: full/load:1
        ----- stderr -----
        ");
}

#[test]
fn a_pull_that_fills_the_disk_says_how_to_free_the_space() {
    let Some(tmpfs) = Tmpfs::mount("a_pull_that_fills_the_disk_says_how_to_free_the_space", 4 << 20) else { return };
    let registry = Registry::start(Setup::Plain);
    let source = TestContext::new();
    let reference = format!("{}/full/big:1", registry.addr());
    source.import(&reference, &[("data", &fixtures::noise(4, 6 << 20))]);
    source.hoist(&["push", &reference]).success();
    let (context, root) = store_on(&tmpfs);

    let failed = hoist_at(&context, &root, &["pull", &reference]).failure(1);
    let ingest = root.join("ingest");
    assert!(failed.stderr.contains(&format!("the disk that holds {} is full", root.display())), "{}", failed.stderr);
    let command = format!("rm -f {}/*.partial", ingest.display());
    let hint = failed.stderr.lines().find(|line| line.starts_with("hint: ")).expect("a hint");
    assert!(hint.contains(&format!("{} holds ", ingest.display())), "{hint}");
    assert!(hint.contains(&format!("`{command}`")), "{hint}");
    let before = tmpfs.available();
    assert!(before < 1 << 20, "the disk is full: {before} bytes free");

    // The hint's command, as given, frees the space.
    run(std::process::Command::new("sh").args(["-c", &command])).success();
    assert!(tmpfs.available() > 3 << 20, "{} bytes free", tmpfs.available());
    assert_eq!(std::fs::read_dir(&ingest).unwrap().count(), 0);
    assert_consistent(&root);
}

#[test]
fn a_push_from_a_read_only_store_succeeds() {
    let Some(tmpfs) = Tmpfs::mount("a_push_from_a_read_only_store_succeeds", 16 << 20) else { return };
    let registry = Registry::start(Setup::Plain);
    let (context, root) = store_on(&tmpfs);
    let reference = format!("{}/readonly/app:1", registry.addr());
    let tar = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"read-only\n")]));
    hoist_at(&context, &root, &["import", tar.to_str().unwrap(), &reference]).success();
    tmpfs.remount_read_only();

    let pushed = hoist_at(&context, &root, &["push", &reference]).success();
    assert!(pushed.stdout.lines().last().unwrap().starts_with("1: digest: sha256:"), "{}", pushed.stdout);
    assert_eq!(pushed.stderr, "", "a cache that cannot be written is no warning");
    let other = format!("{}/readonly/other:1", registry.addr());
    hoist_at(&context, &root, &["tag", &reference, &other]).failure(1);
    let debug = hoist_at(&context, &root, &["--debug", "push", &reference]).success();
    assert!(debug.stderr.contains("DEBUG cannot remember where the pushed blobs are"), "{}", debug.stderr);
    let store = TestContext::new();
    store.hoist(&["pull", &reference]).success();
}

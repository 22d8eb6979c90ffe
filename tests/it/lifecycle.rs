//! The store's life cycle as docker has it (SPEC §2 "Docker's forms that scripts rely on"): a
//! name that moves leaves the old image as `<none>`, `images -a` and `-f`, `image prune`,
//! `history`, `system df`, `rm`'s lines. Where the Docker Engine can run the same command line
//! from the same state, its output is the expected one: the images are labelled per test, and
//! every compared command line filters on that label, so the engine's other images stay out.

use crate::support::engine_images::{EngineLabel, docker, labelled_image, sorted, unique_label};
use crate::support::fixtures::{self, ArchiveImage};
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, require_docker};

/// Loads `images` (one `docker save` archive) into the engine and into `context`'s store.
fn load_both(context: &TestContext, name: &str, images: &[ArchiveImage]) {
    let archive = context.write(name, &fixtures::docker_archive(images));
    docker(&["load", "-i", archive.to_str().unwrap()]).success();
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
}

/// The same command line through docker and hoist: same exit code, same lines (sorted).
#[track_caller]
fn same_as_docker(context: &TestContext, args: &[&str]) -> String {
    let expected = docker(args);
    let actual = context.hoist(args);
    assert_eq!(actual.code, expected.code, "{args:?}: docker said {}, hoist {}", expected.stderr, actual.stderr);
    let table = !args.iter().any(|arg| *arg == "-q" || (arg.contains("{{") && !arg.starts_with("table")));
    assert_eq!(sorted(&actual.stdout, table), sorted(&expected.stdout, table), "{args:?}");
    actual.stdout
}

const ROW: &str = "{{.Repository}} {{.Tag}} {{.ID}}";

#[test]
fn a_name_loaded_again_leaves_the_old_image_as_none_and_filters_see_what_docker_sees() {
    if !require_docker() {
        return;
    }
    let label = unique_label("moved");
    let _cleanup = EngineLabel(label.clone());
    let context = TestContext::new();
    let repository = format!("hoist-moved-{}/app", std::process::id());
    let (one, two) = (format!("{repository}:1"), format!("{repository}:2"));
    let first = labelled_image(&[&one], &label, "first", "2024-01-01T00:00:00Z");
    let second = labelled_image(&[&two], &label, "second", "2024-01-02T00:00:00Z");
    let third = labelled_image(&[&one], &label, "third", "2024-01-03T00:00:00Z");
    load_both(&context, "first.tar", &[first.clone(), second]);
    load_both(&context, "third.tar", &[third]);

    let by_label = format!("label=hoist.test={label}");
    let listed = same_as_docker(&context, &["images", "-f", &by_label, "--format", ROW]);
    let dangling = format!("<none> <none> {}", &first.id()["sha256:".len()..][..12]);
    assert!(listed.contains(&dangling), "{listed}");
    for extra in [
        &["-f", "dangling=true"][..],
        &["-f", "dangling=false"],
        &["-a"],
        &["-q"],
        &["-f", &format!("reference={repository}")],
        &["-f", "reference=hoist-moved-*/*:1"],
        &["-f", "reference=*/app"],
        &["-f", &format!("before={two}")],
        &["-f", &format!("since={two}")],
        &["-f", "label=seed=second"],
        &["-f", "label=seed"],
    ] {
        let mut args = vec!["images", "-f", &by_label, "--format", ROW];
        args.extend_from_slice(extra);
        same_as_docker(&context, &args);
    }
    same_as_docker(&context, &["images", "--format", ROW, &format!("hoist-moved-{}/*", std::process::id())]);
    // SIZE differs on purpose (README "Differences from docker"): the other columns, aligned.
    same_as_docker(&context, &["images", "-f", &by_label, "--format", r"table {{.Repository}}\t{{.Tag}}\t{{.ID}}"]);
}

#[test]
fn a_pull_that_moves_a_name_leaves_the_repository_with_tag_none() {
    if !require_docker() {
        return;
    }
    let registry = Registry::start(Setup::Plain);
    let label = unique_label("repulled");
    let _cleanup = EngineLabel(label.clone());
    let context = TestContext::new();
    let reference = format!("127.0.0.1:{}/lifecycle/app:1", registry.port());
    let other = format!("hoist-lifecycle-{}/other:1", std::process::id());
    let old = labelled_image(&[&reference], &label, "old", "2024-01-01T00:00:00Z");
    let new = labelled_image(&[&other], &label, "new", "2024-01-02T00:00:00Z");
    context.hoist(&["load", "-i", context.write("old.tar", &fixtures::docker_archive(&[old])).to_str().unwrap()]);
    context.hoist(&["push", &reference]).success();
    docker(&["pull", "-q", &reference]).success();
    load_both(&context, "new.tar", &[new]);
    context.hoist(&["tag", &other, &reference]).success();
    context.hoist(&["push", &reference]).success();
    docker(&["pull", "-q", &reference]).success();

    let by_label = format!("label=hoist.test={label}");
    let listed = same_as_docker(&context, &["images", "-f", &by_label, "--format", ROW]);
    assert!(listed.contains(&format!("127.0.0.1:{}/lifecycle/app <none> ", registry.port())), "{listed}");
    same_as_docker(&context, &["images", "-f", &by_label, "-f", "dangling=true", "--format", ROW]);
    same_as_docker(&context, &["images", "-f", &by_label, "-f", "dangling=false", "--format", ROW]);
    // The image the name left keeps its blobs: the store is whole, and nothing is collected.
    let check = context.hoist(&["system", "check"]).success();
    assert!(check.stdout.ends_with("the store is sound\n"), "{}", check.stdout);
}

#[test]
fn unknown_filters_are_usage_errors_that_name_them() {
    let context = TestContext::new();
    context.import("keep/me:1", &[("a", b"a")]);
    let before = context.store_snapshot();
    for (filter, said) in [
        ("bogus=1", "Invalid filter 'bogus'"),
        ("dangling=maybe", "Invalid filter 'dangling=[maybe]'"),
        ("label", "bad format of filter (expected name=value)"),
        ("until=soon", "cannot parse \"soon\" as a time"),
    ] {
        let outcome = context.hoist(&["images", "-f", filter]).failure(2);
        assert!(outcome.stderr.contains(said), "{filter}: {}", outcome.stderr);
    }
    let outcome = context.hoist(&["images", "-f", "before=nothing/here"]).failure(1);
    assert!(outcome.stderr.contains("No such image: nothing/here"), "{}", outcome.stderr);
    assert_eq!(context.store_snapshot(), before);
}

#[test]
fn intermediate_images_are_listed_only_with_all() {
    let context = TestContext::new();
    let base = ArchiveImage::new(&[], &[&[("base", b"base")]]);
    let child = ArchiveImage::new(&["child/app:1"], &[&[("base", b"base")], &[("child", b"child")]]);
    let archive = context.write("both.tar", &fixtures::docker_archive(&[base.clone(), child]));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let format = "{{.Repository}}:{{.Tag}}:{{.ID}}";
    let short = &base.id()["sha256:".len()..][..12];
    let listed = context.hoist(&["images", "--format", format]).success().stdout;
    assert_eq!(listed, "child/app:1:".to_string() + &listed["child/app:1:".len()..]);
    assert!(!listed.contains(short), "{listed}");
    let all = context.hoist(&["images", "-a", "--format", format]).success().stdout;
    assert!(all.contains(&format!("<none>:<none>:{short}")), "{all}");
    assert_eq!(all.lines().count(), 2, "{all}");
}

#[test]
fn until_keeps_images_created_before_the_time() {
    let context = TestContext::new();
    let old = ArchiveImage::new(&["old/app:1"], &[&[("old", b"old")]]);
    let archive = context.write("old.tar", &fixtures::docker_archive(&[old]));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    context.import("new/app:1", &[("new", b"new")]);
    let format = "{{.Repository}}";
    let listed = context.hoist(&["images", "-f", "until=2025-01-01", "--format", format]).success().stdout;
    assert_eq!(listed, "old/app\n");
    let listed = context.hoist(&["images", "-f", "until=1h", "--format", format]).success().stdout;
    assert_eq!(listed, "old/app\n");
    let listed = context.hoist(&["images", "-f", "until=1700000000", "--format", format]).success().stdout;
    assert_eq!(listed, "");
}

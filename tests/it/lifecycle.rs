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
    let ids = vec![old.id(), new.id()];
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
    // It keeps its repository's digest reference, which names it.
    let digests = same_as_docker(&context, &["image", "inspect", "-f", "{{.RepoTags}} {{.RepoDigests}}", &ids[0]]);
    let repo_digest = digests.trim().trim_start_matches("[] [").trim_end_matches(']').to_string();
    assert!(repo_digest.contains("/lifecycle/app@sha256:"), "{digests}");
    let expected = docker(&["rmi", &repo_digest]).success();
    let actual = context.hoist(&["rmi", &repo_digest]).success();
    assert_eq!(normalise_removal(&actual.stdout, &ids), normalise_removal(&expected.stdout, &ids));
    assert!(actual.stdout.starts_with(&format!("Untagged: {repo_digest}\nDeleted: {}\n", ids[0])), "{}", actual.stdout);
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

/// `Deleted: sha256:…` lines name layers by docker's chain IDs and by hoist's blob digests (README
/// "Differences from docker"): each such line becomes `Deleted: <layer>`, the config's (the
/// image ID, the same in both) is kept; `Total reclaimed space` counts different bytes.
fn normalise_removal(text: &str, config_ids: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| match line.split_once(": sha256:") {
            Some((label, _)) if !config_ids.iter().any(|id| line.ends_with(id.as_str())) => format!("{label}: <layer>"),
            _ if line.starts_with("Total reclaimed space:") => "Total reclaimed space: <size>".to_string(),
            _ => line.to_string(),
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn rm_prints_what_docker_prints_for_names_digests_configs_and_layers() {
    if !require_docker() {
        return;
    }
    let registry = Registry::start(Setup::Plain);
    let label = unique_label("rm");
    let _cleanup = EngineLabel(label.clone());
    let context = TestContext::new();
    let pushed = format!("127.0.0.1:{}/lifecycle/rm:1", registry.port());
    let local = format!("hoist-rm-{}/app", std::process::id());
    let image = labelled_image(&[&pushed], &label, "pushed", "2024-01-01T00:00:00Z");
    let ids = vec![image.id(), labelled_image(&[], &label, "local", "2024-01-01T00:00:00Z").id()];
    context.hoist(&["load", "-i", context.write("pushed.tar", &fixtures::docker_archive(&[image])).to_str().unwrap()]);
    context.hoist(&["push", &pushed]).success();
    docker(&["pull", "-q", &pushed]).success();
    let two_tags =
        labelled_image(&[&format!("{local}:1"), &format!("{local}:2")], &label, "local", "2024-01-01T00:00:00Z");
    load_both(&context, "local.tar", &[two_tags]);
    for args in [vec!["rmi", &pushed], vec!["rmi", "nothing/here:1"], vec!["image", "rm", &ids[1][7..19]]] {
        let expected = docker(&args);
        let actual = context.hoist(&args);
        assert_eq!(actual.code, expected.code, "{args:?}: {} / {}", expected.stderr, actual.stderr);
        assert_eq!(normalise_removal(&actual.stdout, &ids), normalise_removal(&expected.stdout, &ids), "{args:?}");
    }
    let tag = format!("{local}:1");
    for args in [vec!["image", "remove", "-f", &ids[1][7..19]], vec!["rmi", &tag]] {
        let expected = docker(&args);
        let actual = context.hoist(&args);
        assert_eq!(actual.code, expected.code, "{args:?}: {} / {}", expected.stderr, actual.stderr);
        assert_eq!(normalise_removal(&actual.stdout, &ids), normalise_removal(&expected.stdout, &ids), "{args:?}");
    }
}

#[test]
fn image_prune_removes_what_docker_removes_and_says_it_alike() {
    if !require_docker() {
        return;
    }
    let label = unique_label("prune");
    let _cleanup = EngineLabel(label.clone());
    let context = TestContext::new();
    let repository = format!("hoist-prune-{}/app", std::process::id());
    let (one, two) = (format!("{repository}:1"), format!("{repository}:2"));
    let images = [
        labelled_image(&[&one], &label, "first", "2024-01-01T00:00:00Z"),
        labelled_image(&[&two], &label, "second", "2024-01-02T00:00:00Z"),
        labelled_image(&[&one], &label, "third", "2024-01-03T00:00:00Z"),
    ];
    let ids: Vec<String> = images.iter().map(ArchiveImage::id).collect();
    let [first, second, third] = images;
    load_both(&context, "first.tar", &[first, second]);
    load_both(&context, "third.tar", &[third]);
    // An abandoned partial download: prune frees it too, and counts it.
    std::fs::write(context.root().join("ingest/sha256-0123.partial"), vec![0; 2000]).unwrap();

    let by_label = format!("label=hoist.test={label}");
    // No terminal and no answer: docker's question, and nothing removed.
    let before = context.store_snapshot();
    let asked = same_as_docker(&context, &["image", "prune", "--filter", &by_label]);
    assert_eq!(asked, "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
    assert_eq!(context.store_snapshot(), before);

    let mut reports = Vec::new();
    for args in [
        vec!["image", "prune", "-f", "--filter", &by_label],
        vec!["image", "prune", "-f", "--filter", &by_label],
        vec!["image", "prune", "-a", "-f", "--filter", "until=2024-01-02T12:00:00Z", "--filter", &by_label],
        vec!["image", "prune", "-a", "-f", "--filter", &by_label],
    ] {
        let expected = docker(&args).success();
        let actual = context.hoist(&args).success();
        assert_eq!(normalise_removal(&actual.stdout, &ids), normalise_removal(&expected.stdout, &ids), "{args:?}");
        reports.push(actual.stdout);
    }
    assert!(reports[0].starts_with("Deleted Images:\ndeleted: sha256:"), "{}", reports[0]);
    // The dangling image's config and manifest (sizes vary with the label), and the 2,000
    // bytes of the partial download.
    let total = reports[0].rsplit_once("\n\nTotal reclaimed space: ").unwrap().1;
    assert!(total.starts_with("2.") && total.ends_with("kB\n"), "{}", reports[0]);
    assert_eq!(reports[1], "Total reclaimed space: 0B\n");
    assert!(reports[3].contains(&format!("untagged: {one}\n")), "{}", reports[3]);
    assert!(!context.root().join("ingest/sha256-0123.partial").exists());
    assert_eq!(context.hoist(&["images", "-a", "-q"]).success().stdout, "");
    assert_eq!(std::fs::read_dir(context.root().join("blobs/sha256")).unwrap().count(), 0);
}

#[test]
fn prune_counts_the_partial_downloads_it_frees() {
    let context = TestContext::new();
    context.import("keep/me:1", &[("a", b"a")]);
    std::fs::write(context.root().join("ingest/sha256-0123.partial"), vec![0; 1500]).unwrap();
    let outcome = context.hoist(&["image", "prune", "-f"]).success();
    assert_eq!(outcome.stdout, "Total reclaimed space: 1.5kB\n");
    let kept = context.hoist(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).success().stdout;
    assert_eq!(kept, "keep/me:1\n");
    // No store: nothing to prune, and none is made.
    let absent = context.path("absent");
    let outcome = context.hoist(&["--root", absent.to_str().unwrap(), "image", "prune", "-a", "-f"]).success();
    assert_eq!(outcome.stdout, "Total reclaimed space: 0B\n");
    assert!(!absent.exists());
}

/// An image whose history has an empty step and a command longer than docker's column.
fn storied_image(repo_tags: &[&str], label: &str) -> ArchiveImage {
    let layers = [fixtures::rootfs_tar(&[("base", b"base")]), fixtures::rootfs_tar(&[("app", b"app")])];
    let long = "/bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates curl";
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-03-04T05:06:07Z",
        "config": {"Labels": {"hoist.test": label}},
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|layer| fixtures::sha256(layer)).collect::<Vec<_>>()},
        "history": [
            {"created": "2024-03-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / ", "comment": "base"},
            {"created": "2024-03-02T00:00:00Z", "created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
            {"created": "2024-03-04T05:06:07Z", "created_by": long},
        ],
    });
    ArchiveImage {
        repo_tags: repo_tags.iter().map(ToString::to_string).collect(),
        config: serde_json::to_vec(&config).unwrap(),
        layers: layers.to_vec(),
    }
}

#[test]
fn history_prints_what_docker_prints() {
    if !require_docker() {
        return;
    }
    let label = unique_label("history");
    let _cleanup = EngineLabel(label.clone());
    let context = TestContext::new();
    let reference = format!("hoist-history-{}/app:1", std::process::id());
    load_both(&context, "storied.tar", &[storied_image(&[&reference], &label)]);
    let columns = r"table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Comment}}";
    for args in [
        &["history", "--format", columns][..],
        &["history", "--no-trunc", "--format", columns],
        &["history", "-H=false", "--format", columns],
        &["history", "-q"],
        &["history", "--no-trunc", "-q"],
        &["image", "history", "--format", "{{.ID}}|{{.CreatedAt}}|{{.CreatedBy}}"],
        &["history", "--format", "{{json .CreatedBy}} {{.Comment}}"],
    ] {
        let mut args = args.to_vec();
        args.push(&reference);
        let expected = docker(&args).success().stdout;
        let actual = context.hoist(&args).success().stdout;
        assert_eq!(actual, expected, "{args:?}");
    }
    let sizes = context.hoist(&["history", "--format", "{{.Size}}", &reference]).success().stdout;
    let lines: Vec<&str> = sizes.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1], "0B", "the empty step: {sizes}");
    let json = context.hoist(&["history", "--format", "json", &reference]).success().stdout;
    let row: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"]);
}

#[test]
fn system_df_counts_each_blob_once_and_what_a_prune_frees() {
    let context = TestContext::new();
    let base: &[(&str, &[u8])] = &[("base", b"base")];
    let kept = ArchiveImage::new(&["df/app:1"], &[base, &[("app", b"app")]]);
    let left = ArchiveImage::new(&["df/app:1"], &[base]);
    let archive = context.write("left.tar", &fixtures::docker_archive(&[left]));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let archive = context.write("kept.tar", &fixtures::docker_archive(&[kept]));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let table = context.hoist(&["system", "df"]).success().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "TYPE      TOTAL     ACTIVE    SIZE      RECLAIMABLE");
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(cells[..3], ["Images", "2", "1"], "{table}");
    let json = context.hoist(&["system", "df", "--format", "json"]).success().stdout;
    let row: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(row["Type"], "Images");
    assert_eq!(row["TotalCount"], "2");
    let verbose = context.hoist(&["system", "df", "-v"]).success().stdout;
    assert!(verbose.starts_with("Images space usage:\n\nREPOSITORY   TAG       IMAGE ID"), "{verbose}");
    assert!(verbose.contains("SHARED SIZE   UNIQUE SIZE   CONTAINERS"), "{verbose}");
    // What RECLAIMABLE says is what a prune frees: the dangling image's own config.
    let reclaimable = cells[4].to_string();
    let pruned = context.hoist(&["image", "prune", "-f"]).success().stdout;
    assert!(pruned.contains("deleted: sha256:"), "{pruned}");
    let after = context.hoist(&["system", "df", "--format", "{{.TotalCount}} {{.Reclaimable}}"]).success().stdout;
    assert_eq!(after, "1 0B (0%)\n", "before: {reclaimable}");
}

#[test]
fn docker_s_image_forms_are_the_plain_commands() {
    let context = TestContext::new();
    let id = context.import("forms/app:1", &[("a", b"a")]);
    let listed = context.hoist(&["images"]).success().stdout;
    assert_eq!(context.hoist(&["image", "ls"]).success().stdout, listed);
    assert_eq!(context.hoist(&["image", "list", "-q"]).success().stdout, format!("{}\n", &id[7..19]));
    context.hoist(&["image", "tag", "forms/app:1", "forms/app:2"]).success();
    let inspected = context.hoist(&["image", "inspect", "-f", "{{.RepoTags}}", "forms/app:1"]).success().stdout;
    assert_eq!(inspected, "[forms/app:1 forms/app:2]\n");
    let archive = context.path("forms.tar");
    context.hoist(&["image", "save", "-o", archive.to_str().unwrap(), "forms/app:2"]).success();
    let removed = context.hoist(&["image", "remove", "forms/app:2"]).success().stdout;
    assert_eq!(removed, "Untagged: forms/app:2\n");
    context.hoist(&["image", "load", "-i", archive.to_str().unwrap()]).success();
    let help = context.hoist(&["image", "--help"]).success().stdout;
    for form in ["ls", "rm", "pull", "push", "tag", "inspect", "history", "save", "load", "import", "prune"] {
        assert!(help.contains(&format!("\n  {form} ")), "{form} in:\n{help}");
    }
    assert!(help.contains("[alias: list]") && help.contains("[alias: remove]"), "{help}");
    let outcome = context.hoist(&["image", "prune", "--filter", "dangling=true"]).failure(2);
    assert!(outcome.stderr.contains("Invalid filter 'dangling'"), "{}", outcome.stderr);
}

//! Docker's smaller forms that scripts rely on (SPEC §2): `import -c/-m`, `version`, `push -q`,
//! `pull -a`, `login SERVER` with stored credentials; each compared with the Docker Engine
//! where it can run the same line.

use std::process::Command;

use crate::support::fixtures;
use crate::support::{Outcome, TestContext, require_docker, run};

fn docker(args: &[&str]) -> Outcome {
    run(Command::new("docker").env("TZ", "UTC").args(args))
}

const CHANGES: [&str; 11] = [
    r#"CMD ["/bin/sh","-c","echo"]"#,
    "ENTRYPOINT /bin/true arg",
    r#"ENV A=1 B="two words""#,
    "ENV C 3",
    "EXPOSE 80 443/udp 8000-8001",
    r#"LABEL a=b "c d"=e"#,
    "USER nobody",
    "WORKDIR /srv",
    "WORKDIR sub",
    r#"VOLUME ["/data", "/x"]"#,
    "ONBUILD RUN echo hi",
];

fn change_args<'a>(changes: &[&'a str]) -> Vec<&'a str> {
    changes.iter().flat_map(|change| ["-c", change]).collect()
}

#[test]
fn import_changes_and_message_make_the_config_docker_makes() {
    let context = TestContext::new();
    let tarball = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"imported\n")]));
    let tarball = tarball.to_str().unwrap();
    let mut args = vec!["import", "-m", "a message"];
    args.extend(change_args(&CHANGES));
    args.extend(["-c", "STOPSIGNAL SIGINT", tarball, "changed:1"]);
    context.hoist(&args).success();
    let config = context.hoist(&["inspect", "-f", "{{json .Config}}", "changed:1"]).success().stdout;
    let config: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["StopSignal"], "SIGINT");
    let comment = context.hoist(&["inspect", "-f", "{{.Comment}}", "changed:1"]).success().stdout;
    assert_eq!(comment, "a message\n");
    let plain = context.hoist(&["import", tarball, "plain:1"]).success();
    let comment = context.hoist(&["inspect", "-f", "{{.Comment}}", "plain:1"]).success().stdout;
    assert_eq!(comment, format!("Imported from {tarball}\n"), "{}", plain.stdout);

    if !require_docker() {
        return;
    }
    // The engine here (20.10) takes no STOPSIGNAL on import; newer ones do.
    let mut args = vec!["import", "-m", "a message"];
    args.extend(change_args(&CHANGES));
    args.extend([tarball, "hoist-forms-import:1"]);
    docker(&args).success();
    let expected = docker(&["image", "inspect", "-f", "{{json .Config}}", "hoist-forms-import:1"]).success().stdout;
    let comment = docker(&["image", "inspect", "-f", "{{.Comment}}", "hoist-forms-import:1"]).success().stdout;
    let _ = docker(&["rmi", "hoist-forms-import:1"]);
    let mut ours = config;
    ours.as_object_mut().unwrap().remove("StopSignal");
    let theirs: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(comment, "a message\n");
}

#[test]
fn bad_changes_are_refused_in_docker_words_and_store_nothing() {
    let context = TestContext::new();
    let tarball = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("a", b"a")]));
    let tarball = tarball.to_str().unwrap();
    let engine = require_docker();
    for change in ["BOGUS x", "RUN echo", "FROM scratch", "", "ENV", "ENV A", "LABEL a", "EXPOSE"] {
        let outcome = context.hoist(&["import", "-c", change, tarball, "bad:1"]).failure(1);
        assert!(
            !context.root().join("index.json").exists() || context.hoist(&["images", "-q"]).success().stdout.is_empty()
        );
        if engine {
            let theirs = docker(&["import", "-c", change, tarball, "hoist-forms-bad:1"]).failure(1);
            let reason = theirs.stderr.trim().trim_start_matches("Error response from daemon: ");
            assert_eq!(outcome.stderr.trim(), format!("Error: {reason}"), "{change:?}");
        }
    }
}

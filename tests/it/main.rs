//! hoist's end-to-end tests: the built binary against real stores, archives, peer tools
//! (podman, skopeo) and real `docker-registry` processes. What a command prints is pinned whole
//! (exit code, stdout, stderr) with insta snapshots: `support::snapshot`. No test reaches the
//! internet: Docker Hub names are served by a mirror on 127.0.0.1, or asked where no DNS answers.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]
#![allow(clippy::print_stderr, reason = "tests say on stderr what they skipped")]
#![allow(unreachable_pub, reason = "a test binary has no API: its helpers are shared by its modules")]

mod archives;
mod auth;
mod compressed;
mod damage;
mod digests;
mod docs;
mod faults;
mod foreign;
mod formats;
mod forms;
mod full_disk;
mod harness;
mod hostile;
mod hosts;
mod lifecycle;
mod local;
mod login;
mod lookup;
mod manifest;
mod newcomer;
mod peers;
mod pull;
mod push;
mod registries;
mod registry_smoke;
mod remote;
mod store_safety;
mod support;
mod tutorial;

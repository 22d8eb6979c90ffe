//! A second real registry beside distribution: `container-registry` 0.3.1 (see
//! [`crate::support::container_registry`] for what it does). hoist logs in, pushes a small
//! image and one with a 42 MiB layer, and pulls them back with equal digests; skopeo pushes
//! there too.

use super::{Checks, image, login, push, small_image, store_holds, write_archive};
use crate::support::container_registry::ContainerRegistry;
use crate::support::{TestContext, peers, run};

#[test]
fn container_registry_takes_what_hoist_pushes() {
    let registry = ContainerRegistry::start(true);
    let mut checks = Checks::new("container-registry");
    let context = TestContext::new();
    let wrong = login(&context, &registry.addr(), ("anyone", "not-the-password"));
    checks.check("a wrong password is refused", wrong.code != 0, || format!("{wrong:?}"));
    checks.succeeded("login", &login(&context, &registry.addr(), ("anyone", registry.password())));
    for (name, pushed_image) in [("small", small_image()), ("big", image())] {
        let reference = format!("{}/team/{name}:1", registry.addr());
        if !checks.succeeded(&format!("push {name}"), &push(&context, pushed_image, &reference)) {
            continue;
        }
        let puller = TestContext::new();
        login(&puller, &registry.addr(), ("anyone", registry.password())).success();
        if checks.succeeded(&format!("pull {name}"), &puller.hoist(&["pull", &reference])) {
            let held = store_holds(&puller, pushed_image);
            checks.check(&format!("pull {name} keeps every digest"), held.is_ok(), || held.unwrap_err());
        }
    }

    // skopeo pushes the same image (a streamed PATCH, then an empty PUT) and reads it back.
    let skopeo_world = TestContext::new();
    let archive = write_archive(&skopeo_world, image(), "skopeo");
    let credentials = format!("anyone:{}", registry.password());
    let destination = format!("docker://{}/team/skopeo:1", registry.addr());
    let copy = run(peers::skopeo(&skopeo_world)
        .args(["copy", "--dest-tls-verify=false", "--dest-creds", &credentials])
        .arg(format!("oci-archive:{}", archive.display()))
        .arg(&destination));
    if checks.succeeded("skopeo copy", &copy) {
        let back = run(peers::skopeo(&skopeo_world)
            .args(["copy", "--src-tls-verify=false", "--src-creds", &credentials, &destination])
            .arg(format!("oci:{}:back", skopeo_world.path("back").display())));
        checks.succeeded("skopeo copy back", &back);
    }
    checks.assert();
}

#[test]
fn container_registry_without_a_password_takes_any_credential() {
    let registry = ContainerRegistry::start(false);
    let mut checks = Checks::new("container-registry without a password");
    let context = TestContext::new();
    let login = login(&context, &registry.addr(), ("someone", "anything"));
    checks.check("any credential logs in", login.code == 0 && login.stdout == "Login Succeeded\n", || {
        format!("{login:?}")
    });
    let reference = format!("{}/team/any:1", registry.addr());
    checks.succeeded("push", &push(&context, small_image(), &reference));
    checks.assert();
}

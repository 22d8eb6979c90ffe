//! Finding things on registries: `tags --filter` and `search`.

use crate::assert_outcome;
use crate::support::TestContext;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;

#[test]
fn tags_filter_keeps_the_matching_tags() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let repository = format!("{}/filtered/app", registry.addr());
    let image = format!("{repository}:1.0");
    context.import(&image, &[("a", b"filtered")]);
    for tag in ["1.1", "1.10", "2.0", "latest", "3.20-alpine"] {
        context.hoist(&["tag", &image, &format!("{repository}:{tag}")]).success();
    }
    context.hoist(&["push", "-a", &repository]).success();
    let sorted = |args: &[&str]| {
        let mut tags: Vec<String> = context.hoist(args).success().stdout.lines().map(String::from).collect();
        tags.sort();
        tags
    };
    assert_eq!(sorted(&["tags", "--filter", "1.?", &repository]), ["1.0", "1.1"]);
    assert_eq!(sorted(&["tags", "--filter", "1.*", &repository]), ["1.0", "1.1", "1.10"]);
    assert_eq!(sorted(&["tags", "--filter", "*-alpine", &repository]), ["3.20-alpine"]);
    assert_eq!(sorted(&["tags", "--filter", "[!0-9]*", &repository]), ["latest"]);
    assert_eq!(sorted(&["tags", "--filter", "nothing*", &repository]), Vec::<String>::new());
    assert_outcome!(filters, context.hoist(&["tags", "--filter", "v[1-2", &repository]), @r"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'v[1-2' for '--filter <GLOB>': a [ without its ]

        For more information, try '--help'.
        ");
}

//! Finding things on registries: `tags --filter` and `search`.

use crate::assert_outcome;
use crate::support::hub_search::HubSearch;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, run};

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

fn hub_results() -> Vec<serde_json::Value> {
    let result = |name: &str, description: &str, stars: u64, official: bool| {
        serde_json::json!({"name": name, "description": description, "star_count": stars,
            "is_official": official, "is_automated": false})
    };
    vec![
        result("nginx", "Official build of Nginx.", 20817, true),
        result("nginx/nginx-ingress", "NGINX and  NGINX Plus Ingress Controllers for Kubernetes", 102, false),
        result("bitnami/nginx", "Bitnami container image for NGINX,\nwith a second line", 190, false),
        result("evil/term", "\u{1b}]0;pwned\u{7}\u{1b}[2Jclears the screen", 1, false),
        result(
            "ubuntu/nginx",
            "Nginx, a high-performance reverse proxy & web server. Long-term tracks maintained by Canonical.",
            129,
            false,
        ),
    ]
}

#[test]
fn search_prints_docker_hubs_results_as_docker_does() {
    let hub = HubSearch::start(hub_results());
    let context = TestContext::new();
    let filters = Filters::new(&context);
    let search = |args: &[&str]| run(context.command().env("HOIST_TEST_HUB_SEARCH_URL", hub.url()).args(args));
    assert_outcome!(filters, search(&["search", "nginx"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME                  DESCRIPTION                                     STARS     OFFICIAL
        nginx                 Official build of Nginx.                        20817     [OK]
        nginx/nginx-ingress   NGINX and  NGINX Plus Ingress Controllers fo…   102       
        bitnami/nginx         Bitnami container image for NGINX, with a se…   190       
        evil/term             \x1b]0;pwned\x07\x1b[2Jclears the screen        1         
        ubuntu/nginx          Nginx, a high-performance reverse proxy & we…   129       
        ----- stderr -----
        ");
    assert_eq!(hub.searches(), ["/v1/search?q=nginx&n=25"]);
    assert_outcome!(filters, search(&["search", "--no-trunc", "--limit", "3", "docker.io/library/nginx"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME                  DESCRIPTION                                                STARS     OFFICIAL
        nginx                 Official build of Nginx.                                   20817     [OK]
        nginx/nginx-ingress   NGINX and  NGINX Plus Ingress Controllers for Kubernetes   102       
        bitnami/nginx         Bitnami container image for NGINX, with a second line      190       
        ----- stderr -----
        ");
    assert_eq!(hub.searches()[1], "/v1/search?q=nginx&n=3");
    assert_outcome!(filters, search(&["search", "-f", "stars=150", "--filter", "is-official=false", "nginx"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME            DESCRIPTION                                     STARS     OFFICIAL
        bitnami/nginx   Bitnami container image for NGINX, with a se…   190       
        ----- stderr -----
        ");
    assert_outcome!(filters, search(&["search", "--filter", "is-official=true", "--format", "{{.Name}}: {{.StarCount}} {{.IsOfficial}}", "nginx"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        nginx: 20817 [OK]
        ----- stderr -----
        ");
    assert_outcome!(filters, search(&["search", "--limit", "1", "--format", "json", "nginx"]), @r#"
        success: true
        exit_code: 0
        ----- stdout -----
        {"Description":"Official build of Nginx.","IsOfficial":"true","Name":"nginx","StarCount":"20817"}
        ----- stderr -----
        "#);
    assert_outcome!(filters, search(&["search", "--format", "table {{.Name}}\t{{.StarCount}}", "--limit", "2", "nginx"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME                  STARS
        nginx                 20817
        nginx/nginx-ingress   102
        ----- stderr -----
        ");
    assert_outcome!(filters, search(&["search", "--limit", "0", "nginx"]), @r"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value '0' for '--limit <LIMIT>': 0 is not in 1..=100

        For more information, try '--help'.
        ");
    assert_outcome!(filters, search(&["search", "--filter", "size=1", "nginx"]), @r"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'size=1' for '--filter <FILTER>': invalid filter 'size': the filters are stars=N and is-official=true|false

        For more information, try '--help'.
        ");
    assert_outcome!(filters, search(&["search", "--filter", "stars=many", "nginx"]), @r"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'stars=many' for '--filter <FILTER>': invalid filter 'stars=many': stars is a whole number

        For more information, try '--help'.
        ");
    assert_eq!(hub.searches().len(), 6, "usage errors ask nothing");
}

#[test]
fn search_of_a_registry_asks_its_search_api_else_its_catalog() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    for name in ["team/app", "team/web", "other/app-tools", "base"] {
        let image = format!("{}/{name}:1", registry.addr());
        context.import(&image, &[("a", name.as_bytes())]);
        context.hoist(&["push", &image]).success();
    }
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["search", &format!("{}/app", registry.addr())]), @r#"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME                              DESCRIPTION   STARS     OFFICIAL
        [REGISTRY]/other/app-tools                 0         
        [REGISTRY]/team/app                        0         
        ----- stderr -----
        [REGISTRY] has no search API (/v1/search): repositories of its catalog whose name contains "app"
        "#);
    assert_outcome!(filters, context.hoist(&["search", "--limit", "1", "--format", "{{.Name}}", &format!("{}/app", registry.addr())]), @r#"
        success: true
        exit_code: 0
        ----- stdout -----
        [REGISTRY]/other/app-tools
        ----- stderr -----
        [REGISTRY] has no search API (/v1/search): repositories of its catalog whose name contains "app"
        "#);

    // A registry with a search API (the emulation answers /v2/ and /v1/search).
    let searchable = HubSearch::start(hub_results());
    let filters = Filters::new(&context).literal(searchable.addr(), "[SEARCHABLE]");
    assert_outcome!(filters, context.hoist(&["search", "--limit", "2", &format!("{}/nginx", searchable.addr())]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        NAME                  DESCRIPTION                                     STARS     OFFICIAL
        nginx                 Official build of Nginx.                        20817     [OK]
        nginx/nginx-ingress   NGINX and  NGINX Plus Ingress Controllers fo…   102       
        ----- stderr -----
        Results of [SEARCHABLE]'s search API (/v1/search)
        ");
    assert_eq!(searchable.searches(), ["/v1/search?q=nginx&n=2"]);

    let bare = HubSearch::without_search();
    let filters = Filters::new(&context).literal(bare.addr(), "[BARE]");
    assert_outcome!(filters, context.hoist(&["search", &format!("{}/nginx", bare.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: [BARE] has no search API (/v1/search), and its catalog (/v2/_catalog) cannot be listed
          caused by: _catalog not found: not_found: not found
        ");
}

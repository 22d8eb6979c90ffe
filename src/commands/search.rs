//! `hoist search [HOST/]TERM`: Docker Hub's search (or a registry's `/v1/search`, else its
//! catalog filtered by TERM, as podman does), in docker's table or `--format`
//! (docker/cli `cli/command/registry/search.go`, `formatter_search.go`; the daemon's filters).

use std::io::Write as _;
use std::sync::Arc;

use anyhow::Context as _;
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use super::Context;
use crate::cli::{SearchArgs, SearchFilter};
use crate::output::format::{self, Format, shape};
use crate::output::{self, escape};
use crate::registry::RegistryClient;
use crate::registry::search::SearchResult;

/// Docker Hub's search API, which docker's daemon asks.
const HUB_SEARCH: &str = "https://index.docker.io/";
/// Tests only: where Docker Hub's search is emulated (a local server serving Hub's JSON).
const HUB_SEARCH_OVERRIDE: &str = "HOIST_TEST_HUB_SEARCH_URL";
/// docker's default columns (`defaultSearchTableFormat`).
const TABLE: &str = "{{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}";
/// How much of a description the table shows (docker's `formatter.Ellipsis(desc, 45)`).
const DESCRIPTION_WIDTH: usize = 45;

/// One row: docker's `searchContext` fields, every one a string.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    description: String,
    is_official: String,
    name: String,
    star_count: String,
}

impl format::Row for Row {
    const SHAPE: &'static format::Shape = &shape::SEARCH_ROW;
}

pub(super) async fn run(args: SearchArgs, context: &Context) -> anyhow::Result<()> {
    if args.filters.iter().any(|filter| matches!(filter, SearchFilter::IsAutomated(_))) {
        output::status(
            "WARNING: the \"is-automated\" filter is deprecated, and searching for \"is-automated=true\" will not yield any results in future.",
        );
    }
    let results = match split_term(&args.term) {
        (None, term) => hub(context)?.search(term, args.limit).await.context("cannot search Docker Hub")?,
        (Some(host), term) => Some(registry(context, host, term, args.limit).await?),
    };
    let results = results.context("Docker Hub has no search API at this address")?;
    let json = args.format == Format::Json;
    let rows: Vec<Row> = results
        .iter()
        .filter(|result| args.filters.iter().all(|filter| passes(result, *filter)))
        .map(|result| row(result, !args.no_trunc, json))
        .collect();
    let text = format::render_rows(&rows, &args.format, TABLE)?;
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the results")
}

/// docker's `splitReposSearchTerm`: a registry and the term to ask it, when the first part
/// names one (it has a `.` or a `:`, or is `localhost`); Docker Hub (`None`) otherwise, and
/// for `docker.io/` and `index.docker.io/`, without `library/` as the daemon asks it.
fn split_term(term: &str) -> (Option<&str>, &str) {
    let Some((first, rest)) = term.split_once('/') else { return (None, term) };
    if matches!(first, "docker.io" | "index.docker.io") {
        return (None, rest.strip_prefix("library/").unwrap_or(rest));
    }
    match first.contains('.') || first.contains(':') || first == "localhost" {
        true => (Some(first), rest),
        false => (None, term.strip_prefix("library/").unwrap_or(term)),
    }
}

fn hub(context: &Context) -> anyhow::Result<Arc<RegistryClient>> {
    let url = std::env::var(HUB_SEARCH_OVERRIDE).unwrap_or_else(|_| HUB_SEARCH.to_string());
    let url = reqwest::Url::parse(&url).with_context(|| format!("{HUB_SEARCH_OVERRIDE}={url}"))?;
    Ok(Arc::new(RegistryClient::mirror(context.transport()?, url)))
}

/// A registry's `/v1/search`, else the repositories of its catalog whose name contains `term`;
/// a line on stderr says which answered.
async fn registry(context: &Context, host: &str, term: &str, limit: u32) -> anyhow::Result<Vec<SearchResult>> {
    let client = context.client(host)?;
    if let Some(results) = client.search(term, limit).await.with_context(|| format!("cannot search {host}"))? {
        output::status(&format!("Results of {host}'s search API (/v1/search)"));
        return Ok(results);
    }
    let catalog = client.catalog().await.with_context(|| {
        format!("{host} has no search API (/v1/search), and its catalog (/v2/_catalog) cannot be listed")
    })?;
    output::status(&format!(
        "{host} has no search API (/v1/search): repositories of its catalog whose name contains {term:?}"
    ));
    let found = catalog.into_iter().filter(|name| name.contains(term)).take(limit as usize);
    Ok(found.map(|name| SearchResult { name: format!("{host}/{name}"), ..SearchResult::default() }).collect())
}

/// The daemon's filters: `stars` at least N, `is-official` and `is-automated` as given.
fn passes(result: &SearchResult, filter: SearchFilter) -> bool {
    match filter {
        SearchFilter::Stars(stars) => result.star_count >= stars,
        SearchFilter::IsOfficial(official) => result.is_official == official,
        SearchFilter::IsAutomated(automated) => result.is_automated == automated,
    }
}

/// docker's row: newlines in the description as spaces, cut at 45 columns unless `--no-trunc`;
/// `[OK]` or nothing for official in a table, `true`/`false` in JSON. Text from the registry
/// is escaped before it reaches the terminal.
fn row(result: &SearchResult, truncate: bool, json: bool) -> Row {
    let description = result.description.replace(['\n', '\r'], " ");
    let description = escape(&description);
    let is_official = match (result.is_official, json) {
        (true, true) => "true",
        (true, false) => "[OK]",
        (false, true) => "false",
        (false, false) => "",
    };
    Row {
        description: if truncate { ellipsis(&description, DESCRIPTION_WIDTH) } else { description.into_owned() },
        is_official: is_official.to_string(),
        name: escape(&result.name).into_owned(),
        star_count: result.star_count.to_string(),
    }
}

/// docker's `formatter.Ellipsis`: text wider than `width` columns is cut to `width - 1`
/// columns and `…`.
fn ellipsis(text: &str, width: usize) -> String {
    let widths: Vec<usize> = text.chars().map(|c| c.width().unwrap_or(0)).collect();
    if widths.iter().sum::<usize>() <= width {
        return text.to_string();
    }
    let mut used = 0;
    let mut cut = String::new();
    for (c, w) in text.chars().zip(widths) {
        if used + w > width - 1 {
            break;
        }
        used += w;
        cut.push(c);
    }
    cut + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_as_docker_does() {
        let long = "The Official build of Nginx, a web server and reverse proxy.";
        assert_eq!(ellipsis(long, 45), "The Official build of Nginx, a web server an…");
        assert_eq!(ellipsis(long, 45).chars().count(), 45);
        assert_eq!(ellipsis("short", 45), "short");
        // Wide characters take two columns each.
        assert_eq!(ellipsis("日本語のテキスト", 7), "日本語…");
    }

    #[test]
    fn splits_a_registry_from_the_term() {
        assert_eq!(split_term("nginx"), (None, "nginx"));
        assert_eq!(split_term("bitnami/nginx"), (None, "bitnami/nginx"));
        assert_eq!(split_term("docker.io/library/nginx"), (None, "nginx"));
        assert_eq!(split_term("localhost/app"), (Some("localhost"), "app"));
        assert_eq!(split_term("127.0.0.1:5000/app"), (Some("127.0.0.1:5000"), "app"));
    }
}

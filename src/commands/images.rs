//! `hoist images`: docker's columns, or one JSON object per line.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use super::Context;
use crate::cli::{Format, ImagesArgs};
use crate::image::{self, Kind, Summary};
use crate::output::{self, table};
use crate::reference::Reference;
use crate::store::NameEntry;
use crate::units;

const NONE: &str = "<none>";

/// One row, with docker's field names for `--format json`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    containers: &'static str,
    created_at: String,
    created_since: String,
    digest: String,
    #[serde(rename = "ID")]
    id: String,
    repository: String,
    shared_size: &'static str,
    size: String,
    size_bytes: u64,
    tag: String,
    unique_size: &'static str,
    virtual_size: String,
    #[serde(skip)]
    created_seconds: i64,
}

pub(super) fn run(args: ImagesArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.store()?;
    let filter = args.filter.as_deref().map(Reference::parse).transpose()?;
    let now = jiff::Timestamp::now();
    let listed: Vec<(NameEntry, Summary)> =
        image::list(&store)?.into_iter().filter(|(entry, _)| matches(entry, filter.as_ref())).collect();
    warn_dangling(&listed);
    let mut rows: Vec<Row> = listed
        .iter()
        .filter(|(_, summary)| !matches!(summary.kind, Kind::Dangling(_)))
        .map(|(entry, summary)| row(entry, summary, now, args.no_trunc))
        .collect();
    rows.sort_by(|a, b| b.created_seconds.cmp(&a.created_seconds).then_with(|| a.repository.cmp(&b.repository)));
    let text = if args.quiet {
        rows.iter().map(|row| format!("{}\n", output::escape(&row.id))).collect()
    } else if args.format == Format::Json {
        rows.iter()
            .map(|row| Ok(format!("{}\n", output::escape_json(&serde_json::to_string(row)?))))
            .collect::<anyhow::Result<String>>()?
    } else {
        table::render(&table_rows(&rows, args.digests))
    };
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the list")
}

/// Names whose content is missing or damaged are not listed (they have no image to show),
/// but not hidden either: each one is a warning that says how to be rid of it.
fn warn_dangling(listed: &[(NameEntry, Summary)]) {
    for (entry, summary) in listed {
        if let Kind::Dangling(reason) = &summary.kind {
            let name = entry.reference.as_ref().map_or_else(|| summary.id.to_string(), ToString::to_string);
            output::status(&format!(
                "WARNING: {name} is not listed: what it names is not in the store whole ({reason}); \
                 `hoist rm {name}` removes the name"
            ));
        }
    }
}

/// `REPO` matches every tag of the repository; `REPO:TAG` only that tag.
fn matches(entry: &NameEntry, filter: Option<&Reference>) -> bool {
    let Some(filter) = filter else { return true };
    let Some(reference) = &entry.reference else { return false };
    reference.name() == filter.name() && (filter.tag().is_none() || reference.tag() == filter.tag())
}

fn row(entry: &NameEntry, summary: &Summary, now: jiff::Timestamp, no_trunc: bool) -> Row {
    let (repository, tag) = match &entry.reference {
        Some(reference) => (reference.familiar_name(), reference.tag().unwrap_or(NONE).to_string()),
        None => (NONE.to_string(), NONE.to_string()),
    };
    let created = summary.created.as_deref().and_then(|text| text.parse::<jiff::Timestamp>().ok());
    let id = if no_trunc { summary.id.to_string() } else { summary.id.hex()[..12].to_string() };
    Row {
        containers: "N/A",
        created_at: created.map_or_else(|| "N/A".into(), created_at),
        created_since: created
            .map_or_else(|| "N/A".into(), |created| units::human_age(now.as_second() - created.as_second())),
        digest: entry.descriptor.digest().to_string(),
        id,
        repository,
        shared_size: "N/A",
        size: units::human_size(summary.size),
        size_bytes: summary.size,
        tag,
        unique_size: "N/A",
        virtual_size: units::human_size(summary.size),
        created_seconds: created.map_or(i64::MIN, |created| created.as_second()),
    }
}

/// Go's `time.Time.String()` form that docker prints, in the local time zone.
fn created_at(created: jiff::Timestamp) -> String {
    created.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S %z %Z").to_string()
}

fn table_rows(rows: &[Row], digests: bool) -> Vec<Vec<String>> {
    let mut header = vec!["REPOSITORY", "TAG"];
    if digests {
        header.push("DIGEST");
    }
    header.extend(["IMAGE ID", "CREATED", "SIZE"]);
    let mut lines = vec![header.into_iter().map(String::from).collect()];
    for row in rows {
        let mut line = vec![row.repository.clone(), row.tag.clone()];
        if digests {
            line.push(row.digest.clone());
        }
        line.extend([row.id.clone(), row.created_since.clone(), row.size.clone()]);
        lines.push(line);
    }
    lines
}

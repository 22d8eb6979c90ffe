//! `hoist images`: one row per name, with docker's fields (`formatter.imageContext`), rendered
//! by the output layer as `--format` asks (`table`, `json`, a template, `table TEMPLATE`).

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use super::Context;
use crate::cli::{DfArgs, ImagesArgs};
use crate::image::filter::{Filter, FilterKey};
use crate::image::{self, Kind, Summary, listing};
use crate::ops::usage;
use crate::output::format::{self, Format, shape};
use crate::store::NameEntry;
use crate::{output, units};

const NONE: &str = "<none>";

/// docker's columns, without and with `--digests` (`formatter.defaultImageTableFormat*`).
const TABLE: &str =
    "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
const TABLE_WITH_DIGEST: &str = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";

/// One row: docker's fields, plus `SizeBytes` (SPEC §2).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    containers: String,
    created_at: String,
    created_since: String,
    digest: String,
    #[serde(rename = "ID")]
    id: String,
    repository: String,
    shared_size: String,
    size: String,
    size_bytes: u64,
    tag: String,
    unique_size: String,
    virtual_size: String,
    #[serde(skip)]
    created_seconds: i64,
}

impl format::Row for Row {
    const SHAPE: &'static format::Shape = &shape::IMAGE_ROW;
}

pub(super) fn run(args: ImagesArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let now = jiff::Timestamp::now();
    let images = image::list(&store)?;
    warn_dangling(&images);
    let mut filters = args.filters.clone();
    // docker's CLI: `images PATTERN` is `-f reference=PATTERN`.
    filters.extend(args.pattern.iter().map(|pattern| Filter { key: FilterKey::Reference, value: pattern.clone() }));
    let listed = listing::select(&store, &images, &filters, args.all)?;
    let (format, table) = effective_format(&args);
    // docker fills DIGEST only when it is shown (`--digests`, or a format that names it).
    let digests = args.digests || format.contains("{{.Digest}}");
    let mut rows: Vec<Row> = listed
        .iter()
        .filter(|(_, summary)| !matches!(summary.kind, Kind::Dangling(_)))
        .map(|(entry, summary)| row(entry, summary, now, args.no_trunc, digests))
        .collect();
    rows.sort_by(|a, b| b.created_seconds.cmp(&a.created_seconds).then_with(|| a.repository.cmp(&b.repository)));
    let text = format::render_rows(&rows, &format, table)?;
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the list")
}

/// docker's `NewImageFormat`: `-q` is `{{.ID}}` unless a format was given; `--digests` adds
/// the DIGEST column to the default table, and to a `table` template that lacks it.
fn effective_format(args: &ImagesArgs) -> (Format, &'static str) {
    let table = if args.digests { TABLE_WITH_DIGEST } else { TABLE };
    let format = match &args.format {
        Format::Default if args.quiet => Format::Template("{{.ID}}".into()),
        Format::TableTemplate(source) if args.digests && !source.contains("{{.Digest}}") => {
            Format::TableTemplate(format!("{source}\t{{{{.Digest}}}}"))
        }
        other => other.clone(),
    };
    (format, table)
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

fn row(entry: &NameEntry, summary: &Summary, now: jiff::Timestamp, no_trunc: bool, digests: bool) -> Row {
    let (repository, tag) = match (&entry.reference, &entry.repository) {
        (Some(reference), _) => (reference.familiar_name(), reference.tag().unwrap_or(NONE).to_string()),
        (None, Some(repository)) => (repository.familiar_name(), NONE.to_string()),
        (None, None) => (NONE.to_string(), NONE.to_string()),
    };
    let digests = digests && !listing::is_unnamed(entry);
    let created = summary.created.as_deref().and_then(|text| text.parse::<jiff::Timestamp>().ok());
    let id = if no_trunc { summary.id.to_string() } else { summary.id.hex()[..12].to_string() };
    Row {
        containers: "N/A".into(),
        created_at: created.map_or_else(|| "N/A".into(), created_at),
        // docker's CreatedSince is empty for an unknown date; its table prints N/A then.
        created_since: created
            .map_or_else(String::new, |created| units::human_age(now.as_second() - created.as_second())),
        digest: if digests { entry.descriptor.digest().to_string() } else { NONE.to_string() },
        id,
        repository,
        shared_size: "N/A".into(),
        size: units::human_size(summary.size),
        size_bytes: summary.size,
        tag,
        unique_size: "N/A".into(),
        virtual_size: units::human_size_with_precision(summary.size, 4),
        created_seconds: created.map_or(i64::MIN, |created| created.as_second()),
    }
}

/// Go's `time.Time.String()` form that docker prints, in the local time zone.
fn created_at(created: jiff::Timestamp) -> String {
    created.to_zoned(units::local_zone().clone()).strftime("%Y-%m-%d %H:%M:%S %z %Z").to_string()
}

/// docker's `system df` table, and the images section of `-v`.
const DF_TABLE: &str = "{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const DF_IMAGES: &str = "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";

/// A row of `system df`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UsageRow {
    active: String,
    reclaimable: String,
    size: String,
    total_count: String,
    #[serde(rename = "Type")]
    kind: &'static str,
}

impl format::Row for UsageRow {
    const SHAPE: &'static format::Shape = &shape::DISK_USAGE_ROW;
}

/// `hoist system df [-v]`: the Images row (hoist has no containers, volumes or build cache).
pub(super) fn disk_usage(args: &DfArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let images = image::list(&store)?;
    let usage = usage::usage(&store, &images);
    let human = |bytes: u64| units::human_size_with_precision(bytes, 4);
    let reclaimable = match usage.size {
        0 => human(usage.reclaimable),
        size => format!("{} ({}%)", human(usage.reclaimable), usage.reclaimable * 100 / size),
    };
    let row = UsageRow {
        active: usage.active.to_string(),
        reclaimable,
        size: human(usage.size),
        total_count: usage.images.to_string(),
        kind: "Images",
    };
    let mut text = if args.verbose && args.format == Format::Default {
        String::new()
    } else {
        format::render_rows(&[row], &args.format, DF_TABLE)?
    };
    if args.verbose && args.format == Format::Default {
        text.push_str("Images space usage:\n\n");
        text.push_str(&format::render_rows(&usage_rows(&images, &usage), &Format::Default, DF_IMAGES)?);
    }
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the usage")
}

fn usage_rows(images: &[(NameEntry, Summary)], usage: &usage::Usage) -> Vec<Row> {
    let now = jiff::Timestamp::now();
    let mut rows: Vec<Row> = images
        .iter()
        .filter(|(_, summary)| summary.kind == Kind::Image)
        .map(|(entry, summary)| {
            let mut row = row(entry, summary, now, false, false);
            let (shared, own) = usage.shared.get(&summary.id).copied().unwrap_or_default();
            row.shared_size = units::human_size(shared);
            row.unique_size = units::human_size(own);
            row.containers = "0".into();
            row
        })
        .collect();
    rows.sort_by(|a, b| b.created_seconds.cmp(&a.created_seconds).then_with(|| a.repository.cmp(&b.repository)));
    rows
}

//! `hoist history IMAGE`: the config's history, newest first, with docker's fields
//! (`formatter.historyContext`), rendered by the output layer as `--format` asks.

use std::io::Write;

use anyhow::Context as _;
use oci_spec::image::Descriptor;
use serde::Serialize;

use super::{Context, find_one};
use crate::cli::HistoryArgs;
use crate::image::{self, Image, Platform};
use crate::output::format::{self, Format, shape};
use crate::units;

/// docker's `defaultHistoryTableFormat`.
const TABLE: &str = "{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
/// docker shows this much of CREATED BY unless `--no-trunc`.
const CREATED_BY_WIDTH: usize = 45;
const MISSING: &str = "<missing>";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    comment: String,
    created_at: String,
    created_by: String,
    created_since: String,
    #[serde(rename = "ID")]
    id: String,
    size: String,
}

impl format::Row for Row {
    const SHAPE: &'static format::Shape = &shape::HISTORY_ROW;
}

/// One history entry with the layer it made (none for an empty layer).
struct Step {
    created: Option<jiff::Timestamp>,
    created_by: String,
    comment: String,
    size: u64,
}

pub(super) fn run(args: HistoryArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let images = image::list(&store)?;
    let (entry, _) = find_one(&images, &args.image)?;
    let image = Image::open(&store, &entry.descriptor, &Platform::host())
        .with_context(|| format!("cannot read the image {}", args.image))?;
    let now = jiff::Timestamp::now();
    let rows: Vec<Row> = steps(&image)
        .iter()
        .enumerate()
        .map(|(position, step)| {
            let id = if position > 0 {
                MISSING.to_string()
            } else if args.no_trunc {
                image.config_digest.to_string()
            } else {
                image.config_digest.hex()[..12].to_string()
            };
            row(step, id, &args, now)
        })
        .collect();
    let format = match &args.format {
        Format::Default if args.quiet => Format::Template("{{.ID}}".into()),
        other => other.clone(),
    };
    let text = format::render_rows(&rows, &format, TABLE)?;
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the history")
}

/// The config's history, newest first, each non-empty step paired with the next layer.
fn steps(image: &Image) -> Vec<Step> {
    let mut layers = image.manifest.layers().iter().map(Descriptor::size);
    let history = image.config.history().clone().unwrap_or_default();
    let mut steps: Vec<Step> = history
        .iter()
        .map(|entry| Step {
            created: entry.created().as_deref().and_then(|text| text.parse().ok()),
            created_by: entry.created_by().clone().unwrap_or_default(),
            comment: entry.comment().clone().unwrap_or_default(),
            size: if entry.empty_layer().unwrap_or(false) { 0 } else { layers.next().unwrap_or(0) },
        })
        .collect();
    steps.reverse();
    steps
}

fn row(step: &Step, id: String, args: &HistoryArgs, now: jiff::Timestamp) -> Row {
    let created_at = step.created.map_or_else(String::new, rfc3339);
    let created_since = match step.created {
        Some(created) if args.human => units::human_age(now.as_second() - created.as_second()),
        _ => created_at.clone(),
    };
    let created_by = step.created_by.replace('\t', " ");
    let created_by = if args.no_trunc { created_by } else { ellipsis(&created_by, CREATED_BY_WIDTH) };
    let size = if args.human { units::human_size(step.size) } else { step.size.to_string() };
    Row { comment: step.comment.clone(), created_at, created_by, created_since, id, size }
}

/// Go's `time.RFC3339` in the local time zone, as docker formats a history entry's date.
fn rfc3339(time: jiff::Timestamp) -> String {
    let zoned = time.to_zoned(units::local_zone().clone());
    if zoned.offset().seconds() == 0 {
        zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// docker's `formatter.Ellipsis`: at most `width` characters, the last one `…` when cut.
fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

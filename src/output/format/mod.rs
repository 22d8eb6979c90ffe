//! The one way from rows to the terminal (STYLE "One way from rows to the terminal", SPEC §2
//! "Docker's forms that scripts rely on"): `--format` is parsed once into a [`Format`]; a
//! command yields rows (structs with docker's field names, see [`Row`]) or documents (inspect's
//! JSON objects), and this module renders them as docker's formatter does
//! (docker/cli v28.2.2 `cli/command/formatter/formatter.go`, `cli/command/inspect/inspector.go`):
//!
//! - `table`: the command's default columns, header first, aligned by [`table::align`];
//! - `json`: one JSON object per line (`{{json .}}`); for `inspect`, one compact JSON array;
//! - a Go template: each row rendered through it, each followed by a newline;
//! - `table TEMPLATE`: a header row made by rendering the template over the column names
//!   (with the header functions), then the rows, aligned.
//!
//! For listings, `\t` and `\n` written in the format are a tab and a newline and surrounding
//! spaces are trimmed (docker's `preFormat`); `inspect` takes its template as it is.
//!
//! Files: `shape.rs` (docker's Go types), `value.rs` (JSON to template values), `json.rs`
//! (the `json` function's writer), `functions.rs` (docker's functions), `template.rs` (the
//! compiled template).

mod functions;
mod json;
pub(crate) mod shape;
mod template;
mod value;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use gotmpl::{TemplateError, Value};
use serde::Serialize;

pub(crate) use self::shape::Shape;
use self::template::Template;
use super::table;

/// What `--format` asked for.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Format {
    /// The command's own form: docker's table for listings, indented JSON for `inspect`.
    Default,
    /// JSON: one object per line for listings, one compact array for `inspect`.
    Json,
    /// Each row through this template.
    Template(String),
    /// A header row, then each row through this template, in aligned columns.
    TableTemplate(String),
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Default => f.write_str("table"),
            Format::Json => f.write_str("json"),
            Format::Template(source) => write!(f, "{source:?}"),
            Format::TableTemplate(source) => write!(f, "table {source:?}"),
        }
    }
}

/// A template that does not parse, or a row it cannot render. docker's wording: both are
/// `template parsing error: ...`.
#[derive(Debug, thiserror::Error)]
#[error("template parsing error: {0}")]
pub(crate) struct FormatError(String);

impl FormatError {
    fn of(error: &TemplateError, shape: Option<&Shape>) -> FormatError {
        FormatError(match (error, shape) {
            (TemplateError::MissingKey { key }, Some(shape)) => {
                format!("can't evaluate field {key} in type {}", shape.go_type)
            }
            (TemplateError::MissingKey { key }, None) => format!("map has no entry for key \"{key}\""),
            // Go's form for where a template does not parse: the line, not the column.
            (TemplateError::Lex { line, message, .. } | TemplateError::Parse { line, message, .. }, _) => {
                format!("template: :{line}: {message}")
            }
            (TemplateError::Exec(message), _) => message.clone(),
            (error, _) => error.to_string(),
        })
    }
}

impl Format {
    /// `--format` of a listing (`images`, and later `history`, `search`, `system df`).
    pub(crate) fn listing(text: &str) -> Result<Format, FormatError> {
        let format = match text {
            "" | "table" => Format::Default,
            "json" => Format::Json,
            _ => match text.strip_prefix("table") {
                Some(rest) => Format::TableTemplate(unescape(rest)),
                None => Format::Template(unescape(text)),
            },
        };
        format.check()?;
        Ok(format)
    }

    /// `inspect -f/--format`: the template is taken as it is.
    pub(crate) fn inspect(text: &str) -> Result<Format, FormatError> {
        let format = match text {
            "" => Format::Default,
            "json" => Format::Json,
            _ => Format::Template(text.to_string()),
        };
        format.check()?;
        Ok(format)
    }

    /// Whether the template mentions `needle` (docker shows digests when it names `{{.Digest}}`).
    pub(crate) fn contains(&self, needle: &str) -> bool {
        matches!(self, Format::Template(source) | Format::TableTemplate(source) if source.contains(needle))
    }

    fn check(&self) -> Result<(), FormatError> {
        match self {
            Format::Template(source) | Format::TableTemplate(source) => {
                Template::compile(source).map(drop).map_err(|error| FormatError::of(&error, None))
            }
            Format::Default | Format::Json => Ok(()),
        }
    }
}

/// docker's `preFormat`: spaces around trimmed, `\t` and `\n` as written become tab and newline.
fn unescape(text: &str) -> String {
    text.trim_matches(' ').replace("\\t", "\t").replace("\\n", "\n")
}

/// A row of a listing: serialised, it has the fields of its docker type [`Row::SHAPE`].
pub(crate) trait Row: Serialize {
    const SHAPE: &'static Shape;
}

/// Renders `rows` as `format` asks; `Format::Default` is the table template `default_table`
/// (the command's columns for the flags given, e.g. with `--digests`).
pub(crate) fn render_rows<R: Row>(rows: &[R], format: &Format, default_table: &str) -> Result<String, FormatError> {
    let values = rows
        .iter()
        .map(|row| serde_json::to_value(row).map(|json| value::typed(&json, R::SHAPE)))
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|error| FormatError(error.to_string()))?;
    let rendered = |source: &str| -> Result<String, FormatError> {
        let template = Template::compile(source).map_err(|error| FormatError::of(&error, None))?;
        let mut text = String::new();
        for value in &values {
            text.push_str(&template.row(value).map_err(|error| FormatError::of(&error, Some(R::SHAPE)))?);
            text.push('\n');
        }
        Ok(text)
    };
    match format {
        Format::Json => Ok(values.iter().map(|value| json::to_json(value) + "\n").collect()),
        Format::Template(source) => rendered(source),
        Format::TableTemplate(source) => table_of(source, R::SHAPE, rendered(source)?),
        Format::Default => table_of(default_table, R::SHAPE, rendered(default_table)?),
    }
}

/// The header row (the template over the column names), then the rows, aligned.
fn table_of(source: &str, shape: &Shape, rows: String) -> Result<String, FormatError> {
    let template = Template::compile(source).map_err(|error| FormatError::of(&error, None))?;
    let names: BTreeMap<Arc<str>, Value> = shape
        .fields
        .iter()
        .filter_map(|field| Some((Arc::from(field.name), Value::String(Arc::from(field.header?)))))
        .collect();
    let mut text = template.header(&Value::Map(Arc::new(names))).map_err(|error| FormatError::of(&error, None))?;
    text.push('\n');
    text.push_str(&rows);
    Ok(table::align(&text))
}

/// What rendering documents gave: the text to print, and the documents that failed.
pub(crate) struct Rendered {
    pub text: String,
    pub errors: Vec<FormatError>,
}

/// Renders `inspect`'s documents. A template runs first over each document as docker's Go
/// type `shape` sees it, then, where that fails (a field the type lacks), over the JSON as it
/// is (docker's fallback); a document that fails both is an error, the others are printed.
/// `Format::Default` is the caller's (hoist's indented JSON) and is rendered as `json` here.
pub(crate) fn render_documents(documents: &[serde_json::Value], format: &Format, shape: &'static Shape) -> Rendered {
    let source = match format {
        Format::Template(source) | Format::TableTemplate(source) => source,
        Format::Default | Format::Json => {
            let array = serde_json::Value::Array(documents.to_vec());
            let text = super::escape_json(&array.to_string()).into_owned() + "\n";
            return Rendered { text, errors: Vec::new() };
        }
    };
    let template = match Template::compile(source) {
        Ok(template) => template,
        Err(error) => return Rendered { text: String::new(), errors: vec![FormatError::of(&error, None)] },
    };
    let mut rendered = Rendered { text: String::new(), errors: Vec::new() };
    for document in documents {
        let outcome = template
            .row(&value::typed(document, shape))
            .or_else(|_| template.row(&value::raw(document)))
            .map_err(|error| FormatError::of(&error, None));
        match outcome {
            Ok(text) => {
                rendered.text.push_str(&text);
                rendered.text.push('\n');
            }
            Err(error) => rendered.errors.push(error),
        }
    }
    if rendered.text.is_empty() {
        rendered.text.push('\n');
    }
    rendered
}

#[cfg(test)]
mod tests;

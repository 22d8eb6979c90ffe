//! JSON as Go's `encoding/json` writes docker's values: a struct's fields in its declared order
//! (omitting empty `omitempty` ones), a map's keys sorted, nil slices and maps as `null`, and
//! strings escaped as Go escapes them (`\u003c` for `<` where HTML escaping is on, `\u2028`,
//! `\u00XX` for controls). A map is taken for a struct when its keys are exactly the fields of
//! one of the known [`shape`](super::shape)s.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use gotmpl::Value;

use super::shape::{self, Field, Kind, Shape};
use super::value::{is_nil_list, is_nil_map};

static SHAPES: LazyLock<HashMap<String, &'static Shape>> =
    LazyLock::new(|| shape::ALL.iter().map(|shape| (shape.key(), *shape)).collect());

/// The shape whose fields are exactly the keys of `map`, if one is.
fn shape_of(map: &std::collections::BTreeMap<std::sync::Arc<str>, Value>) -> Option<&'static Shape> {
    let mut key = String::new();
    for (index, name) in map.keys().enumerate() {
        if index > 0 {
            key.push('\0');
        }
        key.push_str(name);
    }
    SHAPES.get(&key).copied()
}

/// `value` as one line of JSON. HTML characters are escaped when `value` is a struct whose
/// type says so (docker's rows: their `MarshalJSON` goes through `json.Marshal`).
pub(super) fn to_json(value: &Value) -> String {
    let escape_html = matches!(value, Value::Map(map) if shape_of(map).is_some_and(|shape| shape.escape_html));
    let mut out = String::new();
    write_value(&mut out, value, escape_html);
    out
}

fn write_value(out: &mut String, value: &Value, html: bool) {
    match value {
        Value::Nil | Value::Function(_) => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Uint(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Float(value) => write_float(out, *value),
        Value::String(text) => write_string(out, text, html),
        Value::List(items) if is_nil_list(items) => out.push_str("null"),
        Value::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item, html);
            }
            out.push(']');
        }
        Value::Map(map) if is_nil_map(map) => out.push_str("null"),
        Value::Map(map) => match shape_of(map) {
            Some(shape) => {
                let fields = shape.fields.iter().filter_map(|field| {
                    let value = map.get(field.name)?;
                    (!omitted(field, value)).then_some((field.json, value))
                });
                write_object(out, fields, html);
            }
            None => write_object(out, map.iter().map(|(key, value)| (key.as_ref(), value)), html),
        },
    }
}

fn write_object<'a>(out: &mut String, entries: impl Iterator<Item = (&'a str, &'a Value)>, html: bool) {
    out.push('{');
    for (index, (key, value)) in entries.enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(out, key, html);
        out.push(':');
        write_value(out, value, html);
    }
    out.push('}');
}

/// Go's `omitempty`: false, 0, "", nil and empty slices and maps are left out; structs never.
fn omitted(field: &Field, value: &Value) -> bool {
    if !field.omit_empty || matches!(field.kind, Kind::Struct(_)) {
        return false;
    }
    match value {
        Value::Nil => true,
        Value::Bool(value) => !value,
        Value::Int(value) => *value == 0,
        Value::Uint(value) => *value == 0,
        Value::Float(value) => *value == 0.0,
        Value::String(text) => text.is_empty(),
        Value::List(items) => items.is_empty(),
        Value::Map(map) => matches!(field.kind, Kind::Map | Kind::Any) && map.is_empty(),
        Value::Function(_) => false,
    }
}

fn write_float(out: &mut String, value: f64) {
    if value.is_finite() {
        let _ = write!(out, "{value}");
    } else {
        out.push_str("null");
    }
}

/// A JSON string as Go's encoder writes it.
fn write_string(out: &mut String, text: &str, html: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_json;
    use crate::output::format::shape::IMAGE_INSPECT;
    use crate::output::format::value::{raw, typed};

    #[test]
    fn structs_in_their_order_maps_sorted_nils_null() {
        let document = json!({
            "Id": "sha256:1",
            "Config": {"Labels": {"b": "2", "a": "1"}, "Cmd": ["sh"], "Env": ["A=<b>"], "Hostname": ""},
        });
        let Some(config) = typed(&document, &IMAGE_INSPECT).field("Config").cloned() else { panic!("config") };
        assert_eq!(to_json(&config), r#"{"Env":["A=<b>"],"Cmd":["sh"],"Labels":{"a":"1","b":"2"}}"#);
        let Some(entrypoint) = config.field("Entrypoint").cloned() else { panic!("entrypoint") };
        assert_eq!(to_json(&entrypoint), "null");
        assert_eq!(to_json(&raw(&json!([]))), "[]");
        assert_eq!(to_json(&raw(&json!({"z": 1, "a": [true, null]}))), r#"{"a":[true,null],"z":1}"#);
    }

    #[test]
    fn strings_as_go_escapes_them() {
        assert_eq!(to_json(&raw(&json!("a\"b\\c\u{2028}<&>é"))), "\"a\\\"b\\\\c\\u2028<&>é\"");
    }
}

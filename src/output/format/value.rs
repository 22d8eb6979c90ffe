//! From JSON to the values templates run over, two ways, as docker's CLI has them:
//! [`typed`] decodes a document into a Go type ([`Shape`]): the type's fields and no others,
//! each absent one at its zero value; [`raw`] takes the JSON as it is (docker's fallback, a
//! `map[string]any`, for fields its types lack).
//!
//! Go tells a nil slice or map from an empty one (`{{json .Config.Entrypoint}}` is `null`, not
//! `[]`), while templates print both alike (`[]`, `map[]`). The engine's values cannot say
//! "nil slice", so a nil slice is one shared empty list ([`nil_list`]) and a nil map one shared
//! empty map ([`nil_map`]), told apart from other empty ones by address; the engine passes
//! values on by cloning the `Arc`, which keeps the address.
//!
//! Every string passes through [`escape`](crate::output::escape) on the way in: text from a
//! registry or an archive (labels, environment, commands) never reaches the terminal raw,
//! whatever the template does with it.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use gotmpl::Value;
use serde_json::Value as Json;

use super::shape::{Kind, Shape};
use crate::output::escape;

type Map = BTreeMap<Arc<str>, Value>;

static NIL_LIST: LazyLock<Arc<[Value]>> = LazyLock::new(|| Arc::from(Vec::new()));
static NIL_MAP: LazyLock<Arc<Map>> = LazyLock::new(|| Arc::new(Map::new()));

/// Go's nil slice.
pub(super) fn nil_list() -> Value {
    Value::List(NIL_LIST.clone())
}

/// Go's nil map.
pub(super) fn nil_map() -> Value {
    Value::Map(NIL_MAP.clone())
}

/// Whether `list` is Go's nil slice.
pub(super) fn is_nil_list(list: &Arc<[Value]>) -> bool {
    Arc::ptr_eq(list, &NIL_LIST)
}

/// Whether `map` is Go's nil map.
pub(super) fn is_nil_map(map: &Arc<Map>) -> bool {
    Arc::ptr_eq(map, &NIL_MAP)
}

fn text(text: &str) -> Value {
    Value::String(Arc::from(escape(text).as_ref()))
}

/// The JSON as it is: objects become maps, `null` nil (docker decodes with `UseNumber`, so
/// numbers print as they were written; integers and floats do here too).
pub(super) fn raw(json: &Json) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(value) => Value::Bool(*value),
        Json::Number(number) => number_value(number),
        Json::String(value) => text(value),
        Json::Array(items) => Value::List(items.iter().map(raw).collect()),
        Json::Object(entries) => Value::Map(Arc::new(
            entries.iter().map(|(key, value)| (Arc::from(escape(key).as_ref()), raw(value))).collect(),
        )),
    }
}

fn number_value(number: &serde_json::Number) -> Value {
    if let Some(value) = number.as_i64() {
        Value::Int(value)
    } else if let Some(value) = number.as_u64() {
        Value::Uint(value)
    } else {
        Value::Float(number.as_f64().unwrap_or(f64::NAN))
    }
}

/// `json` decoded into the Go type `shape`: its fields, in its terms, absent ones at zero.
pub(super) fn typed(json: &Json, shape: &Shape) -> Value {
    let object = json.as_object();
    let fields = shape.fields.iter().map(|field| {
        let value = object.and_then(|object| object.get(field.json)).unwrap_or(&Json::Null);
        (Arc::from(field.name), of_kind(value, field.kind))
    });
    Value::Map(Arc::new(fields.collect()))
}

/// One field's value as its Go type holds it. JSON of another type than the field's is taken
/// as it is (Go would refuse the whole document; the daemon never sends such).
fn of_kind(json: &Json, kind: Kind) -> Value {
    match (kind, json) {
        (Kind::Text, Json::Null) => Value::String(Arc::from("")),
        (Kind::Integer, Json::Null) => Value::Int(0),
        (Kind::Boolean, Json::Null) => Value::Bool(false),
        (Kind::List, Json::Null) => nil_list(),
        (Kind::Map, Json::Null) => nil_map(),
        (Kind::Struct(shape), Json::Null | Json::Object(_)) => typed(json, shape),
        (Kind::Pointer(_), Json::Null) => Value::Nil,
        (Kind::Pointer(shape), Json::Object(_)) => typed(json, shape),
        (_, json) => raw(json),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::output::format::shape::IMAGE_INSPECT;

    #[test]
    fn typed_documents_have_every_field_and_nils() {
        let document = json!({"Id": "sha256:1", "Config": {"Cmd": ["sh"], "Hostname": "x"}, "Extra": 1});
        let Value::Map(map) = typed(&document, &IMAGE_INSPECT) else { panic!("a map") };
        assert_eq!(map.len(), IMAGE_INSPECT.fields.len());
        assert!(map.get("Extra").is_none());
        assert!(matches!(map.get("RepoTags"), Some(Value::List(list)) if is_nil_list(list)));
        let Some(Value::Map(config)) = map.get("Config") else { panic!("config") };
        assert!(config.get("Hostname").is_none(), "not a field of the OCI config docker decodes into");
        assert_eq!(config.get("Cmd").map(ToString::to_string).as_deref(), Some("[sh]"));
        assert!(matches!(config.get("Labels"), Some(Value::Map(labels)) if is_nil_map(labels)));
    }

    #[test]
    fn strings_are_escaped_on_the_way_in() {
        assert_eq!(raw(&json!("a\u{1b}]0;x\u{7}")).to_string(), "a\\x1b]0;x\\x07");
    }
}

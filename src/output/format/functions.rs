//! docker's template functions (docker/cli v28.2.2 `templates/templates.go`), on top of Go's
//! built-ins the engine has (`index`, `println`, `printf`, `len`, `eq`, `and`, `slice`, ...):
//! `json`, `split`, `join`, `title`, `lower`, `upper`, `pad`, `truncate`; and the header
//! variants `table` templates render their header row with, which give the column's name back
//! untouched (all but `pad`, which keeps the header aligned with its column).

use std::sync::Arc;

use gotmpl::{Template, TemplateError, Value};

use super::json;

type Outcome = Result<Value, TemplateError>;

/// `template` with docker's functions.
pub(super) fn with_docker_functions(template: Template) -> Template {
    template
        .func("json", |args| Ok(string(json::to_json(one(args, "json")?))))
        .func("split", split)
        .func("join", join)
        .func("title", |args| Ok(string(title(text(args, 0, "title")?))))
        .func("lower", |args| Ok(string(text(args, 0, "lower")?.to_lowercase())))
        .func("upper", |args| Ok(string(text(args, 0, "upper")?.to_uppercase())))
        .func("pad", pad)
        .func("truncate", truncate)
}

/// `template` with the functions of a table's header row: the column name passes through.
pub(super) fn with_header_functions(template: Template) -> Template {
    let keep = |args: &[Value]| args.first().cloned().ok_or_else(|| count("header", 1, 0));
    ["json", "split", "join", "title", "lower", "upper", "truncate"]
        .into_iter()
        .fold(template, |template, name| template.func(name, keep))
        .func("pad", pad)
}

fn string(text: impl AsRef<str>) -> Value {
    Value::String(Arc::from(text.as_ref()))
}

fn count(name: &str, expected: usize, got: usize) -> TemplateError {
    TemplateError::ArgCount { name: name.to_string(), expected, got }
}

fn one<'a>(args: &'a [Value], name: &str) -> Result<&'a Value, TemplateError> {
    match args {
        [value] => Ok(value),
        _ => Err(count(name, 1, args.len())),
    }
}

/// Argument `index` as a string: Go refuses any other type for a `string` parameter.
fn text<'a>(args: &'a [Value], index: usize, name: &str) -> Result<&'a str, TemplateError> {
    match args.get(index) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(TemplateError::Exec(format!(
            "error calling {name}: wrong type for value; expected string; got {}",
            other.type_name()
        ))),
        None => Err(count(name, index + 1, args.len())),
    }
}

fn integer(args: &[Value], index: usize, name: &str) -> Result<i64, TemplateError> {
    let value = args.get(index).ok_or_else(|| count(name, index + 1, args.len()))?;
    value.as_int().ok_or_else(|| {
        TemplateError::Exec(format!(
            "error calling {name}: wrong type for value; expected int; got {}",
            value.type_name()
        ))
    })
}

/// `strings.Split`: an empty separator splits after each character.
fn split(args: &[Value]) -> Outcome {
    let (source, separator) = (text(args, 0, "split")?, text(args, 1, "split")?);
    let parts: Vec<Value> = if separator.is_empty() {
        source.chars().map(|c| string(c.to_string())).collect()
    } else {
        source.split(separator).map(string).collect()
    };
    Ok(Value::List(parts.into()))
}

/// `strings.Join` over a list; items that are not strings are printed as templates print them.
fn join(args: &[Value]) -> Outcome {
    let separator = text(args, 1, "join")?;
    match args.first() {
        Some(Value::List(items)) => {
            let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
            Ok(string(parts.join(separator)))
        }
        Some(other) => Err(TemplateError::Exec(format!(
            "error calling join: wrong type for value; expected []string; got {}",
            other.type_name()
        ))),
        None => Err(count("join", 2, 0)),
    }
}

/// `padWithSpace`: spaces before and after, unless the text is empty.
fn pad(args: &[Value]) -> Outcome {
    let source = text(args, 0, "pad")?;
    let (prefix, suffix) = (integer(args, 1, "pad")?, integer(args, 2, "pad")?);
    if source.is_empty() {
        return Ok(string(""));
    }
    let spaces = |n: i64| " ".repeat(usize::try_from(n).unwrap_or(0));
    Ok(string(format!("{}{source}{}", spaces(prefix), spaces(suffix))))
}

/// `truncateWithLength`: the first `length` bytes (here: never cutting a character in two).
fn truncate(args: &[Value]) -> Outcome {
    let source = text(args, 0, "truncate")?;
    let length = usize::try_from(integer(args, 1, "truncate")?).unwrap_or(0);
    if source.len() < length {
        return Ok(string(source));
    }
    let end = (0..=length).rev().find(|end| source.is_char_boundary(*end)).unwrap_or(0);
    Ok(string(&source[..end]))
}

/// `strings.Title`: the first letter of each word in upper case; a word starts after a
/// separator (Go's `isSeparator`: not a letter, digit or `_`; any space).
fn title(source: &str) -> String {
    let mut previous_separates = true;
    source
        .chars()
        .flat_map(|c| {
            let upper = previous_separates;
            previous_separates = is_separator(c);
            let mapped: Vec<char> = if upper { c.to_uppercase().collect() } else { vec![c] };
            mapped
        })
        .collect()
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use gotmpl::Template;

    use super::*;

    fn render(source: &str) -> String {
        let template = with_docker_functions(Template::new("")).parse(source).unwrap();
        let data = gotmpl::tmap! { "Tags" => vec!["a:1".to_string(), "b:2".to_string()], "Empty" => "", "N" => 3i64 };
        template.execute_to_string(&data).unwrap_or_else(|error| format!("error: {error}"))
    }

    /// Each as docker 28's CLI prints it (checked against `docker image inspect -f`).
    #[test]
    fn docker_functions() {
        let cases = [
            (r#"{{join .Tags ","}}"#, "a:1,b:2"),
            (r#"{{split "li-nu-x" "-"}}"#, "[li nu x]"),
            (r#"{{split "abc" ""}}"#, "[a b c]"),
            (r#"{{title "hello wor_ld-x"}}"#, "Hello Wor_ld-X"),
            (r#"{{lower "ABC"}}{{upper "abc"}}"#, "abcABC"),
            (r#"{{pad "linux" 2 3}}|"#, "  linux   |"),
            (r#"{{pad .Empty 2 3}}|"#, "|"),
            (r#"{{truncate "sha256:abc" 5}}|{{truncate "ab" 5}}|{{truncate "abcde" 5}}"#, "sha25|ab|abcde"),
            (r#"{{json .Tags}}|{{json "<a&b>"}}"#, r#"["a:1","b:2"]|"<a&b>""#),
            (r#"{{println "x"}}y"#, "x\ny"),
            (r#"{{index .Tags 1}}"#, "b:2"),
            (r#"{{range .Tags}}{{.}} {{end}}"#, "a:1 b:2 "),
            (
                r#"{{upper .N}}"#,
                "error: execution error: error calling upper: wrong type for value; expected string; got int",
            ),
        ];
        for (source, expected) in cases {
            assert_eq!(render(source), expected, "{source}");
        }
    }

    #[test]
    fn header_functions_keep_the_name() {
        let template =
            with_header_functions(Template::new("")).parse(r#"{{upper .A}} {{truncate .A 1}} {{pad .A 1 1}}"#);
        let data = gotmpl::tmap! { "A" => "TAG" };
        assert_eq!(template.unwrap().execute_to_string(&data).unwrap(), "TAG TAG  TAG ");
    }
}

//! One `--format` template, compiled with docker's functions: [`Template::row`] renders a row
//! or a document, [`Template::header`] a `table` template's header row. Execution is strict as
//! docker's Go types are: a field the type lacks is an error, never `<no value>`.

use gotmpl::parse::{CommandNode, Expr, ListNode, Node, Parser, PipeNode};
use gotmpl::{MissingKey, TemplateError, Value};

use super::functions;

/// A compiled template: once for rows, once for the header row (other functions).
pub(super) struct Template {
    rows: gotmpl::Template,
    header: gotmpl::Template,
}

impl Template {
    /// Compiles `source`; the error is the engine's reason (docker quotes Go's).
    pub(super) fn compile(source: &str) -> Result<Template, TemplateError> {
        check_blocks(source)?;
        check_functions(source)?;
        let rows = functions::with_docker_functions(gotmpl::Template::new(""))
            .func("index", index)
            .missing_key(MissingKey::Error)
            .parse(source)?;
        let header = functions::with_header_functions(gotmpl::Template::new("")).parse(source)?;
        Ok(Template { rows, header })
    }

    /// `value` through the template.
    pub(super) fn row(&self, value: &Value) -> Result<String, TemplateError> {
        self.rows.execute_to_string(value)
    }

    /// The header row: the template over column names, with the header functions; a field
    /// that has no column name prints `<no value>`, as docker's header map does.
    pub(super) fn header(&self, names: &Value) -> Result<String, TemplateError> {
        self.header.execute_to_string(names)
    }
}

/// Go refuses an `{{end}}` that closes nothing (`unexpected {{end}}`) and a block that is never
/// closed (`unexpected EOF`); the engine takes both, so actions are counted here: the first
/// word of each (after `-` trimming) opens (`if`, `range`, `with`, `define`, `block`) or closes
/// (`end`) a block. Quoted strings and comments inside actions are skipped.
fn check_blocks(source: &str) -> Result<(), TemplateError> {
    let mut depth = 0usize;
    let mut rest = source;
    let mut line = 1;
    while let Some(start) = rest.find("{{") {
        line += rest[..start].matches('\n').count();
        let action = &rest[start + 2..];
        let end = action_end(action);
        let word = action[..end].trim_start_matches('-').trim_start();
        let word = word.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        match word {
            "if" | "range" | "with" | "define" | "block" => depth += 1,
            "end" if depth == 0 => {
                return Err(TemplateError::Exec(format!("template: :{line}: unexpected {{{{end}}}}")));
            }
            "end" => depth -= 1,
            _ => {}
        }
        line += action[..end].matches('\n').count();
        rest = action.get(end + 2..).unwrap_or("");
    }
    if depth > 0 {
        return Err(TemplateError::Exec(format!("template: :{line}: unexpected EOF")));
    }
    Ok(())
}

/// Where the action that `action` starts ends (the offset of its `}}`), past strings and comments.
fn action_end(action: &str) -> usize {
    let bytes = action.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'}' if bytes.get(index + 1) == Some(&b'}') => return index,
            quote @ (b'"' | b'`' | b'\'') => {
                index += 1;
                while index < bytes.len() && bytes[index] != quote {
                    index += if bytes[index] == b'\\' && quote != b'`' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                index += action[index..].find("*/").map_or(bytes.len(), |end| end + 1);
            }
            _ => {}
        }
        index += 1;
    }
    bytes.len()
}

/// Go's built-in functions and docker's: what a template may call.
const FUNCTIONS: &[&str] = &[
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or", "print", "printf",
    "println", "slice", "urlquery", "json", "split", "join", "title", "lower", "upper", "pad", "truncate",
];

/// Go refuses a template that calls an unknown function when it parses it (`function "x"
/// not defined`); the engine only when it runs it, so the tree is walked here.
fn check_functions(source: &str) -> Result<(), TemplateError> {
    let (tree, defines) = Parser::new(source, "{{", "}}")?.parse()?;
    let mut unknown = None;
    walk_list(&tree, &mut unknown);
    for define in &defines {
        walk_list(&define.body, &mut unknown);
    }
    match unknown {
        Some((name, line)) => Err(TemplateError::Exec(format!("template: :{line}: function \"{name}\" not defined"))),
        None => Ok(()),
    }
}

type Unknown = Option<(String, usize)>;

fn walk_list(list: &ListNode, unknown: &mut Unknown) {
    for node in &list.nodes {
        match node {
            Node::List(list) => walk_list(list, unknown),
            Node::Action(action) => walk_pipe(&action.pipe, unknown),
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                walk_pipe(&branch.pipe, unknown);
                walk_list(&branch.body, unknown);
                if let Some(body) = &branch.else_body {
                    walk_list(body, unknown);
                }
            }
            Node::Template(call) => {
                if let Some(pipe) = &call.pipe {
                    walk_pipe(pipe, unknown);
                }
            }
            Node::Define(define) => walk_list(&define.body, unknown),
            Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        }
    }
}

fn walk_pipe(pipe: &PipeNode, unknown: &mut Unknown) {
    pipe.commands.iter().flat_map(|command: &CommandNode| &command.args).for_each(|arg| walk_expr(arg, unknown));
}

fn walk_expr(expr: &Expr, unknown: &mut Unknown) {
    match expr {
        Expr::Identifier(pos, name) if unknown.is_none() && !FUNCTIONS.contains(&name.as_str()) => {
            *unknown = Some((name.to_string(), pos.line));
        }
        Expr::Pipe(_, pipe) => walk_pipe(pipe, unknown),
        Expr::Chain(_, inner, _) => walk_expr(inner, unknown),
        _ => {}
    }
}

/// Go's `index`, with one difference from the engine's: a key a map lacks gives the zero value
/// of the map's element type, which for docker's maps of strings (`Config.Labels`) is `""`,
/// where the engine gives nil (`<no value>`).
fn index(args: &[Value]) -> Result<Value, TemplateError> {
    let Some((first, keys)) = args.split_first() else {
        return Err(TemplateError::ArgCount { name: "index".into(), expected: 1, got: 0 });
    };
    let mut item = first.clone();
    for key in keys {
        item = match (&item, key) {
            (Value::Map(map), Value::String(name)) if !map.contains_key(name.as_ref()) => {
                if map.values().all(|value| matches!(value, Value::String(_))) {
                    Value::String("".into())
                } else {
                    Value::Nil
                }
            }
            _ => item.index(key).map_err(|error| match error {
                TemplateError::IndexOutOfRange { index } => {
                    TemplateError::Exec(format!("error calling index: index out of range: {index}"))
                }
                other => other,
            })?,
        };
    }
    Ok(item)
}

//! JSON laid out as Go's `encoding/json` lays it out, for the output that must be docker's
//! byte for byte (`manifest inspect`): [`indent`] is `json.Indent`, [`compact`] what
//! `json.Marshal` makes of a value that marshals itself (a manifest's own bytes), and
//! [`html_escaped`] the escaping `json.Marshal` gives every string.

/// `json.Indent(src, "", unit)`: one element a line, `": "` after keys, `{}` and `[]` kept
/// short, strings and numbers byte for byte; whitespace after the value is kept, as Go keeps
/// it. `src` must be valid JSON (the caller parsed it).
pub(crate) fn indent(src: &[u8], unit: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() * 2);
    let (mut depth, mut need_indent, mut finished) = (0usize, false, false);
    let mut string = StringState::Outside;
    for &c in src {
        if finished {
            out.push(c);
            continue;
        }
        if string.step(c) {
            out.push(c);
            finished = string == StringState::Outside && depth == 0;
            continue;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        if need_indent && c != b'}' && c != b']' {
            need_indent = false;
            depth += 1;
            newline(&mut out, unit, depth);
        }
        match c {
            b'"' => {
                string = StringState::Inside;
                out.push(c);
            }
            b'{' | b'[' => {
                need_indent = true;
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, unit, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b'}' | b']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, unit, depth);
                }
                out.push(c);
                finished = depth == 0;
            }
            _ => out.push(c),
        }
    }
    out
}

/// What `json.Marshal` makes of a value whose `MarshalJSON` returns `src`: the whitespace
/// between tokens dropped, and strings [`html_escaped`].
pub(crate) fn compact(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut string = StringState::Outside;
    for &c in src {
        if string.step(c) {
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            if c == b'"' {
                string = StringState::Inside;
            }
            out.push(c);
        }
    }
    html_escaped(&out)
}

/// `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, as Go's encoder writes them. They only
/// occur inside strings in valid JSON, so `json` is rewritten without parsing it.
pub(crate) fn html_escaped(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            0xE2 if json.get(i + 1) == Some(&0x80) && matches!(json.get(i + 2), Some(0xA8 | 0xA9)) => {
                out.extend_from_slice(if json[i + 2] == 0xA8 { b"\\u2028" } else { b"\\u2029" });
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where a byte stands with respect to JSON strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StringState {
    Outside,
    Inside,
    AfterBackslash,
}

impl StringState {
    /// Moves past `c` when inside a string (true: `c` belongs to the string, its closing
    /// quote included); false outside, where the caller reads `c` as a token.
    fn step(&mut self, c: u8) -> bool {
        *self = match (*self, c) {
            (StringState::Outside, _) => return false,
            (StringState::AfterBackslash, _) => StringState::Inside,
            (StringState::Inside, b'\\') => StringState::AfterBackslash,
            (StringState::Inside, b'"') => StringState::Outside,
            (StringState::Inside, _) => StringState::Inside,
        };
        true
    }
}

fn newline(out: &mut Vec<u8>, unit: &str, depth: usize) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(unit.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn indents_as_go_does() {
        let src = br#"  {"a": [1, {}, []], "b":{"c":"x, y: {z}\" ]"}, "d": {"e": null}}"#;
        let expected = "{\n\t\"a\": [\n\t\t1,\n\t\t{},\n\t\t[]\n\t],\n\t\"b\": {\n\t\t\"c\": \"x, y: {z}\\\" ]\"\n\t},\n\t\"d\": {\n\t\t\"e\": null\n\t}\n}";
        assert_eq!(text(indent(src, "\t")), expected);
        // Whitespace after the value stays, as json.Indent keeps it.
        assert_eq!(text(indent(b"{\"a\":1}\n", "   ")), "{\n   \"a\": 1\n}\n");
        assert_eq!(text(indent(b"{}", "\t")), "{}");
    }

    #[test]
    fn compacts_and_escapes_as_marshal_does() {
        let src = "{ \"a<b\" : \"x & y\u{2028}\",\n \"n\": [ 1 , 2 ] }\n".as_bytes();
        assert_eq!(text(compact(src)), r#"{"a\u003cb":"x \u0026 y\u2028","n":[1,2]}"#);
        assert_eq!(text(compact(br#"{"s":"a \" b"}"#)), r#"{"s":"a \" b"}"#);
    }
}

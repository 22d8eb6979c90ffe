//! Text from registries and archives (tags, repository names, error messages, image configs)
//! is data, not terminal commands: a registry must not be able to retitle (`ESC ] 0;… BEL`),
//! clear (`ESC [2J`) or otherwise drive the terminal of the person who runs hoist, nor forge
//! lines of hoist's output with an embedded newline. Every line hoist prints goes through
//! [`escape`]; JSON goes through [`escape_json`], which keeps it valid JSON of the same value.
//!
//! What is escaped: the C0 controls (newline, tab and carriage return included), DEL, the C1
//! controls (U+0080–U+009F: `U+009B` is a CSI on terminals that honour 8-bit controls) and
//! the bidirectional overrides and isolates that can make text read differently from what it
//! is ("Trojan Source", CVE-2021-42574).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal raw.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a visible escape: `\n`, `\t`, `\r`, `\x1b`
/// for the other ASCII controls, `\u{9b}` beyond ASCII. Text without any is returned as is.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            '\r' => escaped.push_str("\\r"),
            c if c.is_ascii() && is_unsafe(c) => {
                let _ = write!(escaped, "\\x{:02x}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// Serialised JSON with the characters a serialiser leaves raw (DEL, C1 controls, bidi
/// overrides; serde_json already escapes the C0 controls) as `\uXXXX`: the same JSON value,
/// safe on a terminal. `json` must be the output of a JSON serialiser.
pub(crate) fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut escaped = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            // Every character here is in the Basic Multilingual Plane: one \u escape each.
            let _ = write!(escaped, "\\u{:04x}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Unsafe characters that may appear raw inside JSON strings. Raw newlines and tabs in
/// serialised JSON are its own layout (pretty printing), never string content.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_drives_terminals() {
        let cases = [
            ("plain text: 1.0.0", "plain text: 1.0.0"),
            ("\u{1b}]0;pwned\u{7}", "\\x1b]0;pwned\\x07"),
            ("\u{1b}[2Jcleared", "\\x1b[2Jcleared"),
            ("two\nlines\r\tand tab", "two\\nlines\\r\\tand tab"),
            ("del\u{7f}", "del\\x7f"),
            ("c1 csi \u{9b}2J", "c1 csi \\u{9b}2J"),
            ("bidi \u{202e}olleh", "bidi \\u{202e}olleh"),
            ("ünïcödé ✓ and a \\x1b that is text", "ünïcödé ✓ and a \\x1b that is text"),
        ];
        for (raw, shown) in cases {
            assert_eq!(escape(raw), shown, "{raw:?}");
        }
        assert!(matches!(escape("nothing to do"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({"Cmd": ["\u{1b}[2J", "csi \u{9b}", "bidi \u{2066}x", "del\u{7f}"]});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = escape_json(&pretty);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value);
    }
}

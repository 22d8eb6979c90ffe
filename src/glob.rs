//! Shell-style patterns as Go's `path.Match` has them, for tags (`tags --filter`) and image
//! references (`images -f reference=`): `*` (any run of characters but `/`), `?` (one character
//! but `/`), `[abc]`, `[a-z]` and `[!abc]` or `[^abc]` (one character of, or not of, a set, never
//! `/`), and `\x` for a literal `x`. Checked when parsed, so a bad pattern can be a usage error.

/// A parsed pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Glob(Vec<Token>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(char),
    Any,
    AnyRun,
    Set { negated: bool, ranges: Vec<(char, char)> },
}

impl Glob {
    pub(crate) fn parse(pattern: &str) -> Result<Glob, String> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' => Token::AnyRun,
                '?' => Token::Any,
                '\\' => Token::Literal(chars.next().ok_or("the pattern ends with a lone \\")?),
                '[' => set(&mut chars)?,
                c => Token::Literal(c),
            });
        }
        Ok(Glob(tokens))
    }

    /// Whether the whole of `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        // The classic two-pointer match: on a mismatch, let the last `*` take one more character.
        // No `*` crosses a `/`: when the last one would have to, no earlier one can help either.
        let (mut t, mut p, mut star) = (0, 0, None);
        while t < text.len() {
            match self.0.get(p) {
                Some(Token::AnyRun) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(token) if token.accepts(text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match star {
                    Some((star_p, star_t)) if text[star_t] != '/' => {
                        p = star_p + 1;
                        t = star_t + 1;
                        star = Some((star_p, star_t + 1));
                    }
                    _ => return false,
                },
            }
        }
        self.0[p..].iter().all(|token| *token == Token::AnyRun)
    }
}

impl Token {
    fn accepts(&self, c: char) -> bool {
        match self {
            Token::Literal(literal) => *literal == c,
            Token::Any => c != '/',
            Token::AnyRun => false,
            Token::Set { negated, ranges } => {
                c != '/' && ranges.iter().any(|(low, high)| (*low..=*high).contains(&c)) != *negated
            }
        }
    }
}

/// The set after a `[`, up to its `]` (a `]` first in the set is one of its characters).
fn set(chars: &mut std::str::Chars<'_>) -> Result<Token, String> {
    let unclosed = || "a [ without its ]".to_string();
    let mut negated = false;
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let mut c = chars.next().ok_or_else(unclosed)?;
        if first && (c == '!' || c == '^') && !negated {
            negated = true;
            continue;
        }
        if c == ']' && !first {
            return Ok(Token::Set { negated, ranges });
        }
        first = false;
        if c == '\\' {
            c = chars.next().ok_or_else(unclosed)?;
        }
        let mut ahead = chars.clone();
        if ahead.next() == Some('-') && ahead.clone().next().is_some_and(|high| high != ']') {
            let high = ahead.next().ok_or_else(unclosed)?;
            *chars = ahead;
            ranges.push((c, high));
        } else {
            ranges.push((c, c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Glob::parse(pattern).unwrap().matches(text)
    }

    #[test]
    fn matches_as_a_shell_does() {
        assert!(matches("v1.*", "v1.2.3"));
        assert!(!matches("v1.*", "v2.0"));
        assert!(matches("*-alpine", "3.20-alpine"));
        assert!(matches("*", ""));
        assert!(matches("1.?", "1.2"));
        assert!(!matches("1.?", "1.20"));
        assert!(matches("[0-9]*", "3.20"));
        assert!(!matches("[!0-9]*", "3.20"));
        assert!(matches("[!0-9]*", "latest"));
        assert!(matches("a*b*c", "aXXbYYbZc"));
        assert!(!matches("a*b*c", "aXXbYYbZ"));
        assert!(matches("[]x]", "]"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
        assert!(matches("[a-]", "-"));
    }

    #[test]
    fn nothing_but_a_slash_matches_a_slash_as_in_go() {
        assert!(matches("*/dd/*", "aa/dd/ee"));
        assert!(!matches("*/dd/*", "aa/bb/dd/ee"));
        assert!(!matches("*", "a/b"));
        assert!(!matches("a?b", "a/b"));
        assert!(!matches("a[!x]b", "a/b"));
        assert!(matches("*/*b", "a/xbb"));
        assert!(!matches("a*", "ab/c"));
        assert!(matches("[^a-c]x", "dx"));
    }

    #[test]
    fn refuses_what_is_not_a_pattern() {
        assert_eq!(Glob::parse("v[1-2"), Err("a [ without its ]".to_string()));
        assert!(Glob::parse("v\\").is_err());
    }
}

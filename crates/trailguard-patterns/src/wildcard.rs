//! `*` wildcards: `*` matches any run of characters (none included), every other character
//! itself. There is no `?`.
//!
//! Two dialects read the pattern text:
//! - EventBridge's `wildcard` filter ([`Wildcard::anywhere`]): a star anywhere is a wildcard,
//!   `\*` a literal star and `\\` a literal backslash;
//! - CloudWatch Logs string values ([`Wildcard::at_edges`]): a star at the start or the end is a
//!   wildcard, one inside the value is itself (AWS's guide: "Ev*ent will only match the actual
//!   string Ev*ent").

/// A compiled wildcard pattern: the literal pieces between its stars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    /// The pieces, in order; one piece and no star is an exact match.
    pieces: Vec<String>,
    /// Whether the pattern has a star at all.
    starred: bool,
}

impl Wildcard {
    /// EventBridge's dialect: every unescaped star is a wildcard; `\*` and `\\` are a star
    /// and a backslash.
    pub(crate) fn anywhere(pattern: &str) -> Wildcard {
        let mut pieces = vec![String::new()];
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(escaped @ ('*' | '\\')) => push(&mut pieces, escaped),
                    Some(other) => {
                        push(&mut pieces, '\\');
                        push(&mut pieces, other);
                    }
                    None => push(&mut pieces, '\\'),
                },
                '*' => pieces.push(String::new()),
                other => push(&mut pieces, other),
            }
        }
        let starred = pieces.len() > 1;
        Wildcard { pieces, starred }
    }

    /// CloudWatch Logs' dialect: a leading and a trailing star are wildcards; any other star is
    /// a literal character.
    pub(crate) fn at_edges(pattern: &str) -> Wildcard {
        let (leading, rest) = match pattern.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let (trailing, middle) = match rest.strip_suffix('*') {
            Some(middle) => (true, middle),
            None => (false, rest),
        };
        let mut pieces = Vec::with_capacity(3);
        if leading {
            pieces.push(String::new());
        }
        pieces.push(middle.to_string());
        if trailing {
            pieces.push(String::new());
        }
        let starred = pieces.len() > 1;
        Wildcard { pieces, starred }
    }

    /// Whether it matches all of `text`. Leftmost matching of each middle piece is enough with
    /// `*` as the only wildcard, so this is linear in the text.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        if !self.starred {
            return text == first;
        }
        let Some(mut text) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        let (last, middle) = match rest.split_last() {
            Some(split) => split,
            None => return true,
        };
        for piece in middle {
            match text.find(piece.as_str()) {
                Some(at) => text = &text[at + piece.len()..],
                None => return false,
            }
        }
        text.len() >= last.len() && text.ends_with(last.as_str())
    }
}

fn push(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::Wildcard;

    #[test]
    fn cloudwatch_stars_are_wildcards_only_at_the_edges() {
        let cases = [
            ("AccessDenied*", "AccessDenied", true),
            (
                "*UnauthorizedOperation",
                "Client.UnauthorizedOperation",
                true,
            ),
            ("*.html*", "GET /index.html HTTP/1.0", true),
            ("Ev*ent", "Ev*ent", true),
            ("Ev*ent", "EvXent", false),
            ("*", "", true),
            ("*", "anything", true),
            ("**", "x", true),
            ("a", "a", true),
            ("a", "ab", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                Wildcard::at_edges(pattern).matches(text),
                expected,
                "{pattern:?} on {text:?}"
            );
        }
    }

    #[test]
    fn stars_match_any_run_and_escaped_stars_themselves() {
        let cases = [
            ("AccessDenied*", "AccessDenied", true),
            ("AccessDenied*", "AccessDeniedException", true),
            ("AccessDenied*", "xAccessDenied", false),
            (
                "*UnauthorizedOperation",
                "Client.UnauthorizedOperation",
                true,
            ),
            ("*UnauthorizedOperation", "UnauthorizedOperationX", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "acb", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
            ("a\\\\b", "a\\b", true),
            ("ab", "ab", true),
            ("ab", "abc", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                Wildcard::anywhere(pattern).matches(text),
                expected,
                "{pattern:?} on {text:?}"
            );
        }
    }
}

//! Limits checked on a policy's text before regorus parses it.
//!
//! regorus's recursive-descent parser tries each `[` and `{` first as a comprehension and, when
//! that fails, parses the same text again as an array, set or object: the time to parse nested
//! literals doubles with every level (found by fuzzing: `x := [[[ … 1 … ]]]` 20 levels deep took
//! close to a minute, 30 levels would take hours). So policy text nested deeper than
//! [`MAX_NESTING`] levels of brackets, braces and parentheses is rejected with a diagnostic at the
//! bracket that goes too deep, before regorus sees it. trailguard's own policies nest at most 10
//! levels.

use crate::diagnostic::line_column;
use crate::{Diagnostic, PolicySource};

/// The deepest nesting of `(`, `[` and `{` a policy file may have.
pub const MAX_NESTING: usize = 16;

/// Adds `source` to `engine`, the one way a policy file reaches regorus's parser: its package,
/// or a diagnostic when it nests too deep (see [`check_nesting`]) or does not parse.
pub(crate) fn add_policy(
    engine: &mut regorus::Engine,
    source: &PolicySource,
) -> Result<String, Diagnostic> {
    check_nesting(source)?;
    engine
        .add_policy(source.path.clone(), source.text.clone())
        .map_err(|e| Diagnostic::from_regorus(&source.path, &e.to_string()))
}

/// Checks the nesting depth of a policy's brackets, braces and parentheses (those in strings,
/// raw strings and comments aside): a diagnostic at the first one deeper than [`MAX_NESTING`].
pub(crate) fn check_nesting(source: &PolicySource) -> Result<(), Diagnostic> {
    let bytes = source.text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let (line, column) = line_column(&source.text, i);
                    return Err(Diagnostic::new(
                        &source.path,
                        line,
                        column,
                        format!(
                            "brackets, braces and parentheses are nested more than \
                             {MAX_NESTING} levels deep here"
                        ),
                    )
                    .hint(
                        "the Rego parser's time doubles with every level of nested literals: \
                         build deep values from smaller named rules or functions",
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize, open: &str, close: &str) -> String {
        format!(
            "package p\nx := {}1{}\n",
            open.repeat(levels),
            close.repeat(levels)
        )
    }

    #[test]
    fn nesting_up_to_the_limit_is_accepted() {
        for (open, close) in [("[", "]"), ("{", "}"), ("(", ")")] {
            let source = PolicySource::custom("p.rego", nested(MAX_NESTING, open, close));
            assert_eq!(check_nesting(&source), Ok(()));
        }
    }

    #[test]
    fn deeper_nesting_is_reported_at_the_bracket_that_goes_too_deep() {
        let source = PolicySource::custom("p.rego", nested(100_000, "[", "]"));
        let diagnostic = check_nesting(&source).unwrap_err();
        let shown = diagnostic.to_string();
        // `x := ` is 5 columns: the 17th bracket is at column 6 + 16.
        assert!(
            shown.starts_with(
                "p.rego:2:22: brackets, braces and parentheses are nested more than 16"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("hint: the Rego parser's time doubles"),
            "{shown}"
        );
    }

    #[test]
    fn strings_raw_strings_and_comments_do_not_count() {
        let deep = "[".repeat(100);
        let text =
            format!("package p\n# {deep}\nx := \"{deep}\\\"{deep}\"\ny := `{deep}\n{deep}`\n");
        assert_eq!(check_nesting(&PolicySource::custom("p.rego", text)), Ok(()));
    }

    #[test]
    fn the_shipped_policies_are_within_the_limit() {
        for source in crate::builtin_sources() {
            assert_eq!(check_nesting(&source), Ok(()), "{}", source.path);
        }
    }
}

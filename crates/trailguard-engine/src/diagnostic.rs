//! Policy diagnostics in the `file:line:col: message` form editors and CI logs understand.

use std::fmt;

/// One problem with a policy file, located.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns a regorus parse or compile error into a diagnostic. regorus reports
    /// `--> FILE:LINE:COL` followed by a source excerpt and `error: MESSAGE`.
    /// The file named there wins over `file`: an error raised inside a helper belongs to the
    /// helper's file, not to the test or rule that called it.
    pub(crate) fn from_regorus(file: &str, error: &str) -> Self {
        let mut file = file.to_string();
        let mut line = 1;
        let mut column = 1;
        let mut message = None;
        for text in error.lines() {
            let text = text.trim();
            if let Some(location) = text.strip_prefix("--> ") {
                let mut parts = location.rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.trim().parse().ok());
                let ln = parts.next().and_then(|l| l.trim().parse().ok());
                if let (Some(ln), Some(col)) = (ln, col) {
                    line = ln;
                    column = col;
                    if let Some(named) = parts.next().map(str::trim).filter(|f| !f.is_empty()) {
                        file = named.to_string();
                    }
                }
            } else if let Some(m) = text.strip_prefix("error: ") {
                message = Some(m.to_string());
            }
        }
        if let Some(excerpt) = excerpt(error, line) {
            column = char_column(excerpt, column);
        }
        let message = message.unwrap_or_else(|| {
            error
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("invalid policy")
                .to_string()
        });
        Diagnostic::new(&file, line, column, message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The source line regorus quotes under its `--> FILE:LINE:COL`, as `LINE | TEXT`.
fn excerpt(error: &str, line: usize) -> Option<&str> {
    let number = line.to_string();
    error.lines().find_map(|l| {
        let rest = l.strip_prefix(number.as_str())?.trim_start_matches(' ');
        rest.strip_prefix("| ")
            .or_else(|| (rest == "|").then_some(""))
    })
}

/// The 1-based character column of regorus's column `column` on `line`. regorus counts a tab
/// as 4 columns and, inside strings, a character as its UTF-8 bytes; editors and trailguard
/// count characters (found by fuzzing: an error after a tab was reported past the line's end).
fn char_column(line: &str, column: usize) -> usize {
    let mut at = 1;
    for (i, c) in line.chars().enumerate() {
        if at >= column {
            return i + 1;
        }
        at += if c == '\t' { 4 } else { c.len_utf8() };
    }
    line.chars().count() + 1
}

/// The 1-based line and column of a byte offset into `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_location_and_message_from_regorus_errors() {
        let raw = "\n--> bad/bad.rego:5:5\n  |\n5 |   y := \n  |     ^\nerror: expecting `}` while parsing set";
        let d = Diagnostic::from_regorus("bad/bad.rego", raw);
        assert_eq!(
            d.to_string(),
            "bad/bad.rego:5:5: expecting `}` while parsing set"
        );
    }

    #[test]
    fn columns_count_a_tab_as_one_character() {
        // Regression (fuzzing): regorus counts a tab as 4 columns, so this error, at the 8th
        // character of the line, was reported at column 11.
        let raw = "\n--> p.rego:2:11\n  |\n2 | \tx := \"a\n  |           ^\nerror: invalid character in string";
        let d = Diagnostic::from_regorus("p.rego", raw);
        assert_eq!((d.line, d.column), (2, 8), "{d}");
        assert_eq!(char_column("\t\tx", 9), 3);
        assert_eq!(char_column("é\"", 3), 2);
    }

    #[test]
    fn an_error_in_a_helper_names_the_helpers_file() {
        // Regression: an error raised in lib/access.rego while running a test of
        // lib/core_test.rego was reported as core_test.rego with access.rego's line.
        let raw = "--> policies/lib/access.rego:263:31
  |
error: use of undefined variable";
        let d = Diagnostic::from_regorus("policies/lib/core_test.rego", raw);
        assert_eq!(
            d.to_string(),
            "policies/lib/access.rego:263:31: use of undefined variable"
        );
    }
}

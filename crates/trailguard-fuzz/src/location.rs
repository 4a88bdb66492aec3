//! The invariant every located error shares: its line and column lie inside the text it is about.

/// Panics unless `line:column` (both 1-based) is a position in `text`: a line of it (the line
/// after a final newline counts, for "unexpected end of file"), and a column at most one past
/// that line's end. Columns are checked against the line's length in bytes, the larger of the
/// two units parsers count in (bytes for serde_json, characters for the others).
pub(crate) fn assert_inside(text: &str, line: usize, column: usize, error: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&line),
        "error at line {line}, but the text has {} lines: {error}",
        lines.len()
    );
    let width = lines[line - 1].len();
    assert!(
        (1..=width + 1).contains(&column),
        "error at {line}:{column}, but line {line} is {width} bytes long: {error}"
    );
}

#[cfg(test)]
mod tests {
    use super::assert_inside;

    #[test]
    fn positions_inside_pass() {
        assert_inside("ab\ncd\n", 1, 1, "");
        assert_inside("ab\ncd\n", 2, 3, "");
        assert_inside("ab\ncd\n", 3, 1, "");
    }

    #[test]
    #[should_panic(expected = "the text has 3 lines")]
    fn a_line_past_the_end_panics() {
        assert_inside("ab\ncd\n", 4, 1, "");
    }

    #[test]
    #[should_panic(expected = "is 2 bytes long")]
    fn column_zero_panics() {
        assert_inside("ab\ncd\n", 2, 0, "");
    }
}

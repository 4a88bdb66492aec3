//! The limits a snapshot file must keep to, so that a hostile or broken file gets a clear error
//! instead of exhausting memory or the stack.
//!
//! | limit | value | checked |
//! |---|---|---|
//! | [`MAX_SNAPSHOT_BYTES`] | 256 MiB a file | from the file's metadata before reading; reads stop one byte past it |
//! | [`MAX_NESTING`] | 127 levels of arrays and objects | by serde_json's parser (its recursion limit) |
//! | [`MAX_STRING_BYTES`] | 1 MiB of JSON text a string | by [`long_string`], before the file is deserialised |
//!
//! Evaluating a snapshot takes about 8 bytes of memory per byte of file (measured on the
//! benchmark's organisation profile), so the file limit keeps a run near 2 GiB at most; an
//! organisation too large for one file is collected in shards and evaluated together.

/// The largest snapshot file trailguard reads: 256 MiB. The benchmark's organisation of 100,000
/// resources (2,000 accounts) is 81 MB.
pub const MAX_SNAPSHOT_BYTES: u64 = 256 * 1024 * 1024;

/// The deepest nesting of arrays and objects a snapshot may have, counted from the top of the
/// file (the snapshot object itself is level 1): serde_json's recursion limit. AWS's documents
/// nest a handful of levels.
pub const MAX_NESTING: usize = 127;

/// The longest string a snapshot may hold: 1 MiB of JSON text between its quotes. AWS's longest
/// strings are far shorter (an ARN is at most 2,048 characters; policy documents are parsed into
/// JSON, not kept as strings), and a resource name is copied into every finding about it.
pub const MAX_STRING_BYTES: usize = 1024 * 1024;

/// The byte offset of the opening quote and the length (in bytes of JSON text, escapes as
/// written) of the first string in `text` longer than [`MAX_STRING_BYTES`], if any.
///
/// A linear scan that only tracks whether it is inside a string; the JSON's syntax is checked
/// by the parser, not here.
pub(crate) fn long_string(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let length = i.min(bytes.len()) - start - 1;
        if length > MAX_STRING_BYTES {
            return Some((start, length));
        }
        i += 1;
    }
    None
}

/// The 1-based line and column (in bytes, as serde_json counts) of byte `offset` of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn finds_the_first_long_string() {
        let long = "x".repeat(MAX_STRING_BYTES + 1);
        let at_limit = "y".repeat(MAX_STRING_BYTES);
        assert_eq!(long_string(&format!(r#"{{"a": "{at_limit}"}}"#)), None);
        let text = format!("{{\"a\": \"b\\\"\",\n \"{long}\": 1}}");
        let (offset, length) = long_string(&text).unwrap();
        assert_eq!(length, MAX_STRING_BYTES + 1);
        assert_eq!(&text[offset..offset + 2], "\"x");
        assert_eq!(line_column(&text, offset), (2, 2));
    }

    #[test]
    fn escaped_quotes_do_not_end_a_string() {
        let long = "\\\"".repeat(MAX_STRING_BYTES / 2 + 1);
        assert_eq!(
            long_string(&format!("[\"{long}\"]")),
            Some((1, MAX_STRING_BYTES + 2))
        );
        // An unterminated string is measured to the end of the text.
        assert_eq!(long_string("\"abc"), None);
    }
}

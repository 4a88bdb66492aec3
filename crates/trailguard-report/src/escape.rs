//! Showing untrusted text safely: every resource name, message, tag or file name in a report
//! came from a snapshot or a policy, and may hold characters that would act instead of being
//! shown.
//!
//! - Control characters (C0, DEL, C1: ESC starts a terminal escape sequence) and the invisible
//!   characters that reorder or hide text (bidi embeddings, overrides, isolates and marks, the
//!   "Trojan Source" set; line and paragraph separators; the byte order mark) are written as
//!   `\u{..}` escapes. Emoji, combining marks and every other printable character stay as they
//!   are.
//! - A field longer than [`MAX_SHOWN_CHARS`] is cut in the middle in the text and Markdown
//!   reports (the JSON and SARIF reports keep every value whole): a resource name is repeated in
//!   each finding about it, and a GitHub step summary holds at most 1 MiB.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest field the text and Markdown reports show whole, in characters. AWS names and ARNs
/// are at most 2,048 characters, but the useful part of an ARN is its start and its end.
pub const MAX_SHOWN_CHARS: usize = 1_000;

/// Characters kept from the start and from the end of a field that is cut.
const KEPT_HEAD: usize = 600;
const KEPT_TAIL: usize = 300;

/// Whether `c` must not reach a terminal or a rendered page as itself: a control character, or an
/// invisible character that reorders, hides or breaks text.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'                   // Arabic letter mark
            | '\u{200E}' | '\u{200F}'    // left-to-right and right-to-left marks
            | '\u{2028}' | '\u{2029}'    // line and paragraph separators
            | '\u{202A}'..='\u{202E}'    // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}'    // bidi isolates
            | '\u{FEFF}' // byte order mark, zero-width no-break space
        )
}

/// `text` with every control character but line feeds and tabs, and every bidi override,
/// isolate or mark, written as `\u{..}`: for messages on standard error, whose lines are their
/// structure (an error, then `hint:` lines).
///
/// ```
/// use trailguard_report::escape_terminal;
///
/// assert_eq!(escape_terminal("a\u{1b}[31mb\nc\u{202e}d"), "a\\u{1b}[31mb\nc\\u{202e}d");
/// ```
pub fn escape_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// One field of the text report: [shortened](shorten), line breaks and tabs as spaces, every
/// other [unsafe](is_unsafe) character written as `\u{..}`.
pub(crate) fn terminal(text: &str) -> String {
    let text = shorten(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// `text` itself when it has at most [`MAX_SHOWN_CHARS`] characters; else its start and its end
/// around `…[N characters left out]…`.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    // A char is at most 4 bytes: a text this short in bytes is short in characters.
    if text.len() <= MAX_SHOWN_CHARS || text.chars().count() <= MAX_SHOWN_CHARS {
        return Cow::Borrowed(text);
    }
    let total = text.chars().count();
    let head: String = text.chars().take(KEPT_HEAD).collect();
    let tail: String = text.chars().skip(total - KEPT_TAIL).collect();
    Cow::Owned(format!(
        "{head}…[{} characters left out]…{tail}",
        total - KEPT_HEAD - KEPT_TAIL
    ))
}

/// Appends `\u{HEX}` for `c`.
pub(crate) fn push_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_not_obeyed() {
        assert_eq!(terminal("a\x1b[31mb\nc\u{9b}d"), "a\\u{1b}[31mb c\\u{9b}d");
        assert_eq!(terminal("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(
            terminal("a\u{2066}b\u{2069}\u{200f}\u{feff}\0"),
            "a\\u{2066}b\\u{2069}\\u{200f}\\u{feff}\\u{0}"
        );
        assert_eq!(terminal("tab\there\r\n"), "tab here  ");
        assert_eq!(terminal("\u{7f}"), "\\u{7f}");
    }

    #[test]
    fn printable_unicode_is_kept() {
        let text = "caf\u{e9} cafe\u{301} \u{1f600} \u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} \u{5d0}\u{5d1} | ` <script> \\";
        assert_eq!(terminal(text), text);
        assert_eq!(escape_terminal(text), text);
    }

    #[test]
    fn stderr_keeps_its_lines() {
        assert_eq!(
            escape_terminal("error: x\u{1b}]0;title\u{7}\n  hint: y\tz"),
            "error: x\\u{1b}]0;title\\u{7}\n  hint: y\tz"
        );
    }

    #[test]
    fn long_fields_are_cut_in_the_middle() {
        let short = "é".repeat(MAX_SHOWN_CHARS);
        assert_eq!(shorten(&short), short.as_str());
        let long = format!(
            "{}{}{}",
            "a".repeat(700),
            "b".repeat(100_000),
            "c".repeat(300)
        );
        let shown = terminal(&long);
        assert!(shown.starts_with(&"a".repeat(KEPT_HEAD)), "{shown}");
        assert!(shown.ends_with(&"c".repeat(KEPT_TAIL)));
        assert!(shown.contains("…[100100 characters left out]…"));
        assert!(shown.chars().count() < MAX_SHOWN_CHARS);
        // Cutting never splits a character.
        let wide = "\u{1f600}".repeat(MAX_SHOWN_CHARS + 1);
        assert!(shorten(&wide).starts_with("\u{1f600}"));
    }
}

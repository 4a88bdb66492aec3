//! Word wrapping for the tables the CLI prints (`policy list`).

use std::io::IsTerminal;

/// The width tables are wrapped to when standard output is not a terminal (a pipe, a file, CI
/// logs), as clap's help is.
pub const DEFAULT_WIDTH: usize = 100;

/// The width to wrap standard output to: the terminal's, or [`DEFAULT_WIDTH`] when it is not a
/// terminal (or its size cannot be read).
pub fn stdout_width() -> usize {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size_of(stdout)
        .map(|(terminal_size::Width(w), _)| usize::from(w))
        .filter(|w| *w > 0)
        .unwrap_or(DEFAULT_WIDTH)
}

/// `text` in lines of at most `width` characters, broken at spaces; a word longer than `width`
/// is broken inside. Always at least one line (an empty one for an empty text).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        if line_len > 0 && line_len + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
            line_len = 0;
        }
        // A word longer than a line fills whole lines first.
        while word.len() > width {
            let rest = word.split_off(width);
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.into_iter().collect());
            line_len = 0;
            word = rest;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line.extend(word.iter());
        line_len += word.len();
    }
    if line_len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_long_words_inside() {
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(
            wrap("The log bucket is publicly accessible", 15),
            ["The log bucket", "is publicly", "accessible"]
        );
        assert_eq!(
            wrap("a AWSCloudTrail_FullAccess b", 10),
            ["a", "AWSCloudTr", "ail_FullAc", "cess b"]
        );
        // Every line fits, and nothing is lost but the spaces between lines.
        let text = "AWSCloudTrail_FullAccess attached directly to an IAM user, or to a group";
        for width in 1..40 {
            let lines = wrap(text, width);
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:?}"
            );
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }
}

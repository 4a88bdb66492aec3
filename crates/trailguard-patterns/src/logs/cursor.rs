//! A cursor over a pattern's text that knows its column, for parse errors that point at the
//! character where the pattern stopped making sense.

use super::FilterPatternError as PatternError;

/// A position in a pattern being parsed.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// The byte offset reached.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The text from `start` (a byte offset this cursor passed) to here.
    ///
    /// The cursor only ever stops between characters, so the slice exists; `""` would only
    /// come from a caller passing an offset it did not get from this cursor.
    pub(crate) fn since(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// The text not read yet (see [`Cursor::since`] on why it always exists).
    pub(crate) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `token` if the text continues with it.
    pub(crate) fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Consumes the keyword `word` if it comes next and is not the start of a longer word.
    pub(crate) fn eat_keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let follows = rest.get(word.len()..).and_then(|r| r.chars().next());
        if rest.starts_with(word) && !follows.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Consumes characters while `keep` holds, returning them.
    pub(crate) fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
        self.since(start)
    }

    /// An error at the current position.
    pub(crate) fn error(&self, message: impl Into<String>) -> PatternError {
        self.error_at(self.pos, message)
    }

    /// An error at byte offset `pos`.
    pub(crate) fn error_at(&self, pos: usize, message: impl Into<String>) -> PatternError {
        PatternError {
            column: self.column(pos),
            message: message.into(),
        }
    }

    /// The 1-based column, in characters, of byte offset `pos`.
    pub(crate) fn column(&self, pos: usize) -> usize {
        self.text.get(..pos).map_or(0, |t| t.chars().count()) + 1
    }

    /// Reads a `"`-quoted string (the cursor on the opening quote): `\` takes the next
    /// character literally (`\"`, `\\`), as the AWS CDK writes quoted terms.
    pub(crate) fn quoted(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error_at(start, "this quoted string is never closed")),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    None => return Err(self.error_at(start, "this quoted string is never closed")),
                    Some(c) => out.push(c),
                },
                Some(c) => out.push(c),
            }
        }
    }
}

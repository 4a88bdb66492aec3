//! Line numbers of resources in a snapshot file, so SARIF can point GitHub at the right line.
//!
//! The lines are computed from the text that was read, by a small scanner that follows the
//! JSON's object nesting; nothing is guessed from formatting.

use crate::Snapshot;
use std::collections::HashMap;

/// How deep resource objects sit: `accounts.ID.Iam.Users.NAME` is five keys down.
const MAX_DEPTH: usize = 5;

/// Maps the resources of one snapshot file to the 1-based line where each one's object starts.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    lines: HashMap<String, usize>,
}

impl SourceIndex {
    /// Indexes `text`, the file `snapshot` was parsed from.
    pub fn new(text: &str, snapshot: &Snapshot) -> SourceIndex {
        let by_path = object_lines(text, MAX_DEPTH);
        let mut lines = HashMap::new();
        for (resource, path) in snapshot.resource_paths() {
            if let Some(line) = by_path.get(&path) {
                lines.entry(resource).or_insert(*line);
            }
        }
        SourceIndex { lines }
    }

    /// The line of a resource's object, when the resource is one the snapshot holds.
    pub fn line(&self, resource: &str) -> Option<usize> {
        self.lines.get(resource).copied()
    }

    /// The line of a resource's object; for a resource the snapshot does not key (a custom rule
    /// may name anything), the first line of `text` where it appears as a JSON string.
    pub fn line_or_search(&self, text: &str, resource: &str) -> Option<usize> {
        self.line(resource).or_else(|| {
            let needle = serde_json::to_string(resource).ok()?;
            let at = text.find(&needle)?;
            Some(text[..at].bytes().filter(|b| *b == b'\n').count() + 1)
        })
    }
}

struct Frame {
    /// The key this container sits under; `None` inside an array or at the root.
    key: Option<String>,
    is_object: bool,
    expect_key: bool,
}

/// For every object value reached through object keys only, at most `max_depth` keys down: its
/// key path and the line of its key.
fn object_lines(text: &str, max_depth: usize) -> HashMap<Vec<String>, usize> {
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1usize;
    let mut pending_key: Option<(String, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                let mut escaped = false;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        escaped = true;
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(bytes.len());
                if let Some(top) = stack.last_mut() {
                    if top.is_object && top.expect_key {
                        top.expect_key = false;
                        let raw = &text[start..end];
                        let key = if escaped {
                            serde_json::from_str::<String>(
                                &text[start - 1..=end.min(text.len() - 1)],
                            )
                            .unwrap_or_else(|_| raw.to_string())
                        } else {
                            raw.to_string()
                        };
                        pending_key = Some((key, line));
                    }
                }
            }
            open @ (b'{' | b'[') => {
                let key = pending_key.take();
                let in_object = stack.last().is_some_and(|f| f.is_object);
                let name = if in_object { key } else { None };
                if open == b'{' {
                    if let Some((k, key_line)) = &name {
                        let reachable = stack.iter().skip(1).all(|f| f.key.is_some());
                        if reachable && stack.len() <= max_depth {
                            let mut path: Vec<String> =
                                stack.iter().skip(1).filter_map(|f| f.key.clone()).collect();
                            path.push(k.clone());
                            out.insert(path, *key_line);
                        }
                    }
                }
                stack.push(Frame {
                    key: name.map(|(k, _)| k),
                    is_object: open == b'{',
                    expect_key: open == b'{',
                });
            }
            b'}' | b']' => {
                stack.pop();
                pending_key = None;
            }
            b',' => {
                pending_key = None;
                if let Some(top) = stack.last_mut() {
                    top.expect_key = top.is_object;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_each_keyed_object() {
        let text = "{\n  \"schema_version\": 1,\n  \"trails\": {\n    \"arn:a\": {\n      \"Name\": \"a,{b}\"\n    },\n    \"arn:b\": {\"Name\": \"b\"}\n  },\n  \"x\": [{\"arn:c\": {}}]\n}\n";
        let lines = object_lines(text, 5);
        assert_eq!(lines.get(&vec!["trails".to_string()]), Some(&3));
        assert_eq!(
            lines.get(&vec!["trails".to_string(), "arn:a".to_string()]),
            Some(&4)
        );
        assert_eq!(
            lines.get(&vec!["trails".to_string(), "arn:b".to_string()]),
            Some(&7)
        );
        // Objects inside arrays are not reachable by keys alone.
        assert!(!lines.keys().any(|p| p.contains(&"arn:c".to_string())));
    }

    #[test]
    fn unescapes_keys() {
        let text = "{\"buckets\": {\n\"a\\\"b\": {}}}";
        let lines = object_lines(text, 5);
        assert_eq!(
            lines.get(&vec!["buckets".to_string(), "a\"b".to_string()]),
            Some(&2)
        );
    }
}

//! Line numbers of resources in a snapshot file, so SARIF can point GitHub at the right line.
//!
//! The lines are computed from the text that was read, by a small scanner that follows the
//! JSON's object nesting; nothing is guessed from formatting.

use crate::Snapshot;
use std::collections::{HashMap, HashSet};

/// Maps resources of one snapshot file to the 1-based line where each one's object starts.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    lines: HashMap<String, usize>,
}

impl SourceIndex {
    /// Finds the lines of `resources` in `text`, the file `snapshot` was parsed from: each
    /// resource the snapshot keys (see [`Snapshot::resource_path`]) at its object's key. Others
    /// are left out; [`SourceIndex::search`] finds those.
    pub fn new<'a>(
        text: &str,
        snapshot: &Snapshot,
        resources: impl IntoIterator<Item = &'a str>,
    ) -> SourceIndex {
        let mut wanted: HashMap<Vec<String>, Vec<&str>> = HashMap::new();
        for resource in resources {
            if let Some(path) = snapshot.resource_path(resource) {
                wanted.entry(path).or_default().push(resource);
            }
        }
        let mut lines = HashMap::new();
        if !wanted.is_empty() {
            for (path, line) in object_lines(text, &wanted) {
                for resource in &wanted[&path] {
                    lines.insert((*resource).to_string(), line);
                }
            }
        }
        SourceIndex { lines }
    }

    /// For resources no snapshot keys (a custom rule may name anything): the first line of
    /// `text` where each appears as a JSON string. A bucket ARN the text does not hold is found
    /// by the bucket's name (the snapshot names buckets it did not read, such as a trail's
    /// `S3BucketName` or a gap's `Resource`, by name).
    pub fn search<'a>(text: &str, resources: impl IntoIterator<Item = &'a str>) -> SourceIndex {
        let lines = resources
            .into_iter()
            .filter_map(|r| {
                search_line(text, r)
                    .or_else(|| {
                        r.strip_prefix("arn:aws:s3:::")
                            .filter(|name| !name.is_empty() && !name.contains('/'))
                            .and_then(|name| search_line(text, name))
                    })
                    .map(|line| (r.to_string(), line))
            })
            .collect();
        SourceIndex { lines }
    }

    /// The line of a resource's object.
    pub fn line(&self, resource: &str) -> Option<usize> {
        self.lines.get(resource).copied()
    }
}

/// The first line where `needle` appears as a JSON string.
fn search_line(text: &str, needle: &str) -> Option<usize> {
    let quoted = serde_json::to_string(needle).ok()?;
    let at = text.find(&quoted)?;
    Some(text[..at].bytes().filter(|b| *b == b'\n').count() + 1)
}

struct Frame {
    /// This container's key path, while it can still lead to a wanted path; `None` below that
    /// (the scanner then only tracks nesting there, allocating nothing).
    path: Option<Vec<String>>,
    is_object: bool,
    expect_key: bool,
}

/// For each of the `wanted` key paths whose value is an object reached through object keys only:
/// the line of its key.
fn object_lines<V>(text: &str, wanted: &HashMap<Vec<String>, V>) -> HashMap<Vec<String>, usize> {
    // Every proper prefix of a wanted path: the subtrees worth descending into.
    let prefixes: HashSet<&[String]> = wanted
        .keys()
        .flat_map(|path| (0..path.len()).map(move |n| &path[..n]))
        .collect();
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
                        if top.path.is_some() {
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
            }
            open @ (b'{' | b'[') => {
                let key = pending_key.take();
                let path = match (stack.last(), key) {
                    (None, _) => Some(Vec::new()),
                    (
                        Some(Frame {
                            path: Some(parent),
                            is_object: true,
                            ..
                        }),
                        Some((k, key_line)),
                    ) => {
                        let mut path = parent.clone();
                        path.push(k);
                        if open == b'{' && wanted.contains_key(&path) {
                            out.insert(path.clone(), key_line);
                        }
                        prefixes.contains(path.as_slice()).then_some(path)
                    }
                    _ => None,
                };
                stack.push(Frame {
                    path,
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
        let wanted: HashMap<Vec<String>, ()> = [
            vec!["trails"],
            vec!["trails", "arn:a"],
            vec!["trails", "arn:b"],
            vec!["x", "arn:c"],
        ]
        .into_iter()
        .map(|p| (p.into_iter().map(String::from).collect(), ()))
        .collect();
        let lines = object_lines(text, &wanted);
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
    fn unread_bucket_named_by_its_arn_is_found_by_its_name() {
        // TG090 names an unread bucket by its ARN; the snapshot holds only its name.
        let text = "{\n  \"trails\": {\"t\": {\n    \"S3BucketName\": \"other-logs\"\n  }}\n}\n";
        let index = SourceIndex::search(
            text,
            ["arn:aws:s3:::other-logs", "arn:aws:s3:::missing", "t"],
        );
        assert_eq!(index.line("arn:aws:s3:::other-logs"), Some(3));
        assert_eq!(index.line("arn:aws:s3:::missing"), None);
        assert_eq!(index.line("t"), Some(2));
    }

    #[test]
    fn unescapes_keys() {
        let text = "{\"buckets\": {\n\"a\\\"b\": {}}}";
        let wanted: HashMap<Vec<String>, ()> =
            HashMap::from([(vec!["buckets".to_string(), "a\"b".to_string()], ())]);
        let lines = object_lines(text, &wanted);
        assert_eq!(
            lines.get(&vec!["buckets".to_string(), "a\"b".to_string()]),
            Some(&2)
        );
    }
}

//! Where findings point: the line of their resource in the snapshot file that holds it.

use crate::{EngineError, Evaluation, Finding, PolicyEngine};
use std::collections::HashMap;
use std::path::Path;
use trailguard_snapshot::{SnapshotFile, SourceIndex};

impl PolicyEngine {
    /// Evaluates snapshot files together (merged, so resources in one resolve references from
    /// another) and points every finding at the line of its resource in the file that holds it.
    /// `root` is the directory SARIF URIs are relative to. The order of `files` does not matter:
    /// they are taken in URI order (a resource two files key points into the first), and
    /// `snapshots` lists them so.
    pub fn evaluate_files(
        &self,
        files: &[SnapshotFile],
        root: &Path,
    ) -> Result<Evaluation, EngineError> {
        let merged;
        let snapshot = match files {
            [one] => &one.snapshot,
            _ => {
                merged =
                    trailguard_snapshot::merge(files.iter().map(|f| f.snapshot.clone()).collect());
                &merged
            }
        };
        let input = crate::snapshot_value(snapshot)?;
        let run = self.run(&input);
        // Freeing a large input tree takes about as long as evaluating it: off the caller's path.
        std::thread::spawn(move || drop(input));
        let crate::Run {
            mut findings,
            prints,
            profile,
        } = run?;
        // The files in URI order, so the report does not depend on the order they were given in.
        let mut ordered: Vec<(String, &SnapshotFile)> = files
            .iter()
            .map(|f| (relative_uri(&f.path, root), f))
            .collect();
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unlocated: Vec<usize> = (0..findings.len()).collect();
        // Several files may hold a resource, in different copies (read at different times, or
        // with different gaps): a finding points into the first file holding the copy the merge
        // kept and the rules judged, not into a copy it dropped.
        if files.len() > 1 {
            // An account's findings share one comparison of the account (its IAM can be large):
            // the first two steps of a resource's path name its account, trail, bucket or key.
            let mut same: HashMap<(usize, Vec<String>), bool> = HashMap::new();
            for (n, (uri, file)) in ordered.iter().enumerate() {
                let kept: Vec<usize> = unlocated
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let resource = &findings[i].resource;
                        let Some(mut unit) = file.snapshot.resource_path(resource) else {
                            return false;
                        };
                        unit.truncate(2);
                        *same
                            .entry((n, unit))
                            .or_insert_with(|| file.snapshot.holds_copy_of(snapshot, resource))
                    })
                    .collect();
                if !kept.is_empty() {
                    let index = file.locate(kept.iter().map(|&i| findings[i].resource.as_str()));
                    place(&mut findings, &mut unlocated, uri, &index);
                }
            }
        }
        // Otherwise into the first file that keys its resource; failing that, the first file
        // that mentions it.
        for keyed in [true, false] {
            for (uri, file) in &ordered {
                if unlocated.is_empty() {
                    break;
                }
                let resources = unlocated.iter().map(|&i| findings[i].resource.as_str());
                let index = if keyed {
                    file.locate(resources)
                } else {
                    file.search(resources)
                };
                place(&mut findings, &mut unlocated, uri, &index);
            }
        }
        for finding in &mut findings {
            finding.account = snapshot.resource_account(&finding.resource);
        }
        Ok(Evaluation {
            rules: self.rules(),
            findings,
            gaps: snapshot.gaps.clone(),
            snapshots: ordered.into_iter().map(|(uri, _)| uri).collect(),
            accounts: snapshot.accounts.keys().cloned().collect(),
            prints,
            profile,
            ..Evaluation::default()
        })
    }
}

/// Points the findings among `unlocated` that `index` finds at their line in `uri`, and drops
/// them from `unlocated`.
fn place(findings: &mut [Finding], unlocated: &mut Vec<usize>, uri: &str, index: &SourceIndex) {
    unlocated.retain(|&i| match index.line(&findings[i].resource) {
        Some(line) => {
            findings[i].location = Some(crate::SourceLocation {
                uri: uri.to_string(),
                line,
            });
            false
        }
        None => true,
    });
}

/// `path` relative to `root` with forward slashes, as SARIF wants; `path` as given when it is
/// not below `root`.
pub fn relative_uri(path: &Path, root: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let full = absolute(path);
    let base = absolute(root);
    let shown = full
        .strip_prefix(&base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<String> = shown
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    // A file outside the root keeps its absolute path, with one leading slash.
    let lead = if shown.has_root() { "/" } else { "" };
    format!("{lead}{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::relative_uri;
    use std::path::Path;

    #[test]
    fn absolute_path_outside_the_root_has_one_leading_slash() {
        // Regression: `/tmp/s.json` was shown as `//tmp/s.json`.
        let root = std::env::temp_dir().join("trailguard-no-such-root");
        assert_eq!(
            relative_uri(Path::new("/nonexistent/s.json"), &root),
            "/nonexistent/s.json"
        );
        assert_eq!(
            relative_uri(Path::new("inputs/demo.json"), Path::new("/nonexistent")),
            "inputs/demo.json"
        );
    }
}

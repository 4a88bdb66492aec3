//! IAM's wildcard matching: `*` matches any run of characters (none included), `?` exactly one.
//!
//! Actions are matched ignoring case; ARNs segment by segment, case-sensitively, as AWS's
//! `Resource` element and `ArnLike` do: a wildcard never spans the `:` between an ARN's first
//! five segments, but may span anything (`/`, `:`) inside the sixth, the resource.

/// Whether `pattern` (with `*` and `?`) matches all of `text`.
///
/// Greedy matching with one backtrack point (the last `*`): linear in practice and never
/// exponential, whatever the pattern.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let same = |p: char, t: char| p == t || (ignore_case && p.to_lowercase().eq(t.to_lowercase()));
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and how much of the text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || text.get(t).is_some_and(|&tc| same(c, tc)) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Whether an action pattern (`s3:Delete*`, `*`) matches an action (`s3:DeleteObject`), ignoring
/// case as AWS does.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(pattern, action, true)
}

/// Whether a resource pattern matches an ARN: `*` matches every resource; otherwise the pattern
/// and the value are split into their colon-separated segments (at most six: the sixth, the
/// resource, keeps its colons) and each is matched on its own, case-sensitively. A pattern with
/// another number of segments than the value matches nothing.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let patterns: Vec<&str> = pattern.splitn(6, ':').collect();
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    patterns.len() == parts.len()
        && patterns
            .iter()
            .zip(&parts)
            .all(|(pattern, part)| glob(pattern, part, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        for (pattern, text, expected) in [
            ("*", "", true),
            ("*", "anything", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*a*b*c*", "xxaxxbxxcxx", true),
            ("*a*b*c*", "xxaxxcxxbxx", false),
            ("", "", true),
            ("", "a", false),
            ("a**", "a", true),
            ("é?", "éü", true),
        ] {
            assert_eq!(glob(pattern, text, false), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn a_pathological_pattern_is_still_fast() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "a*".repeat(1_000));
        assert!(!glob(&pattern, &text, false));
    }

    #[test]
    fn actions_ignore_case_arns_do_not() {
        assert!(action_matches("CloudTrail:Stop*", "cloudtrail:StopLogging"));
        assert!(action_matches("*", "kms:DisableKey"));
        assert!(!action_matches(
            "cloudtrail:Start*",
            "cloudtrail:StopLogging"
        ));
        assert!(arn_matches(
            "arn:aws:s3:::logs/*",
            "arn:aws:s3:::logs/AWSLogs/1/x.gz"
        ));
        assert!(!arn_matches(
            "arn:aws:s3:::Logs/*",
            "arn:aws:s3:::logs/AWSLogs/1/x.gz"
        ));
    }

    #[test]
    fn arn_wildcards_stay_within_their_segment_except_the_resource() {
        // The account segment's `*` does not reach into the resource.
        assert!(arn_matches(
            "arn:aws:cloudtrail:*:*:trail/*",
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"
        ));
        assert!(!arn_matches(
            "arn:aws:cloudtrail:*",
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"
        ));
        // Inside the resource, `*` spans `/` and `:`.
        assert!(arn_matches(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:1:log-group:a:log-stream:b"
        ));
        assert!(arn_matches("*", "not even an arn"));
        // Regression: ArnLike on a key whose value is not an ARN (aws:PrincipalAccount) matched
        // nothing, not even the same text.
        assert!(arn_matches("111111111111", "111111111111"));
        assert!(!arn_matches(
            "111111111111",
            "arn:aws:iam::111111111111:root"
        ));
        assert!(!arn_matches("arn:aws:s3:::b", "arn:aws:s3:::b/key"));
    }
}

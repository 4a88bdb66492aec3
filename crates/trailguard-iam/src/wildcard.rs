//! IAM's wildcard matching: `*` matches any run of characters (none included), `?` exactly one.
//!
//! Actions are matched ignoring case; ARNs segment by segment, case-sensitively, as AWS's
//! `Resource` element and `ArnLike` do: a wildcard never spans the `:` between an ARN's first
//! five segments, but may span anything (`/`, `:`) inside the sixth, the resource.

/// Whether `pattern` (with `*` and `?`) matches all of `text`.
///
/// Greedy matching with one backtrack point (the last `*`): linear in practice and never
/// exponential, whatever the pattern. Policies and ARNs are almost always ASCII: those are
/// matched byte by byte, without allocating; any other text character by character (where
/// ignoring case is Unicode's lower-casing: the Kelvin sign `K` matches `k`).
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return glob_in(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |p, t| {
            p == t || (ignore_case && p.eq_ignore_ascii_case(&t))
        });
    }
    glob_chars(pattern, text, ignore_case)
}

/// [`glob`] character by character, for any text.
fn glob_chars(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    glob_in(&pattern, &text, '*', '?', |p, t| {
        p == t || (ignore_case && p.to_lowercase().eq(t.to_lowercase()))
    })
}

/// The matching itself, over bytes or characters: `star` matches any run, `one` any single
/// item, `same` compares the rest.
fn glob_in<T: Copy + PartialEq>(
    pattern: &[T],
    text: &[T],
    star_item: T,
    one: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and how much of the text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star_item => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == one || text.get(t).is_some_and(|&tc| same(c, tc)) => {
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
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == star_item))
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
    let (mut patterns, mut parts) = (pattern.splitn(6, ':'), arn.splitn(6, ':'));
    loop {
        match (patterns.next(), parts.next()) {
            (None, None) => return true,
            (Some(pattern), Some(part)) if glob(pattern, part, false) => {}
            _ => return false,
        }
    }
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

    /// Every pattern and text of up to four items over an alphabet of letters in both cases,
    /// wildcards and a non-ASCII letter: byte matching agrees with character matching.
    #[test]
    fn matching_bytes_agrees_with_matching_characters() {
        fn all(alphabet: &[char], longest: usize) -> Vec<String> {
            let mut found = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..longest {
                last = last
                    .iter()
                    .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                    .collect();
                found.extend(last.iter().cloned());
            }
            found
        }
        let ascii = all(&['a', 'A', 'b', '*', '?'], 4);
        let mut compared = 0;
        for pattern in &ascii {
            for text in &ascii {
                for ignore_case in [false, true] {
                    assert_eq!(
                        glob(pattern, text, ignore_case),
                        glob_chars(pattern, text, ignore_case),
                        "{pattern} ~ {text} (ignore case: {ignore_case})"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 1_000_000);
        // Outside ASCII, characters decide: the Kelvin sign lower-cases to `k`.
        assert!(glob("\u{212A}*", "kms:DisableKey", true));
        assert!(!glob("\u{212A}*", "kms:DisableKey", false));
        assert!(glob("é?", "éü", false));
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

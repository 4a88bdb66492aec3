//! Patterns AWS refuses, or whose meaning AWS does not document, are errors that say where and
//! why: a monitoring rule reports such a filter as one it cannot judge, never as catching or
//! missing an event. (The reasons are in the research notes cited by tests/data/*.json: AWS's
//! guides, its API references, and AWS-validated recordings of its error messages.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::json;
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::logs::FilterPattern;

#[test]
fn filter_patterns_aws_refuses_or_leaves_without_meaning_are_errors() {
    let long = format!("\"{}\"", "x".repeat(1023));
    let cases: &[(&str, &str)] = &[
        (&long, "1025 characters long"),
        ("{ $.eventName = \"StopLogging\"", "closing `}`"),
        ("{ $.eventName = StopLogging } extra", "nothing may follow"),
        ("{ eventName = StopLogging }", "starting with `$`"),
        ("{ $.eventName = }", "needs a value"),
        ("{ $.eventName == StopLogging }", "needs a value"),
        ("{ $.eventName < \"a\" }", "compares numbers"),
        ("{ $.eventName >= %a% }", "compares numbers"),
        ("{ $.eventName = 'StopLogging' }", "double quotes"),
        (
            "{ $.a IS NOT NULL }",
            "`IS` takes `NULL`, `TRUE` or `FALSE`",
        ),
        ("{ $.a EXISTS }", "expected a comparison"),
        ("{ $.a is null }", "expected a comparison"),
        ("{ $.a NOT NULL }", "`NOT` takes `EXISTS`"),
        ("{ ($.a = 1 }", "never closed"),
        ("{ $.a = 1 && }", "starting with `$`"),
        ("{ $.a[x] = 1 }", "array index"),
        ("{ $.a[-1] = 1 }", "array index"),
        ("{ $.a@b = 1 }", "field name"),
        ("{ $.a[*].b[*] = 1 }", "1 wildcard"),
        (
            "{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }",
            "at most 3 wildcard",
        ),
        ("{ $.a[*] != 1 }", "wildcard selector"),
        ("{ $.* NOT EXISTS }", "wildcard selector"),
        (
            "{ $.a = %x% && $.b = %y% && $.c = %z% }",
            "at most 2 %regex%",
        ),
        ("%something!%", "`!` is not in CloudWatch's regex syntax"),
        ("%(ERROR|WARN)%", "no `(` or `)`"),
        ("%café%", "multi-byte"),
        ("%\\bword%", "`\\b` is not in"),
        ("%\\x4%", "two hex digits"),
        // Regression (fuzz target filter_pattern): stacked quantifiers, a few hundred of which
        // overflowed the stack in the regex crate.
        ("%a*+%", "`+` follows another quantifier"),
        ("%a+?%", "`?` follows another quantifier"),
        ("%a{2}*%", "`*` follows another quantifier"),
        ("%a{x}%", "takes a count"),
        ("%abc", "never closed"),
        ("ERROR %foo%", "a pattern of its own"),
        ("foo-bar", "double quotes"),
        ("\"unclosed", "never closed"),
        ("[a, b", "`,` or the closing `]`"),
        ("[a, b] c", "nothing may follow"),
        ("[a, , b]", "field name or `...`"),
        ("[a = 4* && b > 1]", "on `a` too"),
        ("[a = %x%, b = %y%, c = %z%]", "at most 2 %regex%"),
    ];
    for (pattern, reason) in cases {
        match FilterPattern::parse(pattern) {
            Ok(parsed) => panic!("{pattern:?} parsed: {parsed:?}"),
            Err(e) => assert!(
                e.to_string().contains(reason),
                "{pattern:?}: {e} (expected it to say {reason:?})"
            ),
        }
    }
}

#[test]
fn event_patterns_aws_refuses_are_errors() {
    let cases = [
        (json!("aws.ec2"), "(pattern)", "a JSON object"),
        (json!({}), "(pattern)", "empty pattern"),
        (json!({"detail": {}}), "detail", "empty object"),
        (json!({"resources": []}), "resources", "empty list"),
        (json!({"source": "aws.ec2"}), "source", "not a string"),
        (json!({"count": 42}), "count", "not a number"),
        (json!({"a": [["x"]]}), "a[0]", "not a list"),
        (json!({"a": [{}]}), "a[0]", "exactly one operator"),
        (
            json!({"a": [{"EXISTS": true}]}),
            "a[0].EXISTS",
            "not an EventBridge filter",
        ),
        (
            json!({"a": [{"contains": "x"}]}),
            "a[0].contains",
            "not an EventBridge filter",
        ),
        (
            json!({"a": [{"prefix": "x", "suffix": "y"}]}),
            "a[0]",
            "exactly one operator",
        ),
        (
            json!({"a": [{"prefix": 1}]}),
            "a[0].prefix",
            "takes a string",
        ),
        (
            json!({"a": [{"prefix": ["x"]}]}),
            "a[0].prefix",
            "takes a string",
        ),
        (
            json!({"a": [{"equals-ignore-case": ["x"]}]}),
            "a[0].equals-ignore-case",
            "takes a string",
        ),
        (
            json!({"a": [{"wildcard": 1}]}),
            "a[0].wildcard",
            "takes a string",
        ),
        (
            json!({"a": [{"wildcard": "a**b"}]}),
            "a[0].wildcard",
            "consecutive wildcard",
        ),
        (
            json!({"a": [{"wildcard": "a\\b"}]}),
            "a[0].wildcard",
            "invalid escape",
        ),
        (
            json!({"a": [{"wildcard": "a\\"}]}),
            "a[0].wildcard",
            "invalid escape",
        ),
        (
            json!({"a": [{"numeric": 10}]}),
            "a[0].numeric",
            "takes a list",
        ),
        (json!({"a": [{"numeric": ["="]}]}), "a[0].numeric", "pairs"),
        (
            json!({"a": [{"numeric": [">", "5"]}]}),
            "a[0].numeric",
            "not a number",
        ),
        (
            json!({"a": [{"numeric": [">", 0, ">", 0]}]}),
            "a[0].numeric",
            "lower bound",
        ),
        (
            json!({"a": [{"numeric": ["<", 10, ">", 0]}]}),
            "a[0].numeric",
            "lower bound",
        ),
        (
            json!({"a": [{"numeric": ["!=", 5]}]}),
            "a[0].numeric",
            "not a numeric operator",
        ),
        (
            json!({"a": [{"anything-but": null}]}),
            "a[0].anything-but",
            "takes a string",
        ),
        (
            json!({"a": [{"anything-but": true}]}),
            "a[0].anything-but",
            "takes a string",
        ),
        (
            json!({"a": [{"anything-but": ["x", null]}]}),
            "a[0].anything-but",
            "strings only",
        ),
        (
            json!({"a": [{"anything-but": ["x", 1]}]}),
            "a[0].anything-but",
            "strings only",
        ),
        (
            json!({"a": [{"anything-but": []}]}),
            "a[0].anything-but",
            "at least one",
        ),
        (
            json!({"a": [{"anything-but": {"prefix": ""}}]}),
            "a[0].anything-but.prefix",
            "empty `prefix`",
        ),
        (
            json!({"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}),
            "a[0].anything-but.prefix",
            "takes a string",
        ),
        (
            json!({"a": [{"anything-but": {"equals-ignore-case": 123}}]}),
            "a[0].anything-but.equals-ignore-case",
            "takes a string",
        ),
        (
            json!({"a": [{"anything-but": {"numeric": [">", 1]}}]}),
            "a[0].anything-but.numeric",
            "not `numeric`",
        ),
        (
            json!({"a": [{"exists": "true"}]}),
            "a[0].exists",
            "true or false",
        ),
        (
            json!({"a": [{"cidr": "10.0.0.0"}]}),
            "a[0].cidr",
            "IP address block",
        ),
        (
            json!({"a": [{"cidr": "10.0.0.0/33"}]}),
            "a[0].cidr",
            "IP address block",
        ),
        (
            json!({"a": [{"cidr": "xx.11.xx/8"}]}),
            "a[0].cidr",
            "IP address block",
        ),
        (json!({"$or": {"a": ["x"]}}), "$or", "list of patterns"),
        (json!({"$or": [{"a": ["x"]}]}), "$or", "at least two"),
        (
            json!({"$or": [{"a": ["x"]}, "b"]}),
            "$or[1]",
            "is an object",
        ),
        (
            json!({"$or": [{"a": ["x"]}, {"numeric": ["x"]}]}),
            "$or[1]",
            "cannot be a key",
        ),
        // Regression (review of issue 17): an empty alternative matched every event.
        (json!({"$or": [{}, {"a": ["x"]}]}), "$or[0]", "empty object"),
    ];
    for (pattern, path, reason) in cases {
        match EventPattern::parse(&pattern) {
            Ok(parsed) => panic!("{pattern} parsed: {parsed:?}"),
            Err(e) => {
                assert_eq!(e.path, path, "{pattern}: {e}");
                assert!(
                    e.message.contains(reason),
                    "{pattern}: {e} (expected {reason:?})"
                );
            }
        }
    }
}

#[test]
fn an_event_pattern_of_more_than_a_thousand_or_combinations_is_refused() {
    let alternatives = |field: &str| {
        (0..11)
            .map(|i| json!({ field: [format!("v{i}")] }))
            .collect::<Vec<_>>()
    };
    let pattern = json!({
        "detail": {"$or": alternatives("a")},
        "other": {"$or": alternatives("b")},
        "more": {"$or": alternatives("c")},
    });
    let error = EventPattern::parse(&pattern).unwrap_err();
    assert!(error.message.contains("1331 combinations"), "{error}");
    let fewer = json!({
        "detail": {"$or": alternatives("a")},
        "other": {"$or": alternatives("b")},
    });
    assert!(EventPattern::parse(&fewer).is_ok());
}

proptest::proptest! {
    /// Whatever the text, parsing a filter pattern ends in a pattern or an error, never a panic,
    /// and a parsed pattern judges any message without panicking.
    #[test]
    fn any_text_parses_or_errs_without_panicking(
        pattern in r#"[\{\}\[\]\(\)\$\.\*%"' =!<>&|?\-a-zA-Z0-9_,\\]{0,60}"#,
        message in r#"[\{\}\[\]" a-z0-9:,.*\\]{0,40}"#,
    ) {
        if let Ok(parsed) = FilterPattern::parse(&pattern) {
            let _ = parsed.matches(&trailguard_patterns::logs::LogEvent::text(&message));
        }
    }
}

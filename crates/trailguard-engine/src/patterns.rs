//! The pattern-matching builtins (crate `trailguard-patterns`), for the monitoring rules and any
//! custom policy:
//!
//! - `trailguard.logs.matches(pattern, event)`: whether the CloudWatch Logs filter pattern
//!   catches the log event (an object: a JSON message such as a CloudTrail record; or a string:
//!   the message's text);
//! - `trailguard.logs.pattern_error(pattern)`: `null` when the pattern can be judged, otherwise
//!   why not (`"column 17: ..."`);
//! - `trailguard.events.matches(pattern, event)`: whether the EventBridge event pattern (an
//!   object, or its JSON text as the EventBridge API returns it) matches the event;
//! - `trailguard.events.pattern_error(pattern)`: likewise;
//! - `trailguard.logs.match_table(patterns, events)` and `trailguard.events.match_table(patterns,
//!   events)`: for each pattern, the indexes of the events it matches (`[[0, 2], [], [1]]`), in
//!   one call: a rule that asks every filter of a log group about every canonical event makes
//!   one call instead of thousands.
//!
//! `matches` on a pattern that cannot be judged is an error naming the pattern, so a rule that
//! forgot to ask `pattern_error` first stops with exit 2 instead of reporting a filter as
//! catching nothing. Parsed patterns are kept (per engine, in a [`trailguard_patterns::PatternCache`] shared with
//! `trailguard.monitoring.coverage`) because a rule asks the same pattern about many events.

use crate::deny::kind;
use regorus::Value;
use std::sync::Arc;
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::logs::{FilterPattern, LogEvent};

/// The text of an event-pattern argument: a string as given, an object as its JSON.
fn event_pattern_text(name: &str, pattern: &Value) -> anyhow::Result<String> {
    match pattern {
        Value::String(text) => Ok(text.to_string()),
        Value::Object(_) => pattern.to_json_str().map_err(|e| {
            anyhow::anyhow!("{name}: the event pattern cannot be written as JSON: {e}")
        }),
        other => anyhow::bail!(
            "{name} takes the event pattern as an object or its JSON text, not {}",
            kind(other)
        ),
    }
}

fn two(name: &str, args: &[Value]) -> anyhow::Result<(Value, Value)> {
    match args {
        [a, b] => Ok((a.clone(), b.clone())),
        _ => anyhow::bail!("{name} takes two arguments: a pattern and an event"),
    }
}

/// Each pattern (parsed through `parse`, an error naming it when it cannot be) against each
/// event: for each pattern, the indexes of the events `matches` says it catches. Each event is
/// prepared once (`prepare`: a log event's text is written out once however many term patterns
/// read it).
fn match_table<'a, T, E>(
    name: &str,
    args: &'a [Value],
    text_of: impl Fn(&Value) -> anyhow::Result<String>,
    parse: impl Fn(&str) -> Result<Arc<T>, String>,
    prepare: impl Fn(&'a Value) -> anyhow::Result<E>,
    matches: impl Fn(&T, &E) -> bool,
) -> anyhow::Result<Value> {
    let (Some(Value::Array(patterns)), Some(Value::Array(events))) = (args.first(), args.get(1))
    else {
        anyhow::bail!("{name} takes two arrays: the patterns and the events");
    };
    let events = events
        .iter()
        .map(|e| prepare(e).map_err(|error| anyhow::anyhow!("{name}: {error}")))
        .collect::<anyhow::Result<Vec<E>>>()?;
    let mut table = Vec::with_capacity(patterns.len());
    for pattern in patterns.iter() {
        let text = text_of(pattern)?;
        let parsed = parse(&text).map_err(|e| anyhow::anyhow!("{name}: pattern {text:?}: {e}"))?;
        let caught: Vec<Value> = events
            .iter()
            .enumerate()
            .filter(|(_, event)| matches(&parsed, event))
            .map(|(i, _)| Value::from(i))
            .collect();
        table.push(Value::from(caught));
    }
    Ok(Value::from(table))
}

/// A log event argument: an object (a JSON message) or a string (the message's text).
fn log_event(event: &Value) -> anyhow::Result<LogEvent<'_, Value>> {
    match event {
        Value::String(message) => Ok(LogEvent::from_text(message)),
        Value::Object(_) => Ok(LogEvent::json(event)),
        other => anyhow::bail!(
            "a log event is an object (a JSON message) or a string, not {}",
            kind(other)
        ),
    }
}

fn filter_matches(filter: &FilterPattern, event: &Value) -> anyhow::Result<bool> {
    Ok(filter.matches(&log_event(event)?))
}

/// Registers the builtins on `engine`.
pub(crate) fn register(
    engine: &mut regorus::Engine,
    indexes: &crate::per_input::Indexes,
) -> Result<(), String> {
    let cache_all = Arc::clone(&indexes.patterns);
    let mut add = |name: &str, nargs: u8, f: Box<dyn regorus::Extension>| {
        engine
            .add_extension(name.to_string(), nargs, f)
            .map_err(|e| format!("cannot register {name}: {e}"))
    };

    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.logs.matches",
        2,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.logs.matches";
            let (pattern, event) = two(NAME, &args)?;
            let Value::String(text) = &pattern else {
                anyhow::bail!(
                    "{NAME} takes the filter pattern as a string, not {}",
                    kind(&pattern)
                );
            };
            let filter = cache
                .filter(text)
                .map_err(|e| anyhow::anyhow!("{NAME}: filter pattern {text:?}: {e}"))?;
            let matched =
                filter_matches(&filter, &event).map_err(|e| anyhow::anyhow!("{NAME}: {e}"))?;
            Ok(Value::Bool(matched))
        }),
    )?;
    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.logs.pattern_error",
        1,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.logs.pattern_error";
            let Some(Value::String(text)) = args.first() else {
                anyhow::bail!("{NAME} takes the filter pattern, a string");
            };
            Ok(match cache.filter(text) {
                Ok(_) => Value::Null,
                Err(e) => Value::from(e),
            })
        }),
    )?;
    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.events.matches",
        2,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.events.matches";
            let (pattern, event) = two(NAME, &args)?;
            let text = event_pattern_text(NAME, &pattern)?;
            let rule = cache
                .event_pattern(&text)
                .map_err(|e| anyhow::anyhow!("{NAME}: event pattern {text}: {e}"))?;
            if !matches!(event, Value::Object(_)) {
                anyhow::bail!("{NAME} takes the event as an object, not {}", kind(&event));
            }
            Ok(Value::Bool(rule.matches(&event)))
        }),
    )?;
    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.logs.match_table",
        2,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.logs.match_table";
            match_table(
                NAME,
                &args,
                |p| match p {
                    Value::String(text) => Ok(text.to_string()),
                    other => {
                        anyhow::bail!("{NAME}: a filter pattern is a string, not {}", kind(other))
                    }
                },
                |text| cache.filter(text),
                log_event,
                |filter: &FilterPattern, event: &LogEvent<'_, Value>| filter.matches(event),
            )
        }),
    )?;
    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.events.match_table",
        2,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.events.match_table";
            match_table(
                NAME,
                &args,
                |p| event_pattern_text(NAME, p),
                |text| cache.event_pattern(text),
                |event: &Value| match event {
                    Value::Object(_) => Ok(event),
                    other => anyhow::bail!("an event is an object, not {}", kind(other)),
                },
                |rule: &EventPattern, event: &&Value| rule.matches(*event),
            )
        }),
    )?;
    let cache = Arc::clone(&cache_all);
    add(
        "trailguard.events.pattern_error",
        1,
        Box::new(move |args: Vec<Value>| {
            const NAME: &str = "trailguard.events.pattern_error";
            let Some(pattern) = args.first() else {
                anyhow::bail!("{NAME} takes the event pattern");
            };
            let text = event_pattern_text(NAME, pattern)?;
            Ok(match cache.event_pattern(&text) {
                Ok(_) => Value::Null,
                Err(e) => Value::from(e),
            })
        }),
    )?;
    crate::monitoring::register(engine, indexes)
}

#[cfg(test)]
mod tests {
    use regorus::Value;

    fn eval(query: &str) -> Result<Value, String> {
        let mut engine = regorus::Engine::new();
        super::register(&mut engine, &crate::per_input::Indexes::default())?;
        engine
            .add_policy(
                "p.rego".into(),
                format!("package p\nimport rego.v1\nx := {query}\n"),
            )
            .map_err(|e| e.to_string())?;
        engine
            .eval_rule("data.p.x".into())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn logs_matches_reads_objects_and_text_and_refuses_a_broken_pattern() {
        let q = r#"trailguard.logs.matches("{ $.eventName = \"StopLogging\" }", {"eventName": "StopLogging"})"#;
        assert_eq!(eval(q), Ok(Value::Bool(true)));
        let q = r#"trailguard.logs.matches("{ $.eventName = \"StopLogging\" }", "{\"eventName\": \"DeleteTrail\"}")"#;
        assert_eq!(eval(q), Ok(Value::Bool(false)));
        let q = r#"trailguard.logs.matches("{ $.eventName = }", {"eventName": "StopLogging"})"#;
        let error = eval(q).unwrap_err();
        assert!(error.contains("column 17"), "{error}");
        let q = r#"trailguard.logs.pattern_error("{ $.eventName = }")"#;
        assert_eq!(
            eval(q),
            Ok(Value::from("column 17: `=` needs a value after it"))
        );
        assert_eq!(
            eval(r#"trailguard.logs.pattern_error("ERROR")"#),
            Ok(Value::Null)
        );
    }

    #[test]
    fn a_term_pattern_reads_an_object_as_compact_json_as_cloudtrail_writes_it() {
        // Regression: regorus's to_json_str pretty-prints, so `"eventName":"StopLogging"` (the
        // text CloudWatch Logs holds) missed, and `"eventName": "StopLogging"` caught.
        // The quoted term `"eventName\":\"StopLogging"` is the text eventName":"StopLogging.
        let compact = r#"trailguard.logs.matches(`"eventName\":\"StopLogging"`, {"eventName": "StopLogging"})"#;
        assert_eq!(eval(compact), Ok(Value::Bool(true)));
        let spaced = r#"trailguard.logs.matches(`"eventName\": \"StopLogging"`, {"eventName": "StopLogging"})"#;
        assert_eq!(eval(spaced), Ok(Value::Bool(false)));
    }

    #[test]
    fn match_tables_say_which_events_each_pattern_catches() {
        let q = r#"trailguard.logs.match_table(
            ["{ $.eventName = StopLogging }", "{ $.eventName = Delete* }", "Stop"],
            [{"eventName": "StopLogging"}, {"eventName": "DeleteTrail"}, "StopLogging was called"])"#;
        let expected = Value::from_json_str("[[0], [1], [0, 2]]").unwrap();
        assert_eq!(eval(q), Ok(expected));
        let q = r#"trailguard.events.match_table(
            [{"source": ["aws.cloudtrail"]}, "{\"source\": [\"aws.s3\"]}"],
            [{"source": "aws.s3"}, {"source": "aws.cloudtrail"}])"#;
        let expected = Value::from_json_str("[[1], [0]]").unwrap();
        assert_eq!(eval(q), Ok(expected));
        let q = r#"trailguard.logs.match_table(["{ $.a = }"], [{}])"#;
        let error = eval(q).unwrap_err();
        assert!(error.contains("column 9"), "{error}");
    }

    #[test]
    fn events_matches_takes_the_pattern_as_object_or_text() {
        let q = r#"trailguard.events.matches({"source": ["aws.cloudtrail"]}, {"source": "aws.cloudtrail"})"#;
        assert_eq!(eval(q), Ok(Value::Bool(true)));
        let q = r#"trailguard.events.matches("{\"source\": [\"aws.s3\"]}", {"source": "aws.cloudtrail"})"#;
        assert_eq!(eval(q), Ok(Value::Bool(false)));
        let q = r#"trailguard.events.pattern_error({"source": "aws.s3"})"#;
        let Ok(Value::String(message)) = eval(q) else {
            panic!("expected an error message")
        };
        assert!(message.contains("source"), "{message}");
        let q = r#"trailguard.events.matches("not json", {"source": "aws.cloudtrail"})"#;
        let error = eval(q).unwrap_err();
        assert!(error.contains("not JSON"), "{error}");
    }
}

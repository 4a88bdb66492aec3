//! Builtins trailguard replaces, registered as regorus extensions (which regorus looks up before
//! its own builtins), so every policy, built-in or custom, gets them.
//!
//! - `numbers.range` and `numbers.range_step` refuse to build more than [`MAX_RANGE`] numbers.
//!   regorus allocates the whole array up front, so `numbers.range(0, 1e12)` aborted the process
//!   (an allocation that fails cannot be caught). The error names the call's file and line.
//! - `sprintf` refuses a width or precision above [`MAX_FORMAT_WIDTH`]: regorus builds the padded
//!   string in full before the memory ceiling can see it (`%04000000000d` took 31 s and 7.8 GB to
//!   be stopped), and a width past 2^32 overflowed its counter.
//! - `trailguard.iam.decide(question)` answers one IAM request under AWS's evaluation logic
//!   (crate `trailguard-iam`; the question and answer are documented in policies/README.md);
//!   `trailguard.iam.decide_in(input, question)` answers it in the snapshot, with the SCPs and
//!   RCPs the question leaves out taken from the input's organisations.
//! - `trailguard.delivery.to_bucket(input, trail, bucket)` and `trailguard.delivery.to_key(input,
//!   trail, key)` decide CloudTrail's own requests to deliver a trail's logs to its bucket or to
//!   encrypt them with its key (crate `trailguard-iam`, module `delivery`);
//!   `trailguard.delivery.context(input, trail)` is what those requests carry, and
//!   `trailguard.delivery.log_objects(input, trail, bucket)` the log files they put.
//! - `trailguard.iam.outsiders(statement, owner, trusted)` and
//!   `trailguard.iam.open_statements(document, owner, trusted)` say whom a resource or trust
//!   policy lets in from outside its account (crate `trailguard-iam`, module `outsiders`).
//! - `trailguard.snapshot.trails_by(input, field)` groups the trails by a field, once per input
//!   (crate::trails_by).
//! - `trailguard.logs.*` and `trailguard.events.*` match CloudWatch Logs filter patterns and
//!   EventBridge event patterns (crate::patterns).
//! - `time.add_date`, `time.clock`, `time.date`, `time.diff`, `time.format` and `time.weekday`
//!   refuse a time zone other than UTC: `"Local"` reads the scanner's `TZ`, which would make
//!   findings depend on the machine that ran the scan. UTC calls go to regorus's builtin.

use regorus::unstable::{Expr, Parser, Source, Span, BUILTINS};
use regorus::Value;
use trailguard_iam::IndexError;

/// The most numbers `numbers.range` and `numbers.range_step` may build in one call.
pub const MAX_RANGE: u64 = 1_000_000;

/// The widest field (`%NNNd`) or longest precision (`%.NNNf`) `sprintf` may format: ample for
/// any message, and far below what could exhaust memory.
pub const MAX_FORMAT_WIDTH: u64 = 10_000;

/// The time builtins that take `[ns, zone]`, with their argument counts.
const ZONED: &[(&str, u8)] = &[
    ("time.add_date", 4),
    ("time.clock", 1),
    ("time.date", 1),
    ("time.diff", 2),
    ("time.format", 1),
    ("time.weekday", 1),
];

/// Registers trailguard's extensions on `engine`.
pub(crate) fn register(
    engine: &mut regorus::Engine,
    indexes: &crate::per_input::Indexes,
) -> Result<(), String> {
    let add =
        |engine: &mut regorus::Engine, name: &str, nargs: u8, f: Box<dyn regorus::Extension>| {
            engine
                .add_extension(name.to_string(), nargs, f)
                .map_err(|e| format!("cannot register {name}: {e}"))
        };
    let range = Builtin::new("numbers.range", 2)?;
    add(
        engine,
        "numbers.range",
        2,
        Box::new(move |args: Vec<Value>| {
            let count = span_of(&args, 1)?;
            bounded("numbers.range", count)?;
            range.call(&args)
        }),
    )?;
    let range_step = Builtin::new("numbers.range_step", 3)?;
    add(
        engine,
        "numbers.range_step",
        3,
        Box::new(move |args: Vec<Value>| {
            let step = integer(args.get(2))?.unsigned_abs().max(1);
            let count = span_of(&args, step)?;
            bounded("numbers.range_step", count)?;
            range_step.call(&args)
        }),
    )?;
    let sprintf = Builtin::new("sprintf", 2)?;
    add(
        engine,
        "sprintf",
        2,
        Box::new(move |args: Vec<Value>| {
            if let Some(Value::String(format)) = args.first() {
                bounded_widths(format)?;
            }
            sprintf.call(&args)
        }),
    )?;
    add(
        engine,
        "trailguard.iam.decide",
        1,
        Box::new(|args: Vec<Value>| {
            let Some(question) = args.first() else {
                anyhow::bail!("trailguard.iam.decide takes one argument, the question");
            };
            let question = serde_json::to_value(question)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.decide: {e}"))?;
            let answer = trailguard_iam::answer(&question)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.decide: {e}"))?;
            crate::input::answer_value(&answer)
        }),
    )?;
    // The same question in the snapshot: the SCPs and RCPs it leaves out are the input's.
    let iam = indexes.iam.clone();
    add(
        engine,
        "trailguard.iam.decide_in",
        2,
        Box::new(move |args: Vec<Value>| {
            let [input, question] = &args[..] else {
                anyhow::bail!(
                    "trailguard.iam.decide_in takes two arguments, input and the question"
                );
            };
            let index = iam
                .index(input)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.decide_in: {e}"))?;
            let question = serde_json::to_value(question)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.decide_in: {e}"))?;
            let decision = trailguard_iam::ask_in(&question, &index)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.decide_in: {e}"))?;
            crate::input::answer_value(&serde_json::Value::Object(trailguard_iam::decision_json(
                &decision,
            )))
        }),
    )?;
    // CloudTrail's own delivery requests, decided under the destination's policy and the RCPs
    // on its account (crate trailguard-iam, module delivery), which the input's IAM index says.
    type Deliveries = fn(
        &Value,
        &trailguard_iam::SnapshotIndex,
        &str,
        &str,
    ) -> Result<Vec<trailguard_iam::delivery::Delivery>, IndexError>;
    let deliveries: [(&str, Deliveries); 2] = [
        (
            "trailguard.delivery.to_bucket",
            trailguard_iam::delivery::to_bucket,
        ),
        (
            "trailguard.delivery.to_key",
            trailguard_iam::delivery::to_key,
        ),
    ];
    for (name, asked) in deliveries {
        let iam = indexes.iam.clone();
        add(
            engine,
            name,
            3,
            Box::new(move |args: Vec<Value>| match &args[..] {
                [input, Value::String(trail), Value::String(destination)] => {
                    let index = iam
                        .index(input)
                        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                    let asked = asked(input, &index, trail, destination)
                        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                    crate::input::answer_value(&deliveries_json(&asked))
                }
                _ => anyhow::bail!(
                    "{name} takes three arguments: input, a trail's ARN and the destination's \
                     name or ARN (strings)"
                ),
            }),
        )?;
    }
    add(
        engine,
        "trailguard.delivery.log_objects",
        3,
        Box::new(|args: Vec<Value>| match &args[..] {
            [input, Value::String(trail), Value::String(bucket)] => {
                let objects = trailguard_iam::delivery::log_objects(input, trail, bucket)
                    .map_err(|e| anyhow::anyhow!("trailguard.delivery.log_objects: {e}"))?;
                Ok(Value::from(
                    objects.into_iter().map(Value::from).collect::<Vec<Value>>(),
                ))
            }
            _ => anyhow::bail!(
                "trailguard.delivery.log_objects takes three arguments: input, a trail's ARN and \
                 its bucket's name (strings)"
            ),
        }),
    )?;
    add(
        engine,
        "trailguard.delivery.context",
        2,
        Box::new(|args: Vec<Value>| match &args[..] {
            [input, Value::String(trail)] => {
                let context: serde_json::Map<String, serde_json::Value> =
                    trailguard_iam::delivery::trail_context(input, trail)
                        .map_err(|e| anyhow::anyhow!("trailguard.delivery.context: {e}"))?
                        .into_iter()
                        .map(|(key, value)| (key.to_string(), value.into()))
                        .collect();
                crate::input::answer_value(&context)
            }
            _ => anyhow::bail!(
                "trailguard.delivery.context takes input and a trail's ARN (a string)"
            ),
        }),
    )?;
    add(
        engine,
        "trailguard.iam.policy_holders",
        2,
        Box::new(|args: Vec<Value>| {
            crate::iam::policy_holders(&args)
                .map_err(|e| anyhow::anyhow!("trailguard.iam.policy_holders: {e}"))
        }),
    )?;
    // Whom resource and trust policies let in from outside their account (crate trailguard-iam,
    // module outsiders).
    type Outsiders = fn(&[Value]) -> anyhow::Result<Value>;
    let outsiders: [(&str, Outsiders); 2] = [
        ("trailguard.iam.outsiders", crate::iam::outsiders),
        (
            "trailguard.iam.open_statements",
            crate::iam::open_statements,
        ),
    ];
    for (name, answer) in outsiders {
        add(
            engine,
            name,
            3,
            Box::new(move |args: Vec<Value>| {
                answer(&args).map_err(|e| anyhow::anyhow!("{name}: {e}"))
            }),
        )?;
    }
    add(
        engine,
        "trailguard.iam.works_across_accounts",
        1,
        Box::new(|args: Vec<Value>| match args.first() {
            Some(Value::String(action)) => {
                Ok(Value::Bool(trailguard_iam::works_across_accounts(action)))
            }
            _ => anyhow::bail!("trailguard.iam.works_across_accounts takes an action, a string"),
        }),
    )?;
    // IAM's wildcard matching, the one implementation every policy uses (crate trailguard-iam).
    type Matcher = fn(&str, &str) -> bool;
    let matchers: [(&str, Matcher); 2] = [
        (
            "trailguard.iam.action_matches",
            trailguard_iam::action_matches,
        ),
        ("trailguard.iam.arn_matches", trailguard_iam::arn_matches),
    ];
    for (name, matches) in matchers {
        add(
            engine,
            name,
            2,
            Box::new(move |args: Vec<Value>| match (args.first(), args.get(1)) {
                (Some(Value::String(pattern)), Some(Value::String(text))) => {
                    Ok(Value::Bool(matches(pattern, text)))
                }
                _ => anyhow::bail!("{name} takes two strings: a pattern and a value"),
            }),
        )?;
    }
    // The builtins that answer from the snapshot's IAM index (see crate::iam).
    type Answer = fn(&crate::iam::IamIndexes, &[Value]) -> anyhow::Result<Value>;
    let from_index: [(&str, u8, Answer); 2] = [
        (
            "trailguard.iam.principals_that_can",
            3,
            crate::iam::IamIndexes::principals_that_can,
        ),
        ("trailguard.iam.holders", 2, crate::iam::IamIndexes::holders),
    ];
    for (name, nargs, answer) in from_index {
        let indexes = indexes.iam.clone();
        add(
            engine,
            name,
            nargs,
            Box::new(move |args: Vec<Value>| {
                answer(&indexes, &args).map_err(|e| anyhow::anyhow!("{name}: {e}"))
            }),
        )?;
    }
    let groups = indexes.trails_by.clone();
    add(
        engine,
        "trailguard.snapshot.trails_by",
        2,
        Box::new(move |args: Vec<Value>| {
            crate::trails_by::trails_by(&groups, &args)
                .map_err(|e| anyhow::anyhow!("trailguard.snapshot.trails_by: {e}"))
        }),
    )?;
    for &(name, nargs) in ZONED {
        let builtin = Builtin::new(name, nargs)?;
        add(
            engine,
            name,
            nargs,
            Box::new(move |args: Vec<Value>| {
                for arg in &args {
                    if let Value::Array(parts) = arg {
                        if let Some(Value::String(zone)) = parts.get(1) {
                            if !matches!(zone.as_ref(), "UTC" | "") {
                                anyhow::bail!(
                                    "time zone `{zone}` is not available to policies: only UTC \
                                     is (`Local` would read the scanner's TZ, and findings must \
                                     not depend on the machine that ran the scan)"
                                );
                            }
                        }
                    }
                }
                builtin.call(&args)
            }),
        )?;
    }
    crate::patterns::register(engine, indexes)
}

/// The number of values `numbers.range(a, b)` (or `_step` with `step`) would build.
fn span_of(args: &[Value], step: u64) -> anyhow::Result<u64> {
    let a = integer(args.first())?;
    let b = integer(args.get(1))?;
    Ok(a.abs_diff(b) / step + 1)
}

/// An integer argument; anything else goes to regorus's builtin, which reports it.
fn integer(value: Option<&Value>) -> anyhow::Result<i64> {
    match value {
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("operand must be an integer between -2^63 and 2^63")),
        Some(other) => anyhow::bail!("operand must be a number, got {other}"),
        None => anyhow::bail!("missing operand"),
    }
}

fn bounded(name: &str, count: u64) -> anyhow::Result<()> {
    if count > MAX_RANGE {
        anyhow::bail!(
            "{name} would build {count} numbers; a policy may build at most {MAX_RANGE} in one call"
        );
    }
    Ok(())
}

/// Refuses a `sprintf` format with a width or precision above [`MAX_FORMAT_WIDTH`]. Reads the
/// format as regorus does: after `%` (not `%%`), an optional `.` and then digits.
fn bounded_widths(format: &str) -> anyhow::Result<()> {
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        if chars.next_if_eq(&'%').is_some() {
            continue;
        }
        chars.next_if_eq(&'.');
        let mut width: u64 = 0;
        while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
            chars.next();
            width = width.saturating_mul(10).saturating_add(u64::from(digit));
        }
        if width > MAX_FORMAT_WIDTH {
            anyhow::bail!(
                "sprintf format asks for a field of {width} characters; a policy may format at \
                 most {MAX_FORMAT_WIDTH}"
            );
        }
    }
    Ok(())
}

/// A regorus builtin called directly, with a placeholder call site for its own error messages.
#[derive(Clone)]
struct Builtin {
    name: &'static str,
    span: Span,
    params: Vec<regorus::unstable::Ref<Expr>>,
}

impl Builtin {
    fn new(name: &'static str, nargs: u8) -> Result<Builtin, String> {
        let args: Vec<String> = (0..nargs).map(|i| format!("a{i}")).collect();
        let text = format!("f({})", args.join(", "));
        let source = Source::from_contents(format!("<{name}>"), text).map_err(|e| e.to_string())?;
        let call = Parser::new(&source)
            .and_then(|mut p| p.parse_expr())
            .map_err(|e| e.to_string())?;
        match &call {
            Expr::Call { span, params, .. } => Ok(Builtin {
                name,
                span: span.clone(),
                params: params.clone(),
            }),
            _ => Err(format!("cannot prepare the call of {name}")),
        }
    }

    fn call(&self, args: &[Value]) -> anyhow::Result<Value> {
        let Some((function, _)) = BUILTINS.get(self.name) else {
            anyhow::bail!("{} is not a builtin of this regorus", self.name);
        };
        function(&self.span, &self.params, args, true).map_err(|e| {
            // regorus's message points into the placeholder call; keep only what it says.
            let text = e.to_string();
            let message = text
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or(&text)
                .to_string();
            anyhow::anyhow!("{message}")
        })
    }
}

/// The answer of `trailguard.delivery.*`: each request, with its decision as
/// `trailguard.iam.decide` gives it.
fn deliveries_json(asked: &[trailguard_iam::delivery::Delivery]) -> serde_json::Value {
    asked
        .iter()
        .map(|d| {
            serde_json::json!({
                "action": d.action,
                "resource": d.resource,
                "path": d.path,
                "answer": trailguard_iam::decision_json(&d.decision),
                "refused_by_rcps": d.refused_by_rcps,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> Result<Value, String> {
        let mut engine = regorus::Engine::new();
        register(&mut engine, &crate::per_input::Indexes::default()).unwrap();
        engine
            .add_policy(
                "p.rego".into(),
                format!("package p\nimport rego.v1\nx := {query}\n"),
            )
            .unwrap();
        engine
            .eval_rule("data.p.x".into())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn trailguard_outsiders_answer_through_regorus_and_name_what_is_wrong() {
        let who = eval(
            r#"trailguard.iam.outsiders({"Principal": {"AWS": ["222222222222", "333333333333"]}}, "111111111111", ["333333333333"])"#,
        )
        .unwrap();
        let expected: std::collections::BTreeSet<Value> =
            [Value::from("account 222222222222")].into();
        assert_eq!(who, Value::from(expected));
        let open = eval(
            r#"trailguard.iam.open_statements({"Statement": {"Effect": "Allow", "Principal": "*"}}, "111111111111", [])"#,
        )
        .unwrap();
        assert_eq!(open[0]["index"], Value::from(0_u64));
        assert_eq!(open[0]["statement"]["Principal"], Value::from("*"));
        for (query, expected) in [
            (
                r#"trailguard.iam.outsiders({"Principal": {"AWS": [1]}}, "111111111111", [])"#,
                "trailguard.iam.outsiders: Principal.AWS entries must be strings, not a number",
            ),
            (
                r#"trailguard.iam.open_statements({"Statement": [{"Effect": "Allow", "Principal": {"AWS": true}}]}, "111111111111", [])"#,
                "trailguard.iam.open_statements: Statement[0]: Principal.AWS entries must be strings",
            ),
            (
                r#"trailguard.iam.open_statements({}, 111111111111, [])"#,
                "takes three arguments",
            ),
            (
                r#"trailguard.iam.outsiders({}, "111111111111", "222222222222")"#,
                "the trusted account ids must be a list of strings",
            ),
            (
                r#"trailguard.iam.outsiders({}, "111111111111", [2])"#,
                "the trusted account ids must be strings, not 2",
            ),
        ] {
            let error = eval(query).unwrap_err();
            assert!(error.contains(expected), "{query}: {error}");
        }
    }

    #[test]
    fn trailguard_delivery_answers_from_the_input_and_names_what_is_missing() {
        let input = r#"{"trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/t":
                {"AccountId": "111111111111", "HomeRegion": "us-east-1"}},
            "buckets": {"logs": {"Policy": null}}}"#;
        let asked = eval(&format!(
            r#"trailguard.delivery.to_bucket({input}, "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "logs")"#
        ))
        .unwrap();
        assert_eq!(asked[0]["action"], Value::from("s3:GetBucketAcl"));
        assert_eq!(asked[0]["path"], Value::Null);
        assert_eq!(asked[1]["path"], Value::from("AWSLogs/111111111111/"));
        assert_eq!(asked[1]["answer"]["decision"], Value::from("implicit_deny"));
        let error = eval(&format!(
            r#"trailguard.delivery.to_key({input}, "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "k")"#
        ))
        .unwrap_err();
        assert!(
            error.contains("trailguard.delivery.to_key: kms_keys.k: is not in the snapshot"),
            "{error}"
        );
        let error = eval(r#"trailguard.delivery.to_bucket({}, 1, "logs")"#).unwrap_err();
        assert!(error.contains("takes three arguments"), "{error}");
        let objects = eval(&format!(
            r#"trailguard.delivery.log_objects({input}, "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "logs")"#
        ))
        .unwrap();
        assert!(objects[0]
            .as_string()
            .unwrap()
            .starts_with("arn:aws:s3:::logs/AWSLogs/111111111111/CloudTrail/us-east-1/"));
        let error = eval(&format!(
            r#"trailguard.delivery.log_objects({input}, "arn:aws:cloudtrail:us-east-1:1:trail/x", "logs")"#
        ))
        .unwrap_err();
        assert!(
            error.contains("trailguard.delivery.log_objects: trails.arn:aws:cloudtrail:us-east-1:1:trail/x: is not in the snapshot"),
            "{error}"
        );
        let error = eval(r#"trailguard.delivery.log_objects({}, "t", 1)"#).unwrap_err();
        assert!(error.contains("takes three arguments"), "{error}");
        let context = eval(&format!(
            r#"trailguard.delivery.context({input}, "arn:aws:cloudtrail:us-east-1:111111111111:trail/t")"#
        ))
        .unwrap();
        assert_eq!(
            context["aws:SourceArn"],
            Value::from("arn:aws:cloudtrail:us-east-1:111111111111:trail/t")
        );
        assert_eq!(context["aws:SourceAccount"], Value::from("111111111111"));
        assert_eq!(context["aws:PrincipalOrgID"], Value::Null);
        // The account's organisation was not read: aws:SourceOrgID is unknown, left out.
        assert_eq!(context["aws:SourceOrgID"], Value::Undefined);
        let error = eval(&format!(
            r#"trailguard.delivery.context({input}, "arn:aws:cloudtrail:us-east-1:1:trail/x")"#
        ))
        .unwrap_err();
        assert!(
            error.contains("trailguard.delivery.context: trails.arn:aws:cloudtrail:us-east-1:1:trail/x: is not in the snapshot"),
            "{error}"
        );
    }

    #[test]
    fn numbers_range_is_bounded_and_otherwise_unchanged() {
        assert_eq!(
            eval("numbers.range(1, 3)").unwrap(),
            Value::from_json_str("[1,2,3]").unwrap()
        );
        assert_eq!(
            eval("numbers.range(3, 1)").unwrap(),
            Value::from_json_str("[3,2,1]").unwrap()
        );
        assert_eq!(
            eval("numbers.range_step(0, 10, 5)").unwrap(),
            Value::from_json_str("[0,5,10]").unwrap()
        );
        let error = eval("numbers.range(0, 1e12)").unwrap_err();
        assert!(error.contains("p.rego:3:19"), "{error}");
        assert!(
            error.contains("would build 1000000000001 numbers"),
            "{error}"
        );
        assert!(eval("numbers.range_step(0, 1e12, 1)").is_err());
        assert!(eval("numbers.range(0, 999999)").is_ok());
    }

    #[test]
    fn sprintf_of_a_four_billion_wide_field_is_refused_not_built() {
        // Regression: regorus built the whole padded string before the memory ceiling saw it.
        assert_eq!(
            eval(r#"sprintf("%05d|%.2f|%s|100%%", [42, 1.5, "x"])"#).unwrap(),
            Value::from("00042|1.50|x|100%")
        );
        assert_eq!(
            eval(r#"sprintf("%010000d", [1])"#)
                .unwrap()
                .as_string()
                .unwrap()
                .len(),
            10_000
        );
        for format in [
            "%04000000000d",
            "%.10001f",
            "%99999999999999999999999s",
            "%%%10001d",
        ] {
            let error = eval(&format!("sprintf(\"{format}\", [1])")).unwrap_err();
            assert!(error.contains("p.rego:3:13"), "{format}: {error}");
            assert!(
                error.contains("a policy may format at most 10000"),
                "{format}: {error}"
            );
        }
        // `%%` is a literal percent sign, not the start of a width.
        assert!(eval(r#"sprintf("%%99999999", [])"#).is_ok());
    }

    #[test]
    fn trailguard_iam_decide_answers_and_names_a_malformed_question() {
        let answer = eval(
            r#"trailguard.iam.decide({
                "principal": {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"},
                "action": "cloudtrail:StopLogging",
                "resource": "arn:aws:cloudtrail:us-east-1:222222222222:trail/org",
                "identity": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                "scps": [[{"name": "protect-trail", "document": {"Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Sid": "NoStop", "Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}]}}]]
            })"#,
        )
        .unwrap();
        assert_eq!(answer["decision"], Value::from("deny"));
        assert_eq!(
            answer["denied_by"],
            Value::from_json_str(
                r#"[{"policy": "protect-trail", "statement": 1, "sid": "NoStop"}]"#
            )
            .unwrap()
        );
        let error = eval(r#"trailguard.iam.decide({"action": "s3:GetObject"})"#).unwrap_err();
        assert!(error.contains("p.rego:3:27"), "{error}");
        assert!(
            error.contains("trailguard.iam.decide: principal: is required"),
            "{error}"
        );
    }

    #[test]
    fn trailguard_iam_decide_in_takes_the_control_policies_from_the_input() {
        let question = r#"{
            "principal": {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"},
            "action": "cloudtrail:StopLogging",
            "resource": "arn:aws:cloudtrail:us-east-1:222222222222:trail/org",
            "identity": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
        }"#;
        // In no organisation: nothing binds it. Its organisation unread: an SCP may.
        let none = r#"{"accounts": {"222222222222": {"Organization": null}}}"#;
        let answer = eval(&format!("trailguard.iam.decide_in({none}, {question})")).unwrap();
        assert_eq!(answer["decision"], Value::from("allow"));
        assert_eq!(answer["unless"], Value::from_json_str("[]").unwrap());
        let answer = eval(&format!("trailguard.iam.decide_in({{}}, {question})")).unwrap();
        assert_eq!(
            answer["unless"],
            Value::from_json_str(r#"["a service control policy"]"#).unwrap()
        );
        // The input's errors are the builtin's, named.
        let broken = r#"{"accounts": {"222222222222": {"Organization": {"Id": 1}}}}"#;
        let error = eval(&format!("trailguard.iam.decide_in({broken}, {question})")).unwrap_err();
        assert!(
            error.contains("trailguard.iam.decide_in: accounts.222222222222.Organization"),
            "{error}"
        );
        let error = eval("trailguard.iam.decide_in({}, 1)").unwrap_err();
        assert!(
            error.contains("trailguard.iam.decide_in: question: must be an object"),
            "{error}"
        );
    }

    #[test]
    fn time_functions_take_utc_only() {
        assert_eq!(
            eval("time.clock(0)").unwrap(),
            Value::from_json_str("[0,0,0]").unwrap()
        );
        assert_eq!(
            eval("time.date([0, \"UTC\"])").unwrap(),
            Value::from_json_str("[1970,1,1]").unwrap()
        );
        let error = eval("time.clock([0, \"Local\"])").unwrap_err();
        assert!(
            error.contains("time zone `Local` is not available"),
            "{error}"
        );
        assert!(eval("time.weekday([0, \"Europe/Paris\"])").is_err());
        // regorus's own errors still come through, with their message.
        let error = eval("time.clock(\"x\")").unwrap_err();
        assert!(error.contains("p.rego:3:16"), "{error}");
        assert!(error.contains("expects `ns` to be a `number`"), "{error}");
    }
}

//! `trailguard.monitoring.coverage(input, events)`: in which accounts a set of CloudTrail events
//! reaches no one, and which link breaks (crate `trailguard-monitoring`).
//!
//! - `input`: the snapshot;
//! - `events`: the CloudTrail records a control exists to catch (each with string `eventID`,
//!   `eventName`, `eventSource`, `eventTime`, `awsRegion` and `recipientAccountId`).
//!
//! The answer is `{ACCOUNT: {"uncovered": [{"events": [0, 2], "why": "...", "said": "..."}],
//! "unjudged": [...]}}` for the accounts where some event is uncovered or unjudged; `why` says
//! `{it}` where the events are meant, `said` is the group in words with the events' names and
//! ids. Which trails deliver to CloudWatch Logs, and what their log groups'
//! filters and alarms are, is read once per input ([`crate::per_input`]), for every control that
//! asks. Judging the chains in Rego cost 0.3–1 s
//! per control on a 2,000-account organisation.

use crate::deny::kind;
use crate::input::answer_value;
use crate::per_input::{Indexes, PerInput};
use regorus::Value;
use std::sync::Arc;
use trailguard_monitoring::{coverage, Chains, ConfigProblems};
use trailguard_patterns::PatternCache;

const NAME: &str = "trailguard.monitoring.coverage";

/// The chains of `input`, built on first use.
pub(crate) fn chains(
    chains: &PerInput<Chains>,
    cache: &PatternCache,
    input: &Value,
) -> anyhow::Result<Arc<Chains>> {
    chains.get(input, |input| Ok(Chains::of(input, cache)))
}

/// What is wrong with AWS Config in `input`, judged on first use.
pub(crate) fn problems(problems: &PerInput<Value>, input: &Value) -> anyhow::Result<Arc<Value>> {
    problems.get(input, |input| {
        answer_value(&ConfigProblems::of(input).to_json())
    })
}

fn answer(
    cache: &PatternCache,
    chains: &PerInput<Chains>,
    args: &[Value],
) -> anyhow::Result<Value> {
    let [input, events] = args else {
        anyhow::bail!("takes two arguments: input and the events");
    };
    let Value::Array(events) = events else {
        anyhow::bail!("the events are a list, not {}", kind(events));
    };
    let events = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::to_value(e)
                .map_err(|error| anyhow::anyhow!("event {i} cannot be read as JSON: {error}"))
        })
        .collect::<anyhow::Result<Vec<serde_json::Value>>>()?;
    let chains = self::chains(chains, cache, input)?;
    let gaps = coverage(input, &events, &chains, cache)?;
    let answer: serde_json::Map<String, serde_json::Value> = gaps
        .into_iter()
        .map(|(account, gaps)| (account, gaps.to_json(&events)))
        .collect();
    answer_value(&answer)
}

/// `trailguard.config.problems(input)`: what is wrong with AWS Config in each account,
/// judged once per input for TG120–TG122: `{"not_recording": {ACCOUNT: ["eu-west-1 (recorder
/// default is stopped)"]}, "scope": {ACCOUNT: ["records global IAM resource types in no
/// region"]}, "delivery": {ACCOUNT: ["eu-west-1: no delivery channel"]}}`.
fn config(problems: &PerInput<Value>, args: &[Value]) -> anyhow::Result<Value> {
    let [input] = args else {
        anyhow::bail!("takes one argument: input");
    };
    Ok(Value::clone(&*self::problems(problems, input)?))
}

/// Registers the builtins on `engine`, keeping what they build per input in `indexes`.
pub(crate) fn register(engine: &mut regorus::Engine, indexes: &Indexes) -> Result<(), String> {
    let chains = indexes.chains.clone();
    let cache = Arc::clone(&indexes.patterns);
    engine
        .add_extension(
            NAME.to_string(),
            2,
            Box::new(move |args: Vec<Value>| {
                answer(&cache, &chains, &args).map_err(|e| anyhow::anyhow!("{NAME}: {e}"))
            }),
        )
        .map_err(|e| format!("cannot register {NAME}: {e}"))?;
    const CONFIG: &str = "trailguard.config.problems";
    let problems = indexes.config.clone();
    engine
        .add_extension(
            CONFIG.to_string(),
            1,
            Box::new(move |args: Vec<Value>| {
                config(&problems, &args).map_err(|e| anyhow::anyhow!("{CONFIG}: {e}"))
            }),
        )
        .map_err(|e| format!("cannot register {CONFIG}: {e}"))
}

//! Parsing `--fail-on`: clap's enum parser, except that a mistyped value is never answered with
//! "a similar value exists: 'never'". `never` turns the gate off; a typo in a CI workflow
//! (`--fail-on nevr`, meant or not) must not be steered there. The suggestion is chosen among the
//! thresholds that gate, by the same measure clap uses (Jaro similarity above 0.7); every value,
//! `never` included, is still listed as possible and documented in `--help`.

use crate::cli::FailOn;
use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::ValueEnum;
use std::ffi::OsStr;

/// The similarity above which clap suggests a value, kept for the same feel.
const SIMILAR: f64 = 0.7;

/// The `value_parser` of every `--fail-on`.
#[derive(Debug, Clone, Copy)]
pub struct FailOnParser;

impl TypedValueParser for FailOnParser {
    type Value = FailOn;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<FailOn, clap::Error> {
        let text = value.to_string_lossy();
        if let Some(found) = FailOn::value_variants().iter().find(|v| {
            v.to_possible_value()
                .is_some_and(|p| value.to_str().is_some_and(|s| p.matches(s, false)))
        }) {
            return Ok(*found);
        }
        let mut error = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
        let arg = arg.map_or_else(|| "--fail-on".to_string(), ToString::to_string);
        error.insert(ContextKind::InvalidArg, ContextValue::String(arg));
        error.insert(
            ContextKind::InvalidValue,
            ContextValue::String(text.to_string()),
        );
        error.insert(
            ContextKind::ValidValue,
            ContextValue::Strings(names(FailOn::value_variants())),
        );
        if let Some(suggestion) = suggestion(&text) {
            error.insert(
                ContextKind::SuggestedValue,
                ContextValue::String(suggestion),
            );
        }
        Err(error)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            FailOn::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// The command-line names of `values`.
fn names(values: &[FailOn]) -> Vec<String> {
    values
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|p| p.get_name().to_string())
        .collect()
}

/// The threshold `typed` most likely meant, if one is similar enough; never `never`.
fn suggestion(typed: &str) -> Option<String> {
    let gating: Vec<FailOn> = FailOn::value_variants()
        .iter()
        .copied()
        .filter(|v| *v != FailOn::Never)
        .collect();
    names(&gating)
        .into_iter()
        .map(|name| (strsim::jaro(typed, &name), name))
        .filter(|(similarity, _)| *similarity > SIMILAR)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_steered_to_a_gating_threshold_never_to_never() {
        for (typed, meant) in [
            ("hihg", Some("high")),
            ("hi", Some("high")),
            ("meduim", Some("medium")),
            ("crit", Some("critical")),
            ("lowe", Some("low")),
            ("nevr", None),
            ("neve", None),
            ("n", None),
            ("off", None),
            ("", None),
        ] {
            assert_eq!(suggestion(typed).as_deref(), meant, "{typed}");
        }
    }
}

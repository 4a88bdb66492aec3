//! Each run's `tool.driver`, rendered once for all the runs that share it.
//!
//! GitHub reads a rule's descriptor from the run its results are in, so every run carries the
//! descriptor of every rule that ran (SPEC section 6): about 4 KB each, with the help text. With
//! one run per account, an organisation of 2,000 accounts repeats them 2,000 times, and cloning
//! and serialising them run by run was most of the SARIF's cost.
//!
//! Runs that grade their rules alike (see `run_driver` in the parent) share one driver. Each run
//! is built with a stand-in driver that names its driver's number; once a document is
//! serialised, every stand-in is replaced by its driver's JSON, rendered once, indented for the
//! depth a driver sits at. The tests check that the result is, byte for byte, what serialising
//! the runs with their drivers in place gives.

use crate::{Format, ReportError};
use serde_sarif::sarif::{ReportingDescriptor, ToolComponent};
use std::collections::BTreeMap;
use trailguard_engine::Severity;

/// What a stand-in driver is named: the prefix, then its driver's number. The control
/// character keeps it apart from any tool's name.
const STAND_IN: &str = "\u{1}trailguard-driver-";

/// How a stand-in's name starts in the serialised document, from the `{` of its driver object.
/// The line break and indentation (a driver sits at depth 4: document, `runs`, run, `tool`) can
/// only be the document's structure: a line break inside a JSON string is written `\n`.
const NEEDLE: &str = "{\n          \"name\": \"\\u0001trailguard-driver-";

/// How a stand-in driver object ends after its number.
const NEEDLE_END: &str = "\"\n        }";

/// What precedes each line of a driver rendered on its own, to sit at depth 4.
const INDENT: &str = "        ";

/// The distinct drivers of an evaluation's runs: the catalogue's, and one per other grading.
pub(super) struct Drivers {
    /// Driver 0: the catalogue's own.
    base: ToolComponent,
    /// Drivers 1, 2, ...: the base with other severities.
    graded: Vec<ToolComponent>,
    /// The number of the driver for each grading (descriptor index and severity, sorted).
    by_grading: BTreeMap<Vec<(usize, Severity)>, usize>,
}

impl Drivers {
    /// The drivers of runs whose rules are graded as `base` grades them, so far.
    pub(super) fn new(base: ToolComponent) -> Drivers {
        Drivers {
            base,
            graded: Vec::new(),
            by_grading: BTreeMap::from([(Vec::new(), 0)]),
        }
    }

    /// The stand-in for the driver whose descriptors at the indexes `grading` names are
    /// `graded(index, severity)` instead of the catalogue's (none: the catalogue's driver).
    pub(super) fn stand_in(
        &mut self,
        grading: Vec<(usize, Severity)>,
        graded: impl Fn(usize, Severity) -> Option<ReportingDescriptor>,
    ) -> ToolComponent {
        let number = match self.by_grading.get(&grading) {
            Some(&number) => number,
            None => {
                let mut driver = self.base.clone();
                if let Some(descriptors) = driver.rules.as_mut() {
                    for &(i, severity) in &grading {
                        if let (Some(descriptor), Some(new)) =
                            (descriptors.get_mut(i), graded(i, severity))
                        {
                            *descriptor = new;
                        }
                    }
                }
                self.graded.push(driver);
                let number = self.graded.len();
                self.by_grading.insert(grading, number);
                number
            }
        };
        ToolComponent::builder()
            .name(format!("{STAND_IN}{number}"))
            .build()
    }

    /// Each driver's JSON, indented to replace a stand-in.
    pub(super) fn render(&self) -> Result<Rendered, ReportError> {
        let texts = std::iter::once(&self.base)
            .chain(&self.graded)
            .map(|driver| {
                serde_json::to_string_pretty(driver)
                    .map(|text| text.replace('\n', &format!("\n{INDENT}")))
                    .map_err(|source| ReportError::Serialize {
                        format: Format::Sarif,
                        source,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Rendered { texts })
    }

    /// The driver a stand-in stands for (for the tests' reference rendering).
    #[cfg(test)]
    pub(super) fn resolve(&self, stand_in: &ToolComponent) -> Option<ToolComponent> {
        match stand_in
            .name
            .strip_prefix(STAND_IN)?
            .parse::<usize>()
            .ok()?
        {
            0 => Some(self.base.clone()),
            n => self.graded.get(n - 1).cloned(),
        }
    }
}

/// The drivers' JSON, ready to put in place of their stand-ins.
pub(super) struct Rendered {
    texts: Vec<String>,
}

impl Rendered {
    /// `document` with each of its `runs` stand-ins replaced by its driver. A stand-in not found
    /// where a run's driver is, or naming no driver, is an error: a run must never be written
    /// without its rules.
    pub(super) fn substitute(&self, document: &str, runs: usize) -> Result<String, ReportError> {
        let broken = |what: String| ReportError::Serialize {
            format: Format::Sarif,
            source: serde::ser::Error::custom(what),
        };
        let mut out = String::with_capacity(
            document.len() + runs * self.texts.first().map_or(0, String::len),
        );
        let mut rest = document;
        let mut replaced = 0;
        while let Some(at) = rest.find(NEEDLE) {
            let after = &rest[at + NEEDLE.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let text = after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|number| self.texts.get(number))
                .filter(|_| after[digits..].starts_with(NEEDLE_END))
                .ok_or_else(|| broken(format!("run {} has a malformed driver", replaced + 1)))?;
            out.push_str(&rest[..at]);
            out.push_str(text);
            rest = &after[digits + NEEDLE_END.len()..];
            replaced += 1;
        }
        out.push_str(rest);
        if replaced != runs {
            return Err(broken(format!(
                "{replaced} of the {runs} runs' drivers were put in place"
            )));
        }
        Ok(out)
    }
}

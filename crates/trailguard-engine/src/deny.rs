//! Turning a rule's `deny` set into findings, checking its shape.

use crate::{EngineError, Finding, RuleMeta};
use regorus::Value;
use std::collections::BTreeMap;

/// Most severe first, then rule id, resource, message: a stable order for every report.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Checks that `deny` is a set of objects with string `resource` and `message`, and turns it into
/// findings.
pub(crate) fn findings_from(meta: &RuleMeta, value: &Value) -> Result<Vec<Finding>, EngineError> {
    let bad = |message: String| EngineError::BadOutput {
        rule: meta.id.clone(),
        source_path: meta.source.clone(),
        message,
    };
    let set = match value {
        Value::Undefined => return Ok(Vec::new()),
        Value::Set(set) => set,
        other => {
            return Err(bad(format!(
                "`deny` must be a set of objects (write `deny contains {{\"resource\": ..., \"message\": ...}} if {{ ... }}`), but it is {}",
                describe(other)
            )))
        }
    };
    let mut out = Vec::with_capacity(set.len());
    for element in set.iter() {
        let Value::Object(object) = element else {
            return Err(bad(format!(
                "every member of `deny` must be an object with `resource` and `message`, but one is {}",
                describe(element)
            )));
        };
        let take = |key: &str| match object.get(&Value::from(key)) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.to_string()),
            Some(other) => Err(bad(format!(
                "`{key}` of a `deny` member must be a non-empty string, but it is {}",
                describe(other)
            ))),
            None => Err(bad(format!(
                "a `deny` member has no `{key}`: {}",
                describe(element)
            ))),
        };
        let resource = take("resource")?;
        let message = take("message")?;
        let severity =
            crate::finding::finding_severity(meta.severity, object.get(&Value::from("severity")))
                .map_err(bad)?;
        let mut properties = BTreeMap::new();
        for (key, value) in object.iter() {
            let Value::String(key) = key else {
                return Err(bad(format!(
                    "the keys of a `deny` member must be strings: {}",
                    describe(element)
                )));
            };
            if matches!(&**key, "resource" | "message" | "severity") {
                continue;
            }
            let json = value
                .to_json_str()
                .map_err(|e| e.to_string())
                .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string()))
                .map_err(|e| {
                    bad(format!(
                        "`{key}` of a `deny` member cannot be turned into JSON ({e}): {}",
                        describe(element)
                    ))
                })?;
            properties.insert(key.to_string(), json);
        }
        out.push(Finding {
            rule_id: meta.id.clone(),
            severity,
            resource,
            message,
            properties,
            location: None,
            account: None,
        });
    }
    Ok(out)
}

/// What a value is, for messages: `a string`, `an array`, ...
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Set(_) => "a set",
        Value::Object(_) => "an object",
        Value::Undefined => "undefined",
    }
}

fn describe(value: &Value) -> String {
    let kind = kind(value);
    // Only for an error message: a value that has no JSON text is described by its kind alone.
    let mut text = value
        .to_json_str()
        .unwrap_or_else(|_| "(no JSON form)".to_string());
    if text.len() > 120 {
        let mut cut = 117;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    format!("{kind}: {text}")
}

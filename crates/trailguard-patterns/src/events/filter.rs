//! The filters of an event pattern's list: exact values, and the operator objects.
//!
//! | filter | matches |
//! |---|---|
//! | `"text"`, `5`, `true`, `null` | that value exactly (numbers by value) |
//! | `{"prefix": "s"}`, `{"suffix": "s"}` | a string starting / ending with `s` |
//! | `{"prefix": {"equals-ignore-case": "s"}}` (and suffix) | the same, ignoring case |
//! | `{"equals-ignore-case": "s"}` | a string equal to `s`, ignoring case |
//! | `{"wildcard": "a*b"}` | a string matching, `*` any run, `\*` a star |
//! | `{"anything-but": x}` | a present value not matching `x`: a value, a list of values, or a `prefix`, `suffix`, `wildcard` or `equals-ignore-case` object |
//! | `{"numeric": [">", 0, "<=", 5]}` | a number in the range |
//! | `{"exists": true/false}` | a present (non-object) value / an absent one |
//! | `{"cidr": "10.0.0.0/24"}` | an IP address (v4 or v6) in the block |

use super::{error, EventPatternError};
use crate::wildcard::Wildcard;
use std::net::IpAddr;
use trailguard_json::{Json, Kind};

/// The filter operators: none of them may be a field name inside `$or`.
pub(super) const OPERATORS: &[&str] = &[
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
    "exactly",
];

/// An exact scalar.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

/// A string test, as `prefix`, `suffix`, `equals-ignore-case` and `wildcard` make.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Text {
    Prefix(String),
    PrefixIgnoreCase(String),
    Suffix(String),
    SuffixIgnoreCase(String),
    EqualsIgnoreCase(String),
    Wildcard(Wildcard),
}

impl Text {
    fn matches(&self, s: &str) -> bool {
        match self {
            Text::Prefix(p) => s.starts_with(p.as_str()),
            Text::Suffix(p) => s.ends_with(p.as_str()),
            Text::PrefixIgnoreCase(p) => lower(s).starts_with(p.as_str()),
            Text::SuffixIgnoreCase(p) => lower(s).ends_with(p.as_str()),
            Text::EqualsIgnoreCase(p) => lower(s) == *p,
            Text::Wildcard(w) => w.matches(s),
        }
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// One filter of a list.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Filter {
    Exact(Scalar),
    Text(Text),
    /// Matches a present value that none of these match.
    AnythingBut(Vec<Filter>),
    Numeric(Vec<(Cmp, f64)>),
    Exists(bool),
    Cidr(Cidr),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// An IP address block.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cidr {
    network: IpAddr,
    bits: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (address, bits) = text.split_once('/')?;
        let bits = bits.parse::<u8>().ok()?;
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        (bits <= max).then_some(Cidr { network, bits })
    }

    fn contains(&self, text: &str) -> bool {
        let Ok(address) = text.parse::<IpAddr>() else {
            return false;
        };
        let (a, n, width) = match (address, self.network) {
            (IpAddr::V4(a), IpAddr::V4(n)) => {
                (u128::from(u32::from(a)), u128::from(u32::from(n)), 32)
            }
            (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
            _ => return false,
        };
        let shift = width - u32::from(self.bits);
        if shift >= 128 {
            return true;
        }
        (a >> shift) == (n >> shift)
    }
}

impl Filter {
    /// Reads one item of a pattern's list.
    pub(super) fn parse<J: Json>(item: &J, path: &str) -> Result<Filter, EventPatternError> {
        match item.kind() {
            Kind::Null => Ok(Filter::Exact(Scalar::Null)),
            Kind::Bool(b) => Ok(Filter::Exact(Scalar::Bool(b))),
            Kind::Number(text) => Ok(Filter::Exact(Scalar::Number(number(&text, path)?))),
            Kind::String(s) => Ok(Filter::Exact(Scalar::String(s.to_string()))),
            Kind::Object => {
                let mut entries = item.entries();
                let (Some((operator, operand)), None) = (entries.next(), entries.next()) else {
                    return Err(error(path, "a filter object holds exactly one operator"));
                };
                let here = format!("{path}.{operator}");
                operator_filter(operator, operand, &here)
            }
            Kind::Array | Kind::Other => Err(error(
                path,
                format!(
                    "a filter is a value or an operator object, not {}",
                    item.describe()
                ),
            )),
        }
    }

    fn matches_scalar<J: Json>(&self, value: &J) -> bool {
        let kind = value.kind();
        match self {
            Filter::Exact(expected) => match (expected, &kind) {
                (Scalar::Null, Kind::Null) => true,
                (Scalar::Bool(a), Kind::Bool(b)) => a == b,
                (Scalar::Number(a), Kind::Number(text)) => text.parse::<f64>().ok() == Some(*a),
                (Scalar::String(a), Kind::String(b)) => a == b,
                _ => false,
            },
            Filter::Text(text) => match kind {
                Kind::String(s) => text.matches(s),
                _ => false,
            },
            Filter::AnythingBut(excluded) => {
                matches!(
                    kind,
                    Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::String(_)
                ) && !excluded.iter().any(|f| f.matches_scalar(value))
            }
            Filter::Numeric(bounds) => match kind {
                Kind::Number(text) => text.parse::<f64>().is_ok_and(|n| {
                    bounds.iter().all(|(cmp, bound)| match cmp {
                        Cmp::Eq => n == *bound,
                        Cmp::Lt => n < *bound,
                        Cmp::Le => n <= *bound,
                        Cmp::Gt => n > *bound,
                        Cmp::Ge => n >= *bound,
                    })
                }),
                _ => false,
            },
            Filter::Exists(wanted) => *wanted,
            Filter::Cidr(cidr) => match kind {
                Kind::String(s) => cidr.contains(s),
                _ => false,
            },
        }
    }
}

/// Whether any of `filters` matches `value` (the event's value at the field, absent if `None`).
///
/// Filters apply to leaf values: a list is matched element by element (lists of lists
/// flattened). Where there is no leaf value (the field is absent, holds an object, or an empty
/// list) only `{"exists": false}` matches: "exists match only works on the leaf nodes".
pub(super) fn any_matches<J: Json>(filters: &[Filter], value: Option<&J>) -> bool {
    let mut leaves = Vec::new();
    if let Some(v) = value {
        collect_leaves(v, &mut leaves);
    }
    if leaves.is_empty() {
        return filters.iter().any(|f| matches!(f, Filter::Exists(false)));
    }
    leaves
        .iter()
        .any(|leaf| filters.iter().any(|f| f.matches_scalar(*leaf)))
}

fn collect_leaves<'a, J: Json>(value: &'a J, leaves: &mut Vec<&'a J>) {
    match value.kind() {
        Kind::Array => {
            for item in value.items() {
                collect_leaves(item, leaves);
            }
        }
        Kind::Object | Kind::Other => {}
        _ => leaves.push(value),
    }
}

fn number(text: &str, path: &str) -> Result<f64, EventPatternError> {
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| {
            error(
                path,
                format!("{text} is not a number EventBridge can compare"),
            )
        })
}

fn string<'a, J: Json>(
    operand: &'a J,
    path: &str,
    what: &str,
) -> Result<&'a str, EventPatternError> {
    operand.as_text().ok_or_else(|| {
        error(
            path,
            format!("{what} takes a string, not {}", operand.describe()),
        )
    })
}

fn operator_filter<J: Json>(
    operator: &str,
    operand: &J,
    path: &str,
) -> Result<Filter, EventPatternError> {
    match operator {
        "prefix" | "suffix" => {
            let ignore_case = operand.kind() == Kind::Object;
            let text = if ignore_case {
                let mut entries = operand.entries();
                match (entries.next(), entries.next()) {
                    (Some(("equals-ignore-case", s)), None) => lower(string(
                        s,
                        &format!("{path}.equals-ignore-case"),
                        "equals-ignore-case",
                    )?),
                    _ => {
                        return Err(error(
                            path,
                            format!(
                                "`{operator}` takes a string or {{\"equals-ignore-case\": string}}"
                            ),
                        ))
                    }
                }
            } else {
                string(operand, path, operator)?.to_string()
            };
            Ok(Filter::Text(match (operator, ignore_case) {
                ("prefix", false) => Text::Prefix(text),
                ("prefix", true) => Text::PrefixIgnoreCase(text),
                (_, false) => Text::Suffix(text),
                (_, true) => Text::SuffixIgnoreCase(text),
            }))
        }
        "equals-ignore-case" => Ok(Filter::Text(Text::EqualsIgnoreCase(lower(string(
            operand, path, operator,
        )?)))),
        "wildcard" => {
            let text = string(operand, path, operator)?;
            check_wildcard(text).map_err(|message| error(path, message))?;
            Ok(Filter::Text(Text::Wildcard(Wildcard::anywhere(text))))
        }
        "exists" => match operand.kind() {
            Kind::Bool(b) => Ok(Filter::Exists(b)),
            _ => Err(error(path, "`exists` takes true or false")),
        },
        "cidr" => {
            let text = string(operand, path, operator)?;
            Cidr::parse(text).map(Filter::Cidr).ok_or_else(|| {
                error(
                    path,
                    format!("{text:?} is not an IP address block (`10.0.0.0/24`, `2001:db8::/32`)"),
                )
            })
        }
        "numeric" => numeric(operand, path),
        "anything-but" => anything_but(operand, path),
        other => Err(error(
            path,
            format!(
                "`{other}` is not an EventBridge filter (prefix, suffix, equals-ignore-case, \
                 wildcard, anything-but, numeric, exists, cidr)"
            ),
        )),
    }
}

/// EventBridge's rules for a `wildcard` value: no `**`, and `\` only before `*` or `\`.
fn check_wildcard(text: &str) -> Result<(), String> {
    let mut chars = text.chars().enumerate().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '*' if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                return Err(format!("consecutive wildcard characters at position {at}"))
            }
            '\\' => match chars.next() {
                Some((_, '*' | '\\')) => {}
                _ => return Err(format!("invalid escape character at position {at}")),
            },
            _ => {}
        }
    }
    Ok(())
}

fn numeric<J: Json>(operand: &J, path: &str) -> Result<Filter, EventPatternError> {
    if operand.kind() != Kind::Array {
        return Err(error(path, "`numeric` takes a list: [\">\", 0, \"<=\", 5]"));
    }
    let items: Vec<&J> = operand.items().collect();
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err(error(
            path,
            "`numeric` takes one or two (operator, number) pairs: [\">\", 0, \"<=\", 5]",
        ));
    }
    let mut bounds = Vec::new();
    for pair in items.chunks(2) {
        let [op, bound] = pair else {
            return Err(error(path, "`numeric` takes (operator, number) pairs"));
        };
        let cmp = match op.as_text() {
            Some("=") => Cmp::Eq,
            Some("<") => Cmp::Lt,
            Some("<=") => Cmp::Le,
            Some(">") => Cmp::Gt,
            Some(">=") => Cmp::Ge,
            _ => {
                return Err(error(
                    path,
                    format!("{} is not a numeric operator (=, <, <=, >, >=)", op.text()),
                ))
            }
        };
        let Kind::Number(text) = bound.kind() else {
            return Err(error(path, format!("{} is not a number", bound.text())));
        };
        bounds.push((cmp, number(&text, path)?));
    }
    if let [(first, _), (second, _)] = bounds.as_slice() {
        let lower = matches!(first, Cmp::Gt | Cmp::Ge);
        let upper = matches!(second, Cmp::Lt | Cmp::Le);
        if !(lower && upper) {
            return Err(error(
                path,
                "a two-sided `numeric` range is a lower bound (> or >=) then an upper (< or <=)",
            ));
        }
    }
    Ok(Filter::Numeric(bounds))
}

fn anything_but<J: Json>(operand: &J, path: &str) -> Result<Filter, EventPatternError> {
    let excluded =
        match operand.kind() {
            Kind::String(_) | Kind::Number(_) => vec![Filter::parse(operand, path)?],
            Kind::Array => {
                let items: Vec<&J> = operand.items().collect();
                let strings = items.iter().all(|i| matches!(i.kind(), Kind::String(_)));
                let numbers = items.iter().all(|i| matches!(i.kind(), Kind::Number(_)));
                if items.is_empty() || !(strings || numbers) {
                    return Err(error(
                        path,
                        "an `anything-but` list holds strings only or numbers only, at least one",
                    ));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| Filter::parse(*item, &format!("{path}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?
            }
            Kind::Object => {
                let mut entries = operand.entries();
                let (Some((operator, inner)), None) = (entries.next(), entries.next()) else {
                    return Err(error(path, "`anything-but` takes one operator object"));
                };
                let here = format!("{path}.{operator}");
                if !matches!(
                    operator,
                    "prefix" | "suffix" | "wildcard" | "equals-ignore-case"
                ) {
                    return Err(error(
                        &here,
                        format!(
                            "`anything-but` takes prefix, suffix, wildcard or equals-ignore-case, \
                         not `{operator}`"
                        ),
                    ));
                }
                let values: Vec<(String, &J)> = match inner.kind() {
                    Kind::Array => inner
                        .items()
                        .enumerate()
                        .map(|(i, v)| (format!("{here}[{i}]"), v))
                        .collect(),
                    _ => vec![(here.clone(), inner)],
                };
                if values.is_empty() {
                    return Err(error(&here, "an empty list is refused"));
                }
                values
                    .into_iter()
                    .map(|(at, value)| {
                        let text = string(value, &at, operator)?;
                        if text.is_empty() && matches!(operator, "prefix" | "suffix") {
                            return Err(error(&at, format!("an empty `{operator}` is refused")));
                        }
                        operator_filter(operator, value, &at)
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            _ => return Err(error(
                path,
                "`anything-but` takes a string, a number, a list of them, or a prefix, suffix, \
                 wildcard or equals-ignore-case object",
            )),
        };
    Ok(Filter::AnythingBut(excluded))
}

//! An event's outcome on one path, and how outcomes combine.

use std::collections::BTreeSet;

/// What happens to one event on one path, from the best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A chain delivers it to someone.
    Covered,
    /// A pattern trailguard cannot judge might: why it cannot, each naming the pattern.
    Unjudged(BTreeSet<String>),
    /// A link the collector could not read might: no verdict (TG090 reports the gap).
    Unknown,
    /// Nothing does: why, with `{it}` where the event (or events) is meant.
    Uncovered(String),
}

/// What is said when no trail delivers to CloudWatch Logs.
pub(crate) const NO_TRAIL: &str =
    "no trail that logs every region's management events delivers to CloudWatch Logs";

/// The best of several outcomes (the event is covered when one path delivers it); with none at
/// all, no trail delivers to CloudWatch Logs.
pub(crate) fn any_of(outcomes: Vec<Outcome>) -> Outcome {
    if outcomes.is_empty() {
        return Outcome::Uncovered(NO_TRAIL.into());
    }
    if outcomes.contains(&Outcome::Covered) {
        return Outcome::Covered;
    }
    let cannot: BTreeSet<String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Unjudged(c) => Some(c.iter().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    if outcomes.iter().any(|o| matches!(o, Outcome::Unjudged(_))) {
        return Outcome::Unjudged(cannot);
    }
    if outcomes.contains(&Outcome::Unknown) {
        return Outcome::Unknown;
    }
    let whys: BTreeSet<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Uncovered(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    Outcome::Uncovered(whys.into_iter().collect::<Vec<_>>().join("; "))
}

/// The event's outcome over the CloudWatch path (`cw`, not covered) and the EventBridge path.
pub(crate) fn either(cw: Outcome, eb: Outcome) -> Outcome {
    match (cw, eb) {
        (_, Outcome::Covered) | (Outcome::Covered, _) => Outcome::Covered,
        (Outcome::Unjudged(mut a), Outcome::Unjudged(b)) => {
            a.extend(b);
            Outcome::Unjudged(a)
        }
        (Outcome::Unjudged(a), _) | (_, Outcome::Unjudged(a)) => Outcome::Unjudged(a),
        (Outcome::Unknown, _) | (_, Outcome::Unknown) => Outcome::Unknown,
        (Outcome::Uncovered(a), Outcome::Uncovered(b)) => Outcome::Uncovered(format!("{a}; {b}")),
    }
}

/// Names a few things: "filter a misses", "filters a, b miss", "filters a, ..., e and 3 more
/// miss".
pub(crate) fn listing(
    (one, verb_one): (&str, &str),
    (many, verb_many): (&str, &str),
    names: &BTreeSet<String>,
) -> String {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    match names.as_slice() {
        [name] => format!("{one} {name} {verb_one}"),
        _ if names.len() <= 6 => format!("{many} {} {verb_many}", names.join(", ")),
        _ => format!(
            "{many} {} and {} more {verb_many}",
            names[..5].join(", "),
            names.len() - 5
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn any_of_prefers_covered_then_unjudged_then_unknown() {
        let unjudged = Outcome::Unjudged(set(&["b", "a"]));
        let uncovered = Outcome::Uncovered("x".into());
        assert_eq!(any_of(vec![]), Outcome::Uncovered(NO_TRAIL.into()));
        assert_eq!(
            any_of(vec![uncovered.clone(), Outcome::Covered]),
            Outcome::Covered
        );
        assert_eq!(
            any_of(vec![Outcome::Unknown, unjudged.clone()]),
            unjudged.clone()
        );
        assert_eq!(
            any_of(vec![uncovered.clone(), Outcome::Unknown]),
            Outcome::Unknown
        );
        assert_eq!(
            any_of(vec![
                Outcome::Uncovered("b".into()),
                Outcome::Uncovered("a".into()),
                Outcome::Uncovered("a".into())
            ]),
            Outcome::Uncovered("a; b".into())
        );
    }

    #[test]
    fn either_joins_two_uncovered_paths_cloudwatch_first() {
        assert_eq!(
            either(
                Outcome::Uncovered("cw".into()),
                Outcome::Uncovered("eb".into())
            ),
            Outcome::Uncovered("cw; eb".into())
        );
        assert_eq!(
            either(Outcome::Unknown, Outcome::Unjudged(set(&["p"]))),
            Outcome::Unjudged(set(&["p"]))
        );
        assert_eq!(
            either(
                Outcome::Unjudged(set(&["a"])),
                Outcome::Unjudged(set(&["b"]))
            ),
            Outcome::Unjudged(set(&["a", "b"]))
        );
    }

    #[test]
    fn listing_names_up_to_six_then_counts_the_rest() {
        let f = ("filter", "misses");
        let fs = ("filters", "miss");
        assert_eq!(listing(f, fs, &set(&["a"])), "filter a misses");
        assert_eq!(listing(f, fs, &set(&["b", "a"])), "filters a, b miss");
        let seven = set(&["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(
            listing(f, fs, &seven),
            "filters a, b, c, d, e and 2 more miss"
        );
    }
}

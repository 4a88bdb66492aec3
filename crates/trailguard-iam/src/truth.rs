//! Three-valued truth: what a statement, a condition or a whole decision is when part of the
//! request is unknown.

use std::collections::BTreeSet;

/// True, false, or unknown until the request is known; an unknown truth names what it depends
/// on (condition keys, uncollected policies), so a verdict never rests on a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    /// Holds for every request.
    Yes,
    /// Holds for no request.
    No,
    /// Holds for some requests: those where the named conditions hold.
    Maybe(BTreeSet<String>),
}

impl Truth {
    /// Unknown, depending on one thing.
    pub fn maybe(on: impl Into<String>) -> Truth {
        Truth::Maybe(BTreeSet::from([on.into()]))
    }

    /// `Yes` for true, `No` for false.
    pub fn from_bool(value: bool) -> Truth {
        if value {
            Truth::Yes
        } else {
            Truth::No
        }
    }

    /// Kleene conjunction: `No` if either is, else `Maybe` if either is (their dependencies
    /// together), else `Yes`.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Maybe(mut a), Truth::Maybe(b)) => {
                a.extend(b);
                Truth::Maybe(a)
            }
            (Truth::Maybe(a), Truth::Yes) | (Truth::Yes, Truth::Maybe(a)) => Truth::Maybe(a),
            (Truth::Yes, Truth::Yes) => Truth::Yes,
        }
    }

    /// Kleene disjunction: `Yes` if either is, else `Maybe` if either is, else `No`.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::Maybe(mut a), Truth::Maybe(b)) => {
                a.extend(b);
                Truth::Maybe(a)
            }
            (Truth::Maybe(a), Truth::No) | (Truth::No, Truth::Maybe(a)) => Truth::Maybe(a),
            (Truth::No, Truth::No) => Truth::No,
        }
    }

    /// The conjunction of many; `Yes` for none.
    pub fn all(truths: impl IntoIterator<Item = Truth>) -> Truth {
        truths.into_iter().fold(Truth::Yes, Truth::and)
    }

    /// The disjunction of many; `No` for none.
    pub fn any(truths: impl IntoIterator<Item = Truth>) -> Truth {
        truths.into_iter().fold(Truth::No, Truth::or)
    }

    /// Whether this is `Yes`.
    pub fn is_yes(&self) -> bool {
        matches!(self, Truth::Yes)
    }

    /// Whether this is `No`.
    pub fn is_no(&self) -> bool {
        matches!(self, Truth::No)
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    /// Kleene negation: the dependencies of an unknown truth stay.
    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            maybe => maybe,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_tables() {
        let m = |k: &str| Truth::maybe(k);
        assert_eq!(Truth::Yes.and(m("a")), m("a"));
        assert_eq!(Truth::No.and(m("a")), Truth::No);
        assert_eq!(
            m("a").and(m("b")),
            Truth::Maybe(["a".into(), "b".into()].into())
        );
        assert_eq!(Truth::Yes.or(m("a")), Truth::Yes);
        assert_eq!(Truth::No.or(m("a")), m("a"));
        assert_eq!(!m("a"), m("a"));
        assert_eq!(Truth::all([]), Truth::Yes);
        assert_eq!(Truth::any([]), Truth::No);
    }
}

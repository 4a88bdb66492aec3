//! A snapshot's `collected_at`: an RFC 3339 date-time, parsed when the snapshot loads, ordered
//! by the instant it names, and written back exactly as it was read.
//!
//! Comparing the text was wrong as soon as two snapshots spelled their times differently:
//! `2026-01-01T01:00:00+01:00` is earlier than `2026-01-01T00:30:00Z`, and
//! `2026-01-01T00:00:00.5Z` later than `2026-01-01T00:00:00Z`, whatever their text says.

use chrono::{DateTime, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::de::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// How long a quoted bad value may be in a message: a hostile one can be megabytes.
const MAX_QUOTED_CHARS: usize = 40;

/// A point in time as an RFC 3339 date-time (`2026-11-20T06:52:17Z`, `2026-11-20T07:52:17+01:00`,
/// `2026-11-20T06:52:17.25Z`), keeping the text it was read from.
///
/// Timestamps are ordered by the instant they name. Two spellings of the same instant (`Z` and
/// `+00:00`) are the same instant ([`Timestamp::same_instant`]) but not equal values, since they
/// serialise differently: between them the order falls back to the text, so that a choice among
/// them (the newest snapshot of several) never depends on the order they came in.
///
/// ```
/// use trailguard_snapshot::Timestamp;
///
/// let paris: Timestamp = "2026-01-01T01:00:00+01:00".parse().unwrap();
/// let utc: Timestamp = "2026-01-01T00:30:00Z".parse().unwrap();
/// assert!(paris < utc); // by instant: 00:00Z is before 00:30Z
/// assert_eq!(paris.as_str(), "2026-01-01T01:00:00+01:00");
/// assert!("2026-13-01T00:00:00Z".parse::<Timestamp>().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Timestamp {
    text: String,
    instant: DateTime<Utc>,
}

/// Why a text is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {shown}: {reason}; expected an RFC 3339 date-time such as \
     2026-11-20T06:52:17Z"
)]
pub struct TimestampError {
    /// The value, quoted with escapes, cut after 40 characters.
    pub shown: String,
    /// What chrono's RFC 3339 parser said.
    pub reason: String,
}

impl TimestampError {
    fn new(text: &str, reason: impl fmt::Display) -> Self {
        let shown = match text.char_indices().nth(MAX_QUOTED_CHARS) {
            Some((cut, _)) => format!("{:?}…", &text[..cut]),
            None => format!("{text:?}"),
        };
        TimestampError {
            shown,
            reason: reason.to_string(),
        }
    }
}

impl Timestamp {
    /// Parses an RFC 3339 date-time, keeping its text.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let instant = DateTime::parse_from_rfc3339(text)
            .map_err(|e| TimestampError::new(text, e))?
            .with_timezone(&Utc);
        Ok(Timestamp {
            text: text.to_string(),
            instant,
        })
    }

    /// The time `seconds` after the Unix epoch, written in UTC to the second
    /// (`2026-11-20T06:52:17Z`), as the collector writes `collected_at`. An error for a time
    /// outside the years RFC 3339 can write (0000 to 9999).
    pub fn from_unix_seconds(seconds: i64) -> Result<Timestamp, TimestampError> {
        let instant = DateTime::<Utc>::from_timestamp(seconds, 0)
            .ok_or_else(|| TimestampError::new(&seconds.to_string(), "out of range"))?;
        // chrono writes years past 9999 with a sign, which is not RFC 3339.
        Timestamp::parse(&instant.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    /// The text it was read from (or written as).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the two name the same instant, however they are written.
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.instant == other.instant
    }

    /// Seconds since the Unix epoch (negative before 1970), fractions dropped.
    pub fn unix_seconds(&self) -> i64 {
        self.instant.timestamp()
    }
}

/// The Unix epoch, `1970-01-01T00:00:00Z`: the time of a snapshot that was never collected
/// (`Snapshot::default()`, the merge of no snapshots).
impl Default for Timestamp {
    fn default() -> Self {
        Timestamp {
            text: "1970-01-01T00:00:00Z".to_string(),
            instant: DateTime::<Utc>::UNIX_EPOCH,
        }
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// By instant; the text only between spellings of one instant.
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        Timestamp::parse(text)
    }
}

impl Serialize for Timestamp {
    /// The text as it was read: a snapshot round-trips byte for byte.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// A string that is not RFC 3339 is an error, which serde_json places at the string's
    /// closing quote (the error is raised while the string is visited: raised after, serde_json
    /// would place it where the enclosing object ends).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse(text).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, Snapshot};

    fn at(text: &str) -> Timestamp {
        match Timestamp::parse(text) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn collected_at_with_an_offset_sorts_by_instant_not_text() {
        // As text, "…T01:00:00+01:00" sorts after "…T00:30:00Z"; it is half an hour before.
        let paris = at("2026-01-01T01:00:00+01:00");
        let utc = at("2026-01-01T00:30:00Z");
        assert!(paris < utc);
        assert!(paris.as_str() > utc.as_str());
        let mut times = vec![utc.clone(), paris.clone()];
        times.sort();
        assert_eq!(times, [paris.clone(), utc]);
        // The same instant in two spellings: the same time, kept apart by their text only.
        let zulu = at("2026-01-01T00:00:00Z");
        assert!(paris.same_instant(&zulu));
        assert_ne!(paris, zulu);
        assert_eq!(paris.unix_seconds(), zulu.unix_seconds());
    }

    #[test]
    fn fractional_seconds_sort_by_instant_not_text() {
        // As text, '.' (0x2E) sorts before 'Z' (0x5A): the later time looked earlier.
        let whole = at("2026-01-01T00:00:00Z");
        let half = at("2026-01-01T00:00:00.5Z");
        assert!(half.as_str() < whole.as_str());
        assert!(whole < half);
        assert!(at("2026-01-01T00:00:00.10Z") > at("2026-01-01T00:00:00.09Z"));
    }

    #[test]
    fn a_timestamp_is_written_back_as_it_was_read() {
        for text in [
            "2026-01-01T01:00:00+01:00",
            "2026-01-01T00:00:00.123456789Z",
            "2026-01-01t00:00:00z",
        ] {
            let json = format!("\"{text}\"");
            let t: Timestamp = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for bad in [
            "",
            "x",
            "2026-11-20",
            "2026-11-20T00:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-20T24:00:00Z",
            "2026-11-20T00:00:00+24:00",
            "2026-11-20T00:00:00Z trailing",
        ] {
            let error = Timestamp::parse(bad).unwrap_err();
            assert!(error.to_string().contains("RFC 3339"), "{bad}: {error}");
        }
        let long = "9".repeat(1000);
        let message = Timestamp::parse(&long).unwrap_err().to_string();
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn the_collector_writes_utc_to_the_second() {
        let t = Timestamp::from_unix_seconds(1_795_157_537).unwrap();
        assert_eq!(t.as_str(), "2026-11-20T06:52:17Z");
        assert_eq!(t.unix_seconds(), 1_795_157_537);
        assert_eq!(
            Timestamp::from_unix_seconds(0).unwrap(),
            Timestamp::default()
        );
        // Year 10000 has no RFC 3339 spelling.
        assert!(Timestamp::from_unix_seconds(253_402_300_800).is_err());
        assert!(Timestamp::from_unix_seconds(i64::MAX).is_err());
    }

    #[test]
    fn a_malformed_collected_at_is_a_load_error_at_its_line() {
        let text = "{\"schema_version\": 1,\n  \"collected_at\": \"2026-11-20 at noon\"\n}";
        let error = Snapshot::from_json(text).unwrap_err();
        match &error.kind {
            ErrorKind::Json {
                line,
                column,
                message,
                syntax: false,
            } => {
                assert_eq!((*line, *column), (2, 38)); // the closing quote of the value
                assert!(
                    message.contains("invalid timestamp \"2026-11-20 at noon\""),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(error
            .to_string()
            .starts_with("not a valid snapshot: 2:38: "));
    }

    #[test]
    fn the_schema_says_collected_at_is_a_date_time() {
        let schema = Snapshot::json_schema().unwrap();
        let field = &schema["properties"]["collected_at"];
        assert_eq!(field["type"], "string", "{field}");
        assert_eq!(field["format"], "date-time", "{field}");
    }
}

//! Times as the snapshot writes them: RFC 3339 in UTC, to the second.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use trailguard_snapshot::{Timestamp, TimestampError};

/// `2026-11-20T06:52:17Z`. Fractions of a second are dropped so every time in a snapshot has one
/// shape (which the rules compare as strings).
pub(crate) fn rfc3339(time: &DateTime) -> Option<String> {
    DateTime::from_secs(time.secs()).fmt(Format::DateTime).ok()
}

/// The current time, as [`rfc3339`] writes it, for `collected_at`; an error for a clock outside
/// the years RFC 3339 can write.
pub(crate) fn now() -> Result<Timestamp, TimestampError> {
    Timestamp::from_unix_seconds(DateTime::from(std::time::SystemTime::now()).secs())
}

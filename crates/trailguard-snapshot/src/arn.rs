//! Amazon Resource Names, parsed once instead of split by hand wherever a part is needed: a
//! malformed ARN is an error saying so, never an empty account or region.

use std::fmt;
use std::str::FromStr;

/// How long a quoted bad value may be in a message: a hostile one can be megabytes.
const MAX_QUOTED_CHARS: usize = 60;

/// An ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// The partition and service are lower-case letters, digits and `-`; the region is empty (IAM,
/// S3) or of those characters too; the account is empty (S3), 12 digits, or `aws` (AWS managed
/// IAM policies); the resource is anything that is not empty (it may hold `:` and `/`).
///
/// ```
/// use trailguard_snapshot::Arn;
///
/// let trail = Arn::parse("arn:aws:cloudtrail:us-east-1:111122223333:trail/main").unwrap();
/// assert_eq!(trail.partition(), "aws");
/// assert_eq!(trail.service(), "cloudtrail");
/// assert_eq!(trail.region(), "us-east-1");
/// assert_eq!(trail.account(), "111122223333");
/// assert_eq!(trail.account_id(), Some("111122223333"));
/// assert_eq!(trail.resource(), "trail/main");
///
/// let bucket = Arn::parse("arn:aws:s3:::logs").unwrap();
/// assert_eq!((bucket.region(), bucket.account_id()), ("", None));
/// assert!(Arn::parse("trail/main").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arn {
    text: String,
    /// Where each `:` separating the six parts is, in `text`.
    colons: [usize; 5],
}

/// Why a text is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid ARN {shown}: {reason} (an ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")]
pub struct ArnError {
    /// The value, quoted with escapes, cut after 60 characters.
    pub shown: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl ArnError {
    fn new(text: &str, reason: &'static str) -> Self {
        let shown = match text.char_indices().nth(MAX_QUOTED_CHARS) {
            Some((cut, _)) => format!("{:?}…", &text[..cut]),
            None => format!("{text:?}"),
        };
        ArnError { shown, reason }
    }
}

/// Lower-case letters, digits and `-`: a partition, service or region.
fn is_word(part: &str) -> bool {
    part.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Arn {
    /// Parses an ARN.
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let bad = |reason| Err(ArnError::new(text, reason));
        if !text.starts_with("arn:") {
            return bad("it does not start with `arn:`");
        }
        let mut colons = [0usize; 5];
        let mut found = text.match_indices(':').map(|(i, _)| i);
        for slot in &mut colons {
            match found.next() {
                Some(i) => *slot = i,
                None => return bad("it has fewer than six `:`-separated parts"),
            }
        }
        let arn = Arn {
            text: text.to_string(),
            colons,
        };
        if arn.partition().is_empty() || !is_word(arn.partition()) {
            return bad("the partition is not lower-case letters, digits and `-`");
        }
        if arn.service().is_empty() || !is_word(arn.service()) {
            return bad("the service is not lower-case letters, digits and `-`");
        }
        if !is_word(arn.region()) {
            return bad("the region is not lower-case letters, digits and `-`");
        }
        let account = arn.account();
        if !(account.is_empty() || account == "aws" || crate::is_account_id(account)) {
            return bad("the account is neither empty, `aws` nor 12 digits");
        }
        if arn.resource().is_empty() {
            return bad("the resource is empty");
        }
        Ok(arn)
    }

    /// The part between the `n`-th and the next separator (0: `arn`, 5: the resource).
    fn part(&self, n: usize) -> &str {
        let start = match n {
            0 => 0,
            _ => self.colons[n - 1] + 1,
        };
        match self.colons.get(n) {
            Some(&end) => &self.text[start..end],
            None => &self.text[start..],
        }
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub fn partition(&self) -> &str {
        self.part(1)
    }

    /// `cloudtrail`, `kms`, `iam`, `s3`, ...
    pub fn service(&self) -> &str {
        self.part(2)
    }

    /// The region; empty for global resources (IAM, S3 buckets).
    pub fn region(&self) -> &str {
        self.part(3)
    }

    /// The account field as written: 12 digits, `aws`, or empty.
    pub fn account(&self) -> &str {
        self.part(4)
    }

    /// The account, when the ARN names one (12 digits): not for S3 buckets (empty) or AWS
    /// managed policies (`aws`).
    pub fn account_id(&self) -> Option<&str> {
        Some(self.account()).filter(|a| crate::is_account_id(a))
    }

    /// Everything after the account: `trail/main`, `key/ID`, `user/PATH/NAME`, a bucket name.
    pub fn resource(&self) -> &str {
        self.part(5)
    }

    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Arn::parse(text)
    }
}

impl AsRef<str> for Arn {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_an_arn_is_read() {
        let user = Arn::parse("arn:aws-us-gov:iam::111122223333:user/ops/alice").unwrap();
        assert_eq!(user.partition(), "aws-us-gov");
        assert_eq!(user.service(), "iam");
        assert_eq!(user.region(), "");
        assert_eq!(user.account_id(), Some("111122223333"));
        assert_eq!(user.resource(), "user/ops/alice");
        // The resource keeps its own colons.
        let group = Arn::parse("arn:aws:logs:eu-west-1:111122223333:log-group:trail:*").unwrap();
        assert_eq!(group.resource(), "log-group:trail:*");
        assert_eq!(group.region(), "eu-west-1");
        let managed = Arn::parse("arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess").unwrap();
        assert_eq!((managed.account(), managed.account_id()), ("aws", None));
        assert_eq!(managed.to_string(), managed.as_str());
    }

    #[test]
    fn a_malformed_arn_is_an_error_not_an_empty_account() {
        for (bad, reason) in [
            ("", "does not start"),
            ("trail/main", "does not start"),
            ("arn:aws:cloudtrail", "fewer than six"),
            (
                "arn:aws:cloudtrail:us-east-1:111122223333",
                "fewer than six",
            ),
            (
                "arn::cloudtrail:us-east-1:111122223333:trail/t",
                "partition",
            ),
            ("arn:aws::us-east-1:111122223333:trail/t", "service"),
            ("arn:aws:kms:US EAST:111122223333:key/k", "region"),
            ("arn:aws:kms:us-east-1:prod:key/k", "account"),
            ("arn:aws:kms:us-east-1:12345678901:key/k", "account"),
            ("arn:aws:kms:us-east-1:111122223333:", "resource is empty"),
        ] {
            let error = Arn::parse(bad).unwrap_err();
            assert!(error.reason.contains(reason), "{bad}: {error}");
            assert!(error.to_string().contains(&format!("{bad:?}")), "{error}");
        }
        let long = format!("arn:aws:kms:us-east-1:{}", "x".repeat(10_000));
        assert!(Arn::parse(&long).unwrap_err().to_string().len() < 300);
    }
}

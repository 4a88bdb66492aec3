//! The command-line interface, as clap types.

use crate::fail_on::FailOnParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Can you trust your CloudTrail audit trail? trailguard judges a snapshot of your trails, log
/// buckets, KMS keys and IAM with Rego policies and reports in SARIF, JSON, text or Markdown.
#[derive(Debug, Parser)]
#[command(
    name = "trailguard",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate saved snapshots with the built-in and custom policies.
    ///
    /// Several snapshots are merged, so a central log bucket in one account resolves the trails
    /// of another. Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
    /// 2 bad input or policy.
    Eval(EvalArgs),
    /// Snapshot the CloudTrail set-up of live AWS accounts into one JSON file.
    ///
    /// Reads every trail of the selected regions, then the S3 buckets and KMS keys those trails
    /// use, the account's IAM, Block Public Access and organisation. Read-only: `trailguard
    /// permissions` prints the IAM policy it needs. Calls that fail (AccessDenied, throttling
    /// after retries, timeouts) are recorded as gaps in the snapshot and collection goes on.
    /// Exit status: 0 collected (gaps included), 2 nothing could be collected, 130 interrupted
    /// (Ctrl-C; nothing written).
    Collect(CollectArgs),
    /// Collect and evaluate in one go (`collect` then `eval`).
    ///
    /// Exit status as for `eval`.
    Scan(ScanArgs),
    /// Compare two snapshots: what changed, and which findings are new, fixed or unchanged.
    ///
    /// Changes are listed for trails (event selectors among their fields), log buckets, KMS
    /// keys and the holders of AWSCloudTrail_FullAccess, each changed value old → new; findings
    /// are matched by rule and resource. Exit status: 0 no new finding at or above --fail-on, 1 new findings at or above
    /// it (findings that were already there do not fail), 2 bad input or policy.
    Diff(DiffArgs),
    /// List the accounts of an AWS organisation, e.g. as shards for a GitHub Actions matrix.
    Accounts(AccountsArgs),
    /// Check trailguard.toml, the waiver file and custom policies in one go (for pre-commit).
    ///
    /// Every problem is reported, each as file:line:col. Waivers that name no rule of the
    /// catalogue, waive every rule on every resource, or expire more than [waivers]
    /// max_expiry_days (365) ahead are errors; expired waivers are warnings. Given snapshots, it
    /// says how many findings each waiver hides in them today. Exit status: 0 valid (warnings
    /// included), 2 problems found.
    CheckConfig(CheckConfigArgs),
    /// Print the least-privilege IAM policy `collect` needs (read-only).
    Permissions,
    /// List, test or document policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print the JSON Schema of the snapshot format.
    Schema,
}

/// Which policies to load.
#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// A .rego file or a directory of them to add to the built-in rules (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in rules (their helpers in trailguard.lib stay available).
    #[arg(long)]
    pub no_builtin: bool,
    /// Let a --policy file replace the built-in file of the same package (a patched built-in
    /// rule or helper). Without it, such a file is an error.
    #[arg(long)]
    pub override_builtin: bool,
}

/// Limits on policy evaluation (`eval`, `scan`, `diff`, `policy test`).
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Stop a rule (or a Rego unit test) that runs longer than this many seconds, with an error
    /// naming it (exit 2; for `policy test`, the test fails). Guards against a custom policy that
    /// loops.
    #[arg(long, value_name = "SECONDS", env = "TRAILGUARD_RULE_TIMEOUT",
          default_value = "60", value_parser = parse_seconds)]
    pub rule_timeout: std::time::Duration,
    /// Stop the rule (or Rego unit test) that is running when the memory in use passes SIZE
    /// (bytes, or a number with KiB, MiB, GiB, TiB, KB, MB, GB, TB), with an error naming it
    /// (exit 2; for `policy test`, the test fails). The count is the whole process's: the
    /// snapshot and its conversion (about 8 bytes per byte of snapshot) count too. Guards against
    /// a custom policy that allocates without bound [default: three quarters of the memory of
    /// the machine or its container; 8 GiB where that cannot be read].
    #[arg(long, value_name = "SIZE", env = "TRAILGUARD_MAX_MEMORY", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

impl LimitArgs {
    /// The limits the policy engine runs each rule (or test) within.
    pub fn budget(&self) -> trailguard_engine::Budget {
        trailguard_engine::Budget {
            rule_timeout: self.rule_timeout,
            memory_limit: Some(
                self.max_memory
                    .unwrap_or_else(trailguard_engine::default_memory_limit),
            ),
        }
    }
}

/// A positive number of seconds (`60`, `2.5`).
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("{text} is not between 0 and 86400 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// The team's own files beside the policies: rule parameters and waivers (`eval`, `scan`,
/// `diff`, `check-config`).
#[derive(Debug, Args, Clone)]
pub struct ConfigFiles {
    /// Rule parameters (retention days, allowed holders, trusted accounts, CloudTrail admins)
    /// and waiver limits (how far ahead a waiver may expire) from this TOML file [default:
    /// trailguard.toml in the current directory, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Accepted risks from this TOML file [default: trailguard-waivers.toml in the current
    /// directory, if present]. Waived findings are listed apart, do not fail the run and are
    /// left out of a diff.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

/// `trailguard eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Snapshot files written by `trailguard collect`; `-` reads one from standard input
    /// (`trailguard collect | trailguard eval -`).
    #[arg(required = true, value_name = "SNAPSHOT")]
    pub snapshots: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print each rule's evaluation time and result count to standard error, slowest first
    /// (like `opa eval --profile`).
    #[arg(long)]
    pub profile: bool,
}

/// How large a snapshot file `eval` and `diff` read.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Refuse a snapshot file larger than SIZE: bytes, or a number with KiB, MiB, GiB, TiB (or
    /// KB, MB, GB, TB). Evaluating takes about 8 bytes of memory per byte of snapshot, 12 for
    /// SARIF; a larger organisation is better collected in shards.
    #[arg(long, value_name = "SIZE", env = "TRAILGUARD_MAX_SNAPSHOT_SIZE",
          default_value = "256MiB", value_parser = parse_size)]
    pub max_snapshot_size: u64,
}

/// A size in bytes: `268435456`, `256MiB`, `1.5 GiB`, `300MB` (units are case-insensitive), at
/// most 1 TiB.
fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        "tib" | "t" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}: use bytes, KiB, MiB, GiB, TiB, KB, MB, GB \
                 or TB"
            ))
        }
    };
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (such as 512MiB or 1GiB)"))?;
    let bytes = (number * multiplier as f64).floor();
    // Past 1 TiB nothing can be evaluated anyway; the bound also keeps the cast exact.
    if !(1.0..=(1u64 << 40) as f64).contains(&bytes) {
        return Err(format!("{text} is not between 1 byte and 1 TiB"));
    }
    Ok(bytes as u64)
}

/// `trailguard diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot (`-`: standard input).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later snapshot (`-`: standard input).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub files: ConfigFiles,
    /// Report format (Markdown suits a pull request comment).
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write the report to this file (atomically, creating missing directories) instead of
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a new finding is at or above this severity.
    #[arg(long, value_parser = FailOnParser, default_value = "never")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Formats `trailguard diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Text,
    /// A stable JSON document.
    Json,
    /// Markdown, for a PR comment or $GITHUB_STEP_SUMMARY.
    Markdown,
}

/// Which accounts and regions to read, and how (`collect` and `scan`).
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The shared-config profile to use (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A region to read trails in (repeatable; default: the profile's or AWS_REGION).
    #[arg(long = "region", value_name = "REGION", conflicts_with = "all_regions")]
    pub regions: Vec<String>,
    /// Read every region enabled in each account.
    #[arg(long)]
    pub all_regions: bool,
    /// Assume this role and scan its account (repeatable: one role per account, all in one
    /// snapshot). Without it, the credentials' own account is scanned.
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
    /// The external id the roles' trust policies require.
    #[arg(long, value_name = "ID", requires = "role_arns")]
    pub external_id: Option<String>,
    /// Send every AWS call to this endpoint, with S3 path-style addressing (e.g. a local
    /// emulator). AWS_ENDPOINT_URL does the same.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// At most this many calls in flight per service (default: a limit per service).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: Option<u16>,
    /// Attempts per call, the first included, before a failure is recorded as a gap (throttling,
    /// 5xx, resets, timeouts and unreadable answers are retried, with backoff) [default: 6].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,
    /// Give up on one attempt of a call after this many seconds (then retry it, within
    /// --max-attempts) [default: 20].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// No progress bar and no summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many calls of each operation were made, on standard error.
    #[arg(long)]
    pub stats: bool,
}

/// `trailguard collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Write the snapshot to this file (atomically, creating missing directories) instead of
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `trailguard scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Keep the snapshot in this file (written atomically). SARIF results point at lines in it;
    /// without it they name `trailguard-snapshot.json`, which is not written.
    #[arg(long, value_name = "FILE")]
    pub snapshot_out: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How to judge and report (`eval` and `scan`).
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub files: ConfigFiles,
    /// Report format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to this file (atomically, creating missing directories) instead of
    /// standard output. SARIF for more than 20 accounts continues in FILE-2.sarif, FILE-3.sarif,
    /// ... (20 runs a file).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a finding (not waived) is at or above this severity. A
    /// collection gap (TG090) counts at the severity of the most severe rule it blinds, so
    /// `--fail-on high` fails a scan that could not read what high rules need.
    #[arg(long, value_parser = FailOnParser, default_value = "never")]
    pub fail_on: FailOn,
    /// Also write waived findings into SARIF, as results with `suppressions`. By default SARIF
    /// leaves them out (GitHub code scanning ignores suppressions) and counts them in each run's
    /// `waivedResults` property.
    #[arg(long)]
    pub sarif_include_waived: bool,
    /// The directory SARIF artifact URIs are relative to (your repository's root).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub sarif_root: PathBuf,
    /// When to colour text output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// How the text report groups findings: under a heading per severity, or per AWS account
    /// (each finding then names its severity).
    #[arg(long, value_enum, default_value_t = GroupByArg::Severity)]
    pub group_by: GroupByArg,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Print each rule's evaluation time and result count to standard error, slowest first
    /// (`eval --profile` does the same; in `scan`, `--profile` is the AWS profile).
    #[arg(long)]
    pub profile_rules: bool,
}

/// `trailguard check-config`.
#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Snapshots to count, per waiver, the findings it hides today (evaluated together, as
    /// `eval` does). Optional: without them only the files are checked.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshots: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub files: ConfigFiles,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `trailguard policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List every rule: id, severity, title and the Security Hub / CIS controls it implements.
    List {
        #[command(flatten)]
        policy: PolicyArgs,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Run the `test_*` rules of the built-in policies, or of the given files and directories.
    ///
    /// The built-in rules and helpers are loaded too, so custom tests can use them. Prints one
    /// line per test and `N passed, N failed`; exits 1 when a test fails.
    Test {
        /// .rego files or directories whose tests to run (default: the built-in policies).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Write the rule catalogue as Markdown.
    Doc {
        #[command(flatten)]
        policy: PolicyArgs,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// For people, grouped by severity.
    Text,
    /// A stable JSON document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// Markdown, for $GITHUB_STEP_SUMMARY or a PR comment.
    Markdown,
}

/// `policy list` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// JSON.
    Json,
}

/// `--fail-on` thresholds (parsed by [`FailOnParser`], which never suggests `never`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Critical findings.
    Critical,
    /// High or critical.
    High,
    /// Medium and above.
    Medium,
    /// Any finding.
    Low,
    /// Never fail because of findings.
    Never,
}

/// `--group-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupByArg {
    /// A heading per severity, most severe first.
    Severity,
    /// A heading per account, sorted by id.
    Account,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `trailguard accounts`.
#[derive(Debug, Args)]
#[command(
    after_help = "Needs organizations:ListAccounts (management or delegated administrator \
                  account). --help shows the formats.",
    after_long_help = ACCOUNTS_HELP
)]
pub struct AccountsArgs {
    /// The shared-config profile to use (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Send the calls to this endpoint (e.g. a local emulator). AWS_ENDPOINT_URL does the same.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Output format (shapes below, in --help).
    #[arg(long, short, value_enum, default_value_t = AccountsFormat::Text)]
    pub format: AccountsFormat,
    /// Split the accounts into this many shards of nearly equal size (consecutive ids).
    #[arg(long, value_name = "N", conflicts_with = "shard_size",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub shards: Option<u16>,
    /// Split the accounts into shards of at most N accounts [default with --format matrix: 10].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub shard_size: Option<u16>,
    /// Also print the ARN of this IAM role (a path may precede the name) in each account, for
    /// `collect --role-arn`: arn:aws:iam::ID:role/NAME.
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Also list accounts that are not ACTIVE (suspended, pending closure, closed).
    #[arg(long)]
    pub include_suspended: bool,
    /// Leave out this account (repeatable).
    #[arg(long = "exclude", value_name = "ACCOUNT_ID")]
    pub exclude: Vec<String>,
    /// Write to this file (atomically, creating missing directories) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Accounts per ListAccounts call (1 to 20).
    #[arg(long, value_name = "N", default_value_t = 20, hide = true,
          value_parser = clap::value_parser!(u8).range(1..=20))]
    pub page_size: u8,
}

/// The end of `trailguard accounts --help`.
const ACCOUNTS_HELP: &str = "\
Lists the organisation's accounts (Organizations ListAccounts, every page), sorted by id: the \
ACTIVE ones unless --include-suspended.

Formats:
  text    one account a line, tab-separated: [SHARD] ID [ROLE_ARN] NAME, the shard with --shards
          or --shard-size, the role ARN with --role-name, the free-text name last:
            trailguard accounts | while IFS=$'\\t' read -r id name; do ...; done
  json    an array of {id, name, email, arn, state[, role_arn][, shard]}
  matrix  one line, {\"include\":[{\"shard\":1,\"accounts\":\"ID ID\",\"role_arns\":\"ARN ARN\"}, ...]}, for
            strategy.matrix: ${{ fromJSON(needs.accounts.outputs.matrix) }}
          (examples/workflows/trailguard-org.yml collects each shard with --role-arn)

Permission: organizations:ListAccounts, which AWS allows only in the organisation's management \
account or a delegated administrator account. It is not part of the policy `trailguard \
permissions` prints: that one is for the role `collect` assumes in each account.

Exit status: 0 listed, 2 error (no credentials, endpoint unreachable, access denied, not in an \
organisation).";

/// `trailguard accounts` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccountsFormat {
    /// One account a line, tab-separated, for shell loops.
    Text,
    /// A JSON array of accounts.
    Json,
    /// A GitHub Actions matrix of shards, on one line.
    Matrix,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_bytes_or_a_unit() {
        for (text, bytes) in [
            ("268435456", 268_435_456),
            ("256MiB", 256 << 20),
            ("256 mib", 256 << 20),
            ("1.5GiB", 3 << 29),
            ("1g", 1 << 30),
            ("300MB", 300_000_000),
            ("2kb", 2_000),
            ("1TiB", 1 << 40),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for (text, error) in [
            ("", "is not a size"),
            ("MiB", "is not a size"),
            ("1.2.3", "is not a size"),
            ("-5", "unknown unit"),
            ("10 parsecs", "unknown unit \"parsecs\""),
            ("0", "not between 1 byte and 1 TiB"),
            ("0.5", "not between 1 byte and 1 TiB"),
            ("2TiB", "not between 1 byte and 1 TiB"),
            (
                "5 furlongs",
                "use bytes, KiB, MiB, GiB, TiB, KB, MB, GB or TB",
            ),
            ("2048GiB", "not between 1 byte and 1 TiB"),
        ] {
            let got = parse_size(text).unwrap_err();
            assert!(got.contains(error), "{text}: {got}");
        }
    }
}

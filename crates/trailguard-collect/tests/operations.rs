//! `Operation::ALL` is exactly what the collector can call: every SDK request in this crate is
//! sent under the `Operation` it names, every operation is called somewhere, and the policies'
//! gap table (which rules each failed call blinds) names the same operations. So the IAM policy
//! `trailguard permissions` prints from `Operation::ALL` grants what `collect` calls, no more.
//! The one request outside a collection, `trailguard accounts`' ListAccounts (organization.rs),
//! is checked on its own: it is the only call there and needs `LIST_ACCOUNTS_ACTION`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::collections::BTreeSet;
use std::path::Path;
use trailguard_collect::{Operation, LIST_ACCOUNTS_ACTION};

/// The module of `trailguard accounts`, which is not part of a collection.
const ACCOUNTS_MODULE: &str = "organization.rs";

/// `GetBucketPolicy` -> `get_bucket_policy`, `ListMFADevices` -> `list_mfa_devices`: the SDK's
/// fluent method for an operation.
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev_lower || (chars[i - 1].is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn sources() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn snake_case_matches_the_sdk_method_names() {
    assert_eq!(snake("GetBucketPolicy"), "get_bucket_policy");
    assert_eq!(snake("ListMFADevices"), "list_mfa_devices");
    assert_eq!(
        snake("GetAccountAuthorizationDetails"),
        "get_account_authorization_details"
    );
}

#[test]
fn every_request_is_sent_under_the_operation_it_calls() {
    let mut called: BTreeSet<Operation> = BTreeSet::new();
    for (file, text) in sources() {
        if file == ACCOUNTS_MODULE {
            continue;
        }
        for (at, _) in text.match_indices(".send()") {
            let before = &text[..at];
            let Some(op_at) = before.rfind("Operation::") else {
                panic!("{file}: a request is sent before any Operation is named");
            };
            let variant: String = before[op_at + "Operation::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let op = *Operation::ALL
                .iter()
                .find(|op| format!("{op:?}") == variant)
                .unwrap_or_else(|| panic!("{file}: unknown Operation::{variant}"));
            let method = format!(".{}()", snake(op.name()));
            let call = &before[op_at..];
            assert!(
                call.contains(&method),
                "{file}: the request sent under Operation::{variant} does not call {method}:\n{call}"
            );
            called.insert(op);
        }
    }
    let all: BTreeSet<Operation> = Operation::ALL.iter().copied().collect();
    let never: Vec<_> = all.difference(&called).collect();
    assert!(
        never.is_empty(),
        "operations the collector never calls: {never:?}"
    );
}

#[test]
fn the_policies_gap_table_names_exactly_these_operations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/lib/trail.rego");
    let rego = std::fs::read_to_string(path).unwrap();
    let start = rego.find("operation_rules := {").unwrap();
    let end = start + rego[start..].find("\n}").unwrap();
    let table: BTreeSet<String> = rego[start..end]
        .lines()
        .filter_map(|line| {
            let key = line.trim().strip_prefix('"')?;
            Some(key[..key.find('"')?].to_string())
        })
        .collect();
    let ops: BTreeSet<String> = Operation::ALL.iter().map(|op| op.to_string()).collect();
    assert_eq!(table, ops);
}

#[test]
fn the_accounts_module_sends_only_list_accounts_and_no_operation_grants_it() {
    let text = sources()
        .into_iter()
        .find(|(file, _)| file == ACCOUNTS_MODULE)
        .map(|(_, text)| text)
        .unwrap();
    let sends: Vec<usize> = text.match_indices(".send()").map(|(at, _)| at).collect();
    assert_eq!(sends.len(), 1, "{ACCOUNTS_MODULE} sends one request");
    let request = &text[text[..sends[0]].rfind(".organizations()").unwrap()..sends[0]];
    assert!(request.contains(".list_accounts()"), "{request}");
    assert_eq!(LIST_ACCOUNTS_ACTION, "organizations:ListAccounts");
    assert!(Operation::ALL
        .iter()
        .all(|op| op.iam_action() != Some(LIST_ACCOUNTS_ACTION)));
}

/// Reliability promise: collection only reads. Every request the collector sends is an
/// `Operation` (checked above), and every operation, and the IAM action behind it, is a read:
/// a `Get`, `List` or `Describe` verb. A mutating call slipped into a collector fails here.
#[test]
fn every_operation_and_its_iam_action_only_reads() {
    let read = |verb: &str| {
        ["Get", "List", "Describe"]
            .iter()
            .any(|p| verb.starts_with(p))
    };
    for op in Operation::ALL {
        assert!(read(op.name()), "{} is not a read operation", op.name());
        if let Some(action) = op.iam_action() {
            let (_, verb) = action.split_once(':').unwrap();
            assert!(
                read(verb),
                "{action} (for {}) is not a read action",
                op.name()
            );
        }
    }
    let (_, verb) = LIST_ACCOUNTS_ACTION.split_once(':').unwrap();
    assert!(read(verb), "{LIST_ACCOUNTS_ACTION} is not a read action");
}

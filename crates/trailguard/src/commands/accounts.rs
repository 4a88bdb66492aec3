//! `trailguard accounts`: list an organisation's accounts, as lines for a shell loop, JSON, or
//! shards for a GitHub Actions matrix (one `collect` job per shard, one `eval` of them all).

use super::Outcome;
use crate::cli::{AccountsArgs, AccountsFormat};
use crate::output::{emit, eprintln};
use anyhow::Context;
use serde_json::{json, Value};
use trailguard_collect::{list_accounts_blocking, Options, OrganizationAccount};

/// Accounts per shard for `--format matrix` when neither --shards nor --shard-size is given:
/// a few minutes of collection per job, and 2,560 accounts within GitHub's 256 jobs a matrix.
const DEFAULT_MATRIX_SHARD_SIZE: usize = 10;

pub fn run(args: &AccountsArgs) -> anyhow::Result<Outcome> {
    if let Some(name) = &args.role_name {
        check_role_name(name)?;
    }
    let options = Options {
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        ..Options::default()
    };
    let listed = list_accounts_blocking(&options, args.page_size).map_err(|e| match e.hint() {
        Some(hint) => anyhow::anyhow!("{e}\n  hint: {hint}"),
        None => anyhow::Error::new(e),
    })?;

    let inactive = listed.iter().filter(|a| !a.is_active()).count();
    let unknown: Vec<&String> = args
        .exclude
        .iter()
        .filter(|id| !listed.iter().any(|a| &a.id == *id))
        .collect();
    let kept: Vec<OrganizationAccount> = listed
        .into_iter()
        .filter(|a| args.include_suspended || a.is_active())
        .collect();
    let before = kept.len();
    let accounts: Vec<OrganizationAccount> = kept
        .into_iter()
        .filter(|a| !args.exclude.contains(&a.id))
        .collect();
    let excluded = before - accounts.len();

    let shard_count = match (args.shards, args.shard_size, args.format) {
        (Some(n), _, _) => Some(usize::from(n)),
        (None, Some(size), _) => Some(accounts.len().div_ceil(usize::from(size))),
        (None, None, AccountsFormat::Matrix) => {
            Some(accounts.len().div_ceil(DEFAULT_MATRIX_SHARD_SIZE))
        }
        (None, None, _) => None,
    };
    let shards = shard(&accounts, shard_count.unwrap_or(1));
    let sharded = shard_count.is_some();

    let text = match args.format {
        AccountsFormat::Text => text(&shards, sharded, args.role_name.as_deref()),
        AccountsFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json_accounts(
                &shards,
                sharded,
                args.role_name.as_deref(),
            ))
            .context("cannot print the accounts")?;
            text.push('\n');
            text
        }
        AccountsFormat::Matrix => {
            let mut text = serde_json::to_string(&matrix(&shards, args.role_name.as_deref()))
                .context("cannot print the matrix")?;
            text.push('\n');
            text
        }
    };
    emit(&text, args.output.as_deref(), "account list")?;

    if !args.quiet {
        for id in &unknown {
            eprintln(&format!(
                "warning: --exclude {id}: no account of the organisation has this id"
            ));
        }
        eprintln(&summary(
            accounts.len(),
            shards.len(),
            sharded,
            (!args.include_suspended).then_some(inactive),
            excluded,
        ));
    }
    Ok(Outcome::Clean)
}

/// Role names and paths as IAM allows them: letters, digits and `+=,.@_-`, path segments
/// separated by `/`.
fn check_role_name(name: &str) -> anyhow::Result<()> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c);
    if name.is_empty()
        || name.starts_with('/')
        || name.ends_with('/')
        || name.contains("//")
        || !name.chars().all(valid_char)
    {
        anyhow::bail!(
            "--role-name {name:?} is not an IAM role name (letters, digits and +=,.@_-, \
             optionally after a path such as audit/)"
        );
    }
    Ok(())
}

/// `count` consecutive shards of nearly equal size (the first ones one larger); fewer when
/// there are fewer accounts, never an empty one.
fn shard(accounts: &[OrganizationAccount], count: usize) -> Vec<&[OrganizationAccount]> {
    let count = count.clamp(1, accounts.len().max(1));
    if accounts.is_empty() {
        return Vec::new();
    }
    let (base, larger) = (accounts.len() / count, accounts.len() % count);
    let mut shards = Vec::with_capacity(count);
    let mut start = 0;
    for i in 0..count {
        let size = base + usize::from(i < larger);
        shards.push(&accounts[start..start + size]);
        start += size;
    }
    shards
}

/// `[SHARD\t]ID[\tROLE_ARN]\tNAME` per account: the free-text name last, so
/// `while IFS=$'\t' read -r id name` (or `id arn name`) reads it whole.
fn text(shards: &[&[OrganizationAccount]], sharded: bool, role: Option<&str>) -> String {
    let mut out = String::new();
    for (i, shard) in shards.iter().enumerate() {
        for account in shard.iter() {
            if sharded {
                out.push_str(&format!("{}\t", i + 1));
            }
            out.push_str(&account.id);
            if let Some(role) = role {
                out.push('\t');
                out.push_str(&account.role_arn(role));
            }
            out.push('\t');
            // A tab or line break in a name would shift or split the columns; other control
            // characters are shown as `\u{..}`, not obeyed by the terminal.
            let name = account.name.replace(['\t', '\n', '\r'], " ");
            out.push_str(&trailguard_report::escape_terminal(&name));
            out.push('\n');
        }
    }
    out
}

fn json_accounts(shards: &[&[OrganizationAccount]], sharded: bool, role: Option<&str>) -> Value {
    let mut list = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        for account in shard.iter() {
            let mut object = json!({
                "id": account.id,
                "name": account.name,
                "email": account.email,
                "arn": account.arn,
                "state": account.state,
            });
            if let Some(role) = role {
                object["role_arn"] = json!(account.role_arn(role));
            }
            if sharded {
                object["shard"] = json!(i + 1);
            }
            list.push(object);
        }
    }
    Value::Array(list)
}

/// `{"include":[{"shard":1,"accounts":"ID ID","role_arns":"ARN ARN"}, ...]}`: space-separated
/// lists, so a step loops over them without jq; names and emails stay out of the matrix (they
/// are free text, and job names show the matrix values).
fn matrix(shards: &[&[OrganizationAccount]], role: Option<&str>) -> Value {
    let include: Vec<Value> = shards
        .iter()
        .enumerate()
        .map(|(i, shard)| {
            let ids: Vec<&str> = shard.iter().map(|a| a.id.as_str()).collect();
            let mut entry = json!({"shard": i + 1, "accounts": ids.join(" ")});
            if let Some(role) = role {
                let arns: Vec<String> = shard.iter().map(|a| a.role_arn(role)).collect();
                entry["role_arns"] = json!(arns.join(" "));
            }
            entry
        })
        .collect();
    json!({ "include": include })
}

fn summary(
    accounts: usize,
    shards: usize,
    sharded: bool,
    inactive_left_out: Option<usize>,
    excluded: usize,
) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!("listed {}", plural(accounts, "account", "accounts"));
    if sharded {
        text.push_str(&format!(" in {}", plural(shards, "shard", "shards")));
    }
    let mut left_out = Vec::new();
    if let Some(n) = inactive_left_out.filter(|n| *n > 0) {
        left_out.push(format!(
            "{} left out (--include-suspended lists {})",
            plural(
                n,
                "account that is not ACTIVE",
                "accounts that are not ACTIVE"
            ),
            if n == 1 { "it" } else { "them" }
        ));
    }
    if excluded > 0 {
        left_out.push(format!("{excluded} excluded"));
    }
    if !left_out.is_empty() {
        text.push_str(&format!("; {}", left_out.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: usize) -> Vec<OrganizationAccount> {
        (0..n)
            .map(|i| OrganizationAccount {
                id: format!("{i:012}"),
                name: format!("account {i}"),
                email: String::new(),
                arn: String::new(),
                state: "ACTIVE".into(),
            })
            .collect()
    }

    fn sizes(n: usize, count: usize) -> Vec<usize> {
        let all = accounts(n);
        shard(&all, count).iter().map(|s| s.len()).collect()
    }

    #[test]
    fn shards_are_balanced_and_never_empty() {
        assert_eq!(sizes(21, 3), vec![7, 7, 7]);
        assert_eq!(sizes(9, 4), vec![3, 2, 2, 2]);
        assert_eq!(sizes(7, 3), vec![3, 2, 2]);
        assert_eq!(sizes(2, 10), vec![1, 1]);
        assert_eq!(sizes(5, 1), vec![5]);
        assert_eq!(sizes(0, 10), Vec::<usize>::new());
    }

    #[test]
    fn names_keep_one_line_and_their_control_characters_are_shown_not_obeyed() {
        let mut all = accounts(1);
        all[0].name = "a\tb\nc\u{1b}[2Jd\u{202e}e".into();
        assert_eq!(
            text(&shard(&all, 1), false, None),
            "000000000000\ta b c\\u{1b}[2Jd\\u{202e}e\n"
        );
    }

    #[test]
    fn role_names_follow_iam() {
        assert!(check_role_name("trailguard-audit").is_ok());
        assert!(check_role_name("audit/trailguard@org").is_ok());
        for bad in ["", "/x", "x/", "a//b", "a b", "x$"] {
            assert!(check_role_name(bad).is_err(), "{bad}");
        }
    }
}

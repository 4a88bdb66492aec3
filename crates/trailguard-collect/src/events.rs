//! EventBridge: the rules on a region's default event bus (ListRules) and each rule's targets
//! (ListTargetsByRule). Neither has an SDK paginator: pages are followed by `NextToken`, each a
//! counted call, at most [`MAX_PAGES`] of them.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::Operation;
use futures_util::future::join_all;
use trailguard_snapshot::{Collected, EventRule, EventTarget};

/// The most pages of one listing followed before it is called incomplete (a token that never
/// ends would otherwise loop for ever).
const MAX_PAGES: usize = 1_000;

/// The rules of the default bus of `region`, with their targets; `Unknown` with a gap when the
/// listing failed.
pub(crate) async fn rules(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
) -> Collected<Vec<EventRule>> {
    let scope = Scope::new(account, region, account);
    let client = clients.events(region);
    let mut listed = Vec::new();
    let mut token: Option<String> = None;
    for page in 0.. {
        if page == MAX_PAGES {
            ctx.incomplete(
                Operation::ListRules,
                &scope,
                format!("ListRules was still answering NextToken after {MAX_PAGES} pages"),
            );
            return Collected::Unknown;
        }
        let request = client.list_rules().set_next_token(token.take()).send();
        match ctx.call(Operation::ListRules, &scope, request).await {
            Ok(out) => {
                listed.extend(out.rules().iter().cloned());
                match out.next_token() {
                    Some(next) if !next.is_empty() => token = Some(next.to_string()),
                    _ => break,
                }
            }
            Err(failure) => {
                ctx.gap(Operation::ListRules, &scope, &failure);
                return Collected::Unknown;
            }
        }
    }
    let mut rules = Vec::new();
    for rule in &listed {
        let (Some(name), Some(arn), Some(state)) = (rule.name(), rule.arn(), rule.state()) else {
            ctx.incomplete(
                Operation::ListRules,
                &scope,
                "ListRules answered a rule without its name, ARN or state".to_string(),
            );
            return Collected::Unknown;
        };
        rules.push(EventRule {
            name: name.to_string(),
            arn: arn.to_string(),
            state: state.as_str().to_string(),
            event_pattern: rule.event_pattern().map(parse_json),
            schedule_expression: rule.schedule_expression().map(str::to_string),
            targets: Collected::Unknown,
        });
    }
    let found = join_all(
        rules
            .iter()
            .map(|r| targets(ctx, clients, account, region, r)),
    )
    .await;
    for (rule, targets) in rules.iter_mut().zip(found) {
        rule.targets = targets;
    }
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    Collected::Present(rules)
}

/// The targets of one rule.
async fn targets(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
    rule: &EventRule,
) -> Collected<Vec<EventTarget>> {
    let scope = Scope::new(account, region, &rule.arn);
    let client = clients.events(region);
    let mut targets = Vec::new();
    let mut token: Option<String> = None;
    for page in 0.. {
        if page == MAX_PAGES {
            ctx.incomplete(
                Operation::ListTargetsByRule,
                &scope,
                format!("ListTargetsByRule was still answering NextToken after {MAX_PAGES} pages"),
            );
            return Collected::Unknown;
        }
        let request = client
            .list_targets_by_rule()
            .rule(&rule.name)
            .set_next_token(token.take())
            .send();
        match ctx
            .call(Operation::ListTargetsByRule, &scope, request)
            .await
        {
            Ok(out) => {
                targets.extend(out.targets().iter().map(|t| EventTarget {
                    id: t.id().to_string(),
                    arn: t.arn().to_string(),
                }));
                match out.next_token() {
                    Some(next) if !next.is_empty() => token = Some(next.to_string()),
                    _ => break,
                }
            }
            Err(failure) => {
                ctx.gap(Operation::ListTargetsByRule, &scope, &failure);
                return Collected::Unknown;
            }
        }
    }
    targets.sort_by(|a, b| a.id.cmp(&b.id));
    Collected::Present(targets)
}

//! EventBridge: the rules on a region's default event bus (ListRules) and each rule's targets
//! (ListTargetsByRule). Neither has an SDK paginator: pages are followed by `NextToken`, each a
//! counted call, at most [`MAX_PAGES`] of them.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::Operation;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures_util::future::join_all;
use trailguard_snapshot::{Collected, EventRule, EventTarget};

/// The most pages of one listing followed before it is called incomplete (a token that never
/// ends would otherwise loop for ever).
const MAX_PAGES: usize = 1_000;

/// Every page of a listing that AWS pages with `NextToken` (`send` makes the request for a
/// token, `next` reads the answer's); `Unknown` with a gap when a page failed or the token
/// never ended.
async fn all_pages<T, E, Fut>(
    ctx: &Ctx,
    op: Operation,
    scope: &Scope<'_>,
    send: impl Fn(Option<String>) -> Fut,
    next: impl Fn(&T) -> Option<&str>,
) -> Collected<Vec<T>>
where
    Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    for page in 0.. {
        if page == MAX_PAGES {
            ctx.incomplete(
                op,
                scope,
                format!(
                    "{} was still answering NextToken after {MAX_PAGES} pages",
                    op.name()
                ),
            );
            return Collected::Unknown;
        }
        match ctx.call(op, scope, send(token.take())).await {
            Ok(out) => {
                token = next(&out).filter(|t| !t.is_empty()).map(str::to_string);
                pages.push(out);
                if token.is_none() {
                    break;
                }
            }
            Err(failure) => {
                ctx.gap(op, scope, &failure);
                return Collected::Unknown;
            }
        }
    }
    Collected::Present(pages)
}

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
    let pages = all_pages(
        ctx,
        Operation::ListRules,
        &scope,
        |token| client.list_rules().set_next_token(token).send(),
        |out| out.next_token(),
    );
    let Collected::Present(pages) = pages.await else {
        return Collected::Unknown;
    };
    let mut rules = Vec::new();
    for rule in pages.iter().flat_map(|p| p.rules()) {
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
    let pages = all_pages(
        ctx,
        Operation::ListTargetsByRule,
        &scope,
        |token| {
            client
                .list_targets_by_rule()
                .rule(&rule.name)
                .set_next_token(token)
                .send()
        },
        |out| out.next_token(),
    );
    pages.await.map(|pages| {
        let mut targets: Vec<EventTarget> = pages
            .iter()
            .flat_map(|p| p.targets())
            .map(|t| EventTarget {
                id: t.id().to_string(),
                arn: t.arn().to_string(),
            })
            .collect();
        targets.sort_by(|a, b| a.id.cmp(&b.id));
        targets
    })
}

//! Policy variables in resource patterns: `${aws:username}`, `${aws:PrincipalTag/team}`, the
//! escapes `${*}`, `${?}`, `${$}`, and defaults (`${aws:username, 'none'}`).

use crate::condition::Context;
use crate::truth::Truth;

/// The pattern with its variables replaced: `Ok(None)` when a variable's key is absent from the
/// request and has no default (AWS then treats the element as not matching), `Err(Maybe)` when
/// a key is unknown.
pub(crate) fn substitute(pattern: &str, context: &Context) -> Result<Option<String>, Truth> {
    if !pattern.contains("${") {
        return Ok(Some(pattern.to_string()));
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // Not a variable: kept as written.
            out.push_str(&rest[start..]);
            return Ok(Some(out));
        };
        let inner = &after[..end];
        rest = &after[end + 1..];
        match inner {
            "*" | "?" | "$" => out.push_str(inner),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((key, default)) => (
                        key.trim(),
                        Some(default.trim().trim_matches('\'').to_string()),
                    ),
                    None => (inner.trim(), None),
                };
                match (context.single(key), default) {
                    (Some(Some(value)), _) => out.push_str(value),
                    (Some(None), Some(default)) => out.push_str(&default),
                    (Some(None), None) => return Ok(None),
                    (None, _) => return Err(Truth::maybe(format!("policy variable ${{{key}}}"))),
                }
            }
        }
    }
    out.push_str(rest);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_replaced_or_left_unknown() {
        let ctx = Context::new()
            .with("aws:username", "jane")
            .without("aws:PrincipalTag/team");
        assert_eq!(
            substitute("arn:aws:s3:::home/${aws:username}/*", &ctx),
            Ok(Some("arn:aws:s3:::home/jane/*".into()))
        );
        assert_eq!(substitute("a${*}b${$}", &ctx), Ok(Some("a*b$".into())));
        assert_eq!(substitute("x/${aws:PrincipalTag/team}", &ctx), Ok(None));
        assert_eq!(
            substitute("x/${aws:PrincipalTag/team, 'none'}", &ctx),
            Ok(Some("x/none".into()))
        );
        assert_eq!(
            substitute("x/${aws:userid}", &ctx),
            Err(Truth::maybe("policy variable ${aws:userid}"))
        );
    }
}

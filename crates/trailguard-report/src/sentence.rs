//! The first sentence of a rule's remediation, for the text report: a hint beside each finding,
//! with the rule's documentation a link away.
//!
//! Remediations are Markdown: prose with `code spans` (commands whose arguments hold dots and
//! colons) and, after a paragraph break, lists and code blocks. The first sentence is the prose up
//! to the first paragraph break or the first `.`, `!` or `?` outside a code span that ends the
//! text or is followed by a space and a capital letter (so `e.g. \`...\`` does not end it). A
//! sentence longer than the report shows is cut at a space outside code spans, never inside a
//! command, and ends with `…`.

/// The longest remediation hint the text report shows, in characters.
pub(crate) const MAX_HINT_CHARS: usize = 240;

/// The first sentence of `markdown`, on one line, at most `max` characters (plus the ` …` that
/// marks a cut); empty when `markdown` is blank.
pub(crate) fn first_sentence(markdown: &str, max: usize) -> String {
    let text = markdown.trim_start();
    let paragraph = text.split_once("\n\n").map_or(text, |(first, _)| first);
    let flat = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let mut end = chars.len();
    let mut in_code = false;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '.' | '!' | '?' if !in_code => {
                let ends = match (chars.get(i + 1), chars.get(i + 2)) {
                    (None, _) => true,
                    (Some(' '), Some(next)) => next.is_uppercase(),
                    _ => false,
                };
                if ends {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let sentence = &chars[..end];
    if sentence.len() <= max {
        return finished(sentence.iter().collect());
    }
    // Cut at the last space outside a code span that keeps the hint within `max`.
    let mut cut = None;
    let mut in_code = false;
    for (i, &c) in sentence.iter().enumerate().take(max + 1) {
        match c {
            '`' => in_code = !in_code,
            ' ' if !in_code => cut = Some(i),
            _ => {}
        }
    }
    let kept: String = match cut {
        Some(at) => sentence[..at].iter().collect(),
        // One code span longer than the hint: cut inside it after all.
        None => sentence[..max].iter().collect(),
    };
    let kept = kept.trim_end_matches([' ', ',', ';', ':']);
    format!("{kept} …")
}

/// A whole sentence that ends like one: a paragraph that ends in `:` (a list or a code block
/// follows) or in a code span gets a full stop.
fn finished(sentence: String) -> String {
    let trimmed = sentence.trim_end_matches([' ', ',', ';', ':']);
    if trimmed.is_empty() || trimmed.ends_with(['.', '!', '?']) {
        trimmed.to_string()
    } else {
        format!("{trimmed}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sentence_ends_at_a_full_stop_outside_code() {
        assert_eq!(
            first_sentence(
                "Read the errors with `aws cloudtrail get-trail-status --name a.b`. Recreate a \
                 missing bucket.",
                240
            ),
            "Read the errors with `aws cloudtrail get-trail-status --name a.b`."
        );
        // Neither an abbreviation before code nor a dot inside it ends the sentence.
        assert_eq!(
            first_sentence(
                "Add a condition, e.g. `\"aws:SourceArn\": \"x. Y\"`; then apply it. Next.",
                240
            ),
            "Add a condition, e.g. `\"aws:SourceArn\": \"x. Y\"`; then apply it."
        );
        // Soft line breaks are spaces; the whole text may be one sentence.
        assert_eq!(
            first_sentence(
                "Enable automatic\nrotation: `aws kms enable-key-rotation`.",
                240
            ),
            "Enable automatic rotation: `aws kms enable-key-rotation`."
        );
    }

    #[test]
    fn a_paragraph_break_ends_the_sentence() {
        assert_eq!(
            first_sentence(
                "Remove the public access so it cannot come back:\n\n- ACL: `aws s3api ...`",
                240
            ),
            "Remove the public access so it cannot come back."
        );
        assert_eq!(
            first_sentence("Fix TG011:\n\n```sh\naws cloudtrail add-tags\n```", 240),
            "Fix TG011."
        );
        assert_eq!(first_sentence("  \n\n", 240), "");
    }

    #[test]
    fn a_long_sentence_is_cut_between_code_spans_not_inside_one() {
        let text = "Alert on the events: a metric filter, an alarm: `aws logs put-metric-filter \
                    --log-group-name LOG_GROUP --filter-name x`, then `aws sns subscribe`.";
        let hint = first_sentence(text, 60);
        assert_eq!(hint, "Alert on the events: a metric filter, an alarm …");
        assert!(hint.chars().count() <= 60 + 2);
        // A single code span longer than the limit is cut where the limit falls.
        let hint = first_sentence("`aws cloudtrail put-insight-selectors --trail-name T`", 20);
        assert_eq!(hint, "`aws cloudtrail put- …");
    }
}

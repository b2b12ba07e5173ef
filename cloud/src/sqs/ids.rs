//! SQS's rules for MessageGroupId and MessageDeduplicationId.
//!
//! Ids that break them are refused rather than rewritten: two task URIs rewritten to the same
//! deduplication id would make SQS silently drop the second task.

use sluice_core::tasks::{QueueError, QueueMessage};

const MAX_LEN: usize = 128;

/// Checks every message before any is sent, so a bad id never leaves a batch half published.
pub(super) fn validate(messages: &[QueueMessage]) -> Result<(), QueueError> {
    for m in messages {
        check("MessageGroupId", "group id", &m.group_id)?;
        check("MessageDeduplicationId", "dedup id", &m.dedup_id)?;
    }
    Ok(())
}

fn check(sqs_name: &str, name: &str, id: &str) -> Result<(), QueueError> {
    let problem = if id.is_empty() {
        Some("is empty".to_owned())
    } else if id.len() > MAX_LEN {
        Some(format!("is {} characters long, over SQS's {MAX_LEN}", id.len()))
    } else {
        // SQS allows exactly the printable ASCII characters other than space.
        id.chars()
            .find(|c| !c.is_ascii_graphic())
            .map(|c| format!("contains {c:?}, which SQS does not allow"))
    };
    match problem {
        Some(problem) => Err(QueueError::new(format!(
            "publish: the {name} {id:?} {problem} (SQS {sqs_name} allows 1 to {MAX_LEN} printable ASCII characters \
             other than space); nothing was sent"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(group: &str, dedup: &str) -> QueueMessage {
        QueueMessage::for_task(dedup, group)
    }

    #[test]
    fn uris_and_all_of_sqs_punctuation_pass() {
        validate(&[msg("abc12345", "t1"), msg("arn:aws:x/y", r##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##)])
            .expect("valid");
        validate(&[msg(&"g".repeat(128), &"d".repeat(128))]).expect("128 characters are allowed");
    }

    #[test]
    fn bad_ids_are_refused_with_the_id_named() {
        let cases = [
            (msg("", "t"), "group id \"\" is empty"),
            (msg("g", &"d".repeat(129)), "is 129 characters long"),
            (msg("has space", "t"), "contains ' '"),
            (msg("g", "tâche"), "contains 'â'"),
            (msg("g", "tab\t"), "contains '\\t'"),
        ];
        for (m, expected) in cases {
            let err = validate(&[msg("ok", "ok"), m]).expect_err("refused").to_string();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        }
    }
}

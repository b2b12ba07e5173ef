//! What a key-value tag may hold: AWS's rules for tags, so that a stack carrying them deploys,
//! plus Sluice's own reserved prefix.

use crate::{Error, Result};

/// AWS allows 50 tags on a stack and on each resource it tags; Sluice's own stack tags
/// (`sluice:dataset-uri`, `sluice:environment-uri`, `sluice:organization-uri`) take three.
pub const MAX_TAGS: usize = 47;
/// AWS's limits, in characters.
pub const MAX_KEY: usize = 128;
pub const MAX_VALUE: usize = 256;

/// Prefixes no tag key may start with, in any case: AWS reserves `aws:`, and Sluice's own stack
/// tags, which its pivot role tells its resources by, are `sluice:`.
const RESERVED: [&str; 2] = ["aws:", "sluice:"];

/// One tag as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTag {
    pub key: String,
    pub value: String,
    pub cascade: bool,
}

/// The characters AWS accepts in tag keys and values alike (IAM, S3, KMS and CloudFormation):
/// letters, digits, spaces and `_ . : / = + - @`. Only the plain space: the other Unicode spaces
/// AWS takes are invisible in most consoles.
pub(super) fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

pub(super) const CHARSET: &str = "letters, digits, spaces and _ . : / = + - @";

/// Checks a whole set of tags as data.all's input holds it (a list that may be null, of tags
/// that may be null), and returns it; the first problem found is refused, naming where it is
/// (`tags[2].key`).
pub(crate) fn check(tags: Option<Vec<Option<NewTag>>>) -> Result<Vec<NewTag>> {
    let tags = tags.ok_or_else(|| {
        Error::validation(
            "tags",
            "send the whole set of tags: it replaces the current one, and [] removes them all",
        )
    })?;
    let tags = tags
        .into_iter()
        .enumerate()
        .map(|(i, tag)| tag.ok_or_else(|| Error::validation(format!("tags[{i}]"), "a tag must not be null")))
        .collect::<Result<Vec<NewTag>>>()?;
    check_set(&tags)?;
    Ok(tags)
}

fn check_set(tags: &[NewTag]) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Error::validation(
            "tags",
            format!(
                "at most {MAX_TAGS} tags (AWS allows 50 per stack, and Sluice's own take 3); {} were sent",
                tags.len()
            ),
        ));
    }
    for (i, tag) in tags.iter().enumerate() {
        check_key(i, &tag.key)?;
        check_value(i, &tag.key, &tag.value)?;
    }
    let mut seen: Vec<(String, &str)> = Vec::with_capacity(tags.len());
    for tag in tags {
        let folded = tag.key.to_lowercase();
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == folded) {
            let how = if *first == tag.key { "twice".to_owned() } else { format!("also as \"{first}\"") };
            return Err(Error::validation(
                "tags",
                format!(
                    "the key \"{}\" is given {how}; each key may appear once (keys are compared without \
                     case, as IAM compares them)",
                    tag.key
                ),
            ));
        }
        seen.push((folded, &tag.key));
    }
    Ok(())
}

fn check_key(i: usize, key: &str) -> Result<()> {
    let field = format!("tags[{i}].key");
    let length = key.chars().count();
    if key.trim().is_empty() {
        return Err(Error::validation(field, "a tag key must not be empty or blank"));
    }
    if length > MAX_KEY {
        return Err(Error::validation(
            field,
            format!("a tag key has at most {MAX_KEY} characters; this one has {length}"),
        ));
    }
    if let Some(bad) = key.chars().find(|c| !allowed(*c)) {
        return Err(Error::validation(
            field,
            format!("the key \"{}\" holds {bad:?}; tag keys may hold {CHARSET} only", key.escape_debug()),
        ));
    }
    let lower = key.to_lowercase();
    if let Some(prefix) = RESERVED.iter().find(|p| lower.starts_with(*p)) {
        let whose = if *prefix == "aws:" { "AWS reserves it" } else { "Sluice's own stack tags use it" };
        return Err(Error::validation(
            field,
            format!("the key \"{key}\" starts with \"{prefix}\", which {whose}; choose another key"),
        ));
    }
    Ok(())
}

fn check_value(i: usize, key: &str, value: &str) -> Result<()> {
    let field = format!("tags[{i}].value");
    let length = value.chars().count();
    if length > MAX_VALUE {
        return Err(Error::validation(
            field,
            format!("the value of \"{key}\" has {length} characters; a tag value has at most {MAX_VALUE}"),
        ));
    }
    if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
        return Err(Error::validation(
            field,
            format!("the value of \"{key}\" holds {bad:?}; tag values may hold {CHARSET} only"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> NewTag {
        NewTag { key: key.into(), value: value.into(), cascade: false }
    }

    fn refusal(tags: &[NewTag]) -> (String, String) {
        match check_set(tags) {
            Err(Error::Validation { field, message }) => (field, message),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn aws_tags_pass() {
        let tags = [
            tag("CostCenter", "1234"),
            tag("team name", ""),
            tag("a.b:c/d=e+f-g@h_i", "x y.z:1/2=3+4-5@6_7"),
            tag("Kostenstelle", "Zürich"),
            tag(&"k".repeat(MAX_KEY), &"v".repeat(MAX_VALUE)),
        ];
        assert!(check_set(&tags).is_ok());
        assert!(check_set(&[]).is_ok(), "no tags at all clears them");
    }

    #[test]
    fn each_rule_names_the_field_it_refuses() {
        assert_eq!(refusal(&[tag("ok", ""), tag("", "v")]).0, "tags[1].key");
        assert_eq!(refusal(&[tag("   ", "v")]).0, "tags[0].key");
        assert_eq!(refusal(&[tag(&"k".repeat(MAX_KEY + 1), "v")]).0, "tags[0].key");
        assert_eq!(refusal(&[tag("k", &"v".repeat(MAX_VALUE + 1))]).0, "tags[0].value");
        let (field, message) = refusal(&[tag("cost#center", "v")]);
        assert_eq!(field, "tags[0].key");
        assert!(message.contains("'#'") && message.contains("_ . : / = + - @"), "{message}");
        assert_eq!(refusal(&[tag("k", "a,b")]).0, "tags[0].value");
        assert_eq!(refusal(&[tag("k", "line\nbreak")]).0, "tags[0].value");
        assert_eq!(refusal(&[tag("k\u{202e}", "v")]).0, "tags[0].key", "direction controls are not letters");
    }

    #[test]
    fn reserved_prefixes_are_refused_in_any_case() {
        for key in
            ["aws:cloudformation:stack-name", "AWS:x", "Aws:", "sluice:environment-uri", "SLUICE:pivot-role"]
        {
            let (field, message) = refusal(&[tag(key, "v")]);
            assert_eq!(field, "tags[0].key", "{key}");
            assert!(message.contains("choose another key"), "{message}");
        }
        assert!(check_set(&[tag("aws", "v"), tag("awsome:x", "v"), tag("my-sluice:x", "v")]).is_ok());
    }

    #[test]
    fn a_missing_list_or_tag_is_refused_not_read_as_no_tags() {
        let field = |r: Result<Vec<NewTag>>| match r {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(field(check(None)), "tags");
        assert_eq!(field(check(Some(vec![Some(tag("a", "b")), None]))), "tags[1]");
        assert_eq!(check(Some(vec![])).expect("an empty set clears"), vec![]);
    }

    #[test]
    fn keys_differing_only_in_case_are_one_key() {
        let (field, message) = refusal(&[tag("Team", "a"), tag("other", "b"), tag("team", "c")]);
        assert_eq!(field, "tags");
        assert!(message.contains("\"team\"") && message.contains("\"Team\""), "{message}");
        let (_, twice) = refusal(&[tag("x", "a"), tag("x", "a")]);
        assert!(twice.contains("twice"), "{twice}");
    }

    #[test]
    fn too_many_tags_are_refused_before_anything_else() {
        let many: Vec<NewTag> = (0..=MAX_TAGS).map(|i| tag(&format!("k{i}"), "v")).collect();
        let (field, message) = refusal(&many);
        assert_eq!(field, "tags");
        assert!(message.contains(&format!("at most {MAX_TAGS}")), "{message}");
        assert!(check_set(&many[..MAX_TAGS]).is_ok());
    }
}

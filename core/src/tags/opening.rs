//! Which key-value tags an account's owner lets Sluice's stacks carry.
//!
//! The pivot role may tag the roles and keys its stacks create with Sluice's own `sluice:*`
//! tags, which no policy reads. Any other key could grant access wherever the account's own
//! policies read tags (ABAC on `aws:PrincipalTag` or `aws:ResourceTag`), so only the account's
//! owner may allow more, in the pivot-role template (`StackTagKeys`): a key prefix, or every
//! key. IAM holds the pivot role to that; Sluice reads the choice back from the role's
//! [`STACK_TAG_PREFIX_TAG`](crate::environments::link::STACK_TAG_PREFIX_TAG) tag and refuses tags outside it when they are set, rather than at a
//! deploy that IAM would refuse and roll back.

use crate::{Error, Result};

use super::NewTag;
use super::rules::{CHARSET, allowed};

/// The `StackTagKeys` value that allows no key beyond Sluice's own: the template's default.
pub const NO_KEYS_PATTERN: &str = "sluice:*";
/// The longest prefix a pattern may name, leaving keys room after it.
pub const MAX_PREFIX: usize = 100;

/// What a pivot role opens to stack tags besides Sluice's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenTagKeys {
    /// Nothing: the template's default, and every pivot role deployed before the choice existed.
    Nothing,
    /// Keys that start with this (compared with case, as IAM's `StringLike` compares).
    Prefix(String),
    /// Every key: the owner's statement that no policy of the account reads tags.
    Every,
}

impl OpenTagKeys {
    /// Reads the template's `StackTagKeys` value: `*` (every key), `<prefix>*`, or
    /// [`NO_KEYS_PATTERN`]; none at all means nothing.
    pub fn parse_pattern(value: Option<&str>) -> Result<Self> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(Self::Nothing) };
        let refuse = |why: String| {
            Error::validation(
                "stackTagKeys",
                format!(
                    "{why}; write \"*\" for every key, a prefix followed by \"*\" (\"acme-*\"), or leave it \
                     out to allow Sluice's own tags only"
                ),
            )
        };
        let Some(prefix) = value.strip_suffix('*') else {
            return Err(refuse(format!("\"{}\" does not end with \"*\"", value.escape_debug())));
        };
        if let Some(bad) = prefix.chars().find(|c| !allowed(*c)) {
            return Err(refuse(format!("the prefix holds {bad:?}, and tag keys may hold {CHARSET} only")));
        }
        if prefix.chars().count() > MAX_PREFIX {
            return Err(refuse(format!("the prefix is longer than {MAX_PREFIX} characters")));
        }
        Ok(match prefix {
            "" => Self::Every,
            "sluice:" => Self::Nothing,
            p if p.to_lowercase().starts_with("aws:") || p.to_lowercase().starts_with("sluice:") => {
                return Err(refuse(format!(
                    "keys starting with \"{p}\" are reserved (AWS's and Sluice's own), so users can set none"
                )));
            }
            p => Self::Prefix(p.to_owned()),
        })
    }

    /// The `aws:TagKeys` pattern the pivot role's tagging statements allow besides Sluice's own.
    pub fn pattern(&self) -> String {
        match self {
            Self::Nothing => NO_KEYS_PATTERN.to_owned(),
            Self::Prefix(p) => format!("{p}*"),
            Self::Every => "*".to_owned(),
        }
    }

    /// The value of the pivot role's [`STACK_TAG_PREFIX_TAG`](crate::environments::link::STACK_TAG_PREFIX_TAG): the pattern without its `*`
    /// (tag values may not hold one).
    pub fn role_tag_value(&self) -> String {
        let pattern = self.pattern();
        pattern.strip_suffix('*').unwrap_or(&pattern).to_owned()
    }

    /// What a pivot role opens, from its [`STACK_TAG_PREFIX_TAG`](crate::environments::link::STACK_TAG_PREFIX_TAG) tag.
    pub fn from_role_tag(value: Option<&str>) -> Self {
        match value {
            None => Self::Nothing,
            Some("") => Self::Every,
            Some(p) if p.to_lowercase().starts_with("sluice:") || p.to_lowercase().starts_with("aws:") => {
                Self::Nothing
            }
            Some(p) => Self::Prefix(p.to_owned()),
        }
    }

    pub fn allows(&self, key: &str) -> bool {
        match self {
            Self::Nothing => false,
            Self::Prefix(p) => key.starts_with(p.as_str()),
            Self::Every => true,
        }
    }
}

/// Refuses the first tag whose key the pivot role of `account` does not open, naming it and
/// what would allow it.
pub(crate) fn require_opened(open: &OpenTagKeys, tags: &[NewTag], account: &str) -> Result<()> {
    let Some((i, tag)) = tags.iter().enumerate().find(|(_, t)| !open.allows(&t.key)) else { return Ok(()) };
    let message = match open {
        OpenTagKeys::Nothing => format!(
            "the pivot role of account {account} lets stacks carry no key-value tags besides Sluice's own, so \
             IAM would refuse the deploy; ask the account's owner to redeploy the pivot role with \
             StackTagKeys set (a prefix such as \"acme-*\", or \"*\" for every key), or leave the tags out"
        ),
        OpenTagKeys::Prefix(p) => format!(
            "the pivot role of account {account} lets stacks carry only tags whose key starts with \"{p}\" \
             (with this case), and \"{}\" does not; rename the key, or ask the account's owner to redeploy \
             the pivot role with another StackTagKeys",
            tag.key
        ),
        OpenTagKeys::Every => unreachable!("every key is open"),
    };
    Err(Error::validation(format!("tags[{i}].key"), message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environments::link::STACK_TAG_PREFIX_TAG;

    fn tag(key: &str) -> NewTag {
        NewTag { key: key.into(), value: "v".into(), cascade: false }
    }

    #[test]
    fn patterns_read_as_the_template_writes_them() {
        assert_eq!(OpenTagKeys::parse_pattern(None).expect("a good pattern"), OpenTagKeys::Nothing);
        assert_eq!(OpenTagKeys::parse_pattern(Some(" ")).expect("a good pattern"), OpenTagKeys::Nothing);
        assert_eq!(
            OpenTagKeys::parse_pattern(Some(NO_KEYS_PATTERN)).expect("a good pattern"),
            OpenTagKeys::Nothing
        );
        assert_eq!(OpenTagKeys::parse_pattern(Some("*")).expect("a good pattern"), OpenTagKeys::Every);
        assert_eq!(
            OpenTagKeys::parse_pattern(Some("acme-*")).expect("a good pattern"),
            OpenTagKeys::Prefix("acme-".into())
        );
        for bad in ["acme", "ac*me", "a?*", "aws:*", "AWS:x*", "Sluice:x*", "a,b*"] {
            let refused = OpenTagKeys::parse_pattern(Some(bad)).expect_err(bad);
            assert!(
                matches!(refused, Error::Validation { ref field, .. } if field == "stackTagKeys"),
                "{bad}"
            );
        }
        let long = format!("{}*", "k".repeat(MAX_PREFIX + 1));
        assert!(OpenTagKeys::parse_pattern(Some(&long)).is_err());
    }

    #[test]
    fn the_role_tag_round_trips_and_an_untagged_role_opens_nothing() {
        for open in [OpenTagKeys::Nothing, OpenTagKeys::Every, OpenTagKeys::Prefix("cost-".into())] {
            assert_eq!(OpenTagKeys::from_role_tag(Some(&open.role_tag_value())), open);
        }
        assert_eq!(OpenTagKeys::from_role_tag(None), OpenTagKeys::Nothing);
        assert_eq!(OpenTagKeys::from_role_tag(Some("aws:")), OpenTagKeys::Nothing);
        assert_eq!(STACK_TAG_PREFIX_TAG, "sluice:stack-tag-prefix");
    }

    #[test]
    fn keys_outside_what_is_open_are_refused_by_position() {
        let prefix = OpenTagKeys::Prefix("cost-".into());
        assert!(require_opened(&prefix, &[tag("cost-center"), tag("cost-")], "111122223333").is_ok());
        let Err(Error::Validation { field, message }) =
            require_opened(&prefix, &[tag("cost-center"), tag("Cost-owner")], "111122223333")
        else {
            panic!("a key in another case is refused, as IAM compares with case");
        };
        assert_eq!(field, "tags[1].key");
        assert!(message.contains("\"cost-\"") && message.contains("111122223333"), "{message}");
        let Err(Error::Validation { field, message }) =
            require_opened(&OpenTagKeys::Nothing, &[tag("team")], "111122223333")
        else {
            panic!("nothing is open");
        };
        assert_eq!(field, "tags[0].key");
        assert!(message.contains("StackTagKeys"), "{message}");
        assert!(require_opened(&OpenTagKeys::Nothing, &[], "111122223333").is_ok());
        assert!(require_opened(&OpenTagKeys::Every, &[tag("anything at all")], "111122223333").is_ok());
    }
}

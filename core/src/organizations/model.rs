//! Organization types and the validation of what users send.

use crate::{Actor, Error, Result};

pub const RESOURCE_TYPE: &str = "organization";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub owner: String,
    /// The admin team.
    pub saml_group_name: String,
    pub archived: bool,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Organization {
    pub(crate) fn from_model(m: sluice_entities::organization::Model) -> Result<Self> {
        let tags = serde_json::from_str(&m.tags).map_err(|e| Error::Internal(Box::new(e)))?;
        Ok(Self {
            organization_uri: m.organization_uri,
            label: m.label,
            name: m.name,
            description: m.description,
            tags,
            owner: m.owner,
            saml_group_name: m.saml_group_name,
            archived: m.archived,
            created: m.created,
            updated: m.updated,
        })
    }

    /// data.all's `userRoleInOrganization`.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        if self.owner == actor.username() {
            UserRole::Owner
        } else if actor.in_group(&self.saml_group_name) {
            UserRole::Admin
        } else {
            // Only callers who passed the GET_ORGANIZATION check hold an organization.
            UserRole::Invited
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserRole {
    Owner,
    Admin,
    Member,
    NotMember,
    Invited,
}

#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub saml_group_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ModifyOrganization {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub saml_group_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Created,
    Updated,
    Label,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub term: Option<String>,
    pub display_archived: bool,
    pub sort: Vec<Sort>,
    pub roles: Vec<UserRole>,
    pub tags: Vec<String>,
}

/// A team in an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationGroup {
    pub organization_uri: String,
    pub group_uri: String,
    pub invited_by: String,
    pub created: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrganizationStats {
    pub groups: u64,
    pub environments: u64,
}

const MAX_LABEL: usize = 255;
const MAX_DESCRIPTION: usize = 5_000;
const MAX_TAGS: usize = 50;
const MAX_TAG: usize = 128;
const MAX_GROUP: usize = 255;

/// Unicode's explicit direction controls (embeddings, overrides, isolates and marks): text that
/// reads one way and is stored another, as in "Trojan Source".
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses control characters (line breaks and tabs too, unless `multiline`) and direction
/// controls: they reach CloudFormation, IAM and people's screens, where they break XML or
/// disguise text.
pub(crate) fn printable(field: &str, text: &str, multiline: bool) -> Result<()> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    match text.chars().find(|c| (c.is_control() && !allowed(*c)) || is_bidi_control(*c)) {
        None => Ok(()),
        Some(c) => Err(Error::validation(
            field,
            format!("must not contain the control or direction character U+{:04X}", u32::from(c)),
        )),
    }
}

pub(crate) fn label(value: Option<&str>) -> Result<String> {
    let label = value.map(str::trim).unwrap_or_default();
    if label.is_empty() {
        return Err(Error::required("label"));
    }
    if label.chars().count() > MAX_LABEL {
        return Err(Error::validation("label", format!("must be at most {MAX_LABEL} characters")));
    }
    printable("label", label, false)?;
    Ok(label.to_owned())
}

pub(crate) fn description(value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) if d.chars().count() > MAX_DESCRIPTION => {
            Err(Error::validation("description", format!("must be at most {MAX_DESCRIPTION} characters")))
        }
        Some(d) => {
            printable("description", d, true)?;
            Ok(Some(d.to_owned()))
        }
    }
}

pub(crate) fn tags(value: Option<&[String]>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in value.unwrap_or_default() {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > MAX_TAG {
            return Err(Error::validation("tags", format!("each tag must be at most {MAX_TAG} characters")));
        }
        printable("tags", tag, false)?;
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::validation("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

pub(crate) fn group(field: &str, value: Option<&str>) -> Result<String> {
    let group = value.map(str::trim).unwrap_or_default();
    if group.is_empty() {
        return Err(Error::validation(field, "a team (IdP group) name is required"));
    }
    if group.chars().count() > MAX_GROUP || group.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(Error::validation(field, "must be a group name of at most 255 printable characters"));
    }
    Ok(group.to_owned())
}

/// A team is assigned as an admin team only by its own members, or by a platform admin, so
/// nobody hands a resource to a team they cannot act for.
pub(crate) fn require_membership(actor: &Actor, field: &str, group: &str) -> Result<()> {
    if actor.is_admin() || actor.in_group(group) {
        Ok(())
    } else {
        Err(Error::validation(field, format!("you are not a member of {group}; pick one of your teams")))
    }
}

/// data.all's `name`: the label in lowercase, runs of other characters folded into one dash.
pub(crate) fn slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_required() {
        assert_eq!(label(Some("  Finance ")).expect("valid"), "Finance");
        assert_eq!(label(Some("   ")).expect_err("empty").code(), "BAD_USER_INPUT");
        assert_eq!(label(Some(&"x".repeat(256))).expect_err("long").code(), "BAD_USER_INPUT");
    }

    #[test]
    fn control_and_direction_characters_are_refused() {
        for bad in ["a\u{0}b", "a\nb", "evil\u{202e}txt.exe", "a\u{2066}b", "\u{1b}[31m"] {
            assert_eq!(label(Some(bad)).expect_err(bad).code(), "BAD_USER_INPUT", "{bad:?}");
            assert!(tags(Some(&[bad.to_owned()])).is_err(), "{bad:?}");
            assert!(group("g", Some(bad)).is_err(), "{bad:?}");
        }
        assert_eq!(
            description(Some("two\nlines\tand a tab")).expect("multiline").as_deref(),
            Some("two\nlines\tand a tab")
        );
        assert!(description(Some("a\u{202e}b")).is_err());
        assert!(description(Some("a\u{0}b")).is_err());
        assert_eq!(
            label(Some("Données clients 日本")).expect("unicode letters are fine"),
            "Données clients 日本"
        );
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let input = vec![" a".to_owned(), "a".to_owned(), "".to_owned(), "b".to_owned()];
        assert_eq!(tags(Some(&input)).expect("valid"), vec!["a".to_owned(), "b".to_owned()]);
    }

    #[test]
    fn slug_folds_punctuation() {
        assert_eq!(slug("Finance & Risk (EU)"), "finance-risk-eu");
    }

    #[test]
    fn only_members_or_admins_may_name_a_team() {
        let alice = crate::testkit::user("alice", &["TeamA"]);
        assert!(require_membership(&alice, "SamlGroupName", "TeamA").is_ok());
        assert!(require_membership(&alice, "SamlGroupName", "TeamB").is_err());
        let admin = crate::testkit::user("root", &[crate::testkit::ADMIN_GROUP]);
        assert!(require_membership(&admin, "SamlGroupName", "TeamB").is_ok());
    }
}

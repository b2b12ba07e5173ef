//! Glossary nodes and the input rules for them.

use sluice_entities::glossary_node as node;

use crate::{Actor, Error, Result, authz::proof::stored_resource, organizations::validate};

pub const RESOURCE_TYPE: &str = "glossary";
/// Categories nest; deeper trees are refused, so a path stays short and a tree readable.
pub const MAX_DEPTH: usize = 8;
const MAX_README: usize = 10_000;
const MAX_STATUS: usize = 32;

/// What a node is. data.all's filters say `G`, `C` and `T`; Sluice stores the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    Glossary,
    Category,
    Term,
}

impl NodeType {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Glossary => "glossary",
            Self::Category => "category",
            Self::Term => "term",
        }
    }

    /// A `nodeType` filter: data.all's letters or the words, in any case.
    pub fn parse_filter(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "g" | "glossary" => Ok(Self::Glossary),
            "c" | "category" => Ok(Self::Category),
            "t" | "term" => Ok(Self::Term),
            other => Err(Error::validation(
                "nodeType",
                format!("must be G (glossary), C (category) or T (term), not \"{other}\""),
            )),
        }
    }

    fn from_stored(value: &str) -> Result<Self> {
        Self::parse_filter(value)
            .map_err(|_| Error::Internal(format!("unknown glossary node type {value:?}").into()))
    }
}

/// A glossary, category or term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryNode {
    pub node_uri: String,
    pub node_type: NodeType,
    /// Empty for a glossary.
    pub parent_uri: String,
    pub glossary_uri: String,
    pub path: String,
    pub label: String,
    pub readme: String,
    pub status: String,
    /// The glossary's owner team.
    pub admin: String,
    /// Who created the node.
    pub owner: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl GlossaryNode {
    pub(crate) fn from_model(m: node::Model) -> Result<Self> {
        Ok(Self {
            node_type: NodeType::from_stored(&m.node_type)?,
            node_uri: m.node_uri,
            parent_uri: m.parent_uri,
            glossary_uri: m.glossary_uri,
            path: m.path,
            label: m.label,
            readme: m.readme,
            status: m.status,
            admin: m.admin,
            owner: m.owner,
            created: m.created,
            updated: m.updated,
        })
    }

    /// The actor may change the node: a member of its glossary's team, or a platform admin.
    /// The same rule as [`crate::authz::glossary::ManageGlossary`], for showing roles only.
    pub fn is_managed_by(&self, actor: &Actor) -> bool {
        actor.is_admin() || actor.in_group(&self.admin)
    }

    /// How deep the node sits: a glossary is 1.
    pub(crate) fn depth(&self) -> usize {
        self.path.split('/').filter(|s| !s.is_empty()).count()
    }
}

/// A glossary node that is a glossary: what glossary rights are checked on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary(pub GlossaryNode);

impl Glossary {
    fn from_row(m: node::Model) -> Result<Self> {
        let node = GlossaryNode::from_model(m)?;
        match node.node_type {
            NodeType::Glossary => Ok(Self(node)),
            other => Err(Error::Internal(
                format!("{} {} checked as a glossary", other.as_str(), node.node_uri).into(),
            )),
        }
    }
}

impl std::ops::Deref for Glossary {
    type Target = GlossaryNode;
    fn deref(&self) -> &GlossaryNode {
        &self.0
    }
}

stored_resource!(Glossary, Glossary, node::Entity, node::Column::NodeUri, Glossary::from_row);

/// A new glossary, category or term.
#[derive(Debug, Clone, Default)]
pub struct NewNode {
    pub label: Option<String>,
    pub readme: Option<String>,
    pub status: Option<String>,
    /// A glossary's owner team; children take their glossary's.
    pub admin: Option<String>,
}

/// Changes to a node; what is None stays.
#[derive(Debug, Clone, Default)]
pub struct ModifyNode {
    pub label: Option<String>,
    pub readme: Option<String>,
    pub status: Option<String>,
    /// Glossaries only: hands the glossary to another team.
    pub admin: Option<String>,
}

/// data.all's filters on glossary lists.
#[derive(Debug, Clone, Default)]
pub struct NodeFilter {
    /// Nodes whose label or readme contains this.
    pub term: Option<String>,
    pub node_type: Option<String>,
    /// Nodes of this status.
    pub status: Option<String>,
}

/// How many categories, terms and links a node's subtree holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeStats {
    pub categories: u64,
    pub terms: u64,
    pub associations: u64,
}

pub(crate) fn readme(value: Option<&str>) -> Result<String> {
    let text = value.map(str::trim).unwrap_or_default();
    if text.chars().count() > MAX_README {
        return Err(Error::validation("readme", format!("must be at most {MAX_README} characters")));
    }
    validate::printable("readme", text, true)?;
    Ok(text.to_owned())
}

/// data.all leaves a node's status to its users; Sluice keeps it short and printable.
pub(crate) fn status(value: Option<&str>) -> Result<String> {
    let text = value.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("approved");
    if text.chars().count() > MAX_STATUS {
        return Err(Error::validation("status", format!("must be at most {MAX_STATUS} characters")));
    }
    validate::printable("status", text, false)?;
    Ok(text.to_owned())
}

/// The team a new glossary belongs to: the one named, or the actor's only team.
pub(crate) fn admin_team(actor: &Actor, value: Option<&str>) -> Result<String> {
    let named = value.map(str::trim).filter(|v| !v.is_empty());
    let team = match (named, actor.groups()) {
        (Some(team), _) => validate::group("admin", Some(team))?,
        (None, [only]) => only.clone(),
        (None, _) => return Err(Error::validation("admin", "name the team that owns the glossary")),
    };
    validate::require_membership(actor, "admin", &team)?;
    Ok(team)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_type_filters_take_data_all_letters_and_words() {
        assert_eq!(NodeType::parse_filter("T").expect("valid"), NodeType::Term);
        assert_eq!(NodeType::parse_filter(" category ").expect("valid"), NodeType::Category);
        assert_eq!(NodeType::parse_filter("g").expect("valid"), NodeType::Glossary);
        assert!(NodeType::parse_filter("Dataset").is_err());
    }

    #[test]
    fn status_defaults_and_is_bounded() {
        assert_eq!(status(None).expect("valid"), "approved");
        assert_eq!(status(Some(" draft ")).expect("valid"), "draft");
        assert!(status(Some(&"x".repeat(33))).is_err());
        assert!(status(Some("a\u{202E}b")).is_err());
    }

    #[test]
    fn readme_is_bounded_and_may_span_lines() {
        assert_eq!(readme(Some("one\ntwo ")).expect("valid"), "one\ntwo");
        assert!(readme(Some(&"x".repeat(10_001))).is_err());
    }
}

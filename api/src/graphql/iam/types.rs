use async_graphql::{InputObject, SimpleObject};
use sluice_core::iam::{IamPrincipalMapping, IamPrincipalMappingInput};

/// AWS principals matching `arnPattern` act as `username` in `groups`.
#[derive(SimpleObject)]
#[graphql(name = "IamPrincipalMapping")]
pub struct IamPrincipalMappingGql {
    mapping_uri: String,
    /// An IAM or STS ARN in one named account; `*` matches any run of characters. A role's
    /// ARN also matches its assumed-role sessions.
    arn_pattern: String,
    /// May hold `{{AccountID}}`, and `{{SessionName}}` when `allowSessionName`, filled from
    /// the caller's ARN.
    username: String,
    groups: Vec<String>,
    /// Whether the caller's role session name, which they choose, fills `{{SessionName}}`.
    allow_session_name: bool,
    created_by: String,
    created: String,
    updated: String,
}

impl From<IamPrincipalMapping> for IamPrincipalMappingGql {
    fn from(m: IamPrincipalMapping) -> Self {
        Self {
            mapping_uri: m.mapping_uri,
            arn_pattern: m.arn_pattern,
            username: m.username,
            groups: m.groups,
            allow_session_name: m.allow_session_name,
            created_by: m.created_by,
            created: m.created.to_rfc3339(),
            updated: m.updated.to_rfc3339(),
        }
    }
}

#[derive(InputObject)]
#[graphql(name = "IamPrincipalMappingInput")]
pub struct IamPrincipalMappingInputGql {
    pub arn_pattern: String,
    pub username: String,
    pub groups: Vec<String>,
    /// Lets `{{SessionName}}` in `username` take the caller's role session name. Whoever
    /// calls AssumeRole chooses it, so it suits audit trails, not trust.
    #[graphql(default = false)]
    pub allow_session_name: bool,
}

impl From<IamPrincipalMappingInputGql> for IamPrincipalMappingInput {
    fn from(i: IamPrincipalMappingInputGql) -> Self {
        Self {
            arn_pattern: i.arn_pattern,
            username: i.username,
            groups: i.groups,
            allow_session_name: i.allow_session_name,
        }
    }
}

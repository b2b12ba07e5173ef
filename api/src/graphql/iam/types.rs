use async_graphql::{InputObject, SimpleObject};
use sluice_core::iam::{IamPrincipalMapping, IamPrincipalMappingInput};

/// AWS principals matching `arnPattern` act as `username` in `groups`.
#[derive(SimpleObject)]
#[graphql(name = "IamPrincipalMapping")]
pub struct IamPrincipalMappingGql {
    mapping_uri: String,
    /// An IAM or STS ARN; `*` matches any run of characters. A role's ARN also matches its
    /// assumed-role sessions.
    arn_pattern: String,
    /// May hold `{{SessionName}}` and `{{AccountID}}`, filled from the caller's ARN.
    username: String,
    groups: Vec<String>,
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
}

impl From<IamPrincipalMappingInputGql> for IamPrincipalMappingInput {
    fn from(i: IamPrincipalMappingInputGql) -> Self {
        Self { arn_pattern: i.arn_pattern, username: i.username, groups: i.groups }
    }
}

//! IAM policy documents (identity, trust, key and bucket policies share the grammar).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer, ser::SerializeMap};

use super::Expr;

/// The only policy language version with policy variables; "2008-10-17" is legacy.
pub const POLICY_VERSION: &str = "2012-10-17";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: &'static str,
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        Self { version: POLICY_VERSION, statement: statements.into_iter().collect() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a resource-based statement (trust, key, bucket policy) applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: everyone, which only makes sense in a Deny or under conditions.
    Anyone,
    /// `{"AWS": [...]}`: accounts (`arn:...:root`), roles or users.
    Aws(Vec<Expr>),
    /// `{"Service": [...]}`: AWS services such as `logging.s3.amazonaws.com`.
    Service(Vec<String>),
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Anyone => serializer.serialize_str("*"),
            Self::Aws(arns) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("AWS", arns)?;
                map.end()
            }
            Self::Service(services) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("Service", services)?;
                map.end()
            }
        }
    }
}

/// One condition key's value: a single value, or several of which any may match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ConditionValue {
    One(Expr),
    Any(Vec<Expr>),
}

/// `{operator: {key: value}}`, e.g. `{"StringEquals": {"sts:ExternalId": "..."}}`.
pub type Conditions = BTreeMap<String, BTreeMap<String, ConditionValue>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    pub action: Vec<String>,
    /// Empty in trust policies, where the role itself is the resource.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<Expr>,
    /// Every resource except these; a statement has this or `resource`, never both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_resource: Vec<Expr>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: Conditions,
}

impl Statement {
    pub fn allow<A: Into<String>>(actions: impl IntoIterator<Item = A>) -> Self {
        Self::new(Effect::Allow, actions)
    }

    pub fn deny<A: Into<String>>(actions: impl IntoIterator<Item = A>) -> Self {
        Self::new(Effect::Deny, actions)
    }

    fn new<A: Into<String>>(effect: Effect, actions: impl IntoIterator<Item = A>) -> Self {
        Self {
            sid: None,
            effect,
            principal: None,
            action: actions.into_iter().map(Into::into).collect(),
            resource: Vec::new(),
            not_resource: Vec::new(),
            condition: Conditions::new(),
        }
    }

    /// A statement id, which shows in access-denied messages and policy simulators.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    pub fn on<R: Into<Expr>>(mut self, resources: impl IntoIterator<Item = R>) -> Self {
        self.resource.extend(resources.into_iter().map(Into::into));
        self
    }

    /// Applies the statement to every resource but these (`NotResource`). With `Allow`, only for
    /// a cap that must name what it leaves out, such as "keys of every other account".
    pub fn except_on<R: Into<Expr>>(mut self, resources: impl IntoIterator<Item = R>) -> Self {
        self.not_resource.extend(resources.into_iter().map(Into::into));
        self
    }

    /// Adds `{operator: {key: value}}`; several keys under one operator must all match.
    pub fn when(mut self, operator: &str, key: &str, value: impl Into<Expr>) -> Self {
        self.condition
            .entry(operator.to_owned())
            .or_default()
            .insert(key.to_owned(), ConditionValue::One(value.into()));
        self
    }

    /// Adds `{operator: {key: [values]}}`, which matches when any of the values does.
    pub fn when_any<V: Into<Expr>>(
        mut self,
        operator: &str,
        key: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.condition
            .entry(operator.to_owned())
            .or_default()
            .insert(key.to_owned(), ConditionValue::Any(values));
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn a_trust_statement_serializes_in_iam_grammar() {
        let statement = Statement::allow(["sts:AssumeRole"])
            .sid("Trust")
            .principal(Principal::Aws(vec![Expr::sub("arn:${AWS::Partition}:iam::111122223333:root")]))
            .when("StringEquals", "sts:ExternalId", "abc");
        let document = serde_json::to_value(PolicyDocument::new([statement])).unwrap();
        assert_eq!(
            document,
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "Trust",
                    "Effect": "Allow",
                    "Principal": {"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::111122223333:root"}]},
                    "Action": ["sts:AssumeRole"],
                    "Condition": {"StringEquals": {"sts:ExternalId": "abc"}}
                }]
            })
        );
    }

    #[test]
    fn anyone_and_services_and_lists_of_values() {
        let deny = Statement::deny(["s3:*"]).principal(Principal::Anyone).on(["a", "b"]).when_any(
            "StringEquals",
            "aws:SourceAccount",
            ["1", "2"],
        );
        let service =
            Statement::allow(["s3:PutObject"]).principal(Principal::Service(vec!["x.amazonaws.com".into()]));
        let value = serde_json::to_value([deny, service]).unwrap();
        assert_eq!(value[0]["Principal"], json!("*"));
        assert_eq!(value[0]["Resource"], json!(["a", "b"]));
        assert_eq!(value[0]["Condition"], json!({"StringEquals": {"aws:SourceAccount": ["1", "2"]}}));
        assert_eq!(value[1]["Principal"], json!({"Service": ["x.amazonaws.com"]}));
        assert!(value[1].get("Resource").is_none());
        assert!(value[0].get("NotResource").is_none());
    }

    #[test]
    fn not_resource_and_several_operators_serialize_side_by_side() {
        let statement = Statement::allow(["kms:Decrypt"])
            .except_on(["arn:aws:kms:*:111122223333:*"])
            .when("StringEquals", "aws:RequestTag/a", "b")
            .when_any("ForAllValues:StringLike", "aws:TagKeys", ["sluice:*"]);
        let value = serde_json::to_value(statement).unwrap();
        assert_eq!(value["NotResource"], json!(["arn:aws:kms:*:111122223333:*"]));
        assert!(value.get("Resource").is_none());
        assert_eq!(
            value["Condition"],
            json!({
                "ForAllValues:StringLike": {"aws:TagKeys": ["sluice:*"]},
                "StringEquals": {"aws:RequestTag/a": "b"}
            })
        );
    }
}

//! A small typed model of CloudFormation templates, serialized to template JSON with serde.
//!
//! Templates are built in Rust rather than written as JSON text so that a property name typo
//! or a malformed intrinsic is a compile error, and so that the values (names, ARNs, the
//! ExternalId) are filled in by code that is unit-tested. Only what Sluice's templates use is
//! modelled; [`Properties::Json`] covers a resource type without typed properties.
//!
//! Maps are `BTreeMap`s, so a template renders byte-for-byte the same every time: an unchanged
//! environment renders an unchanged template, and CloudFormation answers the update with "No
//! updates are to be performed".

use std::collections::BTreeMap;

use serde::Serialize;

mod expr;
mod policy;
mod resources;
pub mod text;

pub use expr::{Expr, pseudo};
pub use policy::{ConditionValue, Conditions, Effect, POLICY_VERSION, PolicyDocument, Principal, Statement};
pub use resources::{
    Alias, Bucket, BucketEncryption, BucketPolicy, EncryptionDefault, EncryptionRule, InlinePolicy, Key,
    Logging, ManagedPolicy, OwnershipControls, OwnershipRule, PublicAccessBlock, Role, Tag, Versioning,
};

/// The only template format version there is.
pub const FORMAT_VERSION: &str = "2010-09-09";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    pub description: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    pub resources: BTreeMap<String, Resource>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Output>,
}

impl Template {
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            description: text::template_description(&description.into()),
            parameters: BTreeMap::new(),
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) the resource with this logical id.
    pub fn resource(&mut self, logical_id: impl Into<String>, resource: impl Into<Resource>) -> &mut Self {
        self.resources.insert(logical_id.into(), resource.into());
        self
    }

    pub fn output(&mut self, key: impl Into<String>, output: Output) -> &mut Self {
        self.outputs.insert(key.into(), output);
        self
    }

    pub fn parameter(&mut self, name: impl Into<String>, parameter: Parameter) -> &mut Self {
        self.parameters.insert(name.into(), parameter);
        self
    }

    /// Indented template JSON, for people (the downloadable pivot-role template).
    pub fn to_json(&self) -> String {
        // Cannot fail: every map key is a string and no value has a fallible `Serialize`.
        serde_json::to_string_pretty(self).expect("a template always serializes to JSON")
    }

    /// Template JSON without whitespace, for API calls: CloudFormation takes at most 51,200
    /// bytes of template body in a request.
    pub fn to_compact_json(&self) -> String {
        // Cannot fail, as above.
        serde_json::to_string(self).expect("a template always serializes to JSON")
    }
}

/// A template parameter; only string parameters are modelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub type_: &'static str,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

impl Parameter {
    pub fn string(description: impl Into<String>) -> Self {
        Self {
            type_: "String",
            description: description.into(),
            default: None,
            allowed_pattern: None,
            constraint_description: None,
            min_length: None,
            max_length: None,
        }
    }

    pub fn default(mut self, value: impl Into<String>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// The value must match `pattern` (a whole-value regex); `constraint` is the message a
    /// user sees when it doesn't.
    pub fn pattern(mut self, pattern: impl Into<String>, constraint: impl Into<String>) -> Self {
        self.allowed_pattern = Some(pattern.into());
        self.constraint_description = Some(constraint.into());
        self
    }

    pub fn length(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    pub description: String,
    pub value: Expr,
}

impl Output {
    pub fn new(description: impl Into<String>, value: impl Into<Expr>) -> Self {
        Self { description: description.into(), value: value.into() }
    }
}

/// What CloudFormation does with a resource's physical resource when the resource leaves the
/// template or the stack is deleted (`DeletionPolicy`), or when an update replaces it
/// (`UpdateReplacePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RemovalPolicy {
    Delete,
    Retain,
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub type_: String,
    pub properties: Properties,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<RemovalPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<RemovalPolicy>,
}

impl Resource {
    /// A resource of a type without typed properties.
    pub fn json(type_: impl Into<String>, properties: serde_json::Value) -> Self {
        Self::with(type_.into(), Properties::Json(properties))
    }

    fn with(type_: String, properties: Properties) -> Self {
        Self { type_, properties, depends_on: Vec::new(), deletion_policy: None, update_replace_policy: None }
    }

    pub fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        self.depends_on.push(logical_id.into());
        self
    }

    /// Keeps the physical resource when it leaves the stack, by deletion or by replacement.
    pub fn retained(mut self) -> Self {
        self.deletion_policy = Some(RemovalPolicy::Retain);
        self.update_replace_policy = Some(RemovalPolicy::Retain);
        self
    }
}

/// A resource's properties; the typed variants fix the resource type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Properties {
    Role(Role),
    Bucket(Bucket),
    BucketPolicy(BucketPolicy),
    Key(Key),
    Alias(Alias),
    ManagedPolicy(ManagedPolicy),
    Json(serde_json::Value),
}

macro_rules! typed_resource {
    ($($variant:ident => $type_name:literal),* $(,)?) => {$(
        impl From<$variant> for Resource {
            fn from(properties: $variant) -> Self {
                Resource::with($type_name.to_owned(), Properties::$variant(properties))
            }
        }
    )*};
}

typed_resource! {
    Role => "AWS::IAM::Role",
    Bucket => "AWS::S3::Bucket",
    BucketPolicy => "AWS::S3::BucketPolicy",
    Key => "AWS::KMS::Key",
    Alias => "AWS::KMS::Alias",
    ManagedPolicy => "AWS::IAM::ManagedPolicy",
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn intrinsics_serialize_as_single_key_objects() {
        let values = [
            Expr::str("plain"),
            Expr::reference("Bucket"),
            Expr::account_id(),
            Expr::arn_of("Role"),
            Expr::sub("${AWS::Region}-x"),
            Expr::join("/", [Expr::arn_of("Bucket"), "*".into()]),
            Expr::arn("s3", "", "", "my-bucket"),
        ];
        assert_eq!(
            serde_json::to_value(values).unwrap(),
            json!([
                "plain",
                {"Ref": "Bucket"},
                {"Ref": "AWS::AccountId"},
                {"Fn::GetAtt": ["Role", "Arn"]},
                {"Fn::Sub": "${AWS::Region}-x"},
                {"Fn::Join": ["/", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "*"]]},
                {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-bucket"},
            ])
        );
    }

    #[test]
    fn a_template_has_the_cloudformation_sections_and_leaves_empty_ones_out() {
        let mut template = Template::new("test");
        template
            .resource(
                "Logs",
                Resource::from(Bucket::private("logs", BucketEncryption::s3_managed()))
                    .retained()
                    .depends_on("Key"),
            )
            .output("LogsBucketName", Output::new("the bucket", Expr::reference("Logs")));
        let value: Value = serde_json::from_str(&template.to_json()).unwrap();
        assert_eq!(value["AWSTemplateFormatVersion"], "2010-09-09");
        assert_eq!(value["Description"], "test");
        assert!(value.get("Parameters").is_none());
        let logs = &value["Resources"]["Logs"];
        assert_eq!(logs["Type"], "AWS::S3::Bucket");
        assert_eq!(logs["DeletionPolicy"], "Retain");
        assert_eq!(logs["UpdateReplacePolicy"], "Retain");
        assert_eq!(logs["DependsOn"], json!(["Key"]));
        assert_eq!(
            logs["Properties"]["BucketEncryption"],
            json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        );
        assert_eq!(value["Outputs"]["LogsBucketName"]["Value"], json!({"Ref": "Logs"}));
        assert_eq!(serde_json::from_str::<Value>(&template.to_compact_json()).unwrap(), value);
    }
}

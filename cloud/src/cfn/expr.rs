//! Template values: plain strings and the intrinsic functions CloudFormation resolves at deploy
//! time, as one type so a property can hold either and the JSON shape is always right.

use serde::{Serialize, Serializer, ser::SerializeMap};

/// A string-valued template expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A literal string.
    Str(String),
    /// `{"Ref": name}`: a parameter's value, a resource's primary id, or a pseudo parameter.
    Ref(String),
    /// `{"Fn::GetAtt": [resource, attribute]}`.
    GetAtt(String, String),
    /// `{"Fn::Sub": template}`: `${Name}` and `${Resource.Attr}` are substituted. A literal `${`
    /// must be written `${!`.
    Sub(String),
    /// `{"Fn::Join": [separator, parts]}`.
    Join(String, Vec<Expr>),
    /// `{"Fn::Select": [0, {"Fn::Split": [separator, value]}]}`: the part of `value` before the
    /// first `separator` (all of it when there is none).
    BeforeFirst(String, Box<Expr>),
}

/// Pseudo parameters, for [`Expr::Ref`] and inside [`Expr::Sub`] as `${AWS::AccountId}`.
pub mod pseudo {
    pub const ACCOUNT_ID: &str = "AWS::AccountId";
    pub const PARTITION: &str = "AWS::Partition";
    pub const REGION: &str = "AWS::Region";
    pub const STACK_NAME: &str = "AWS::StackName";
    pub const URL_SUFFIX: &str = "AWS::URLSuffix";
}

impl Expr {
    pub fn str(value: impl Into<String>) -> Self {
        Self::Str(value.into())
    }

    pub fn reference(name: impl Into<String>) -> Self {
        Self::Ref(name.into())
    }

    pub fn get_att(resource: impl Into<String>, attribute: impl Into<String>) -> Self {
        Self::GetAtt(resource.into(), attribute.into())
    }

    pub fn sub(template: impl Into<String>) -> Self {
        Self::Sub(template.into())
    }

    pub fn join(separator: impl Into<String>, parts: impl IntoIterator<Item = Expr>) -> Self {
        Self::Join(separator.into(), parts.into_iter().collect())
    }

    pub fn before_first(separator: impl Into<String>, value: Expr) -> Self {
        Self::BeforeFirst(separator.into(), Box::new(value))
    }

    /// The deploying account, `{"Ref": "AWS::AccountId"}`.
    pub fn account_id() -> Self {
        Self::reference(pseudo::ACCOUNT_ID)
    }

    pub fn region() -> Self {
        Self::reference(pseudo::REGION)
    }

    pub fn partition() -> Self {
        Self::reference(pseudo::PARTITION)
    }

    /// A resource's `Arn` attribute.
    pub fn arn_of(resource: impl Into<String>) -> Self {
        Self::get_att(resource, "Arn")
    }

    /// `arn:<partition>:<service>:<region>:<account>:<resource>` in the deploying partition,
    /// through `Fn::Sub` so the template works in every partition. `region` and `account` are
    /// written as given: pass `${AWS::Region}` / `${AWS::AccountId}` for the deploying ones, or
    /// `""` where the ARN has none (IAM, S3). `resource` may use `${...}` references as well.
    pub fn arn(service: &str, region: &str, account: &str, resource: &str) -> Self {
        Self::Sub(format!("arn:${{{}}}:{service}:{region}:{account}:{resource}", pseudo::PARTITION))
    }
}

impl From<&str> for Expr {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}

impl From<String> for Expr {
    fn from(value: String) -> Self {
        Self::Str(value)
    }
}

impl From<&String> for Expr {
    fn from(value: &String) -> Self {
        Self::Str(value.clone())
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Str(s) => serializer.serialize_str(s),
            Self::Ref(name) => intrinsic(serializer, "Ref", name),
            Self::GetAtt(resource, attribute) => intrinsic(serializer, "Fn::GetAtt", &[resource, attribute]),
            Self::Sub(template) => intrinsic(serializer, "Fn::Sub", template),
            Self::Join(separator, parts) => intrinsic(serializer, "Fn::Join", &(separator, parts)),
            Self::BeforeFirst(separator, value) => {
                let split = serde_json::json!({ "Fn::Split": [separator, value] });
                intrinsic(serializer, "Fn::Select", &(0, split))
            }
        }
    }
}

/// An intrinsic function is an object with one key, the function's name.
fn intrinsic<S: Serializer, V: Serialize + ?Sized>(
    serializer: S,
    name: &str,
    args: &V,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(name, args)?;
    map.end()
}

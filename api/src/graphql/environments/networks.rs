//! data.all's VPCs of an environment (`networks`). Sluice provisions none, so no value of this
//! type can be made: every `networks` list is empty, and the type exists so that data.all's
//! selections of it validate.
#![allow(unreachable_code, reason = "async-graphql wraps each resolver of this uninhabited type")]

use async_graphql::{ID, Object};

use super::EnvironmentGql;

/// A VPC data.all provisioned in an environment: uninhabited, as Sluice provisions none.
pub enum VpcGql {}

/// data.all's VPC of an environment. Sluice provisions no VPC, so no list holds one.
#[Object(name = "Vpc")]
impl VpcGql {
    #[graphql(name = "VpcId")]
    async fn vpc_id(&self) -> &str {
        match *self {}
    }
    async fn vpc_uri(&self) -> ID {
        match *self {}
    }
    async fn environment(&self) -> Option<&EnvironmentGql> {
        match *self {}
    }
    async fn label(&self) -> Option<&str> {
        match *self {}
    }
    async fn owner(&self) -> Option<&str> {
        match *self {}
    }
    async fn name(&self) -> Option<&str> {
        match *self {}
    }
    async fn description(&self) -> Option<&str> {
        match *self {}
    }
    async fn tags(&self) -> Option<&[String]> {
        match *self {}
    }
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self) -> &str {
        match *self {}
    }
    async fn region(&self) -> &str {
        match *self {}
    }
    async fn private_subnet_ids(&self) -> Option<&[String]> {
        match *self {}
    }
    async fn public_subnet_ids(&self) -> Option<&[String]> {
        match *self {}
    }
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> Option<&str> {
        match *self {}
    }
    async fn default(&self) -> Option<bool> {
        match *self {}
    }
}

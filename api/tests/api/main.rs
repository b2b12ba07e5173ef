//! One integration-test binary for the api crate.

mod cognito;
mod organizations;
mod support;

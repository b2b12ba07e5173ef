//! One integration-test binary for the api crate.

mod authz_matrix;
mod catalog;
mod cognito;
mod cognito_flow;
mod compat;
mod datasets;
mod environments;
mod exposure;
mod external_ids;
mod feeds;
mod hostile;
mod hostile_fuzz;
mod hostile_signin;
mod iam_auth;
mod jwt;
mod organizations;
mod read_cache;
mod shares;
mod support;
mod surface;
mod tasks;
mod tenant;
mod visibility;
mod votes;
mod web;

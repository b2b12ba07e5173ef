//! The Sluice API: configuration, authentication, the GraphQL schema, the HTTP server and
//! the web UI's files.
//! `build_app` gives the whole router so tests drive the real app.

pub mod auth;
pub mod config;
pub mod db;
pub mod graphql;
pub mod server;
pub mod telemetry;
pub mod web;

pub use server::{AppState, build_app};

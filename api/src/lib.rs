//! The Sluice API: configuration, authentication, the GraphQL schema and the HTTP server.
//! `build_app` gives the whole router so tests drive the real app.

pub mod auth;
pub mod config;
pub mod db;
pub mod graphql;
pub mod server;
pub mod telemetry;

pub use server::{AppState, build_app};

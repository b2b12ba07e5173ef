//! Sluice's benchmark harness: a bulk seeder, a wrk load runner, and the report.
//! `make bench` runs it; see bench/README.md.

pub mod idle;
pub mod load;
pub mod pgbench;
pub mod report;
pub mod scenarios;
pub mod seed;
pub mod server;
pub mod tenant;

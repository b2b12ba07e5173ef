//! The AWS adapters against moto, the local AWS emulator. One binary, so the SDK crates are
//! linked once. moto is shared by every test binary, so each test works on names of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod cfn_lint;
mod crawlers;
mod datasets;
mod ecs;
mod eventbridge;
mod fake_aws;
mod grants;
mod link;
mod moto_ecs;
mod resource_links;
mod resources;
mod sqs;
mod stack_failures;
mod stacks;
mod sts;

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use sluice_cloud::sdk::aws_config::SdkConfig;

pub fn moto_url() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

pub async fn config() -> SdkConfig {
    sluice_cloud::emulator_sdk_config(&moto_url()).await
}

/// A name no other test, test run or test binary uses against the same moto.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").subsec_nanos();
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// A short lowercase id, like Sluice's URIs, that no other test or run uses against the same
/// moto (bucket names are global there too).
pub fn unique_uri() -> String {
    let name = unique("u");
    // FNV-1a of the unique name, in base 36.
    let mut hash = name
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut uri = String::new();
    for _ in 0..10 {
        uri.push(char::from_digit((hash % 36) as u32, 36).unwrap());
        hash /= 36;
    }
    uri
}

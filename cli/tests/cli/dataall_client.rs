//! examples/dataall_client, data.all's documents and observable behaviour from Python, against a
//! `make dev`-like server: `sluice serve` on Postgres, its embedded worker and long-task
//! processes deploying stacks and processing shares in moto, and dev-issuer tokens for five users.

use std::{path::Path, time::Duration};

use sluice_core::testkit::TestDb;

use crate::support::{REGION, Server, fresh_account, moto};

/// The suite's users: (its variable prefix, user, team).
fn users(no_tenant_team: &str) -> [(&'static str, &'static str, String); 5] {
    [
        ("CLIENT1", "alice", "TeamA".to_owned()),
        ("CLIENT2", "bob", "TeamB".to_owned()),
        ("CLIENT3", "carol", "TeamC".to_owned()),
        ("CLIENT_TENANT", "dave", "DAAdministrators".to_owned()),
        // The suite takes this team's tenant permissions away: a team of its own per run.
        ("CLIENT_NO_TENANT", "erin", no_tenant_team.to_owned()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn dataall_client_suite_passes_on_postgres_with_stacks_and_shares_in_moto() {
    let db = TestDb::postgres().await;
    let server = Server::start_with(&[("SLUICE_DATABASE_URL", &db.url)]).await;
    let python = std::env::var("SLUICE_TEST_PYTHON").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/sluice/venv/bin/python")
    });
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dataall_client");
    let mut command = tokio::process::Command::new(&python);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", server.dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("MOTO_URL", moto())
        .env("AWS_REGION", REGION)
        .arg(&suite)
        .arg(&server.url);
    for (prefix, user, team) in users(&format!("NoTenant{}", fresh_account())) {
        command
            .env(format!("DATAALL_{prefix}_USER"), user)
            .env(format!("DATAALL_{prefix}_GROUP"), &team)
            .env(format!("DATAALL_{prefix}_TOKEN"), server.dev_token(user, &team));
    }
    let run = tokio::time::timeout(Duration::from_secs(300), command.kill_on_drop(true).output())
        .await
        .unwrap_or_else(|_| panic!("the suite did not end within 5 minutes\n{}", server.log()))
        .unwrap_or_else(|e| panic!("{python} (SLUICE_TEST_PYTHON) runs: {e}"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}\nserver log:\n{}", server.log());
    // unittest's last word, so a suite that ran nothing does not pass.
    assert!(stdout.contains("\nOK") && !stdout.contains("Ran 0 tests"), "{stdout}\n{stderr}");
    drop(server);
    drop(db);
}

//! A real `sluice serve` (embedded: SQLite, in-process worker, `ecs-tasks` child processes)
//! with moto as AWS, and `sluice-cli` run as a process against it, as a script would.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use serde_json::Value;
use sluice_cloud::{
    emulator_sdk_config,
    sdk::{self, aws_config::SdkConfig, sts::config::Credentials},
};

pub const REGION: &str = "eu-west-1";
pub const SERVER_ID: &str = "sluice-cli-e2e";

pub fn moto() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

/// A program built next to `sluice-cli`. `cargo test --workspace` builds every binary before
/// running any test; `cargo test -p sluice-cli` alone does not build the server's.
fn sibling(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_sluice-cli")).with_file_name(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --bin sluice --bin ecs-tasks` first (make test does)",
        path.display()
    );
    path
}

/// A 12-digit account id no other run of this test uses against a long-lived moto.
pub fn fresh_account() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("4{:011}", (nanos / 1000) % 100_000_000_000)
}

pub struct Server {
    pub url: String,
    pub dir: tempfile::TempDir,
    extra: Vec<(String, String)>,
    child: tokio::process::Child,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// With more `SLUICE_*` settings, e.g. a Cognito issuer.
    pub async fn start_with(extra: &[(&str, &str)]) -> Self {
        let extra: Vec<(String, String)> =
            extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let child = tokio::process::Command::new(sibling("sluice"))
            .arg("serve")
            .envs(server_env(dir.path(), port))
            .envs(extra.iter().cloned())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.log")).expect("log file"))
            .kill_on_drop(true)
            .spawn()
            .expect("sluice serve starts");
        let server = Self { url: format!("http://127.0.0.1:{port}"), dir, extra, child };
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if http.get(format!("{}/readyz", server.url)).send().await.is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("sluice serve did not become ready: {}", server.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A dev-issuer token, minted by the server's own `sluice dev-token`.
    pub fn dev_token(&self, user: &str, group: &str) -> String {
        let port = self.url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        let out = std::process::Command::new(sibling("sluice"))
            .args(["dev-token", "--user", user, "--group", group])
            .envs(server_env(self.dir.path(), port))
            .envs(self.extra.iter().cloned())
            .output()
            .expect("sluice dev-token");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn server_env(dir: &Path, port: u16) -> Vec<(String, String)> {
    [
        ("SLUICE_DATA_DIR", dir.display().to_string()),
        ("SLUICE_BIND", format!("127.0.0.1:{port}")),
        ("SLUICE_IAM_SERVER_ID", SERVER_ID.to_owned()),
        ("SLUICE_TRUST_ACCOUNT_ID", "123456789012".to_owned()),
        ("AWS_ENDPOINT_URL", moto()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `sluice-cli` as one user: a bearer token, or AWS credentials in its environment. Nothing
/// else of the test's environment leaks in (no real AWS profile, no saved login).
pub struct Cli {
    url: String,
    home: PathBuf,
    env: Vec<(String, String)>,
}

pub struct Output {
    pub code: i32,
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
}

impl Cli {
    pub fn with_credentials(server: &Server, name: &str, creds: &Credentials) -> Self {
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID".to_owned(), creds.access_key_id().to_owned()),
            ("AWS_SECRET_ACCESS_KEY".to_owned(), creds.secret_access_key().to_owned()),
            ("AWS_REGION".to_owned(), REGION.to_owned()),
        ];
        if let Some(token) = creds.session_token() {
            env.push(("AWS_SESSION_TOKEN".to_owned(), token.to_owned()));
        }
        Self::new(server, name, env)
    }

    pub fn with_token(server: &Server, name: &str, token: &str) -> Self {
        Self::new(server, name, vec![("SLUICE_TOKEN".to_owned(), token.to_owned())])
    }

    /// No credentials of any kind in the environment.
    pub fn without_credentials(server: &Server, name: &str, env: &[(&str, &str)]) -> Self {
        Self::new(server, name, env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn new(server: &Server, name: &str, env: Vec<(String, String)>) -> Self {
        let home = server.dir.path().join(name);
        std::fs::create_dir_all(&home).expect("home");
        Self { url: server.url.clone(), home, env }
    }

    /// Runs a Python example from `examples/` with this user's environment.
    pub async fn python_example(&self, script: &str, args: &[&str]) -> std::process::Output {
        let python = std::env::var("SLUICE_TEST_PYTHON").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            format!("{home}/.cache/sluice/venv/bin/python")
        });
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        tokio::process::Command::new(&python)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(self.env.iter().cloned())
            .arg(examples.join(script))
            .arg(&self.url)
            .args(args)
            .output()
            .await
            .unwrap_or_else(|e| panic!("{python} (SLUICE_TEST_PYTHON) runs: {e}"))
    }

    /// Runs a bash example from `examples/` as this user, with this build's `sluice-cli` and
    /// the server URL `login` saved.
    pub async fn bash_example(
        &self,
        script: &str,
        args: &[&str],
        extra: &[(&str, &str)],
    ) -> std::process::Output {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        tokio::process::Command::new("bash")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("SLUICE_CLI_CONFIG", self.home.join("cli.json"))
            .env("SLUICE_CLI", env!("CARGO_BIN_EXE_sluice-cli"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(self.env.iter().cloned())
            .envs(extra.iter().map(|(k, v)| (*k, *v)))
            .arg(examples.join(script))
            .args(args)
            .output()
            .await
            .expect("bash runs")
    }

    /// Runs `sluice-cli --url … --json <args>`.
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sluice-cli"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("SLUICE_CLI_CONFIG", self.home.join("cli.json"))
            // No instance metadata service to wait for when a user has no credentials.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(self.env.iter().cloned())
            .args(["--url", &self.url, "--json"])
            .args(args);
        let out = command.output().await.expect("sluice-cli runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        Output {
            code: out.status.code().unwrap_or(-1),
            json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
            stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Like `run`, but the command must succeed.
    pub async fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args).await;
        assert_eq!(out.code, 0, "sluice-cli {args:?} failed: {}{}", out.stdout, out.stderr);
        out.json
    }
}

/// Credentials of a session of `role` in `account`, from moto's AssumeRole.
pub async fn assume(account: &str, role: &str) -> Credentials {
    let client = sdk::sts::Client::new(&emulator_sdk_config(&moto()).await);
    let out = client
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{role}"))
        .role_session_name("cli")
        .send()
        .await
        .expect("moto AssumeRole");
    let c = out.credentials().expect("credentials");
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "moto",
    )
}

/// The account owner's session in `account`, as the person who deploys the pivot role and
/// fills the Glue database.
pub async fn owner(account: &str) -> SdkConfig {
    let creds = assume(account, "account-owner").await;
    sdk::aws_config::defaults(sdk::aws_config::BehaviorVersion::latest())
        .endpoint_url(moto())
        .region(sdk::aws_config::Region::new(REGION))
        .credentials_provider(creds)
        .load()
        .await
}

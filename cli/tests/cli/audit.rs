//! `sluice-cli audit export`: the activity trail of a time range, streamed to a file or to
//! standard output, as the signed-in user may see it; refusals carry the server's reason.

use serde_json::Value;

use crate::support::{Cli, Server};

const RANGE: [&str; 4] = ["--from", "2000-01-01", "--to", "2100-01-01T00:00:00Z"];

#[tokio::test(flavor = "multi_thread")]
async fn a_team_exports_its_activity_and_an_admin_everything() {
    let server = Server::start().await;
    let alice = Cli::with_token(&server, "alice", &server.dev_token("alice", "TeamA"));
    let carol = Cli::with_token(&server, "carol", &server.dev_token("carol", "TeamC"));
    let dave = Cli::with_token(&server, "dave", &server.dev_token("dave", "DAAdministrators"));
    let org = alice.ok(&["org", "create", "--label", "Audited", "--team", "TeamA"]).await;
    let org = org["organizationUri"].as_str().expect("org").to_owned();
    // An outsider tries TeamA's organization, and is refused.
    let doc = server.dir.path().join("rename.graphql");
    std::fs::write(&doc, "mutation($o: String!) { updateOrganization(organizationUri: $o, input: {label: \"Mine\"}) { label } }")
        .expect("document");
    let refused = carol.run(&["gql", &doc.display().to_string(), "--var", &format!("o={org}")]).await;
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);

    // To a file, as JSON Lines: TeamA's organization, the outsider's attempt and why.
    let file = server.dir.path().join("alice.jsonl");
    let path = file.display().to_string();
    let written = alice
        .ok(&["audit", "export", RANGE[0], RANGE[1], RANGE[2], RANGE[3], "--format", "jsonl", "-o", &path])
        .await;
    assert_eq!(written["file"], path.as_str());
    let rows: Vec<Value> = std::fs::read_to_string(&file)
        .expect("the file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(written["bytes"].as_u64(), Some(std::fs::metadata(&file).expect("size").len()));
    assert!(rows.iter().all(|r| r["targetUri"] == org.as_str()), "{rows:?}");
    let denied = rows.iter().find(|r| r["outcome"] == "denied").expect("the refusal");
    assert_eq!(
        (&denied["actor"], &denied["action"]),
        (&Value::from("carol"), &Value::from("updateOrganization"))
    );
    assert!(denied["summary"].as_str().is_some_and(|s| s.contains("UPDATE_ORGANIZATION")), "{denied}");
    assert!(
        rows.iter().any(|r| r["action"] == "createOrganization" && r["outcome"] == "success"),
        "{rows:?}"
    );

    // To standard output, as CSV: the outsider reads nothing but the header.
    let header = "created,activityUri,actor,actorKind,actorIssuer,actorPrincipal,action,targetType,targetUri,outcome,summary";
    let nothing = carol.run(&["audit", "export", RANGE[0], RANGE[1], RANGE[2], RANGE[3]]).await;
    assert_eq!(
        (nothing.code, nothing.stdout.as_str()),
        (0, format!("{header}\r\n").as_str()),
        "{}",
        nothing.stderr
    );
    // A platform admin reads everything, the outsider's refusal included.
    let all =
        dave.run(&["audit", "export", RANGE[0], RANGE[1], RANGE[2], RANGE[3], "--outcome", "denied"]).await;
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(all.stdout.starts_with(header) && all.stdout.contains(",carol,user,"), "{}", all.stdout);

    // A bad range is the server's BAD_USER_INPUT with its reason, and leaves no file behind.
    let bad = server.dir.path().join("bad.csv");
    let refused = alice
        .run(&[
            "audit",
            "export",
            "--from",
            "last week",
            "--to",
            "2100-01-01",
            "-o",
            &bad.display().to_string(),
        ])
        .await;
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("BAD_USER_INPUT") && refused.stderr.contains("RFC 3339"),
        "{}",
        refused.stderr
    );
    assert!(!bad.exists() && !server.dir.path().join("bad.csv.partial").exists());
    // Signed in as no one: the authentication exit code.
    let nobody = Cli::without_credentials(&server, "nobody", &[]);
    let anonymous = nobody.run(&["audit", "export", RANGE[0], RANGE[1], RANGE[2], RANGE[3]]).await;
    assert_eq!(anonymous.code, 3, "{}{}", anonymous.stdout, anonymous.stderr);
}

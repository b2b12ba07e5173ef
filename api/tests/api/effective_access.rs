//! Who can read what, through the API: a table's readers for its admin team, what a team can
//! read for its members, and nothing for anyone else. The fake accounts list no Lake Formation
//! grants, so a granted item reads as missing in AWS; the comparison with a real Lake Formation
//! is tested against moto (ecs-tasks' `effective_access`).

use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{mark_processed, two_teams},
};

const EFFECTIVE: &str = "query($t: String!, $k: String!) { getEffectiveAccess(targetUri: $t, targetType: $k) { targetUri targetType datasetUri label awsChecked awsError readers { via team principal principalType roleArn shareUri itemName itemStatus permissions aws detail } } }";
const PRINCIPAL: &str = "query($p: String!, $k: String!) { getPrincipalAccess(principalId: $p, principalType: $k) { principalId principalType truncated readers { via datasetUri datasetLabel itemName shareUri permissions } } }";

fn vias(readers: &Value) -> Vec<(String, String)> {
    readers
        .as_array()
        .expect("readers")
        .iter()
        .map(|r| {
            (r["via"].as_str().expect("via").to_owned(), r["principal"].as_str().expect("who").to_owned())
        })
        .collect()
}

async fn a_tables_readers_are_its_admin_teams_to_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob, carol, dave) = (
        app.token("alice", &["TeamA"]),
        app.token("bob", &["TeamB"]),
        app.token("carol", &["TeamC"]),
        app.token("dave", &["DAAdministrators"]),
    );
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;
    mark_processed(&app, &share).await;

    let table = json!({"t": world.table, "k": "DatasetTable"});
    for token in [&alice, &dave] {
        let seen = app.ok(token, EFFECTIVE, table.clone()).await["getEffectiveAccess"].clone();
        assert_eq!(seen["datasetUri"], world.dataset.as_str(), "{seen}");
        assert_eq!(seen["targetType"], "DatasetTable");
        assert_eq!(
            vias(&seen["readers"]),
            [("OWNER_TEAM".to_owned(), "TeamA".to_owned()), ("SHARE".to_owned(), "TeamB".to_owned())],
            "{seen}"
        );
        let shared = &seen["readers"][1];
        assert_eq!(shared["shareUri"], share.as_str());
        assert_eq!(shared["itemStatus"], "Share_Succeeded");
        assert_eq!(shared["permissions"], json!(["DESCRIBE", "SELECT"]));
        // Lake Formation was read, and holds none of it.
        assert_eq!(seen["awsChecked"], true, "{seen}");
        assert_eq!(shared["aws"], "MISSING_IN_AWS", "{seen}");
        assert!(shared["detail"].as_str().is_some_and(|d| d.contains("re-apply")), "{shared}");
    }

    // The dataset as a whole has the same readers; a folder nobody requested has its owners only.
    let whole = app.ok(&alice, EFFECTIVE, json!({"t": world.dataset, "k": "Dataset"})).await;
    assert_eq!(vias(&whole["getEffectiveAccess"]["readers"]).len(), 2, "{whole}");
    let folder = world.add_folder(&app).await;
    let folder_view = app.ok(&alice, EFFECTIVE, json!({"t": folder, "k": "folder"})).await;
    assert_eq!(vias(&folder_view["getEffectiveAccess"]["readers"]), [("OWNER_TEAM".into(), "TeamA".into())]);

    // The requester, an outsider, and anyone naming what does not exist get the same refusal.
    for (token, vars) in [
        (&bob, table.clone()),
        (&carol, table.clone()),
        (&carol, json!({"t": "nosuchtb", "k": "DatasetTable"})),
        (&alice, json!({"t": "nosuchtb", "k": "DatasetTable"})),
    ] {
        let refused = app.gql(Some(token), EFFECTIVE, vars).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    let bad = app.gql(Some(&alice), EFFECTIVE, json!({"t": world.table, "k": "Bucket"})).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "targetType");
}

async fn a_team_sees_what_it_can_read_and_no_other_teams(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob, dave) = (
        app.token("alice", &["TeamA"]),
        app.token("bob", &["TeamB"]),
        app.token("dave", &["DAAdministrators"]),
    );
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;

    for token in [&bob, &dave] {
        let seen =
            app.ok(token, PRINCIPAL, json!({"p": "TeamB", "k": "Group"})).await["getPrincipalAccess"].clone();
        assert_eq!(seen["truncated"], false);
        let readers = seen["readers"].as_array().expect("readers");
        assert_eq!(readers.len(), 1, "{seen}");
        assert_eq!(readers[0]["via"], "SHARE");
        assert_eq!(readers[0]["shareUri"], share.as_str());
        assert_eq!(readers[0]["datasetUri"], world.dataset.as_str());
        assert!(readers[0]["datasetLabel"].as_str().is_some_and(|l| !l.is_empty()), "{seen}");
    }
    let owned = app.ok(&alice, PRINCIPAL, json!({"p": "TeamA", "k": "Group"})).await;
    assert_eq!(
        owned["getPrincipalAccess"]["readers"][0]["via"], "OWNER_TEAM",
        "TeamA owns the dataset: {owned}"
    );

    // Another team's access is its own business, and so is a role nobody has.
    for (token, vars) in [
        (&alice, json!({"p": "TeamB", "k": "Group"})),
        (&bob, json!({"p": "TeamA", "k": "Group"})),
        (&dave, json!({"p": "nosuchcp", "k": "ConsumptionRole"})),
    ] {
        let refused = app.gql(Some(token), PRINCIPAL, vars).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
}

on_both_backends!(
    a_tables_readers_are_its_admin_teams_to_see,
    a_team_sees_what_it_can_read_and_no_other_teams
);

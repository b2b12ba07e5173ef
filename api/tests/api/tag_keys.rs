//! Which key-value tag keys an account's owner opened in the pivot role (`StackTagKeys`): the
//! pivot-role template writes the choice into its policies and onto the role, and
//! `updateKeyValueTags` reads it back from the role and refuses keys outside it, naming the key
//! and what would allow it, before anything is stored. IAM itself would refuse such a tag at the
//! deploy, which moto cannot show (it evaluates no policy); the template's statements are checked
//! in cloud/src/templates/pivot_role_tests.rs.

use std::sync::Arc;

use serde_json::{Value, json};
use sluice_core::testkit::fake_aws::FakeAccounts;

use crate::support::{
    Backend, Options, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const ACCOUNT: &str = "111122223333";
const LIST: &str =
    "query($u: String!, $t: String!) { listKeyValueTags(targetUri: $u, targetType: $t) { key } }";
const UPDATE: &str = "mutation($u: String!, $t: String!, $tags: [KeyValueTagInput]) { updateKeyValueTags(input: {targetUri: $u, targetType: $t, tags: $tags}) { key } }";

fn tags(keys: &[&str]) -> Value {
    keys.iter().map(|k| json!({"key": k, "value": "v", "cascade": false})).collect()
}

fn refusal(answer: &Value) -> (String, String) {
    let error = &answer["errors"][0];
    (
        error["extensions"]["field"].as_str().unwrap_or_default().to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn keys_of(app: &TestApp, token: &str, uri: &str, target: &str) -> Value {
    app.ok(token, LIST, json!({"u": uri, "t": target})).await["listKeyValueTags"].clone()
}

async fn only_keys_the_pivot_role_opens_are_accepted(backend: Backend) {
    let accounts = Arc::new(FakeAccounts::default());
    let app =
        TestApp::spawn_with(backend, Options { linker: Some(accounts.clone()), ..Default::default() }).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let update = |uri: &str, target: &str, keys: &[&str]| {
        app.gql(Some(&alice), UPDATE, json!({"u": uri, "t": target, "tags": tags(keys)}))
    };
    update(&env, "environment", &["Owner"]).await;
    assert_eq!(keys_of(&app, &alice, &env, "environment").await, json!([{"key": "Owner"}]));

    // A role deployed before the choice existed carries no tag: nothing is open.
    accounts.open_stack_tags(ACCOUNT, None);
    let answer = update(&env, "environment", &["CostCenter"]).await;
    assert_eq!(error_code(&answer), Some("BAD_USER_INPUT"), "{answer}");
    let (field, message) = refusal(&answer);
    assert_eq!(field, "tags[0].key");
    assert!(message.contains(ACCOUNT) && message.contains("StackTagKeys"), "{message}");
    assert_eq!(
        keys_of(&app, &alice, &env, "environment").await,
        json!([{"key": "Owner"}]),
        "a refused update changes nothing"
    );
    // Removing them all needs nothing open.
    assert_eq!(
        app.ok(&alice, UPDATE, json!({"u": env, "t": "environment", "tags": []})).await["updateKeyValueTags"],
        json!([])
    );

    // A prefix: keys starting with it, with its case; a dataset's stack is in the same account.
    accounts.open_stack_tags(ACCOUNT, Some("cost-"));
    let answer = update(&dataset, "dataset", &["cost-center", "Cost-owner"]).await;
    let (field, message) = refusal(&answer);
    assert_eq!(field, "tags[1].key", "{answer}");
    assert!(message.contains("\"cost-\"") && message.contains("Cost-owner"), "{message}");
    assert_eq!(keys_of(&app, &alice, &dataset, "dataset").await, json!([]));
    let answer = update(&dataset, "dataset", &["cost-center", "cost-owner"]).await;
    assert!(answer["errors"].is_null(), "{answer}");
    assert_eq!(
        keys_of(&app, &alice, &dataset, "dataset").await,
        json!([{"key": "cost-center"}, {"key": "cost-owner"}])
    );

    // The role is read at each update: its owner may have changed it since the account was linked.
    accounts.open_stack_tags(ACCOUNT, Some(""));
    let answer = update(&env, "environment", &["Anything goes"]).await;
    assert!(answer["errors"].is_null(), "{answer}");
}

async fn the_pivot_role_template_opens_what_it_is_asked_to(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { org, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let query =
        "query($o: String!, $k: String) { getPivotRoleTemplate(organizationUri: $o, stackTagKeys: $k) }";
    let role_tag = |answer: &Value| -> Value {
        let template: Value =
            serde_json::from_str(answer["getPivotRoleTemplate"].as_str().expect("template")).expect("json");
        let tags = template["Resources"]["PivotRole"]["Properties"]["Tags"].clone();
        tags.as_array().expect("tags").iter().find(|t| t["Key"] == "sluice:stack-tag-prefix").expect("tag")
            ["Value"]
            .clone()
    };
    assert_eq!(
        role_tag(&app.ok(&alice, query, json!({"o": org})).await),
        json!("sluice:"),
        "nothing by default"
    );
    assert_eq!(role_tag(&app.ok(&alice, query, json!({"o": org, "k": "cost-*"})).await), json!("cost-"));
    assert_eq!(role_tag(&app.ok(&alice, query, json!({"o": org, "k": "*"})).await), json!(""));
    for bad in ["cost", "aws:*", "a*b*"] {
        let answer = app.gql(Some(&alice), query, json!({"o": org, "k": bad})).await;
        assert_eq!(error_code(&answer), Some("BAD_USER_INPUT"), "{bad}: {answer}");
        assert_eq!(refusal(&answer).0, "stackTagKeys", "{answer}");
    }
}

on_both_backends!(
    only_keys_the_pivot_role_opens_are_accepted,
    the_pivot_role_template_opens_what_it_is_asked_to,
);

//! Key-value tags in data.all's dialect (`listKeyValueTags`, `updateKeyValueTags`) on
//! environments and datasets: an update replaces the whole set, bad input is refused naming its
//! field and changes nothing, only the target's teams read them and only its admins change them,
//! every change is on record, and deleting the target deletes its tags. The deploy inputs carry
//! them (an environment's cascading tags reach its datasets' stacks); moto shows them on the
//! stacks in ecs-tasks/tests/long_tasks/tags.rs. `Stack.resources` is read from the (fake)
//! account only when asked for, and only for those who may read the stack.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sluice_core::{Core, environments::stacks::DeployRecord, tags::NewTag, testkit::user};
use sluice_entities::{activity, key_value_tag};

use crate::{
    environments::link_input,
    support::{
        Backend, TestApp, error_code, on_both_backends,
        two_teams::{TwoTeams, two_teams},
    },
};

const LIST: &str = "query($u: String!, $t: String!) { listKeyValueTags(targetUri: $u, targetType: $t) { tagUri targetType targetUri key value cascade } }";
const UPDATE: &str = "mutation($u: String!, $t: String!, $tags: [KeyValueTagInput]) { updateKeyValueTags(input: {targetUri: $u, targetType: $t, tags: $tags}) { tagUri targetType targetUri key value cascade } }";
const STACK_OF_ENV: &str =
    "query($e: String!) { getEnvironment(environmentUri: $e) { stack { stackUri status resources } } }";
const STACK_OF_DATASET: &str =
    "query($d: String!) { getDataset(datasetUri: $d) { stack { stackUri status resources } } }";

fn tag(key: &str, value: &str, cascade: bool) -> Value {
    json!({"key": key, "value": value, "cascade": cascade})
}

async fn list(app: &TestApp, token: &str, uri: &str, target_type: &str) -> Value {
    app.ok(token, LIST, json!({"u": uri, "t": target_type})).await["listKeyValueTags"].clone()
}

async fn update(app: &TestApp, token: &str, uri: &str, target_type: &str, tags: Value) -> Value {
    app.ok(token, UPDATE, json!({"u": uri, "t": target_type, "tags": tags})).await["updateKeyValueTags"]
        .clone()
}

/// `(key, value, cascade)` of each tag, in the order answered.
fn pairs(tags: &Value) -> Vec<(String, String, bool)> {
    tags.as_array()
        .expect("a list of tags")
        .iter()
        .map(|t| {
            (
                t["key"].as_str().expect("key").to_owned(),
                t["value"].as_str().expect("value").to_owned(),
                t["cascade"].as_bool().expect("cascade"),
            )
        })
        .collect()
}

fn triple(key: &str, value: &str, cascade: bool) -> (String, String, bool) {
    (key.to_owned(), value.to_owned(), cascade)
}

async fn activity_rows(app: &TestApp, target: &str, outcome: &str) -> u64 {
    activity::Entity::find()
        .filter(activity::Column::TargetUri.eq(target))
        .filter(activity::Column::Action.eq("updateKeyValueTags"))
        .filter(activity::Column::Outcome.eq(outcome))
        .count(&app.db)
        .await
        .expect("activity")
}

async fn an_update_replaces_the_whole_set_and_every_reader_of_the_target_sees_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    assert_eq!(list(&app, &alice, &env, "environment").await, json!([]), "no tags at first");

    let set = update(
        &app,
        &alice,
        &env,
        "environment",
        json!([tag("Owner", "alice", false), tag("CostCenter", "1234", true)]),
    )
    .await;
    assert_eq!(
        pairs(&set),
        [triple("CostCenter", "1234", true), triple("Owner", "alice", false)],
        "the new set, by key"
    );
    assert_eq!(
        (set[0]["targetType"].as_str(), set[0]["targetUri"].as_str()),
        (Some("environment"), Some(env.as_str()))
    );
    assert!(set[0]["tagUri"].as_str().is_some_and(|u| !u.is_empty()));
    assert_eq!(list(&app, &alice, &env, "environment").await, set);
    // TeamB is invited to the environment (GET_ENVIRONMENT): it reads the tags, as data.all's.
    assert_eq!(list(&app, &bob, &env, "environment").await, set);

    let replaced = update(&app, &alice, &env, "environment", json!([tag("Project", "lake", false)])).await;
    assert_eq!(pairs(&replaced), [triple("Project", "lake", false)], "the old tags are gone, not merged");
    assert_eq!(list(&app, &alice, &env, "environment").await, replaced);
    assert_eq!(update(&app, &alice, &env, "environment", json!([])).await, json!([]), "[] removes them all");
    assert_eq!(list(&app, &alice, &env, "environment").await, json!([]));

    // A dataset's tags are its own: TeamA administers it, TeamB holds nothing on it.
    let ds_tags = update(&app, &alice, &dataset, "dataset", json!([tag("Domain", "sales", false)])).await;
    assert_eq!(pairs(&ds_tags), [triple("Domain", "sales", false)]);
    assert_eq!(list(&app, &alice, &dataset, "dataset").await, ds_tags);
    assert_eq!(list(&app, &alice, &env, "environment").await, json!([]), "the environment's are apart");
    let refused = app.gql(Some(&bob), LIST, json!({"u": dataset, "t": "dataset"})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    assert_eq!(activity_rows(&app, &env, "success").await, 3, "each update is on record");
    assert_eq!(activity_rows(&app, &dataset, "success").await, 1);
    let summary = activity::Entity::find()
        .filter(activity::Column::TargetUri.eq(&dataset))
        .filter(activity::Column::Action.eq("updateKeyValueTags"))
        .one(&app.db)
        .await
        .expect("activity")
        .expect("a row")
        .summary;
    assert_eq!(summary, "1 tag(s): Domain", "the trail names the keys, not the values");
}

async fn bad_tags_are_refused_naming_their_field_and_nothing_is_lost(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let kept = update(&app, &alice, &env, "environment", json!([tag("Team", "a", true)])).await;

    let many: Vec<Value> = (0..48).map(|i| tag(&format!("k{i}"), "v", false)).collect();
    let cases = [
        (json!([tag("", "v", false)]), "tags[0].key"),
        (json!([tag("ok", "v", false), tag(&"k".repeat(129), "v", false)]), "tags[1].key"),
        (json!([tag("ok", &"v".repeat(257), false)]), "tags[0].value"),
        (json!([tag("cost#center", "v", false)]), "tags[0].key"),
        (json!([tag("ok", "a,b", false)]), "tags[0].value"),
        (json!([tag("aws:cloudformation:stack-name", "x", false)]), "tags[0].key"),
        (json!([tag("AWS:anything", "x", false)]), "tags[0].key"),
        (json!([tag("sluice:environment-uri", "x", false)]), "tags[0].key"),
        (json!([tag("Owner", "a", false), tag("owner", "b", false)]), "tags"),
        (json!(many), "tags"),
        (json!([tag("ok", "v", false), null]), "tags[1]"),
        (Value::Null, "tags"),
    ];
    for (tags, field) in cases {
        let body = app.gql(Some(&alice), UPDATE, json!({"u": env, "t": "environment", "tags": tags})).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{tags}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{tags}: {body}");
        assert!(body["data"].is_null(), "{body}");
    }
    let message = app
        .gql(Some(&alice), UPDATE, json!({"u": env, "t": "environment", "tags": [tag("a!", "v", false)]}))
        .await["errors"][0]["message"]
        .clone();
    assert!(
        message.as_str().is_some_and(|m| m.contains("_ . : / = + - @")),
        "says what is allowed: {message}"
    );

    for doc in [LIST, UPDATE] {
        let body = app.gql(Some(&alice), doc, json!({"u": env, "t": "organization", "tags": []})).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "targetType", "{body}");
        // data.all's values exactly: no other spelling.
        let body = app.gql(Some(&alice), doc, json!({"u": env, "t": "Environment", "tags": []})).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "targetType", "{body}");
    }

    assert_eq!(
        list(&app, &alice, &env, "environment").await,
        kept,
        "every refusal left the tags as they were"
    );
    assert_eq!(activity_rows(&app, &env, "failed").await, 15, "refused input is on record too");
}

async fn only_the_targets_teams_read_tags_and_only_its_admins_change_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let admin = app.token("dave", &["DAAdministrators"]);
    update(&app, &alice, &env, "environment", json!([tag("Team", "a", false)])).await;
    update(&app, &alice, &dataset, "dataset", json!([tag("Team", "a", false)])).await;

    let change = json!([tag("Team", "mine", false)]);
    for (token, uri, target_type, doc) in [
        (&carol, env.as_str(), "environment", LIST),
        (&carol, env.as_str(), "environment", UPDATE),
        (&carol, dataset.as_str(), "dataset", LIST),
        (&carol, dataset.as_str(), "dataset", UPDATE),
        // Invited to the environment, TeamB may read its tags, not change them.
        (&bob, env.as_str(), "environment", UPDATE),
        (&bob, dataset.as_str(), "dataset", UPDATE),
        // Platform admins bypass tenant permissions only.
        (&admin, env.as_str(), "environment", UPDATE),
    ] {
        let body = app.gql(Some(token), doc, json!({"u": uri, "t": target_type, "tags": change})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{target_type} {doc}: {body}");
        // Input rules run after the check: a refused caller learns nothing of them.
        let bad = app
            .gql(Some(token), doc, json!({"u": uri, "t": target_type, "tags": [tag("aws:x", "", false)]}))
            .await;
        assert_eq!(error_code(&bad), Some("FORBIDDEN"), "{bad}");
    }
    // A target that does not exist is refused as one that is not yours.
    for (uri, target_type) in [("nosuchenv", "environment"), ("nosuchds", "dataset")] {
        let body = app.gql(Some(&carol), UPDATE, json!({"u": uri, "t": target_type, "tags": change})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
        let body = app.gql(Some(&alice), LIST, json!({"u": uri, "t": target_type})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert_eq!(pairs(&list(&app, &alice, &env, "environment").await), [triple("Team", "a", false)]);
    assert_eq!(pairs(&list(&app, &alice, &dataset, "dataset").await), [triple("Team", "a", false)]);
    assert_eq!(activity_rows(&app, &env, "denied").await, 6, "refused changes are on record");
}

/// Two replacements at once: one runs after the other (the target's row is held), so the set
/// left is one of the two, never a mix of both.
async fn updates_at_once_leave_one_whole_set(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let alice = user("alice", &["TeamA"]);
    let set = |keys: [&str; 2]| {
        Some(
            keys.iter()
                .map(|k| Some(NewTag { key: (*k).into(), value: "v".into(), cascade: false }))
                .collect(),
        )
    };
    for _ in 0..5 {
        let tags = app.core.tags();
        let (a, b) = tokio::join!(
            tags.update(&alice, "environment", &env, set(["a1", "a2"])),
            tags.update(&alice, "environment", &env, set(["b1", "b2"])),
        );
        a.expect("first");
        b.expect("second");
        let left: Vec<String> =
            tags.list(&alice, "environment", &env).await.expect("list").into_iter().map(|t| t.key).collect();
        assert!(left == ["a1", "a2"] || left == ["b1", "b2"], "{left:?}");
    }
}

async fn deleting_a_dataset_or_an_environment_deletes_its_tags(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    update(&app, &alice, &env, "environment", json!([tag("Team", "a", true)])).await;
    update(&app, &alice, &dataset, "dataset", json!([tag("Domain", "sales", false)])).await;
    app.ok(&alice, "mutation($u: String!) { deleteDataset(datasetUri: $u) }", json!({"u": dataset})).await;
    assert_eq!(tag_rows(&app, &dataset).await, 0, "the dataset's tags went with it");
    assert_eq!(tag_rows(&app, &env).await, 1);
    app.ok(&alice, "mutation($u: String!) { deleteEnvironment(environmentUri: $u) }", json!({"u": env}))
        .await;
    assert_eq!(tag_rows(&app, &env).await, 0, "the environment's tags went with it");
}

async fn tag_rows(app: &TestApp, target: &str) -> u64 {
    key_value_tag::Entity::find()
        .filter(key_value_tag::Column::TargetUri.eq(target))
        .count(&app.db)
        .await
        .expect("tags")
}

async fn a_deploy_carries_the_targets_tags_and_the_environments_cascading_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    update(
        &app,
        &alice,
        &env,
        "environment",
        json!([tag("CostCenter", "1234", true), tag("Owner", "platform", false), tag("Domain", "all", true)]),
    )
    .await;
    update(
        &app,
        &alice,
        &dataset,
        "dataset",
        json!([tag("domain", "sales", false), tag("Tier", "gold", false)]),
    )
    .await;
    let env_stack =
        app.ok(&alice, STACK_OF_ENV, json!({"e": env})).await["getEnvironment"]["stack"]["stackUri"]
            .as_str()
            .expect("stack")
            .to_owned();
    let ds_stack =
        app.ok(&alice, STACK_OF_DATASET, json!({"d": dataset})).await["getDataset"]["stack"]["stackUri"]
            .as_str()
            .expect("stack")
            .to_owned();
    let system = app.core.system("test");

    let inputs = system.environment_deploy_inputs(&env_stack).await.expect("inputs");
    let tags: Vec<(&str, &str)> = inputs.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(tags, [("CostCenter", "1234"), ("Domain", "all"), ("Owner", "platform")], "all of its own");

    let inputs = system.dataset_deploy_inputs(&ds_stack).await.expect("inputs").expect("a dataset");
    let tags: Vec<(&str, &str)> = inputs.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        tags,
        [("CostCenter", "1234"), ("Domain", "all"), ("Tier", "gold")],
        "its own, and the environment's cascading ones, which win over its own of the same key"
    );
}

async fn stack_resources_are_read_from_aws_when_asked_for(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { org, env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);

    // Not deployed yet: nothing to ask AWS about.
    let stack = app.ok(&alice, STACK_OF_ENV, json!({"e": env})).await["getEnvironment"]["stack"].clone();
    assert_eq!((stack["status"].as_str(), &stack["resources"]), (Some("PENDING"), &Value::Null), "{stack}");

    let system = app.core.system("test");
    let deployed = || DeployRecord { status: "CREATE_COMPLETE".into(), ..Default::default() };
    system.record_deploy(stack["stackUri"].as_str().expect("stack"), deployed()).await.expect("deployed");
    let name = app
        .ok(
            &alice,
            "query($e: String!) { getEnvironment(environmentUri: $e) { stack { name } } }",
            json!({"e": env}),
        )
        .await["getEnvironment"]["stack"]["name"]
        .as_str()
        .expect("name")
        .to_owned();
    for token in [&alice, &bob] {
        let resources =
            app.ok(token, STACK_OF_ENV, json!({"e": env})).await["getEnvironment"]["stack"]["resources"]
                .clone();
        let parsed: Value = serde_json::from_str(resources.as_str().expect("a JSON string")).expect("JSON");
        assert_eq!(
            parsed,
            json!([
                {"logicalId": "Bucket", "physicalId": format!("{name}-bucket"), "type": "AWS::S3::Bucket", "status": "CREATE_COMPLETE"},
                {"logicalId": "Role", "physicalId": format!("arn:aws:iam::111122223333:role/{name}"), "type": "AWS::IAM::Role", "status": "CREATE_COMPLETE"},
            ]),
            "what CloudFormation lists, for every reader of the environment"
        );
    }

    // A dataset's stack, through the dataset: its admin team reads it, others get no stack.
    let ds_stack =
        app.ok(&alice, STACK_OF_DATASET, json!({"d": dataset})).await["getDataset"]["stack"].clone();
    system.record_deploy(ds_stack["stackUri"].as_str().expect("stack"), deployed()).await.expect("deployed");
    let ds_stack =
        app.ok(&alice, STACK_OF_DATASET, json!({"d": dataset})).await["getDataset"]["stack"].clone();
    assert!(ds_stack["resources"].as_str().is_some_and(|r| r.contains("AWS::S3::Bucket")), "{ds_stack}");
    let outsider = app.ok(&bob, STACK_OF_DATASET, json!({"d": dataset})).await;
    assert!(outsider["getDataset"]["stack"].is_null(), "no stack, so no resources: {outsider}");

    // One request reads at most 10 stacks' resources from AWS.
    let aliases: Vec<String> = (0..11)
        .map(|i| format!("s{i}: getEnvironment(environmentUri: $e) {{ stack {{ resources }} }}"))
        .collect();
    let doc = format!("query($e: String!) {{ {} }}", aliases.join(" "));
    let body = app.gql(Some(&alice), &doc, json!({"e": env})).await;
    let errors = body["errors"].as_array().expect("the eleventh is refused");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["extensions"]["field"], "resources", "{body}");
    let answered =
        (0..11).filter(|i| body["data"][format!("s{i}")]["stack"]["resources"].is_string()).count();
    assert_eq!(answered, 10, "{body}");

    // AWS failing is an error saying what to do, not a crash.
    let mut input = link_input(&org, "444455556666");
    input["input"]["label"] = json!("Unreachable Lake");
    let created = app
        .ok(&alice, "mutation($input: NewEnvironmentInput!) { createEnvironment(input: $input) { stack { stackUri } environmentUri } }", input)
        .await["createEnvironment"]
        .clone();
    let stack_uri = created["stack"]["stackUri"].as_str().expect("stack");
    system.record_deploy(stack_uri, deployed()).await.expect("deployed");
    let body = app.gql(Some(&alice), STACK_OF_ENV, json!({"e": created["environmentUri"]})).await;
    assert_eq!(error_code(&body), Some("INVALID_STATE"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("try again in a moment") && message.contains("leave `resources` out"),
        "{message}"
    );
    assert_eq!(
        body["data"]["getEnvironment"]["stack"]["status"], "CREATE_COMPLETE",
        "the rest still answers"
    );

    // Without AWS settings there is nothing to read.
    let without_aws = Core::new(app.db.clone());
    let read =
        without_aws.environments().stack_resources(&user("alice", &["TeamA"]), "environment", &env).await;
    assert_eq!(read.expect("no error"), None);
}

on_both_backends!(
    an_update_replaces_the_whole_set_and_every_reader_of_the_target_sees_it,
    bad_tags_are_refused_naming_their_field_and_nothing_is_lost,
    only_the_targets_teams_read_tags_and_only_its_admins_change_them,
    updates_at_once_leave_one_whole_set,
    deleting_a_dataset_or_an_environment_deletes_its_tags,
    a_deploy_carries_the_targets_tags_and_the_environments_cascading_ones,
    stack_resources_are_read_from_aws_when_asked_for,
);

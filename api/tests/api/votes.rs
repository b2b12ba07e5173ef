//! Votes in data.all's dialect: one per user and dataset, counted on the dataset at once (the
//! read cache follows), open to whoever may find the dataset, and gone with it.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use sluice_core::catalog::CatalogVisibility;

use crate::support::{
    Backend, Options, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const VOTE: &str = "mutation($u: String!, $t: String!, $up: Boolean!) { upVote(input: {targetUri: $u, targetType: $t, upvote: $up}) { voteUri targetUri targetType upvote created } }";
const MINE: &str =
    "query($u: String!) { getVote(targetUri: $u, targetType: \"dataset\") { voteUri upvote } }";
const COUNT: &str = "query($u: String!) { countUpVotes(targetUri: $u, targetType: \"dataset\") }";
const STATS: &str = "query($u: String!) { getDataset(datasetUri: $u) { statistics { upvotes tables } } }";

async fn vote(app: &TestApp, token: &str, dataset: &str, up: bool) -> Value {
    app.ok(token, VOTE, json!({"u": dataset, "t": "dataset", "up": up})).await["upVote"].clone()
}

async fn count(app: &TestApp, token: &str, dataset: &str) -> (Value, Value) {
    let counted = app.ok(token, COUNT, json!({"u": dataset})).await["countUpVotes"].clone();
    let stats =
        app.ok(token, STATS, json!({"u": dataset})).await["getDataset"]["statistics"]["upvotes"].clone();
    (counted, stats)
}

async fn each_user_holds_one_vote_and_the_dataset_counts_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    // Read first, so the read cache holds the dataset with no votes.
    assert_eq!(count(&app, &carol, &dataset).await, (json!(0), json!(0)));
    assert!(app.ok(&bob, MINE, json!({"u": dataset})).await["getVote"].is_null());

    let first = vote(&app, &bob, &dataset, true).await;
    assert_eq!((first["targetType"].as_str(), first["upvote"].as_bool()), (Some("dataset"), Some(true)));
    let again = vote(&app, &bob, &dataset, true).await;
    assert_eq!(again["voteUri"], first["voteUri"], "voting again changes the same vote");
    vote(&app, &carol, &dataset, true).await;
    assert_eq!(count(&app, &alice, &dataset).await, (json!(2), json!(2)), "two users, whatever the clicks");
    let back = vote(&app, &bob, &dataset, false).await;
    assert_eq!(back["upvote"], false);
    assert_eq!(app.ok(&bob, MINE, json!({"u": dataset})).await["getVote"]["upvote"], false);
    assert_eq!(
        count(&app, &carol, &dataset).await,
        (json!(1), json!(1)),
        "a vote taken back no longer counts"
    );

    let wrong = app.gql(Some(&bob), VOTE, json!({"u": dataset, "t": "dashboard", "up": true})).await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "targetType");
    let missing = app.gql(Some(&bob), VOTE, json!({"u": "nosuchds", "t": "dataset", "up": true})).await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");

    let delete = "mutation($u: String!) { deleteDataset(datasetUri: $u) }";
    app.ok(&alice, delete, json!({"u": dataset})).await;
    let left = sluice_entities::vote::Entity::find().count(&app.db).await.expect("votes");
    assert_eq!(left, 0, "the dataset's votes went with it");
}

async fn a_hidden_dataset_takes_no_votes(backend: Backend) {
    let options = Options { catalog_visibility: CatalogVisibility::Restricted, ..Default::default() };
    let app = TestApp::spawn_with(backend, options).await;
    let TwoTeams { dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    vote(&app, &alice, &dataset, true).await;
    for (doc, vars) in [
        (VOTE, json!({"u": dataset, "t": "dataset", "up": true})),
        (MINE, json!({"u": dataset})),
        (COUNT, json!({"u": dataset})),
    ] {
        let hidden = app.gql(Some(&carol), doc, vars).await;
        assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{hidden}");
        assert!(hidden["data"].is_null(), "nothing of the dataset answers: {hidden}");
    }
    assert_eq!(app.ok(&alice, COUNT, json!({"u": dataset})).await["countUpVotes"], 1);
}

on_both_backends!(each_user_holds_one_vote_and_the_dataset_counts_them, a_hidden_dataset_takes_no_votes);

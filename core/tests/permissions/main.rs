//! Resource permissions as lists and point checks read them, on Postgres and SQLite.

use sea_orm::{ConnectionTrait, Statement};
use sluice_core::{
    Actor, on_both_backends,
    permissions::{
        attach_resource_policy, delete_resource_policy, granted_resources, has_resource_permission,
    },
    testkit::{Backend, TestDb},
};

fn actor(groups: &[&str]) -> Actor {
    Actor::new("reader", groups.iter().map(|g| g.to_string()), "admins")
}

async fn granted(db: &TestDb, groups: &[&str], permission: &str) -> Vec<String> {
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    let query = granted_resources("dataset", permission, &groups);
    let mut uris: Vec<String> = db
        .db
        .query_all(&query)
        .await
        .expect("granted")
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("uri"))
        .collect();
    uris.sort();
    uris
}

async fn lists_and_point_checks_follow_attach_replace_and_delete(backend: Backend) {
    let db = TestDb::new(backend).await;
    attach_resource_policy(&db.db, "team-a", "ds1", "dataset", &["GET_DATASET", "UPDATE_DATASET"])
        .await
        .expect("a");
    attach_resource_policy(&db.db, "team-b", "ds2", "dataset", &["GET_DATASET"]).await.expect("b");
    attach_resource_policy(&db.db, "team-a", "env1", "environment", &["GET_DATASET"])
        .await
        .expect("other type");
    assert_eq!(granted(&db, &["team-a"], "GET_DATASET").await, ["ds1"]);
    assert_eq!(granted(&db, &["team-a", "team-b"], "GET_DATASET").await, ["ds1", "ds2"]);
    assert_eq!(granted(&db, &["team-b"], "UPDATE_DATASET").await, Vec::<String>::new());

    // Replacing a team's permissions drops the old ones from every read.
    attach_resource_policy(&db.db, "team-a", "ds1", "dataset", &["UPDATE_DATASET"]).await.expect("replace");
    assert_eq!(granted(&db, &["team-a"], "GET_DATASET").await, Vec::<String>::new());
    let a = actor(&["team-a"]);
    assert!(!has_resource_permission(&db.db, &a, "dataset", "ds1", "GET_DATASET").await.expect("check"));
    assert!(has_resource_permission(&db.db, &a, "dataset", "ds1", "UPDATE_DATASET").await.expect("check"));
    assert!(!has_resource_permission(&db.db, &a, "dataset", "ds2", "UPDATE_DATASET").await.expect("check"));

    delete_resource_policy(&db.db, "team-b", "ds2").await.expect("delete");
    assert_eq!(granted(&db, &["team-b"], "GET_DATASET").await, Vec::<String>::new());
}

/// During a rolling deploy the previous release writes permission rows without the copies of
/// their policy's resource and principal; the database fills them in.
async fn permission_rows_written_without_copies_are_filled_in(backend: Backend) {
    let db = TestDb::new(backend).await;
    let exec =
        |sql: &str| db.db.execute_raw(Statement::from_string(db.db.get_database_backend(), sql.to_owned()));
    exec("INSERT INTO resource_policy (sid, resource_uri, resource_type, principal_id, principal_type, created) \
          VALUES ('old1', 'ds9', 'dataset', 'team-old', 'GROUP', CURRENT_TIMESTAMP)")
    .await
    .expect("policy as the old release writes it");
    exec("INSERT INTO resource_policy_permission (sid, permission) VALUES ('old1', 'GET_DATASET')")
        .await
        .expect("permission as the old release writes it");
    assert_eq!(granted(&db, &["team-old"], "GET_DATASET").await, ["ds9"]);
    let old = actor(&["team-old"]);
    assert!(has_resource_permission(&db.db, &old, "dataset", "ds9", "GET_DATASET").await.expect("check"));
}

on_both_backends!(
    lists_and_point_checks_follow_attach_replace_and_delete,
    permission_rows_written_without_copies_are_filled_in,
);

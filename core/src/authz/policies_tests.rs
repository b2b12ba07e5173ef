//! Resource policies as lists and point checks read them, on Postgres and SQLite.

use sea_orm::{ConnectionTrait, Statement};

use super::{
    DatasetPermission::{GetDataset, UpdateDataset},
    granted, policies,
};
use crate::testkit::{Backend, TestDb, user};

async fn granted_to(db: &TestDb, groups: &[&str], permission: super::DatasetPermission) -> Vec<String> {
    let query = granted(permission, &user("reader", groups));
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

async fn lists_follow_attach_replace_and_detach(backend: Backend) {
    let db = TestDb::new(backend).await;
    policies::attach(&db.db, "team-a", "ds1", &[GetDataset, UpdateDataset]).await.expect("a");
    policies::attach(&db.db, "team-b", "ds2", &[GetDataset]).await.expect("b");
    policies::attach(&db.db, "team-a", "env1", &[super::EnvironmentPermission::GetEnvironment])
        .await
        .expect("another kind");
    assert_eq!(granted_to(&db, &["team-a"], GetDataset).await, ["ds1"]);
    assert_eq!(granted_to(&db, &["team-a", "team-b"], GetDataset).await, ["ds1", "ds2"]);
    assert_eq!(granted_to(&db, &["team-b"], UpdateDataset).await, Vec::<String>::new());
    let held: Vec<super::DatasetPermission> = policies::held(&db.db, "team-a", "ds1").await.expect("held");
    assert_eq!(held, [GetDataset, UpdateDataset]);

    // Replacing a team's permissions drops the old ones from every read.
    policies::attach(&db.db, "team-a", "ds1", &[UpdateDataset]).await.expect("replace");
    assert_eq!(granted_to(&db, &["team-a"], GetDataset).await, Vec::<String>::new());
    assert_eq!(granted_to(&db, &["team-a"], UpdateDataset).await, ["ds1"]);

    policies::detach(&db.db, "team-b", "ds2").await.expect("detach");
    assert_eq!(granted_to(&db, &["team-b"], GetDataset).await, Vec::<String>::new());
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
    assert_eq!(granted_to(&db, &["team-old"], GetDataset).await, ["ds9"]);
}

crate::on_both_backends!(
    lists_follow_attach_replace_and_detach,
    permission_rows_written_without_copies_are_filled_in
);

//! Installations from before organizations had their own ExternalId: an environment linked then
//! keeps the installation's former one, which links more regions of that account for the same
//! organization only, until an admin moves it onto the organization's own.

use std::sync::Arc;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sluice_core::testkit::fake_aws::FakeAccounts;
use sluice_entities::{activity, environment as env, organization as org, platform_setting};

use crate::{
    environments::{CREATE, link, link_input},
    organizations::create_org,
    support::{Backend, Options, TestApp, error_code, on_both_backends},
};

const ACCOUNT: &str = "111122223333";
const LEGACY: &str = "former-installation-wide-external-id";
const ADOPT: &str =
    "mutation($e: String!) { adoptOrganizationExternalId(environmentUri: $e) { environmentUri region } }";

async fn stored_external_id(app: &TestApp, uri: &str) -> Option<String> {
    env::Entity::find_by_id(uri.to_owned()).one(&app.db).await.expect("read").expect("row").pivot_external_id
}

/// Turns a freshly linked environment into one linked before the upgrade: no ExternalId of its
/// own or of its organization, the installation's single one in `platform_setting`, and a pivot
/// role that trusts only that.
async fn make_pre_upgrade(app: &TestApp, accounts: &FakeAccounts, org_uri: &str, env_uri: &str) {
    platform_setting::ActiveModel { key: Set("pivot_external_id".into()), value: Set(LEGACY.into()) }
        .insert(&app.db)
        .await
        .expect("legacy id");
    env::Entity::update_many()
        .col_expr(env::Column::PivotExternalId, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .filter(env::Column::EnvironmentUri.eq(env_uri))
        .exec(&app.db)
        .await
        .expect("clear environment id");
    org::Entity::update_many()
        .col_expr(org::Column::PivotExternalId, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .filter(org::Column::OrganizationUri.eq(org_uri))
        .exec(&app.db)
        .await
        .expect("clear organization id");
    accounts.trust(ACCOUNT, &[LEGACY]);
}

async fn a_pre_upgrade_account_links_for_its_organization_only_until_adopted(backend: Backend) {
    let accounts = Arc::new(FakeAccounts::default());
    let app =
        TestApp::spawn_with(backend, Options { linker: Some(accounts.clone()), ..Default::default() }).await;
    let alice = app.token("alice", &["TeamA"]);
    let mallory = app.token("mallory", &["TeamM"]);
    let org_a = create_org(&app, &alice, "Org A", "TeamA").await;
    let first = link(&app, &alice, &org_a, ACCOUNT).await["environmentUri"].as_str().expect("uri").to_owned();
    make_pre_upgrade(&app, &accounts, &org_a, &first).await;

    let own = app
        .ok(&alice, "query($o: String!) { getPivotRoleExternalId(organizationUri: $o) }", json!({"o": org_a}))
        .await["getPivotRoleExternalId"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_ne!(own, LEGACY, "an organization from before gets an ExternalId of its own, not the shared one");

    // Its own organization links another region of the account under the former ExternalId.
    let mut second = link_input(&org_a, ACCOUNT);
    second["input"]["region"] = json!("eu-west-2");
    let second = app.ok(&alice, CREATE, second).await["createEnvironment"]["environmentUri"]
        .as_str()
        .expect("uri")
        .to_owned();
    assert_eq!(stored_external_id(&app, &second).await.as_deref(), Some(LEGACY));

    // Another organization, which may read its own ExternalId but never had the account, cannot.
    let org_m = create_org(&app, &mallory, "Org M", "TeamM").await;
    let mut stolen = link_input(&org_m, ACCOUNT);
    stolen["input"]["SamlGroupName"] = json!("TeamM");
    stolen["input"]["region"] = json!("eu-central-1");
    let body = app.gql(Some(&mallory), CREATE, stolen).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "AwsAccountId");
    assert_eq!(
        env::Entity::find()
            .filter(env::Column::OrganizationUri.eq(org_m.as_str()))
            .all(&app.db)
            .await
            .expect("read")
            .len(),
        0,
        "nothing was stored for the other organization"
    );
    // Nor may it move someone else's environment.
    let body = app.gql(Some(&mallory), ADOPT, json!({"e": first})).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Adopting before the owner redeployed the role is refused and changes nothing.
    let body = app.gql(Some(&alice), ADOPT, json!({"e": first})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["errors"][0]["message"].as_str().expect("message").contains("ExternalId"), "{body}");
    assert_eq!(stored_external_id(&app, &first).await, None);

    // The owner redeploys the pivot role from the organization's template; both switch over.
    accounts.trust(ACCOUNT, &[&own]);
    for uri in [&first, &second] {
        let adopted = app.ok(&alice, ADOPT, json!({"e": uri})).await;
        assert_eq!(adopted["adoptOrganizationExternalId"]["environmentUri"], uri.as_str());
        assert_eq!(stored_external_id(&app, uri).await.as_deref(), Some(own.as_str()));
    }
    app.ok(&alice, ADOPT, json!({"e": first})).await; // again: nothing to do, no error
    let audited = activity::Entity::find()
        .filter(activity::Column::Action.eq("adoptOrganizationExternalId"))
        .filter(activity::Column::TargetUri.eq(first.as_str()))
        .all(&app.db)
        .await
        .expect("activity");
    assert!(
        audited.iter().any(|row| row.actor == "alice" && row.outcome == "success"),
        "the switch is in the activity trail: {audited:?}"
    );
    assert!(
        audited.iter().any(|row| row.actor == "mallory" && row.outcome == "denied"),
        "so is the refused attempt: {audited:?}"
    );

    // With every environment of the account moved, the former ExternalId links nothing more.
    let mut third = link_input(&org_a, ACCOUNT);
    third["input"]["region"] = json!("us-east-1");
    accounts.trust(ACCOUNT, &[LEGACY]);
    let body = app.gql(Some(&alice), CREATE, third).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

on_both_backends!(a_pre_upgrade_account_links_for_its_organization_only_until_adopted);

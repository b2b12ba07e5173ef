//! Datasets at the domain level, on Postgres and SQLite: who may create one, who sees it, and
//! what their creation, change and deletion queue. The pivot-role check is faked at its port.

mod crawler;
mod credentials;
mod listing;
mod read_epoch;
mod stacks;
mod tables;

use sluice_core::{
    Actor, Core,
    datasets::{DatasetFilter, ImportedResources, ModifyDataset, NewDataset, UserRole},
    environments::NewEnvironment,
    on_both_backends,
    organizations::NewOrganization,
    page::PageRequest,
    tasks::TaskFilter,
    testkit::{Backend, TestDb, fake_aws},
};

fn actor(name: &str, groups: &[&str]) -> Actor {
    Actor::authenticated(
        sluice_core::testkit::TEST_ISSUER,
        name,
        groups.iter().map(|g| (*g).to_owned()),
        "DAAdministrators",
    )
}

/// An organization and environment owned by TeamA, with TeamB invited to create datasets and
/// TeamC invited without that right.
async fn setup(backend: Backend) -> (TestDb, Core, String) {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(fake_aws::aws_settings());
    let alice = actor("alice", &["TeamA"]);
    for a in [&alice, &actor("bob", &["TeamB"]), &actor("carol", &["TeamC"])] {
        core.admit(a).await.expect("admit");
    }
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("Org".into()),
                saml_group_name: Some("TeamA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");
    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "Env".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env");
    let invite = sluice_core::testkit::invite_to_environment;
    invite(&core, &alice, &env.environment_uri, "TeamB", &["CREATE_DATASET".into()]).await.expect("TeamB");
    invite(&core, &alice, &env.environment_uri, "TeamC", &[]).await.expect("TeamC");
    (db, core, env.environment_uri)
}

fn new_dataset(env: &str, team: &str) -> NewDataset {
    NewDataset {
        label: "Sales Orders".into(),
        environment_uri: env.into(),
        saml_admin_group_name: team.into(),
        stewards: Some("TeamD".into()),
        confidentiality: Some("official".into()),
        ..Default::default()
    }
}

async fn a_team_with_create_dataset_publishes_and_its_readers_see_it(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let carol = actor("carol", &["TeamC"]);
    let dana = actor("dana", &["TeamD"]);
    let ds = core.datasets();

    let refused =
        ds.create(&carol, new_dataset(&env, "TeamC")).await.expect_err("TeamC lacks CREATE_DATASET");
    assert_eq!(refused.code(), "FORBIDDEN", "{refused}");
    let not_member = ds.create(&bob, new_dataset(&env, "TeamC")).await.expect_err("bob is not in TeamC");
    assert_eq!(not_member.code(), "BAD_USER_INPUT");

    let dataset = ds.create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    assert_eq!(dataset.confidentiality, "Official");
    let place = dataset.restricted().expect("its creator sees where it lives");
    assert!(place.bucket_name.starts_with("sluice-sales-orders-") && place.bucket_name.len() <= 63);
    assert!(place.glue_database_name.starts_with("sluice_sales_orders_"));
    assert_eq!(dataset.role_of(&bob), sluice_core::datasets::UserRole::Creator);

    let page = PageRequest::new(None, None).expect("page");
    let all = DatasetFilter::default();
    assert_eq!(ds.list(&bob, &all, page).await.expect("list").count, 1);
    assert_eq!(ds.list(&dana, &all, page).await.expect("list").count, 1, "stewards see it");
    assert_eq!(ds.list(&carol, &all, page).await.expect("list").count, 0);
    let catalog = ds.get(&carol, &dataset.dataset_uri).await.expect("the catalog entry is public");
    assert_eq!(catalog.restricted().expect_err("its insides are not").code(), "FORBIDDEN");
    assert!(catalog.restricted_if_granted().is_none());
    let stewards = ds.get(&dana, &dataset.dataset_uri).await.expect("stewards read it");
    assert!(stewards.restricted().is_ok(), "stewards see where it lives");
    let as_steward = DatasetFilter { roles: vec![UserRole::DataSteward], ..Default::default() };
    assert_eq!(ds.list(&dana, &as_steward, page).await.expect("list").count, 1);
    assert_eq!(ds.list(&bob, &as_steward, page).await.expect("list").count, 0, "bob is its creator");
    let in_env = ds.list_in_environment(&carol, &env, &all, page).await.expect("TeamC is in the environment");
    assert_eq!(in_env.count, 1);
    assert_eq!(
        ds.list_in_environment(&dana, &env, &all, page).await.expect_err("TeamD is not").code(),
        "FORBIDDEN"
    );
    let no_update =
        ds.update(&dana, &dataset.dataset_uri, ModifyDataset::default()).await.expect_err("stewards read");
    assert_eq!(no_update.code(), "FORBIDDEN");

    let tasks = core
        .tasks()
        .list(&bob, &TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None }, page)
        .await
        .expect("tasks");
    let mut actions: Vec<&str> = tasks.nodes.iter().map(|t| t.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        vec!["catalog.index", "dataset.deploy"],
        "the stack deploy and the catalog entry are queued"
    );
}

async fn teams_and_environments_holding_datasets_cannot_go(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let alice = actor("alice", &["TeamA"]);
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");

    let removal =
        core.environments().remove_group(&alice, &env, "TeamB").await.expect_err("TeamB owns a dataset");
    assert_eq!(removal.code(), "INVALID_STATE");
    let deletion =
        core.environments().delete(&alice, &env, false).await.expect_err("the environment holds a dataset");
    assert_eq!(deletion.code(), "INVALID_STATE");

    core.datasets().delete(&bob, &dataset.dataset_uri, true).await.expect("deleted");
    core.environments().remove_group(&alice, &env, "TeamB").await.expect("now TeamB can go");
    core.environments().delete(&alice, &env, false).await.expect("and the environment too");
}

async fn stewards_can_be_changed_and_access_follows(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dana = actor("dana", &["TeamD"]);
    let erin = actor("erin", &["TeamE"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let changed = core
        .datasets()
        .update(
            &bob,
            &dataset.dataset_uri,
            ModifyDataset {
                stewards: Some("TeamE".into()),
                label: Some("Orders".into()),
                ..Default::default()
            },
        )
        .await
        .expect("updated");
    assert_eq!((changed.stewards.as_deref(), changed.label.as_str()), (Some("TeamE"), "Orders"));
    assert_eq!(
        core.datasets()
            .get(&dana, &dataset.dataset_uri)
            .await
            .expect("catalog")
            .restricted()
            .expect_err("no longer")
            .code(),
        "FORBIDDEN"
    );
    let erins = core.datasets().get(&erin, &dataset.dataset_uri).await.expect("found");
    assert!(erins.restricted().is_ok(), "the new stewards read it");
}

async fn imports_are_checked_in_the_account_and_deploy_nothing(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let existing = |bucket: &str, db: &str| ImportedResources {
        bucket_name: bucket.into(),
        glue_database_name: db.into(),
        kms_alias: Some("sales-key".into()),
        admin_role_name: None,
    };
    let missing = core
        .datasets()
        .import(&bob, new_dataset(&env, "TeamB"), existing("missing-bucket", "missing_db"))
        .await
        .expect_err("neither exists");
    assert_eq!(missing.code(), "BAD_USER_INPUT");
    let text = missing.to_string();
    assert!(
        text.starts_with("bucketName:")
            && text.contains("S3 bucket missing-bucket")
            && text.contains("Glue database missing_db"),
        "names the field and everything missing: {text}"
    );
    let bad_name = core
        .datasets()
        .import(&bob, new_dataset(&env, "TeamB"), existing("Not A Bucket", "sales_db"))
        .await
        .expect_err("not a bucket name");
    assert!(bad_name.to_string().starts_with("bucketName:"), "{bad_name}");
    let wrong_org = core
        .datasets()
        .import(
            &bob,
            NewDataset { organization_uri: Some("elsewhere".into()), ..new_dataset(&env, "TeamB") },
            existing("sales-bucket", "sales_db"),
        )
        .await
        .expect_err("the environment is in another organization");
    assert!(wrong_org.to_string().starts_with("organizationUri:"), "{wrong_org}");

    let dataset = core
        .datasets()
        .import(&bob, new_dataset(&env, "TeamB"), existing("sales-bucket", "sales_db"))
        .await
        .expect("imported");
    let place = dataset.restricted().expect("the admin team's view").clone();
    assert!(dataset.imported && place.imported_admin_role);
    assert_eq!(
        (place.bucket_name.as_str(), place.glue_database_name.as_str(), place.kms_alias.as_deref()),
        ("sales-bucket", "sales_db", Some("alias/sales-key"))
    );
    assert!(
        place.admin_role_name.starts_with("sluice-teamb-"),
        "the admin team's role: {}",
        place.admin_role_name
    );
    let page = PageRequest::new(None, None).expect("page");
    let tasks = core
        .tasks()
        .list(&bob, &TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None }, page)
        .await
        .expect("tasks");
    let mut actions: Vec<&str> = tasks.nodes.iter().map(|t| t.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["catalog.index", "dataset.register-location"], "an import deploys no stack");

    let again = core
        .datasets()
        .import(&bob, new_dataset(&env, "TeamB"), existing("sales-bucket", "other_db"))
        .await
        .expect_err("one dataset per bucket in an environment");
    assert_eq!(again.code(), "CONFLICT");

    // The hole this closes: another organization's user imported someone else's bucket as a
    // dataset of their own. A bucket belongs to one dataset, in whatever environment, and must
    // be the environment account's own; a key must be opened to Sluice by its owner.
    let mallory = actor("mallory", &["TeamM"]);
    core.admit(&mallory).await.expect("admit");
    let org = core
        .organizations()
        .create(
            &mallory,
            NewOrganization {
                label: Some("Mine".into()),
                saml_group_name: Some("TeamM".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");
    let theirs = core
        .environments()
        .create(
            &mallory,
            NewEnvironment {
                label: "Mine".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamM".into(),
                aws_account_id: "555566667777".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("mallory's own account");
    let datasets = core.datasets();
    let import = |bucket: &str, alias: &str| {
        let resources = ImportedResources { kms_alias: Some(alias.into()), ..existing(bucket, "sales_db") };
        datasets.import(&mallory, new_dataset(&theirs.environment_uri, "TeamM"), resources)
    };
    let taken = import("sales-bucket", "sales-key").await.expect_err("bob's dataset holds it");
    assert_eq!(taken.code(), "CONFLICT", "{taken}");
    assert!(!taken.to_string().contains(&dataset.dataset_uri), "whose it is is not said: {taken}");
    let foreign = import("foreign-bucket", "sales-key").await.expect_err("another account's bucket");
    assert_eq!(foreign.code(), "BAD_USER_INPUT");
    assert!(foreign.to_string().contains("S3 bucket foreign-bucket: owned by another account"), "{foreign}");
    let closed = import("mallory-bucket", "closed-key").await.expect_err("a key not opened to Sluice");
    assert!(
        closed.to_string().starts_with("KmsKeyAlias:") && closed.to_string().contains("not tagged"),
        "{closed}"
    );
    import("mallory-bucket", "sales-key").await.expect("her own bucket and an opened key");
}

/// As data.all: an import that names no Glue database gets one, named as a created dataset's
/// and created by its registration task; the pivot role is not asked for it beforehand.
async fn an_import_without_a_glue_database_makes_one(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let resources = ImportedResources {
        bucket_name: "old-bucket".into(),
        glue_database_name: " ".into(),
        kms_alias: Some("sales-key".into()),
        admin_role_name: None,
    };
    let dataset =
        core.datasets().import(&bob, new_dataset(&env, "TeamB"), resources).await.expect("imported");
    let database = dataset.restricted().expect("the admin team's view").glue_database_name.clone();
    assert!(database.starts_with("sluice_sales_orders_"), "named as a created dataset's: {database}");
    let page = PageRequest::new(None, None).expect("page");
    let filter = TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None };
    let tasks = core.tasks().list(&bob, &filter, page).await.expect("tasks");
    let register = tasks.nodes.iter().find(|t| t.action == "dataset.register-location").expect("queued");
    assert_eq!(register.payload["createGlueDatabase"], true, "{:?}", register.payload);
    let registration = core
        .system("test")
        .import_registration(&dataset.dataset_uri)
        .await
        .expect("read")
        .expect("an import");
    assert_eq!(registration.glue_database_name, database);
}

/// Many datasets across teams: each actor's list is exactly what its teams were granted.
async fn lists_hold_exactly_what_each_team_may_see(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let alice = actor("alice", &["TeamA"]);
    let bob = actor("bob", &["TeamB"]);
    let both = actor("olga", &["TeamA", "TeamB"]);
    let carol = actor("carol", &["TeamC"]);
    let steward = actor("dana", &["TeamD"]);
    let (mut team_a, mut team_b, mut stewarded) = (0_u64, 0_u64, 0_u64);
    for i in 0..1_000 {
        let (who, team) = if i % 3 == 0 { (&alice, "TeamA") } else { (&bob, "TeamB") };
        let stewards = (i % 7 == 0).then(|| "TeamD".to_owned());
        let input = NewDataset {
            label: format!("Set {i:04}"),
            stewards: stewards.clone(),
            ..new_dataset(&env, team)
        };
        core.datasets().create(who, input).await.expect("created");
        if team == "TeamA" {
            team_a += 1
        } else {
            team_b += 1
        }
        stewarded += u64::from(stewards.is_some());
    }
    let all = DatasetFilter::default();
    let first = PageRequest::new(Some(1), Some(100)).expect("page");
    let count = |a: Actor| {
        let core = core.clone();
        let all = all.clone();
        async move { core.datasets().list(&a, &all, first).await.expect("list").count }
    };
    assert_eq!(count(alice.clone()).await, team_a);
    assert_eq!(count(bob.clone()).await, team_b);
    assert_eq!(count(both.clone()).await, 1_000);
    assert_eq!(count(carol.clone()).await, 0);
    assert_eq!(count(steward.clone()).await, stewarded);

    // Paging walks bob's datasets once each, in label order.
    let mut seen = vec![];
    for page in 1..=team_b.div_ceil(100) {
        let request = PageRequest::new(Some(i32::try_from(page).expect("small")), Some(100)).expect("page");
        let found = core.datasets().list(&bob, &all, request).await.expect("list");
        assert!(found.nodes.iter().all(|d| d.saml_admin_group_name == "TeamB"));
        seen.extend(found.nodes.into_iter().map(|d| d.label.clone()));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!((seen.len() as u64, sorted), (team_b, seen));
    let term = DatasetFilter { term: Some("set 000".into()), ..Default::default() };
    let found = core.datasets().list(&alice, &term, first).await.expect("search");
    assert_eq!(found.count, 4, "Set 0000, 0003, 0006 and 0009 are TeamA's");
}

/// As data.all: an import with an empty `KmsKeyAlias`, or none, takes a bucket encrypted with
/// SSE-S3. It is stored without a key (the pivot role is not asked about one), reads back so,
/// and keeps being SSE-S3; a key alias that is there must still be a customer alias.
async fn an_import_without_a_key_alias_is_sse_s3(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let resources = |bucket: &str, alias: Option<&str>| ImportedResources {
        bucket_name: bucket.into(),
        glue_database_name: "sales_db".into(),
        kms_alias: alias.map(Into::into),
        admin_role_name: None,
    };
    for (bad, why) in [("bad key!", "not an alias"), ("alias/aws/s3", "AWS-managed"), ("alias/", "no name")] {
        let refused = core
            .datasets()
            .import(&bob, new_dataset(&env, "TeamB"), resources("sse-bucket", Some(bad)))
            .await
            .expect_err(why);
        assert_eq!(refused.code(), "BAD_USER_INPUT", "{bad}: {refused}");
        assert!(refused.to_string().starts_with("KmsKeyAlias:"), "{bad}: {refused}");
    }

    let mut uris = vec![];
    for (bucket, alias) in [("sse-empty", Some("")), ("sse-blank", Some("  ")), ("sse-absent", None)] {
        let dataset = core
            .datasets()
            .import(&bob, new_dataset(&env, "TeamB"), resources(bucket, alias))
            .await
            .unwrap_or_else(|e| panic!("{alias:?} is SSE-S3: {e}"));
        assert_eq!(
            dataset.restricted().expect("admin view").kms_alias,
            None,
            "{alias:?}: stored without a key"
        );
        uris.push(dataset.dataset_uri.clone());
    }
    // Read back from the database, not from what the import returned.
    for uri in &uris {
        let read = core.datasets().get(&bob, uri).await.expect("read");
        assert_eq!(read.restricted().expect("admin view").kms_alias, None);
    }

    // data.all's clients send back the `KmsAlias` they read (`SSE-S3`); a key is a change.
    let update = |alias: &str| ModifyDataset { kms_alias: Some(alias.into()), ..Default::default() };
    for same in ["SSE-S3", ""] {
        core.datasets()
            .update(&bob, &uris[0], update(same))
            .await
            .unwrap_or_else(|e| panic!("{same:?}: {e}"));
    }
    let keyed =
        core.datasets().update(&bob, &uris[0], update("sales-key")).await.expect_err("a key is a change");
    assert_eq!(keyed.code(), "BAD_USER_INPUT");
    assert!(keyed.to_string().contains("SSE-S3"), "says what it is: {keyed}");
    let read = core.datasets().get(&bob, &uris[0]).await.expect("read");
    assert_eq!(read.restricted().expect("admin view").kms_alias, None, "still SSE-S3");

    // A created dataset still gets a key of its own, which `SSE-S3` would change.
    let created = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let key = created.restricted().expect("admin view").kms_alias.clone().expect("its own key");
    assert!(key.starts_with("alias/sluice-"), "{key}");
    let to_sse = core
        .datasets()
        .update(&bob, &created.dataset_uri, update("SSE-S3"))
        .await
        .expect_err("a created dataset keeps its key");
    assert_eq!(to_sse.code(), "BAD_USER_INPUT");
    core.datasets().update(&bob, &created.dataset_uri, update(&key)).await.expect("its own key is no change");
}

on_both_backends!(
    an_import_without_a_key_alias_is_sse_s3,
    an_import_without_a_glue_database_makes_one,
    imports_are_checked_in_the_account_and_deploy_nothing,
    lists_hold_exactly_what_each_team_may_see,
    a_team_with_create_dataset_publishes_and_its_readers_see_it,
    teams_and_environments_holding_datasets_cannot_go,
    stewards_can_be_changed_and_access_follows,
);

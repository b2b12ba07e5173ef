//! A realistic tenant in bulk SQL, for Postgres. Writing 1,000,000 tables one service call at a
//! time would take hours, so each table is filled by one `generate_series` statement that writes
//! exactly what the domain services write: every resource with its policies (admin team,
//! stewards, invited teams, requester), its stack, and consistent names. `tests/seed.rs` reads
//! a small seed back through the domain services to hold this to the services' own rules.
//!
//! Layout (counting from 0; `team(g)` is `team-<g>`):
//! - team g joins organization g mod O; organization i's admin team is team i;
//! - environment j is in organization j mod O, owned by team j mod G (a team of that
//!   organization, as G is a multiple of O);
//! - dataset k is in environment k mod E, administered by that environment's team, with the
//!   team O further on (same organization) as stewards, and one folder;
//! - the first BIG datasets hold 60 tables each, the other tables spread round-robin;
//! - share s asks for dataset s (s < BIG, 50 tables) or s mod D (3 tables), from the next
//!   environment over, for that environment's team.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use sluice_core::authz::{Permission, TenantPermission, sets};

/// The principal type core writes for teams in policies.
const GROUP: &str = "GROUP";

/// The names of a set of permissions, as policies store them.
fn names<P: Permission>(set: &[P]) -> Vec<&'static str> {
    set.iter().map(|p| p.name()).collect()
}

/// How many of each resource a seed writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub name: &'static str,
    pub organizations: u64,
    pub environments: u64,
    pub datasets: u64,
    pub tables: u64,
    pub teams: u64,
    pub shares: u64,
}

/// Datasets with 60 tables, whose first shares carry 50 items: getShareObject's scenario.
pub const BIG: u64 = 10;
pub const BIG_TABLES: u64 = 60;
pub const BIG_SHARE_ITEMS: u64 = 50;
pub const SHARE_ITEMS: u64 = 3;
pub const COLUMNS: [(&str, &str); 4] =
    [("id", "bigint"), ("customer_name", "string"), ("amount", "decimal(12,2)"), ("created_at", "timestamp")];
const OWNER: &str = "bench-user";
const PREFIX: &str = "dl";
const REGION: &str = "eu-west-1";

impl Size {
    pub const S: Size = Size {
        name: "S",
        organizations: 20,
        environments: 100,
        datasets: 2_000,
        tables: 20_000,
        teams: 200,
        shares: 5_000,
    };
    pub const L: Size = Size {
        name: "L",
        organizations: 200,
        environments: 1_000,
        datasets: 100_000,
        tables: 1_000_000,
        teams: 2_000,
        shares: 100_000,
    };

    pub fn parse(name: &str) -> anyhow::Result<Size> {
        match name.to_ascii_uppercase().as_str() {
            "S" => Ok(Self::S),
            "L" => Ok(Self::L),
            other => anyhow::bail!("unknown size {other:?}: use S or L"),
        }
    }

    /// Fails unless the layout above holds for these counts.
    pub fn check(&self) -> anyhow::Result<()> {
        let Size { organizations: o, environments: e, datasets: d, tables: t, teams: g, shares: s, .. } =
            *self;
        anyhow::ensure!(o >= 1 && e >= o, "need at least one environment per organization");
        anyhow::ensure!(
            g >= 2 * o && g % o == 0,
            "teams must be a multiple of organizations, at least twice"
        );
        anyhow::ensure!(g >= e || e % g == 0, "environments beyond the teams must come in whole rounds");
        anyhow::ensure!(d > BIG && s >= BIG, "need more than {BIG} datasets and at least {BIG} shares");
        anyhow::ensure!(
            t >= BIG * BIG_TABLES + (d - BIG) * SHARE_ITEMS,
            "too few tables: every dataset needs {SHARE_ITEMS}, the big ones {BIG_TABLES}"
        );
        anyhow::ensure!(s / d + 1 < e, "too many shares per dataset for the environments to tell apart");
        anyhow::ensure!(t * COLUMNS.len() as u64 <= 9_999_999, "URIs hold 7 digits");
        Ok(())
    }

    pub fn share_items(&self) -> u64 {
        BIG * BIG_SHARE_ITEMS + (self.shares - BIG) * SHARE_ITEMS
    }
}

pub fn team(g: u64) -> String {
    format!("team-{g:04}")
}

pub fn organization_uri(i: u64) -> String {
    format!("o{i:07}")
}

pub fn environment_uri(j: u64) -> String {
    format!("e{j:07}")
}

pub fn dataset_uri(k: u64) -> String {
    format!("d{k:07}")
}

pub fn share_uri(s: u64) -> String {
    format!("s{s:07}")
}

/// The database comment a finished seed leaves, so a later run can reuse it.
pub fn marker(size: &Size) -> String {
    format!("sluice-bench seed v2 size {}", size.name)
}

fn array(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|p| format!("'{p}'")).collect();
    format!("ARRAY[{}]::text[]", quoted.join(","))
}

/// Writes the tenant into a migrated, empty database.
pub async fn seed(db: &DatabaseConnection, size: &Size, progress: impl Fn(&str)) -> anyhow::Result<()> {
    size.check()?;
    let txn = db.begin().await?;
    for (what, sql) in statements(size) {
        progress(what);
        txn.execute_unprepared(&sql).await.map_err(|e| anyhow::anyhow!("seeding {what}: {e}"))?;
    }
    txn.commit().await?;
    // Index-only scans need the visibility map a VACUUM sets; autovacuum would get there later.
    progress("visibility map and statistics (VACUUM ANALYZE)");
    db.execute_unprepared("VACUUM ANALYZE").await?;
    Ok(())
}

fn statements(size: &Size) -> Vec<(&'static str, String)> {
    let Size { organizations: o, environments: e, datasets: d, tables: t, teams: g, shares: s, .. } = *size;
    let team = |expr: &str| format!("('team-' || lpad(({expr})::text, 4, '0'))");
    let uri = |letter: &str, expr: &str| format!("('{letter}' || lpad(({expr})::text, 7, '0'))");
    let account = |expr: &str| format!("((100000000000 + ({expr}))::text)");
    // The dataset's S3 bucket, Glue database and stack share one name.
    let ds_name = |k: &str| format!("('{PREFIX}-dataset-' || ({k}) || '-' || {})", uri("d", k));
    // Which dataset table t belongs to, and the i-th table of dataset k.
    let table_dataset = format!(
        "CASE WHEN t < {big_t} THEN t / {BIG_TABLES} ELSE {BIG} + (t - {big_t}) % {rest} END",
        big_t = BIG * BIG_TABLES,
        rest = d - BIG
    );
    let nth_table = |k: &str, i: &str| {
        format!(
            "CASE WHEN ({k}) < {BIG} THEN ({k}) * {BIG_TABLES} + ({i}) ELSE {big_t} + (({k}) - {BIG}) + ({i}) * {rest} END",
            big_t = BIG * BIG_TABLES,
            rest = d - BIG
        )
    };
    let share_dataset = format!("CASE WHEN s < {BIG} THEN s ELSE s % {d} END");
    let share_env = format!("((({share_dataset}) % {e}) + 1 + s / {d}) % {e}");
    let status = "CASE WHEN s % 10 < 7 THEN 'Processed' WHEN s % 10 < 9 THEN 'Submitted' ELSE 'Draft' END";
    let policy = |prefix: &str, resource_type: &str, rows: &str, first: &[&str], rest: &[&str]| {
        // rows: SELECT n, resource_uri, principal_id, tier; tier 0 gets `first`, others `rest`.
        let sid = format!("('{prefix}' || lpad(n::text, 10, '0'))");
        format!(
            "INSERT INTO resource_policy (sid, resource_uri, resource_type, principal_id, principal_type, created) \
             SELECT {sid}, resource_uri, '{resource_type}', principal_id, '{group}', now() FROM ({rows}) r; \
             INSERT INTO resource_policy_permission (sid, permission, resource_uri, resource_type, principal_id, \
             principal_type) \
             SELECT {sid}, unnest(CASE WHEN tier = 0 THEN {first} ELSE {rest} END), resource_uri, '{resource_type}', \
             principal_id, '{group}' FROM ({rows}) r",
            group = GROUP,
            first = array(first),
            rest = array(rest),
        )
    };
    let tenant_permissions: Vec<&str> = TenantPermission::ALL.iter().map(|p| p.name()).collect();

    vec![
        (
            "organizations",
            format!(
                "INSERT INTO organization (organization_uri, label, name, description, tags, owner, saml_group_name, \
                 archived, created, updated) \
                 SELECT {uri_o}, 'Organization ' || i, 'organization-' || i, 'Benchmark organization ' || i, \
                 '[\"bench\"]', '{OWNER}', {admin}, false, now(), now() FROM generate_series(0, {o} - 1) i",
                uri_o = uri("o", "i"),
                admin = team("i"),
            ),
        ),
        (
            "organization teams",
            format!(
                "INSERT INTO organization_group (organization_uri, group_uri, invited_by, created) \
                 SELECT {org}, {team_g}, '{OWNER}', now() FROM generate_series(0, {g} - 1) g",
                org = uri("o", &format!("g % {o}")),
                team_g = team("g"),
            ),
        ),
        (
            "organization policies",
            policy(
                "po",
                "organization",
                &format!(
                    "SELECT g AS n, {org} AS resource_uri, {team_g} AS principal_id, \
                     CASE WHEN g < {o} THEN 0 ELSE 1 END AS tier FROM generate_series(0, {g} - 1) g",
                    org = uri("o", &format!("g % {o}")),
                    team_g = team("g"),
                ),
                &names(sets::ORGANIZATION_ALL),
                &names(sets::ORGANIZATION_INVITED_DEFAULT),
            ),
        ),
        (
            "tenant permissions",
            format!(
                "INSERT INTO tenant_policy (sid, principal_id, principal_type, created) \
                 SELECT 'pt' || lpad(g::text, 10, '0'), {team_g}, '{group}', now() FROM generate_series(0, {g} - 1) g; \
                 INSERT INTO tenant_policy_permission (sid, permission) \
                 SELECT 'pt' || lpad(g::text, 10, '0'), unnest({perms}) FROM generate_series(0, {g} - 1) g",
                team_g = team("g"),
                group = GROUP,
                perms = array(&tenant_permissions),
            ),
        ),
        (
            "environments",
            format!(
                "INSERT INTO environment (environment_uri, organization_uri, label, name, description, tags, owner, \
                 saml_group_name, aws_account_id, region, resource_prefix, parameters, pivot_role_name, created, updated) \
                 SELECT {env}, {org}, 'Environment ' || j, '{PREFIX}-environment-' || j || '-' || {env}, \
                 'Benchmark environment ' || j, '[\"bench\"]', '{OWNER}', {owner}, {acct}, '{REGION}', '{PREFIX}', \
                 '{{}}', 'sluice-pivot-role', now(), now() FROM generate_series(0, {e} - 1) j",
                env = uri("e", "j"),
                org = uri("o", &format!("j % {o}")),
                owner = team(&format!("j % {g}")),
                acct = account("j"),
            ),
        ),
        (
            "environment teams",
            format!(
                "INSERT INTO environment_group (environment_uri, group_uri, invited_by, role_name, role_arn, \
                 role_imported, created) \
                 SELECT env, owner, '{OWNER}', role, 'arn:aws:iam::' || acct || ':role/' || role, false, now() \
                 FROM (SELECT {env} AS env, {owner} AS owner, {acct} AS acct, \
                 '{PREFIX}-' || {owner} || '-' || {env} AS role FROM generate_series(0, {e} - 1) j) r",
                env = uri("e", "j"),
                owner = team(&format!("j % {g}")),
                acct = account("j"),
            ),
        ),
        (
            "environment policies",
            policy(
                "pe",
                "environment",
                &format!(
                    "SELECT j AS n, {env} AS resource_uri, {owner} AS principal_id, 0 AS tier \
                     FROM generate_series(0, {e} - 1) j",
                    env = uri("e", "j"),
                    owner = team(&format!("j % {g}")),
                ),
                &names(sets::ENVIRONMENT_ALL),
                &names(sets::ENVIRONMENT_ALL),
            ),
        ),
        (
            "environment stacks",
            format!(
                "INSERT INTO stack (stack_uri, target_uri, target_type, environment_uri, name, account_id, region, \
                 status, stack_id, created, updated) \
                 SELECT {stack}, env, 'environment', env, name, acct, '{REGION}', 'CREATE_COMPLETE', \
                 'arn:aws:cloudformation:{REGION}:' || acct || ':stack/' || name || '/bench', now(), now() \
                 FROM (SELECT j, {env} AS env, {acct} AS acct, '{PREFIX}-environment-' || j || '-' || {env} AS name \
                 FROM generate_series(0, {e} - 1) j) r",
                stack = uri("k", "j"),
                env = uri("e", "j"),
                acct = account("j"),
            ),
        ),
        (
            "datasets",
            format!(
                "INSERT INTO dataset (dataset_uri, environment_uri, organization_uri, label, name, description, tags, \
                 topics, confidentiality, owner, saml_admin_group_name, stewards, auto_approval_enabled, imported, \
                 bucket_name, glue_database_name, kms_alias, admin_role_name, language, business_owner_email, \
                 business_owner_delegation_emails, imported_admin_role, created, updated) \
                 SELECT {ds}, {env}, {org}, 'Dataset ' || k, {name}, \
                 'Benchmark dataset ' || k || ' of sales orders and customers', \
                 '[\"bench\",\"tag-' || (k % 50) || '\"]', \
                 (ARRAY['[\"Sales\"]', '[\"Finances\",\"Customers\"]', '[\"Research\"]'])[1 + k % 3], \
                 (ARRAY['Unclassified', 'Official', 'Secret'])[1 + k % 3], '{OWNER}', {admin}, {stewards}, \
                 false, false, {name}, replace({name}, '-', '_'), 'alias/' || {name}, {name}, 'English', NULL, \
                 '[]', false, now() - (k || ' seconds')::interval, now() FROM generate_series(0, {d} - 1) k",
                ds = uri("d", "k"),
                env = uri("e", &format!("k % {e}")),
                org = uri("o", &format!("(k % {e}) % {o}")),
                name = ds_name("k"),
                admin = team(&format!("(k % {e}) % {g}")),
                stewards = team(&format!("((k % {e}) % {g} + {o}) % {g}")),
            ),
        ),
        (
            "dataset policies",
            policy(
                "pd",
                "dataset",
                &format!(
                    "SELECT k * 2 + tier AS n, {ds} AS resource_uri, \
                     CASE WHEN tier = 0 THEN {admin} ELSE {stewards} END AS principal_id, tier \
                     FROM generate_series(0, {d} - 1) k, generate_series(0, 1) tier",
                    ds = uri("d", "k"),
                    admin = team(&format!("(k % {e}) % {g}")),
                    stewards = team(&format!("((k % {e}) % {g} + {o}) % {g}")),
                ),
                &names(sets::DATASET_ALL),
                &names(sets::DATASET_STEWARDS),
            ),
        ),
        (
            "dataset stacks",
            format!(
                "INSERT INTO stack (stack_uri, target_uri, target_type, environment_uri, name, account_id, region, \
                 status, stack_id, created, updated) \
                 SELECT {stack}, {ds}, 'dataset', {env}, {name}, {acct}, '{REGION}', 'CREATE_COMPLETE', \
                 'arn:aws:cloudformation:{REGION}:' || {acct} || ':stack/' || {name} || '/bench', now(), now() \
                 FROM generate_series(0, {d} - 1) k",
                stack = uri("k", &format!("{e} + k")),
                ds = uri("d", "k"),
                env = uri("e", &format!("k % {e}")),
                name = ds_name("k"),
                acct = account(&format!("k % {e}")),
            ),
        ),
        (
            "folders",
            format!(
                "INSERT INTO dataset_location (location_uri, dataset_uri, label, name, description, tags, owner, \
                 s3_prefix, location_created, created, updated) \
                 SELECT {loc}, {ds}, 'raw', 'raw', 'Landing files', '[]', '{OWNER}', 'raw', true, now(), now() \
                 FROM generate_series(0, {d} - 1) k",
                loc = uri("f", "k"),
                ds = uri("d", "k"),
            ),
        ),
        (
            "tables",
            format!(
                "INSERT INTO dataset_table (table_uri, dataset_uri, label, name, description, tags, topics, owner, \
                 table_type, location, properties, fingerprint, last_glue_table_status, created, updated) \
                 SELECT {tbl}, {ds}, 'orders_' || t, 'orders_' || t, 'Orders of region ' || (t % 7), '[]', '[]', \
                 '{OWNER}', 'EXTERNAL_TABLE', 's3://' || {name} || '/orders_' || t || '/', '{{}}', md5(t::text), \
                 'InSync', now(), now() \
                 FROM (SELECT t, {table_dataset} AS k FROM generate_series(0, {t} - 1) t) r",
                tbl = uri("t", "t"),
                ds = uri("d", "k"),
                name = ds_name("k"),
            ),
        ),
        (
            "columns",
            format!(
                "INSERT INTO dataset_table_column (column_uri, table_uri, name, label, type_name, column_type, position, \
                 description, created, updated) \
                 SELECT {col}, {tbl}, (ARRAY[{names}])[c + 1], (ARRAY[{names}])[c + 1], (ARRAY[{types}])[c + 1], \
                 'column', c, NULL, now(), now() \
                 FROM generate_series(0, {t} - 1) t, generate_series(0, {n} - 1) c",
                col = uri("c", &format!("t * {n} + c", n = COLUMNS.len())),
                tbl = uri("t", "t"),
                n = COLUMNS.len(),
                names = COLUMNS.iter().map(|(n, _)| format!("'{n}'")).collect::<Vec<_>>().join(","),
                types = COLUMNS.iter().map(|(_, t)| format!("'{t}'")).collect::<Vec<_>>().join(","),
            ),
        ),
        (
            "shares",
            format!(
                "INSERT INTO share_object (share_uri, dataset_uri, environment_uri, group_uri, principal_id, \
                 principal_type, principal_name, principal_role_arn, owner, status, request_purpose, reject_purpose, \
                 permissions, created, updated) \
                 SELECT {sh}, {ds}, env, grp, grp, 'Group', role, 'arn:aws:iam::' || acct || ':role/' || role, \
                 '{OWNER}', {status}, 'Benchmark request ' || s, NULL, '[\"Read\"]', \
                 now() - (s || ' seconds')::interval, now() \
                 FROM (SELECT s, k, {env} AS env, {grp} AS grp, {acct} AS acct, \
                 '{PREFIX}-' || {grp} || '-' || {env} AS role \
                 FROM (SELECT s, {share_dataset} AS k, {share_env} AS target FROM generate_series(0, {s} - 1) s) q) r",
                sh = uri("s", "s"),
                ds = uri("d", "k"),
                env = uri("e", "target"),
                grp = team(&format!("target % {g}")),
                acct = account("target"),
            ),
        ),
        (
            "share policies",
            policy(
                "ps",
                "share_object",
                &format!(
                    "SELECT s AS n, {sh} AS resource_uri, {grp} AS principal_id, 0 AS tier \
                     FROM (SELECT s, {share_env} AS target FROM generate_series(0, {s} - 1) s) q",
                    sh = uri("s", "s"),
                    grp = team(&format!("target % {g}")),
                ),
                &names(sets::SHARE_REQUESTER),
                &names(sets::SHARE_REQUESTER),
            ),
        ),
        (
            "share items",
            format!(
                "INSERT INTO share_item (share_item_uri, share_uri, item_uri, item_type, item_name, status, created, \
                 updated) \
                 SELECT {item}, {sh}, {tbl}, '{table_type}', 'orders_' || ({nth}), \
                 CASE WHEN s % 10 < 7 THEN 'Share_Succeeded' ELSE 'PendingApproval' END, now(), now() \
                 FROM (SELECT s, {share_dataset} AS k FROM generate_series(0, {s} - 1) s) q, \
                 generate_series(0, {BIG_SHARE_ITEMS} - 1) i \
                 WHERE i < CASE WHEN s < {BIG} THEN {BIG_SHARE_ITEMS} ELSE {SHARE_ITEMS} END",
                item = uri(
                    "i",
                    &format!(
                        "CASE WHEN s < {BIG} THEN s * {BIG_SHARE_ITEMS} + i \
                         ELSE {big} + (s - {BIG}) * {SHARE_ITEMS} + i END",
                        big = BIG * BIG_SHARE_ITEMS
                    )
                ),
                sh = uri("s", "s"),
                table_type = sluice_core::shares::ItemType::Table.as_str(),
                tbl = uri("t", &nth_table("k", "i")),
                nth = nth_table("k", "i"),
            ),
        ),
    ]
}

//! `getEffectiveAccess`: the readers of a dataset, table or folder, compared with Lake Formation.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sluice_entities::{
    dataset as ds, dataset_location as loc, dataset_table as tbl, share_item as si, share_object as so,
};

use super::{
    Access, MAY_HOLD, READING, SeeAccess,
    compare::{Place, Seen, describe, place_of},
    model::{AwsAgreement, EffectiveAccess, Reader, ReaderVia, TargetType},
    port::{GrantReader, LakeResource, SeenGrant},
    share_item_reader, spellings,
};
use crate::{
    Actor, Result,
    authz::{authorize, refusal},
    datasets::Dataset,
    environments::PivotRole,
    shares::{
        ItemStatus, PlannedGrant, Share, ShareItem, item_plan,
        processing::{Mode, Side, Work, WorkItem, side, work_items},
    },
};

/// Lake Formation's principal that hands a resource's access to IAM policies.
const IAM_ALLOWED_PRINCIPALS: &str = "IAM_ALLOWED_PRINCIPALS";

/// What the caller asked about, found in Sluice.
pub(super) struct Target {
    dataset_uri: String,
    label: String,
    /// The table or folder; None for the whole dataset.
    item_uri: Option<String>,
    /// The table's Glue name.
    glue_table: Option<String>,
}

impl Target {
    pub(super) fn whole(dataset: &Dataset) -> Self {
        Self {
            dataset_uri: dataset.dataset_uri.clone(),
            label: dataset.label.clone(),
            item_uri: None,
            glue_table: None,
        }
    }
}

pub(super) async fn resolve(db: &DatabaseConnection, uri: &str, kind: TargetType) -> Result<Option<Target>> {
    Ok(match kind {
        TargetType::Dataset => ds::Entity::find_by_id(uri.to_owned()).one(db).await?.map(|d| Target {
            dataset_uri: d.dataset_uri,
            label: d.label,
            item_uri: None,
            glue_table: None,
        }),
        TargetType::Table => tbl::Entity::find_by_id(uri.to_owned()).one(db).await?.map(|t| Target {
            dataset_uri: t.dataset_uri,
            label: t.label,
            item_uri: Some(t.table_uri),
            glue_table: Some(t.name),
        }),
        TargetType::Folder => loc::Entity::find_by_id(uri.to_owned()).one(db).await?.map(|l| Target {
            dataset_uri: l.dataset_uri,
            label: l.label,
            item_uri: Some(l.location_uri),
            glue_table: None,
        }),
    })
}

/// The resources to read, by account and region, with the pivot role that reads them there.
type Wanted = BTreeMap<(String, String), (PivotRole, BTreeSet<LakeResource>)>;

/// A share item with its plan: the grants it needs, each with the pivot role of the account
/// (and region) it is made in.
struct Planned {
    share: Share,
    item: WorkItem,
    grants: Result<Vec<(PlannedGrant, PivotRole)>, String>,
    /// The plan grants on data cells filters, which this view leaves to verification.
    filtered: bool,
}

impl Planned {
    fn planned_grants(&self) -> impl Iterator<Item = &PlannedGrant> {
        self.grants.iter().flatten().map(|(g, _)| g)
    }
}

impl Access<'_> {
    /// Everyone who can read the target, and whether AWS agrees; for the dataset's admin team
    /// and platform admins. The refusal is the same whether the target exists or not.
    pub async fn effective(&self, actor: &Actor, uri: &str, kind: TargetType) -> Result<EffectiveAccess> {
        let Some(target) = resolve(self.db, uri, kind).await? else {
            return Err(refusal::<SeeAccess>(actor, uri));
        };
        let dataset = authorize::<SeeAccess>(self.db, actor, &target.dataset_uri)
            .await
            .map_err(|_| refusal::<SeeAccess>(actor, uri))?
            .into_inner();
        let reader = self.aws.as_deref().map(|aws| aws.grants.as_ref());
        Ok(survey(self.db, reader, &dataset, kind, target, uri).await?.access)
    }
}

/// A survey's answer, and the grants it found outside Sluice, as Lake Formation lists them.
pub(super) struct Surveyed {
    pub access: EffectiveAccess,
    /// By the account that holds them.
    pub outside: Vec<(String, SeenGrant)>,
}

/// The readers of `target`, a dataset or one of its items, compared with what `reader` finds in
/// Lake Formation (nothing is compared without one).
pub(super) async fn survey(
    db: &DatabaseConnection,
    reader: Option<&dyn GrantReader>,
    dataset: &Dataset,
    kind: TargetType,
    target: Target,
    uri: &str,
) -> Result<Surveyed> {
    let source = side(db, &dataset.environment_uri).await?;
    let planned = planned(db, dataset, &source).await?;

    // Whose grants on which resource are Sluice's: every item that may hold grants, of the
    // whole dataset, since a share of one table grants on the database too.
    let mut expected: HashMap<Place, BTreeSet<String>> = HashMap::new();
    for grant in planned.iter().flat_map(Planned::planned_grants) {
        expected.entry(place_of(grant)).or_default().insert(grant.principal.clone());
    }
    let on_target = |p: &&Planned| target.item_uri.as_ref().is_none_or(|uri| uri == &p.item.item.item_uri);
    let readers_planned: Vec<&Planned> = planned
        .iter()
        .filter(on_target)
        .filter(|p| ItemStatus::parse(&p.item.item.status).is_some_and(|s| READING.contains(&s)))
        .collect();
    let watched = watched_places(db, dataset, &source, kind, &target).await?;

    // Read Lake Formation in each account involved, through its pivot role.
    let mut wanted: Wanted = BTreeMap::new();
    let mut want = |account: &str, pivot: &PivotRole, resource: LakeResource| {
        let key = (account.to_owned(), pivot.region.clone());
        wanted.entry(key).or_insert_with(|| (pivot.clone(), BTreeSet::new())).1.insert(resource);
    };
    for (account, resource) in &watched {
        want(account, &source.pivot, resource.clone());
    }
    for (grant, pivot) in readers_planned.iter().flat_map(|p| p.grants.iter().flatten()) {
        want(&grant.account, pivot, place_of(grant).1);
    }
    let (seen, aws_error) = match reader {
        Some(reader) => read(reader, wanted).await,
        None => (Seen::default(), Some("this Sluice process has no AWS settings".to_owned())),
    };
    let checked = aws_error.is_none();

    let mut readers = owners(dataset, &source);
    readers.extend(readers_planned.iter().map(|p| share_reader(dataset, p, &seen, aws_error.as_deref())));
    let mut outside = vec![];
    if checked {
        let owners = BTreeSet::from([source.pivot.arn(), admin_role_arn(dataset, &source)]);
        outside = seen.unexpected(&watched, &expected, &owners);
        readers
            .extend(outside.iter().map(|(account, grant)| outside_reader(dataset, account, grant.clone())));
    }
    let access = EffectiveAccess {
        target_uri: uri.to_owned(),
        target_type: kind,
        dataset_uri: dataset.dataset_uri.clone(),
        label: target.label,
        readers,
        aws_checked: checked,
        aws_error,
        checked_at: chrono::Utc::now(),
    };
    Ok(Surveyed { access, outside })
}

/// Every share item of the dataset that may hold grants, with its plan.
async fn planned(db: &DatabaseConnection, dataset: &Dataset, source: &Side) -> Result<Vec<Planned>> {
    let shares: BTreeMap<String, Share> = so::Entity::find()
        .filter(so::Column::DatasetUri.eq(&dataset.dataset_uri))
        .all(db)
        .await?
        .into_iter()
        .map(|row| Share::from_model(row).map(|s| (s.share_uri.clone(), s)))
        .collect::<Result<_>>()?;
    if shares.is_empty() {
        return Ok(vec![]);
    }
    let items: Vec<ShareItem> = si::Entity::find()
        .filter(si::Column::ShareUri.is_in(shares.keys().cloned()))
        .filter(si::Column::Status.is_in(spellings(&MAY_HOLD)))
        .all(db)
        .await?
        .into_iter()
        .map(ShareItem::from)
        .collect();
    let mut targets: HashMap<String, Side> = HashMap::new();
    let mut out = vec![];
    for item in work_items(db, items).await? {
        let Some(share) = shares.get(&item.item.share_uri) else { continue };
        if !targets.contains_key(&share.environment_uri) {
            targets.insert(share.environment_uri.clone(), side(db, &share.environment_uri).await?);
        }
        let work = Work {
            share: share.clone(),
            dataset: dataset.clone(),
            source: source.clone(),
            target: targets[&share.environment_uri].clone(),
            items: vec![],
            mode: Mode::Share,
        };
        // Grants on data cells filters are left out: this view lists grants by database and
        // table, and share verification checks a filtered item's grants itself.
        let plan = item_plan(&work, &item);
        let filtered = plan.as_ref().is_ok_and(|p| {
            p.grants_in_source.iter().chain(&p.grants_in_target).any(|g| g.data_filter.is_some())
        });
        let grants = plan.map(|plan| {
            let in_source = plan
                .grants_in_source
                .into_iter()
                .filter(|g| g.data_filter.is_none())
                .map(|g| (g, work.source.pivot.clone()));
            let in_target = plan
                .grants_in_target
                .into_iter()
                .filter(|g| g.data_filter.is_none())
                .map(|g| (g, work.target.pivot.clone()));
            in_source.chain(in_target).collect::<Vec<_>>()
        });
        out.push(Planned { share: share.clone(), item, grants, filtered });
    }
    Ok(out)
}

/// The dataset's own Lake Formation resources the view looks for grants outside Sluice on:
/// the database and the target table, or every table for the whole dataset.
async fn watched_places(
    db: &DatabaseConnection,
    dataset: &Dataset,
    source: &Side,
    kind: TargetType,
    target: &Target,
) -> Result<BTreeSet<Place>> {
    let resource = |table: Option<String>| LakeResource {
        catalog_id: source.account_id.clone(),
        database: dataset.glue_database_name.clone(),
        table,
    };
    let tables: Vec<String> = match kind {
        TargetType::Folder => return Ok(BTreeSet::new()),
        TargetType::Table => target.glue_table.iter().cloned().collect(),
        TargetType::Dataset => tbl::Entity::find()
            .filter(tbl::Column::DatasetUri.eq(&dataset.dataset_uri))
            .all(db)
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect(),
    };
    Ok(std::iter::once(None)
        .chain(tables.into_iter().map(Some))
        .map(|table| (source.account_id.clone(), resource(table)))
        .collect())
}

/// Lake Formation's grants on the resources wanted in each account; or why AWS could not be
/// read.
async fn read(reader: &dyn GrantReader, wanted: Wanted) -> (Seen, Option<String>) {
    let mut seen = Seen::default();
    for ((account, region), (pivot, resources)) in wanted {
        let resources: Vec<LakeResource> = resources.into_iter().collect();
        match reader.lake_grants(&pivot, &resources).await {
            Ok(grants) => seen.add(&account, grants),
            Err(e) => {
                let error = format!("Lake Formation of account {account} in {region}: {e}");
                return (Seen::default(), Some(error));
            }
        }
    }
    (seen, None)
}

fn admin_role_arn(dataset: &Dataset, source: &Side) -> String {
    format!("arn:aws:iam::{}:role/{}", source.account_id, dataset.admin_role_name)
}

/// The dataset's admin team and its stewards.
fn owners(dataset: &Dataset, source: &Side) -> Vec<Reader> {
    let mut admin = Reader::bare(
        ReaderVia::OwnerTeam,
        &dataset.dataset_uri,
        &dataset.label,
        &dataset.saml_admin_group_name,
    );
    admin.team = Some(dataset.saml_admin_group_name.clone());
    admin.role_arn = Some(admin_role_arn(dataset, source));
    admin.permissions = vec!["ALL".into()];
    admin.detail = Some("owns the dataset and reads it through the dataset's admin role".into());
    let mut out = vec![admin];
    if let Some(stewards) = &dataset.stewards {
        let mut reader = Reader::bare(ReaderVia::Stewards, &dataset.dataset_uri, &dataset.label, stewards);
        reader.team = Some(stewards.clone());
        reader.detail = Some("sees the dataset in Sluice and decides on its shares; no grant in AWS".into());
        out.push(reader);
    }
    out
}

fn share_reader(dataset: &Dataset, planned: &Planned, seen: &Seen, aws_error: Option<&str>) -> Reader {
    let Planned { share, item, grants, filtered } = planned;
    let mut reader = share_item_reader(&dataset.dataset_uri, &dataset.label, share, &item.item);
    let (aws, detail) = match (grants, aws_error) {
        (Err(problem), _) => (AwsAgreement::NotCompared, problem.clone()),
        // Folder and bucket access has no Lake Formation grant: the share's verification reads
        // the access point, bucket policy and KMS grant, and this view reports what it found.
        (Ok(grants), _) if grants.is_empty() => {
            verified(&item.item, "The S3 access (access point or bucket policy) and KMS grant")
        }
        (Ok(_), Some(error)) => (AwsAgreement::NotCompared, format!("AWS could not be read: {error}")),
        (Ok(grants), None) => {
            let missing: Vec<String> =
                grants.iter().map(|(g, _)| g).filter(|g| !seen.holds(g)).map(describe).collect();
            if !missing.is_empty() {
                (
                    AwsAgreement::MissingInAws,
                    format!(
                        "Lake Formation lacks {}; re-apply the share to grant it again",
                        missing.join("; ")
                    ),
                )
            } else if *filtered {
                match verified(&item.item, "the grant on the data cells filter") {
                    (AwsAgreement::MissingInAws, why) => (AwsAgreement::MissingInAws, why),
                    (_, why) => (AwsAgreement::Ok, format!("Lake Formation holds the table's grants; {why}")),
                }
            } else {
                (AwsAgreement::Ok, "Lake Formation holds every grant".into())
            }
        }
    };
    reader.aws = aws;
    reader.detail = Some(detail);
    reader
}

/// What the last check of `item` against AWS found of `what`: processing and verification
/// (`verify-shares` runs on a schedule, and on demand) record their finding on the item.
fn verified(item: &ShareItem, what: &str) -> (AwsAgreement, String) {
    let when = item.last_verification_time.map(|t| t.format(", %Y-%m-%d %H:%M UTC").to_string());
    let when = when.unwrap_or_default();
    match item.health_status.as_deref() {
        Some("Healthy") => (
            AwsAgreement::Ok,
            format!("{what} was in place when the share was last processed or verified{when}"),
        ),
        Some("Unhealthy") => (
            AwsAgreement::MissingInAws,
            format!(
                "{what} was wrong when the share was last processed or verified{when}: {}; re-apply the share",
                item.health_message.as_deref().unwrap_or("no reason recorded")
            ),
        ),
        _ => (
            AwsAgreement::NotCompared,
            format!(
                "{what}: not checked yet, or a check is under way; verify the share to compare it with AWS"
            ),
        ),
    }
}

fn outside_reader(dataset: &Dataset, account: &str, grant: SeenGrant) -> Reader {
    let mut reader =
        Reader::bare(ReaderVia::OutsideSluice, &dataset.dataset_uri, &dataset.label, &grant.principal);
    reader.principal_type = "IAM".into();
    reader.item_name = Some(grant.resource.table.clone().unwrap_or_else(|| grant.resource.database.clone()));
    reader.item_type = Some(if grant.resource.table.is_some() { "Table" } else { "Database" }.into());
    reader.permissions = grant.permissions;
    reader.aws = AwsAgreement::NotGrantedBySluice;
    reader.detail = Some(if grant.principal == IAM_ALLOWED_PRINCIPALS {
        format!(
            "Lake Formation leaves the {} to IAM policies (IAMAllowedPrincipals) in account {account}: \
             anyone an IAM policy allows can read it; remove that grant in Lake Formation",
            grant.resource
        )
    } else {
        format!(
            "granted in Lake Formation outside Sluice, on the {} in account {account}: revoke it there, \
             or share through Sluice",
            grant.resource
        )
    });
    reader
}

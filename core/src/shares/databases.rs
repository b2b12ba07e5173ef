//! What a team can query in an environment (data.all's `listS3DatasetsSharedWithEnvGroup`): for
//! each share of a dataset to that team there, with tables granted, the Glue database to query,
//! in the environment's account and region.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_entities::{dataset as ds, environment as env, share_item as si, share_object as so};

use super::{ItemType, Shares, state::ItemStatus};
use crate::{
    Actor, Error, Result,
    authz::{self, environment as perm},
    error::Denied,
};

/// One shared database, as data.all's `SharedDatabaseTableItem` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedDatabase {
    pub dataset_uri: String,
    /// The dataset's own Glue database.
    pub glue_database_name: String,
    pub share_uri: String,
    pub target_account_id: String,
    pub target_region: String,
    /// Where the team queries the tables: the dataset's database in its own account and region,
    /// `<db>_shared` (resource links) anywhere else.
    pub shared_glue_database_name: String,
}

impl Shares<'_> {
    /// The databases shared with `group_uri` in the environment, newest share first. Needs that
    /// the actor is in the team, and GET_ENVIRONMENT.
    pub async fn shared_databases(
        &self,
        actor: &Actor,
        environment_uri: &str,
        group_uri: &str,
    ) -> Result<Vec<SharedDatabase>> {
        if !actor.in_group(group_uri) {
            return Err(Error::refused(
                actor,
                Denied::NotInTeam {
                    permission: "LIST_ENVIRONMENT_GROUP_DATASETS",
                    team: group_uri.to_owned(),
                },
                format!("you are not a member of team {group_uri}; ask for one of your own teams"),
            ));
        }
        authz::authorize::<perm::GetEnvironment>(self.db, actor, environment_uri).await?;
        let target =
            env::Entity::find_by_id(environment_uri.to_owned()).one(self.db).await?.ok_or_else(|| {
                Error::NotFound { kind: crate::environments::RESOURCE_TYPE, uri: environment_uri.to_owned() }
            })?;
        let shares = so::Entity::find()
            .filter(so::Column::EnvironmentUri.eq(environment_uri))
            .filter(so::Column::GroupUri.eq(group_uri))
            .all(self.db)
            .await?;
        let granted: Vec<String> = si::Entity::find()
            .filter(si::Column::ShareUri.is_in(shares.iter().map(|s| s.share_uri.clone())))
            .filter(si::Column::ItemType.eq(ItemType::Table.as_str()))
            .filter(si::Column::Status.is_in(ItemStatus::granted_spellings()))
            .all(self.db)
            .await?
            .into_iter()
            .map(|i| i.share_uri)
            .collect();
        let mut out = vec![];
        for share in shares.into_iter().filter(|s| granted.contains(&s.share_uri)) {
            let Some(dataset) = ds::Entity::find_by_id(share.dataset_uri.clone()).one(self.db).await? else {
                continue;
            };
            let Some(source) = env::Entity::find_by_id(dataset.environment_uri.clone()).one(self.db).await?
            else {
                continue;
            };
            let same_place = source.aws_account_id == target.aws_account_id && source.region == target.region;
            let shared = super::consumption::shared_database_name(&dataset.glue_database_name, same_place);
            out.push((
                share.created,
                SharedDatabase {
                    dataset_uri: dataset.dataset_uri,
                    glue_database_name: dataset.glue_database_name,
                    share_uri: share.share_uri,
                    target_account_id: target.aws_account_id.clone(),
                    target_region: target.region.clone(),
                    shared_glue_database_name: shared,
                },
            ));
        }
        out.sort_by_key(|d| std::cmp::Reverse(d.0));
        Ok(out.into_iter().map(|(_, d)| d).collect())
    }
}

//! `getPrincipalAccess`: everything a team or a consumption role can read through Sluice. It
//! answers from Sluice's records; each item's own access view compares it with AWS.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sluice_entities::{consumption_principal as cp, dataset as ds, share_item as si, share_object as so};

use super::{
    Access, MAX_READERS, READING,
    model::{PrincipalAccess, PrincipalKind, Reader, ReaderVia},
    share_item_reader, spellings,
};
use crate::{
    Actor, Error, Result,
    error::Denied,
    shares::{Share, ShareItem},
};

const SHARE_PRINCIPAL_CONSUMPTION_ROLE: &str = "ConsumptionRole";

impl Access<'_> {
    /// What `principal_id` (a team's name, or a consumption role's uri) can read; for the team's
    /// members (the role's team's, for a role) and platform admins. The refusal is the same
    /// whether the role exists or not.
    pub async fn of_principal(
        &self,
        actor: &Actor,
        kind: PrincipalKind,
        principal_id: &str,
    ) -> Result<PrincipalAccess> {
        let refused = || {
            Error::refused(
                actor,
                Denied::Operation,
                format!(
                    "only members of the team that holds {principal_id} and platform admins see what it \
                     can read"
                ),
            )
        };
        let mut readers = vec![];
        let shares = match kind {
            PrincipalKind::Group => {
                if !actor.is_admin() && !actor.in_group(principal_id) {
                    return Err(refused());
                }
                readers.extend(self.owned_by(principal_id).await?);
                so::Entity::find().filter(so::Column::GroupUri.eq(principal_id))
            }
            PrincipalKind::ConsumptionRole => {
                let role = cp::Entity::find_by_id(principal_id.to_owned()).one(self.db).await?;
                if !role.is_some_and(|r| actor.is_admin() || actor.in_group(&r.group_uri)) {
                    return Err(refused());
                }
                so::Entity::find()
                    .filter(so::Column::PrincipalId.eq(principal_id))
                    .filter(so::Column::PrincipalType.eq(SHARE_PRINCIPAL_CONSUMPTION_ROLE))
            }
        };
        let shares: BTreeMap<String, Share> = shares
            .all(self.db)
            .await?
            .into_iter()
            .map(|row| Share::from_model(row).map(|s| (s.share_uri.clone(), s)))
            .collect::<Result<_>>()?;
        readers.extend(self.shared_with(&shares).await?);
        let truncated = readers.len() > MAX_READERS;
        readers.truncate(MAX_READERS);
        Ok(PrincipalAccess {
            principal_type: kind,
            principal_id: principal_id.to_owned(),
            readers,
            truncated,
        })
    }

    /// The datasets the team administers or stewards.
    async fn owned_by(&self, team: &str) -> Result<Vec<Reader>> {
        let rows = ds::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(ds::Column::SamlAdminGroupName.eq(team))
                    .add(ds::Column::Stewards.eq(team)),
            )
            .order_by_asc(ds::Column::Label)
            .limit(MAX_READERS as u64 + 1)
            .all(self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|d| {
                let owner = d.saml_admin_group_name == team;
                let via = if owner { ReaderVia::OwnerTeam } else { ReaderVia::Stewards };
                let mut reader = Reader::bare(via, &d.dataset_uri, &d.label, team);
                reader.team = Some(team.to_owned());
                if owner {
                    reader.permissions = vec!["ALL".into()];
                }
                reader
            })
            .collect())
    }

    /// The items of `shares` their principals can read now.
    async fn shared_with(&self, shares: &BTreeMap<String, Share>) -> Result<Vec<Reader>> {
        if shares.is_empty() {
            return Ok(vec![]);
        }
        let items: Vec<ShareItem> = si::Entity::find()
            .filter(si::Column::ShareUri.is_in(shares.keys().cloned()))
            .filter(si::Column::Status.is_in(spellings(&READING)))
            .order_by_asc(si::Column::ShareUri)
            .order_by_asc(si::Column::ItemName)
            .limit(MAX_READERS as u64 + 1)
            .all(self.db)
            .await?
            .into_iter()
            .map(ShareItem::from)
            .collect();
        let dataset_uris: Vec<String> = shares.values().map(|s| s.dataset_uri.clone()).collect();
        let labels: HashMap<String, String> = ds::Entity::find()
            .filter(ds::Column::DatasetUri.is_in(dataset_uris))
            .all(self.db)
            .await?
            .into_iter()
            .map(|d| (d.dataset_uri, d.label))
            .collect();
        Ok(items
            .into_iter()
            .filter_map(|item| {
                let share = shares.get(&item.share_uri)?;
                let label = labels.get(&share.dataset_uri).map_or("", String::as_str);
                let mut reader = share_item_reader(&share.dataset_uri, label, share, &item);
                reader.detail = Some("open the item's access view to compare with AWS".into());
                Some(reader)
            })
            .collect())
    }
}

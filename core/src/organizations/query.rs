//! Reading organizations: the list filtered by the actor's grants, and counts for `stats`.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use sluice_entities::{organization as org, organization_group as og};

use super::{Organization, OrganizationFilter, OrganizationStats, Organizations, SortField, UserRole};
use crate::{
    Actor, Result,
    authz::{OrganizationPermission, granted},
    page::{self, Page, PageRequest, contains_any, contains_pattern},
};

impl Organizations<'_> {
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>> {
        let mut query = org::Entity::find().filter(
            org::Column::OrganizationUri.in_subquery(granted(OrganizationPermission::GetOrganization, actor)),
        );
        if !filter.display_archived {
            query = query.filter(org::Column::Archived.eq(false));
        }
        if let Some(term) = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [org::Column::Label, org::Column::Description, org::Column::Tags];
            query = query.filter(contains_any(term, columns.map(|c| (org::Entity, c))));
        }
        for tag in &filter.tags {
            // Tags are stored as a compact JSON array, so a quoted element matches one whole tag.
            let quoted = serde_json::to_string(tag).map_err(|e| crate::Error::Internal(Box::new(e)))?;
            query = query.filter(
                Expr::col((org::Entity, org::Column::Tags))
                    .like(LikeExpr::new(contains_pattern(&quoted)).escape('\\')),
            );
        }
        if !filter.roles.is_empty() {
            query = query.filter(role_condition(actor, &filter.roles));
        }
        for sort in &filter.sort {
            let column = match sort.field {
                SortField::Created => org::Column::Created,
                SortField::Updated => org::Column::Updated,
                SortField::Label => org::Column::Label,
            };
            query = query.order_by(column, if sort.descending { Order::Desc } else { Order::Asc });
        }
        let query = query.order_by_asc(org::Column::Label).order_by_asc(org::Column::OrganizationUri);
        page::fetch(self.db, query, page).await?.try_map(Organization::from_model)
    }

    /// Stats for many organizations in one query, for the API's batch loader. Organizations the
    /// actor may not see are left out.
    pub async fn stats(&self, actor: &Actor, uris: &[String]) -> Result<HashMap<String, OrganizationStats>> {
        let counts: Vec<(String, i64)> = og::Entity::find()
            .select_only()
            .column(og::Column::OrganizationUri)
            .column_as(og::Column::GroupUri.count(), "groups")
            .filter(og::Column::OrganizationUri.is_in(uris.iter().cloned()))
            .filter(
                og::Column::OrganizationUri
                    .in_subquery(granted(OrganizationPermission::GetOrganization, actor)),
            )
            .group_by(og::Column::OrganizationUri)
            .into_tuple()
            .all(self.db)
            .await?;
        let visible: Vec<String> = counts.iter().map(|(uri, _)| uri.clone()).collect();
        let environments: HashMap<String, i64> = sluice_entities::environment::Entity::find()
            .select_only()
            .column(sluice_entities::environment::Column::OrganizationUri)
            .column_as(sluice_entities::environment::Column::EnvironmentUri.count(), "environments")
            .filter(sluice_entities::environment::Column::OrganizationUri.is_in(visible))
            .group_by(sluice_entities::environment::Column::OrganizationUri)
            .into_tuple::<(String, i64)>()
            .all(self.db)
            .await?
            .into_iter()
            .collect();
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(counts
            .into_iter()
            .map(|(uri, groups)| {
                let environments = count(environments.get(&uri).copied().unwrap_or(0));
                (uri, OrganizationStats { groups: count(groups), environments })
            })
            .collect())
    }
}

fn role_condition(actor: &Actor, roles: &[UserRole]) -> Condition {
    let mut any = Condition::any();
    for role in roles {
        any = match role {
            UserRole::Owner => any.add(org::Column::Owner.eq(actor.username().to_owned())),
            UserRole::Admin => any.add(org::Column::SamlGroupName.is_in(actor.groups().iter().cloned())),
            UserRole::Invited | UserRole::Member => any.add(
                Condition::all()
                    .add(org::Column::SamlGroupName.is_not_in(actor.groups().iter().cloned()))
                    .add(
                        org::Column::OrganizationUri.in_subquery(
                            Query::select()
                                .column(og::Column::OrganizationUri)
                                .from(og::Entity)
                                .and_where(og::Column::GroupUri.is_in(actor.groups().iter().cloned()))
                                .to_owned(),
                        ),
                    ),
            ),
            // Lists only hold organizations the actor belongs to.
            UserRole::NotMember => any.add(Expr::val(1).eq(0)),
        };
    }
    any
}

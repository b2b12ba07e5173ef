//! The AWS adapter of the effective-access port: Lake Formation's grants on a dataset's
//! databases and tables, listed through the account's pivot role.

use sluice_core::{
    access::{GrantReader, LakeResource, SeenGrant},
    environments::{LinkError, PivotRole},
};

use crate::{
    grants::{LakeGrants, LfResource},
    link::{PivotLinker, assume_pivot},
};

fn lf_resource(resource: &LakeResource) -> LfResource {
    match &resource.table {
        Some(table) => LfResource::table(&resource.catalog_id, &resource.database, table),
        None => LfResource::database(&resource.catalog_id, &resource.database),
    }
}

#[async_trait::async_trait]
impl GrantReader for PivotLinker {
    async fn lake_grants(
        &self,
        pivot: &PivotRole,
        resources: &[LakeResource],
    ) -> Result<Vec<SeenGrant>, LinkError> {
        let session = assume_pivot(self.base(), pivot).await?;
        let lake = LakeGrants::new(&session);
        let mut seen = vec![];
        for resource in resources {
            let listed = lake
                .list(None, Some(&lf_resource(resource)))
                .await
                .map_err(|e| LinkError::Unreachable(e.to_string()))?;
            seen.extend(listed.into_iter().map(|grant| SeenGrant {
                principal: grant.principal,
                resource: resource.clone(),
                grantable: if grant.grant_option {
                    grant.permissions.iter().map(|p| p.as_str().to_owned()).collect()
                } else {
                    vec![]
                },
                permissions: grant.permissions.iter().map(|p| p.as_str().to_owned()).collect(),
            }));
        }
        Ok(seen)
    }
}

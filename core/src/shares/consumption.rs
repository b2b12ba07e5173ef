//! What a share's requesters need to use what was granted (data.all's `getS3ConsumptionData` and
//! `listSharedDatasetTableColumns`): where to query the tables, where the folders are and the
//! access point to read them through, which role reads them. Only granted items are described, so an undecided request reveals nothing of where
//! the data lives.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_entities::{dataset_location as loc, environment as env};

use super::{
    ItemType, Shares, access::ReadShare, flow::item_status, folders::access_point_name, state::ItemStatus,
};
use crate::{
    Actor, Error, Result,
    datasets::{
        self, Datasets,
        tables::{DatasetTable, TableColumn},
    },
    page::{Page, PageRequest},
};

/// How to use a share, as far as it is granted now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionData {
    /// The share's access point, when a folder or the bucket is granted.
    pub s3_access_point_name: Option<String>,
    pub s3_access_point_arn: Option<String>,
    /// Where the granted tables are queried from the share's environment: the dataset's own
    /// database in its own account and region, `<db>_shared` (resource links) anywhere else.
    pub shared_glue_database: Option<String>,
    /// The dataset's bucket, when a folder or the bucket is granted.
    pub s3_bucket_name: Option<String>,
    /// `s3://bucket/prefix/` of each granted folder, or `s3://bucket/` for the bucket.
    pub s3_prefixes: Vec<String>,
    /// The IAM role the grants went to: the one to use.
    pub principal_role_arn: String,
}

/// The database a share's tables are queried from, seen from the target's account and region.
pub(crate) fn shared_database_name(database: &str, same_account_and_region: bool) -> String {
    if same_account_and_region { database.to_owned() } else { format!("{database}_shared") }
}

impl Shares<'_> {
    /// How to use the share's granted items; the requesters and the approvers may ask.
    pub async fn consumption(&self, actor: &Actor, share_uri: &str) -> Result<ConsumptionData> {
        let share = self.authorize::<ReadShare>(actor, share_uri).await?;
        let granted: Vec<_> = self
            .items_of(share_uri)
            .await?
            .into_iter()
            .filter(|i| item_status(i).is_ok_and(ItemStatus::is_granted))
            .collect();
        let mut data = ConsumptionData {
            s3_access_point_name: None,
            s3_access_point_arn: None,
            shared_glue_database: None,
            s3_bucket_name: None,
            s3_prefixes: vec![],
            principal_role_arn: share.principal_role_arn.clone(),
        };
        if granted.is_empty() {
            return Ok(data);
        }
        let dataset = datasets::load_dataset(self.db, &share.dataset_uri).await?;
        if granted.iter().any(|i| i.item_type == ItemType::Table.as_str()) {
            let places = env::Entity::find()
                .filter(
                    env::Column::EnvironmentUri
                        .is_in([&share.dataset_environment_uri, &share.environment_uri]),
                )
                .all(self.db)
                .await?;
            let place = |uri: &str| {
                places.iter().find(|e| e.environment_uri == uri).map(|e| (&e.aws_account_id, &e.region))
            };
            let same = place(&share.dataset_environment_uri) == place(&share.environment_uri);
            data.shared_glue_database = Some(shared_database_name(&dataset.glue_database_name, same));
        }
        let folders: Vec<String> = granted
            .iter()
            .filter(|i| i.item_type == ItemType::StorageLocation.as_str())
            .map(|i| i.item_uri.clone())
            .collect();
        let bucket = granted.iter().any(|i| i.item_type == ItemType::S3Bucket.as_str());
        if !folders.is_empty() || bucket {
            let mut prefixes: Vec<String> = loc::Entity::find()
                .filter(loc::Column::LocationUri.is_in(folders))
                .all(self.db)
                .await?
                .into_iter()
                .map(|f| format!("s3://{}/{}/", dataset.bucket_name, f.s3_prefix.trim_matches('/')))
                .collect();
            if bucket {
                prefixes.push(format!("s3://{}/", dataset.bucket_name));
            }
            prefixes.sort();
            let name = access_point_name(&share.share_uri);
            let account = env::Entity::find_by_id(share.dataset_environment_uri.clone()).one(self.db).await?;
            data.s3_access_point_arn =
                account.map(|e| format!("arn:aws:s3:{}:{}:accesspoint/{name}", e.region, e.aws_account_id));
            data.s3_access_point_name = Some(name);
            data.s3_bucket_name = Some(dataset.bucket_name.clone());
            data.s3_prefixes = prefixes;
        }
        Ok(data)
    }

    /// The columns of a table the share grants; the requesters and the approvers may ask. A
    /// table that is not a granted item of the share is refused by name.
    pub async fn shared_table_columns(
        &self,
        actor: &Actor,
        share_uri: &str,
        table_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<(DatasetTable, Page<TableColumn>)> {
        self.authorize::<ReadShare>(actor, share_uri).await?;
        let granted = self.items_of(share_uri).await?.into_iter().any(|i| {
            i.item_uri == table_uri
                && i.item_type == ItemType::Table.as_str()
                && item_status(&i).is_ok_and(ItemStatus::is_granted)
        });
        if !granted {
            return Err(Error::validation(
                "tableUri",
                format!(
                    "{table_uri} is not a table share {share_uri} grants; list the share's items to find one"
                ),
            ));
        }
        let tables = Datasets { db: self.db, aws: &None, visibility: self.visibility };
        let table = tables.get_table(actor, table_uri).await?;
        let columns = tables.columns_of(&table, term, page).await?;
        Ok((table, columns))
    }
}

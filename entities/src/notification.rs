use sea_orm::entity::prelude::*;

/// Something one team should know, such as a share request waiting for its approval.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub notification_uri: String,
    /// data.all's type names (`SHARE_OBJECT_SUBMITTED`, ...).
    pub notification_type: String,
    pub message: String,
    pub recipient_group: String,
    /// `<share uri>|<dataset uri>`, as data.all writes it.
    pub target_uri: String,
    pub target_type: String,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The events share changes record for subscribers (see `crate::events`): ids only. A share
//! concerns two organizations when it crosses them, the dataset's and the requesting
//! environment's, and each is told through its own event.

use sea_orm::ConnectionTrait;

use super::Share;
use crate::{
    Actor, Result,
    datasets::Dataset,
    events::{self, EventType, NewEvent},
};

pub(super) async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: EventType,
    share: &Share,
    dataset: &Dataset,
) -> Result<()> {
    let ids = [
        ("shareUri", share.share_uri.as_str()),
        ("datasetUri", share.dataset_uri.as_str()),
        ("environmentUri", share.environment_uri.as_str()),
        ("groupUri", share.group_uri.as_str()),
    ];
    let target = (share.share_uri.as_str(), super::RESOURCE_TYPE);
    events::record(db, actor, NewEvent::new(kind, &dataset.organization_uri, target, &ids)).await?;
    let requesting = events::organization_of_environment(db, &share.environment_uri).await?;
    if let Some(org) = requesting.filter(|o| *o != dataset.organization_uri) {
        events::record(db, actor, NewEvent::new(kind, &org, target, &ids)).await?;
    }
    Ok(())
}

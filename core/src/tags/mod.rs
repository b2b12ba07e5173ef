//! Key-value tags on environments and datasets, in data.all's terms (`listKeyValueTags`,
//! `updateKeyValueTags`): the AWS tags their CloudFormation stacks carry.
//!
//! - Reading a target's tags needs GET_ENVIRONMENT or GET_DATASET on it; changing them needs
//!   UPDATE_ENVIRONMENT or UPDATE_DATASET, the permissions that redeploy its stack.
//! - An update replaces the target's whole set, as data.all's does; keys follow AWS's rules
//!   ([`rules`]), so a stack carrying them can deploy.
//! - Tags reach AWS at the stack's next deploy (`updateStack` redeploys at once): they go on the
//!   stack, and CloudFormation copies stack tags to every resource of it that takes tags. A tag
//!   with `cascade` on an environment also goes on the stacks of the environment's datasets,
//!   and wins there over a dataset's own tag of the same key (as in data.all). On a dataset,
//!   `cascade` changes nothing: nothing is deployed below a dataset.
//! - A deleted environment or dataset takes its tags with it, in its deleting transaction.
//! - Only keys the account's owner opened in the pivot role are accepted ([`opening`]).

mod opening;
mod rules;

use std::{collections::BTreeMap, sync::Arc};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use sluice_entities::{dataset as ds, environment as env, key_value_tag as kvt};

pub use opening::{NO_KEYS_PATTERN, OpenTagKeys};
pub use rules::{MAX_KEY, MAX_TAGS, MAX_VALUE, NewTag};

use crate::{
    Actor, Error, Result, audit,
    authz::{self, dataset, environment},
    environments::{AwsSettings, LinkError, onboarding, platform, stacks::Stack},
    error::OnConflict,
    uri::new_uri,
};

/// What tags go on: data.all's `targetType`s that have a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagTarget {
    Environment,
    Dataset,
}

impl TagTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Environment => crate::environments::RESOURCE_TYPE,
            Self::Dataset => crate::datasets::RESOURCE_TYPE,
        }
    }

    /// data.all's `targetType`, exactly as it spells it.
    pub fn parse(value: &str) -> Result<Self> {
        match value {
            crate::environments::RESOURCE_TYPE => Ok(Self::Environment),
            crate::datasets::RESOURCE_TYPE => Ok(Self::Dataset),
            other => Err(Error::validation(
                "targetType",
                format!(
                    "key-value tags go on stacks: use \"environment\" or \"dataset\", not \"{}\"",
                    other.escape_debug()
                ),
            )),
        }
    }
}

/// One tag of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValueTag {
    pub tag_uri: String,
    pub target: TagTarget,
    pub target_uri: String,
    pub key: String,
    pub value: String,
    pub cascade: bool,
    pub created: chrono::DateTime<chrono::Utc>,
}

impl KeyValueTag {
    fn from_model(m: kvt::Model, target: TagTarget) -> Self {
        Self {
            tag_uri: m.tag_uri,
            target,
            target_uri: m.target_uri,
            key: m.key,
            value: m.value,
            cascade: m.cascade,
            created: m.created,
        }
    }
}

pub struct Tags<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) aws: &'a Option<Arc<AwsSettings>>,
}

impl Tags<'_> {
    /// The target's tags, by key. Needs GET_ENVIRONMENT or GET_DATASET on it.
    pub async fn list(&self, actor: &Actor, target_type: &str, target_uri: &str) -> Result<Vec<KeyValueTag>> {
        let target = TagTarget::parse(target_type)?;
        match target {
            TagTarget::Environment => {
                authz::authorize::<environment::GetEnvironment>(self.db, actor, target_uri).await?;
            }
            TagTarget::Dataset => {
                authz::authorize::<dataset::GetDataset>(self.db, actor, target_uri).await?;
            }
        }
        Ok(by_key(
            of(self.db, target, target_uri).await?.into_iter().map(|m| KeyValueTag::from_model(m, target)),
        ))
    }

    /// Replaces the target's tags with `tags` and returns them, by key; an empty list clears
    /// them. Needs UPDATE_ENVIRONMENT or UPDATE_DATASET on it. The stack carries them from its
    /// next deploy. A missing list or a missing tag in it (data.all's input allows both) is
    /// refused rather than read as "no tags", so a slip never clears a target's tags.
    pub async fn update(
        &self,
        actor: &Actor,
        target_type: &str,
        target_uri: &str,
        tags: Option<Vec<Option<NewTag>>>,
    ) -> Result<Vec<KeyValueTag>> {
        let result = self.update_inner(actor, target_type, target_uri, tags);
        audit::audited(self.db, actor, "updateKeyValueTags", (target_uri, target_type), result).await
    }

    async fn update_inner(
        &self,
        actor: &Actor,
        target_type: &str,
        uri: &str,
        tags: Option<Vec<Option<NewTag>>>,
    ) -> Result<Vec<KeyValueTag>> {
        let target = TagTarget::parse(target_type)?;
        let actor = match target {
            TagTarget::Environment => {
                authz::authorize::<environment::UpdateEnvironment>(self.db, actor, uri).await?.actor().clone()
            }
            TagTarget::Dataset => {
                authz::authorize::<dataset::UpdateDataset>(self.db, actor, uri).await?.actor().clone()
            }
        };
        let tags = rules::check(tags)?;
        if !tags.is_empty() {
            let (account, open) = self.opened_keys(target, uri).await?;
            opening::require_opened(&open, &tags, &account)?;
        }
        let now = chrono::Utc::now();
        let rows: Vec<kvt::Model> = tags
            .into_iter()
            .map(|t| kvt::Model {
                tag_uri: new_uri(),
                target_type: target.as_str().to_owned(),
                target_uri: uri.to_owned(),
                key: t.key,
                value: t.value,
                cascade: t.cascade,
                created: now,
            })
            .collect();
        let txn = crate::db::write_txn(self.db).await?;
        hold_target(&txn, target, uri).await?;
        forget(&txn, target, uri).await?;
        if !rows.is_empty() {
            let active: Vec<kvt::ActiveModel> = rows.iter().cloned().map(Into::into).collect();
            kvt::Entity::insert_many(active)
                .exec_without_returning(&txn)
                .await
                // Only a key given twice could collide, and `check` refuses that.
                .on_conflict(|| Error::validation("tags", "each key may appear once"))?;
        }
        audit::record(&txn, &actor, "updateKeyValueTags", uri, target.as_str(), &summary(&rows)).await?;
        txn.commit().await?;
        Ok(by_key(rows.into_iter().map(|m| KeyValueTag::from_model(m, target))))
    }
}

impl Tags<'_> {
    /// The account of the target's stack, and the tag keys its pivot role opens, read from the
    /// role now: its owner may have changed them since the account was linked.
    async fn opened_keys(&self, target: TagTarget, uri: &str) -> Result<(String, OpenTagKeys)> {
        let aws = onboarding::require(self.aws)?;
        let environment_uri = match target {
            TagTarget::Environment => uri.to_owned(),
            TagTarget::Dataset => {
                ds::Entity::find_by_id(uri.to_owned())
                    .one(self.db)
                    .await?
                    .ok_or_else(|| Error::NotFound { kind: target.as_str(), uri: uri.to_owned() })?
                    .environment_uri
            }
        };
        let (environment, pivot) = platform::with_pivot(self.db, &environment_uri).await?;
        let trust = aws.linker.verify(&pivot).await.map_err(|e| match e {
            LinkError::Refused(reason) => Error::InvalidState(format!(
                "Sluice could not read the pivot role of account {} to see which tag keys it allows \
                 ({reason}); nothing was changed",
                environment.aws_account_id
            )),
            LinkError::Unreachable(_) => {
                Error::InvalidState(format!("{e}; nothing was changed, try again in a moment"))
            }
        })?;
        Ok((environment.aws_account_id, OpenTagKeys::from_role_tag(trust.stack_tag_prefix.as_deref())))
    }
}

/// Locks the target's row until the transaction ends (Postgres; SQLite's write transactions run
/// one at a time), so two updates of one target's tags run one after the other, and neither
/// outlives a deletion of the target: a deletion that came first leaves no row to lock.
async fn hold_target(db: &impl ConnectionTrait, target: TagTarget, uri: &str) -> Result<()> {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let found = match target {
        TagTarget::Environment => {
            let mut query = env::Entity::find_by_id(uri.to_owned());
            if postgres {
                query = query.lock_exclusive();
            }
            query.one(db).await?.is_some()
        }
        TagTarget::Dataset => {
            let mut query = ds::Entity::find_by_id(uri.to_owned());
            if postgres {
                query = query.lock_exclusive();
            }
            query.one(db).await?.is_some()
        }
    };
    if found { Ok(()) } else { Err(Error::NotFound { kind: target.as_str(), uri: uri.to_owned() }) }
}

/// What the activity trail says an update left: the keys, not the values.
fn summary(rows: &[kvt::Model]) -> String {
    if rows.is_empty() {
        return "all tags removed".to_owned();
    }
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    let mut listed = keys.join(", ");
    if listed.chars().count() > 400 {
        listed = listed.chars().take(400).collect::<String>() + "…";
    }
    format!("{} tag(s): {listed}", rows.len())
}

/// Tags in the order people read them: by key, case aside.
fn by_key(tags: impl Iterator<Item = KeyValueTag>) -> Vec<KeyValueTag> {
    let mut tags: Vec<KeyValueTag> = tags.collect();
    tags.sort_by(|a, b| a.key.to_lowercase().cmp(&b.key.to_lowercase()).then_with(|| a.key.cmp(&b.key)));
    tags
}

async fn of(db: &impl ConnectionTrait, target: TagTarget, uri: &str) -> Result<Vec<kvt::Model>> {
    Ok(kvt::Entity::find()
        .filter(kvt::Column::TargetType.eq(target.as_str()))
        .filter(kvt::Column::TargetUri.eq(uri))
        .all(db)
        .await?)
}

/// Removes every tag of a target; its deletion calls this in its transaction, after deleting the
/// target's row (so that an update holding that row finishes first and its tags go too).
pub(crate) async fn forget(db: &impl ConnectionTrait, target: TagTarget, uri: &str) -> Result<()> {
    kvt::Entity::delete_many()
        .filter(kvt::Column::TargetType.eq(target.as_str()))
        .filter(kvt::Column::TargetUri.eq(uri))
        .exec(db)
        .await?;
    Ok(())
}

/// The tags `stack` carries besides Sluice's own, for its deploy: its target's tags, and on a
/// dataset's stack its environment's cascading ones too, which win over the dataset's own of
/// the same key (keys compared without case, as IAM compares them).
pub(crate) async fn for_stack(db: &impl ConnectionTrait, stack: &Stack) -> Result<BTreeMap<String, String>> {
    let target = TagTarget::parse(&stack.target_type).map_err(|_| {
        Error::InvalidState(format!(
            "stack {} has no tags: its target is a {}",
            stack.stack_uri, stack.target_type
        ))
    })?;
    let mut tags: Vec<(String, String)> =
        of(db, target, &stack.target_uri).await?.into_iter().map(|t| (t.key, t.value)).collect();
    if target == TagTarget::Dataset {
        for cascading in
            of(db, TagTarget::Environment, &stack.environment_uri).await?.into_iter().filter(|t| t.cascade)
        {
            let folded = cascading.key.to_lowercase();
            tags.retain(|(k, _)| k.to_lowercase() != folded);
            tags.push((cascading.key, cascading.value));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Error::InvalidState(format!(
            "the stack {} would carry {} tags of the {} and its environment's cascading tags, and Sluice's \
             own 3; AWS allows 50 in all: remove some with updateKeyValueTags, then redeploy with updateStack",
            stack.name,
            tags.len(),
            target.as_str()
        )));
    }
    Ok(tags.into_iter().collect())
}

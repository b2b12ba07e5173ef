//! Key-value tags in data.all's dialect: `listKeyValueTags`, `updateKeyValueTags`. The AWS tags
//! of an environment's or a dataset's stack; core decides who may read and change them.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use sluice_core::tags::{KeyValueTag, NewTag};

use crate::graphql::{GqlResult, actor, core};

/// One AWS tag of an environment's or a dataset's stack.
#[derive(SimpleObject)]
#[graphql(name = "KeyValueTag")]
pub struct KeyValueTagGql {
    tag_uri: ID,
    /// `environment` or `dataset`.
    target_type: String,
    target_uri: String,
    key: String,
    value: String,
    /// On an environment's tag: the stacks of the environment's datasets carry it too, over a
    /// dataset's own tag of the same key. Changes nothing on a dataset's tag.
    cascade: bool,
}

impl From<KeyValueTag> for KeyValueTagGql {
    fn from(t: KeyValueTag) -> Self {
        Self {
            tag_uri: ID(t.tag_uri),
            target_type: t.target.as_str().to_owned(),
            target_uri: t.target_uri,
            key: t.key,
            value: t.value,
            cascade: t.cascade,
        }
    }
}

/// One tag: a key of 1 to 128 characters and a value of up to 256, of letters, digits, spaces
/// and `_ . : / = + - @`; keys starting with `aws:` or `sluice:` are reserved.
#[derive(InputObject)]
pub struct KeyValueTagInput {
    key: String,
    value: String,
    /// On an environment: its datasets' stacks carry the tag too.
    cascade: bool,
}

#[derive(InputObject)]
pub struct UpdateKeyValueTagsInput {
    target_uri: String,
    /// `environment` or `dataset`.
    target_type: String,
    /// The whole set: it replaces the target's tags (`[]` removes them all). At most 47, each key
    /// once (compared without case).
    tags: Option<Vec<Option<KeyValueTagInput>>>,
}

#[derive(Default)]
pub struct KeyValueTagQuery;

#[Object]
impl KeyValueTagQuery {
    /// The tags of an environment's or a dataset's stack (`targetType` `environment` or
    /// `dataset`), by key. Needs GET_ENVIRONMENT or GET_DATASET on it.
    async fn list_key_value_tags(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<Vec<KeyValueTagGql>> {
        let tags = core(ctx)?.tags().list(actor(ctx)?, &target_type, &target_uri).await.gql()?;
        Ok(tags.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct KeyValueTagMutation;

#[Object]
impl KeyValueTagMutation {
    /// Replaces the tags of an environment's or a dataset's stack with `tags`, and returns them
    /// by key. Needs UPDATE_ENVIRONMENT or UPDATE_DATASET on it. Nothing is deployed: the stack
    /// carries the new tags from its next deploy; `updateStack` redeploys it now. CloudFormation
    /// copies a stack's tags to every resource of it that takes tags. An environment's tags with
    /// `cascade` reach its datasets' stacks at their next deploy.
    async fn update_key_value_tags(
        &self,
        ctx: &Context<'_>,
        input: UpdateKeyValueTagsInput,
    ) -> async_graphql::Result<Vec<KeyValueTagGql>> {
        let tags = input.tags.map(|tags| {
            tags.into_iter()
                .map(|t| t.map(|t| NewTag { key: t.key, value: t.value, cascade: t.cascade }))
                .collect()
        });
        let saved =
            core(ctx)?.tags().update(actor(ctx)?, &input.target_type, &input.target_uri, tags).await.gql()?;
        Ok(saved.into_iter().map(Into::into).collect())
    }
}

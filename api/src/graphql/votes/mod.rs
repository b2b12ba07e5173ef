//! Votes in data.all's dialect: `upVote`, `getVote`, `countUpVotes`. Whoever may find the item
//! in the catalog may vote on it; core decides.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::votes::Vote;

use crate::graphql::{GqlResult, actor, core};

/// One user's vote on an item.
#[derive(SimpleObject)]
#[graphql(name = "Vote")]
pub struct VoteGql {
    #[graphql(name = "voteUri")]
    vote_uri: String,
    /// `dataset`.
    target_type: String,
    target_uri: String,
    /// False once the user took the vote back.
    upvote: bool,
    created: String,
}

impl From<Vote> for VoteGql {
    fn from(v: Vote) -> Self {
        Self {
            vote_uri: v.vote_uri,
            target_type: v.target.as_str().to_owned(),
            target_uri: v.target_uri,
            upvote: v.upvote,
            created: v.created.to_rfc3339(),
        }
    }
}

#[derive(InputObject)]
pub struct VoteInput {
    target_uri: String,
    /// `dataset`.
    target_type: String,
    /// True to vote the item up, false to take the vote back.
    upvote: bool,
}

#[derive(Default)]
pub struct VoteQuery;

#[Object]
impl VoteQuery {
    /// Your own vote on the item, or null if you gave none. Needs that you may find the item.
    async fn get_vote(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<Option<VoteGql>> {
        let vote = core(ctx)?.votes().get(actor(ctx)?, &target_type, &target_uri).await.gql()?;
        Ok(vote.map(Into::into))
    }

    /// How many users vote the item up. Needs that you may find the item.
    async fn count_up_votes(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<i32> {
        let count = core(ctx)?.votes().count(actor(ctx)?, &target_type, &target_uri).await.gql()?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

#[derive(Default)]
pub struct VoteMutation;

#[Object]
impl VoteMutation {
    /// Votes the item up, or takes your vote back (`upvote: false`); you hold one vote per
    /// item. Needs that you may find the item.
    async fn up_vote(&self, ctx: &Context<'_>, input: VoteInput) -> async_graphql::Result<VoteGql> {
        let vote = core(ctx)?
            .votes()
            .up_vote(actor(ctx)?, &input.target_type, &input.target_uri, input.upvote)
            .await
            .gql()?;
        Ok(vote.into())
    }
}

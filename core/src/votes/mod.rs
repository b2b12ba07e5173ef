//! Votes on catalog items, in data.all's terms (`upVote`, `getVote`, `countUpVotes`): a signal
//! to everyone who may find an item of which data others trust. Whoever may find the item may
//! vote on it and read its count; with restricted catalog visibility a hidden item is refused
//! as a missing one. Each user holds one vote per item, so counts are of people.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use sluice_entities::vote;

use crate::{
    Actor, Error, Result, audit, catalog::CatalogVisibility, datasets::Datasets, error::OnConflict,
    uri::new_uri,
};

/// What may be voted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteTarget {
    Dataset,
}

impl VoteTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dataset => "dataset",
        }
    }

    /// data.all's `targetType`.
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim() {
            "dataset" => Ok(Self::Dataset),
            other => Err(Error::validation(
                "targetType",
                format!("votes go on datasets only (targetType \"dataset\"), not on \"{other}\""),
            )),
        }
    }
}

/// One user's vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub vote_uri: String,
    pub target: VoteTarget,
    pub target_uri: String,
    pub upvote: bool,
    pub created: chrono::DateTime<chrono::Utc>,
}

impl Vote {
    fn from_model(m: vote::Model, target: VoteTarget) -> Self {
        Self { vote_uri: m.vote_uri, target, target_uri: m.target_uri, upvote: m.upvote, created: m.created }
    }
}

pub struct Votes<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) visibility: CatalogVisibility,
}

impl Votes<'_> {
    /// Refuses unless the actor may find the target (the proof is the view `get` returns).
    async fn require_findable(&self, actor: &Actor, target: VoteTarget, uri: &str) -> Result<()> {
        match target {
            VoteTarget::Dataset => Datasets { db: self.db, aws: &None, visibility: self.visibility }
                .get(actor, uri)
                .await
                .map(|_| ()),
        }
    }

    /// Records the actor's vote on the target, replacing the one they gave before.
    pub async fn up_vote(
        &self,
        actor: &Actor,
        target_type: &str,
        target_uri: &str,
        upvote: bool,
    ) -> Result<Vote> {
        let vote = self.up_vote_inner(actor, target_type, target_uri, upvote);
        audit::audited(self.db, actor, "upVote", (target_uri, target_type), vote).await
    }

    async fn up_vote_inner(&self, actor: &Actor, target_type: &str, uri: &str, upvote: bool) -> Result<Vote> {
        let target = VoteTarget::parse(target_type)?;
        self.require_findable(actor, target, uri).await?;
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        let row = match mine(&txn, actor, target, uri).await? {
            Some(existing) => {
                let mut row: vote::ActiveModel = existing.into();
                row.upvote = Set(upvote);
                row.updated = Set(now);
                row.update(&txn).await?
            }
            None => vote::ActiveModel {
                vote_uri: Set(new_uri()),
                target_type: Set(target.as_str().to_owned()),
                target_uri: Set(uri.to_owned()),
                voter: Set(actor.username().to_owned()),
                voter_issuer: Set(actor.issuer().to_owned()),
                upvote: Set(upvote),
                created: Set(now),
                updated: Set(now),
            }
            .insert(&txn)
            .await
            // The same user voting twice at once: the first is kept.
            .on_conflict(|| {
                Error::Conflict("your vote was being recorded already; vote again to change it".into())
            })?,
        };
        // The catalog sorts datasets by votes: the dataset's entry carries its count.
        match target {
            VoteTarget::Dataset => crate::datasets::queue_entry_index(&txn, uri).await?,
        }
        let summary = if upvote { "up vote" } else { "vote taken back" };
        audit::record(&txn, actor, "upVote", uri, target.as_str(), summary).await?;
        txn.commit().await?;
        Ok(Vote::from_model(row, target))
    }

    /// The actor's own vote on the target, if they gave one.
    pub async fn get(&self, actor: &Actor, target_type: &str, uri: &str) -> Result<Option<Vote>> {
        let target = VoteTarget::parse(target_type)?;
        self.require_findable(actor, target, uri).await?;
        Ok(mine(self.db, actor, target, uri).await?.map(|m| Vote::from_model(m, target)))
    }

    /// How many users vote the target up.
    pub async fn count(&self, actor: &Actor, target_type: &str, uri: &str) -> Result<u64> {
        let target = VoteTarget::parse(target_type)?;
        self.require_findable(actor, target, uri).await?;
        up_votes(self.db, target, uri).await
    }
}

async fn mine(
    db: &impl ConnectionTrait,
    actor: &Actor,
    target: VoteTarget,
    uri: &str,
) -> Result<Option<vote::Model>> {
    Ok(vote::Entity::find()
        .filter(vote::Column::TargetType.eq(target.as_str()))
        .filter(vote::Column::TargetUri.eq(uri))
        .filter(vote::Column::VoterIssuer.eq(actor.issuer()))
        .filter(vote::Column::Voter.eq(actor.username()))
        .one(db)
        .await?)
}

/// How many users vote the target up.
pub(crate) async fn up_votes(db: &impl ConnectionTrait, target: VoteTarget, uri: &str) -> Result<u64> {
    Ok(vote::Entity::find()
        .filter(vote::Column::TargetType.eq(target.as_str()))
        .filter(vote::Column::TargetUri.eq(uri))
        .filter(vote::Column::Upvote.eq(true))
        .count(db)
        .await?)
}

/// Removes every vote on a target that is being deleted, in its transaction.
pub(crate) async fn forget(db: &impl ConnectionTrait, target: VoteTarget, uri: &str) -> Result<()> {
    vote::Entity::delete_many()
        .filter(vote::Column::TargetType.eq(target.as_str()))
        .filter(vote::Column::TargetUri.eq(uri))
        .exec(db)
        .await?;
    Ok(())
}

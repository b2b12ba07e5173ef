//! IAM principal mappings: which AWS principals (by ARN or ARN pattern) act as which Sluice
//! user and teams when they sign requests with their AWS credentials instead of sending a
//! token. Admins manage the mappings; the auth layer resolves a caller's ARN through them and
//! records the signatures it has accepted so none is used twice.

pub mod arn;
pub mod wire;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use sluice_entities::{iam_principal_mapping as mapping, iam_signature_seen as seen};

use crate::{Actor, Error, Result, audit, error::OnConflict, organizations::validate, uri::new_uri};

pub const RESOURCE_TYPE: &str = "iam_principal_mapping";
const MAX_GROUPS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamPrincipalMapping {
    pub mapping_uri: String,
    pub arn_pattern: String,
    /// May hold `{{AccountID}}`, and `{{SessionName}}` when `allow_session_name`, filled from
    /// the caller's ARN.
    pub username: String,
    pub groups: Vec<String>,
    /// Whoever calls AssumeRole chooses the session name, so a mapping takes it into a user
    /// name only when an admin said so.
    pub allow_session_name: bool,
    pub created_by: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct IamPrincipalMappingInput {
    pub arn_pattern: String,
    pub username: String,
    pub groups: Vec<String>,
    pub allow_session_name: bool,
}

/// Who a verified AWS caller is in Sluice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedPrincipal {
    pub username: String,
    pub groups: Vec<String>,
    /// The mapping that decided, for logs.
    pub mapping_uri: String,
}

impl TryFrom<mapping::Model> for IamPrincipalMapping {
    type Error = Error;

    fn try_from(m: mapping::Model) -> Result<Self> {
        let groups = serde_json::from_str(&m.groups).map_err(|e| Error::Internal(Box::new(e)))?;
        Ok(Self {
            mapping_uri: m.mapping_uri,
            arn_pattern: m.arn_pattern,
            username: m.username,
            groups,
            allow_session_name: m.allow_session_name,
            created_by: m.created_by,
            created: m.created,
            updated: m.updated,
        })
    }
}

pub struct IamPrincipals<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

impl IamPrincipals<'_> {
    pub async fn list(&self, actor: &Actor) -> Result<Vec<IamPrincipalMapping>> {
        crate::authz::authorize_admin(actor)?;
        let rows = mapping::Entity::find().order_by_asc(mapping::Column::ArnPattern).all(self.db).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn create(
        &self,
        actor: &Actor,
        input: IamPrincipalMappingInput,
    ) -> Result<IamPrincipalMapping> {
        let result = self.create_inner(actor, input).await;
        audit::record_failure(self.db, actor, "createIamPrincipalMapping", "-", RESOURCE_TYPE, &result).await;
        result
    }

    async fn create_inner(
        &self,
        actor: &Actor,
        input: IamPrincipalMappingInput,
    ) -> Result<IamPrincipalMapping> {
        crate::authz::authorize_admin(actor)?;
        let (pattern, username, groups) = checked(&input)?;
        let now = chrono::Utc::now();
        let uri = new_uri();
        let txn = self.db.begin().await?;
        let row = mapping::ActiveModel {
            mapping_uri: Set(uri.clone()),
            arn_pattern: Set(pattern.clone()),
            username: Set(username.clone()),
            groups: Set(groups_json(&groups)?),
            allow_session_name: Set(input.allow_session_name),
            created_by: Set(actor.username().to_owned()),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(|| duplicate(&pattern))?;
        audit::record(
            &txn,
            actor,
            "createIamPrincipalMapping",
            &uri,
            RESOURCE_TYPE,
            &format!("{pattern} acts as {username} in [{}]", groups.join(", ")),
        )
        .await?;
        txn.commit().await?;
        row.try_into()
    }

    pub async fn update(
        &self,
        actor: &Actor,
        mapping_uri: &str,
        input: IamPrincipalMappingInput,
    ) -> Result<IamPrincipalMapping> {
        let result = self.update_inner(actor, mapping_uri, input).await;
        audit::record_failure(
            self.db,
            actor,
            "updateIamPrincipalMapping",
            mapping_uri,
            RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn update_inner(
        &self,
        actor: &Actor,
        mapping_uri: &str,
        input: IamPrincipalMappingInput,
    ) -> Result<IamPrincipalMapping> {
        crate::authz::authorize_admin(actor)?;
        let (pattern, username, groups) = checked(&input)?;
        let txn = self.db.begin().await?;
        let existing = mapping::Entity::find_by_id(mapping_uri)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound { kind: "IAM principal mapping", uri: mapping_uri.to_owned() })?;
        let mut row: mapping::ActiveModel = existing.into();
        row.arn_pattern = Set(pattern.clone());
        row.username = Set(username.clone());
        row.groups = Set(groups_json(&groups)?);
        row.allow_session_name = Set(input.allow_session_name);
        row.updated = Set(chrono::Utc::now());
        let row = row.update(&txn).await.on_conflict(|| duplicate(&pattern))?;
        audit::record(
            &txn,
            actor,
            "updateIamPrincipalMapping",
            mapping_uri,
            RESOURCE_TYPE,
            &format!("{pattern} acts as {username} in [{}]", groups.join(", ")),
        )
        .await?;
        txn.commit().await?;
        row.try_into()
    }

    pub async fn delete(&self, actor: &Actor, mapping_uri: &str) -> Result<()> {
        let result = self.delete_inner(actor, mapping_uri).await;
        audit::record_failure(
            self.db,
            actor,
            "deleteIamPrincipalMapping",
            mapping_uri,
            RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn delete_inner(&self, actor: &Actor, mapping_uri: &str) -> Result<()> {
        crate::authz::authorize_admin(actor)?;
        let txn = self.db.begin().await?;
        let existing = mapping::Entity::find_by_id(mapping_uri)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound { kind: "IAM principal mapping", uri: mapping_uri.to_owned() })?;
        mapping::Entity::delete_by_id(mapping_uri).exec(&txn).await?;
        audit::record(
            &txn,
            actor,
            "deleteIamPrincipalMapping",
            mapping_uri,
            RESOURCE_TYPE,
            &format!("{} no longer maps to {}", existing.arn_pattern, existing.username),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who a caller whose ARN STS has vouched for is, through the most specific mapping that
    /// matches it; `None` when no mapping does. Called by the auth layer before there is an
    /// actor, so it takes none.
    pub async fn resolve(&self, caller_arn: &str) -> Result<Option<MappedPrincipal>> {
        // Every mapping is read: an account holds few, and patterns cannot be matched in SQL
        // portably. A cache would make a deleted mapping linger.
        let rows = mapping::Entity::find().all(self.db).await?;
        let best = rows.into_iter().filter(|m| arn::matches(&m.arn_pattern, caller_arn)).max_by(|a, b| {
            arn::specificity(&a.arn_pattern)
                .cmp(&arn::specificity(&b.arn_pattern))
                // The older mapping wins a tie, so adding one never changes who an
                // existing caller is.
                .then(b.created.cmp(&a.created))
        });
        let Some(best) = best else { return Ok(None) };
        let username = arn::render_username(&best.username, caller_arn, best.allow_session_name);
        let mapping: IamPrincipalMapping = best.try_into()?;
        Ok(Some(MappedPrincipal { username, groups: mapping.groups, mapping_uri: mapping.mapping_uri }))
    }

    /// Records a request signature until `expires`. False when it was already recorded: the
    /// request is a replay. Shared through the database, so a replay is caught by any replica.
    pub async fn claim_signature(
        &self,
        signature: &str,
        expires: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let inserted = seen::Entity::insert(seen::ActiveModel {
            signature: Set(signature.to_owned()),
            expires: Set(expires),
        })
        .on_conflict(sea_orm::sea_query::OnConflict::column(seen::Column::Signature).do_nothing().to_owned())
        .exec_without_returning(self.db)
        .await?;
        Ok(inserted == 1)
    }

    /// Deletes signatures too old to be accepted anyway; the auth layer calls it now and then,
    /// not on every sign-in, so a stream of sign-in attempts is not a stream of deletes.
    pub async fn sweep_signatures(&self) -> Result<u64> {
        let swept = seen::Entity::delete_many()
            .filter(seen::Column::Expires.lt(chrono::Utc::now()))
            .exec(self.db)
            .await?;
        Ok(swept.rows_affected)
    }

    /// Forgets a claimed signature that STS then refused, so a refused request costs no space
    /// for the rest of the window.
    pub async fn release_signature(&self, signature: &str) -> Result<()> {
        seen::Entity::delete_by_id(signature).exec(self.db).await?;
        Ok(())
    }
}

fn checked(input: &IamPrincipalMappingInput) -> Result<(String, String, Vec<String>)> {
    let pattern = arn::validate_pattern(&input.arn_pattern)?;
    let username = input.username.trim();
    if username.is_empty() || username.chars().count() > 255 {
        return Err(Error::validation("username", "must be 1 to 255 printable characters"));
    }
    validate::printable("username", username, false)?;
    if username.contains(arn::SESSION_NAME) && !input.allow_session_name {
        return Err(Error::validation(
            "username",
            format!(
                "{} is chosen by whoever assumes the role, so it would let them pick part of their \
                 Sluice user name; set allowSessionName to true if that is what you want",
                arn::SESSION_NAME
            ),
        ));
    }
    let mut groups: Vec<String> = Vec::new();
    for group in &input.groups {
        let group = validate::group("groups", Some(group))?;
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    if groups.len() > MAX_GROUPS {
        return Err(Error::validation("groups", format!("at most {MAX_GROUPS} teams")));
    }
    Ok((pattern, username.to_owned(), groups))
}

fn groups_json(groups: &[String]) -> Result<String> {
    serde_json::to_string(groups).map_err(|e| Error::Internal(Box::new(e)))
}

fn duplicate(pattern: &str) -> Error {
    Error::Conflict(format!("a mapping for {pattern} exists already; update it instead"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{Backend, TestDb};

    async fn a_replay_is_refused_and_only_expired_signatures_are_swept(backend: Backend) {
        let db = TestDb::new(backend).await;
        let principals = IamPrincipals { db: &db.db };
        let now = chrono::Utc::now();
        assert!(
            principals.claim_signature("fresh", now + chrono::Duration::minutes(15)).await.expect("claim")
        );
        assert!(
            !principals.claim_signature("fresh", now + chrono::Duration::minutes(15)).await.expect("again")
        );
        assert!(principals.claim_signature("old", now - chrono::Duration::minutes(1)).await.expect("claim"));
        assert_eq!(principals.sweep_signatures().await.expect("sweep"), 1, "only the expired one");
        assert!(
            !principals.claim_signature("fresh", now).await.expect("still there"),
            "a replay stays refused"
        );
        assert!(
            principals.claim_signature("old", now).await.expect("swept"),
            "the expired one was forgotten"
        );
    }

    crate::on_both_backends!(a_replay_is_refused_and_only_expired_signatures_are_swept);
}

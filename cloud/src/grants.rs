//! Lake Formation grants: what share processing gives a requester on a shared table, takes back
//! on revoke, and reads back to compute a share's health.
//!
//! Build [`LakeGrants`] from the pivot role's configuration of the account that grants
//! ([`assume_pivot`](crate::link::assume_pivot)): the source account for a same-account share and
//! for the grant to a target account, the target account for the grants on its resource links.
//! Lake Formation's own `CatalogId` argument is never passed, so the session's account grants;
//! the resources name their catalog themselves ([`LfResource`]).
//!
//! Every write is safe to repeat. Granting what is already granted succeeds in Lake Formation;
//! revoking what is not granted is refused there, and counted here as done, because that is the
//! state a revoke wants. A share task that died half-way is simply run again.

mod model;

use std::{
    collections::{BTreeMap, BTreeSet},
    error::Error,
    sync::Arc,
};

use aws_config::SdkConfig;
use aws_sdk_lakeformation::{
    error::{ProvideErrorMetadata, SdkError},
    types::{BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, Resource},
};

pub use self::model::{Grant, LfPermission, LfResource};
use crate::aws_error::describe;

/// BatchGrantPermissions and BatchRevokePermissions take at most this many entries a call.
pub const MAX_BATCH_ENTRIES: usize = 20;

/// The messages of Lake Formation's InvalidInputException that mean a revoke found nothing to
/// revoke ("No permissions revoked. Grantee has no permissions and no grantable permissions on
/// resource."), or that the resource itself is gone, which takes its grants along.
const NOTHING_TO_REVOKE: &[&str] = &["No permissions revoked", "Grantee has no permissions", "not found"];

#[derive(Debug, Clone, thiserror::Error)]
pub enum GrantError {
    /// A call could not be made, or AWS refused it: the whole call, or this entry of a batch.
    /// `message` leads with AWS's code, as `code` keeps it, when AWS answered.
    #[error("{op} failed: {message}")]
    Aws {
        op: String,
        code: Option<String>,
        message: String,
        /// The SDK's error; shared by every entry of a batch call that failed as a whole, and
        /// absent for an entry AWS refused on its own (its code and message are all there is).
        #[source]
        source: Option<Arc<dyn Error + Send + Sync>>,
    },
    /// A grant Sluice could not even send: no permissions, or an empty principal or name.
    #[error("{op}: {message}")]
    Invalid { op: String, message: String },
}

impl GrantError {
    fn aws<E, R>(op: String, e: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let code = e.as_service_error().and_then(|s| s.code()).map(str::to_owned);
        Self::Aws { op, code, message: describe(&e), source: Some(Arc::new(e)) }
    }

    /// AWS's error code, when AWS answered (`AccessDeniedException`,
    /// `ConcurrentModificationException`, ...): what a caller decides a retry on.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Aws { code, .. } => code.as_deref(),
            Self::Invalid { .. } => None,
        }
    }

    /// The same failure, for another grant of the batch call that failed as a whole.
    fn for_op(&self, op: String) -> Self {
        match self.clone() {
            Self::Aws { code, message, source, .. } => Self::Aws { op, code, message, source },
            Self::Invalid { message, .. } => Self::Invalid { op, message },
        }
    }
}

/// Whether AWS's refusal of a revoke means there was nothing (left) to revoke. Lake Formation
/// says so with its generic InvalidInputException, so the message decides.
fn nothing_to_revoke(code: &str, message: &str) -> bool {
    code == "EntityNotFoundException"
        || (code == "InvalidInputException" && NOTHING_TO_REVOKE.iter().any(|m| message.contains(m)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Batch {
    Grant,
    Revoke,
}

impl Batch {
    fn operation(self) -> &'static str {
        match self {
            Self::Grant => "BatchGrantPermissions",
            Self::Revoke => "BatchRevokePermissions",
        }
    }
}

/// Lake Formation grants in one account and region.
#[derive(Debug, Clone)]
pub struct LakeGrants {
    client: aws_sdk_lakeformation::Client,
    /// moto (5.2) refuses ListPermissions by a data cells filter resource ("Resource must have
    /// either the catalog, table or database field populated"), though it stores grants on one:
    /// on an emulator's endpoint such a listing reads the whole catalog and keeps the filter's.
    emulator: bool,
}

impl LakeGrants {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_lakeformation::Client::new(config),
            emulator: config.endpoint_url().is_some_and(crate::access_points::is_emulator_endpoint),
        }
    }

    /// Grants the permissions; granting what is already granted succeeds.
    pub async fn grant(&self, grant: &Grant) -> Result<(), GrantError> {
        let op = || format!("Lake Formation GrantPermissions of {grant}");
        let resource = checked(grant, op)?;
        self.client
            .grant_permissions()
            .principal(grant.sdk_principal())
            .resource(resource)
            .set_permissions(Some(grant.sdk_permissions()))
            .set_permissions_with_grant_option(grant.sdk_grantable())
            .send()
            .await
            .map_err(|e| GrantError::aws(op(), e))?;
        tracing::info!(%grant, "granted Lake Formation permissions");
        Ok(())
    }

    /// Revokes the permissions; revoking what is not granted (or on a resource that is gone)
    /// succeeds.
    pub async fn revoke(&self, grant: &Grant) -> Result<(), GrantError> {
        let op = || format!("Lake Formation RevokePermissions of {grant}");
        let resource = checked(grant, op)?;
        let sent = self
            .client
            .revoke_permissions()
            .principal(grant.sdk_principal())
            .resource(resource)
            .set_permissions(Some(grant.sdk_permissions()))
            .set_permissions_with_grant_option(grant.sdk_grantable())
            .send()
            .await;
        match sent {
            Ok(_) => {
                tracing::info!(%grant, "revoked Lake Formation permissions");
                Ok(())
            }
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    nothing_to_revoke(s.code().unwrap_or_default(), s.message().unwrap_or_default())
                }) =>
            {
                tracing::info!(%grant, "no Lake Formation permissions to revoke");
                Ok(())
            }
            Err(e) => Err(GrantError::aws(op(), e)),
        }
    }

    /// Grants each of `grants`, [`MAX_BATCH_ENTRIES`] a call. The results line up with `grants`:
    /// an entry AWS refused fails alone, a call that failed fails all of its entries, and an
    /// invalid grant fails without being sent.
    pub async fn batch_grant(&self, grants: &[Grant]) -> Vec<Result<(), GrantError>> {
        self.batch(Batch::Grant, grants).await
    }

    /// Revokes each of `grants`, as [`batch_grant`](Self::batch_grant) grants them; an entry with
    /// nothing to revoke succeeds, as in [`revoke`](Self::revoke).
    pub async fn batch_revoke(&self, grants: &[Grant]) -> Vec<Result<(), GrantError>> {
        self.batch(Batch::Revoke, grants).await
    }

    async fn batch(&self, kind: Batch, grants: &[Grant]) -> Vec<Result<(), GrantError>> {
        let op = |grant: &Grant| format!("Lake Formation {} of {grant}", kind.operation());
        let mut results: Vec<Result<(), GrantError>> = vec![Ok(()); grants.len()];
        // Each entry's id is its grant's index, which is how AWS's failures find their grant.
        let mut entries = Vec::with_capacity(grants.len());
        for (index, grant) in grants.iter().enumerate() {
            // Grants with the grant option go one by one: moto 5.2's batch APIs drop the option
            // (they read a misspelt field), and there are few of them (a target account's).
            if grant.grant_option {
                results[index] = match kind {
                    Batch::Grant => self.grant(grant).await,
                    Batch::Revoke => self.revoke(grant).await,
                };
                continue;
            }
            match batch_entry(index, grant) {
                Ok(entry) => entries.push((index, entry)),
                Err(message) => results[index] = Err(GrantError::Invalid { op: op(grant), message }),
            }
        }
        for chunk in entries.chunks(MAX_BATCH_ENTRIES) {
            let sent = chunk.iter().map(|(_, entry)| entry.clone()).collect();
            let failures = match self.send_batch(kind, sent).await {
                Ok(failures) => failures,
                Err(e) => {
                    for (index, _) in chunk {
                        results[*index] = Err(e.for_op(op(&grants[*index])));
                    }
                    continue;
                }
            };
            for failure in failures {
                let detail = failure.error();
                let code = detail.and_then(|d| d.error_code()).unwrap_or("UnknownError");
                let message = detail.and_then(|d| d.error_message()).unwrap_or_default();
                if kind == Batch::Revoke && nothing_to_revoke(code, message) {
                    continue;
                }
                let failed = |index: usize| GrantError::Aws {
                    op: op(&grants[index]),
                    code: Some(code.to_owned()),
                    message: format!("{code}: {message}"),
                    source: None,
                };
                let id = failure.request_entry().map(|entry| entry.id());
                match chunk.iter().find(|(_, entry)| Some(entry.id()) == id) {
                    Some((index, _)) => results[*index] = Err(failed(*index)),
                    // A failure that names no entry of the call could be any of them.
                    None => {
                        tracing::warn!(?id, code, message, "a Lake Formation batch failure names no entry");
                        for (index, _) in chunk {
                            results[*index] = Err(failed(*index));
                        }
                    }
                }
            }
        }
        let done = results.iter().filter(|r| r.is_ok()).count();
        tracing::info!(operation = kind.operation(), done, of = grants.len(), "Lake Formation batch");
        results
    }

    async fn send_batch(
        &self,
        kind: Batch,
        entries: Vec<BatchPermissionsRequestEntry>,
    ) -> Result<Vec<BatchPermissionsFailureEntry>, GrantError> {
        let count = entries.len();
        let op = || format!("Lake Formation {} of {count} entries", kind.operation());
        match kind {
            Batch::Grant => self
                .client
                .batch_grant_permissions()
                .set_entries(Some(entries))
                .send()
                .await
                .map(|out| out.failures.unwrap_or_default())
                .map_err(|e| GrantError::aws(op(), e)),
            Batch::Revoke => self
                .client
                .batch_revoke_permissions()
                .set_entries(Some(entries))
                .send()
                .await
                .map(|out| out.failures.unwrap_or_default())
                .map_err(|e| GrantError::aws(op(), e)),
        }
    }

    /// The grants there are, filtered by principal, by resource, or both, one per principal and
    /// resource with its permissions in a stable order, sorted; `grant_option` is set when the
    /// principal may grant all of them on. What the model cannot express is left out (see
    /// [`LfResource`] and [`LfPermission`]).
    ///
    /// Lake Formation refuses a principal without a resource, so that listing reads every grant
    /// of the catalog and keeps the principal's.
    pub async fn list(
        &self,
        principal: Option<&str>,
        resource: Option<&LfResource>,
    ) -> Result<Vec<Grant>, GrantError> {
        Ok(self
            .listed(principal, resource)
            .await?
            .into_iter()
            .filter(|(_, held)| !held.permissions.is_empty())
            .map(|((principal, resource), held)| Grant {
                grant_option: held.grant_option(),
                principal,
                resource,
                permissions: held.permissions.into_iter().collect(),
            })
            .collect())
    }

    async fn listed(
        &self,
        principal: Option<&str>,
        resource: Option<&LfResource>,
    ) -> Result<BTreeMap<(String, LfResource), Held>, GrantError> {
        let op = || {
            let on = resource.map_or_else(|| "every resource".to_owned(), ToString::to_string);
            format!("Lake Formation ListPermissions of {on} for {}", principal.unwrap_or("every principal"))
        };
        let whole_catalog = self.emulator && matches!(resource, Some(LfResource::DataCellsFilter { .. }));
        let sdk_resource: Option<Resource> = match resource {
            Some(_) if whole_catalog => None,
            Some(r) => Some(checked_resource(r, op)?),
            None => None,
        };
        let sdk_principal = principal.filter(|_| sdk_resource.is_some()).map(model::sdk_principal);
        let mut merged: BTreeMap<(String, LfResource), Held> = BTreeMap::new();
        let mut token = None;
        loop {
            let out = self
                .client
                .list_permissions()
                .set_principal(sdk_principal.clone())
                .set_resource(sdk_resource.clone())
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| GrantError::aws(op(), e))?;
            for entry in out.principal_resource_permissions() {
                let Some(who) = entry.principal().and_then(|p| p.data_lake_principal_identifier()) else {
                    continue;
                };
                let Some(on) = entry.resource().and_then(LfResource::from_sdk) else { continue };
                if principal.is_some_and(|p| p != who) || resource.is_some_and(|r| r != &on) {
                    continue;
                }
                let parse = |ps: &[aws_sdk_lakeformation::types::Permission]| -> Vec<LfPermission> {
                    ps.iter().filter_map(|p| LfPermission::parse(p.as_str())).collect()
                };
                let held = merged.entry((who.to_owned(), on)).or_default();
                held.permissions.extend(parse(entry.permissions()));
                held.grantable.extend(parse(entry.permissions_with_grant_option()));
            }
            token = out.next_token.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        Ok(merged)
    }

    /// Which of the `expected` grants are not (wholly) there: each one that lacks a permission,
    /// narrowed to the permissions it lacks, in the order given; one that wants the grant option
    /// and lacks it is missing whole. Empty means all are in place. A principal with `All` on the
    /// resource lacks no permission there. One listing per resource.
    pub async fn missing(&self, expected: &[Grant]) -> Result<Vec<Grant>, GrantError> {
        let resources: BTreeSet<&LfResource> = expected.iter().map(|g| &g.resource).collect();
        let mut present: BTreeMap<(String, LfResource), Held> = BTreeMap::new();
        for resource in resources {
            present.extend(self.listed(None, Some(resource)).await?);
        }
        Ok(expected
            .iter()
            .filter_map(|want| {
                let have = present.get(&(want.principal.clone(), want.resource.clone()));
                let wanted = want.permission_set();
                if want.grant_option && !have.is_some_and(|h| wanted.is_subset(&h.grantable)) {
                    return Some(want.clone());
                }
                if have.is_some_and(|h| h.permissions.contains(&LfPermission::All)) {
                    return None;
                }
                let lacking: Vec<LfPermission> =
                    wanted.into_iter().filter(|p| !have.is_some_and(|h| h.permissions.contains(p))).collect();
                (!lacking.is_empty()).then(|| Grant { permissions: lacking, ..want.clone() })
            })
            .collect())
    }
}

/// What a principal holds on a resource, and what of it it may grant on.
#[derive(Debug, Default)]
struct Held {
    permissions: BTreeSet<LfPermission>,
    grantable: BTreeSet<LfPermission>,
}

impl Held {
    fn grant_option(&self) -> bool {
        !self.grantable.is_empty() && self.permissions.is_subset(&self.grantable)
    }
}

/// The grant's resource for the SDK, or why it cannot be sent.
fn checked(grant: &Grant, op: impl Fn() -> String) -> Result<Resource, GrantError> {
    if let Some(message) = grant.problem() {
        return Err(GrantError::Invalid { op: op(), message });
    }
    checked_resource(&grant.resource, op)
}

fn checked_resource(resource: &LfResource, op: impl Fn() -> String) -> Result<Resource, GrantError> {
    if let Some(message) = resource.problem() {
        return Err(GrantError::Invalid { op: op(), message });
    }
    resource.to_sdk().map_err(|e| GrantError::Invalid { op: op(), message: e.to_string() })
}

fn batch_entry(index: usize, grant: &Grant) -> Result<BatchPermissionsRequestEntry, String> {
    if let Some(problem) = grant.problem() {
        return Err(problem);
    }
    BatchPermissionsRequestEntry::builder()
        .id(index.to_string())
        .principal(grant.sdk_principal())
        .resource(grant.resource.to_sdk().map_err(|e| e.to_string())?)
        .set_permissions(Some(grant.sdk_permissions()))
        .set_permissions_with_grant_option(grant.sdk_grantable())
        .build()
        .map_err(|e| e.to_string())
}

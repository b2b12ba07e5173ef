//! S3 and KMS checks and writes for datasets: that an imported bucket and key alias exist, and
//! the empty object that makes a folder (a prefix) show in S3 consoles.
//!
//! Build it from the pivot role's configuration ([`assume_pivot`](crate::link::assume_pivot)):
//! what the pivot role cannot see is reported as such, not as missing.

use aws_config::SdkConfig;
use aws_sdk_s3::{
    error::{ProvideErrorMetadata, SdkError},
    primitives::ByteStream,
};

use crate::aws_error::describe;

/// ListAliases pages of 100 read at most: the default quota is 5,000 aliases a region.
const MAX_ALIAS_PAGES: usize = 100;

/// ListBuckets pages read at most; an account holds 10,000 buckets by default, and the prefix
/// narrows the list to the bucket's own name.
const MAX_BUCKET_PAGES: usize = 10;

/// Where a bucket an import names is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketPlace {
    /// As HeadBucket answers it; None when S3 did not say.
    pub region: Option<String>,
    /// Whether the pivot role's account owns it.
    pub owned: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A call could not be made, or AWS refused it.
    #[error("{op} failed: {message}")]
    Aws {
        op: String,
        message: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The bucket exists (or may), but the pivot role may not read it: S3 answers 403 both for
    /// a bucket of another account and for one whose policy leaves the pivot role out.
    #[error(
        "the pivot role may not read bucket {bucket} (S3 answered 403 to {op}): check the bucket policy and \
         the pivot role's permissions"
    )]
    Forbidden {
        op: String,
        bucket: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A request Sluice refuses to make (an empty folder prefix), or an answer it cannot use.
    #[error("{op}: {message}")]
    Invalid { op: String, message: String },
}

impl StorageError {
    pub(crate) fn aws<E, R>(op: impl Into<String>, e: SdkError<E, R>) -> Self
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        Self::Aws { op: op.into(), message: describe(&e), source: Box::new(e) }
    }
}

#[derive(Debug, Clone)]
pub struct Storage {
    s3: aws_sdk_s3::Client,
    kms: aws_sdk_kms::Client,
}

impl Storage {
    pub fn new(config: &SdkConfig) -> Self {
        Self { s3: aws_sdk_s3::Client::new(config), kms: aws_sdk_kms::Client::new(config) }
    }

    /// Whether the bucket exists, by HeadBucket. A 403 is [`StorageError::Forbidden`], not
    /// `false`: the bucket may well exist.
    pub async fn bucket_exists(&self, bucket: &str) -> Result<bool, StorageError> {
        let e = match self.s3.head_bucket().bucket(bucket).send().await {
            Ok(_) => return Ok(true),
            Err(e) => e,
        };
        // HeadBucket's answers have no body, so the status is all there is.
        let status = e.raw_response().map(|r| r.status().as_u16());
        let op = format!("S3 HeadBucket of {bucket}");
        if e.as_service_error().is_some_and(|s| s.is_not_found()) || status == Some(404) {
            Ok(false)
        } else if status == Some(403) {
            Err(StorageError::Forbidden { op, bucket: bucket.to_owned(), source: Box::new(e) })
        } else {
            Err(StorageError::aws(op, e))
        }
    }

    /// Where a bucket is, checked from the pivot role's account: `Ok(None)` when no bucket has
    /// that name, else its region and whether this account owns it. Real S3 refuses a HeadBucket
    /// whose `ExpectedBucketOwner` is not the owner (a 403, reported as [`StorageError::Forbidden`]);
    /// emulators ignore it, so ownership is also read from ListBuckets, which lists only the
    /// account's own buckets.
    pub async fn bucket_place(
        &self,
        bucket: &str,
        account: &str,
    ) -> Result<Option<BucketPlace>, StorageError> {
        let region = match self.s3.head_bucket().bucket(bucket).expected_bucket_owner(account).send().await {
            Ok(found) => found.bucket_region().map(str::to_owned),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let op = format!("S3 HeadBucket of {bucket} for account {account}");
                if e.as_service_error().is_some_and(|s| s.is_not_found()) || status == Some(404) {
                    return Ok(None);
                }
                if status == Some(403) {
                    return Err(StorageError::Forbidden {
                        op,
                        bucket: bucket.to_owned(),
                        source: Box::new(e),
                    });
                }
                return Err(StorageError::aws(op, e));
            }
        };
        Ok(Some(BucketPlace { region, owned: self.owns_bucket(bucket).await? }))
    }

    async fn owns_bucket(&self, bucket: &str) -> Result<bool, StorageError> {
        let mut token = None;
        for _ in 0..MAX_BUCKET_PAGES {
            let out = self
                .s3
                .list_buckets()
                .prefix(bucket)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| StorageError::aws("S3 ListBuckets", e))?;
            if out.buckets().iter().any(|b| b.name() == Some(bucket)) {
                return Ok(true);
            }
            token = out.continuation_token;
            if token.is_none() {
                return Ok(false);
            }
        }
        Err(StorageError::Invalid {
            op: "S3 ListBuckets".into(),
            message: format!("more than {MAX_BUCKET_PAGES} pages"),
        })
    }

    /// Whether the key `alias` names carries `tag` = `value`: how an importer opens a key to the
    /// pivot role. A key the pivot role may not read the tags of is not opened (real KMS refuses
    /// it for exactly the keys without the tag). `None` when the alias is missing.
    pub async fn key_tagged(
        &self,
        alias: &str,
        tag: &str,
        value: &str,
    ) -> Result<Option<bool>, StorageError> {
        let Some(key) = Self::key_id_of_alias(&self.kms, alias).await? else { return Ok(None) };
        match self.kms.list_resource_tags().key_id(&key).send().await {
            Ok(out) => Ok(Some(out.tags().iter().any(|t| t.tag_key() == tag && t.tag_value() == value))),
            Err(e)
                if e.as_service_error()
                    .and_then(|s| s.code())
                    .is_some_and(|c| c.starts_with("AccessDenied")) =>
            {
                Ok(Some(false))
            }
            Err(e) => Err(StorageError::aws(format!("KMS ListResourceTags of {alias}"), e)),
        }
    }

    /// Whether the KMS alias exists and points at a key. `alias` may be given with or without
    /// `alias/`.
    ///
    /// By ListAliases rather than DescribeKey: listing needs only `kms:ListAliases`, while
    /// DescribeKey also needs the key's policy to let the pivot role in, which an imported key's
    /// may not (and moto answers DescribeKey of a key CloudFormation made with a 500).
    pub async fn kms_alias_exists(&self, alias: &str) -> Result<bool, StorageError> {
        Ok(Self::key_id_of_alias(&self.kms, alias).await?.is_some())
    }

    /// The id of the key an alias points at; None when the alias is missing or points nowhere.
    pub(crate) async fn key_id_of_alias(
        kms: &aws_sdk_kms::Client,
        alias: &str,
    ) -> Result<Option<String>, StorageError> {
        let name = if alias.starts_with("alias/") { alias.to_owned() } else { format!("alias/{alias}") };
        let mut marker = None;
        for _ in 0..MAX_ALIAS_PAGES {
            let out = kms
                .list_aliases()
                .set_marker(marker)
                .limit(100)
                .send()
                .await
                .map_err(|e| StorageError::aws(format!("KMS ListAliases looking for {name}"), e))?;
            if let Some(found) = out.aliases().iter().find(|a| a.alias_name() == Some(name.as_str())) {
                return Ok(found.target_key_id().map(str::to_owned));
            }
            marker = out.next_marker.filter(|_| out.truncated);
            if marker.is_none() {
                return Ok(None);
            }
        }
        Err(StorageError::Invalid {
            op: format!("KMS ListAliases looking for {name}"),
            message: format!("more than {MAX_ALIAS_PAGES} pages of aliases"),
        })
    }

    /// Puts the empty object `<prefix>/` (a trailing `/` given is not doubled), which S3
    /// consoles show as a folder. Repeating it is harmless (in a versioned bucket, it adds a
    /// version of an empty object). The bucket's default encryption applies. Returns the key.
    pub async fn create_prefix(&self, bucket: &str, prefix: &str) -> Result<String, StorageError> {
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return Err(StorageError::Invalid {
                op: format!("S3 PutObject of a folder in {bucket}"),
                message: "the folder prefix is empty".into(),
            });
        }
        let key = format!("{prefix}/");
        self.s3
            .put_object()
            .bucket(bucket)
            .key(&key)
            .body(ByteStream::from_static(b""))
            .send()
            .await
            .map_err(|e| StorageError::aws(format!("S3 PutObject of s3://{bucket}/{key}"), e))?;
        Ok(key)
    }
}

//! Answers kept between requests for the pages read most: a dataset with its tables, folders,
//! environment and stack, and pages of datasets. Each entry belongs to one read epoch (see
//! `sluice_core::read_epoch`), which triggers move on at every commit that touches the rows
//! behind these answers, from any process. A request reads the epoch once, before anything
//! else, and uses only entries of that epoch, so it never sees less than what had committed
//! when it began: a write is visible to the next request, as without the cache.
//!
//! An entry loaded at epoch N holds rows read after N was observed, so it is at least as new as
//! N; if a write commits meanwhile, the epoch has moved and the entry is never used again.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
};

use async_graphql::Context;
use axum::body::Bytes;
use sluice_core::{
    Actor,
    datasets::{DatasetFilter, DatasetFolder, DatasetView, tables::DatasetTable},
    environments::{EnvironmentCard, Stack},
    page::{Page, PageRequest},
    read_epoch::EpochReader,
};
use tokio::sync::OnceCell;

use crate::graphql::to_gql;

/// Entries of one kind for one epoch. A full map starts over rather than track use: the pages
/// worth keeping are few, and a new epoch empties it anyway.
pub struct EpochMap<K, V> {
    /// In entries, or in bytes for a map that weighs its entries.
    capacity: usize,
    slot: Mutex<Slot<K, V>>,
}

struct Slot<K, V> {
    epoch: i64,
    entries: HashMap<K, V>,
    weight: usize,
}

impl<K: Hash + Eq, V: Clone> EpochMap<K, V> {
    fn new(capacity: usize) -> Self {
        Self { capacity, slot: Mutex::new(Slot { epoch: 0, entries: HashMap::new(), weight: 0 }) }
    }

    pub fn get(&self, epoch: i64, key: &K) -> Option<V> {
        let slot = self.lock();
        (slot.epoch == epoch).then(|| slot.entries.get(key).cloned()).flatten()
    }

    /// Keeps `value` as read at `epoch`; entries of any other epoch are dropped first. A
    /// request that began before the latest one only drops the newer entries, which the next
    /// request loads again: never wrong, and rare.
    pub fn put(&self, epoch: i64, key: K, value: V) {
        self.put_weighed(epoch, key, value, 1);
    }

    /// As `put`, for a map whose capacity counts `weight` units (bytes) rather than entries.
    /// An entry heavier than the whole capacity is not kept.
    pub fn put_weighed(&self, epoch: i64, key: K, value: V, weight: usize) {
        if weight > self.capacity {
            return;
        }
        let mut slot = self.lock();
        if slot.epoch != epoch {
            slot.epoch = epoch;
            slot.entries.clear();
            slot.weight = 0;
        }
        if slot.weight + weight > self.capacity {
            slot.entries.clear();
            slot.weight = 0;
        }
        // A key kept twice (two requests missed at once) counts twice until the next clear:
        // harmless, it only clears a little early.
        slot.weight += weight;
        slot.entries.insert(key, value);
    }

    fn lock(&self) -> MutexGuard<'_, Slot<K, V>> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The user and their groups: what a permission-filtered answer depends on.
pub type Viewer = Arc<str>;

type ItemPageKey = (String, Option<String>, PageRequest);

/// Every kind of cached answer, shared by all requests of the process.
pub struct ReadCache {
    enabled: bool,
    epochs: EpochReader,
    /// Datasets as one viewer sees them; `None` caches "not visible".
    pub datasets: EpochMap<(Viewer, String), Option<DatasetView>>,
    pub cards: EpochMap<String, EnvironmentCard>,
    /// Stacks are shown to teams with GET_DATASET only, so the viewer is part of the key;
    /// `None` caches "not shown".
    pub stacks: EpochMap<(Viewer, String), Option<Stack>>,
    pub tables: EpochMap<ItemPageKey, Page<DatasetTable>>,
    pub folders: EpochMap<ItemPageKey, Page<DatasetFolder>>,
    pub dataset_pages: EpochMap<(Viewer, DatasetFilter, PageRequest), Page<DatasetView>>,
    /// Whole JSON answers to covered documents (see `covered`), weighed in bytes.
    pub answers: EpochMap<AnswerKey, Bytes>,
    answers_served: AtomicU64,
}

impl ReadCache {
    /// At most `entries` answers of each kind; 0 turns the cache off (no epoch is read).
    pub fn new(entries: usize, epochs: EpochReader) -> Self {
        Self {
            enabled: entries > 0,
            epochs,
            datasets: EpochMap::new(entries),
            cards: EpochMap::new(entries),
            stacks: EpochMap::new(entries),
            tables: EpochMap::new(entries),
            folders: EpochMap::new(entries),
            dataset_pages: EpochMap::new(entries),
            answers: EpochMap::new(entries.saturating_mul(ANSWER_BYTES_PER_ENTRY)),
            answers_served: AtomicU64::new(0),
        }
    }

    /// Requests answered whole from `answers` so far.
    pub fn answers_served(&self) -> u64 {
        self.answers_served.load(Ordering::Relaxed)
    }
}

/// The answers' share of the cache, in bytes per `SLUICE_READ_CACHE_ENTRIES`: 16 MiB at the
/// default, room for hundreds of dataset pages.
const ANSWER_BYTES_PER_ENTRY: usize = 16 * 1024;

/// What a whole answer depends on besides the epoch: who asks, and the request itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    viewer: Viewer,
    query: String,
    operation: Option<String>,
    /// The variables as JSON: their map is ordered, so equal variables write equal text.
    variables: String,
}

impl AnswerKey {
    fn weight(&self) -> usize {
        self.viewer.len() + self.query.len() + self.variables.len()
    }
}

/// `SLUICE_READ_CACHE_ENTRIES`' default.
pub const DEFAULT_ENTRIES: usize = 1000;

/// One request's view of the cache: the epoch it read, read at most once.
pub struct RequestReads {
    cache: Arc<ReadCache>,
    viewer: Viewer,
    /// Off for mutations: a later field of the request may write after an earlier one fixed
    /// the epoch, and must then see its own write.
    enabled: bool,
    epoch: OnceCell<i64>,
}

impl RequestReads {
    pub fn new(cache: Arc<ReadCache>, actor: &Actor, read_only: bool) -> Arc<Self> {
        // The issuer is part of who the viewer is: two issuers may each have an "alice".
        let viewer =
            format!("{}\u{0}{}\u{0}{}", actor.issuer(), actor.username(), actor.groups().join("\u{0}"))
                .into();
        let enabled = read_only && cache.enabled;
        Arc::new(Self { cache, viewer, enabled, epoch: OnceCell::new() })
    }

    /// The actor's issuer, name and groups, as part of a key.
    pub fn viewer(&self) -> Viewer {
        self.viewer.clone()
    }

    /// The key under which `request`'s whole answer is kept; `None` when this request may not
    /// use the cache. The caller has checked that its document is covered.
    pub fn answer_key(&self, request: &async_graphql::Request) -> Option<AnswerKey> {
        if !self.enabled {
            return None;
        }
        Some(AnswerKey {
            viewer: self.viewer.clone(),
            query: request.query.clone(),
            operation: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables).ok()?,
        })
    }

    /// The answer kept for `key` at this request's epoch. An epoch that cannot be read is left
    /// for the resolvers, which meet the same failure and report it.
    pub async fn kept_answer(&self, key: &AnswerKey) -> Option<Bytes> {
        let epoch = self.epoch().await.ok()??;
        let body = self.cache.answers.get(epoch, key)?;
        self.cache.answers_served.fetch_add(1, Ordering::Relaxed);
        Some(body)
    }

    /// Keeps `body` as the answer for `key` at this request's epoch.
    pub async fn keep_answer(&self, key: AnswerKey, body: Bytes) {
        if let Ok(Some(epoch)) = self.epoch().await {
            let weight = key.weight() + body.len();
            self.cache.answers.put_weighed(epoch, key, body, weight);
        }
    }

    /// The epoch this request reads at; `None` when the cache is off.
    pub async fn epoch(&self) -> async_graphql::Result<Option<i64>> {
        if !self.enabled {
            return Ok(None);
        }
        let epoch = self.epoch.get_or_try_init(|| self.cache.epochs.current()).await.map_err(to_gql)?;
        Ok(Some(*epoch))
    }

    /// A batch of `keys`: the cached ones, and `load`'s answer for the rest. Keys `load` leaves
    /// out are kept as absent when `V` is an `Option`, else asked again next time.
    pub async fn through_many<K, V, Fut>(
        &self,
        pick: fn(&ReadCache) -> &EpochMap<K, V>,
        keys: &[String],
        key_of: impl Fn(&str) -> K,
        load: impl FnOnce(Vec<String>) -> Fut,
    ) -> async_graphql::Result<HashMap<String, V>>
    where
        K: Hash + Eq,
        V: Clone + Absent,
        Fut: Future<Output = async_graphql::Result<HashMap<String, V>>>,
    {
        let Some(epoch) = self.epoch().await? else { return load(keys.to_vec()).await };
        let map = pick(&self.cache);
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing = Vec::new();
        for key in keys {
            match map.get(epoch, &key_of(key)) {
                Some(hit) => {
                    found.insert(key.clone(), hit);
                }
                None => missing.push(key.clone()),
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let loaded = load(missing.clone()).await?;
        for key in missing {
            match loaded.get(&key) {
                Some(value) => map.put(epoch, key_of(&key), value.clone()),
                None => {
                    if let Some(absent) = V::absent() {
                        map.put(epoch, key_of(&key), absent);
                    }
                }
            }
        }
        found.extend(loaded);
        Ok(found)
    }
}

/// How a batch caches a key its load did not answer.
pub trait Absent: Sized {
    fn absent() -> Option<Self>;
}

impl<T> Absent for Option<T> {
    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl Absent for EnvironmentCard {
    fn absent() -> Option<Self> {
        None
    }
}

/// The cached answer for `key`, or `load`'s, kept for later requests of the same epoch.
/// Requests served without a cache view (anonymous ones, schema-level tests) load every time.
pub async fn cached<K, V, Fut>(
    ctx: &Context<'_>,
    pick: fn(&ReadCache) -> &EpochMap<K, V>,
    key: impl FnOnce(&RequestReads) -> K,
    load: impl FnOnce() -> Fut,
) -> async_graphql::Result<V>
where
    K: Hash + Eq,
    V: Clone,
    Fut: Future<Output = async_graphql::Result<V>>,
{
    let Some(reads) = ctx.data_opt::<Arc<RequestReads>>() else { return load().await };
    let Some(epoch) = reads.epoch().await? else { return load().await };
    let key = key(reads);
    let map = pick(&reads.cache);
    if let Some(hit) = map.get(epoch, &key) {
        return Ok(hit);
    }
    let value = load().await?;
    map.put(epoch, key, value.clone());
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_used_only_at_the_epoch_it_was_read() {
        let map = EpochMap::new(10);
        map.put(5, "a", 1);
        assert_eq!(map.get(5, &"a"), Some(1));
        assert_eq!(map.get(6, &"a"), None, "a later epoch never sees it");
        assert_eq!(map.get(4, &"a"), None, "nor does an earlier one");
        map.put(6, "b", 2);
        assert_eq!(map.get(6, &"a"), None, "a new epoch drops the old entries");
        assert_eq!(map.get(6, &"b"), Some(2));
    }

    #[test]
    fn a_full_map_starts_over_and_a_zero_capacity_keeps_nothing() {
        let map = EpochMap::new(2);
        map.put(1, 1, "one");
        map.put(1, 2, "two");
        map.put(1, 3, "three");
        assert_eq!((map.get(1, &1), map.get(1, &3)), (None, Some("three")));
        let off = EpochMap::new(0);
        off.put(1, 1, "one");
        assert_eq!(off.get(1, &1), None);
    }
}

//! Request-scoped batching of keyed loads, without a timer.
//!
//! async-graphql resolves sibling fields and list items as futures of one task, polled in one
//! pass. So the first caller of a batch only has to let that pass finish (one `yield_now`)
//! for every sibling to have named its key; then one query answers them all. async-graphql's
//! own `DataLoader` waits on a timer instead, and without a Tokio timer it runs that timer on a
//! helper thread: two thread hops and a spawned task per batch (the helper thread alone was 5%
//! of the server's CPU samples under load), and a wait every answer paid.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex, MutexGuard},
};

use futures::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use tokio::sync::oneshot;

/// One query for many keys. Keys it doesn't answer are absent from the map.
pub trait BatchLoad: Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;

    fn load(
        &self,
        keys: &[String],
    ) -> impl Future<Output = async_graphql::Result<HashMap<String, Self::Value>>> + Send;
}

type Answers<V> = async_graphql::Result<Arc<HashMap<String, V>>>;
type Batch<V> = Shared<BoxFuture<'static, Answers<V>>>;

pub struct Batcher<L: BatchLoad> {
    inner: Arc<Inner<L>>,
}

struct Inner<L: BatchLoad> {
    loader: L,
    open: Mutex<Open<L::Value>>,
}

/// The batch still taking keys, if any.
struct Open<V> {
    keys: Vec<String>,
    batch: Option<Batch<V>>,
}

impl<L: BatchLoad> Batcher<L> {
    pub fn new(loader: L) -> Self {
        Batcher {
            inner: Arc::new(Inner { loader, open: Mutex::new(Open { keys: Vec::new(), batch: None }) }),
        }
    }

    pub async fn load_one(&self, key: &str) -> async_graphql::Result<Option<L::Value>> {
        let (batch, close) = {
            let mut open = self.inner.lock();
            if !open.keys.iter().any(|k| k == key) {
                open.keys.push(key.to_owned());
            }
            match &open.batch {
                Some(batch) => (batch.clone(), None),
                None => {
                    let (close, closed) = oneshot::channel();
                    let batch = run(self.inner.clone(), closed).boxed().shared();
                    open.batch = Some(batch.clone());
                    (batch, Some(close))
                }
            }
        };
        // The opener closes the batch once the siblings polled alongside it have joined. If the
        // opener is dropped first, its sender goes with it and the batch closes itself, so no
        // other caller waits on a batch nobody will close.
        if let Some(close) = close {
            tokio::task::yield_now().await;
            let _ = close.send(());
        }
        Ok(batch.await?.get(key).cloned())
    }
}

impl<L: BatchLoad> Inner<L> {
    fn lock(&self) -> MutexGuard<'_, Open<L::Value>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn run<L: BatchLoad>(inner: Arc<Inner<L>>, closed: oneshot::Receiver<()>) -> Answers<L::Value> {
    let _ = closed.await;
    let keys = {
        let mut open = inner.lock();
        open.batch = None;
        std::mem::take(&mut open.keys)
    };
    inner.loader.load(&keys).await.map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Squares {
        batches: Mutex<Vec<Vec<String>>>,
        fail: bool,
    }

    impl BatchLoad for Arc<Squares> {
        type Value = u64;

        async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, u64>> {
            self.batches.lock().expect("batches lock").push(keys.to_vec());
            if self.fail {
                return Err("the database is down".into());
            }
            Ok(keys.iter().filter_map(|k| Some((k.clone(), k.parse::<u64>().ok()?.pow(2)))).collect())
        }
    }

    #[tokio::test]
    async fn siblings_polled_together_share_one_batch() {
        let squares = Arc::new(Squares::default());
        let batcher = Batcher::new(squares.clone());
        let keys = ["2", "3", "2", "x", "4"];
        let found = futures::future::join_all(keys.iter().map(|k| batcher.load_one(k))).await;
        let found: Vec<_> = found.into_iter().map(|r| r.expect("answer")).collect();
        assert_eq!(found, vec![Some(4), Some(9), Some(4), None, Some(16)]);
        assert_eq!(*squares.batches.lock().expect("batches lock"), vec![vec!["2", "3", "x", "4"]]);
    }

    #[tokio::test]
    async fn a_later_key_opens_a_new_batch() {
        let squares = Arc::new(Squares::default());
        let batcher = Batcher::new(squares.clone());
        assert_eq!(batcher.load_one("5").await.expect("answer"), Some(25));
        assert_eq!(batcher.load_one("6").await.expect("answer"), Some(36));
        assert_eq!(*squares.batches.lock().expect("batches lock"), vec![vec!["5"], vec!["6"]]);
    }

    #[tokio::test]
    async fn every_caller_of_a_failed_batch_gets_its_error() {
        let squares = Arc::new(Squares { fail: true, ..Default::default() });
        let batcher = Batcher::new(squares.clone());
        let found = futures::future::join_all(["1", "2"].map(|k| batcher.load_one(k))).await;
        for answer in found {
            assert_eq!(answer.expect_err("the batch failed").message, "the database is down");
        }
        assert_eq!(squares.batches.lock().expect("batches lock").len(), 1);
    }

    #[tokio::test]
    async fn callers_still_get_answers_when_the_opener_is_dropped() {
        let squares = Arc::new(Squares::default());
        let batcher = Batcher::new(squares.clone());
        let mut opener = Box::pin(batcher.load_one("7"));
        // One poll opens the batch and parks the opener in its yield; then it is dropped.
        let waker = futures::task::noop_waker();
        let _ = opener.as_mut().poll(&mut std::task::Context::from_waker(&waker));
        let follower = batcher.load_one("8");
        drop(opener);
        assert_eq!(follower.await.expect("answer"), Some(64));
        assert_eq!(*squares.batches.lock().expect("batches lock"), vec![vec!["7", "8"]]);
    }
}

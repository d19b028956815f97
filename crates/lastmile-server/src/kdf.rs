//! The server's one key-derivation service. argon2id is slow and memory-hard on purpose
//! (about 19 MiB and 50 ms per derivation here), so every derivation the server runs goes
//! through a [`Kdf`]: on the blocking pool, at most one request per core at a time, each in
//! one of as many working buffers allocated once and reused (so memory stays flat whatever
//! arrives: about 19 MiB per core), and with a bounded queue: when it is full, the request
//! is refused at once with [`ServerError::Busy`] (503 with `Retry-After`) instead of
//! waiting without limit.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::ServerError;
use crate::recovery::{self, Memory};

/// Requests admitted (running or waiting) per core.
const ADMITTED_PER_CORE: usize = 4;

/// Bounded argon2id work (see the module documentation). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Kdf {
    /// One permit per request allowed to run at once.
    running: Arc<Semaphore>,
    /// One permit per request admitted (running or waiting).
    admitted: Arc<Semaphore>,
    /// The working buffers not in use (at most one per running request); dropped when no
    /// request is admitted, so an idle server gives the memory back.
    memory: Arc<Mutex<Vec<Memory>>>,
    /// Requests admitted and not finished.
    in_flight: Arc<AtomicUsize>,
    /// argon2id derivations run so far.
    derivations: Arc<AtomicU64>,
    parallel: usize,
    admitted_total: usize,
}

impl Kdf {
    /// `parallel` derivations at once, and at most `admitted` requests running or waiting.
    pub fn new(parallel: usize, admitted: usize) -> Kdf {
        let parallel = parallel.max(1);
        let admitted = admitted.max(parallel);
        Kdf {
            running: Arc::new(Semaphore::new(parallel)),
            admitted: Arc::new(Semaphore::new(admitted)),
            memory: Arc::new(Mutex::new(Vec::new())),
            in_flight: Arc::new(AtomicUsize::new(0)),
            derivations: Arc::new(AtomicU64::new(0)),
            parallel,
            admitted_total: admitted,
        }
    }

    /// One request per core, and up to 4 requests per core admitted: a request (ten
    /// derivations, about half a second) waits at most about two seconds, and a flood is
    /// refused rather than queued.
    pub fn for_this_machine() -> Kdf {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Kdf::new(cores, cores * ADMITTED_PER_CORE)
    }

    /// How many argon2id derivations have run (for tests that check that refusals cost the
    /// same work, and for metrics).
    pub fn derivations(&self) -> u64 {
        self.derivations.load(Ordering::Relaxed)
    }

    /// A place in the queue, or [`ServerError::Busy`] at once when it is full. Take it
    /// before the request's other effects (such as counting an attempt), so that a request
    /// refused for being busy has changed nothing.
    pub fn admit(&self) -> Result<Admission, ServerError> {
        let Ok(permit) = self.admitted.clone().try_acquire_owned() else {
            let total = self.admitted_total;
            let retry_after_s = 1 + (total / self.parallel) as u64 / 2;
            tracing::warn!("key derivation queue full; request refused with 503");
            return Err(ServerError::Busy { what: "key derivation", retry_after_s });
        };
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Ok(Admission { kdf: self.clone(), _permit: permit })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        self.admit()?.run(work).await
    }

    /// argon2id hashes (PHC strings) of `codes`, each with its own salt.
    pub async fn hash_all(&self, codes: Vec<String>) -> Result<Vec<String>, ServerError> {
        self.run(move |memory| codes.iter().map(|c| recovery::hash(c, memory)).collect()).await
    }

    /// Whether `code` matches any of `hashes`.
    pub async fn any_matches(&self, code: String, hashes: Vec<String>) -> Result<bool, ServerError> {
        self.run(move |memory| recovery::any_matches(&code, &hashes, memory)).await
    }
}

/// A request's place in the [`Kdf`]'s queue (see [`Kdf::admit`]).
#[derive(Debug)]
pub struct Admission {
    kdf: Kdf,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Admission {
    /// Which of `hashes` matches `code`, with constant work whatever the answer (see
    /// [`recovery::find_match`]).
    pub async fn find_match(self, code: String, hashes: Vec<String>) -> Result<Option<usize>, ServerError> {
        self.run(move |memory| recovery::find_match(&code, &hashes, memory)).await
    }

    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut Memory) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let kdf = &self.kdf;
        let _running = kdf.running.acquire().await.map_err(|_| ServerError::Stopped("key derivation"))?;
        let pool = kdf.memory.clone();
        let mut memory = pool.lock().map_err(|_| ServerError::Stopped("key derivation"))?.pop().unwrap_or_default();
        let counter = kdf.derivations.clone();
        let (result, memory) = tokio::task::spawn_blocking(move || {
            let before = memory.derivations();
            let result = work(&mut memory);
            counter.fetch_add(memory.derivations() - before, Ordering::Relaxed);
            (result, memory)
        })
        .await
        .map_err(|e| ServerError::Internal(format!("key derivation task failed: {e}")))?;
        if let Ok(mut free) = pool.lock() {
            free.push(memory);
        }
        result
    }
}

impl Drop for Admission {
    /// The last request out releases the working buffers.
    fn drop(&mut self) {
        if self.kdf.in_flight.fetch_sub(1, Ordering::SeqCst) == 1
            && let Ok(mut free) = self.kdf.memory.lock()
        {
            free.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kdf;
    use crate::ServerError;

    /// Buffers are reused while requests keep coming (at most one per running request) and
    /// given back when none is left.
    #[tokio::test]
    async fn working_memory_is_reused_and_released_when_idle() {
        let kdf = Kdf::new(2, 8);
        let calls: Vec<_> = (0..6)
            .map(|_| {
                let kdf = kdf.clone();
                tokio::spawn(async move { kdf.admit()?.find_match("ABCDEFGHJKMNPQRS".into(), vec![]).await })
            })
            .collect();
        for c in calls {
            assert_eq!(c.await.expect("join").expect("kdf"), None);
        }
        assert!(kdf.derivations() >= 60, "ten derivations per request: {}", kdf.derivations());
        assert!(kdf.memory.lock().expect("lock").is_empty(), "idle: buffers released");
    }

    /// With one derivation running and the queue full, the next request is refused at once
    /// (not queued) with a time to retry; once the queue drains, work is admitted again.
    #[tokio::test]
    async fn a_full_queue_refuses_instead_of_waiting() {
        let kdf = Kdf::new(1, 2);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let blocker = {
            let kdf = kdf.clone();
            tokio::spawn(async move {
                kdf.run(move |_| {
                    let _ = wait.recv();
                    Ok(())
                })
                .await
            })
        };
        let queued = {
            let kdf = kdf.clone();
            tokio::spawn(async move { kdf.any_matches("A".into(), vec![]).await })
        };
        while kdf.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        match kdf.any_matches("A".into(), vec![]).await {
            Err(ServerError::Busy { retry_after_s, .. }) => assert!(retry_after_s >= 1),
            other => panic!("expected Busy, got {other:?}"),
        }
        release.send(()).expect("release");
        blocker.await.expect("join").expect("blocker");
        assert!(!queued.await.expect("join").expect("queued"));
        assert!(!kdf.any_matches("A".into(), vec![]).await.expect("admitted again"));
    }
}

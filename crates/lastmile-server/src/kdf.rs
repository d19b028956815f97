//! The server's one key-derivation service. argon2id is slow and memory-hard on purpose
//! (about 19 MiB and 50 ms per derivation here), so every derivation the server runs goes
//! through a [`Kdf`]: on the blocking pool, at most one per core at a time (so memory stays
//! bounded whatever arrives), and with a bounded queue: when it is full, the request is
//! refused at once with [`ServerError::Busy`] (503 with `Retry-After`) instead of waiting
//! without limit.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::{ServerError, recovery};

/// Bounded argon2id work (see the module documentation). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Kdf {
    /// One permit per derivation allowed to run at once.
    running: Arc<Semaphore>,
    /// One permit per request admitted (running or waiting).
    admitted: Arc<Semaphore>,
    parallel: usize,
}

impl Kdf {
    /// `parallel` derivations at once, and at most `admitted` requests running or waiting.
    pub fn new(parallel: usize, admitted: usize) -> Kdf {
        let parallel = parallel.max(1);
        Kdf {
            running: Arc::new(Semaphore::new(parallel)),
            admitted: Arc::new(Semaphore::new(admitted.max(parallel))),
            parallel,
        }
    }

    /// One derivation per core, and up to 16 requests per core admitted (a queue of about
    /// eight seconds of sign-ins, each ten derivations).
    pub fn for_this_machine() -> Kdf {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Kdf::new(cores, cores * 16)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let Ok(_admitted) = self.admitted.clone().try_acquire_owned() else {
            let waiting = self.admitted.available_permits().max(1);
            let retry_after_s = 1 + (waiting / self.parallel) as u64;
            tracing::warn!("key derivation queue full; request refused with 503");
            return Err(ServerError::Busy { what: "key derivation", retry_after_s });
        };
        let _running = self.running.acquire().await.map_err(|_| ServerError::Stopped("key derivation"))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ServerError::Internal(format!("key derivation task failed: {e}")))?
    }

    /// argon2id hashes (PHC strings) of `codes`, each with its own salt.
    pub async fn hash_all(&self, codes: Vec<String>) -> Result<Vec<String>, ServerError> {
        self.run(move || codes.iter().map(|c| recovery::hash(c)).collect()).await
    }

    /// Whether `code` matches any of `hashes`.
    pub async fn any_matches(&self, code: String, hashes: Vec<String>) -> Result<bool, ServerError> {
        self.run(move || recovery::any_matches(&code, &hashes)).await
    }

    /// Which of `hashes` matches `code`, with constant work whatever the answer (see
    /// [`recovery::find_match`]).
    pub async fn find_match(&self, code: String, hashes: Vec<String>) -> Result<Option<usize>, ServerError> {
        self.run(move || recovery::find_match(&code, &hashes)).await
    }
}

#[cfg(test)]
mod tests {
    use super::Kdf;
    use crate::ServerError;

    /// With one derivation running and the queue full, the next request is refused at once
    /// (not queued) with a time to retry; once the queue drains, work is admitted again.
    #[tokio::test]
    async fn a_full_queue_refuses_instead_of_waiting() {
        let kdf = Kdf::new(1, 2);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let blocker = {
            let kdf = kdf.clone();
            tokio::spawn(async move {
                kdf.run(move || {
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

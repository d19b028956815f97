//! Coalescing concurrent requests into batches (group commit).
//!
//! The hot path (posture reports from every device, every few hours, in bursts after a
//! policy push or at 9 a.m.) does a few small statements per request. Each statement costs
//! a round trip to the database (on SQLite, a hand-off to the connection's worker thread and
//! back), which dominated the cost of a report. A [`Batcher`] queues calls from concurrent
//! requests and runs them as one batch: a lookup of 30 devices is one `IN (...)` query, 30
//! reports are one transaction of two multi-row statements.
//!
//! Nothing waits for a batch to fill: a batch is whatever queued while the previous one ran,
//! so a lone request goes straight through and latency grows only under load. The queue
//! lives in this process only and holds nothing once answered: replicas share no state.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::AnyPool;
use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::ServerError;
use crate::db::Held;
use crate::store::writes::{AuditedWrite, Written};
use crate::store::{self, Device, NewReport, ReportOutcome};

type Job<I, O> = (I, oneshot::Sender<Result<O, ServerError>>);

/// A queue in front of a batch operation. Cloning shares the queue.
pub struct Batcher<I, O> {
    tx: mpsc::Sender<Job<I, O>>,
    name: &'static str,
    counts: Arc<Counts>,
}

/// How many batches ran, how many calls they held, and how long they took in all.
#[derive(Debug, Default)]
struct Counts {
    batches: AtomicU64,
    calls: AtomicU64,
    busy_us: AtomicU64,
    /// Calls sent and not yet taken into a batch.
    waiting: AtomicU64,
}

impl<I, O> Clone for Batcher<I, O> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone(), name: self.name, counts: self.counts.clone() }
    }
}

impl<I, O> std::fmt::Debug for Batcher<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<I: Clone + Send + Sync + 'static, O: Send + 'static> Batcher<I, O> {
    /// Starts the queue on the current Tokio runtime. `work` gets at most `max` inputs and
    /// returns one output per input, in order; at most `in_flight` batches run at once.
    ///
    /// When a batch fails, each of its calls is tried again alone, so that one bad input
    /// (or a conflict between two) fails only its own call, not its neighbours'. The queue
    /// stops when the last clone is dropped.
    pub fn spawn<F, Fut>(name: &'static str, max: usize, in_flight: usize, work: F) -> Self
    where
        F: Fn(Arc<[I]>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<O>, ServerError>> + Send + 'static,
    {
        let (tx, mut rx) = mpsc::channel::<Job<I, O>>(max.max(1) * 4);
        let work = Arc::new(work);
        let slots = Arc::new(Semaphore::new(in_flight.max(1)));
        let counts = Arc::new(Counts::default());
        let counted = counts.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                // Taken after a slot is free: what queued meanwhile joins this batch.
                let mut jobs = vec![first];
                while jobs.len() < max {
                    match rx.try_recv() {
                        Ok(job) => jobs.push(job),
                        Err(_) => break,
                    }
                }
                counted.batches.fetch_add(1, Ordering::Relaxed);
                counted.calls.fetch_add(jobs.len() as u64, Ordering::Relaxed);
                counted.waiting.fetch_sub(jobs.len() as u64, Ordering::Relaxed);
                let work = work.clone();
                let counted = counted.clone();
                tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let (inputs, replies): (Vec<I>, Vec<_>) = jobs.into_iter().unzip();
                    let inputs: Arc<[I]> = inputs.into();
                    match run(&*work, name, inputs.clone()).await {
                        Ok(outputs) => {
                            for (reply, output) in replies.into_iter().zip(outputs) {
                                let _ = reply.send(Ok(output));
                            }
                        }
                        Err(e) if replies.len() == 1 => {
                            if let Some(reply) = replies.into_iter().next() {
                                let _ = reply.send(Err(e));
                            }
                        }
                        Err(e) => {
                            tracing::warn!(queue = name, error = %e, calls = replies.len(), "a batch failed; its calls are tried one by one");
                            for (input, reply) in inputs.iter().zip(replies) {
                                let alone = run(&*work, name, Arc::from([input.clone()])).await;
                                let _ = reply.send(alone.and_then(|mut o| {
                                    o.pop().ok_or_else(|| ServerError::Corrupt(format!("{name}: no answer")))
                                }));
                            }
                        }
                    }
                    let busy = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                    counted.busy_us.fetch_add(busy, Ordering::Relaxed);
                    drop(slot);
                });
            }
        });
        Self { tx, name, counts }
    }

    /// Batches run so far, and the calls they held.
    pub fn counts(&self) -> (u64, u64) {
        (self.counts.batches.load(Ordering::Relaxed), self.counts.calls.load(Ordering::Relaxed))
    }

    /// Calls queued and not yet taken into a batch.
    pub fn waiting(&self) -> u64 {
        self.counts.waiting.load(Ordering::Relaxed)
    }

    /// The time batches took so far, in all (wall clock, from start to answers sent).
    pub fn busy(&self) -> std::time::Duration {
        std::time::Duration::from_micros(self.counts.busy_us.load(Ordering::Relaxed))
    }

    /// Queues one input and waits for its output.
    pub async fn call(&self, input: I) -> Result<O, ServerError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || ServerError::Stopped(self.name);
        self.counts.waiting.fetch_add(1, Ordering::Relaxed);
        if self.tx.send((input, reply)).await.is_err() {
            self.counts.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(stopped());
        }
        answer.await.map_err(|_| stopped())?
    }
}

/// The queues of the report path.
#[derive(Debug, Clone)]
pub struct Queues {
    /// Device token hashes to devices (every device request is authenticated this way).
    pub devices: Batcher<String, Option<Device>>,
    /// Reports to store, with their answers read in the same transaction: one write at a
    /// time, as SQLite allows anyway.
    pub reports: Batcher<NewReport, ReportOutcome>,
    /// Writes that record audit events: accepted TOTP codes, confirmed recovery codes,
    /// security-key assertions, refusals (see [`store::writes`]).
    pub writes: Batcher<AuditedWrite, Written>,
}

/// The most calls in one batch (the widest statement binds 9 values per call).
pub const MAX_BATCH: usize = 64;

impl Queues {
    /// Starts the queues on the current Tokio runtime, each running one batch at a time:
    /// SQLite has one writer anyway, and on PostgreSQL too a batch in flight makes the next
    /// one bigger. (Measured on PostgreSQL with 2 and 4 write batches at once: smaller
    /// batches and fewer reports per second, 1,791/s and 1,587/s against 2,014/s.)
    ///
    /// Each queue runs its batches on a connection of its own ([`Held`]; on SQLite the writes
    /// go on the database's writer, which is held the same way).
    pub fn start(pool: &AnyPool) -> Self {
        let (p, held) = (pool.clone(), Held::default());
        let devices = Batcher::spawn("device lookup", MAX_BATCH, 1, move |hashes: Arc<[String]>| {
            let (pool, held) = (p.clone(), held.clone());
            async move {
                let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
                let mut conn = held.take(&pool).await?;
                let devices = store::devices_by_token_hashes(&mut *conn, &hashes).await?;
                conn.keep();
                Ok(devices)
            }
        });
        let (p, held) = (pool.clone(), Held::default());
        let reports = Batcher::spawn("report writer", MAX_BATCH, 1, move |reports: Arc<[NewReport]>| {
            let (pool, held) = (p.clone(), held.clone());
            async move { store::insert_reports(&pool, Some(&held), &reports).await }
        });
        let (p, held) = (pool.clone(), Held::default());
        let writes = Batcher::spawn("audited writes", MAX_BATCH, 1, move |writes: Arc<[AuditedWrite]>| {
            let (pool, held) = (p.clone(), held.clone());
            async move { store::writes::run(&pool, Some(&held), &writes).await }
        });
        Self { devices, reports, writes }
    }
}

/// One batch: its outputs, one per input.
async fn run<I, O, F, Fut>(work: &F, name: &str, inputs: Arc<[I]>) -> Result<Vec<O>, ServerError>
where
    F: Fn(Arc<[I]>) -> Fut,
    Fut: Future<Output = Result<Vec<O>, ServerError>>,
{
    let n = inputs.len();
    let outputs = work(inputs).await?;
    if outputs.len() == n {
        Ok(outputs)
    } else {
        Err(ServerError::Corrupt(format!("{name}: {} answers for {n} calls", outputs.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gate the batches wait at until the test opens it, and a way to wait until `n` calls
    /// are queued behind the first batch: the test knows, rather than hopes after a sleep,
    /// that calls queued together.
    struct Gate(Arc<tokio::sync::Semaphore>);

    impl Gate {
        fn closed() -> Gate {
            Gate(Arc::new(tokio::sync::Semaphore::new(0)))
        }
        async fn pass(gate: &tokio::sync::Semaphore) {
            drop(gate.acquire().await.expect("gate"));
        }
        fn open(&self) {
            self.0.add_permits(Semaphore::MAX_PERMITS / 2);
        }
    }

    async fn until(what: &str, ready: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !ready() {
            assert!(std::time::Instant::now() < deadline, "{what} within 10 s");
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_calls_share_batches_and_each_gets_its_own_answer() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (seen, gate) = (sizes.clone(), Gate::closed());
        let g = gate.0.clone();
        let doubler = Batcher::spawn("doubler", 8, 1, move |xs: Arc<[u32]>| {
            let (seen, g) = (seen.clone(), g.clone());
            async move {
                seen.lock().expect("lock").push(xs.len());
                Gate::pass(&g).await;
                Ok(xs.iter().map(|x| x * 2).collect())
            }
        });
        let calls: Vec<_> = (0..40u32)
            .map(|i| {
                let d = doubler.clone();
                tokio::spawn(async move { (i, d.call(i).await.expect("answer")) })
            })
            .collect();
        // The first batch is held at the gate until every other call is queued behind it.
        let first = || sizes.lock().expect("lock").first().copied();
        until("the other calls queue", || first().is_some_and(|f| f as u64 + doubler.waiting() == 40)).await;
        gate.open();
        for c in calls {
            let (i, doubled) = c.await.expect("task");
            assert_eq!(doubled, i * 2);
        }
        let sizes = sizes.lock().expect("lock").clone();
        assert_eq!(sizes.iter().sum::<usize>(), 40);
        assert_eq!(doubler.counts(), (sizes.len() as u64, 40));
        // What queued meanwhile went in full batches of 8 (the last one holding the rest).
        let rest = &sizes[1..];
        let expected: Vec<usize> = (0..(40 - sizes[0]).div_ceil(8)).map(|k| (40 - sizes[0] - 8 * k).min(8)).collect();
        assert_eq!(rest, expected.as_slice(), "{sizes:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bad_input_fails_only_its_own_call() {
        let gate = Gate::closed();
        let g = gate.0.clone();
        let b = Batcher::spawn("flaky", 16, 1, move |xs: Arc<[u32]>| {
            let g = g.clone();
            async move {
                Gate::pass(&g).await;
                if xs.contains(&13) { Err(ServerError::Invalid("unlucky".into())) } else { Ok(xs.to_vec()) }
            }
        });
        let first = b.clone();
        let held = tokio::spawn(async move { first.call(1).await });
        until("the first batch runs", || b.counts().0 == 1).await;
        let calls: Vec<_> = (10..20u32)
            .map(|i| {
                let b = b.clone();
                tokio::spawn(async move { (i, b.call(i).await) })
            })
            .collect();
        until("ten calls queue behind it", || b.waiting() == 10).await;
        gate.open();
        assert_eq!(held.await.expect("task").expect("answer"), 1);
        for c in calls {
            match c.await.expect("task") {
                (13, answer) => {
                    let e = answer.expect_err("13 fails");
                    assert!(matches!(&e, ServerError::Invalid(m) if m == "unlucky"), "{e:?}");
                }
                (i, answer) => assert_eq!(answer.expect("its neighbours do not"), i),
            }
        }
        // The ten shared one batch, which failed; each was then tried alone.
        let (batches, calls) = b.counts();
        assert_eq!((batches, calls), (2, 11), "13 shared a batch with the nine others");
        assert_eq!(b.call(7).await.expect("the queue goes on"), 7);
        let short = Batcher::spawn("short", 4, 1, |_: Arc<[u32]>| async { Ok(Vec::<u32>::new()) });
        let e = short.call(1).await.expect_err("no answer");
        assert!(matches!(e, ServerError::Corrupt(_)), "{e:?}");
    }
}

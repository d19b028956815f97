//! Helpers shared by the server benchmarks (included with `#[path]`, not an example).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[allow(clippy::print_stdout)]
pub fn report(name: &str, load: &str, mut lat: Vec<Duration>, wall: Duration) {
    lat.sort();
    println!(
        "| {name} | {load} | {} | {:.0}/s | {:.1} ms | {:.1} ms | {:.1} ms |",
        lat.len(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// Runs `f(i)` for i in 0..n with at most `concurrency` in flight; returns each latency.
pub async fn run<F, Fut, T>(n: usize, concurrency: usize, f: F) -> (Vec<T>, Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let sem = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let permit = sem.clone().acquire_owned().await.expect("semaphore");
        let fut = f(i);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let out = fut.await;
            drop(permit);
            (out, t.elapsed())
        }));
    }
    let mut outs = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    for t in tasks {
        let (o, l) = t.await.expect("task");
        outs.push(o);
        lats.push(l);
    }
    (outs, lats, start.elapsed())
}

/// Starts `f(i)` for i in 0..n at `rate` per second whatever the answers; each latency is
/// measured from the request's scheduled start.
pub async fn run_at_rate<F, Fut, T>(n: usize, rate: f64, f: F) -> (Vec<T>, Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let fut = f(i);
        tasks.push(tokio::spawn(async move {
            let out = fut.await;
            (out, due.elapsed())
        }));
    }
    let mut outs = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    for t in tasks {
        let (o, l) = t.await.expect("task");
        outs.push(o);
        lats.push(l);
    }
    (outs, lats, start.elapsed())
}

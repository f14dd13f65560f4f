//! tokio_workloads: the runtime workloads of bench/peers/README.md on Tokio
//! 1.24's multi-thread runtime, printing `name median_us min_us` lines as
//! tests/bench/runtime_workloads does for parkd.
//!
//! Mapping: spawn = tokio::spawn (from a worker) or Runtime::spawn (from the
//! main thread); yield = tokio::task::yield_now; ping_pong uses
//! tokio::sync::oneshot, as upstream; the completion signal to the main
//! thread is std::sync::mpsc, as upstream.
//! Environment: WORKERS (2), REPS (20), WARMUP (3), WAKE_TRIALS (2000),
//! WAKE_SLEEP_US (1000), DRIVERS (all), BUSY2_TIMEOUT_MS (2000).
//! Arguments: workload names to run only those.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use parkd_peer_tokio::{env_usize, measure, percentile, print_summary, sort, us, Config};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

// Parameters of tokio/benches/rt_multi_threaded.rs.
const NUM_SPAWN: usize = 10_000;
const NUM_SPAWN_BUSY2: usize = 1_000;
const NUM_YIELD: usize = 1_000;
const YIELD_TASKS: usize = 200;
const NUM_PINGS: usize = 1_000;
const CHAIN_ITER: usize = 1_000;

/// Tokio's STALL_DUR: 10 us of yielding the thread in a loop.
fn stall() {
    let start = Instant::now();
    while start.elapsed() < Duration::from_micros(10) {
        std::thread::yield_now();
    }
}

type Done = mpsc::SyncSender<()>;

/// The task of the spawn_many rows: counts down, the last one signals.
fn count_down(remaining: &AtomicUsize, done: &Done) {
    if remaining.fetch_sub(1, Relaxed) == 1 {
        done.send(()).unwrap();
    }
}

/// A task on a worker spawns NUM_SPAWN counter tasks (worker-local spawns;
/// upstream spawns from block_on, which is not a worker).
fn spawn_many_local(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    let remaining = Arc::new(AtomicUsize::new(0));
    measure(cfg, "spawn_many_local", || {
        remaining.store(NUM_SPAWN, Relaxed);
        let (tx, remaining) = (tx.clone(), remaining.clone());
        let start = Instant::now();
        rt.spawn(async move {
            for _ in 0..NUM_SPAWN {
                let (tx, remaining) = (tx.clone(), remaining.clone());
                tokio::spawn(async move { count_down(&remaining, &tx) });
            }
        });
        rx.recv().unwrap();
        start.elapsed()
    });
}

/// The main thread spawns `n` counter tasks; the time until the last ran.
fn spawn_remote(rt: &Runtime, n: usize, remaining: &Arc<AtomicUsize>, tx: &Done, rx: &mpsc::Receiver<()>) -> Duration {
    remaining.store(n, Relaxed);
    let start = Instant::now();
    for _ in 0..n {
        let (tx, remaining) = (tx.clone(), remaining.clone());
        rt.spawn(async move { count_down(&remaining, &tx) });
    }
    rx.recv().unwrap();
    start.elapsed()
}

fn spawn_many_remote_idle(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    let remaining = Arc::new(AtomicUsize::new(0));
    measure(cfg, "spawn_many_remote_idle", || spawn_remote(&rt, NUM_SPAWN, &remaining, &tx, &rx));
}

/// Upstream's busy1: 2 x WORKERS tasks loop { yield_now; stall } while the
/// main thread spawns.
fn spawn_many_remote_busy(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    let remaining = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicBool::new(true));
    for _ in 0..2 * cfg.workers {
        let running = running.clone();
        rt.spawn(async move {
            while running.load(Relaxed) {
                tokio::task::yield_now().await;
                stall();
            }
        });
    }
    measure(cfg, "spawn_many_remote_busy", || spawn_remote(&rt, NUM_SPAWN, &remaining, &tx, &rx));
    running.store(false, Relaxed);
}

/// A task that stalls and spawns its successor while `running` is up.
fn busy_chain(running: Arc<AtomicBool>) {
    tokio::spawn(async move {
        if running.load(Relaxed) {
            stall();
            busy_chain(running);
        }
    });
}

/// Upstream's busy2: WORKERS chains of tasks that stall 10 us and spawn a
/// successor while the main thread spawns 1_000 counter tasks.
///
/// Tokio 1.24 livelocks here: the successor goes to the worker's LIFO slot,
/// which the worker keeps polling while coop budget remains, and a spawn
/// uses no budget, so each chain pins its worker and the inject queue is
/// never read (fixed in Tokio 1.29, tokio#5712, "cap LIFO slot polls").
/// So a repetition waits at most BUSY2_TIMEOUT_MS (2000); then the chains
/// are stopped and the line reads `spawn_many_remote_busy2 starved starved`.
fn spawn_many_remote_busy2(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    let remaining = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicBool::new(true));
    for _ in 0..cfg.workers {
        let running = running.clone();
        rt.spawn(async move { busy_chain(running) });
    }
    let timeout = Duration::from_millis(env_usize("BUSY2_TIMEOUT_MS", 2000) as u64);
    let mut samples = Vec::new();
    for i in 0..(cfg.warmup + cfg.reps) {
        remaining.store(NUM_SPAWN_BUSY2, Relaxed);
        let start = Instant::now();
        for _ in 0..NUM_SPAWN_BUSY2 {
            let (tx, remaining) = (tx.clone(), remaining.clone());
            rt.spawn(async move { count_down(&remaining, &tx) });
        }
        if rx.recv_timeout(timeout).is_err() {
            running.store(false, Relaxed);
            rx.recv().unwrap();
            println!("# spawn_many_remote_busy2: repetition {} not done in {} ms: the inject queue starved behind the LIFO slot (Tokio < 1.29)", i, timeout.as_millis());
            println!("spawn_many_remote_busy2 starved starved");
            return;
        }
        if i >= cfg.warmup {
            samples.push(us(start.elapsed()));
        }
    }
    running.store(false, Relaxed);
    print_summary("spawn_many_remote_busy2", samples);
}

/// YIELD_TASKS tasks yield NUM_YIELD times each.
fn yield_many(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(YIELD_TASKS);
    measure(cfg, "yield_many", || {
        let start = Instant::now();
        for _ in 0..YIELD_TASKS {
            let tx = tx.clone();
            rt.spawn(async move {
                for _ in 0..NUM_YIELD {
                    tokio::task::yield_now().await;
                }
                tx.send(()).unwrap();
            });
        }
        for _ in 0..YIELD_TASKS {
            rx.recv().unwrap();
        }
        start.elapsed()
    });
}

/// Upstream's form: a task spawns NUM_PINGS tasks A; each makes two
/// oneshots, spawns B, which awaits the first and answers on the second,
/// sends on the first and awaits the answer.
fn ping_pong(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    let remaining = Arc::new(AtomicUsize::new(0));
    measure(cfg, "ping_pong", || {
        remaining.store(NUM_PINGS, Relaxed);
        let (tx, remaining) = (tx.clone(), remaining.clone());
        let start = Instant::now();
        rt.spawn(async move {
            for _ in 0..NUM_PINGS {
                let (tx, remaining) = (tx.clone(), remaining.clone());
                tokio::spawn(async move {
                    let (to_b, from_a) = oneshot::channel();
                    let (to_a, from_b) = oneshot::channel();
                    tokio::spawn(async move {
                        from_a.await.unwrap();
                        to_a.send(()).unwrap();
                    });
                    to_b.send(()).unwrap();
                    from_b.await.unwrap();
                    count_down(&remaining, &tx);
                });
            }
        });
        rx.recv().unwrap();
        start.elapsed()
    });
}

/// A task spawns a task ... CHAIN_ITER deep (1 + CHAIN_ITER tasks).
fn chain(tx: Done, n: usize) {
    if n == 0 {
        tx.send(()).unwrap();
    } else {
        tokio::spawn(async move { chain(tx, n - 1) });
    }
}

fn chained_spawn(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::sync_channel(1);
    measure(cfg, "chained_spawn", || {
        let tx = tx.clone();
        let start = Instant::now();
        rt.spawn(async move { chain(tx, CHAIN_ITER) });
        rx.recv().unwrap();
        start.elapsed()
    });
}

/// The runtime idle (workers parked): the main thread sleeps WAKE_SLEEP_US,
/// takes t0 and spawns a task whose first action is to take t1. Median and
/// p99 of t1 - t0 over WAKE_TRIALS trials, after 50 untimed.
fn wake_latency(cfg: &Config) {
    let rt = cfg.runtime();
    let (tx, rx) = mpsc::channel::<Instant>();
    let warm = cfg.wake_trials.min(50);
    let mut samples = Vec::with_capacity(cfg.wake_trials);
    for i in 0..(warm + cfg.wake_trials) {
        std::thread::sleep(cfg.wake_sleep);
        let tx = tx.clone();
        let t0 = Instant::now();
        rt.spawn(async move { tx.send(Instant::now()).unwrap() });
        let t1 = rx.recv().unwrap();
        if i >= warm {
            samples.push(us(t1.saturating_duration_since(t0)));
        }
    }
    sort(&mut samples);
    println!("wake_latency {:.3} {:.3}", parkd_peer_tokio::median(&samples), samples[0]);
    println!("wake_latency_p99 {:.3} {:.3}", percentile(&samples, 99.0), samples[0]);
}

fn main() {
    let cfg = Config::from_env();
    let all: [(&str, fn(&Config)); 8] = [
        ("spawn_many_local", spawn_many_local),
        ("spawn_many_remote_idle", spawn_many_remote_idle),
        ("spawn_many_remote_busy", spawn_many_remote_busy),
        ("spawn_many_remote_busy2", spawn_many_remote_busy2),
        ("yield_many", yield_many),
        ("ping_pong", ping_pong),
        ("chained_spawn", chained_spawn),
        ("wake_latency", wake_latency),
    ];
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    for w in &wanted {
        if !all.iter().any(|(name, _)| name == w) {
            let known: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
            eprintln!("unknown workload {}; known: {}", w, known.join(" "));
            std::process::exit(2);
        }
    }
    println!("# tokio_workloads tokio=1.24 WORKERS={} REPS={} WARMUP={} DRIVERS={}", cfg.workers, cfg.reps, cfg.warmup, cfg.drivers);
    for (name, f) in &all {
        if wanted.is_empty() || wanted.iter().any(|w| w == name) {
            f(&cfg);
        }
    }
}

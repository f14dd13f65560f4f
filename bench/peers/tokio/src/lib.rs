//! What Tokio's two programs share: the environment, the runtime they build
//! and the summaries they print, defined as tests/bench/bench_util.h defines
//! them for parkd and Asio.

pub mod light;

use std::time::Duration;

use tokio::runtime::{self, Runtime};

/// The whole-number value of environment variable `name`, or `default` when
/// it is unset or empty. Anything else exits with status 2 and says so: a
/// typo must not quietly run the default.
pub fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => match v.parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("{}={} is not a whole number", name, v);
                std::process::exit(2);
            }
        },
        _ => default,
    }
}

/// WORKERS, REPS, WARMUP, WAKE_TRIALS, WAKE_SLEEP_US with the peers'
/// defaults, and DRIVERS: all (default: I/O and time drivers, as Tokio's
/// benches and any Tokio daemon have) | time | none.
pub struct Config {
    pub workers: usize,
    pub reps: usize,
    pub warmup: usize,
    pub wake_trials: usize,
    pub wake_sleep: Duration,
    pub drivers: String,
}

impl Config {
    pub fn from_env() -> Config {
        let drivers = std::env::var("DRIVERS").unwrap_or_default();
        let drivers = if drivers.is_empty() { "all".to_string() } else { drivers };
        if !["all", "time", "none"].contains(&drivers.as_str()) {
            eprintln!("DRIVERS={} is unknown; allowed: all, time, none", drivers);
            std::process::exit(2);
        }
        Config {
            workers: env_usize("WORKERS", 2).max(1),
            reps: env_usize("REPS", 20).max(1),
            warmup: env_usize("WARMUP", 3),
            wake_trials: env_usize("WAKE_TRIALS", 2000).max(1),
            wake_sleep: Duration::from_micros(env_usize("WAKE_SLEEP_US", 1000) as u64),
            drivers,
        }
    }

    /// A multi-thread runtime with `workers` worker threads.
    pub fn runtime(&self) -> Runtime {
        let mut b = runtime::Builder::new_multi_thread();
        b.worker_threads(self.workers);
        match self.drivers.as_str() {
            "all" => {
                b.enable_all();
            }
            "time" => {
                b.enable_time();
            }
            _ => {}
        }
        b.build().expect("building the Tokio runtime")
    }
}

pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Of sorted, non-empty samples.
pub fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Nearest-rank percentile of sorted, non-empty samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

pub fn sort(v: &mut [f64]) {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
}

/// Prints `name median_us min_us`, the line of every workload program.
pub fn print_summary(name: &str, mut samples: Vec<f64>) {
    sort(&mut samples);
    println!("{} {:.3} {:.3}", name, median(&samples), samples[0]);
}

/// Runs `f` WARMUP times untimed, then REPS times; `f` returns the time of
/// what it measures.
pub fn measure(cfg: &Config, name: &str, mut f: impl FnMut() -> Duration) {
    for _ in 0..cfg.warmup {
        f();
    }
    let samples = (0..cfg.reps).map(|_| us(f())).collect();
    print_summary(name, samples);
}

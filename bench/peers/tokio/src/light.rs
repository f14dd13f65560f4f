//! The light-load measurement of tests/bench/light_load.h, for Tokio: the
//! calling thread submits BURST tasks every PERIOD_US (absolute deadlines),
//! each burning WORK_US of its thread's CPU; after WARMUP_MS it measures
//! DURATION_S seconds, then IDLE_S idle seconds, and prints the same
//! `name value` lines as parkd's and Asio's programs (see that header for
//! what each one is).

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use crate::{env_usize, median, percentile, sort};

pub struct LightConfig {
    pub workers: usize,
    pub work_us: usize,
    pub period_us: usize,
    pub burst: usize,
    pub duration_s: usize,
    pub warmup_ms: usize,
    pub idle_s: usize,
}

impl LightConfig {
    pub fn from_env() -> LightConfig {
        LightConfig {
            workers: env_usize("WORKERS", 2).max(1),
            work_us: env_usize("WORK_US", 5),
            period_us: env_usize("PERIOD_US", 1000).max(1),
            burst: env_usize("BURST", 1).max(1),
            duration_s: env_usize("DURATION_S", 5).max(1),
            warmup_ms: env_usize("WARMUP_MS", 200),
            idle_s: env_usize("IDLE_S", 2).max(1),
        }
    }
}

pub fn clock_ns(clock: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid timespec; these clocks always exist on Linux.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64
}

fn gettid() -> i64 {
    // SAFETY: gettid has no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as i64 }
}

/// The CPU clock of thread `tid` of this process, as glibc's
/// pthread_getcpuclockid makes it (the kernel's MAKE_THREAD_CPUCLOCK(tid,
/// CPUCLOCK_SCHED)), for a thread known only by its tid.
fn thread_cpu_clock(tid: i64) -> libc::clockid_t {
    ((!(tid as u32) << 3) | 4 | 2) as libc::clockid_t
}

/// What the runtime's threads (every thread of this process but the
/// submitter) have used so far: CPU time, read as the sum of their CPU
/// clocks (process CPU minus the submitter's, without the skew of two
/// reads), and context switches (voluntary + involuntary, from
/// /proc/self/task/*/status).
#[derive(Default)]
struct Usage {
    cpu_ns: i64,
    switches: u64,
}

impl Usage {
    fn take(submitter: i64) -> Usage {
        let mut u = Usage::default();
        let dir = match std::fs::read_dir("/proc/self/task") {
            Ok(d) => d,
            Err(_) => return u,
        };
        for entry in dir.flatten() {
            let tid = match entry.file_name().to_string_lossy().parse::<i64>() {
                Ok(t) if t != submitter => t,
                _ => continue,
            };
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: ts is a valid timespec; a thread gone meanwhile is an error return.
            if unsafe { libc::clock_gettime(thread_cpu_clock(tid), &mut ts) } == 0 {
                u.cpu_ns += ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64;
            }
            let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
            for line in status.lines() {
                if line.starts_with("voluntary_ctxt_switches:") || line.starts_with("nonvoluntary_ctxt_switches:") {
                    u.switches += line[line.find(':').unwrap() + 1..].trim().parse::<u64>().unwrap_or(0);
                }
            }
        }
        u
    }
}

/// What the tasks write and the submitter reads once they are all done.
pub struct Probe {
    work_ns: i64,
    start_ns: Vec<AtomicI64>,
    own_cpu_ns: Vec<AtomicI64>,
    done: AtomicUsize,
}

/// The task handed to the runtime: small and copyable.
#[derive(Clone, Copy)]
pub struct Task {
    probe: &'static Probe,
    index: usize,
    submitted_ns: i64,
}

impl Task {
    /// The task's body: notes when it started, burns its work, notes the
    /// CPU it took.
    pub fn run(self) {
        let p = self.probe;
        p.start_ns[self.index].store(clock_ns(libc::CLOCK_MONOTONIC) - self.submitted_ns, Ordering::Relaxed);
        let cpu0 = clock_ns(libc::CLOCK_THREAD_CPUTIME_ID);
        let mut cpu = cpu0;
        while cpu - cpu0 < p.work_ns {
            cpu = clock_ns(libc::CLOCK_THREAD_CPUTIME_ID);
        }
        p.own_cpu_ns[self.index].store(cpu - cpu0, Ordering::Relaxed);
        // Release: pairs with the submitter's acquire load of `done`.
        p.done.fetch_add(1, Ordering::Release);
    }
}

/// Runs the load on the calling thread, then the idle window, and prints
/// the results. `submit(task)` queues `task.run()` on the runtime from this
/// outside thread. Returns the exit status: 1 if the tasks did not all run
/// within 10 s of the last submission.
pub fn run(runtime: &str, cfg: &LightConfig, mut submit: impl FnMut(Task)) -> i32 {
    let me = gettid();
    let warm_periods = cfg.warmup_ms * 1000 / cfg.period_us;
    let periods = cfg.duration_s * 1_000_000 / cfg.period_us;
    let total = (warm_periods + periods) * cfg.burst;
    let probe: &'static Probe = Box::leak(Box::new(Probe {
        work_ns: cfg.work_us as i64 * 1000,
        start_ns: (0..total).map(|_| AtomicI64::new(0)).collect(),
        own_cpu_ns: (0..total).map(|_| AtomicI64::new(0)).collect(),
        done: AtomicUsize::new(0),
    }));

    let mut before = Usage::default();
    let mut late = 0;
    let period_ns = cfg.period_us as i64 * 1000;
    let t0 = clock_ns(libc::CLOCK_MONOTONIC) + period_ns;
    let mut index = 0;
    for p in 0..(warm_periods + periods) {
        let deadline = t0 + p as i64 * period_ns;
        let ts = libc::timespec { tv_sec: (deadline / 1_000_000_000) as libc::time_t, tv_nsec: (deadline % 1_000_000_000) as libc::c_long };
        // SAFETY: ts is a valid timespec; the remainder is not asked for.
        while unsafe { libc::clock_nanosleep(libc::CLOCK_MONOTONIC, libc::TIMER_ABSTIME, &ts, std::ptr::null_mut()) } != 0 {}
        // Measured periods only, as light_load.h counts them.
        if p >= warm_periods && clock_ns(libc::CLOCK_MONOTONIC) > deadline + period_ns {
            late += 1;
        }
        if p == warm_periods {
            before = Usage::take(me);
        }
        for _ in 0..cfg.burst {
            submit(Task { probe, index, submitted_ns: clock_ns(libc::CLOCK_MONOTONIC) });
            index += 1;
        }
    }
    let wait_until = clock_ns(libc::CLOCK_MONOTONIC) + 10_000_000_000;
    while probe.done.load(Ordering::Acquire) < total {
        if clock_ns(libc::CLOCK_MONOTONIC) > wait_until {
            eprintln!("light_load: {} of {} tasks ran in 10 s", probe.done.load(Ordering::Acquire), total);
            return 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let after = Usage::take(me);

    let first = warm_periods * cfg.burst;
    let tasks = total - first;
    let own_ns: i64 = (first..total).map(|i| probe.own_cpu_ns[i].load(Ordering::Relaxed)).sum();
    let mut start_us: Vec<f64> = (first..total).map(|i| probe.start_ns[i].load(Ordering::Relaxed) as f64 / 1000.0).collect();
    sort(&mut start_us);

    std::thread::sleep(std::time::Duration::from_millis(100)); // the last parks settle
    let idle0 = Usage::take(me);
    std::thread::sleep(std::time::Duration::from_secs(cfg.idle_s as u64));
    let idle1 = Usage::take(me);

    let n = tasks as f64;
    println!(
        "# light_load runtime={} WORKERS={} WORK_US={} PERIOD_US={} BURST={} DURATION_S={} IDLE_S={}: {} tasks measured, {} late periods, task work {:.3} us on average",
        runtime, cfg.workers, cfg.work_us, cfg.period_us, cfg.burst, cfg.duration_s, cfg.idle_s, tasks, late, own_ns as f64 / n / 1000.0
    );
    println!("overhead_us_per_task {:.3}", (after.cpu_ns - before.cpu_ns - own_ns) as f64 / n / 1000.0);
    println!("switches_per_task {:.3}", (after.switches - before.switches) as f64 / n);
    println!("late_periods_pct {:.1}", 100.0 * late as f64 / periods as f64);
    println!("start_p50_us {:.3}", median(&start_us));
    println!("start_p99_us {:.3}", percentile(&start_us, 99.0));
    println!("idle_cpu_us_per_s {:.3}", (idle1.cpu_ns - idle0.cpu_ns) as f64 / 1000.0 / cfg.idle_s as f64);
    println!("# idle: {:.1} context switches per second", (idle1.switches - idle0.switches) as f64 / cfg.idle_s as f64);
    0
}

//! tokio_light_load: Tokio 1.24's multi-thread runtime under the light load
//! of light.rs, Tokio's column of the light-load rows of `./dev.sh compare`.
//! Environment: light.rs's (WORKERS, WORK_US, PERIOD_US, BURST, DURATION_S,
//! WARMUP_MS, IDLE_S) and DRIVERS (all).

use parkd_peer_tokio::light::{self, LightConfig};
use parkd_peer_tokio::Config;

fn main() {
    let cfg = LightConfig::from_env();
    let rt = Config::from_env().runtime();
    println!("# tokio 1.24 DRIVERS={}", Config::from_env().drivers);
    let status = light::run("tokio", &cfg, |task| {
        rt.spawn(async move { task.run() });
    });
    std::process::exit(status);
}

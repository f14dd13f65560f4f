// asio_light_load: standalone Asio 1.22 (asio_runtime.h) under the light
// load of tests/bench/light_load.h, Asio's column of the light-load rows of
// `./dev.sh compare`. Environment: light_load.h's, and REACTOR (0).
#include "light_load.h"

#include "asio_runtime.h"

int main() {
  const park_bench::LightLoadConfig cfg;
  park_bench::AsioRuntime rt(cfg.workers);
  park_bench::AsioRuntime::PrintVersion();
  return park_bench::RunLightLoad("asio", cfg,
                                  [&](const park_bench::LightLoadTask& task) {
                                    asio::post(rt.io(), task);
                                  });
}

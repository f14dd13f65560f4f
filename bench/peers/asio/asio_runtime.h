// The Asio side of the comparison: one io_context run by WORKERS threads,
// kept in run() by a work guard, as an Asio daemon's thread pool is.
//
// spawn = asio::post(io, f). REACTOR=1 constructs a steady_timer first, so
// that the epoll reactor exists and one idle thread waits in epoll_wait, as
// in any Asio program with a socket or a timer; REACTOR=0 (the default)
// leaves the plain io_context, whose idle threads wait on its condition
// variable only (Asio's cheapest configuration for posted work).
//
// Built by bench/peers/compare.sh with g++ -O2 against Debian's
// libasio-dev (standalone Asio 1.22, header-only). Not thread-safe itself;
// Spawn may be called from any thread.
#ifndef PARKD_BENCH_PEERS_ASIO_ASIO_RUNTIME_H_
#define PARKD_BENCH_PEERS_ASIO_ASIO_RUNTIME_H_

#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "bench_util.h"

namespace park_bench {

class AsioRuntime {
 public:
  explicit AsioRuntime(size_t workers)
      : io_(static_cast<int>(workers)), guard_(asio::make_work_guard(io_)) {
    if (EnvSize("REACTOR", 0) != 0) {
      timer_ = std::make_unique<asio::steady_timer>(io_);
    }
    for (size_t i = 0; i < workers; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }
  // Stops and joins the threads; handlers still queued are dropped.
  ~AsioRuntime() {
    guard_.reset();
    io_.stop();
    for (std::thread& t : threads_) t.join();
  }

  asio::io_context& io() { return io_; }

  static void PrintVersion() {
    std::printf("# asio %d.%d.%d REACTOR=%zu\n", ASIO_VERSION / 100000,
                ASIO_VERSION / 100 % 1000, ASIO_VERSION % 100,
                EnvSize("REACTOR", 0));
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::vector<std::thread> threads_;
};

// The runtime's spawn as the small copyable callable bench_util.h takes.
struct AsioSpawn {
  asio::io_context* io;
  template <class F>
  void operator()(F&& f) const {
    asio::post(*io, std::forward<F>(f));
  }
};

}  // namespace park_bench

#endif  // PARKD_BENCH_PEERS_ASIO_ASIO_RUNTIME_H_

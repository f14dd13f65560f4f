// echo_server: a TCP echo server on libpark's I/O readiness
// (Runtime::RegisterIo), edge-triggered, many clients at once.
//
//   echo_server PORT     listens on 127.0.0.1:PORT (0: a free port, printed)
//                        until SIGTERM or SIGINT, then drains and exits 0
//
// What it shows:
//  - edge-triggered registrations (EPOLLIN | EPOLLRDHUP | EPOLLET): the
//    next callback comes only with the next edge, so each callback accepts,
//    or reads, until EAGAIN;
//  - partial writes: what the kernel does not take stays in the
//    connection's buffer, and the connection asks for EPOLLOUT (ModifyIo)
//    until the buffer is written. While the buffer holds kMaxPending bytes
//    it stops reading, so a client that sends without reading cannot make
//    the server buffer without bound; EPOLLOUT resumes the reading;
//  - concurrency: callbacks run as tasks on any worker, and two edges of one
//    fd may be handled by two workers at once, so each connection has a
//    mutex. A readiness task queued before a close may still run once
//    after it: it finds the connection closed and does nothing;
//  - a drain on SIGTERM: the listener is closed, a connection that gets an
//    event from then on writes what it has read and closes,
//    Runtime::Drain waits for the callbacks in flight, and the connections
//    still open (idle ones) are closed last.
//
// Uses only libpark's installed headers; examples/README.md shows how to
// build it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "park/runtime/runtime.h"

namespace {

constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP | EPOLLET;
constexpr size_t kMaxPending = 1 << 20;

struct Conn {
  std::mutex mu;
  int fd = -1;
  park::IoToken token;
  std::string pending;    // read, not yet written back
  bool want_out = false;  // registered for EPOLLOUT too
  bool eof = false;       // the client has finished sending
  bool closed = false;
};

class EchoServer {
 public:
  EchoServer(park::Runtime& rt, int listen_fd)
      : rt_(rt), listen_fd_(listen_fd) {}

  absl::Status Start() {
    std::lock_guard lock(listen_mu_);
    absl::StatusOr<park::IoToken> token = rt_.RegisterIo(
        listen_fd_, EPOLLIN | EPOLLET, [this](uint32_t) { Accept(); });
    if (!token.ok()) return token.status();
    listen_token_ = *token;
    return absl::OkStatus();
  }

  // The first step of a stop: no new connections, and the open ones close
  // at their next event once their buffer is written.
  void StopAccepting() {
    draining_.store(true);
    std::lock_guard lock(listen_mu_);
    (void)rt_.DeregisterIo(listen_token_);
    close(listen_fd_);
    listen_fd_ = -1;
  }

  // The last step, once the runtime has drained: closes the idle
  // connections still open; returns how many.
  size_t CloseAll() {
    std::vector<std::shared_ptr<Conn>> open;
    {
      std::lock_guard lock(conns_mu_);
      for (auto& [fd, c] : conns_) open.push_back(c);
    }
    for (auto& c : open) {
      std::lock_guard lock(c->mu);
      Close(*c);
    }
    return open.size();
  }

  uint64_t accepted() const { return accepted_.load(); }
  uint64_t bytes() const { return bytes_.load(); }
  uint64_t waits_for_out() const { return waits_for_out_.load(); }

 private:
  void Accept() {
    std::lock_guard lock(listen_mu_);
    while (listen_fd_ >= 0) {
      int fd = accept4(listen_fd_, nullptr, nullptr,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        Add(fd);
      } else if (errno != EINTR && errno != ECONNABORTED) {
        // EAGAIN: all accepted. Anything else (EMFILE...): the connection
        // waits in the backlog for the next edge.
        if (errno != EAGAIN) std::perror("echo_server: accept4");
        return;
      }
    }
  }

  void Add(int fd) {
    auto c = std::make_shared<Conn>();
    c->fd = fd;
    // Held until the token is stored: the first callback may come at once.
    std::lock_guard lock(c->mu);
    {
      std::lock_guard conns_lock(conns_mu_);
      conns_[fd] = c;
    }
    absl::StatusOr<park::IoToken> token =
        rt_.RegisterIo(fd, kReadEvents, [this, c](uint32_t) { OnReady(*c); });
    if (!token.ok()) {
      std::fprintf(stderr, "echo_server: %s\n",
                   token.status().ToString().c_str());
      return Close(*c);
    }
    c->token = *token;
    accepted_.fetch_add(1);
  }

  // Every event is handled the same way: write what is buffered, read
  // until EAGAIN (or until the buffer is full), then decide what to wait
  // for. The events reported do not matter with EPOLLET: read() and send()
  // say what the socket can do now.
  void OnReady(Conn& c) {
    std::lock_guard lock(c.mu);
    if (c.closed) return;
    if (!Flush(c)) return Close(c);
    while (!c.eof && !draining_.load() && c.pending.size() < kMaxPending) {
      char buf[16384];
      ssize_t n = read(c.fd, buf, sizeof buf);
      if (n > 0) {
        bytes_.fetch_add(n);
        c.pending.append(buf, n);
        if (!Flush(c)) return Close(c);
      } else if (n == 0) {
        c.eof = true;
      } else if (errno == EAGAIN) {
        break;
      } else if (errno != EINTR) {
        return Close(c);  // ECONNRESET...
      }
    }
    if ((c.eof || draining_.load()) && c.pending.empty()) return Close(c);
    const bool want_out = !c.pending.empty();
    if (want_out == c.want_out) return;
    const uint32_t events = want_out ? kReadEvents | EPOLLOUT : kReadEvents;
    if (!rt_.ModifyIo(c.token, events).ok()) return Close(c);
    c.want_out = want_out;
    if (want_out) waits_for_out_.fetch_add(1);
  }

  // Writes what the socket takes; false on an error (the client is gone).
  static bool Flush(Conn& c) {
    size_t done = 0;
    while (done < c.pending.size()) {
      ssize_t n = send(c.fd, c.pending.data() + done, c.pending.size() - done,
                       MSG_NOSIGNAL);
      if (n >= 0) {
        done += n;
      } else if (errno == EAGAIN) {
        break;
      } else if (errno != EINTR) {
        return false;
      }
    }
    c.pending.erase(0, done);
    return true;
  }

  void Close(Conn& c) {
    if (c.closed) return;
    c.closed = true;
    {
      // Out of the map before close(): accept4 may reuse the fd number.
      std::lock_guard lock(conns_mu_);
      conns_.erase(c.fd);
    }
    (void)rt_.DeregisterIo(c.token);
    close(c.fd);
  }

  park::Runtime& rt_;
  std::atomic<bool> draining_{false};
  std::mutex listen_mu_;
  int listen_fd_;
  park::IoToken listen_token_;
  std::mutex conns_mu_;
  std::map<int, std::shared_ptr<Conn>> conns_;
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> waits_for_out_{0};
};

// A non-blocking listener on 127.0.0.1:port; the port it got, or -1.
int Listen(int port, int* bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *bound_port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  const long port = argc == 2 ? std::strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || *argv[1] == '\0' || *end != '\0' || port < 0 ||
      port > 65535) {
    std::fprintf(stderr, "usage: echo_server PORT (0..65535; 0: any free "
                         "port)\n");
    return 2;
  }
  // Blocked before any thread exists, so that only sigwait takes them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  int bound_port = 0;
  const int listen_fd = Listen(static_cast<int>(port), &bound_port);
  if (listen_fd < 0) {
    std::fprintf(stderr, "echo_server: cannot listen on 127.0.0.1:%ld: %s\n",
                 port, std::strerror(errno));
    return 1;
  }
  absl::StatusOr<std::unique_ptr<park::Runtime>> rt =
      park::Runtime::Create(park::RuntimeOptions{});
  if (!rt.ok()) {
    std::fprintf(stderr, "echo_server: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  EchoServer server(**rt, listen_fd);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "echo_server: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("echo_server: listening on 127.0.0.1:%d with %d workers\n",
              bound_port, (*rt)->num_workers());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("echo_server: %s: draining\n", strsignal(sig));
  server.StopAccepting();
  park::DrainReport report = (*rt)->Drain(park::Runtime::Clock::now() +
                                          std::chrono::seconds(5));
  const size_t idle = server.CloseAll();
  std::printf("echo_server: drained: %s; %llu connections, %llu bytes "
              "echoed, %llu waits for EPOLLOUT, %zu idle connections closed "
              "at the stop\n",
              report.completed ? "complete" : "INCOMPLETE",
              (unsigned long long)server.accepted(),
              (unsigned long long)server.bytes(),
              (unsigned long long)server.waits_for_out(), idle);
  return report.completed ? 0 : 1;
}

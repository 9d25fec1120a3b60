#include "server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <string>

#include "server/plain_get.h"

namespace hashsieve::server {
namespace {

// Waits for `events` on sock for up to timeout_ms (<0: 0). >0 ready, 0 timed out, <0 error.
int wait_for(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r > 0 && (p.revents & (POLLERR | POLLNVAL)) && !(p.revents & events)) return -1;
    return r;
  }
}

int to_ms(time_t sec, time_t usec) { return int(sec * 1000 + usec / 1000); }

void address_of(const sockaddr_storage& a, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
    ::inet_ntop(AF_INET, &v4.sin_addr, buf, sizeof buf);
    port = ntohs(v4.sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, buf, sizeof buf);
    port = ntohs(v6.sin6_port);
  }
  ip = buf;
}

class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), read_ms_(read_timeout_ms), write_ms_(write_timeout_ms) {}

  bool is_readable() const override { return in_at_ < in_end_ || wait_for(sock_, POLLIN, read_ms_) > 0; }
  bool is_writable() const override { return !broken_ && wait_for(sock_, POLLOUT, write_ms_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (in_at_ == in_end_) {
      if (!flush()) return -1;  // whatever the client waits for before it sends more
      in_at_ = in_end_ = 0;
      const ssize_t n = receive(in_, sizeof in_, read_ms_);
      if (n <= 0) return n;
      in_end_ = size_t(n);
    }
    const size_t n = std::min(size, in_end_ - in_at_);
    std::memcpy(ptr, in_ + in_at_, n);
    in_at_ += n;
    return ssize_t(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (broken_) return -1;
    out_.append(ptr, size);
    if (out_.size() >= kFlushAt && !flush()) return -1;  // a large body goes out as it is written
    return ssize_t(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
  socket_t socket() const override { return sock_; }

  // Sends what is buffered; false once the peer is gone or a write timed out.
  bool flush() {
    size_t at = 0;
    while (!broken_ && at < out_.size()) {
      const ssize_t n = ::send(sock_, out_.data() + at, out_.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        at += size_t(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(sock_, POLLOUT, write_ms_) > 0) {
        continue;
      } else {
        broken_ = true;
      }
    }
    out_.clear();
    return !broken_;
  }

  // The bytes received and not yet read, receiving first if there are none; false when the
  // connection closed or failed instead.
  bool fill() {
    if (in_at_ < in_end_) return true;
    if (!flush()) return false;
    in_at_ = in_end_ = 0;
    const ssize_t n = receive(in_, sizeof in_, read_ms_);
    if (n <= 0) return false;
    in_end_ = size_t(n);
    return true;
  }
  std::string_view buffered() const { return std::string_view(in_ + in_at_, in_end_ - in_at_); }
  void consume(size_t n) { in_at_ += std::min(n, in_end_ - in_at_); }

  // Between requests: true when the next request's first bytes are here (or buffered), false on
  // an idle timeout, a closed or failed connection, or when `stopping` turns true.
  template <typename Stopping>
  bool wait_request(int idle_ms, Stopping stopping) {
    if (in_at_ < in_end_) return true;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(idle_ms);
    while (!stopping()) {
      const int r = wait_for(sock_, POLLIN, kStopCheckMs);
      if (r > 0) return true;
      if (r < 0 || std::chrono::steady_clock::now() >= give_up) return false;
    }
    return false;
  }

 private:
  static constexpr size_t kFlushAt = 64 * 1024;
  static constexpr int kStopCheckMs = 50;  // how soon an idle connection notices the server stopping

  // One recv, first without waiting (under load the request is mostly there already).
  ssize_t receive(char* to, size_t size, int timeout_ms) {
    for (;;) {
      const ssize_t n = ::recv(sock_, to, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (wait_for(sock_, POLLIN, timeout_ms) <= 0) return -1;
    }
  }

  void address(bool local, std::string& ip, int& port) const {
    std::string& cached_ip = local ? local_ip_ : remote_ip_;
    int& cached_port = local ? local_port_ : remote_port_;
    if (cached_port < 0) {
      sockaddr_storage a{};
      socklen_t len = sizeof a;
      const int r = local ? ::getsockname(sock_, reinterpret_cast<sockaddr*>(&a), &len)
                          : ::getpeername(sock_, reinterpret_cast<sockaddr*>(&a), &len);
      cached_port = 0;
      if (r == 0) address_of(a, cached_ip, cached_port);
    }
    ip = cached_ip;
    port = cached_port;
  }

  const int sock_, read_ms_, write_ms_;
  char in_[16 * 1024];
  size_t in_at_ = 0, in_end_ = 0;
  std::string out_;
  bool broken_ = false;
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";  // a reason phrase is optional (RFC 9112)
  }
}

thread_local PlainGet t_plain;  // per worker, so a request's views allocate nothing once warm

}  // namespace

void HttpServer::plain_get(const std::string& path, Handler handler) {
  Get(path, handler);
  plain_routes_.emplace_back(path, std::move(handler));
}

HttpServer& HttpServer::set_pre_routing_handler(HandlerWithResponse handler) {
  pre_routing_ = handler;
  httplib::Server::set_pre_routing_handler(std::move(handler));
  return *this;
}

HttpServer& HttpServer::set_exception_handler(ExceptionHandler handler) {
  on_exception_ = handler;
  httplib::Server::set_exception_handler(std::move(handler));
  return *this;
}

HttpServer& HttpServer::set_error_handler(HandlerWithResponse handler) {
  on_error_ = handler;
  httplib::Server::set_error_handler(std::move(handler));
  return *this;
}

HttpServer& HttpServer::set_logger(httplib::Logger logger) {
  log_ = logger;
  httplib::Server::set_logger(std::move(logger));
  return *this;
}

size_t HttpServer::serve_plain(std::string_view bytes, httplib::Stream& strm, bool last, bool* closed) {
  PlainGet& pg = t_plain;
  if (!parse_plain_get(bytes, &pg)) return 0;
  const Handler* handler = nullptr;
  for (const auto& [path, h] : plain_routes_)
    if (handler == nullptr && pg.path == path) handler = &h;
  if (handler == nullptr) return 0;

  // What the library's parser makes of such a request. (It also adds the socket addresses as
  // headers, which nothing here reads.)
  httplib::Request req;
  req.method = "GET";
  req.version = "HTTP/1.1";
  req.path = pg.path;
  for (const auto& [k, v] : pg.params) req.params.emplace(k, v);
  for (const auto& [k, v] : pg.headers) req.headers.emplace(k, v);
  httplib::Response res;
  res.version = "HTTP/1.1";
  // The pre-routing hook, then the handler; an exception goes to the exception hook (this
  // service's answers 500 itself).
  try {
    if (!pre_routing_ || pre_routing_(req, res) != HandlerResponse::Handled) (*handler)(req, res);
  } catch (...) {
    res.status = 500;
    if (on_exception_) on_exception_(req, res, std::current_exception());
  }
  if (res.status == -1) res.status = 200;
  if (res.status >= 400 && on_error_) on_error_(req, res);

  // A handler's "Connection: close" (a shed request's 503) closes here; the library would only
  // say so and keep the connection.
  *closed = last || pg.close || ascii_iequals(res.get_header_value("Connection"), "close");
  std::string head = "HTTP/1.1 " + std::to_string(res.status) + " " + reason_phrase(res.status) + "\r\n";
  if (*closed)
    head += "Connection: close\r\n";
  else
    head += "Keep-Alive: timeout=" + std::to_string(keep_alive_timeout_sec_) +
            ", max=" + std::to_string(keep_alive_max_count_) + "\r\n";
  bool typed = false;
  for (const auto& [k, v] : res.headers) {
    if (ascii_iequals(k, "Connection") || ascii_iequals(k, "Keep-Alive") || ascii_iequals(k, "Content-Length")) continue;
    typed = typed || ascii_iequals(k, "Content-Type");
    head += k + ": " + v + "\r\n";
  }
  if (!typed && !res.body.empty()) head += "Content-Type: text/plain\r\n";
  head += "Content-Length: " + std::to_string(res.body.size()) + "\r\n\r\n";
  strm.write(head.data(), head.size());
  strm.write(res.body.data(), res.body.size());
  if (log_) log_(req, res);
  return pg.head_bytes;
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  bool ret = false;
  {
    ConnectionStream strm(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                          to_ms(write_timeout_sec_, write_timeout_usec_));
    const int idle_ms = int(keep_alive_timeout_sec_ * 1000);
    auto stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
    for (size_t left = keep_alive_max_count_; left > 0 && strm.wait_request(idle_ms, stopping); --left) {
      bool closed = false;
      size_t took = 0;
      if (!plain_routes_.empty()) {
        if (!strm.fill()) break;
        took = serve_plain(strm.buffered(), strm, left == 1, &closed);
      }
      if (took > 0) {
        strm.consume(took);
        ret = true;
      } else {
        ret = process_request(strm, left == 1, closed, nullptr);
      }
      ret = strm.flush() && ret;
      if (!ret || closed) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace hashsieve::server

// cpp-httplib's server with its own connection stream. The library's stream polls before every
// read and write (six polls a keep-alive request), looks up both socket addresses per request,
// and sends a response's header block and body as two writes, so two TCP segments and two
// wake-ups of the client. This stream buffers a response and sends it with one write when the
// request is done (or before the next read, so "100 Continue" still goes out), reads without a
// poll when data is already there, and reads the addresses once per connection. Parsing,
// routing and response writing stay the library's, except for plain GETs of the routes added
// with plain_get (server/plain_get.h).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>

namespace hashsieve::server {

class HttpServer : public httplib::Server {
 public:
  // A GET route, also answered without the library's parser when the request is plain. The
  // pre-routing, error, exception and logger hooks run for it as for any route, so they must be set
  // through this class (these hide the library's setters, and call them). Not honoured on the
  // plain path: the library's post-routing hook, default headers, mount points, compression.
  void plain_get(const std::string& path, Handler handler);
  HttpServer& set_pre_routing_handler(HandlerWithResponse handler);
  HttpServer& set_exception_handler(ExceptionHandler handler);
  HttpServer& set_error_handler(HandlerWithResponse handler);
  HttpServer& set_logger(httplib::Logger logger);

 private:
  // Answers a plain request held in `bytes` (the start of what the connection has buffered):
  // writes the answer to strm and returns how many bytes the request took, or 0 when the request
  // is not plain or not for a plain route (nothing is written then). `closed`: the connection
  // must close after this answer.
  size_t serve_plain(std::string_view bytes, httplib::Stream& strm, bool last, bool* closed);

  // The library's entry point for an accepted connection, run on a worker: the keep-alive loop.
  bool process_and_close_socket(socket_t sock) override;

  std::vector<std::pair<std::string, Handler>> plain_routes_;
  HandlerWithResponse pre_routing_, on_error_;
  ExceptionHandler on_exception_;
  httplib::Logger log_;
};

}  // namespace hashsieve::server

// cpp-httplib's server with its own connection stream. The library's stream polls before every
// read and write (six polls a keep-alive request), looks up both socket addresses per request,
// and sends a response's header block and body as two writes, so two TCP segments and two
// wake-ups of the client. This stream buffers a response and sends it with one write when the
// request is done (or before the next read, so "100 Continue" still goes out), reads without a
// poll when data is already there, and reads the addresses once per connection. Parsing,
// routing and response writing stay the library's.
#pragma once

#include <httplib.h>

namespace hashsieve::server {

class HttpServer : public httplib::Server {
 private:
  // The library's entry point for an accepted connection, run on a worker: the keep-alive loop.
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace hashsieve::server

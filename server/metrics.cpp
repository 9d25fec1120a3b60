#include "server/metrics.h"

#include <cstdio>

namespace hashsieve::server {

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Route& r = routes_[route];
  ++r.by_status[status];
  ++r.count;
  r.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++r.buckets[i];
}

std::string Metrics::render(const IndexGauges& index, int in_flight) const {
  std::string out;
  char num[64];
  auto line = [&](const std::string& name, const std::string& labels, double v) {
    std::snprintf(num, sizeof num, "%.17g", v);
    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + num + "\n";
  };
  out += "# HELP hashsieve_http_requests_total Requests answered, by route and status code.\n"
         "# TYPE hashsieve_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [route, r] : routes_)
    for (const auto& [code, n] : r.by_status)
      line("hashsieve_http_requests_total", "route=\"" + route + "\",code=\"" + std::to_string(code) + "\"", double(n));
  out += "# HELP hashsieve_http_request_duration_seconds Time from routing to response, by route.\n"
         "# TYPE hashsieve_http_request_duration_seconds histogram\n";
  for (const auto& [route, r] : routes_) {
    const std::string l = "route=\"" + route + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(num, sizeof num, "%g", kBuckets[i]);
      line("hashsieve_http_request_duration_seconds_bucket", l + ",le=\"" + num + "\"", double(r.buckets[i]));
    }
    line("hashsieve_http_request_duration_seconds_bucket", l + ",le=\"+Inf\"", double(r.count));
    line("hashsieve_http_request_duration_seconds_sum", l, r.sum);
    line("hashsieve_http_request_duration_seconds_count", l, double(r.count));
  }
  out += "# HELP hashsieve_matches_total List entries reported as matches.\n# TYPE hashsieve_matches_total counter\n";
  line("hashsieve_matches_total", "", double(matches_.load()));
  out += "# HELP hashsieve_http_shed_total Connections answered 503 because every worker was busy.\n"
         "# TYPE hashsieve_http_shed_total counter\n";
  line("hashsieve_http_shed_total", "", double(shed_.load()));
  out += "# HELP hashsieve_http_in_flight Requests being handled.\n# TYPE hashsieve_http_in_flight gauge\n";
  line("hashsieve_http_in_flight", "", in_flight);
  out += "# HELP hashsieve_index_generation The index generation answering.\n# TYPE hashsieve_index_generation gauge\n";
  line("hashsieve_index_generation", "", double(index.generation));
  out += "# HELP hashsieve_index_entries Active entries in the index.\n# TYPE hashsieve_index_entries gauge\n";
  line("hashsieve_index_entries", "", double(index.entries));
  out += "# HELP hashsieve_index_built_timestamp_seconds When the index generation was built.\n"
         "# TYPE hashsieve_index_built_timestamp_seconds gauge\n";
  line("hashsieve_index_built_timestamp_seconds", "", double(index.built_at_ms) / 1000.0);
  out += "# HELP hashsieve_index_reloads_total Index reloads after the lists changed.\n"
         "# TYPE hashsieve_index_reloads_total counter\n";
  line("hashsieve_index_reloads_total", "", double(index.reloads));
  out += "# HELP hashsieve_index_reload_failures_total Reloads that failed (the old generation kept serving).\n"
         "# TYPE hashsieve_index_reload_failures_total counter\n";
  line("hashsieve_index_reload_failures_total", "", double(index.reload_failures));
  return out;
}

}  // namespace hashsieve::server

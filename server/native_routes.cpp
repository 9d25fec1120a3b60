// hashsieve's own endpoints: /v1/scan (image bytes -> the full scan result), /v1/match (a batch
// of hashes), /healthz, /metrics (Prometheus text).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hashsieve/pdq.h"
#include "server/http_util.h"
#include "server/service_impl.h"

namespace hashsieve::server {
namespace {

using nlohmann::json;

constexpr size_t kMaxBatch = 10000;

json match_json(const ScanMatch& m) {
  json j{{"list", m.list},
         {"entry_id", m.entry_id},
         {"bank_content_id", content_id(m.list, m.entry_id)},
         {"distance", m.distance},
         {"transform", dihedral_name(m.transform)}};
  if (!m.metadata.empty()) {
    json meta = json::parse(m.metadata, nullptr, false);
    j["metadata"] = meta.is_discarded() ? json(m.metadata) : meta;
  }
  return j;
}

json matches_json(const ScanResult& r) {
  json out = json::array();
  for (const ScanMatch& m : r.matches) out.push_back(match_json(m));
  return out;
}

std::vector<std::string> lists_param(const httplib::Request& req) {
  return req.has_param("lists") ? split_commas(req.get_param_value("lists")) : std::vector<std::string>{};
}

int status_for(const Status& st) {
  switch (st.code()) {
    case StatusCode::kCancelled: return 503;
    case StatusCode::kInternal:
    case StatusCode::kIoError:
    case StatusCode::kCorruption: return 500;
    default: return 400;
  }
}

}  // namespace

void add_native_routes(Service::Impl& s) {
  auto& http = s.http;

  http.Get("/healthz", [&s](const httplib::Request&, httplib::Response& res) {
    const LiveStatus st = s.index->status();
    send_json(res, 200, json{{"status", "ok"}, {"generation", st.generation.number}, {"entries", st.generation.entries}}.dump());
  });

  http.Get("/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s.metrics.render(s.gauges(), s.in_flight.load()), "text/plain; version=0.0.4");
  });

  // The body is the image itself. ?lists=a,b narrows the lists; ?include_hash=true adds the
  // upload's hash (sensitive: off by default).
  http.Post("/v1/scan", [&s](const httplib::Request& req, httplib::Response& res) {
    bool include_hash = false;
    if (req.has_param("include_hash")) {
      auto b = parse_bool(req.get_param_value("include_hash"));
      if (!b) return send_error(res, 400, "include_hash: expected true or false");
      include_hash = *b;
    }
    if (req.body.empty()) return send_error(res, 400, "the request body must be the image bytes");
    ScanResult r = s.index->scanner().scan_buffer(reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size(),
                                                  s.call_for(lists_param(req)));
    json out{{"outcome", scan_outcome_name(r.outcome)}, {"generation", r.generation}};
    if (r.outcome == ScanOutcome::kError) {
      out["error"] = {{"code", status_code_name(r.status.code())}, {"message", r.status.message()}};
      if (r.status.code() == StatusCode::kCancelled) res.set_header("Retry-After", "1");
      return send_json(res, status_for(r.status), out.dump());
    }
    out["quality"] = r.quality;
    out["width"] = r.width;
    out["height"] = r.height;
    if (r.reduced) out["reduced"] = true;
    if (include_hash) out["hash"] = to_hex(r.hash);
    out["matches"] = matches_json(r);
    s.metrics.add_matches(r.matches.size());
    send_json(res, 200, out.dump());
  });

  // {"hashes": ["<64 hex>", ...], "lists": ["a", ...]?} -> one result per hash, in order; a bad
  // hash gets its own error and the others are still matched.
  http.Post("/v1/match", [&s](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("hashes") || !body["hashes"].is_array())
      return send_error(res, 400, "expected a JSON object with \"hashes\": [\"<64 hex digits>\", ...]");
    const json& hashes = body["hashes"];
    if (hashes.size() > kMaxBatch)
      return send_error(res, 413, "at most " + std::to_string(kMaxBatch) + " hashes per request");
    std::vector<std::string> lists;
    if (body.contains("lists")) {
      if (!body["lists"].is_array()) return send_error(res, 400, "\"lists\" must be an array of list names");
      for (const auto& l : body["lists"]) {
        if (!l.is_string()) return send_error(res, 400, "\"lists\" must be an array of list names");
        lists.push_back(l.get<std::string>());
      }
    }
    const ScanCall call = s.call_for(lists);
    json results = json::array();
    uint64_t generation = 0;
    for (const auto& h : hashes) {
      std::string why;
      std::optional<Hash256> hash;
      if (h.is_string()) hash = parse_pdq_signal(h.get<std::string>(), &why);
      if (!hash) {
        results.push_back({{"error", why.empty() ? "not a string" : why}});
        continue;
      }
      ScanResult r;
      {
        ComputeGate::Pass pass(*s.searches);  // per hash: a large batch does not hold a place long
        r = s.index->scanner().match_hash(*hash, -1, call);
      }
      if (r.outcome == ScanOutcome::kError) {
        if (r.status.code() == StatusCode::kInvalidArgument)  // e.g. an unknown list: the whole call is wrong
          return send_error(res, 400, r.status.message());
        results.push_back({{"error", r.status.to_string()}});
        continue;
      }
      generation = r.generation;
      s.metrics.add_matches(r.matches.size());
      results.push_back({{"matches", matches_json(r)}});
    }
    send_json(res, 200, json{{"generation", generation}, {"results", results}}.dump());
  });
}

}  // namespace hashsieve::server

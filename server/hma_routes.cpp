// HMA 2.0's endpoints (OpenMediaMatch blueprints matching, hashing, status), answered with the
// shapes its code defines: string distances, banks without matches omitted, {"message": ...}
// errors, 422 for a missing required query parameter. A bank is a list; the PDQ radius is each
// list's own (31 by default, HMA's fixed threshold).
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/http_util.h"
#include "server/service_impl.h"
#include "server/upload.h"

namespace hashsieve::server {
namespace {

using nlohmann::json;

constexpr const char* kNoFetching =
    "fetching by url is not supported: this service never fetches from the network; upload the bytes "
    "(multipart, field name photo) or send the signal";

bool require(const httplib::Request& req, httplib::Response& res, const char* name) {
  if (req.has_param(name)) return true;
  send_error(res, 422, std::string(name) + " is required");
  return false;
}

// An error of a scan or match call as an HTTP answer.
void send_scan_error(httplib::Response& res, const Status& st) {
  switch (st.code()) {
    case StatusCode::kCancelled:
      res.set_header("Retry-After", "1");
      send_error(res, 503, "the request ran past its deadline");
      return;
    case StatusCode::kDecodeFailed:
    case StatusCode::kImageTooSmall:
    case StatusCode::kImageTooLarge:
    case StatusCode::kInvalidArgument:
      send_error(res, 400, "cannot hash the upload: " + st.message());
      return;
    default:
      send_error(res, 500, st.to_string());
  }
}

// Checks signal_type and signal; on failure answers and returns nullopt.
std::optional<Hash256> signal_param(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_param_value("signal_type");
  if (type != "pdq") {
    send_error(res, 400, "No such SignalType '" + type + "'");
    return std::nullopt;
  }
  std::string why;
  auto h = parse_pdq_signal(req.get_param_value("signal"), &why);
  if (!h) send_error(res, 400, "invalid signal: " + why);
  return h;
}

// The lists a request's `banks` parameter selects; nullopt when it names none that is loaded.
std::optional<std::vector<std::string>> bank_filter(const Service::Impl& s, const httplib::Request& req) {
  if (!req.has_param("banks") || req.get_param_value("banks").empty()) return std::vector<std::string>{};
  auto lists = loaded_subset(s.index->scanner(), split_commas(req.get_param_value("banks")));
  if (lists.empty()) return std::nullopt;
  return lists;
}

// {"BANK": [{"bank_content_id": N, "distance": "D"}]}, only banks with matches.
json by_bank(const ScanResult& r) {
  json out = json::object();
  for (const ScanMatch& m : r.matches)
    out[m.list].push_back({{"bank_content_id", content_id(m.list, m.entry_id)}, {"distance", std::to_string(m.distance)}});
  return out;
}

// Scans the request's upload; answers errors itself and returns false then.
bool scan_upload(Service::Impl& s, const httplib::Request& req, httplib::Response& res,
                 const std::vector<std::string>& lists, ScanResult* out) {
  if (req.has_param("url")) {
    send_error(res, 400, kNoFetching);
    return false;
  }
  Upload up = find_upload(req);
  if (up.error_status) {
    send_error(res, up.error_status, up.error);
    return false;
  }
  *out = s.index->scanner().scan_buffer(reinterpret_cast<const uint8_t*>(up.bytes->data()), up.bytes->size(),
                                        s.call_for(lists));
  if (out->outcome == ScanOutcome::kError) {
    send_scan_error(res, out->status);
    return false;
  }
  return true;
}

}  // namespace

void add_hma_routes(Service::Impl& s) {
  auto& http = s.http;

  http.Get("/status/live", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("I-AM-ALIVE", "text/plain");
  });

  http.Get("/status", [&s](const httplib::Request&, httplib::Response& res) {
    if (s.index_stale()) {
      res.status = 503;
      res.set_content("INDEX-STALE", "text/plain");
      return;
    }
    res.set_content("I-AM-ALIVE", "text/plain");
  });

  http.plain_get("/m/raw_lookup", [&s](const httplib::Request& req, httplib::Response& res) {
    if (!require(req, res, "signal") || !require(req, res, "signal_type")) return;
    bool with_distance = false;
    if (req.has_param("include_distance")) {
      auto b = parse_bool(req.get_param_value("include_distance"));
      if (!b) return send_error(res, 400, "invalid boolean parameter - prefer true/false");
      with_distance = *b;
    }
    auto hash = signal_param(req, res);
    if (!hash) return;
    auto lists = bank_filter(s, req);
    json matches = json::array();
    if (lists) {
      ScanResult r;
      {
        ComputeGate::Pass pass(*s.searches);
        r = s.index->scanner().match_hash(*hash, -1, s.call_for(*lists));
      }
      if (r.outcome == ScanOutcome::kError) return send_scan_error(res, r.status);
      s.metrics.add_matches(r.matches.size());
      for (const ScanMatch& m : r.matches)
        if (with_distance)
          matches.push_back({{"bank_content_id", content_id(m.list, m.entry_id)}, {"distance", std::to_string(m.distance)}});
        else
          matches.push_back(content_id(m.list, m.entry_id));
    }
    send_json(res, 200, json{{"matches", matches}}.dump());
  });

  http.plain_get("/m/lookup", [&s](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("url")) return send_error(res, 400, kNoFetching);
    if (req.get_param_value("signal").empty() || req.get_param_value("signal_type").empty())
      return send_error(res, 400, "Either url or both signal and signal_type are required");
    auto hash = signal_param(req, res);
    if (!hash) return;
    auto lists = bank_filter(s, req);
    if (!lists) return send_json(res, 200, "{}");
    ScanResult r;
    {
      ComputeGate::Pass pass(*s.searches);
      r = s.index->scanner().match_hash(*hash, -1, s.call_for(*lists));
    }
    if (r.outcome == ScanOutcome::kError) return send_scan_error(res, r.status);
    s.metrics.add_matches(r.matches.size());
    send_json(res, 200, by_bank(r).dump());
  });

  http.Post("/m/lookup", [&s](const httplib::Request& req, httplib::Response& res) {
    auto lists = bank_filter(s, req);
    ScanResult r;
    if (!scan_upload(s, req, res, lists ? *lists : std::vector<std::string>{}, &r)) return;
    if (!lists) r.matches.clear();  // the banks asked for are not loaded: nothing can match
    s.metrics.add_matches(r.matches.size());
    send_json(res, 200, json{{"pdq", by_bank(r)}}.dump());
  });

  http.Post("/h/hash", [&s](const httplib::Request& req, httplib::Response& res) {
    ScanResult r;
    if (!scan_upload(s, req, res, {}, &r)) return;
    if (req.has_param("types")) {
      bool pdq = false;
      for (const auto& t : split_commas(req.get_param_value("types"))) pdq = pdq || t == "pdq";
      if (!pdq) return send_json(res, 200, "{}");
    }
    // HMA's PDQ hasher gives "" for a photo under quality 50.
    const std::string hex = r.outcome == ScanOutcome::kLowQuality ? "" : to_hex(r.hash);
    send_json(res, 200, json{{"pdq", hex}}.dump());
  });

  http.Get("/h/hash", [](const httplib::Request& req, httplib::Response& res) {
    if (!require(req, res, "url")) return;
    send_error(res, 400, kNoFetching);
  });

  http.Get("/m/index/status", [&s](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("signal_type") && req.get_param_value("signal_type") != "pdq")
      return send_error(res, 400, "No such signal type '" + req.get_param_value("signal_type") + "'");
    const GenerationInfo g = s.index->status().generation;
    json pdq{{"present", true}, {"built_to", g.built_at_ms / 1000}, {"size", g.entries}};
    send_json(res, 200, json{{"pdq", pdq}}.dump());
  });

  http.Post("/m/compare", [](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "Request input was not a dict");
    json out = json::object();
    for (auto& [type, pair] : body.items()) {
      if (!pair.is_array()) return send_error(res, 400, "Comparison hashes for " + type + " was not a list");
      if (pair.size() != 2) return send_error(res, 400, "Comparison hash list length must be exactly 2");
      if (type != "pdq") return send_error(res, 400, "No such SignalType '" + type + "'");
      std::string why;
      std::optional<Hash256> a, b;
      if (pair[0].is_string()) a = parse_pdq_signal(pair[0].get<std::string>(), &why);
      if (a && pair[1].is_string()) b = parse_pdq_signal(pair[1].get<std::string>(), &why);
      if (!a || !b) return send_error(res, 400, "Invalid pdq hash: " + (why.empty() ? "not a string" : why));
      const int d = hamming_distance(*a, *b);
      out[type] = json::array({d <= kDefaultMatchRadius, {{"distance", d}}});
    }
    send_json(res, 200, out.dump());
  });

  // Exchanges drive python-threatexchange's fetchers; here lists arrive by `hashsieve list import`.
  auto exchanges = [](const httplib::Request&, httplib::Response& res) {
    send_error(res, 501, "exchanges are not supported: import lists with `hashsieve list import`");
  };
  for (const char* p : {"/c/exchanges", R"(/c/exchanges/.*)", R"(/c/exchange/.*)"}) {
    http.Get(p, exchanges);
    http.Post(p, exchanges);
    http.Put(p, exchanges);
    http.Delete(p, exchanges);
  }
}

}  // namespace hashsieve::server

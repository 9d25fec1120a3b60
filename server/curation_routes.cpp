// HMA's curation endpoints over the store: a bank is a list, bank content is a list entry whose id
// is a stable integer. The store has one writer process at a time, and `hashsieve list import`
// from cron may be it: each curation write opens the writer for that request only and answers
// 503 + Retry-After when another process holds it. Writes made here are served at once (the
// live scanner is checked right after); reads use a fresh read-only view.
#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/http_util.h"
#include "server/service_impl.h"
#include "server/upload.h"

namespace hashsieve::server {
namespace {

using nlohmann::json;

json bank_json(const std::string& name) { return {{"name", name}, {"matching_enabled_ratio", 1.0}}; }

bool valid_bank_name(const std::string& name) {
  static const std::regex kName("^[A-Z_][A-Z0-9_]*$");
  return std::regex_match(name, kName);
}

class Curation {
 public:
  explicit Curation(Service::Impl& s) : s_(s) {}

  // The store opened for one request: the writer (write = true) or a read-only view.
  std::unique_ptr<HashStore> open(bool write, httplib::Response& res) {
    StoreOptions so = s_.options.store;
    so.read_only = !write;
    so.create_if_missing = false;
    auto store = HashStore::Open(s_.options.db, so);
    if (store.ok()) return std::move(*store);
    if (write && store.status().code() == StatusCode::kIoError) {
      res.set_header("Retry-After", "5");
      send_error(res, 503,
                 "the lists are being written by another process (e.g. `hashsieve list import`); retry shortly");
    } else {
      send_error(res, 500, "cannot open the lists: " + store.status().message());
    }
    return nullptr;
  }
  // After a write: close the writer and serve the write now rather than at the next poll. A
  // reader's refresh racing the writer's close can still see the state before it, or fail to
  // follow it (a retryable RocksDB error), so check again until the served generation has reached
  // the writer's data version. The cap is generous: a slow machine may need several checks.
  void written(std::unique_ptr<HashStore> writer) {
    auto version = writer->data_version();
    const uint64_t seq = version.ok() ? *version : 0;  // 0: the first check that succeeds is enough
    writer.reset();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto g = s_.index->check_now();
      if ((g.ok() && g->store_version >= seq) || std::chrono::steady_clock::now() > until) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // New content ids: microseconds since the epoch, strictly increasing, under 2^53 for 200 years.
  std::string next_id() {
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    last_id_ = std::max(last_id_ + 1, now);
    return std::to_string(last_id_);
  }

  std::mutex write_mu;  // one writer from this process at a time

 private:
  Service::Impl& s_;
  int64_t last_id_ = 0;
};

// Finds entry `id` of `list` (a scan of the list: curation is not the hot path).
std::optional<ListEntry> find_entry(const HashStore& store, const std::string& list, const std::string& id) {
  std::optional<ListEntry> found;
  (void)store.for_each_entry(list, [&](const ListEntry& e) {
    if (e.entry_id != id) return true;
    found = e;
    return false;
  });
  return found;
}

json content_json(const std::string& bank, const ListEntry& e, bool signals, bool metadata) {
  json j{{"id", content_id(bank, e.entry_id)},
         {"disable_until_ts", e.state == EntryState::kActive ? 1 : 0},
         {"original_media_uri", nullptr},
         {"bank", bank_json(bank)}};
  if (signals && e.has_hash) j["signals"] = {{"pdq", to_hex(e.hash)}};
  if (!e.metadata.empty()) {
    json m = json::parse(e.metadata, nullptr, false);
    if (m.is_object() && m.contains("note")) j["note"] = m["note"];
    if (metadata && m.is_object() && m.contains("metadata")) j["metadata"] = m["metadata"];
  }
  return j;
}

}  // namespace

void add_curation_routes(Service::Impl& s) {
  auto& http = s.http;
  auto cur = std::make_shared<Curation>(s);

  http.Get("/c/banks", [cur](const httplib::Request&, httplib::Response& res) {
    auto store = cur->open(false, res);
    if (!store) return;
    auto lists = store->lists();
    if (!lists.ok()) return send_error(res, 500, lists.status().message());
    json out = json::array();
    for (const ListInfo& l : *lists) out.push_back(bank_json(l.name));
    send_json(res, 200, out.dump());
  });

  http.Post("/c/banks", [cur](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
      return send_error(res, 400, "name is required");
    const std::string name = body["name"];
    if (!valid_bank_name(name)) return send_error(res, 400, "Bank names must be UPPER_WITH_UNDERSCORE (^[A-Z_][A-Z0-9_]*$)");
    if ((body.contains("enabled_ratio") && body["enabled_ratio"] != 1.0 && body["enabled_ratio"] != 1) ||
        (body.contains("enabled") && body["enabled"] == false))
      return send_error(res, 400, "only fully enabled banks are supported (enabled_ratio 1.0)");
    std::lock_guard<std::mutex> lock(cur->write_mu);
    auto store = cur->open(true, res);
    if (!store) return;
    auto made = store->create_list(name, kDefaultMatchRadius, "curation");
    if (!made.ok() && made.status().code() == StatusCode::kAlreadyExists) return send_error(res, 403, "Bank already exists");
    if (!made.ok()) return send_error(res, 400, made.status().message());
    cur->written(std::move(store));
    send_json(res, 201, bank_json(name).dump());
  });

  http.Get(R"(/c/bank/([^/]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    auto store = cur->open(false, res);
    if (!store) return;
    if (!store->get_list(name).ok()) return send_error(res, 404, "bank '" + name + "' not found");
    send_json(res, 200, bank_json(name).dump());
  });

  http.Put(R"(/c/bank/([^/]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "expected a JSON object");
    auto store = cur->open(false, res);
    if (!store) return;
    if (!store->get_list(name).ok()) return send_error(res, 404, "Bank not found");
    if (body.contains("name") && body["name"] != name) return send_error(res, 400, "renaming a bank is not supported");
    if ((body.contains("enabled_ratio") && body["enabled_ratio"] != 1.0 && body["enabled_ratio"] != 1) ||
        (body.contains("enabled") && body["enabled"] == false))
      return send_error(res, 400, "only fully enabled banks are supported (enabled_ratio 1.0)");
    send_json(res, 200, bank_json(name).dump());
  });

  http.Delete(R"(/c/bank/([^/]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    std::lock_guard<std::mutex> lock(cur->write_mu);
    auto store = cur->open(true, res);
    if (!store) return;
    const Status st = store->drop_list(name);
    if (!st.ok() && st.code() != StatusCode::kNotFound) return send_error(res, 500, st.message());
    cur->written(std::move(store));
    send_json(res, 200, R"({"message":"Done"})");  // also when there was no such bank, as HMA
  });

  // Adds one entry with a new id to `bank`; answers the request.
  auto add = [cur](const std::string& bank, const Hash256& hash, const json& extra, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(cur->write_mu);
    auto store = cur->open(true, res);
    if (!store) return;
    if (!store->get_list(bank).ok()) return send_error(res, 404, "bank '" + bank + "' not found");
    ListEntry e;
    e.entry_id = cur->next_id();
    e.has_hash = true;
    e.hash = hash;
    if (!extra.empty()) e.metadata = extra.dump();
    auto r = store->import_batch(bank, {e});
    if (!r.ok()) return send_error(res, 500, r.status().message());
    cur->written(std::move(store));
    send_json(res, 200, json{{"id", std::stoll(e.entry_id)}, {"signals", {{"pdq", to_hex(hash)}}}}.dump());
  };

  http.Post(R"(/c/bank/([^/]+)/signal)", [add](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "expected a JSON object");
    json extra = json::object();
    if (body.contains("note")) {
      if (!body["note"].is_string()) return send_error(res, 400, "note should be a string");
      if (body["note"].get<std::string>().size() > 255) return send_error(res, 400, "note must be at most 255 characters");
      extra["note"] = body["note"];
      body.erase("note");
    }
    if (body.empty()) return send_error(res, 400, "No signals given");
    for (auto& [type, value] : body.items())
      if (type != "pdq") return send_error(res, 400, "No such signal type " + type);
    std::string why;
    auto hash = body["pdq"].is_string() ? parse_pdq_signal(body["pdq"], &why) : std::nullopt;
    if (!hash) return send_error(res, 400, "Invalid pdq signal: " + (why.empty() ? "not a string" : why));
    add(req.matches[1], *hash, extra, res);
  });

  http.Post(R"(/c/bank/([^/]+)/content)", [&s, add](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("url"))
      return send_error(res, 400, "fetching by url is not supported: upload the bytes (multipart, field name photo)");
    Upload up = find_upload(req);
    if (up.error_status) return send_error(res, 400, "Neither `url` nor multipart file upload was received");
    json extra = json::object();
    if (req.has_file("metadata")) {
      json m = json::parse(req.get_file_value("metadata").content, nullptr, false);
      if (m.is_discarded()) return send_error(res, 400, "metadata form field must be valid JSON");
      if (!m.is_object()) return send_error(res, 400, "metadata should be a json object");
      extra["metadata"] = m;
    }
    if (req.has_file("note")) {
      const std::string note = req.get_file_value("note").content;
      if (note.size() > 255) return send_error(res, 400, "note must be at most 255 characters");
      extra["note"] = note;
    }
    ScanResult r = s.index->scanner().scan_buffer(reinterpret_cast<const uint8_t*>(up.bytes->data()), up.bytes->size(),
                                                  s.call_for({}));
    if (r.outcome == ScanOutcome::kError) return send_error(res, 400, "cannot hash the upload: " + r.status.message());
    if (r.outcome == ScanOutcome::kLowQuality)
      return send_error(res, 400, "Invalid pdq signal: the photo's PDQ quality is under 50");
    add(req.matches[1], r.hash, extra, res);
  });

  // GET / PUT / DELETE one content item. Ids are looked up as the entry id of that number.
  http.Get(R"(/c/bank/([^/]+)/content/([0-9]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string bank = req.matches[1], id = req.matches[2];
    auto store = cur->open(false, res);
    if (!store) return;
    if (!store->get_list(bank).ok()) return send_error(res, 404, "bank '" + bank + "' not found");
    auto e = find_entry(*store, bank, id);
    if (!e) return send_error(res, 404, "content '" + id + "' not found");
    const bool signals = req.get_param_value("include_signals") == "true";
    const bool metadata = !req.has_param("include_metadata") || req.get_param_value("include_metadata") == "true";
    send_json(res, 200, content_json(bank, *e, signals, metadata).dump());
  });

  http.Put(R"(/c/bank/([^/]+)/content/([0-9]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string bank = req.matches[1], id = req.matches[2];
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "expected a JSON object");
    std::lock_guard<std::mutex> lock(cur->write_mu);
    auto store = cur->open(true, res);
    if (!store) return;
    if (!store->get_list(bank).ok()) return send_error(res, 404, "bank '" + bank + "' not found");
    auto e = find_entry(*store, bank, id);
    if (!e) return send_error(res, 404, "content '" + id + "' not found");
    if (body.contains("disable_until_ts")) {
      const json& t = body["disable_until_ts"];
      if (!t.is_number_integer() || t.get<int64_t>() < 0)
        return send_error(res, 400, "disable_until_ts must be a non-negative integer");
      if (t.get<int64_t>() > 1)
        return send_error(res, 400, "disable_until_ts: only 0 (disabled) and 1 (enabled) are supported here");
      e->state = t.get<int64_t>() == 0 ? EntryState::kWithdrawn : EntryState::kActive;
    }
    if (body.contains("note")) {
      if (!body["note"].is_string() || body["note"].get<std::string>().size() > 255)
        return send_error(res, 400, "note should be a string of at most 255 characters");
      json m = e->metadata.empty() ? json::object() : json::parse(e->metadata, nullptr, false);
      if (!m.is_object()) m = json::object();
      m["note"] = body["note"];
      e->metadata = m.dump();
    }
    auto r = store->import_batch(bank, {*e});
    if (!r.ok()) return send_error(res, 500, r.status().message());
    cur->written(std::move(store));
    send_json(res, 200, content_json(bank, *e, false, true).dump());
  });

  // Deleted content stops matching at once; it is withdrawn, kept for the audit trail until
  // `hashsieve list purge`.
  http.Delete(R"(/c/bank/([^/]+)/content/([0-9]+))", [cur](const httplib::Request& req, httplib::Response& res) {
    const std::string bank = req.matches[1], id = req.matches[2];
    std::lock_guard<std::mutex> lock(cur->write_mu);
    auto store = cur->open(true, res);
    if (!store) return;
    if (!store->get_list(bank).ok()) return send_error(res, 404, "bank '" + bank + "' not found");
    auto r = store->withdraw(bank, {id});
    if (!r.ok()) return send_error(res, 500, r.status().message());
    cur->written(std::move(store));
    send_json(res, 200, json{{"deleted", r->withdrawn}}.dump());
  });
}

}  // namespace hashsieve::server

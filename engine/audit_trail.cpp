#include "hashsieve/audit_trail.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "common/api_guard.h"
#include "common/text_escape.h"
#include "hashsieve/list_formats.h"

namespace hashsieve {
namespace {

constexpr size_t kFlushEvery = 64;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Our own records only: `"name":` followed by digits, or by a string without quotes or escapes.
uint64_t number_field(const std::string& text, const std::string& name) {
  const size_t at = text.find("\"" + name + "\":");
  return at == std::string::npos ? 0 : std::strtoull(text.c_str() + at + name.size() + 3, nullptr, 10);
}
std::string string_field(const std::string& text, const std::string& name) {
  const size_t at = text.find("\"" + name + "\":\"");
  if (at == std::string::npos) return "";
  const size_t from = at + name.size() + 4, to = text.find('"', from);
  return to == std::string::npos ? "" : text.substr(from, to - from);
}

}  // namespace

AuditTrail::AuditTrail(HashStore* store, std::string operator_name, std::string batch_id, std::string state_file,
                       uint64_t resumed_from)
    : store_(store), operator_(std::move(operator_name)), batch_(std::move(batch_id)),
      state_file_(std::move(state_file)), resumed_from_(resumed_from), started_ms_(now_ms()) {
  if (operator_.empty()) {
    const char* user = std::getenv("USER");
    operator_ = user && *user ? user : "unknown";
  }
  if (!state_file_.empty()) {
    std::error_code ec;
    const auto abs = std::filesystem::absolute(state_file_, ec);
    if (!ec) state_file_ = abs.lexically_normal().string();
  }
}

Status AuditTrail::start() noexcept {
  if (!store_) return Status::Ok();
  return guard_status([&] { return find_batch(); });
}

Status AuditTrail::find_batch() {
  // Takes the audit log's writer lock now: a second audited scan is refused before it scans.
  if (Status s = store_->append_audit({}); !s.ok()) return s;
  // Runs of one state file: "run-0", "run-1", ... each naming its batch; the newest is current.
  const std::string runs = "scan-state:" + state_file_;
  uint64_t run = 0;
  std::string current;
  if (!state_file_.empty()) {
    for (;; ++run) {
      auto r = store_->get_audit(runs, "run-" + std::to_string(run));
      if (r.status().code() == StatusCode::kNotFound) break;
      if (!r.ok()) return r.status();
      current = *r;
    }
  }
  // A state file that says "done N" continues its batch; so does one killed before its first save
  // (done 0) whose batch has no closing record yet: the items it recorded are recorded again as
  // no-ops.
  bool resume = resumed_from_ > 0 && !current.empty();
  if (!resume && !current.empty()) {
    auto closed = store_->get_audit(string_field(current, "batch"), "batch");
    if (!closed.ok() && closed.status().code() != StatusCode::kNotFound) return closed.status();
    resume = !closed.ok() && (batch_.empty() || batch_ == string_field(current, "batch"));
  }
  if (resume) {
    if (batch_.empty()) batch_ = string_field(current, "batch");
    started_ms_ = int64_t(number_field(current, "started_ms"));
    auto p = store_->get_audit(batch_, progress_key(resumed_from_));
    if (p.ok()) {
      base_ = AuditCounts{number_field(*p, "items"), number_field(*p, "matched"), number_field(*p, "low_quality"),
                          number_field(*p, "failed")};
    } else if (p.status().code() != StatusCode::kNotFound) {
      return p.status();
    }
    return Status::Ok();
  }
  if (batch_.empty()) batch_ = std::to_string(started_ms_) + "-" + std::to_string(::getpid());
  if (state_file_.empty()) return Status::Ok();
  return store_->append_audit({AuditRecord{runs, "run-" + std::to_string(run),
                                           "{\"type\":\"run\",\"batch\":" + json_quote(batch_) +
                                               ",\"started_ms\":" + std::to_string(started_ms_) +
                                               ",\"state\":" + json_quote(state_file_) + "}"}});
}

AuditTrail::~AuditTrail() = default;

void AuditTrail::record(const ScanResult& r) noexcept {
  if (!store_ || r.outcome != ScanOutcome::kMatch) return;
  Status st = guard_status([&] {
    append_matches(r);
    return Status::Ok();
  });
  if (!st.ok() && error_.ok()) error_ = std::move(st);
}

void AuditTrail::append_matches(const ScanResult& r) {
  const std::string item = std::to_string(resumed_from_ + r.index);
  for (const ScanMatch& m : r.matches) {
    std::string text = "{\"type\":\"match\",\"batch\":" + json_quote(batch_) + ",\"item\":" + item +
                       ",\"path\":" + json_quote(r.path) + ",\"list\":" + json_quote(m.list) +
                       ",\"entry_id\":" + json_quote(m.entry_id) + ",\"distance\":" + std::to_string(m.distance) +
                       ",\"transform\":\"" + dihedral_name(m.transform) + "\",\"generation\":" +
                       std::to_string(r.generation) + (r.reduced ? ",\"canonical\":false" : "");
    if (!m.metadata.empty()) {
      text += ",\"metadata\":";
      append_metadata_json(m.metadata, &text);
    }
    text += "}";
    pending_.push_back(AuditRecord{batch_, "match-" + item + "\n" + m.list + "\n" + m.entry_id, std::move(text)});
  }
  if (pending_.size() >= kFlushEvery && error_.ok()) error_ = flush();
}

Status AuditTrail::flush() {
  if (pending_.empty()) return Status::Ok();
  Status s = store_->append_audit(pending_);
  pending_.clear();
  return s;
}

Status AuditTrail::checkpoint(uint64_t done, const AuditCounts& c) noexcept {
  if (!store_) return Status::Ok();
  if (!error_.ok()) return error_;
  return error_ = guard_status([&] {
    pending_.push_back(AuditRecord{
        batch_, progress_key(done),
        "{\"type\":\"progress\",\"batch\":" + json_quote(batch_) + ",\"items\":" + std::to_string(base_.items + c.items) +
            ",\"matched\":" + std::to_string(base_.matched + c.matched) +
            ",\"low_quality\":" + std::to_string(base_.low_quality + c.low_quality) +
            ",\"failed\":" + std::to_string(base_.failed + c.failed) + "}"});
    return flush();
  });
}

Status AuditTrail::finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& run) noexcept {
  if (!store_) return Status::Ok();
  if (!error_.ok()) return error_;
  return guard_status([&] { return write_batch(gen, scan, run); });
}

Status AuditTrail::write_batch(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& run) {
  const AuditCounts c{base_.items + run.items, base_.matched + run.matched, base_.low_quality + run.low_quality,
                      base_.failed + run.failed};
  std::string lists;
  for (const auto& [name, active] : gen.lists) {
    auto info = store_->get_list(name);
    lists += std::string(lists.empty() ? "" : ",") + "{\"name\":" + json_quote(name) +
             ",\"active\":" + std::to_string(active) +
             ",\"updated_ms\":" + std::to_string(info.ok() ? info->updated_ms : 0) + "}";
  }
  pending_.push_back(AuditRecord{
      batch_, "batch",
      "{\"type\":\"batch\",\"batch\":" + json_quote(batch_) + ",\"operator\":" + json_quote(operator_) +
          ",\"started_ms\":" + std::to_string(started_ms_) + ",\"finished_ms\":" + std::to_string(now_ms()) +
          ",\"generation\":" + std::to_string(gen.number) + ",\"lists\":[" + lists + "],\"radius\":" +
          std::to_string(scan.radius) + ",\"dihedral\":" + (scan.dihedral ? "true" : "false") +
          ",\"fast\":" + (scan.decode == DecodeMode::kFastJpeg ? "true" : "false") +
          ",\"items\":" + std::to_string(c.items) + ",\"matched\":" + std::to_string(c.matched) +
          ",\"low_quality\":" + std::to_string(c.low_quality) + ",\"failed\":" + std::to_string(c.failed) + "}"});
  return flush();
}

}  // namespace hashsieve

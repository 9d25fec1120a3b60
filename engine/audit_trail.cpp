#include "hashsieve/audit_trail.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "common/api_guard.h"
#include "common/text_escape.h"

namespace hashsieve {
namespace {

constexpr size_t kFlushEvery = 64;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

AuditTrail::AuditTrail(HashStore* store, std::string operator_name, std::string batch_id)
    : store_(store), operator_(std::move(operator_name)), batch_(std::move(batch_id)), started_ms_(now_ms()) {
  if (operator_.empty()) {
    const char* user = std::getenv("USER");
    operator_ = user && *user ? user : "unknown";
  }
  if (batch_.empty()) batch_ = std::to_string(started_ms_) + "-" + std::to_string(::getpid());
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
  for (const ScanMatch& m : r.matches) {
    pending_.push_back("{\"type\":\"match\",\"batch\":" + json_quote(batch_) + ",\"path\":" + json_quote(r.path) +
                       ",\"list\":" + json_quote(m.list) + ",\"entry_id\":" + json_quote(m.entry_id) +
                       ",\"distance\":" + std::to_string(m.distance) + ",\"transform\":\"" + dihedral_name(m.transform) +
                       "\",\"generation\":" + std::to_string(r.generation) + (r.reduced ? ",\"canonical\":false" : "") + "}");
  }
  if (pending_.size() >= kFlushEvery && error_.ok()) error_ = flush();
}

Status AuditTrail::flush() {
  if (pending_.empty()) return Status::Ok();
  Status s = store_->append_audit(pending_);
  pending_.clear();
  return s;
}

Status AuditTrail::finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& c) noexcept {
  if (!store_) return Status::Ok();
  if (!error_.ok()) return error_;
  return guard_status([&] { return write_batch(gen, scan, c); });
}

Status AuditTrail::write_batch(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& c) {
  std::string lists;
  for (const auto& [name, active] : gen.lists) {
    auto info = store_->get_list(name);
    lists += std::string(lists.empty() ? "" : ",") + "{\"name\":" + json_quote(name) +
             ",\"active\":" + std::to_string(active) +
             ",\"updated_ms\":" + std::to_string(info.ok() ? info->updated_ms : 0) + "}";
  }
  pending_.push_back(
      "{\"type\":\"batch\",\"batch\":" + json_quote(batch_) + ",\"operator\":" + json_quote(operator_) +
      ",\"started_ms\":" + std::to_string(started_ms_) + ",\"finished_ms\":" + std::to_string(now_ms()) +
      ",\"generation\":" + std::to_string(gen.number) + ",\"lists\":[" + lists + "],\"radius\":" +
      std::to_string(scan.radius) + ",\"dihedral\":" + (scan.dihedral ? "true" : "false") +
      ",\"fast\":" + (scan.decode == DecodeMode::kFastJpeg ? "true" : "false") + ",\"items\":" + std::to_string(c.items) +
      ",\"matched\":" + std::to_string(c.matched) + ",\"low_quality\":" + std::to_string(c.low_quality) +
      ",\"failed\":" + std::to_string(c.failed) + "}");
  return flush();
}

}  // namespace hashsieve

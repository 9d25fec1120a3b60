// The Python Scanner's state, shared by its bindings and the bench helpers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "sources.h"

namespace hashsieve::py {

// Entry metadata for matches, read from the store per list on first use (most scans never ask),
// and dropped on reload.
class MetadataCache {
 public:
  explicit MetadataCache(std::shared_ptr<HashStore> store) : store_(std::move(store)) {}

  // No GIL needed.
  Result<std::string> lookup(const std::string& list, const std::string& entry_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = lists_.find(list);
    if (it == lists_.end()) {
      std::unordered_map<std::string, std::string> meta;
      Status s = store_->for_each_entry(list, [&](const ListEntry& e) {
        if (!e.metadata.empty()) meta.emplace(e.entry_id, e.metadata);
        return true;
      });
      if (!s.ok()) return s;
      it = lists_.emplace(list, std::move(meta)).first;
    }
    auto found = it->second.find(entry_id);
    return found == it->second.end() ? std::string() : found->second;
  }

 private:
  std::shared_ptr<HashStore> store_;
  std::mutex mu_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> lists_;
};

struct PyMatch {
  ScanMatch m;
  bool has_transform = true;  // false for matches of given hashes
  std::shared_ptr<MetadataCache> meta;
};

struct PyScanResult {
  ScanResult r;
  std::shared_ptr<MetadataCache> meta;
};

struct PyScanner {
  std::shared_ptr<HashStore> store;
  std::unique_ptr<Scanner> scanner;
  ChannelOrder order = ChannelOrder::kRgb;
  mutable std::mutex meta_mu;
  std::shared_ptr<MetadataCache> meta;

  std::shared_ptr<MetadataCache> metadata() const {
    std::lock_guard<std::mutex> lock(meta_mu);
    return meta;
  }
  const DecodeLimits& limits() const { return scanner->options().limits; }
};

}  // namespace hashsieve::py

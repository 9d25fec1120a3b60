#include "index/list_metadata.h"

namespace hashsieve::lists {

std::string meta_text(const Meta& m) {
  if (m.is_null() || (m.is_object() && m.empty())) return "";
  return m.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string normalize_metadata(std::string_view text) {
  if (text.empty()) return "";
  Meta m = Meta::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  // Text that is not JSON is kept as a JSON string, so stored metadata is always JSON.
  if (m.is_discarded()) return meta_text(Meta(std::string(text)));
  return meta_text(m);
}

Meta split_tags(std::string_view labels) {
  Meta tags = Meta::array();
  size_t b = 0;
  while (b < labels.size()) {
    size_t e = labels.find(' ', b);
    if (e == std::string_view::npos) e = labels.size();
    if (e > b) tags.push_back(std::string(labels.substr(b, e - b)));
    b = e + 1;
  }
  return tags;
}

}  // namespace hashsieve::lists

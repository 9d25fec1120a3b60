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

void MetaText::key(std::string_view k) {
  text_ += text_.empty() ? "{" : ",";
  value(k);
  text_ += ':';
}

void MetaText::value(std::string_view v) {
  bool plain = true;
  for (char c : v) plain &= c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (plain) {
    text_ += '"';
    text_ += v;
    text_ += '"';
  } else {
    text_ += meta_text(Meta(std::string(v)));
  }
}

void MetaText::string(std::string_view k, std::string_view v) {
  key(k);
  value(v);
}

void MetaText::strings(std::string_view k, const std::vector<std::string>& values) {
  key(k);
  text_ += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text_ += ',';
    value(values[i]);
  }
  text_ += ']';
}

void MetaText::number(std::string_view k, const Meta& v) {
  key(k);
  text_ += v.dump();
}

void MetaText::number(std::string_view k, uint64_t v) {
  key(k);
  text_ += std::to_string(v);
}

std::string MetaText::take() {
  if (!text_.empty()) text_ += '}';
  std::string out = std::move(text_);
  text_.clear();
  return out;
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

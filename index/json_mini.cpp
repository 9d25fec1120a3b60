#include "index/json_mini.h"

namespace hashsieve::json {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status value(Value* v, int depth) {
    if (depth > 64) return fail("nesting too deep");
    skip_ws();
    if (p_ >= s_.size()) return fail("unexpected end of document");
    size_t start = p_;
    v->line = line_;
    char c = s_[p_];
    Status st;
    if (c == '{') st = object(v, depth);
    else if (c == '[') st = array(v, depth);
    else if (c == '"') { v->type = Value::kString; st = string(&v->text); }
    else if (lit("true")) { v->type = Value::kBool; v->boolean = true; }
    else if (lit("false")) { v->type = Value::kBool; }
    else if (lit("null")) { v->type = Value::kNull; }
    else if (c == '-' || (c >= '0' && c <= '9')) st = number(v);
    else return fail(std::string("unexpected character '") + c + "'");
    if (!st.ok()) return st;
    v->raw = s_.substr(start, p_ - start);
    return Status::Ok();
  }

  Status finish() {
    skip_ws();
    return p_ == s_.size() ? Status::Ok() : fail("text after the document");
  }

 private:
  Status fail(const std::string& why) const {
    return Status(StatusCode::kParseError, "line " + std::to_string(line_) + ": " + why);
  }
  void skip_ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) {
      if (s_[p_] == '\n') ++line_;
      ++p_;
    }
  }
  bool lit(std::string_view w) {
    if (s_.substr(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }
  Status number(Value* v) {
    size_t b = p_;
    while (p_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[p_]) != std::string_view::npos) ++p_;
    v->type = Value::kNumber;
    v->text = std::string(s_.substr(b, p_ - b));
    return Status::Ok();
  }
  static void put_utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) { out->push_back(char(cp)); }
    else if (cp < 0x800) { out->push_back(char(0xc0 | (cp >> 6))); out->push_back(char(0x80 | (cp & 0x3f))); }
    else if (cp < 0x10000) {
      out->push_back(char(0xe0 | (cp >> 12))); out->push_back(char(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(char(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(char(0xf0 | (cp >> 18))); out->push_back(char(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(char(0x80 | ((cp >> 6) & 0x3f))); out->push_back(char(0x80 | (cp & 0x3f)));
    }
  }
  bool hex4(uint32_t* cp) {
    if (p_ + 4 > s_.size()) return false;
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[p_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      *cp = *cp * 16 + uint32_t(d);
    }
    return true;
  }
  Status string(std::string* out) {
    ++p_;  // opening quote
    out->clear();
    while (p_ < s_.size()) {
      char c = s_[p_++];
      if (c == '"') return Status::Ok();
      if (c == '\n') return fail("newline inside a string");
      if (c != '\\') { out->push_back(c); continue; }
      if (p_ >= s_.size()) break;
      char e = s_[p_++];
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp)) return fail("bad \\u escape");
          if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(p_, 2) == "\\u") {
            p_ += 2;
            uint32_t lo;
            if (!hex4(&lo)) return fail("bad \\u escape");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          put_utf8(cp, out);
          break;
        }
        default: return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }
  Status array(Value* v, int depth) {
    v->type = Value::kArray;
    ++p_;
    skip_ws();
    if (p_ < s_.size() && s_[p_] == ']') { ++p_; return Status::Ok(); }
    while (true) {
      v->items.emplace_back();
      if (Status st = value(&v->items.back(), depth + 1); !st.ok()) return st;
      skip_ws();
      if (p_ < s_.size() && s_[p_] == ',') { ++p_; continue; }
      if (p_ < s_.size() && s_[p_] == ']') { ++p_; return Status::Ok(); }
      return fail("expected ',' or ']'");
    }
  }
  Status object(Value* v, int depth) {
    v->type = Value::kObject;
    ++p_;
    skip_ws();
    if (p_ < s_.size() && s_[p_] == '}') { ++p_; return Status::Ok(); }
    while (true) {
      skip_ws();
      if (p_ >= s_.size() || s_[p_] != '"') return fail("expected a member name");
      std::string key;
      if (Status st = string(&key); !st.ok()) return st;
      skip_ws();
      if (p_ >= s_.size() || s_[p_] != ':') return fail("expected ':'");
      ++p_;
      v->members.push_back(Member{std::move(key), Value{}});
      if (Status st = value(&v->members.back().value, depth + 1); !st.ok()) return st;
      skip_ws();
      if (p_ < s_.size() && s_[p_] == ',') { ++p_; continue; }
      if (p_ < s_.size() && s_[p_] == '}') { ++p_; return Status::Ok(); }
      return fail("expected ',' or '}'");
    }
  }

  std::string_view s_;
  size_t p_ = 0;
  uint64_t line_ = 1;
};

}  // namespace

const Value* Value::get(std::string_view key) const {
  for (const auto& m : members)
    if (m.key == key) return &m.value;
  return nullptr;
}

std::string compact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_str = false, esc = false;
  for (char c : text) {
    if (in_str) {
      out.push_back(c);
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out.push_back(c);
      if (c == '"') in_str = true;
    }
  }
  return out;
}

Result<Value> parse(std::string_view text) {
  Parser p(text);
  Value v;
  if (Status st = p.value(&v, 0); !st.ok()) return st;
  if (Status st = p.finish(); !st.ok()) return st;
  return v;
}

}  // namespace hashsieve::json

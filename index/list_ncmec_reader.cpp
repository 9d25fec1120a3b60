// NCMEC hash-sharing XML: <image> elements with <id> and <fingerprints><pdq>, and <deletedImage>
// elements (withdrawals). A small tag scanner, enough for this well-formed, attribute-light format.
#include <algorithm>

#include "index/list_rows.h"

namespace hashsieve::lists {
namespace {

std::string decode_entities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') { out.push_back(s[i]); continue; }
    static const std::pair<std::string_view, char> kEnt[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (const auto& [name, ch] : kEnt)
      if (s.substr(i, name.size()) == name) { out.push_back(ch); i += name.size() - 1; done = true; break; }
    if (!done) out.push_back('&');
  }
  return out;
}

struct Record {
  bool deleted = false;
  uint64_t line = 0;
  std::string id, pdq, member;
  bool has_pdq = false;
};

}  // namespace

Status read_ncmec_xml(std::string_view s, const std::string& file, DocumentRows* out) {
  std::vector<std::string> stack;
  uint64_t line = 1;
  size_t p = 0, text_start = 0;
  Record rec;
  bool in_record = false;
  auto advance_to = [&](size_t q) {
    line += uint64_t(std::count(s.begin() + p, s.begin() + q, '\n'));
    p = q;
  };
  auto fail = [&](const std::string& why) {
    out->errors.push_back(RowError{file, line, why + "; the rest of the document is ignored"});
    return Status::Ok();
  };
  while (true) {
    size_t lt = s.find('<', p);
    if (lt == std::string_view::npos) break;
    std::string_view text = s.substr(text_start, lt - text_start);
    advance_to(lt);
    if (s.substr(p, 4) == "<!--") {
      size_t e = s.find("-->", p);
      if (e == std::string_view::npos) return fail("unterminated comment");
      advance_to(e + 3);
      text_start = p;
      continue;
    }
    size_t gt = s.find('>', p);
    if (gt == std::string_view::npos) return fail("unterminated tag");
    std::string_view tag = s.substr(p + 1, gt - p - 1);
    advance_to(gt + 1);
    text_start = p;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    bool closing = tag[0] == '/';
    bool self_closing = !closing && tag.back() == '/';
    std::string_view body = closing ? tag.substr(1) : self_closing ? tag.substr(0, tag.size() - 1) : tag;
    size_t sp = body.find_first_of(" \t\r\n");
    std::string name(trim(body.substr(0, sp)));
    if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);  // namespace prefix
    std::string_view attrs = sp == std::string_view::npos ? std::string_view() : body.substr(sp);
    if (closing) {
      if (stack.empty() || stack.back() != name) return fail("unexpected </" + name + ">");
      std::string parent = stack.size() >= 2 ? stack[stack.size() - 2] : "";
      if (in_record && name == "id" && (parent == "image" || parent == "deletedImage"))
        rec.id = std::string(trim(decode_entities(text)));
      if (in_record && name == "pdq" && parent == "fingerprints") {
        rec.pdq = std::string(trim(decode_entities(text)));
        rec.has_pdq = true;
      }
      if (in_record && (name == "image" || name == "deletedImage")) {
        in_record = false;
        auto bad = [&](const std::string& why) { out->errors.push_back(RowError{file, rec.line, why}); };
        ListEntry e;
        e.entry_id = rec.id;
        if (rec.id.empty()) bad("<" + name + "> has no <id>");
        else if (std::string problem = entry_id_problem(rec.id); !problem.empty()) bad("<id>: " + problem);
        else if (rec.deleted) {
          e.state = EntryState::kWithdrawn;
          out->rows.push_back(std::move(e));
        } else if (!rec.has_pdq) {
          ++out->skipped;
        } else {
          std::string why;
          if (!parse_hash_field(rec.pdq, &e.hash, &why)) { bad("<pdq>: " + why); }
          else {
            e.has_hash = true;
            if (!rec.member.empty()) {
              e.metadata = "{\"member\":";
              append_json_string(rec.member, &e.metadata);
              e.metadata += "}";
            }
            out->rows.push_back(std::move(e));
          }
        }
      }
      stack.pop_back();
      continue;
    }
    if ((name == "image" || name == "deletedImage") && !in_record) {
      in_record = true;
      rec = Record{};
      rec.deleted = name == "deletedImage";
      rec.line = line;
    }
    if (in_record && name == "member") {
      size_t a = attrs.find("id=");
      if (a != std::string_view::npos && a + 4 < attrs.size()) {
        char q = attrs[a + 3];
        size_t e = attrs.find(q, a + 4);
        if (e != std::string_view::npos) rec.member = decode_entities(attrs.substr(a + 4, e - a - 4));
      }
    }
    if (!self_closing) stack.push_back(name);
  }
  if (!stack.empty()) return fail("document ends inside <" + stack.back() + ">");
  return Status::Ok();
}

}  // namespace hashsieve::lists

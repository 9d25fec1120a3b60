// MetaText writes an entry's metadata member by member; it must give byte for byte what
// meta_text gives for the same object built as a tree (stored metadata is compared as text).
#include <gtest/gtest.h>

#include "index/list_metadata.h"

namespace hashsieve::lists {
namespace {

TEST(MetaText, SameTextAsTheTree) {
  const std::vector<std::string> strings = {
      "", "Blocked", "A1", "2017-10-24T15:00:00Z", "q\"uote", "back\\slash", "tab\there", "nl\n", std::string("nul\0x", 5),
      "\x1f", "\x7f", "caf\xc3\xa9", "\xe2\x82\xac", "bad \xff utf8", "trunc \xc3", "</script>", "slash/", "emoji \xf0\x9f\x98\x80"};
  for (const std::string& a : strings) {
    for (const std::string& b : {std::string("x"), std::string("\xc3\xa9\t")}) {
      MetaText m;
      m.string("member", a);
      m.number("cases", uint64_t(3));
      m.number("modified", Meta(int64_t(-1700000000)));
      m.number("at", Meta(1.5e9));
      m.number("big", Meta(uint64_t(18446744073709551615ULL)));
      m.strings("tags", {a, b, a});
      m.strings("none", {});
      Meta t = Meta::object();
      t["member"] = a;
      t["cases"] = uint64_t(3);
      t["modified"] = int64_t(-1700000000);
      t["at"] = 1.5e9;
      t["big"] = uint64_t(18446744073709551615ULL);
      t["tags"] = std::vector<std::string>{a, b, a};
      t["none"] = Meta::array();
      EXPECT_EQ(m.take(), meta_text(t)) << a;
    }
  }
  MetaText empty;
  EXPECT_EQ(empty.take(), "");  // as meta_text of an empty object
  MetaText reused;
  reused.string("k", "v");
  EXPECT_EQ(reused.take(), R"({"k":"v"})");
  reused.string("k", "w");
  EXPECT_EQ(reused.take(), R"({"k":"w"})");
}

}  // namespace
}  // namespace hashsieve::lists

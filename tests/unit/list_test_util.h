// Reading a list text in memory for the list-format tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "hashsieve/list_formats.h"

namespace hashsieve::testing {

inline const std::string kH1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
inline const std::string kH2 = "0000000000000000000000000000000000000000000000000000000000000001";
inline const std::string kH3 = "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5";

struct Read {
  ListFormat format = ListFormat::kAuto;
  ListRows r;
  const std::vector<ListEntry>& rows() const { return r.rows; }
  const std::vector<RowError>& errors() const { return r.errors; }
};

inline Read read_text(const std::string& text, ListFormat f = ListFormat::kAuto) {
  Read out;
  auto reader = ListReader::FromString(text, "in.txt", f);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  if (!reader.ok()) return out;
  auto rows = read_list(**reader);
  EXPECT_TRUE(rows.ok()) << rows.status().to_string();
  if (rows.ok()) out.r = std::move(rows).value();
  out.format = (*reader)->format();
  return out;
}

}  // namespace hashsieve::testing

#include "tools/list_selection.h"

#include <algorithm>
#include <set>

namespace hashsieve::cli {

bool check_named_lists(const HashStore& store, const std::vector<std::string>& selected,
                       const std::vector<std::pair<std::string, int>>& list_radius,
                       const std::vector<AllowEntry>& allow, const std::string& allow_file, std::string& error) {
  auto lists = store.lists();
  if (!lists.ok()) {
    error = lists.status().to_string();
    return false;
  }
  std::set<std::string> existing;
  for (const ListInfo& l : *lists) existing.insert(l.name);
  for (const std::string& name : selected)
    if (!existing.count(name)) {
      error = "--lists: the database has no list named '" + name + "'";
      return false;
    }
  const std::set<std::string> matched = selected.empty() ? existing : std::set<std::string>(selected.begin(), selected.end());
  auto why_not = [&](const std::string& name) -> std::string {
    if (!existing.count(name)) return "the database has no list named '" + name + "'";
    if (!matched.count(name)) return "list '" + name + "' is not among the lists matched (--lists)";
    return "";
  };
  for (const auto& [name, radius] : list_radius)
    if (std::string why = why_not(name); !why.empty()) {
      error = "--list-radius " + name + "=" + std::to_string(radius) + ": " + why;
      return false;
    }
  for (const AllowEntry& a : allow)
    if (std::string why = why_not(a.list); !why.empty()) {
      error = "--allow " + allow_file + ":" + std::to_string(a.line) + ": " + why;
      return false;
    }
  return true;
}

}  // namespace hashsieve::cli

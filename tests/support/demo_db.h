// A small hash-list database for CLI tests: list "known" holds the original photographs of the
// vectors (entry id = group name), built through the CLI itself.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve::testing {

struct DemoDb {
  std::filesystem::path dir;  // scratch folder holding db/ and uploads/
  std::string db() const { return (dir / "db").string(); }
  std::string uploads() const { return (dir / "uploads").string(); }
};

// Lists 7 of the 10 photographs; uploads/ gets q85 and rot90 edits of all 10 plus a corrupt file.
inline DemoDb make_demo_db(const std::string& tag) {
  namespace fs = std::filesystem;
  DemoDb d{fs::temp_directory_path() / ("hashsieve-" + tag + "-" + std::to_string(::getpid()))};
  fs::remove_all(d.dir);
  fs::create_directories(d.dir / "uploads");
  const std::string images = data_path("pdq-vectors/images/");
  const char* listed[] = {"astronaut", "coffee", "chelsea", "camera", "horse", "coins", "brick"};
  std::ofstream csv(d.dir / "known.csv");
  csv << "hash,entry_id\n";
  for (const char* name : listed) {
    std::string f = images + "photo-" + name + ".png";
    auto r = run_cli("hash " + f);
    csv << r.out.substr(0, 64) << "," << name << "\n";
  }
  csv.close();
  run_cli("list create known --db " + d.db());
  run_cli("list import known " + (d.dir / "known.csv").string() + " --db " + d.db());
  for (const char* name : {"astronaut", "coffee", "chelsea", "camera", "horse", "coins", "brick", "rocket", "retina",
                           "hubble_deep_field"})
    for (const char* edit : {"q85", "rot90"})
      fs::copy_file(images + "photo-" + name + "-" + edit + ".jpg",
                    d.dir / "uploads" / (std::string("photo-") + name + "-" + edit + ".jpg"));
  std::ofstream(d.dir / "uploads" / "zz-corrupt.jpg") << "\xff\xd8\xff garbage";
  return d;
}

}  // namespace hashsieve::testing

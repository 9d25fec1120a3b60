// A small database for the `hashsieve serve` tests, built through the CLI: BANK_A holds the
// coffee photograph as entry 1001; BANK_B holds the astronaut as 4434 and the camera under a
// text id (whose HMA content id is a hash of list and id).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve::testing {

struct ServeDb {
  std::filesystem::path dir;
  std::string coffee, astronaut, camera, rocket;  // PDQ hex of the photographs
  std::string db() const { return (dir / "db").string(); }
  static std::string photo(const std::string& name) { return data_path("pdq-vectors/images/photo-" + name + ".png"); }
  static std::string edit(const std::string& name, const std::string& e) {
    return data_path("pdq-vectors/images/photo-" + name + "-" + e + ".jpg");
  }
  // Imports one more row into `list` (created when missing), from another process.
  void import_row(const std::string& list, const std::string& hash, const std::string& id) const {
    const auto csv = dir / ("row-" + id + ".csv");
    std::ofstream(csv) << "hash,entry_id\n" << hash << "," << id << "\n";
    run_cli("list create " + list + " --db " + db());
    run_cli("list import " + list + " " + csv.string() + " --db " + db());
  }
};

inline ServeDb make_serve_db(const std::string& tag) {
  ServeDb d;
  d.dir = std::filesystem::temp_directory_path() / ("hashsieve-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d.dir);
  std::filesystem::create_directories(d.dir);
  auto hash = [](const std::string& name) { return run_cli("hash " + ServeDb::photo(name)).out.substr(0, 64); };
  d.coffee = hash("coffee");
  d.astronaut = hash("astronaut");
  d.camera = hash("camera");
  d.rocket = run_cli("hash " + data_path("pdq-vectors/images/photo-rocket.jpg")).out.substr(0, 64);
  d.import_row("BANK_A", d.coffee, "1001");
  d.import_row("BANK_B", d.astronaut, "4434");
  d.import_row("BANK_B", d.camera, "camera-x");
  return d;
}

}  // namespace hashsieve::testing

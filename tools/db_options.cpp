#include "tools/db_options.h"

#include <cstdio>

#include "tools/store_open.h"

namespace hashsieve::cli {

void add_db_options(CLI::App& app, DbOptions& o) {
  app.add_option("--db", o.path, "the hash-list database (default ./hashsieve.db)")->type_name("DIR");
  app.add_option("--key-file", o.key_file,
                 "key of an encrypted database (default: the file named by $HASHSIEVE_KEY_FILE)")
      ->type_name("FILE");
}

std::unique_ptr<HashStore> open_store(const DbOptions& o, const std::string& command, bool create, bool read_only) {
  StoreOptions so;
  so.create_if_missing = create;
  so.read_only = read_only;
  so.key_file = store_key_file(o.key_file);
  auto s = HashStore::Open(o.path, so);
  if (!s.ok()) {
    std::fprintf(stderr, "hashsieve %s: cannot open database %s: %s\n", command.c_str(), o.path.c_str(),
                 s.status().to_string().c_str());
    return nullptr;
  }
  return std::move(s).value();
}

}  // namespace hashsieve::cli

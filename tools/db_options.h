// The options of every command that opens the hash-list database, declared in one place: a new
// database option is one line in add_db_options and its use in open_store.
#pragma once

#include <memory>
#include <string>

#include "hashsieve/hash_store.h"
#include "tools/command_line.h"

namespace hashsieve::cli {

inline constexpr const char* kDefaultDb = "./hashsieve.db";

struct DbOptions {
  std::string path = kDefaultDb;
  std::string key_file;  // an encrypted store's key (else the file named by HASHSIEVE_KEY_FILE)
};

void add_db_options(CLI::App& app, DbOptions& o);

// Opens the store, printing "hashsieve COMMAND: reason" on failure (nullptr then).
std::unique_ptr<HashStore> open_store(const DbOptions& o, const std::string& command, bool create, bool read_only);

}  // namespace hashsieve::cli

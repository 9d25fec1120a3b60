// The subcommands of the `hashsieve` binary; one file each under tools/. Each declares its options
// on a subcommand of `root` and appends what runs to `commands`.
#pragma once

#include "tools/command_line.h"

namespace hashsieve::cli {

inline constexpr const char* kVersion = "0.1.0";

void add_hash_command(CLI::App& root, Commands& commands);
void add_scan_command(CLI::App& root, Commands& commands);
void add_list_command(CLI::App& root, Commands& commands);   // create/import/export/withdraw/purge/drop/stats
void add_db_command(CLI::App& root, Commands& commands);     // checkpoint/check/audit
void add_match_command(CLI::App& root, Commands& commands);  // match hashes against the stored lists
void add_bench_command(CLI::App& root, Commands& commands);  // measure detection throughput
void add_serve_command(CLI::App& root, Commands& commands);  // the HTTP match service (server/)
void add_consume_command(CLI::App& root, Commands& commands);  // scan uploads queued on a Redis stream

}  // namespace hashsieve::cli

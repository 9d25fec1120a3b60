// The subcommands of the `hashsieve` binary; one file each under tools/.
#pragma once

namespace hashsieve::cli {

// Each returns the process exit status. argv[0] is the subcommand name.
int run_hash(int argc, char** argv);
int run_scan(int argc, char** argv);

int run_list(int argc, char** argv);   // list create/import/export/withdraw/purge/drop/stats
int run_db(int argc, char** argv);     // db checkpoint
int run_match(int argc, char** argv);  // match hashes against the stored lists
int run_bench(int argc, char** argv);  // measure detection throughput

}  // namespace hashsieve::cli

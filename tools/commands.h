// The subcommands of the `hashsieve` binary; one file each under tools/.
#pragma once

namespace hashsieve::cli {

// Each returns the process exit status. argv[0] is the subcommand name.
int run_hash(int argc, char** argv);
int run_scan(int argc, char** argv);

}  // namespace hashsieve::cli

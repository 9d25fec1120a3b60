// Exit statuses of the `hashsieve` command line, named by what they mean. Every command's
// --help prints its own line from here, so the help and the code cannot drift apart.
#pragma once

namespace hashsieve::cli {

// Every command: something stopped the run (bad usage, database, unreadable input, a failed write,
// or a scan/match that checked nothing). Never "nothing matched".
inline constexpr int kExitError = 2;

// scan, match: grep's convention.
inline constexpr int kExitMatched = 0;         // at least one item matched a list
inline constexpr int kExitNothingMatched = 1;  // everything asked for was checked; nothing matched

// hash.
inline constexpr int kExitAllHashed = 0;
inline constexpr int kExitSomeNotHashed = 1;  // some items could not be hashed (reported per item)

// list, db.
inline constexpr int kExitDone = 0;
inline constexpr int kExitDoneWithRejects = 1;  // done, but some rows were bad or some ids unknown

// bench.
inline constexpr int kExitHashesDiffered = 1;  // passes gave an image different hashes

// The "exit status:" paragraph of each command's --help.
inline constexpr const char* kScanExitHelp =
    "exit status: 0 something matched; 1 every input was checked and nothing matched; 2 error: usage, "
    "database, a write that failed, or nothing checked (a path that does not exist, no entries in the "
    "selected lists, no input found, every item failed; with --strict, any item that failed)";
inline constexpr const char* kMatchExitHelp =
    "exit status: 0 something matched; 1 every hash was checked and nothing matched; 2 error: usage, "
    "database, a bad input line or file, a write that failed, no hashes given, no entries in the "
    "selected lists";
inline constexpr const char* kHashExitHelp =
    "exit status: 0 every item hashed; 1 some items could not be hashed (reported on stderr); "
    "2 error: usage, a write that failed, no input found";
inline constexpr const char* kListExitHelp =
    "exit status: 0 done; 1 done, but some rows were bad or some ids unknown; 2 error";
inline constexpr const char* kDbExitHelp = "exit status: 0 done; 2 error (for check: the database failed a check)";
inline constexpr const char* kBenchExitHelp =
    "exit status: 0 done; 1 an image's hash differed between passes; 2 error: usage, setup, a failed write";
inline constexpr const char* kConsumeExitHelp =
    "exit status: 0 stopped by SIGTERM or SIGINT (the messages in hand finished and acknowledged); 2 error: usage, "
    "database, a stream or results key that holds something else than a stream";
inline constexpr const char* kVersionExitHelp = "exit status: 0 printed; 2 error";

}  // namespace hashsieve::cli

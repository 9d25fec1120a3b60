// Import throughput and peak memory per list format, on files generated in the layouts the
// producers write: a hashsieve CSV of PDQ rows, one StopNCII FetchHashes page, NCMEC responses
// of 1,000 entries each, and hostile files (one huge line, one huge JSON string).
//
// For each file: the read alone (parse into a counting sink: the baseline) and the whole import
// (parse + synced store batches, in a fresh process) side by side, with that process's peak
// resident memory against the bound 2 x file size + 100 MB.
//
//   list_import_bench [--pdq-rows N] [--records N] [--hostile-mb M] [--tmp DIR] [--only csv,stopncii,ncmec,hostile]
//   list_import_bench --generate DIR [--records N] [--pdq-rows N] [--only ...]   (the files only, kept)
//   list_import_bench --import FILE DB | --read FILE   (one timed run in this process, for side-by-side scripts)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/process_cpu.h"
#include "common/proc_status.h"
#include "hashsieve/list_formats.h"

namespace {

using namespace hashsieve;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Rng {
  uint64_t s = 0x9E3779B97F4A7C15ULL;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::string hex() {
    Hash256 h;
    for (auto& w : h.words) w = next();
    return to_hex(h);
  }
};

// Writes through a buffer; `gen(i, &buf)` appends record i.
template <typename Gen>
void write_file(const fs::path& p, const std::string& head, size_t n, const std::string& tail, Gen gen) {
  std::ofstream f(p, std::ios::binary);
  std::string buf = head;
  for (size_t i = 0; i < n; ++i) {
    gen(i, &buf);
    if (buf.size() > (8 << 20)) { f << buf; buf.clear(); }
  }
  f << buf << tail;
}

struct CountSink final : ListSink {
  uint64_t rows = 0, errors = 0;
  Status row(ListEntry&&, uint64_t) override { ++rows; return Status::Ok(); }
  void error(RowError&&) override { ++errors; }
};

void write_csv(const fs::path& p, size_t pdq_rows, Rng& rng) {
  write_file(p, "hash,entry_id,quality,state,metadata\n", pdq_rows, "", [&](size_t i, std::string* b) {
    *b += rng.hex() + "," + std::to_string(10000000 + i) + ",100,active,\n";
  });
}

// One FetchHashes page: every tenth record a new case (Received).
void write_stopncii(const fs::path& p, size_t records, Rng& rng) {
  write_file(p, "{\"count\":" + std::to_string(records) + ",\"nextPageToken\":\"x\",\"nextSetTimestamp\":1700000001,"
                "\"hasMoreRecords\":false,\"hashRecords\":[",
             records, "]}", [&](size_t i, std::string* b) {
               *b += std::string(i ? "," : "") + "{\"lastModtimestamp\":1700000000,\"signalType\":\"ImagePDQ\","
                     "\"hashValue\":\"" + rng.hex() + "\",\"hashStatus\":\"" + (i % 10 ? "Active" : "Received") +
                     "\",\"caseNumbers\":{\"C" + std::to_string(i) + "\":\"Active\"},\"CSPFeedbacks\":"
                     "[{\"feedbackValue\":\"Blocked\",\"tags\":[\"t\"],\"source\":\"P\"}]}";
             });
}

// /v2/entries responses of 1,000 images each, one after another.
void write_ncmec(const fs::path& p, size_t records, Rng& rng) {
  std::ofstream f(p, std::ios::binary);
  std::string buf;
  for (size_t i = 0; i < records; ++i) {
    if (i % 1000 == 0) {
      if (i) buf += "    </images>\n</queryResult>\n";
      buf += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
             "<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\n    <images count=\"1000\">\n";
    }
    buf += "        <image>\n            <member id=\"" + std::to_string(40 + i % 7) + "\">Member " +
           std::to_string(i % 7) + "</member>\n            <timestamp>2017-10-24T15:00:00Z</timestamp>\n"
           "            <id>image" + std::to_string(i) + "</id>\n            <classification>A1</classification>\n"
           "            <fingerprints>\n                <md5>" + rng.hex().substr(0, 32) + "</md5>\n"
           "                <sha1>" + rng.hex().substr(0, 40) + "</sha1>\n                <pdq>" + rng.hex() +
           "</pdq>\n            </fingerprints>\n        </image>\n";
    if (buf.size() > (8 << 20)) { f << buf; buf.clear(); }
  }
  f << buf << "    </images>\n</queryResult>\n";
  f.close();
}

// The import alone in a fresh process (`--import FILE DB`), so its peak memory is its own:
// prints "seconds cpu_seconds peak_mib".
int import_child(const std::string& file, const std::string& db) {
  auto store = HashStore::Open(db);
  if (!store.ok()) return 2;
  (void)(*store)->create_list("l");
  auto t0 = Clock::now();
  auto reader = ListReader::Open(file);
  if (!reader.ok()) return 2;
  auto rep = import_list(**store, "l", **reader);
  double s = secs(t0, Clock::now());
  if (!rep.ok()) { std::fprintf(stderr, "import: %s\n", rep.status().to_string().c_str()); return 2; }
  std::printf("%.3f %.3f %.1f\n", s, bench::process_cpu_seconds(), proc_status_kib("VmHWM") / 1024.0);
  return 0;
}

// The read alone in a fresh process (`--read FILE`): prints "seconds cpu_seconds rows errors".
int read_child(const std::string& file) {
  auto t0 = Clock::now();
  auto reader = ListReader::Open(file);
  if (!reader.ok()) return 2;
  CountSink count;
  Status s = (*reader)->read(count);
  if (!s.ok()) { std::fprintf(stderr, "read: %s\n", s.to_string().c_str()); return 2; }
  std::printf("%.3f %.3f %llu %llu\n", secs(t0, Clock::now()), bench::process_cpu_seconds(), (unsigned long long)count.rows,
              (unsigned long long)count.errors);
  return 0;
}

void run(const std::string& label, const fs::path& file, const fs::path& dir) {
  double mb = double(fs::file_size(file)) / 1e6;
  // Baseline: the read alone.
  auto t0 = Clock::now();
  double c0 = bench::process_cpu_seconds();
  auto reader = ListReader::Open(file.string());
  if (!reader.ok()) { std::fprintf(stderr, "%s: %s\n", label.c_str(), reader.status().to_string().c_str()); return; }
  CountSink count;
  Status s = (*reader)->read(count);
  double read_s = secs(t0, Clock::now()), read_cpu = bench::process_cpu_seconds() - c0;
  if (!s.ok()) std::fprintf(stderr, "%s: %s\n", label.c_str(), s.to_string().c_str());
  fs::path db = dir / "db";
  fs::remove_all(db);
  std::string cmd = fs::read_symlink("/proc/self/exe").string() + " --import '" + file.string() + "' '" + db.string() + "'";
  double import_s = -1, import_cpu = -1, peak = -1;
  if (std::FILE* p = popen(cmd.c_str(), "r")) {
    if (std::fscanf(p, "%lf %lf %lf", &import_s, &import_cpu, &peak) != 3) import_s = import_cpu = peak = -1;
    pclose(p);
  }
  fs::remove_all(db);
  uint64_t records = count.rows + count.errors + (*reader)->counts().skipped;
  double bound = 2 * mb + 100;
  std::printf("| %s | %.0f MB | %llu | %llu | %.2f s, %.2f CPU s (%.0f rec/CPU s) | %.2f s, %.2f CPU s (%.0f rec/CPU s) | "
              "%.2f | %.0f MB | %.0f MB | %.2f |\n",
              label.c_str(), mb, (unsigned long long)count.rows, (unsigned long long)count.errors, read_s, read_cpu,
              double(records) / read_cpu, import_s, import_cpu, double(records) / import_cpu, read_cpu / import_cpu,
              peak, bound, peak / bound);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  size_t pdq_rows = 10'000'000, records = 1'000'000, hostile_mb = 256;
  std::string tmp = fs::temp_directory_path().string(), only = "csv,stopncii,ncmec,hostile", generate;
  if (argc == 4 && std::string(argv[1]) == "--import") return import_child(argv[2], argv[3]);
  if (argc == 3 && std::string(argv[1]) == "--read") return read_child(argv[2]);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--pdq-rows") pdq_rows = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--records") records = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--hostile-mb") hostile_mb = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--tmp") tmp = next();
    else if (a == "--only") only = next();
    else if (a == "--generate") generate = next();
    else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
  }
  auto want = [&](const char* k) { return ("," + only + ",").find(std::string(",") + k + ",") != std::string::npos; };
  if (!generate.empty()) {  // the files only, kept for runs of --import / --read side by side
    Rng rng;
    fs::create_directories(generate);
    if (want("csv")) write_csv(fs::path(generate) / "pdq.csv", pdq_rows, rng);
    if (want("stopncii")) write_stopncii(fs::path(generate) / "stopncii.json", records, rng);
    if (want("ncmec")) write_ncmec(fs::path(generate) / "ncmec.xml", records, rng);
    return 0;
  }
  fs::path dir = fs::path(tmp) / ("hashsieve-list-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::printf("| file | size | rows | bad rows | read only (baseline): wall, CPU | import (read + store): wall, CPU | read share of import CPU | peak RSS of the import process | bound 2x+100 MB | peak/bound |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  Rng rng;
  if (want("csv")) {
    fs::path p = dir / "pdq.csv";
    write_csv(p, pdq_rows, rng);
    run("csv " + std::to_string(pdq_rows) + " PDQ rows", p, dir);
    fs::remove(p);
  }
  if (want("stopncii")) {
    fs::path p = dir / "stopncii.json";
    write_stopncii(p, records, rng);
    run("StopNCII page, " + std::to_string(records) + " records", p, dir);
    fs::remove(p);
  }
  if (want("ncmec")) {
    fs::path p = dir / "ncmec.xml";
    write_ncmec(p, records, rng);
    run("NCMEC, " + std::to_string(records) + " images in pages of 1000", p, dir);
    fs::remove(p);
  }
  if (want("hostile")) {
    size_t n = hostile_mb << 20;
    fs::path p = dir / "one-line.txt";
    write_file(p, "", n >> 16, "\n", [&](size_t, std::string* b) { b->append(size_t(1) << 16, 'a'); });
    run("hostile: one " + std::to_string(hostile_mb) + " MiB line", p, dir);
    fs::remove(p);
    p = dir / "huge-string.jsonl";
    write_file(p, "{\"entry_id\":\"", n >> 16, "\"}\n", [&](size_t, std::string* b) { b->append(size_t(1) << 16, 'a'); });
    run("hostile: a " + std::to_string(hostile_mb) + " MiB JSON string", p, dir);
    fs::remove(p);
    p = dir / "bad-rows.txt";
    write_file(p, "", n / 40, "", [&](size_t, std::string* b) { *b += "not a hash, not a hash, no no no\n"; });
    run("hostile: " + std::to_string(hostile_mb) + " MiB of bad rows", p, dir);
    fs::remove(p);
  }
  fs::remove_all(dir);
  return 0;
}

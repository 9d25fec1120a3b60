#include "tools/bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "hashsieve/hash256.h"
#include "hashsieve/text_quote.h"

namespace hashsieve::bench {
namespace {

constexpr int kHistogramBins = 24;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string join_threads(const std::vector<int>& t) {
  std::string s;
  for (size_t i = 0; i < t.size(); ++i) s += (i ? "," : "") + std::to_string(t[i]);
  return s;
}

struct CorpusFacts {
  size_t images = 0;
  double megapixels = 0, min_mp = 0, max_mp = 0;
  uint64_t bytes = 0;
  std::map<std::string, int> formats;
};

CorpusFacts corpus_facts(const std::vector<CorpusImage>& c) {
  CorpusFacts f;
  f.images = c.size();
  for (size_t i = 0; i < c.size(); ++i) {
    const double mp = c[i].megapixels();
    f.megapixels += mp;
    f.bytes += c[i].bytes.size();
    f.min_mp = i ? std::min(f.min_mp, mp) : mp;
    f.max_mp = i ? std::max(f.max_mp, mp) : mp;
    ++f.formats[c[i].format];
  }
  return f;
}

std::string formats_text(const CorpusFacts& f) {
  std::string s;
  for (const auto& [name, n] : f.formats) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  return s;
}

double max_latency(const BenchResult& r) {
  double m = 0;
  for (const auto& run : r.runs)
    for (double v : run.latency_samples_ms) m = std::max(m, v);
  return m;
}

// Three significant digits without exponents.
std::string human(double v) {
  if (v >= 1000) return fmt("%.0f", v);
  if (v > 0 && v < 0.01) return fmt("%.4f", v);
  return fmt("%.3g", v);
}

// "12.3 [11.9-12.8]": median [min-max].
std::string spread(const Summary& s, const char* f = nullptr) {
  auto one = [&](double v) { return f ? fmt(f, v) : human(v); };
  return one(s.median) + " [" + one(s.min) + "-" + one(s.max) + "]";
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string conditions_line(const BenchConditions& c, const CorpusFacts& f) {
  std::string s = "SIMD " + c.simd + ", threads " + join_threads(c.threads) + " (" +
                  std::to_string(c.hardware_threads) + " hardware threads, load average " + c.load_average +
                  " at start), decode " + c.decode +
                  (c.dihedral ? ", 8 dihedral hashes" : ", no dihedral hashes") +
                  (c.include_io ? ", files read from disk on every pass" : ", images held in memory (disk not measured)");
  (void)f;
  return s;
}

std::string corpus_line(const BenchConditions& c, const CorpusFacts& f) {
  std::string s = c.corpus_kind == "synthetic" ? "synthetic (seed " + std::to_string(c.corpus_seed) + ")" : "files";
  return s + ", " + std::to_string(f.images) + " images (" + formats_text(f) + "), " + fmt("%.2f", f.min_mp) + "-" +
         fmt("%.2f", f.max_mp) + " MP each, " + fmt("%.1f", f.megapixels) + " MP and " +
         fmt("%.1f", double(f.bytes) / 1e6) + " MB in all";
}

std::string list_line(const BenchConditions& c) {
  std::string s = c.list_kind == "synthetic"
                      ? "synthetic, " + std::to_string(c.list_entries) + " random hashes (seed " + std::to_string(c.list_seed) +
                            "), radius " + std::to_string(c.radius)
                      : "database " + c.database + ", " + std::to_string(c.list_entries) + " entries";
  if (c.list_kind != "synthetic") {
    s += " in ";
    for (size_t i = 0; i < c.lists.size(); ++i) s += (i ? "," : "") + c.lists[i];
  }
  return s + ", " + (c.index_kind == "flat" ? std::string("flat") : std::string("multi-index")) + " index built in " + fmt("%.2f", c.list_build_seconds) + " s";
}

std::string method_line(const BenchConditions& c) {
  return std::to_string(c.warmup_passes) + " warm-up pass(es) per thread count excluded; a pass runs the corpus " +
         (c.rounds > 0 ? std::to_string(c.rounds) + " times" : std::string("2 x threads times")) +
         "; each figure is the median over passes (at least " + std::to_string(c.min_repetitions) + ", for " +
         fmt("%g", c.seconds) + " s) with [min-max] over those passes";
}

void json_summary(std::string& o, const char* key, const Summary& s) {
  o += std::string("\"") + key + "\":{\"median\":" + num(s.median) + ",\"min\":" + num(s.min) + ",\"max\":" + num(s.max) + "}";
}

}  // namespace

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Histogram latency_histogram(const std::vector<double>& samples_ms, double max_ms, int bins) {
  Histogram h;
  h.counts.assign(size_t(bins), 0);
  h.bin_ms = max_ms > 0 ? max_ms / bins : 1.0;
  for (double v : samples_ms) h.counts[std::min(size_t(bins - 1), size_t(std::max(0.0, v / h.bin_ms)))]++;
  return h;
}

std::string format_text(const BenchReport& rep) {
  const auto& c = rep.conditions;
  const auto& r = *rep.result;
  const CorpusFacts f = corpus_facts(*rep.corpus);
  std::string o = "hashsieve bench " + c.version + "\n";
  o += "conditions: " + conditions_line(c, f) + "\n";
  o += "corpus:     " + corpus_line(c, f) + "\n";
  o += "list:       " + list_line(c) + "\n";
  o += "method:     " + method_line(c) + "\n\n";
  o += "threads  passes  images/s               MP/s                   latency ms p50 / p95 / p99    speed-up  efficiency\n";
  for (const auto& run : r.runs) {
    char line[512];
    std::snprintf(line, sizeof line, "%7d  %6d  %-21s  %-21s  %-30s  %7.2fx  %9.0f%%\n", run.threads, run.repetitions,
                  spread(run.images_per_second).c_str(), spread(run.megapixels_per_second).c_str(),
                  (human(run.latency_p50_ms.median) + " / " + human(run.latency_p95_ms.median) + " / " +
                   human(run.latency_p99_ms.median))
                      .c_str(),
                  run.speedup, run.efficiency * 100);
    o += line;
  }
  for (const auto& run : r.runs) {
    o += "\nstages at " + std::to_string(run.threads) + " thread(s)   share of time        ms/image             images/s per thread\n";
    for (int s = 0; s < kStageCount; ++s) {
      const auto& st = run.stages[s];
      Summary pct{st.share.median * 100, st.share.min * 100, st.share.max * 100};
      char line[256];
      std::snprintf(line, sizeof line, "  %-8s              %-20s %-20s %s\n", stage_name(s),
                    (spread(pct, "%.1f") + "%").c_str(), spread(st.ms_per_image).c_str(),
                    spread(st.images_per_second).c_str());
      o += line;
    }
  }
  o += "\npeak RSS: " + fmt("%.1f", double(peak_rss_bytes()) / (1 << 20)) + " MiB (whole process: list, corpus, pipeline)\n";
  o += "latency: per image, the sum of its stage times (queueing in the pipeline not included)\n";
  uint64_t errors = std::count_if(r.statuses.begin(), r.statuses.end(), [](const Status& st) { return !st.ok(); });
  o += "check: " + std::string(r.hashes_consistent ? "every pass gave every image the same hash" : "HASHES DIFFERED BETWEEN PASSES") +
       "; " + std::to_string(errors) + " of " + std::to_string(f.images) + " images cannot be hashed; " +
       std::to_string(r.matched_per_round) + " matched\n";
  return o;
}

std::string format_json(const BenchReport& rep) {
  const auto& c = rep.conditions;
  const auto& r = *rep.result;
  const CorpusFacts f = corpus_facts(*rep.corpus);
  std::string o = "{\"schema\":\"" + std::string(kSchema) + "\",\"version\":" + json_quote(c.version);
  o += ",\"conditions\":{\"simd\":" + json_quote(c.simd) + ",\"cpu\":" + json_quote(c.cpu) +
       ",\"hardware_threads\":" + std::to_string(c.hardware_threads) +
       ",\"load_average\":" + json_quote(c.load_average) + ",\"threads\":[" + join_threads(c.threads) +
       "],\"decode\":" + json_quote(c.decode) + ",\"dihedral\":" + (c.dihedral ? "true" : "false") +
       ",\"include_io\":" + (c.include_io ? "true" : "false") + ",\"seconds_per_thread_count\":" + num(c.seconds) +
       ",\"warmup_passes\":" + std::to_string(c.warmup_passes) + ",\"rounds_per_pass\":" +
       (c.rounds > 0 ? std::to_string(c.rounds) : std::string("\"2x threads\"")) + ",\"warmup_excluded\":true" +
       ",\"min_repetitions\":" + std::to_string(c.min_repetitions) +
       ",\"statistic\":\"median over passes, spread min..max\"" +
       ",\"latency\":\"per image, sum of its stage times, milliseconds\"";
  o += ",\"corpus\":{\"kind\":" + json_quote(c.corpus_kind);
  if (c.corpus_kind == "synthetic") o += ",\"seed\":" + std::to_string(c.corpus_seed);
  o += ",\"images\":" + std::to_string(f.images) + ",\"megapixels\":" + num(f.megapixels) +
       ",\"min_megapixels\":" + num(f.min_mp) + ",\"max_megapixels\":" + num(f.max_mp) +
       ",\"bytes\":" + std::to_string(f.bytes) + ",\"formats\":{";
  bool first = true;
  for (const auto& [name, n] : f.formats) {
    o += std::string(first ? "" : ",") + json_quote(name) + ":" + std::to_string(n);
    first = false;
  }
  o += "}}";
  o += ",\"list\":{\"kind\":" + json_quote(c.list_kind);
  if (c.list_kind == "synthetic") o += ",\"seed\":" + std::to_string(c.list_seed) + ",\"radius\":" + std::to_string(c.radius);
  else o += ",\"database\":" + json_quote(c.database);
  o += ",\"lists\":[";
  for (size_t i = 0; i < c.lists.size(); ++i) o += (i ? "," : "") + json_quote(c.lists[i]);
  o += "],\"entries\":" + std::to_string(c.list_entries) + ",\"index\":" + json_quote(c.index_kind) +
       ",\"build_seconds\":" + num(c.list_build_seconds) + "}}";

  const double max_ms = max_latency(r);
  o += ",\"runs\":[";
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const auto& run = r.runs[i];
    o += std::string(i ? "," : "") + "{\"threads\":" + std::to_string(run.threads) +
         ",\"repetitions\":" + std::to_string(run.repetitions) + ",\"measured_seconds\":" + num(run.measured_seconds) +
         ",\"images_per_pass\":" + std::to_string(run.images_per_pass) + ",\"errors_per_pass\":" + std::to_string(run.errors_per_pass) + ",";
    json_summary(o, "images_per_second", run.images_per_second);
    o += ",";
    json_summary(o, "megapixels_per_second", run.megapixels_per_second);
    o += ",";
    json_summary(o, "pass_seconds", run.pass_seconds);
    o += ",\"latency_ms\":{";
    json_summary(o, "p50", run.latency_p50_ms);
    o += ",";
    json_summary(o, "p95", run.latency_p95_ms);
    o += ",";
    json_summary(o, "p99", run.latency_p99_ms);
    const Histogram h = latency_histogram(run.latency_samples_ms, max_ms, kHistogramBins);
    o += ",\"histogram\":{\"bin_ms\":" + num(h.bin_ms) + ",\"counts\":[";
    for (size_t b = 0; b < h.counts.size(); ++b) o += (b ? "," : "") + std::to_string(h.counts[b]);
    o += "]}},\"stages\":[";
    for (int s = 0; s < kStageCount; ++s) {
      o += std::string(s ? "," : "") + "{\"name\":\"" + stage_name(s) + "\",";
      json_summary(o, "share", run.stages[s].share);
      o += ",";
      json_summary(o, "ms_per_image", run.stages[s].ms_per_image);
      o += ",";
      json_summary(o, "images_per_second_per_thread", run.stages[s].images_per_second);
      o += "}";
    }
    o += "],\"speedup\":" + num(run.speedup) + ",\"efficiency\":" + num(run.efficiency) +
         ",\"peak_rss_bytes\":" + std::to_string(run.peak_rss_bytes) + "}";
  }
  o += "],\"peak_rss_bytes\":" + std::to_string(peak_rss_bytes());
  uint64_t errors = std::count_if(r.statuses.begin(), r.statuses.end(), [](const Status& st) { return !st.ok(); });
  o += ",\"check\":{\"hashes_consistent\":" + std::string(r.hashes_consistent ? "true" : "false") +
       ",\"errors_per_corpus_round\":" + std::to_string(errors) + ",\"matched_per_corpus_round\":" + std::to_string(r.matched_per_round) + "}";
  o += ",\"images\":[";
  const auto& corpus = *rep.corpus;
  for (size_t i = 0; i < corpus.size(); ++i) {
    o += std::string(i ? "," : "") + "{\"path\":" + json_quote(corpus[i].path) + ",\"format\":" + json_quote(corpus[i].format) +
         ",\"width\":" + std::to_string(corpus[i].width) + ",\"height\":" + std::to_string(corpus[i].height) +
         ",\"bytes\":" + std::to_string(corpus[i].bytes.size());
    if (r.statuses[i].ok()) o += ",\"quality\":" + std::to_string(r.qualities[i]);
    else o += ",\"error\":" + json_quote(r.statuses[i].to_string());
    o += "}";
  }
  o += "]}\n";
  return o;
}

// ---- HTML: inline SVG, no scripts run, no network -------------------------------------------

namespace {

const char* const kStageColours[kStageCount] = {"#8c8c8c", "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1"};

std::string svg_throughput(const BenchResult& r) {
  const int w = 560, h = 300, left = 60, bottom = 40, top = 20;
  double ymax = 0;
  for (const auto& run : r.runs) ymax = std::max(ymax, run.images_per_second.max);
  if (ymax <= 0) ymax = 1;
  ymax *= 1.15;
  const int n = int(r.runs.size());
  const double slot = double(w - left - 20) / std::max(1, n);
  std::string o = "<svg id=\"plot-throughput\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
                  "\" height=\"" + std::to_string(h) + "\" role=\"img\" aria-label=\"images per second vs threads\">";
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / ymax); };
  o += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + num(y(0)) + "\" x2=\"" + std::to_string(w - 10) + "\" y2=\"" +
       num(y(0)) + "\" stroke=\"#333\"/>";
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax / 1.15 * k / 4;
    o += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + num(y(v) + 4) + "\" text-anchor=\"end\" font-size=\"11\">" +
         fmt("%.3g", v) + "</text><line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(w - 10) + "\" y1=\"" +
         num(y(v)) + "\" y2=\"" + num(y(v)) + "\" stroke=\"#ddd\"/>";
  }
  for (int i = 0; i < n; ++i) {
    const auto& run = r.runs[size_t(i)];
    const double x = left + slot * i + slot * 0.2, bw = slot * 0.6;
    const auto& s = run.images_per_second;
    o += "<g class=\"bar\" data-threads=\"" + std::to_string(run.threads) + "\" data-images-per-second=\"" + num(s.median) +
         "\" data-min=\"" + num(s.min) + "\" data-max=\"" + num(s.max) + "\" data-efficiency=\"" + num(run.efficiency) + "\">";
    o += "<title>" + std::to_string(run.threads) + " thread(s): " + num(s.median) + " images/s (min " + num(s.min) +
         ", max " + num(s.max) + ")</title>";
    o += "<rect x=\"" + num(x) + "\" y=\"" + num(y(s.median)) + "\" width=\"" + num(bw) + "\" height=\"" +
         num(y(0) - y(s.median)) + "\" fill=\"#4e79a7\"/>";
    const double cx = x + bw / 2;
    o += "<line x1=\"" + num(cx) + "\" x2=\"" + num(cx) + "\" y1=\"" + num(y(s.min)) + "\" y2=\"" + num(y(s.max)) +
         "\" stroke=\"#000\"/><line x1=\"" + num(cx - 6) + "\" x2=\"" + num(cx + 6) + "\" y1=\"" + num(y(s.max)) +
         "\" y2=\"" + num(y(s.max)) + "\" stroke=\"#000\"/><line x1=\"" + num(cx - 6) + "\" x2=\"" + num(cx + 6) +
         "\" y1=\"" + num(y(s.min)) + "\" y2=\"" + num(y(s.min)) + "\" stroke=\"#000\"/>";
    o += "<text class=\"value\" x=\"" + num(cx) + "\" y=\"" + num(y(s.max) - 6) + "\" text-anchor=\"middle\" font-size=\"12\">" +
         num(s.median) + "</text>";
    o += "<text x=\"" + num(cx) + "\" y=\"" + std::to_string(h - bottom + 16) + "\" text-anchor=\"middle\" font-size=\"12\">" +
         std::to_string(run.threads) + "</text></g>";
  }
  o += "<text x=\"" + std::to_string((w + left) / 2) + "\" y=\"" + std::to_string(h - 6) +
       "\" text-anchor=\"middle\" font-size=\"12\">threads</text>";
  o += "<text x=\"14\" y=\"" + std::to_string(h / 2) + "\" transform=\"rotate(-90 14 " + std::to_string(h / 2) +
       ")\" text-anchor=\"middle\" font-size=\"12\">images/s (median, min-max)</text></svg>";
  return o;
}

std::string svg_shares(const BenchResult& r) {
  const int w = 560, row = 34, left = 80, top = 10;
  const int h = top + row * int(r.runs.size()) + 40;
  std::string o = "<svg id=\"plot-stages\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
                  "\" height=\"" + std::to_string(h) + "\" role=\"img\" aria-label=\"time share per stage\">";
  const double span = w - left - 20;
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const auto& run = r.runs[i];
    const double y = top + row * double(i);
    o += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + num(y + 17) + "\" text-anchor=\"end\" font-size=\"12\">" +
         std::to_string(run.threads) + " thr</text>";
    double x = left;
    for (int s = 0; s < kStageCount; ++s) {
      const double share = run.stages[s].share.median, bw = share * span;
      o += "<g class=\"share\" data-threads=\"" + std::to_string(run.threads) + "\" data-stage=\"" + stage_name(s) +
           "\" data-share=\"" + num(share) + "\"><title>" + stage_name(s) + ": " + fmt("%.1f", share * 100) +
           "% of the time at " + std::to_string(run.threads) + " thread(s)</title><rect x=\"" + num(x) + "\" y=\"" + num(y) +
           "\" width=\"" + num(bw) + "\" height=\"24\" fill=\"" + kStageColours[s] + "\"/>";
      if (bw > 34)
        o += "<text x=\"" + num(x + bw / 2) + "\" y=\"" + num(y + 16) + "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#fff\">" +
             fmt("%.1f", share * 100) + "%</text>";
      o += "</g>";
      x += bw;
    }
  }
  double lx = left;
  const double ly = top + row * double(r.runs.size()) + 12;
  for (int s = 0; s < kStageCount; ++s) {
    o += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"12\" height=\"12\" fill=\"" + kStageColours[s] +
         "\"/><text x=\"" + num(lx + 16) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">" + stage_name(s) + "</text>";
    lx += 80;
  }
  return o + "</svg>";
}

std::string svg_latency(const BenchResult& r) {
  const double max_ms = max_latency(r);
  const int w = 560, ph = 120, left = 60, gap = 36;
  const int h = int(r.runs.size()) * (ph + gap) + 30;
  std::string o = "<svg id=\"plot-latency\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
                  "\" height=\"" + std::to_string(h) + "\" role=\"img\" aria-label=\"latency distribution\">";
  const double span = w - left - 20;
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const auto& run = r.runs[i];
    const Histogram hist = latency_histogram(run.latency_samples_ms, max_ms, kHistogramBins);
    const double top = 10 + double(i) * (ph + gap), base = top + ph;
    uint64_t cmax = 1;
    for (auto c : hist.counts) cmax = std::max(cmax, c);
    o += "<g class=\"latency\" data-threads=\"" + std::to_string(run.threads) + "\" data-p50=\"" + num(run.latency_p50_ms.median) +
         "\" data-p95=\"" + num(run.latency_p95_ms.median) + "\" data-p99=\"" + num(run.latency_p99_ms.median) +
         "\" data-bin-ms=\"" + num(hist.bin_ms) + "\">";
    o += "<text x=\"" + std::to_string(left) + "\" y=\"" + num(top + 2) + "\" font-size=\"12\">" + std::to_string(run.threads) +
         " thread(s): p50 " + human(run.latency_p50_ms.median) + " ms, p95 " + human(run.latency_p95_ms.median) +
         " ms, p99 " + human(run.latency_p99_ms.median) + " ms</text>";
    const double bw = span / kHistogramBins;
    for (size_t b = 0; b < hist.counts.size(); ++b) {
      const double bh = (ph - 14) * double(hist.counts[b]) / double(cmax);
      o += "<rect class=\"bin\" data-count=\"" + std::to_string(hist.counts[b]) + "\" x=\"" + num(left + bw * double(b)) +
           "\" y=\"" + num(base - bh) + "\" width=\"" + num(bw - 1) + "\" height=\"" + num(bh) +
           "\" fill=\"#76b7b2\"><title>" + num(hist.bin_ms * double(b)) + "-" + num(hist.bin_ms * double(b + 1)) + " ms: " +
           std::to_string(hist.counts[b]) + " images</title></rect>";
    }
    auto mark = [&](double v, const char* label, const char* colour) {
      const double x = left + span * (max_ms > 0 ? std::min(1.0, v / max_ms) : 0);
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(top + 8) + "\" y2=\"" + num(base) +
           "\" stroke=\"" + colour + "\" stroke-dasharray=\"4 2\"/><text x=\"" + num(x + 2) + "\" y=\"" + num(top + 18) +
           "\" font-size=\"10\" fill=\"" + colour + "\">" + label + "</text>";
    };
    mark(run.latency_p50_ms.median, "p50", "#333");
    mark(run.latency_p95_ms.median, "p95", "#e15759");
    mark(run.latency_p99_ms.median, "p99", "#9c2a2b");
    o += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + num(left + span) + "\" y1=\"" + num(base) + "\" y2=\"" + num(base) +
         "\" stroke=\"#333\"/><text x=\"" + std::to_string(left) + "\" y=\"" + num(base + 14) + "\" font-size=\"10\">0</text>" +
         "<text x=\"" + num(left + span) + "\" y=\"" + num(base + 14) + "\" font-size=\"10\" text-anchor=\"end\">" +
         fmt("%.3g", max_ms) + " ms</text></g>";
  }
  return o + "<text x=\"" + std::to_string(w / 2) + "\" y=\"" + std::to_string(h - 6) +
         "\" text-anchor=\"middle\" font-size=\"12\">per-image latency (ms)</text></svg>";
}

}  // namespace

std::string format_html(const BenchReport& rep) {
  const auto& c = rep.conditions;
  const auto& r = *rep.result;
  const CorpusFacts f = corpus_facts(*rep.corpus);
  std::string json = format_json(rep);
  for (size_t p = 0; (p = json.find("</", p)) != std::string::npos; p += 3) json.replace(p, 2, "<\\/");
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hashsieve bench</title>\n"
      "<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1140px;color:#222}"
      "h1{font-size:22px}h2{font-size:17px;margin-top:26px}table{border-collapse:collapse;font-size:13px}"
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}"
      "td.l,th.l{text-align:left}.cond{font-size:13px;line-height:1.5}.plots{display:flex;flex-wrap:wrap;gap:18px}"
      ".plots figure{margin:0}figcaption{font-size:13px;font-weight:bold;margin-bottom:4px}</style></head><body>\n";
  o += "<h1>hashsieve bench " + html_escape(c.version) + "</h1>\n<div class=\"cond\" id=\"conditions\" data-simd=\"" +
       html_escape(c.simd) + "\" data-threads=\"" + join_threads(c.threads) + "\" data-images=\"" + std::to_string(f.images) +
       "\" data-list-entries=\"" + std::to_string(c.list_entries) + "\">";
  o += "<b>conditions:</b> " + html_escape(conditions_line(c, f)) + "<br><b>cpu:</b> " + html_escape(c.cpu) +
       "<br><b>corpus:</b> " + html_escape(corpus_line(c, f)) + "<br><b>list:</b> " + html_escape(list_line(c)) +
       "<br><b>method:</b> " + html_escape(method_line(c)) +
       "<br><b>check:</b> " +
       (r.hashes_consistent ? "every pass gave every image the same hash" : "HASHES DIFFERED BETWEEN PASSES") + "</div>\n";

  o += "<h2>Throughput</h2><table id=\"table-runs\"><tr><th>threads</th><th>passes</th><th>images/s</th><th>MP/s</th>"
       "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>speed-up</th><th>efficiency</th><th>peak RSS MiB</th></tr>";
  for (const auto& run : r.runs) {
    o += "<tr data-threads=\"" + std::to_string(run.threads) + "\"><td>" + std::to_string(run.threads) + "</td><td>" +
         std::to_string(run.repetitions) + "</td><td>" + spread(run.images_per_second) + "</td><td>" +
         spread(run.megapixels_per_second) + "</td><td>" + spread(run.latency_p50_ms) + "</td><td>" +
         spread(run.latency_p95_ms) + "</td><td>" + spread(run.latency_p99_ms) + "</td><td>" + fmt("%.2f", run.speedup) +
         "x</td><td>" + fmt("%.0f", run.efficiency * 100) + "%</td><td>" + fmt("%.1f", double(run.peak_rss_bytes) / (1 << 20)) +
         "</td></tr>";
  }
  o += "</table>\n<div class=\"plots\">";
  o += "<figure><figcaption>Images per second vs threads</figcaption>" + svg_throughput(r) + "</figure>";
  o += "<figure><figcaption>Time share per stage</figcaption>" + svg_shares(r) + "</figure>";
  o += "<figure><figcaption>Latency distribution (all measured passes)</figcaption>" + svg_latency(r) + "</figure></div>\n";

  o += "<h2>Stages</h2><table id=\"table-stages\"><tr><th>threads</th><th class=\"l\">stage</th><th>share of time</th>"
       "<th>ms/image</th><th>images/s per thread</th></tr>";
  for (const auto& run : r.runs)
    for (int s = 0; s < kStageCount; ++s) {
      const auto& st = run.stages[s];
      Summary pct{st.share.median * 100, st.share.min * 100, st.share.max * 100};
      o += "<tr><td>" + std::to_string(run.threads) + "</td><td class=\"l\">" + stage_name(s) + "</td><td>" +
           spread(pct, "%.1f") + "%</td><td>" + spread(st.ms_per_image) + "</td><td>" + spread(st.images_per_second) +
           "</td></tr>";
    }
  o += "</table>\n<h2>Images</h2><table id=\"table-images\"><tr><th class=\"l\">image</th><th>format</th><th>size</th>"
       "<th>MP</th><th>bytes</th></tr>";
  for (const auto& img : *rep.corpus)
    o += "<tr><td class=\"l\">" + html_escape(img.path) + "</td><td>" + html_escape(img.format) + "</td><td>" +
         std::to_string(img.width) + "x" + std::to_string(img.height) + "</td><td>" + fmt("%.2f", img.megapixels()) +
         "</td><td>" + std::to_string(img.bytes.size()) + "</td></tr>";
  o += "</table>\n<p class=\"cond\">Latency is per image, the sum of its stage times (time queued in the pipeline is not "
       "included). Stage images/s per thread: images divided by the time spent in that stage.</p>\n";
  o += "<script type=\"application/json\" id=\"bench-json\">" + json + "</script>\n</body></html>\n";
  return o;
}

}  // namespace hashsieve::bench

// PDQ hashing speed: whole images at four sizes and each stage, for every SIMD level, from
// decoded RGB pixels on one core. Each AVX2 case reports its speed-up over the scalar case of
// the same shape, measured in the same run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hashers/pdq_dct.h"
#include "hashers/pdq_kernels.h"
#include "hashsieve/pdq.h"

namespace hashsieve {
namespace {

struct Size {
  int w, h;
};
constexpr Size kSizes[] = {{512, 512}, {1024, 768}, {1600, 1004}, {4000, 3000}};

// A photo-like synthetic picture: smooth shapes plus noise (content does not change the work).
const std::vector<uint8_t>& picture(int w, int h) {
  static std::map<std::pair<int, int>, std::vector<uint8_t>> cache;
  auto& px = cache[{w, h}];
  if (px.empty()) {
    px.resize(size_t(w) * h * 3);
    std::mt19937 rng(w * 31 + h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c)
          px[(size_t(y) * w + x) * 3 + c] = uint8_t((x * (c + 1) / 7 + y / 5 + (x * y) / 997 + rng() % 16) & 0xff);
  }
  return px;
}

void report(benchmark::State& state, SimdLevel level, double pixels) {
  state.SetItemsProcessed(state.iterations());
  state.counters["MP/s"] = benchmark::Counter(pixels * state.iterations() / 1e6, benchmark::Counter::kIsRate);
  state.SetLabel(simd_level_name(level));
}

void BM_Hash(benchmark::State& state, SimdLevel level, Size s, bool dihedral) {
  auto hasher = PdqHasher::Create({PdqFlavor::kFullRes, level, dihedral});
  if (!hasher.ok()) {
    state.SkipWithError(hasher.status().to_string().c_str());
    return;
  }
  const auto& px = picture(s.w, s.h);
  ImageView img{px.data(), s.w, s.h, size_t(s.w) * 3, PixelFormat::kRGB8};
  for (auto _ : state) {
    auto r = hasher->hash(img);
    benchmark::DoNotOptimize(r);
  }
  report(state, level, double(s.w) * s.h);
}

void BM_Luma(benchmark::State& state, SimdLevel level, Size s) {
  const auto& k = pdq::kernels_for(level);
  const auto& px = picture(s.w, s.h);
  ImageView img{px.data(), s.w, s.h, size_t(s.w) * 3, PixelFormat::kRGB8};
  std::vector<float> out(size_t(s.w) * s.h);
  for (auto _ : state) {
    k.luma_rows(img, 0, s.h, out.data());
    benchmark::ClobberMemory();
  }
  report(state, level, double(s.w) * s.h);
}

// One full box pass along rows, written transposed (passes 1 and 2 are this on each axis).
void BM_BoxPass(benchmark::State& state, SimdLevel level, Size s) {
  const auto& k = pdq::kernels_for(level);
  std::vector<float> in(size_t(s.w) * s.h, 1.5f), out(in.size()), scratch(k.scratch_floats(s.w) + 8);
  auto addr = reinterpret_cast<uintptr_t>(scratch.data());
  float* sc = scratch.data() + ((32 - addr % 32) % 32) / sizeof(float);
  for (auto _ : state) {
    k.box_rows_transposed(in.data(), s.h, s.w, (s.w + 127) / 128, nullptr, 0, sc, out.data(), size_t(s.h));
    benchmark::ClobberMemory();
  }
  report(state, level, double(s.w) * s.h);
}

void BM_DctQualityBits(benchmark::State& state) {
  pdq::Block64 a;
  std::mt19937 rng(1);
  for (auto& v : a) v = float(rng() % 256);
  for (auto _ : state) {
    int q = pdq::pdq_quality(a);
    auto b = pdq::pdq_dct(a);
    auto h = pdq::pdq_dihedral_bits(b);
    benchmark::DoNotOptimize(q);
    benchmark::DoNotOptimize(h);
  }
}

std::string size_name(Size s) { return std::to_string(s.w) + "x" + std::to_string(s.h); }

void register_all() {
  for (SimdLevel level : {SimdLevel::kScalar, SimdLevel::kAvx2}) {
    if (!simd_level_available(level)) continue;
    const std::string lv = simd_level_name(level);
    for (Size s : kSizes) {
      benchmark::RegisterBenchmark(("hash/" + size_name(s) + "/" + lv).c_str(), BM_Hash, level, s, false)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("hash_dihedral/" + size_name(s) + "/" + lv).c_str(), BM_Hash, level, s, true)
          ->Unit(benchmark::kMillisecond);
    }
    for (Size s : {kSizes[1], kSizes[3]}) {
      benchmark::RegisterBenchmark(("stage_luma/" + size_name(s) + "/" + lv).c_str(), BM_Luma, level, s)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("stage_box_pass/" + size_name(s) + "/" + lv).c_str(), BM_BoxPass, level, s)
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("stage_dct_quality_dihedral_bits", BM_DctQualityBits)->Unit(benchmark::kMicrosecond);
}

// Prints, after the normal table, each SIMD case's time and its speed-up over scalar.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      times_[r.benchmark_name()] = r.GetAdjustedRealTime();  // in the case's own time unit
      units_[r.benchmark_name()] = r.time_unit;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nspeed-up over the scalar path (same run, one core):\n");
    std::printf("%-36s %12s %12s %9s\n", "case", "scalar", "avx2", "speed-up");
    for (const auto& [name, t] : times_) {
      const auto pos = name.rfind("/avx2");
      if (pos == std::string::npos) continue;
      const std::string base = name.substr(0, pos);
      auto it = times_.find(base + "/scalar");
      if (it == times_.end()) continue;
      const char* unit = benchmark::GetTimeUnitString(units_[name]);
      std::printf("%-36s %9.3f %s %9.3f %s %8.1fx\n", base.c_str(), it->second, unit, t, unit,
                  it->second / t);
    }
  }

 private:
  std::map<std::string, double> times_;
  std::map<std::string, benchmark::TimeUnit> units_;
};

}  // namespace
}  // namespace hashsieve

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hashsieve::register_all();
  hashsieve::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

// The PDQ conformance vectors: every decodable image must hash exactly as the reference does,
// in both flavours, with all eight dihedral hashes, at every SIMD level this build and CPU run.
#include <gtest/gtest.h>

#include "engine/image_hashing.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

const char* kDihedralColumns[] = {"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"};

std::vector<SimdLevel> levels_to_test() {
  std::vector<SimdLevel> out{SimdLevel::kScalar};
  if (simd_level_available(SimdLevel::kAvx2)) out.push_back(SimdLevel::kAvx2);
  return out;
}

// The reference's hash, quality and eight dihedral hashes for one row of expected.csv.
void expect_reference(const PdqResult& r, const testing::CsvRow& row, bool cli, const std::string& file) {
  EXPECT_EQ(to_hex(r.hash), row.at(cli ? "pdq_cli512" : "pdq")) << file;
  EXPECT_EQ(std::to_string(r.quality), row.at(cli ? "quality_cli512" : "quality")) << file;
  ASSERT_TRUE(r.has_dihedral);
  for (int d = 0; d < kDihedralCount; ++d) {
    std::string col = std::string(cli ? "cli512_dih_" : "dih_") + kDihedralColumns[d];
    EXPECT_EQ(to_hex(r.dihedral[d]), row.at(col)) << file << " " << col;
  }
}

// A hasher at one SIMD level and flavour, computing the dihedral hashes the vectors list.
Result<PdqHasher> conformance_hasher(SimdLevel level, PdqFlavor flavor) {
  PdqOptions opt;
  opt.simd = level;
  opt.flavor = flavor;
  opt.dihedral = true;
  return PdqHasher::Create(opt);
}

class PdqConformance : public ::testing::TestWithParam<SimdLevel> {};

TEST_P(PdqConformance, EveryVectorMatchesTheReference) {
  const auto rows = testing::pdq_vectors();
  ASSERT_EQ(rows.size(), 166u);
  for (PdqFlavor flavor : {PdqFlavor::kFullRes, PdqFlavor::kCli512}) {
    auto hasher = conformance_hasher(GetParam(), flavor);
    ASSERT_TRUE(hasher.ok()) << hasher.status().to_string();
    const bool cli = flavor == PdqFlavor::kCli512;
    int hashed = 0, refused = 0;
    for (const auto& row : rows) {
      const std::string& file = row.at("file");
      auto bytes = testing::read_file(testing::data_path("pdq-vectors/images/" + file));
      ASSERT_FALSE(bytes.empty()) << file;
      auto img = decode_image(bytes.data(), bytes.size());
      ASSERT_TRUE(img.ok()) << file << ": " << img.status().to_string();
      EXPECT_EQ(std::to_string(img->view().width), row.at("width")) << file;
      EXPECT_EQ(std::to_string(img->view().height), row.at("height")) << file;
      auto r = hasher->hash(img->view());
      if (std::stoi(row.at("width")) < 5 || std::stoi(row.at("height")) < 5) {
        ASSERT_FALSE(r.ok()) << file;
        EXPECT_EQ(r.status().code(), StatusCode::kImageTooSmall) << file;
        ++refused;
        continue;
      }
      ASSERT_TRUE(r.ok()) << file << ": " << r.status().to_string();
      ++hashed;
      expect_reference(*r, row, cli, file);
    }
    EXPECT_EQ(hashed + refused, 166);
    EXPECT_GE(refused, 4);
  }
}

// The engine's own path: JPEGs are hashed while libjpeg-turbo decodes them (a strip at a time),
// other images through decode_image. It must give the reference's hashes just the same.
TEST_P(PdqConformance, EveryVectorMatchesTheReferenceThroughTheEngine) {
  const auto rows = testing::pdq_vectors();
  for (PdqFlavor flavor : {PdqFlavor::kFullRes, PdqFlavor::kCli512}) {
    auto hasher = conformance_hasher(GetParam(), flavor);
    ASSERT_TRUE(hasher.ok()) << hasher.status().to_string();
    const bool cli = flavor == PdqFlavor::kCli512;
    int hashed = 0;
    for (const auto& row : rows) {
      const std::string& file = row.at("file");
      auto bytes = testing::read_file(testing::data_path("pdq-vectors/images/" + file));
      auto r = hash_image_bytes(bytes.data(), bytes.size(), {}, DecodeMode::kExact, *hasher);
      if (std::stoi(row.at("width")) < 5 || std::stoi(row.at("height")) < 5) {
        EXPECT_EQ(r.status().code(), StatusCode::kImageTooSmall) << file;
        continue;
      }
      ASSERT_TRUE(r.ok()) << file << ": " << r.status().to_string();
      ++hashed;
      EXPECT_FALSE(r->reduced);
      EXPECT_EQ(std::to_string(r->width), row.at("width")) << file;
      expect_reference(r->pdq, row, cli, file);
    }
    EXPECT_GE(hashed, 160);
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, PdqConformance, ::testing::ValuesIn(levels_to_test()),
                         [](const auto& info) { return std::string(simd_level_name(info.param)); });

}  // namespace
}  // namespace hashsieve

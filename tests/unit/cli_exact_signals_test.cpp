// Exact signals end to end through the command line: a list of NCMEC XML with MD5 and SHA-1, a
// scan of an image and a video, report lines naming the signal, and the export round trip.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/coreutils_digest.h"
#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::coreutils_digest_hex;
using testing::run_cli;
using testing::TempDir;

TEST(CliExactSignals, ScanMatchesImagesAndVideosByTheirDigests) {
  TempDir dir;
  const std::string photo = testing::data_path("pdq-vectors/images/photo-coffee-q85.jpg");
  const std::string video = dir / "clip.mp4", other = dir / "other.mp4";
  {
    std::string bytes("\0\0\0\x18" "ftypmp42", 12);
    bytes.append(50000, 'v');
    std::ofstream(video, std::ios::binary) << bytes;
    std::ofstream(other, std::ios::binary) << bytes << "x";
  }
  std::ofstream(dir / "ncmec.xml") << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                      "<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\n"
                                      "<images count=\"1\"><image><member id=\"7\">Member</member><id>img</id>"
                                      "<classification>A1</classification><fingerprints><md5>"
                                   << coreutils_digest_hex(0, photo) << "</md5><sha1>" << coreutils_digest_hex(1, photo)
                                   << "</sha1></fingerprints></image></images>\n"
                                      "<videos count=\"1\"><video><member id=\"7\">Member</member><id>vid</id>"
                                      "<fingerprints><md5>"
                                   << coreutils_digest_hex(0, video) << "</md5></fingerprints></video></videos>\n"
                                      "</queryResult>\n";
  const std::string db = " --db " + (dir / "db");
  ASSERT_EQ(run_cli("list create ncmec" + db).exit_code, 0);
  auto imp = run_cli("list import ncmec " + (dir / "ncmec.xml") + db);
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.err.find("added 2"), std::string::npos) << imp.err;

  auto scan = run_cli("scan" + db + " " + photo + " " + video + " " + other);
  EXPECT_EQ(scan.exit_code, 0) << scan.err;  // matches found
  // The photo and the video by MD5 (the video holds only MD5, so MD5 is digested, and it covers
  // the photo's entry too: one match line per entry); the other video is no match (not reported).
  EXPECT_NE(scan.out.find("\"entry_id\":\"7-img\",\"distance\":0,\"signal\":\"md5\""), std::string::npos) << scan.out;
  EXPECT_EQ(scan.out.find("\"signal\":\"sha1\""), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find("\"entry_id\":\"7-vid\",\"distance\":0,\"signal\":\"md5\""), std::string::npos) << scan.out;
  EXPECT_EQ(scan.out.find("other.mp4"), std::string::npos) << scan.out;
  EXPECT_EQ(scan.out.find("\"outcome\":\"error\""), std::string::npos) << scan.out;

  auto csv = run_cli("scan --format csv" + db + " " + video);
  EXPECT_NE(csv.out.find(",signal\n"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find(",md5\n"), std::string::npos) << csv.out;

  // Export -> import into another list gives the same entries, digests included.
  auto exported = run_cli("list export ncmec --format jsonl" + db);
  ASSERT_EQ(exported.exit_code, 0);
  EXPECT_NE(exported.out.find("\"md5\":\"" + coreutils_digest_hex(0, video) + "\""), std::string::npos) << exported.out;
  std::ofstream(dir / "export.jsonl") << exported.out;
  ASSERT_EQ(run_cli("list create copy" + db).exit_code, 0);
  ASSERT_EQ(run_cli("list import copy " + (dir / "export.jsonl") + db).exit_code, 0);
  auto again = run_cli("list export copy --format jsonl" + db);
  EXPECT_EQ(again.out, exported.out);
}

TEST(CliExactSignals, NonImageWithoutADigestListIsAnErrorItem) {
  TempDir dir;
  const std::string video = dir / "clip.mp4";
  std::ofstream(video, std::ios::binary) << std::string("\0\0\0\x18" "ftypmp42", 12) << std::string(1000, 'v');
  std::ofstream(dir / "pdq.txt") << "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n";
  const std::string db = " --db " + (dir / "db");
  ASSERT_EQ(run_cli("list create pdq" + db).exit_code, 0);
  ASSERT_EQ(run_cli("list import pdq " + (dir / "pdq.txt") + db).exit_code, 0);
  auto scan = run_cli("scan" + db + " " + video);
  EXPECT_EQ(scan.exit_code, 2) << scan.out << scan.err;
  EXPECT_NE(scan.out.find("\"outcome\":\"error\""), std::string::npos) << scan.out;
}

}  // namespace
}  // namespace hashsieve

// NCMEC hash-sharing XML as the /v2/entries endpoint returns it (the layout of NCMEC's API
// documentation and python-threatexchange's client), and hostile XML.
#include <gtest/gtest.h>

#include "list_test_util.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::kH2;
using testing::kH3;
using testing::read_text;
using testing::Read;

std::string image(const std::string& member_id, const std::string& member, const std::string& id,
                  const std::string& pdq, const std::string& extra = "") {
  return "        <image>\n"
         "            <member id=\"" + member_id + "\">" + member + "</member>\n"
         "            <timestamp>2017-10-24T15:00:00Z</timestamp>\n"
         "            <id>" + id + "</id>\n"
         "            <classification>A1</classification>\n"
         "            <fingerprints>\n"
         "                <md5>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</md5>\n"
         "                <sha1>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</sha1>\n" +
         (pdq.empty() ? "" : "                <pdq>" + pdq + "</pdq>\n") +
         "            </fingerprints>\n" + extra +
         "        </image>\n";
}

const std::string kFeedback =
    "            <feedback lastUpdateTimestamp=\"2023-06-01T12:48:14Z\">\n"
    "                <affirmativeFeedback type=\"Md5\" lastUpdateTimestamp=\"2023-06-01T12:48:14Z\">\n"
    "                <members timestamp=\"2023-06-01T12:48:14Z\">\n"
    "                    <member id=\"99\">Someone Who Agreed</member>\n"
    "                </members>\n"
    "                </affirmativeFeedback>\n"
    "            </feedback>\n";

std::string response(const std::string& images, const std::string& videos = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
         "<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\n"
         "    <images count=\"2\" maxTimestamp=\"2017-10-24T15:10:00Z\">\n" + images +
         "    </images>\n" + videos +
         "    <paging>\n"
         "        <next>/v2/entries?from=2017-10-20T00%3A00%3A00.000Z&amp;start=2001&amp;size=1000</next>\n"
         "    </paging>\n"
         "</queryResult>\n";
}

TEST(ListNcmec, IdsAreScopedPerMember) {
  // Two members both number an entry image1; member 43 deletes its own image1 only.
  std::string doc = response(image("42", "Example Member", "image1", kH1, kFeedback) +
                             image("43", "Example Member2", "image1", kH2) +
                             "        <deletedImage>\n"
                             "            <member id=\"43\">Example Member2</member>\n"
                             "            <id>image1</id>\n"
                             "            <timestamp>2017-10-24T15:10:00Z</timestamp>\n"
                             "        </deletedImage>\n",
                             "    <videos count=\"1\" maxTimestamp=\"2017-10-24T15:20:00Z\">\n"
                             "        <video>\n"
                             "            <member id=\"42\">Example Member</member>\n"
                             "            <id>video1</id>\n"
                             "            <fingerprints><md5>b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1</md5></fingerprints>\n"
                             "        </video>\n"
                             "    </videos>\n");
  Read r = read_text(doc);
  EXPECT_EQ(r.format, ListFormat::kNcmecXml);
  ASSERT_EQ(r.rows().size(), 4u);
  EXPECT_EQ(r.rows()[0].entry_id, "42-image1");
  EXPECT_EQ(to_hex(r.rows()[0].hash), kH1);
  // The submitter is the entry's own <member>, not one inside <feedback>; the classification is kept.
  EXPECT_EQ(r.rows()[0].metadata,
            R"({"member":"Example Member","member_id":"42","type":"image","classification":"A1","timestamp":"2017-10-24T15:00:00Z"})");
  EXPECT_EQ(r.rows()[0].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[1].entry_id, "43-image1");
  EXPECT_EQ(r.rows()[2].entry_id, "43-image1");
  EXPECT_EQ(r.rows()[2].state, EntryState::kWithdrawn);
  EXPECT_FALSE(r.rows()[2].has_hash);
  EXPECT_EQ(r.rows()[3].entry_id, "42-video1");  // no PDQ: kept by its MD5
  EXPECT_EQ(digest_hex(r.rows()[3].digests.bytes[0]), "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1");
  EXPECT_EQ(r.r.counts.skipped, 0u);
  EXPECT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
  EXPECT_EQ(r.r.lines[0], 4u);
}

TEST(ListNcmec, CdataReferencesAndEntities) {
  std::string doc = response(image("42", "A &amp; B &#x263A;", "<![CDATA[img&1]]>", kH1) +
                             image("42", "C", "img&#38;2", "  " + kH2 + "\n  "));
  Read r = read_text(doc);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[0].entry_id, "42-img&1");
  EXPECT_NE(r.rows()[0].metadata.find("\"A & B \xE2\x98\xBA\""), std::string::npos) << r.rows()[0].metadata;
  EXPECT_EQ(r.rows()[1].entry_id, "42-img&2");
  EXPECT_EQ(to_hex(r.rows()[1].hash), kH2);
}

TEST(ListNcmec, BadEntriesAndBrokenDocuments) {
  std::string doc = response(image("42", "M", "ok", kH1) + image("42", "M", "badpdq", "nothex") +
                             "        <image><id>no-member</id><fingerprints><pdq>" + kH2 +
                             "</pdq></fingerprints></image>\n");
  Read r = read_text(doc);
  ASSERT_EQ(r.rows().size(), 1u);
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0].line, 15u);
  EXPECT_EQ(r.errors()[1].line, 26u);
  // Structural damage: an error at its line, earlier entries kept.
  Read broken = read_text("<queryResult><images>" + image("1", "M", "a", kH1) + "<image></oops>");
  EXPECT_EQ(broken.rows().size(), 1u);
  ASSERT_EQ(broken.errors().size(), 1u);
  EXPECT_EQ(broken.errors()[0].line, 12u);
}

TEST(ListNcmec, NoDtdNoEntityExpansion) {
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE q [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\n"
                       "<queryResult><images><image><member id=\"1\"/><id>&b;</id><fingerprints><pdq>" + kH1 +
                       "</pdq></fingerprints></image></images></queryResult>\n";
  Read r = read_text(laughs);
  EXPECT_TRUE(r.rows().empty());
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].reason.find("DTD"), std::string::npos);
  std::string external = "<?xml version=\"1.0\"?>\n<!DOCTYPE q SYSTEM \"file:///etc/passwd\">\n<queryResult/>";
  EXPECT_EQ(read_text(external).errors().size(), 1u);
  // An undeclared entity is an error too, never text.
  Read u = read_text("<queryResult><images><image><member id=\"1\"/><id>&xxe;</id></image></images></queryResult>");
  EXPECT_TRUE(u.rows().empty());
  EXPECT_EQ(u.errors().size(), 1u);
}

TEST(ListNcmec, SeveralResponsesInOneFile) {
  // A fetch loop that appends each page's response to one file.
  std::string doc = response(image("42", "M", "a", kH1)) + response(image("42", "M", "b", kH2)) +
                    response(image("7", "N", "c", kH3));
  Read r = read_text(doc);
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
  EXPECT_EQ(r.rows()[2].entry_id, "7-c");
  EXPECT_EQ(r.r.lines[1], 23u);  // the second response starts on line 20
}

}  // namespace
}  // namespace hashsieve

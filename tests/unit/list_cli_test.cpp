// The list, db and match commands end to end: outputs and exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "temp_dir.h"
#include "tests/support/run_cli.h"

namespace {

struct CliRun {
  int code;
  std::string out;
};

// Runs the CLI with `args` (shell text), the file `stdin_file` as its input; stdout captured.
CliRun cli(const std::string& args, const std::string& stdin_file = "") {
  auto r = hashsieve::testing::run_cli(args, stdin_file.empty() ? "" : hashsieve::testing::slurp(stdin_file));
  return CliRun{r.exit_code, r.out};
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const std::string kA = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const std::string kB = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23";  // 1 bit from kA
const std::string kQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b20";  // 1 from kA, 2 from kB

TEST(ListCli, CreateImportMatchExportWithdraw) {
  hashsieve::testing::TempDir dir;
  std::string db = " --db " + (dir / "db");
  EXPECT_EQ(cli("list stats" + db).code, 2);  // no database yet
  EXPECT_EQ(cli("list create ncmec --source NCMEC" + db).code, 0);
  EXPECT_EQ(cli("list create ncmec" + db).code, 2);
  EXPECT_EQ(cli("list create own --radius 0" + db).code, 0);
  write_file(dir / "a.csv", kA + ",90,a.jpg\nnot-hex\n" + kB + ",80,b.jpg\n");
  EXPECT_EQ(cli("list import ncmec " + (dir / "a.csv") + db).code, 1);  // one bad row
  write_file(dir / "own.txt", kB + "\n");
  EXPECT_EQ(cli("list import own " + (dir / "own.txt") + " --format hex" + db).code, 0);
  EXPECT_EQ(cli("list import nolist " + (dir / "own.txt") + db).code, 2);

  write_file(dir / "q.txt", kQ + ",upload-1\n");
  CliRun m = cli("match" + db, dir / "q.txt");
  EXPECT_EQ(m.code, 0);
  EXPECT_EQ(m.out, "{\"query\":\"" + kQ + "\",\"list\":\"ncmec\",\"entry_id\":\"a.jpg\",\"distance\":1,\"input\":\"upload-1\"}\n"
                   "{\"query\":\"" + kQ + "\",\"list\":\"ncmec\",\"entry_id\":\"b.jpg\",\"distance\":2,\"input\":\"upload-1\"}\n");
  CliRun own = cli("match --lists own " + (dir / "q.txt") + db);  // radius 0 there
  EXPECT_EQ(own.code, 1);
  EXPECT_EQ(own.out, "");
  CliRun wide = cli("match --lists own --radius 2 --index flat --constant-time " + (dir / "q.txt") + db);
  EXPECT_EQ(wide.code, 0);
  EXPECT_EQ(wide.out, "{\"query\":\"" + kQ + "\",\"list\":\"own\",\"entry_id\":\"" + kB + "\",\"distance\":2,\"input\":\"upload-1\"}\n");
  write_file(dir / "bad.txt", "xyz\n");
  EXPECT_EQ(cli("match " + (dir / "bad.txt") + db).code, 2);
  EXPECT_EQ(cli("match --lists nope " + (dir / "q.txt") + db).code, 2);

  EXPECT_EQ(cli("list withdraw ncmec a.jpg" + db).code, 0);
  EXPECT_EQ(cli("list withdraw ncmec zzz" + db).code, 1);
  CliRun after = cli("match --lists ncmec" + db, dir / "q.txt");
  EXPECT_EQ(after.out, "{\"query\":\"" + kQ + "\",\"list\":\"ncmec\",\"entry_id\":\"b.jpg\",\"distance\":2,\"input\":\"upload-1\"}\n");
  CliRun csv = cli("list export ncmec" + db);
  EXPECT_EQ(csv.code, 0);
  EXPECT_EQ(csv.out, "hash,entry_id,quality,state,metadata,md5,sha1,sha256,sha512\n" + kA + ",a.jpg,90,withdrawn,,,,,\n" +
                         kB + ",b.jpg,80,active,,,,,\n");
  CliRun jsonl = cli("list export own --format jsonl" + db);
  EXPECT_EQ(jsonl.out, "{\"hash\":\"" + kB + "\",\"entry_id\":\"" + kB +
                           "\",\"quality\":null,\"state\":\"active\",\"metadata\":null}\n");
  CliRun stats = cli("list stats" + db);
  EXPECT_NE(stats.out.find("ncmec"), std::string::npos);

  EXPECT_EQ(cli("db checkpoint " + (dir / "copy") + db).code, 0);
  EXPECT_EQ(cli("list drop own" + db).code, 0);
  EXPECT_EQ(cli("match --lists own" + db, dir / "q.txt").code, 2);
  EXPECT_EQ(cli("match --lists own --db " + (dir / "copy"), dir / "q.txt").code, 1);
  EXPECT_EQ(cli("list frobnicate" + db).code, 2);
}

}  // namespace

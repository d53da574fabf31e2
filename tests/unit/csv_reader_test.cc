#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"

namespace jc::io {
namespace {

std::string write(const std::string& name, const std::string& content) {
  auto dir = testing::scratch_dir("csv");
  auto path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(CsvReader, ReadsQuotedFieldsAndKnowsLines) {
  auto path = write("a.csv", "id,name,note\n1,\"Smith, John\",\"said \"\"hi\"\"\"\n\n2,Jones,\"two\nlines\"\r\n3,Lee,x\n");
  auto t = CsvTable::open(path);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header(), (std::vector<std::string>{"id", "name", "note"}));
  auto r1 = t->next();
  ASSERT_TRUE(r1.ok() && r1->has_value());
  EXPECT_EQ((*r1)->fields[1], "Smith, John");
  EXPECT_EQ((*r1)->fields[2], "said \"hi\"");
  EXPECT_EQ((*r1)->line, 2);
  auto r2 = t->next();
  EXPECT_EQ((*r2)->fields[2], "two\nlines");
  EXPECT_EQ((*r2)->line, 4);  // after a blank line
  auto r3 = t->next();
  EXPECT_EQ((*r3)->fields[0], "3");
  EXPECT_EQ((*r3)->line, 6);  // the quoted newline took a line
  auto end = t->next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(CsvReader, StripsByteOrderMarkAndTrimsSpaces) {
  auto path = write("b.csv", "\xEF\xBB\xBFid, name\nrec-1, Ann \n");
  auto t = CsvTable::open(path);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->column("id").has_value());
  auto r = t->next();
  EXPECT_EQ((*r)->fields[1], "Ann");
}

TEST(CsvReader, NamesTheLineOfAMalformedRecord) {
  auto path = write("c.csv", "id,name\n1,ok\n2,\"unterminated\n");
  auto t = CsvTable::open(path);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->next().ok());
  auto bad = t->next();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("c.csv:3"), std::string::npos) << bad.error().message;
}

TEST(CsvReader, RejectsARowWithTheWrongNumberOfFields) {
  auto path = write("d.csv", "id,name\n1,ok\n2,too,many\n");
  auto t = CsvTable::open(path);
  ASSERT_TRUE(t->next().ok());
  auto bad = t->next();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("d.csv:3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("expected 2 fields"), std::string::npos);
}

TEST(CsvReader, ReadsGzippedFiles) {
  auto t = CsvTable::open(testing::reference_dir() + "/imd2019_lsoa.csv.gz");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header()[0], "LSOA code (2011)");
  long rows = 0;
  while (true) {
    auto r = t->next();
    ASSERT_TRUE(r.ok());
    if (!r->has_value()) break;
    ++rows;
  }
  EXPECT_EQ(rows, 32844);  // every LSOA in England
}

TEST(ParseGroupedInteger, ReadsThousandsSeparators) {
  EXPECT_EQ(*parse_grouped_integer("1,296"), 1296);
  EXPECT_FALSE(parse_grouped_integer("12a").ok());
}

}  // namespace
}  // namespace jc::io

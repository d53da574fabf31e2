// Importing an organisation's extract: all or nothing, with errors naming file, line and field.
#include <gtest/gtest.h>

#include <fstream>

#include "interop/extract_import.h"
#include "support/database_fixture.h"

namespace jc::interop {
namespace {

class ImportTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    db_->execute(
        "INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'LA049A', 'Council', "
        "'council_adult_social_care')");
    dir_ = testing::scratch_dir("import");
    auto p = ExtractProfile::parse(R"(
id = "Person ID"
source_system = "Mosaic"
[fields]
nhs_number = "NHS Number"
given_name = "Forename"
family_name = "Surname"
birth_date = "Date of Birth"
birth_date_format = "%d/%m/%Y"
sex = "Gender"
address = ["Address 1", "Address 2"]
postcode = "Post Code"
)",
                                   "test.toml");
    ASSERT_TRUE(p.ok()) << p.error().message;
    profile_ = *p;
  }

  std::string write(const std::string& name, const std::string& rows) {
    auto path = (dir_ / name).string();
    std::ofstream(path) << "Person ID,NHS Number,Forename,Surname,Date of Birth,Gender,Address "
                           "1,Address 2,Post Code\n"
                        << rows;
    return path;
  }

  std::int64_t records() {
    return db_->query_integer("SELECT COUNT(*) FROM local_records").value_or(-1);
  }

  std::filesystem::path dir_;
  ExtractProfile profile_;
};

TEST_P(ImportTest, ImportsEveryRecordOfAGoodExtract) {
  auto path = write("good.csv",
                    "101,999 000 0018,Ann,Lee,07/03/1950,F,1 Mill Lane,Crewe,cw1 3ab\n"
                    "102,,Bob,\"O'Neil, Jr\",31/12/1944,M,2 Oak Road,,SK9 5UJ\n");
  auto s = import_extract(*db_, {"LA049A", path, profile_});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->records, 2);
  EXPECT_EQ(s->with_nhs_number, 1);
  EXPECT_EQ(records(), 2);
  EXPECT_EQ(db_->query_text("SELECT nhs_number FROM local_records WHERE local_id = '101'"),
            "9990000018");
  EXPECT_EQ(db_->query_text("SELECT birth_date FROM local_records WHERE local_id = '101'"),
            "1950-03-07");
  EXPECT_EQ(db_->query_text("SELECT postcode FROM local_records WHERE local_id = '101'"),
            "CW1 3AB");
  EXPECT_EQ(db_->query_text("SELECT address FROM local_records WHERE local_id = '101'"),
            "1 Mill Lane Crewe");
  EXPECT_EQ(db_->query_text("SELECT family_name FROM local_records WHERE local_id = '102'"),
            "O'Neil, Jr");
  EXPECT_EQ(db_->query_text("SELECT nhs_number_status FROM local_records WHERE local_id = '102'"),
            "03");
  EXPECT_EQ(db_->query_text("SELECT source_system FROM local_records WHERE local_id = '102'"),
            "Mosaic");
  EXPECT_EQ(db_->query_integer("SELECT record_count FROM imports"), 2);
}

struct BadCase {
  std::string rows;
  const char* expect;  // in the error message
};

TEST_P(ImportTest, RejectsABadExtractNamingLineAndFieldAndLeavesTheDatabaseUnchanged) {
  ASSERT_TRUE(
      import_extract(*db_,
                     {"LA049A", write("first.csv", "1,,A,B,01/01/1950,F,x,,CW1 3AB\n"), profile_})
          .ok());
  const std::int64_t before = records();
  const BadCase cases[] = {
      {"201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n202,,Bob,Ray,31/02/1944,M,y,,CW1 3AB\n",
       ":3: field Date of Birth"},
      {"201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n202,9434765918,Bob,Ray,01/02/1944,M,y,,CW1 3AB\n",
       ":3: field NHS Number: \"9434765918\": not a valid NHS number: wrong check digit"},
      {"201,12345,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n", ":2: field NHS Number"},
      {"201,,Ann,Lee,1950-03-07,F,x,,CW1 3AB\n", ":2: field Date of Birth"},
      {"201,,Ann,Lee,07/03/1950,Q,x,,CW1 3AB\n", ":2: field Gender"},
      {"201,,Ann,Lee,07/03/1950,F,x,,NOT A CODE\n", ":2: field Post Code"},
      {"201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n",
       ":3: field Person ID: the record id \"201\" is already used (line 2 of this file)"},
      {"1,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n",
       ":2: field Person ID: the record id \"1\" is already used (the database)"},
      {"201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n202,,\"Bob,Ray,01/02/1944,M,y,,CW1 3AB\n", ":3:"},
      {"201,,Ann,Lee,07/03/1950,F,x,CW1 3AB\n", ":2: expected 9 fields"},
      {",,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n", ":2: field Person ID: the record id is empty"},
      // Text that is not UTF-8 (an extract saved as Latin-1) or holds control characters: a search
      // that met such a record answered 500.
      {"201,,Ann,Lee,07/03/1950,F,x,,CW1 3AB\n202,,Zo\xeb,Lee,07/03/1950,F,x,,CW1 3AB\n",
       ":3: field Forename: is not valid UTF-8"},
      {"201,,Ann,Le\xc3,07/03/1950,F,x,,CW1 3AB\n", ":2: field Surname: is not valid UTF-8"},
      {std::string("201,,Ann,Lee,07/03/1950,F,1 Mill\0Lane,,CW1 3AB\n", 47),
       ":2: field Address 1: holds a control character"},
      {"201,,Ann,Lee\x07,07/03/1950,F,x,,CW1 3AB\n",
       ":2: field Surname: holds a control character"},
  };
  int i = 0;
  for (const auto& c : cases) {
    auto path = write("bad" + std::to_string(++i) + ".csv", c.rows);
    auto s = import_extract(*db_, {"LA049A", path, profile_});
    ASSERT_FALSE(s.ok()) << c.rows;
    EXPECT_NE(s.error().message.find(path + c.expect), std::string::npos)
        << s.error().message << "\nwanted: " << c.expect;
    EXPECT_EQ(records(), before) << c.rows;
    EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM imports"), 1);
  }
}

TEST_P(ImportTest, RejectsAProfileThatNamesAMissingColumn) {
  profile_.postcode = {"Postcode"};
  auto s = import_extract(*db_,
                          {"LA049A", write("p.csv", "1,,A,B,01/01/1950,F,x,,CW1 3AB\n"), profile_});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("maps postcode to column \"Postcode\""), std::string::npos)
      << s.error().message;
  EXPECT_EQ(records(), 0);
}

TEST_P(ImportTest, RejectsAnUnknownOrganisation) {
  auto s = import_extract(*db_, {"NOPE", write("o.csv", ""), profile_});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("NOPE"), std::string::npos);
}

INSTANTIATE_STORE_SUITE(ImportTest);

TEST(ExtractProfile, ReportsTomlErrorsWithLineAndColumn) {
  auto p = ExtractProfile::parse("id = \"x\"\n[fields\n", "bad.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("bad.toml:2:"), std::string::npos) << p.error().message;
  auto q = ExtractProfile::parse("[fields]\ngiven_name = \"g\"\n", "noid.toml");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message.find("\"id\""), std::string::npos);
  auto r = ExtractProfile::parse("id = \"x\"\n[fields]\nshoe_size = \"s\"\n", "unknown.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("shoe_size"), std::string::npos);
}

TEST(ExtractProfile, RoundTripsThroughToml) {
  ExtractProfile p;
  p.id = "rec_id";
  p.separator = ';';
  p.given_name = {"given_name"};
  p.address = {"street_number", "address_1"};
  p.birth_date = {"dob"};
  p.birth_date_format = "%Y%m%d";
  auto back = ExtractProfile::parse(p.to_toml(), "roundtrip");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->id, "rec_id");
  EXPECT_EQ(back->separator, ';');
  EXPECT_EQ(back->address, p.address);
  EXPECT_EQ(back->birth_date_format, "%Y%m%d");
}

}  // namespace
}  // namespace jc::interop

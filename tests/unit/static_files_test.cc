// The static folder's boundary: files inside are served, nothing outside is, however the path
// is spelt (.., a sibling whose name starts with the folder's, a symlink out, NUL, backslashes).
#include "server/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"

namespace jc::server {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = testing::scratch_dir("static_files");
    fs::create_directories(base_ / "dist" / "assets");
    fs::create_directories(base_ / "dist-old");
    write(base_ / "dist" / "index.html", "<div id=\"root\"></div>");
    write(base_ / "dist" / "assets" / "app.js", "js");
    write(base_ / "dist-old" / "secret.txt", "old build");
    write(base_ / "dist.db", "a database");
    write(base_ / "outside.txt", "outside");
    fs::create_symlink(base_ / "outside.txt", base_ / "dist" / "link-out.txt");
    fs::create_symlink(base_ / "dist" / "assets" / "app.js", base_ / "dist" / "link-in.js");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path base_;
};

TEST_F(StaticFilesTest, ServesFilesInsideTheFolder) {
  StaticFiles files((base_ / "dist").string());
  EXPECT_TRUE(files.built());
  ASSERT_TRUE(files.resolve("/").has_value());
  EXPECT_EQ(files.resolve("/")->filename(), "index.html");
  ASSERT_TRUE(files.resolve("/assets/app.js").has_value());
  EXPECT_EQ(files.resolve("/assets/app.js")->filename(), "app.js");
  EXPECT_TRUE(files.resolve("/assets/../index.html").has_value());  // still inside
  EXPECT_TRUE(files.resolve("/link-in.js").has_value());            // a symlink that stays inside
}

TEST_F(StaticFilesTest, RefusesEverythingOutsideTheFolder) {
  StaticFiles files((base_ / "dist").string());
  for (const char* p : {"/../dist-old/secret.txt", "/../dist.db", "/../outside.txt",
                        "/assets/../../outside.txt", "/link-out.txt", "//etc/passwd", "/..",
                        "/assets", "/missing.js", "/index.html\\..\\..\\outside.txt"}) {
    EXPECT_FALSE(files.resolve(p).has_value()) << p;
  }
  EXPECT_FALSE(files.resolve(std::string_view("/index.html\0.js", 15)).has_value());
  EXPECT_FALSE(files.resolve("index.html").has_value());  // not a URL path
  EXPECT_FALSE(files.resolve("/" + std::string(5000, 'a'))
                   .has_value());  // too long for the file system: no throw
  EXPECT_FALSE(files.resolve("/\xff" + std::string(300, 'a')).has_value());
}

TEST_F(StaticFilesTest, AFolderWithoutIndexIsNotBuilt) {
  EXPECT_FALSE(StaticFiles((base_ / "dist-old").string()).built());
  EXPECT_FALSE(StaticFiles((base_ / "nowhere").string()).built());
  EXPECT_FALSE(StaticFiles("").built());
}

TEST(PathWithin, ComparesWholeComponents) {
  EXPECT_TRUE(path_within("/srv/web/dist", "/srv/web/dist/index.html"));
  EXPECT_TRUE(path_within("/srv/web/dist/", "/srv/web/dist/a/b.js"));
  EXPECT_TRUE(path_within("/srv/web/dist", "/srv/web/dist"));
  EXPECT_FALSE(path_within("/srv/web/dist", "/srv/web/dist-old/secret.txt"));
  EXPECT_FALSE(path_within("/srv/web/dist", "/srv/web/dist.db"));
  EXPECT_FALSE(path_within("/srv/web/dist", "/srv/web"));
}

}  // namespace
}  // namespace jc::server

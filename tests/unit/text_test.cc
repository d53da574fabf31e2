// UTF-8 validation and percent-decoding, on the cases RFC 3629 §3 and §10 call out.
#include "core/text.h"

#include <gtest/gtest.h>

namespace jc {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* s :
       {"", "plain ASCII", "Siân Lloyd-Jones", "£12.50", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
        "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF" /* U+10FFFF */, "\xED\x9F\xBF" /* U+D7FF */}) {
    EXPECT_TRUE(valid_utf8(s)) << s;
  }
}

TEST(Utf8, RefusesMalformedText) {
  for (const char* s :
       {"\xFF", "caf\xE9" /* Latin-1 é */, "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\x80", "\xBF",
        "\xC0\xAF" /* overlong '/' */, "\xC1\xBF", "\xE0\x80\xAF" /* overlong */,
        "\xF0\x80\x80\xAF", "\xED\xA0\x80" /* U+D800, a surrogate */, "\xED\xBF\xBF",
        "\xF4\x90\x80\x80" /* above U+10FFFF */, "\xF5\x80\x80\x80", "\xC3\x28"}) {
    EXPECT_FALSE(valid_utf8(s)) << s;
  }
}

TEST(CleanText, RefusesControlCharacters) {
  EXPECT_TRUE(clean_text("tab\there, lines\r\nok"));
  EXPECT_FALSE(clean_text(std::string_view("NUL\0inside", 10)));
  EXPECT_FALSE(clean_text("bell\x07"));
  EXPECT_FALSE(clean_text("delete\x7F"));
  EXPECT_FALSE(clean_text("C1 \xC2\x85"));           // U+0085, next line
  EXPECT_TRUE(clean_text("no-break\xC2\xA0space"));  // U+00A0 is text
  EXPECT_EQ(text_problem("caf\xE9").value(), "is not valid UTF-8");
  EXPECT_EQ(text_problem("a\x01").value(), "holds a control character");
}

TEST(PercentDecode, DecodesAndKeepsWhatIsNotAnEscape) {
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("a%20b+c", false), "a b+c");
  EXPECT_EQ(percent_decode("%FF", true), "\xFF");
  EXPECT_EQ(percent_decode("%e2%82%ac", true), "\xE2\x82\xAC");
  EXPECT_EQ(percent_decode("100%", true), "100%");
  EXPECT_EQ(percent_decode("%4", true), "%4");
  EXPECT_EQ(percent_decode("%zz", true), "%zz");
}

// A purpose of use cut at 64 bytes in the middle of a character made "who looked" fail for
// everyone after it: the cut goes back to the character's start.
TEST(Utf8Prefix, NeverCutsACharacter) {
  std::string purpose = std::string(63, 'a') + "\xC3\xA9" + "tail";  // é straddles byte 64
  EXPECT_EQ(utf8_prefix(purpose, 64), std::string(63, 'a'));
  EXPECT_TRUE(valid_utf8(utf8_prefix(purpose, 64)));
  EXPECT_EQ(utf8_prefix(purpose, 65), std::string(63, 'a') + "\xC3\xA9");
  EXPECT_EQ(utf8_prefix("short", 64), "short");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 3), "");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 4), "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace jc

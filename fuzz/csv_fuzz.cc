#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "interop/extract_profile.h"
#include "interop/extract_reader.h"

// Writes the input as an extract and reads it through a fixed profile, leniently and strictly.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/jointcare-csv-fuzz-" + std::to_string(getpid()) + ".csv";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  static const auto profile = *jc::interop::ExtractProfile::parse(
      "id = \"id\"\n[fields]\nnhs_number = \"nhs\"\ngiven_name = \"given\"\nbirth_date = \"dob\"\nsex = \"sex\"\n", "fuzz");
  for (auto strictness : {jc::interop::Strictness::Strict, jc::interop::Strictness::Lenient}) {
    auto reader = jc::interop::ExtractReader::open(path, profile, strictness);
    if (!reader.ok()) continue;
    for (int i = 0; i < 10000; ++i) {
      auto r = (*reader)->next();
      if (!r.ok() || !r->has_value()) break;
    }
  }
  return 0;
}

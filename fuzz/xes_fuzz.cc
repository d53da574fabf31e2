#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "pathways/analysis.h"
#include "pathways/log_readers.h"

// Writes the input as an .xes file, reads it, and checks the directly-follows property.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/jointcare-xes-fuzz-" + std::to_string(getpid()) + ".xes";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  auto log = jc::pathways::read_xes(path);
  if (log.ok()) {
    std::uint64_t sum = 0;
    for (const auto& e : jc::pathways::directly_follows(*log, true).edges) sum += e.count;
    std::uint64_t nonempty = 0;
    for (std::size_t c = 0; c < log->cases(); ++c) nonempty += log->end(c) > log->begin(c);
    if (sum != log->events() - nonempty) __builtin_trap();
  }
  return 0;
}

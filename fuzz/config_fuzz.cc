// Configuration a commissioner or an administrator hands the server: the role table, a target
// pathway, a costed scenario and a commissioning plan (TOML), each from its first byte.
#include <cstdint>
#include <string>

#include "governance/access.h"
#include "insight/plans.h"
#include "insight/scenario.h"
#include "pathways/target_pathway.h"
#include "store/database.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static auto db =
      jc::store::open_database(":memory:");  // an empty area: parsing is what is tested
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)jc::governance::RoleTable::parse(text, "fuzz.toml");
      break;
    case 1:
      (void)jc::pathways::TargetPathway::parse(text, "fuzz.toml");
      break;
    case 2:
      (void)jc::insight::run_scenario(*db, text, "fuzz.toml");
      break;
    default:
      (void)jc::insight::evaluate_plan(*db, text, "fuzz.toml", "json", "2026-03-31");
      break;
  }
  return 0;
}

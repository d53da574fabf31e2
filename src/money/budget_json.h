// The budget reports as JSON, one form for the API and the command line alike.
#pragma once

#include <string>

#include "money/devolved.h"
#include "money/ledger.h"

namespace jc::money {

// `indent` as nlohmann's dump: -1 compact, 2 for people.
std::string statement_json(const Statement& s, int indent = -1);
std::string devolved_json(const DevolvedStatement& s, int indent = -1);
std::string practices_json(const PracticeStatement& s, int indent = -1);

}  // namespace jc::money

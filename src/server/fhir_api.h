// The FHIR R4 face at /fhir/R4: its part of the route table (fhir_routes(), server/routes.h),
// the handlers, which call the care record's services (every rule and audit lives there) and
// render with src/fhir, and the CapabilityStatement made from the same table.
#pragma once

#include <string>
#include <string_view>

#include "server/routes.h"

namespace jc::server {

inline constexpr std::string_view kFhirBase = "/fhir/R4";

// A FHIR answer: the resource's JSON text in application/fhir+json.
HttpResponse fhir_reply(int status, std::string body);
// An error as FHIR answers it: an OperationOutcome in application/fhir+json.
HttpResponse fhir_error(int status, std::string_view code, std::string_view message,
                        std::string_view expression = {});

// The CapabilityStatement of what fhir_routes() answers.
const std::string& fhir_capability_statement();

}  // namespace jc::server

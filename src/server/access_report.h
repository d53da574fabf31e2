// "Who looked at this record" as a document: JSON (each line's proof in the form `jointcare audit
// prove --check` reads) and HTML for print (the same lines, each with the proof's leaf, tree size
// and checkpoint, and how to check it offline).
#pragma once

#include "care/oversight.h"
#include "server/http_types.h"

namespace jc::server {

HttpResponse access_report_json(const care::AccessReport& report);
HttpResponse access_report_html(const care::AccessReport& report);

}  // namespace jc::server

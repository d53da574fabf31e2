// Shared case notes. Staff of any organisation with a legitimate relationship read each other's
// notes as governance allows; a note is never overwritten or deleted: a correction appends a new
// version. Sensitivity: normal; sensitive (needs view_sensitive); sealed (authoring team only,
// others see that it exists and may break the seal with a reason, raising an alert); sealed and
// locked (invisible, even as existing, outside the authoring team).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct NewNote {
  std::string category;  // e.g. visit, telephone, safeguarding, review, discharge
  std::string sensitivity = "normal";
  std::string body;
};

struct CaseNote {
  std::int64_t note_id = 0;
  int version = 1;
  PersonId person;
  OrganisationId organisation;
  std::string organisation_name;
  TeamId team;
  std::string team_name, author, category, sensitivity, written_at;
  std::optional<std::string> body;  // absent when the note is sealed to the user
  std::optional<std::string> correction_reason;
  bool sealed_to_you = false;  // exists, but sealed: break the seal to read it
  bool by_override = false;
};

Outcome<CaseNote> add_note(const CareContext& ctx, PersonId person, const NewNote& note);
// Appends a corrected version; only the authoring team may correct, giving a reason.
Outcome<CaseNote> correct_note(const CareContext& ctx, std::int64_t note_id,
                               const std::string& body, const std::string& reason);
// The latest version of each note the user may know of, newest first: `limit` of them after
// skipping `offset` (counted among those the reader may know of); only the notes returned are
// audited as read.
Outcome<std::vector<CaseNote>> list_notes(const CareContext& ctx, PersonId person,
                                          std::size_t offset = 0,
                                          std::size_t limit = static_cast<std::size_t>(-1));
// Every version of one note, oldest first.
Outcome<std::vector<CaseNote>> note_history(const CareContext& ctx, std::int64_t note_id);
// Breaks a sealed note's seal for this user, with a reason: an alert for the Caldicott Guardian.
Outcome<CaseNote> break_seal(const CareContext& ctx, std::int64_t note_id,
                             const std::string& reason);

}  // namespace jc::care

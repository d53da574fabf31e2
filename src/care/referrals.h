// Referrals that commission another team's service, and the involvements they start.
// Lifecycle (anything else is refused with a clear error and changes nothing):
//
//   sent ──accept──▶ accepted ──schedule──▶ scheduled ──complete──▶ completed
//    │ └─decline──▶ declined       │  ▲          │ └─schedule (another visit)
//    └──redirect──▶ redirected     └──┴─complete └─cancel──▶ cancelled
//         (a new referral to the other team is sent, linked to this one: a hand-off)
//   sent, accepted and scheduled may be cancelled.
//
// Accepting starts an involvement of the receiving team with the person (a legitimate
// relationship); the clocks run from receipt to acceptance and to first contact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct NewReferral {
  PersonId person;
  TeamId to_team;
  std::string service_requested;
  std::string reason;
  std::string urgency = "routine";  // routine, urgent, emergency
};

struct ReferralEvent {
  std::string occurred_at, event, to_status;
  std::optional<std::string> from_status, detail, user;
};

struct Appointment {
  std::int64_t id = 0;
  std::string starts_at, place, status;
  std::optional<std::int64_t> practitioner_id;
  std::optional<std::string> practitioner;
  TeamId team;
  std::string team_name;
};

struct Referral {
  ReferralId id;
  PersonId person;
  LocalRecordId record;  // the organisation's record of the person the referral was sent with
  std::string person_name, person_nhs_number;  // as the user may see them
  TeamId from_team, to_team;
  std::string from_team_name, to_team_name, status, sent_at;
  OrganisationId from_organisation, to_organisation;
  std::string from_organisation_code, to_organisation_code;  // ODS codes
  std::optional<std::string> service_requested, urgency, reason, accepted_at, first_contact_at,
      closed_at;
  std::optional<std::int64_t> allocated_user_id, previous_referral_id;
  std::optional<std::string> allocated_user;
  std::optional<double> hours_to_acceptance, hours_to_first_contact;
  double hours_waiting = 0;  // since receipt, until acceptance (or now while it waits)
  bool withheld = false;     // in an inbox: the person's consent keeps its content from the team
  std::vector<ReferralEvent> events;
  std::vector<Appointment> appointments;
};

Outcome<Referral> send_referral(const CareContext& ctx, const NewReferral& referral);
Outcome<Referral> get_referral(const CareContext& ctx, ReferralId id);

struct ReferralAction {
  std::string action;  // accept, decline, redirect, allocate, schedule, complete, cancel
  std::string reason;  // decline, redirect and cancel need one
  std::optional<TeamId> redirect_to;
  std::optional<StaffUserId> allocate_to;   // accept (optional) and allocate
  std::string starts_at, place;             // schedule: ISO time and place
  std::optional<StaffUserId> practitioner;  // schedule: who visits (a member of the receiving team)
};
// Applies one step of the lifecycle; returns the referral as it now stands (for a redirect, the
// new referral to the other team).
Outcome<Referral> act_on_referral(const CareContext& ctx, ReferralId id,
                                  const ReferralAction& action);

struct Inbox {
  TeamId team;
  std::string team_name;
  std::vector<Referral> referrals;  // without events and appointments
  std::int64_t total = 0;
};
// A team's inbox: referrals to the team in the given statuses (default: sent, accepted,
// scheduled), oldest first, a page at a time. Only the team's own members may open it.
Outcome<Inbox> team_inbox(const CareContext& ctx, TeamId team,
                          const std::vector<std::string>& statuses, std::size_t offset,
                          std::size_t limit);

struct ReferralQuery {
  std::optional<ReferralId> id;
  std::optional<LocalRecordId> record;  // sent with this organisation's record of the person
  std::vector<std::string> statuses;    // any of these (the lifecycle's names); empty: any
  std::optional<OrganisationId> from_organisation, to_organisation;  // the sending, receiving
  // Sent at or after `from` and before `before` (ISO times or their beginnings, compared as
  // text); either may be "".
  std::string sent_from, sent_before;
  ReferralId after;  // the page begins after this referral (pages in order of id)
  std::size_t limit = 20;
};

struct ReferralPage {
  std::vector<Referral> referrals;  // the page, in order of id, with events and appointments
  std::size_t total = 0;            // every referral the search found that the user may read
  bool more = false;                // referrals the user may read come after the page
};

// Referrals matching every criterion given: an id, a record, or a sending or receiving
// organisation is needed (the others narrow), and a search that finds more than kMostReferrals
// referrals before the rule is applied is refused as too broad (Invalid). Audited as one
// (referral.search); each referral on the page as a read, shown only where referral.read would
// show it (either end's team, a relationship, consent to every organisation's part).
inline constexpr std::size_t kMostReferrals = 2000;
Outcome<ReferralPage> search_referrals(const CareContext& ctx, const ReferralQuery& query);

// The lifecycle's statuses, in order.
const std::vector<std::string>& referral_statuses();

// Ends an involvement (the relationship it gave ends with it).
Outcome<Done> close_involvement(const CareContext& ctx, std::int64_t involvement_id,
                                const std::string& reason);

}  // namespace jc::care

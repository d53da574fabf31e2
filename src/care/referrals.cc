#include "care/referrals.h"

#include <algorithm>

#include "care/common.h"
#include "care/people.h"

namespace jc::care {
namespace {

using governance::DenyReason;
using governance::EntryFacts;
using governance::Op;

constexpr const char* kReferralColumns =
    "r.id, COALESCE(r.person_id, 0), r.from_team_id, ft.name, r.to_team_id, tt.name, r.status, "
    "r.sent_at, r.service_requested, "
    "r.urgency, r.reason, r.accepted_at, r.first_contact_at, r.closed_at, r.allocated_user_id, "
    "au.display_name, "
    "r.previous_referral_id, ft.organisation_id, tt.organisation_id, r.local_record_id, "
    "fo.ods_code, too.ods_code";
constexpr const char* kReferralFrom =
    " FROM referrals r JOIN teams ft ON ft.id = r.from_team_id JOIN teams tt ON tt.id = "
    "r.to_team_id JOIN organisations fo ON fo.id = ft.organisation_id JOIN organisations too ON "
    "too.id = tt.organisation_id "
    "LEFT JOIN staff_users au ON au.id = r.allocated_user_id ";

struct Row {
  Referral r;
  OrganisationId from_org, to_org;
};

double hours_between(const std::string& a, const std::string& b) {
  auto ta = Timestamp::parse_iso(a), tb = Timestamp::parse_iso(b);
  if (!ta || !tb) return 0;
  return static_cast<double>(tb->seconds() - ta->seconds()) / 3600.0;
}

Row row_from(const store::Row& q, Timestamp now) {
  Row x;
  Referral& r = x.r;
  r.id = ReferralId(q.integer(0));
  r.person = PersonId(q.integer(1));
  r.from_team = TeamId(q.integer(2));
  r.from_team_name = q.text(3);
  r.to_team = TeamId(q.integer(4));
  r.to_team_name = q.text(5);
  r.status = q.text(6);
  r.sent_at = q.text(7);
  r.service_requested = q.optional_text(8);
  r.urgency = q.optional_text(9);
  r.reason = q.optional_text(10);
  r.accepted_at = q.optional_text(11);
  r.first_contact_at = q.optional_text(12);
  r.closed_at = q.optional_text(13);
  r.allocated_user_id = q.optional_integer(14);
  r.allocated_user = q.optional_text(15);
  r.previous_referral_id = q.optional_integer(16);
  x.from_org = OrganisationId(q.integer(17));
  x.to_org = OrganisationId(q.integer(18));
  r.record = LocalRecordId(q.integer(19));
  r.from_organisation = x.from_org;
  r.to_organisation = x.to_org;
  r.from_organisation_code = q.text(20);
  r.to_organisation_code = q.text(21);
  if (r.accepted_at) r.hours_to_acceptance = hours_between(r.sent_at, *r.accepted_at);
  if (r.first_contact_at) r.hours_to_first_contact = hours_between(r.sent_at, *r.first_contact_at);
  r.hours_waiting = r.hours_to_acceptance ? *r.hours_to_acceptance
                    : r.status == "sent"  ? hours_between(r.sent_at, now.iso())
                                          : 0;
  return x;
}

std::optional<Row> load_row(store::Database& db, ReferralId id, Timestamp now) {
  std::optional<Row> out;
  db.query(std::string("SELECT ") + kReferralColumns + kReferralFrom + "WHERE r.id = ?", {id.value},
           [&](const store::Row& q) { out = row_from(q, now); });
  return out;
}

void load_details(store::Database& db, Referral& r) {
  db.query(
      "SELECT e.occurred_at, e.event, e.from_status, e.to_status, e.detail, s.display_name FROM "
      "referral_events e "
      "LEFT JOIN staff_users s ON s.id = e.user_id WHERE e.referral_id = ? ORDER BY e.id",
      {r.id.value}, [&](const store::Row& q) {
        r.events.push_back({q.text(0), q.text(1), q.text(3), q.optional_text(2), q.optional_text(4),
                            q.optional_text(5)});
      });
  db.query(
      "SELECT a.id, a.starts_at, a.place, a.status, a.practitioner_user_id, s.display_name, "
      "a.team_id, t.name "
      "FROM appointments a JOIN teams t ON t.id = a.team_id LEFT JOIN staff_users s ON s.id = "
      "a.practitioner_user_id "
      "WHERE a.referral_id = ? ORDER BY a.starts_at",
      {r.id.value}, [&](const store::Row& q) {
        r.appointments.push_back({q.integer(0), q.text(1), q.text(2), q.text(3),
                                  q.optional_integer(4), q.optional_text(5), TeamId(q.integer(6)),
                                  q.text(7)});
      });
}

// The name and NHS number of the person as the user may see them (summary level).
void fill_person(store::Database& db, governance::Gate& gate, Referral& r) {
  int best = -1;
  db.query(
      "SELECT organisation_id, given_name, family_name, COALESCE(nhs_number, ''), "
      "nhs_number_status FROM local_records "
      "WHERE person_id = ? ORDER BY id",
      {r.person.value}, [&](const store::Row& q) {
        int rank = detail::display_rank(gate, r.person, OrganisationId(q.integer(0)), q.text(4));
        if (rank < 0 || rank <= best) return;
        best = rank;
        r.person_name = q.text(1) + " " + q.text(2);
        if (q.text(4) == "01") r.person_nhs_number = q.text(3);
      });
}

void add_event(store::Database& db, ReferralId id, Timestamp now, StaffUserId user,
               const std::string& event, std::optional<std::string> from, const std::string& to,
               const std::string& detail) {
  db.insert_returning_id(
      "INSERT INTO referral_events (referral_id, occurred_at, user_id, event, from_status, "
      "to_status, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {id.value, now.iso(), user.value, event, store::optional_value(from), to,
       detail.empty() ? store::null() : store::Value(detail)});
}

// A part of a referral as the access rule sees it (the sender's information or the receiver's);
// `party`: the user's team is the end of the referral the operation needs.
EntryFacts part(OrganisationId organisation, bool party) {
  EntryFacts e;
  e.organisation = organisation;
  e.party = party;
  return e;
}

// The parts of a referral, as the access rule sees them: the sender's and the receiver's
// information, and for a redirected referral that of every organisation it came through (what was
// asked travels on with it). `party`: the user's team is the end the operation needs.
std::vector<EntryFacts> parts_of(store::Database& db, const Row& row, bool party) {
  std::vector<EntryFacts> out{part(row.from_org, party), part(row.to_org, party)};
  std::optional<std::int64_t> previous = row.r.previous_referral_id;
  for (int hops = 0; previous && hops < 16; ++hops) {
    std::optional<std::int64_t> next;
    db.query(
        "SELECT ft.organisation_id, r.previous_referral_id FROM referrals r JOIN teams ft ON "
        "ft.id = r.from_team_id WHERE r.id = ?",
        {*previous}, [&](const store::Row& q) {
          out.push_back(part(OrganisationId(q.integer(0)), party));
          next = q.optional_integer(1);
        });
    previous = next;
  }
  return out;
}

std::optional<TeamId> team_of_user(store::Database& db, StaffUserId user) {
  auto t =
      db.query_integer("SELECT team_id FROM staff_users WHERE id = ? AND active = 1", {user.value});
  if (!t) return std::nullopt;
  return TeamId(*t);
}

}  // namespace

Outcome<Referral> send_referral(const CareContext& ctx, const NewReferral& in) {
  const auto& user = ctx.actor.user;
  auto gate = ctx.gate();
  if (!user.team) {
    gate.refuse(Op::ReferralSend, in.person, DenyReason::Party);
    return forbidden("only a member of a team may send a referral");
  }
  auto to_org =
      ctx.db.query_integer("SELECT organisation_id FROM teams WHERE id = ?", {in.to_team.value});
  if (!to_org) return invalid("to_team_id: no team " + std::to_string(in.to_team.value));
  if (in.to_team == *user.team) return invalid("to_team_id: a team cannot refer to itself");
  if (in.urgency != "routine" && in.urgency != "urgent" && in.urgency != "emergency")
    return invalid("urgency: routine, urgent or emergency");
  if (detail::trimmed(in.reason).empty())
    return invalid("reason: say what is asked of the other team");
  // The sender's own record of the person, else the first organisation's.
  auto record = ctx.db.query_integer(
      "SELECT id FROM local_records WHERE person_id = ? ORDER BY organisation_id = ? DESC, id "
      "LIMIT 1",
      {in.person.value, user.organisation.value});
  if (!record) return not_found("no person " + std::to_string(in.person.value));
  // The sender's record goes to the receiving team's organisation: the person's consent to that
  // flow decides too.
  const EntryFacts own = governance::held_by(user.organisation);
  auto pass = gate.pass(Op::ReferralSend, in.person,
                        {own, governance::flowing_to(own, OrganisationId(*to_org))});
  if (!pass) return detail::refused(pass.decision, "referral");
  store::Transaction tx(ctx.db);
  ReferralId id(ctx.db.insert_returning_id(
      "INSERT INTO referrals (local_record_id, from_team_id, to_team_id, sent_at, status, reason, "
      "person_id, "
      "service_requested, urgency, sent_by_user_id) VALUES (?, ?, ?, ?, 'sent', ?, ?, ?, ?, ?)",
      {*record, user.team->value, in.to_team.value, ctx.now.iso(), detail::trimmed(in.reason),
       in.person.value,
       in.service_requested.empty() ? store::null() : store::Value(in.service_requested),
       in.urgency, user.id.value}));
  add_event(ctx.db, id, ctx.now, user.id, "sent", std::nullopt, "sent", "");
  gate.record(*pass.permit, std::to_string(id.value));
  tx.commit();
  auto row = load_row(ctx.db, id, ctx.now);
  Referral r = row->r;
  fill_person(ctx.db, gate, r);
  load_details(ctx.db, r);
  return r;
}

Outcome<Referral> get_referral(const CareContext& ctx, ReferralId id) {
  auto row = load_row(ctx.db, id, ctx.now);
  if (!row || !row->r.person.valid()) return not_found("no referral " + std::to_string(id.value));
  // Either end of the referral may read it (that one; a team's other relationships are its own);
  // anyone else needs an open involvement, or an override. Both organisations' information is in
  // it, so the person's consent must allow both flows.
  auto gate = ctx.gate();
  bool party = ctx.actor.user.team &&
               (*ctx.actor.user.team == row->r.from_team || *ctx.actor.user.team == row->r.to_team);
  auto parts = parts_of(ctx.db, *row, party);
  auto pass = gate.pass(Op::ReferralRead, row->r.person, parts, std::to_string(id.value));
  if (!pass) return detail::refused(pass.decision, "referral");
  Referral r = row->r;
  fill_person(ctx.db, gate, r);
  load_details(ctx.db, r);
  return r;
}

Outcome<Referral> act_on_referral(const CareContext& ctx, ReferralId id, const ReferralAction& a) {
  auto row = load_row(ctx.db, id, ctx.now);
  if (!row || !row->r.person.valid()) return not_found("no referral " + std::to_string(id.value));
  const Referral& r = row->r;
  const auto& user = ctx.actor.user;
  bool receiving = user.team && *user.team == r.to_team;
  bool sending = user.team && *user.team == r.from_team;

  // The moves of the lifecycle: the statuses each starts from, where it leads, and the operation
  // it is for the receiving team and (where the sender may take it) for the sending team: the
  // sender may book a visit into the receiving team's diary (a social worker booking a health
  // visitor's visit) or withdraw the referral.
  struct Move {
    const char* action;
    std::vector<std::string> from;
    const char* to;
    Op receiver;
    std::optional<Op> sender;
  };
  static const std::vector<Move> kMoves = {
      {"accept", {"sent"}, "accepted", Op::ReferralAccept, std::nullopt},
      {"decline", {"sent"}, "declined", Op::ReferralDecline, std::nullopt},
      {"redirect", {"sent"}, "redirected", Op::ReferralRedirect, std::nullopt},
      {"allocate", {"accepted", "scheduled"}, "", Op::ReferralAllocate, std::nullopt},
      {"schedule", {"accepted", "scheduled"}, "scheduled", Op::ReferralSchedule, Op::ReferralBook},
      {"complete", {"accepted", "scheduled"}, "completed", Op::ReferralComplete, std::nullopt},
      {"cancel",
       {"sent", "accepted", "scheduled"},
       "cancelled",
       Op::ReferralCancel,
       Op::ReferralWithdraw},
  };
  auto step = std::find_if(kMoves.begin(), kMoves.end(),
                           [&](const Move& s) { return a.action == s.action; });
  if (step == kMoves.end())
    return invalid("action: accept, decline, redirect, allocate, schedule, complete or cancel");

  // The operation this move is for this user: the sender's where it has one and the user is the
  // sender, else the receiver's (refused unless the user is of the receiving team).
  bool as_sender = sending && !receiving && step->sender;
  Op op = as_sender ? *step->sender : step->receiver;
  bool party = as_sender || receiving;
  // A move the referral's status does not allow is a conflict for either end, and changes
  // nothing; anyone else learns nothing of the referral from it.
  if (party && std::find(step->from.begin(), step->from.end(), r.status) == step->from.end()) {
    std::string allowed;
    for (const auto& s : step->from) allowed += (allowed.empty() ? "" : ", ") + s;
    return conflict("cannot " + a.action + " a referral that is " + r.status +
                    " (only from: " + allowed + ")");
  }
  auto gate = ctx.gate();
  auto parts = parts_of(ctx.db, *row, party);
  // A redirect passes the whole referral on to the new team's organisation.
  if (a.action == "redirect" && a.redirect_to) {
    if (auto org = ctx.db.query_integer("SELECT organisation_id FROM teams WHERE id = ?",
                                        {a.redirect_to->value})) {
      const std::size_t n = parts.size();
      parts.reserve(2 * n);
      for (std::size_t i = 0; i < n; ++i)
        parts.push_back(governance::flowing_to(parts[i], OrganisationId(*org)));
    }
  }
  auto pass = gate.pass(op, r.person, parts, std::to_string(id.value));
  if (!pass) {
    if (pass.decision.reason == DenyReason::Party)
      return forbidden("only the receiving team may " + a.action + " this referral");
    if (pass.decision.reason == DenyReason::Role)
      return forbidden("your role may not " + a.action + " referrals");
    return detail::refused(pass.decision, "referral");
  }
  const governance::Permit& permit = *pass.permit;
  std::string reason = detail::trimmed(a.reason);
  if ((a.action == "decline" || a.action == "redirect" || a.action == "cancel") && reason.empty())
    return invalid("reason: say why the referral is " + std::string(step->to));
  std::optional<TeamId> redirect_team;
  if (a.action == "redirect") {
    if (!a.redirect_to) return invalid("redirect_to_team_id: which team should have it");
    if (*a.redirect_to == r.to_team)
      return invalid("redirect_to_team_id: the referral is already with that team");
    if (!ctx.db.query_integer("SELECT 1 FROM teams WHERE id = ?", {a.redirect_to->value}))
      return invalid("redirect_to_team_id: no team " + std::to_string(a.redirect_to->value));
    redirect_team = a.redirect_to;
  }
  if (a.allocate_to) {
    auto t = team_of_user(ctx.db, *a.allocate_to);
    if (!t || *t != r.to_team)
      return invalid("allocate_to_user_id: not an active member of " + r.to_team_name);
  } else if (a.action == "allocate") {
    return invalid("allocate_to_user_id: whom to allocate the case to");
  }
  std::optional<Timestamp> starts;
  if (a.action == "schedule") {
    auto t = Timestamp::parse_iso(a.starts_at);
    if (!t) return invalid("starts_at: an ISO time such as 2026-11-30T10:00:00Z");
    starts = *t;
    if (detail::trimmed(a.place).empty()) return invalid("place: where the visit is");
    if (!a.practitioner) return invalid("practitioner_user_id: who will visit");
    auto t2 = team_of_user(ctx.db, *a.practitioner);
    if (!t2 || *t2 != r.to_team)
      return invalid("practitioner_user_id: not an active member of " + r.to_team_name);
  }
  store::Transaction tx(ctx.db);
  // Re-read the status inside the transaction: another user may have acted first.
  auto now_status = ctx.db.query_text("SELECT status FROM referrals WHERE id = ?", {id.value});
  if (!now_status || *now_status != r.status)
    return conflict("the referral changed meanwhile: it is now " + now_status.value_or("gone"));
  std::string now = ctx.now.iso();
  ReferralId result = id;
  if (a.action == "accept") {
    ctx.db.execute(
        "UPDATE referrals SET status = 'accepted', accepted_at = ?, responded_at = ?, "
        "allocated_user_id = ? WHERE id = ?",
        {now, now, a.allocate_to ? store::Value(a.allocate_to->value) : store::null(), id.value});
    auto service = ctx.db.query_text("SELECT service FROM teams WHERE id = ?", {r.to_team.value});
    std::int64_t inv = ctx.db.insert_returning_id(
        "INSERT INTO involvements (person_id, team_id, service, key_worker_user_id, referral_id, "
        "started_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {r.person.value, r.to_team.value, service.value_or(""),
         a.allocate_to ? store::Value(a.allocate_to->value) : store::null(), id.value, now});
    gate.record(permit, std::to_string(inv), "involvement", "create");
  } else if (a.action == "decline") {
    ctx.db.execute(
        "UPDATE referrals SET status = 'declined', responded_at = ?, closed_at = ?, reason = ? "
        "WHERE id = ?",
        {now, now, reason, id.value});
  } else if (a.action == "redirect") {
    ctx.db.execute(
        "UPDATE referrals SET status = 'redirected', responded_at = ?, closed_at = ? WHERE id = ?",
        {now, now, id.value});
    auto record =
        ctx.db.query_integer("SELECT local_record_id FROM referrals WHERE id = ?", {id.value});
    result = ReferralId(ctx.db.insert_returning_id(
        "INSERT INTO referrals (local_record_id, from_team_id, to_team_id, sent_at, status, "
        "reason, person_id, "
        "service_requested, urgency, sent_by_user_id, previous_referral_id) VALUES (?, ?, ?, ?, "
        "'sent', ?, ?, ?, ?, ?, ?)",
        {*record, r.to_team.value, redirect_team->value, now, reason, r.person.value,
         store::optional_value(r.service_requested), store::optional_value(r.urgency),
         user.id.value, id.value}));
    add_event(ctx.db, result, ctx.now, user.id, "sent", std::nullopt, "sent",
              "redirected from referral " + std::to_string(id.value));
    gate.record(permit, std::to_string(result.value), "referral", "create");
  } else if (a.action == "allocate") {
    ctx.db.execute("UPDATE referrals SET allocated_user_id = ? WHERE id = ?",
                   {a.allocate_to->value, id.value});
    ctx.db.execute(
        "UPDATE involvements SET key_worker_user_id = ? WHERE referral_id = ? AND ended_at IS NULL",
        {a.allocate_to->value, id.value});
  } else if (a.action == "schedule") {
    std::int64_t appt = ctx.db.insert_returning_id(
        "INSERT INTO appointments (referral_id, person_id, team_id, practitioner_user_id, "
        "starts_at, place, status, "
        "booked_by_user_id, booked_at) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, ?)",
        {id.value, r.person.value, r.to_team.value, a.practitioner->value, starts->iso(),
         detail::trimmed(a.place), user.id.value, now});
    ctx.db.execute("UPDATE referrals SET status = 'scheduled' WHERE id = ?", {id.value});
    gate.record(permit, std::to_string(appt), "appointment", "create");
  } else if (a.action == "complete") {
    // First contact: the first booked visit that has happened, else now.
    auto first = ctx.db.query_text(
        "SELECT MIN(starts_at) FROM appointments WHERE referral_id = ? AND status <> 'cancelled' "
        "AND starts_at <= ?",
        {id.value, now});
    ctx.db.execute(
        "UPDATE referrals SET status = 'completed', closed_at = ?, first_contact_at = "
        "COALESCE(first_contact_at, ?) WHERE id = ?",
        {now, first.value_or(now), id.value});
    ctx.db.execute(
        "UPDATE appointments SET status = 'attended' WHERE referral_id = ? AND status = 'booked' "
        "AND starts_at <= ?",
        {id.value, now});
  } else if (a.action == "cancel") {
    ctx.db.execute(
        "UPDATE referrals SET status = 'cancelled', closed_at = ?, reason = ? WHERE id = ?",
        {now, reason, id.value});
    ctx.db.execute(
        "UPDATE appointments SET status = 'cancelled' WHERE referral_id = ? AND status = 'booked'",
        {id.value});
  }
  std::string to = *step->to ? step->to : r.status;
  std::string detail = reason;
  if (a.action == "allocate" || (a.action == "accept" && a.allocate_to))
    detail = "allocated to user " + std::to_string(a.allocate_to->value);
  if (a.action == "schedule") detail = "visit " + starts->iso() + " at " + detail::trimmed(a.place);
  if (a.action == "redirect")
    detail = "to team " + std::to_string(redirect_team->value) + ": " + reason;
  add_event(ctx.db, id, ctx.now, user.id, a.action, r.status, to, detail);
  gate.record(permit, std::to_string(id.value));
  tx.commit();
  auto fresh = load_row(ctx.db, result, ctx.now);
  Referral out = fresh->r;
  fill_person(ctx.db, gate, out);
  load_details(ctx.db, out);
  return out;
}

const std::vector<std::string>& referral_statuses() {
  static const std::vector<std::string> kStatuses = {
      "sent", "accepted", "declined", "redirected", "scheduled", "completed", "cancelled"};
  return kStatuses;
}

Outcome<ReferralPage> search_referrals(const CareContext& ctx, const ReferralQuery& q) {
  detail::Conditions where;
  if (q.id) where.add("r.id = ?", {q.id->value});
  if (q.record) where.add("r.local_record_id = ?", {q.record->value});
  if (q.from_organisation) where.add("ft.organisation_id = ?", {q.from_organisation->value});
  if (q.to_organisation) where.add("tt.organisation_id = ?", {q.to_organisation->value});
  if (!q.id && !q.record && !q.from_organisation && !q.to_organisation)
    return invalid(
        "search by _id, by patient, by requester or by performer, narrowed by the others");
  if (!q.statuses.empty()) {
    const auto& all = referral_statuses();
    std::string in;
    store::Params statuses;
    for (const auto& st : q.statuses) {
      if (std::find(all.begin(), all.end(), st) == all.end())
        return invalid("status: no status \"" + st + "\"");
      in += in.empty() ? "?" : ", ?";
      statuses.push_back(st);
    }
    where.add("r.status IN (" + in + ")", std::move(statuses));
  }
  if (!q.sent_from.empty()) where.add("r.sent_at >= ?", {q.sent_from});
  if (!q.sent_before.empty()) where.add("r.sent_at < ?", {q.sent_before});

  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::ReferralSearch);
  if (!pass) return forbidden("your role may not search for referrals");
  where.params.push_back(static_cast<std::int64_t>(kMostReferrals + 1));
  std::vector<Row> candidates;
  ctx.db.query(std::string("SELECT ") + kReferralColumns + kReferralFrom + where.sql +
                   " ORDER BY r.id LIMIT ?",
               where.params,
               [&](const store::Row& r) { candidates.push_back(row_from(r, ctx.now)); });
  if (candidates.size() > kMostReferrals)
    return invalid("more than " + std::to_string(kMostReferrals) +
                   " referrals match: narrow the search (a status, a time sent)");
  const auto& user = ctx.actor.user;
  auto shown = detail::page_of(
      candidates, q.after.value, q.limit,
      [&](const Row& row) {
        if (!row.r.person.valid()) return false;  // not yet in the person index
        // As get_referral decides: either end's team, else a relationship; every part allowed.
        bool party = user.team && (*user.team == row.r.from_team || *user.team == row.r.to_team);
        for (const auto& e : parts_of(ctx.db, row, party))
          if (!gate.decide(Op::ReferralRead, row.r.person, e).allowed) return false;
        return true;
      },
      [](const Row& row) { return row.r.id.value; });
  ReferralPage page;
  page.total = shown.total;
  page.more = shown.more;
  for (auto& row : shown.page) {
    Referral& r = page.referrals.emplace_back(std::move(row.r));
    fill_person(ctx.db, gate, r);
    load_details(ctx.db, r);
    gate.record_read(*pass.permit, "referral", std::to_string(r.id.value), r.person);
  }
  return page;
}

Outcome<Inbox> team_inbox(const CareContext& ctx, TeamId team,
                          const std::vector<std::string>& statuses, std::size_t offset,
                          std::size_t limit) {
  const auto& user = ctx.actor.user;
  auto name = ctx.db.query_text("SELECT name FROM teams WHERE id = ?", {team.value});
  if (!name) return not_found("no team " + std::to_string(team.value));
  auto gate = ctx.gate();
  std::string refusal = "only members of " + *name + " who manage referrals may open its inbox";
  if (!user.team || *user.team != team) {
    gate.refuse(Op::ReferralInbox, std::nullopt, DenyReason::Party,
                "team " + std::to_string(team.value));
    return forbidden(refusal);
  }
  std::vector<std::string> wanted =
      statuses.empty() ? std::vector<std::string>{"sent", "accepted", "scheduled"} : statuses;
  const auto& kStatuses = referral_statuses();
  std::string in;
  store::Params params{team.value};
  for (const auto& s : wanted) {
    if (std::find(kStatuses.begin(), kStatuses.end(), s) == kStatuses.end())
      return invalid("status: no status \"" + s + "\"");
    in += in.empty() ? "?" : ", ?";
    params.push_back(s);
  }
  auto pass = gate.pass_role(Op::ReferralInbox, std::nullopt, "team " + std::to_string(team.value));
  if (!pass) return forbidden(refusal);
  Inbox box;
  box.team = team;
  box.team_name = *name;
  box.total = ctx.db
                  .query_integer(
                      "SELECT COUNT(*) FROM referrals r WHERE r.to_team_id = ? AND r.status IN (" +
                          in + ")",
                      params)
                  .value_or(0);
  params.push_back(static_cast<std::int64_t>(std::min<std::size_t>(limit, 200)));
  params.push_back(static_cast<std::int64_t>(offset));
  std::vector<Row> rows;
  ctx.db.query(std::string("SELECT ") + kReferralColumns + kReferralFrom +
                   "WHERE r.to_team_id = ? AND r.status IN (" + in +
                   ") ORDER BY r.sent_at, r.id LIMIT ? OFFSET ?",
               params, [&](const store::Row& q) { rows.push_back(row_from(q, ctx.now)); });
  for (auto& row : rows) {
    if (row.r.person.valid()) {
      // What the referral says is both organisations' information: where the person's consent
      // keeps it from the team, the inbox shows only that a referral waits.
      bool shown = true;
      for (const auto& e : parts_of(ctx.db, row, true))
        shown = shown && gate.decide(Op::ReferralRead, row.r.person, e).allowed;
      if (shown) {
        fill_person(ctx.db, gate, row.r);
      } else {
        row.r.reason.reset();
        row.r.service_requested.reset();
        row.r.urgency.reset();
        row.r.withheld = true;
      }
      gate.record_read(*pass.permit, "referral", std::to_string(row.r.id.value), row.r.person);
    }
    box.referrals.push_back(std::move(row.r));
  }
  return box;
}

Outcome<Done> close_involvement(const CareContext& ctx, std::int64_t involvement_id,
                                const std::string& reason) {
  std::optional<std::pair<std::int64_t, std::int64_t>> inv;  // person, team
  std::optional<std::string> ended;
  ctx.db.query("SELECT person_id, team_id, ended_at FROM involvements WHERE id = ?",
               {involvement_id}, [&](const store::Row& q) {
                 inv = std::pair{q.integer(0), q.integer(1)};
                 ended = q.optional_text(2);
               });
  if (!inv) return not_found("no involvement " + std::to_string(involvement_id));
  bool party = ctx.actor.user.team && ctx.actor.user.team->value == inv->second;
  if (ended && party) return conflict("the involvement ended on " + *ended);
  auto gate = ctx.gate();
  EntryFacts e;
  e.organisation = ctx.actor.user.organisation;
  e.party = party;
  auto pass =
      gate.pass(Op::InvolvementClose, PersonId(inv->first), e, std::to_string(involvement_id));
  if (!pass)
    return detail::refused(pass.decision, "involvement",
                           "only the team's own members may close its involvement");
  if (detail::trimmed(reason).empty()) return invalid("reason: why the involvement ends");
  store::Transaction tx(ctx.db);
  ctx.db.execute("UPDATE involvements SET ended_at = ?, end_reason = ? WHERE id = ?",
                 {ctx.now.iso(), detail::trimmed(reason), involvement_id});
  gate.record(*pass.permit, std::to_string(involvement_id));
  tx.commit();
  return Done{};
}

}  // namespace jc::care

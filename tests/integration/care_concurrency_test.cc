// Concurrent writes through the gate on PostgreSQL (read committed, one connection a thread):
// 8 threads × 500 mixed writes (case notes, referrals, consent choices, referral moves). None
// fails, no id is given twice, every write that happened is audited once, and both audit chains
// verify. On SQLite writers take turns (one write transaction at a time), so the same run there
// checks the same outcomes.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "care/notes.h"
#include "care/people.h"
#include "care/referrals.h"
#include "governance/audit.h"
#include "support/care_world.h"
#include "support/database_fixture.h"

namespace jc::care {
namespace {

class CareConcurrency : public testing::DatabaseTest {};

TEST_P(CareConcurrency, EightThreadsOfMixedWritesThroughTheGate) {
  constexpr int kThreads = 8, kWrites = 500, kPeople = 40;
  testing::CareWorld w(*db_);
  std::vector<PersonId> people;
  for (int i = 0; i < kPeople; ++i) {
    PersonId p = w.person("Con", "Current" + std::to_string(i), "9434765919");
    w.involve(TeamId(1), p);
    w.involve(TeamId(2), p);
    people.push_back(p);
  }
  std::atomic<int> errors{0}, conflicts{0};
  std::mutex m;
  std::map<std::string, int> done;  // successful writes by operation
  std::vector<std::string> problems;
  auto worker = [&](int t) {
    auto db = reopen();
    governance::DirectAudit reads(*db);
    const StaffUser& user = t % 2 == 0 ? w.dn : w.sw;
    TeamId other(t % 2 == 0 ? 2 : 1);
    CareContext ctx{*db, governance::RoleTable::built_in(),
                    governance::Actor{user, governance::Purpose::Treatment}, reads,
                    Timestamp::from_seconds(1'790'000'000)};
    std::mt19937_64 rng(static_cast<unsigned>(t) * 7919u + 1u);
    std::map<std::string, int> mine;
    for (int i = 0; i < kWrites; ++i) {
      PersonId p = people[std::uniform_int_distribution<std::size_t>(0, people.size() - 1)(rng)];
      int pick = std::uniform_int_distribution<int>(0, 9)(rng);
      try {
        if (pick < 4) {
          auto n = add_note(ctx, p, NewNote{"visit", "normal", "Visit " + std::to_string(i)});
          if (n.ok())
            ++mine["note.create"];
          else
            throw std::runtime_error("note: " + n.failure().message);
        } else if (pick < 6) {
          auto r = send_referral(ctx, NewReferral{p, other, "", "Please review", "routine"});
          if (r.ok())
            ++mine["referral.send"];
          else
            throw std::runtime_error("referral: " + r.failure().message);
        } else if (pick < 8) {
          auto c =
              record_consent(ctx, p, user.organisation, pick == 6 ? "share_out" : "share_in", true);
          if (c.ok())
            ++mine["consent.record"];
          else
            throw std::runtime_error("consent: " + c.failure().message);
        } else {
          // Accept or decline a referral waiting with the user's team: another thread may move it
          // first, which is a conflict, not a failure.
          auto id = db->query_integer(
              "SELECT id FROM referrals WHERE to_team_id = ? AND status = 'sent' ORDER BY id DESC "
              "LIMIT 1",
              {user.team->value});
          if (!id) continue;
          ReferralAction a;
          a.action = pick == 8 ? "accept" : "decline";
          a.reason = "Not now";
          auto r = act_on_referral(ctx, ReferralId(*id), a);
          if (r.ok())
            ++mine[pick == 8 ? "referral.accept" : "referral.decline"];
          else if (r.failure().fault == Fault::Conflict)
            ++conflicts;
          else
            throw std::runtime_error("move: " + r.failure().message);
        }
      } catch (const std::exception& e) {
        ++errors;
        std::lock_guard lock(m);
        if (problems.size() < 10) problems.push_back(e.what());
      }
    }
    std::lock_guard lock(m);
    for (const auto& [op, n] : mine) done[op] += n;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& th : threads) th.join();
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_EQ(errors.load(), 0);
  int total = 0;
  for (const auto& [op, n] : done) total += n;
  EXPECT_GT(total, kThreads * kWrites * 7 / 10)
      << "most writes happen (the rest are moves another thread made first)";
  // No id given twice: each note is its own, and the counts match the writes.
  EXPECT_EQ(db_->query_integer("SELECT COUNT(DISTINCT note_id) FROM case_notes"),
            done["note.create"]);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM case_notes WHERE note_id <= 0"), 0);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM referrals"), done["referral.send"]);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM consents"), done["consent.record"]);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM involvements WHERE referral_id IS NOT NULL"),
            done["referral.accept"]);
  // Every write is audited once, in the record trail, under its operation.
  for (const auto& [op, n] : done)
    EXPECT_EQ(
        db_->query_integer(
            "SELECT COUNT(*) FROM audit_events WHERE operation = ? AND outcome = 'success' AND "
            "record_type <> 'involvement'",
            {op}),
        n)
        << op;
  auto v = governance::verify_audit(*db_);
  EXPECT_TRUE(v.intact) << v.problem;
}

INSTANTIATE_STORE_SUITE(CareConcurrency);

}  // namespace
}  // namespace jc::care

// The audit chain on both databases: appends, verification, and detection of tampering.
#include "governance/audit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "governance/audit_writer.h"
#include "governance/authentication.h"
#include "store/staff_repository.h"
#include "support/database_fixture.h"

namespace jc::governance {
namespace {

AuditQuery with_person(std::int64_t id) {
  AuditQuery q;
  q.person_id = id;
  return q;
}
AuditQuery with_user(std::int64_t id) {
  AuditQuery q;
  q.user_id = id;
  return q;
}
AuditQuery with_organisation(std::int64_t id) {
  AuditQuery q;
  q.organisation_id = id;
  return q;
}
AuditQuery with_action(const std::string& action) {
  AuditQuery q;
  q.action = action;
  return q;
}

// The `i`th event of a district nurse (`user`) reading a person's summary, a second after the one before.
AuditEvent summary_read(int i, std::int64_t user, std::int64_t person) {
  AuditEvent e;
  e.occurred_at = Timestamp::from_seconds(1'760'000'000 + i);
  e.user_id = user;
  e.user_role = "district_nurse";
  e.person_id = person;
  e.action = "read";
  e.record_type = "person_summary";
  e.record_id = std::to_string(i);
  e.purpose = "direct care";
  e.outcome = "success";
  return e;
}

class AuditTest : public testing::DatabaseTest {
 protected:
  void append_some(int n) {
    for (int i = 0; i < n; ++i) {
      AuditEvent e;
      e.occurred_at = Timestamp::from_seconds(1'760'000'000 + i * 60);
      e.user_id = 1 + i % 3;
      e.user_role = i % 2 ? "district_nurse" : "social_worker";
      e.organisation_id = 10 + i % 2;
      e.person_id = 100 + i % 4;
      e.action = i % 5 == 0 ? "search" : "read";
      e.record_type = "case_note";
      e.record_id = std::to_string(1000 + i);
      e.purpose = "direct care";
      e.outcome = "success";
      append_audit(*db_, e);
    }
  }
};

TEST_P(AuditTest, AChainOfAppendsVerifies) {
  EXPECT_TRUE(verify_audit(*db_).intact);  // empty is intact
  append_some(20);
  auto v = verify_audit(*db_);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.events, 20);
  EXPECT_EQ(db_->query_text("SELECT previous_hash FROM audit_events WHERE id = 2"),
            db_->query_text("SELECT hash FROM audit_events WHERE id = 1"));
}

TEST_P(AuditTest, DetectsAnAlteredEvent) {
  append_some(10);
  db_->execute("UPDATE audit_events SET outcome = 'denied' WHERE id = 4");
  auto v = verify_audit(*db_);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_id, 4);
  EXPECT_NE(v.problem.find("altered"), std::string::npos);
}

TEST_P(AuditTest, DetectsARemovedEvent) {
  append_some(10);
  db_->execute("DELETE FROM audit_events WHERE id = 6");
  auto v = verify_audit(*db_);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_id, 7);
}

TEST_P(AuditTest, DetectsRemovalOfTheLatestEventsOnlyFromOutside) {
  append_some(5);
  // Dropping the tail leaves a shorter, still consistent chain: the count and the last hash, kept
  // elsewhere, are what reveal it; within the table the chain is intact.
  auto last_hash = db_->query_text("SELECT hash FROM audit_events WHERE id = 5");
  db_->execute("DELETE FROM audit_events WHERE id = 5");
  EXPECT_TRUE(verify_audit(*db_).intact);
  EXPECT_NE(db_->query_text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"), last_hash);
}

TEST_P(AuditTest, DetectsReorderedEvents) {
  append_some(10);
  // Swap the contents of events 3 and 4, ids kept: the chain links no longer match.
  db_->execute("UPDATE audit_events SET id = -3 WHERE id = 3");
  db_->execute("UPDATE audit_events SET id = 3 WHERE id = 4");
  db_->execute("UPDATE audit_events SET id = 4 WHERE id = -3");
  auto v = verify_audit(*db_);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_id, 3);
}

TEST_P(AuditTest, DetectsARecomputedHashThatBreaksTheNextLink) {
  append_some(6);
  // A forger who alters event 2 and recomputes its hash still breaks event 3's link.
  db_->execute("UPDATE audit_events SET person_id = 999 WHERE id = 2");
  AuditEvent e = search_audit(*db_, with_person(999))[0];
  db_->execute("UPDATE audit_events SET hash = ? WHERE id = 2", {audit_hash(e)});
  auto v = verify_audit(*db_);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_id, 3);
}

TEST_P(AuditTest, SearchesByPersonUserOrganisationAndTime) {
  append_some(12);
  EXPECT_EQ(search_audit(*db_, with_person(101)).size(), 3u);  // "who looked at my record"
  EXPECT_EQ(search_audit(*db_, with_user(1)).size(), 4u);
  EXPECT_EQ(search_audit(*db_, with_organisation(10)).size(), 6u);
  AuditQuery window;
  window.from = Timestamp::from_seconds(1'760'000'000 + 120);
  window.to = Timestamp::from_seconds(1'760'000'000 + 300);
  EXPECT_EQ(search_audit(*db_, window).size(), 3u);
  EXPECT_EQ(search_audit(*db_, with_action("search")).size(), 3u);
}

TEST_P(AuditTest, SignInsAreAudited) {
  db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'X', 'X', 'gp_practice')");
  StaffUser u;
  u.username = "gp";
  u.display_name = "G";
  u.role = Role::GeneralPractitioner;
  u.organisation = OrganisationId(1);
  store::insert_staff(*db_, u, hash_password("pw"));
  Authenticator auth;
  auth.login(*db_, "gp", "wrong", Timestamp::now());
  auth.login(*db_, "gp", "pw", Timestamp::now());
  auth.login(*db_, "nobody", "pw", Timestamp::now());
  auto events = search_audit(*db_, with_action("login"));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].outcome, "failure");
  EXPECT_EQ(events[1].outcome, "success");
  EXPECT_EQ(events[1].user_role, "general_practitioner");
  EXPECT_FALSE(events[2].user_id.has_value());
  EXPECT_TRUE(verify_audit(*db_).intact);
}

TEST_P(AuditTest, TheGroupCommitWriterChainsConcurrentReadersEvents) {
  std::atomic<int> acknowledged{0};
  {
    AuditWriter writer(reopen());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          AuditEvent e = summary_read(i, t + 1, i);
          if (i % 2) {
            writer.record(e);  // blocks until committed
            ++acknowledged;
          } else {
            std::promise<bool> done;
            auto f = done.get_future();
            writer.submit({e}, [&done](bool ok) { done.set_value(ok); });
            if (f.get()) ++acknowledged;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(acknowledged.load(), 100);
  auto v = verify_audit(*db_);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.events, 100);
  EXPECT_EQ(search_audit(*db_, with_user(3)).size(), 25u);
}

// SQLite: readers that never stop would keep the write-ahead log from ever being written from the
// start again; the writer's checkpoints restart it past its bound, so it stays that size.
TEST_P(AuditTest, TheWriteAheadLogStaysBoundedUnderConstantReads) {
  if (GetParam() != testing::Backend::Sqlite) GTEST_SKIP() << "SQLite's write-ahead log";
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      auto reader = reopen();
      while (!stop) {
        {
          store::ReadTransaction snapshot(*reader);
          reader->query_integer("SELECT COUNT(*) FROM (SELECT id FROM audit_events ORDER BY id DESC LIMIT 5)");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));  // a server's work between reads
      }
    });
  }
  std::uintmax_t largest = 0;
  {
    AuditWriterOptions options;
    options.linger = std::chrono::microseconds(0);
    options.checkpoint_every = std::chrono::milliseconds(20);
    options.wal_restart_frames = 64;
    AuditWriter writer(reopen(), reopen(), options);
    for (int i = 0; i < 4000; ++i) {
      writer.record(summary_read(i, 1, (i * 7919) % 1000));
      std::error_code ec;
      largest = std::max<std::uintmax_t>(largest, std::filesystem::file_size(target_ + "-wal", ec));
    }
    stop = true;
    for (auto& t : readers) t.join();
  }
  EXPECT_GT(largest, 0u);
  // Every commit appends at least one page (4 KiB) to the log, so 4,000 commits left to grow make
  // a log of 16 MB or more (70 MB measured); restarted past 64 pages, it holds what is committed
  // between checkpoints (20 ms here; a few when readers were slow to leave): a few MB.
  EXPECT_LT(largest, 4000u * 4096u / 2u) << "the write-ahead log grew to " << largest << " bytes";
  auto v = verify_audit(*db_);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.events, 4000);
}

INSTANTIATE_STORE_SUITE(AuditTest);

}  // namespace
}  // namespace jc::governance

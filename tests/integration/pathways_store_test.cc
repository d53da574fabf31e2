// Event logs from JointCare's own data, on both databases (the area generated into each).
#include <gtest/gtest.h>

#include "pathways/analysis.h"
#include "pathways/store_log.h"
#include "support/database_fixture.h"
#include "synth/generator.h"

namespace jc::pathways {
namespace {

class StoreLogTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    synth::GenerateOptions o;
    o.reference_dir = testing::reference_dir();
    o.population = 4000;
    o.seed = 9;
    auto s = synth::generate_area(*db_, o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    referrals_ = s->referrals;
  }
  long long referrals_ = 0;
};

TEST_P(StoreLogTest, ReferralsBecomeJourneysBetweenOrganisations) {
  auto log = read_store_log(*db_, "referrals");
  ASSERT_TRUE(log.ok()) << log.error().message;
  EXPECT_GT(log->cases(), 0u);
  // Each referral gives a "sent" event and, when answered, a response.
  auto answered = db_->query_integer("SELECT COUNT(*) FROM referrals WHERE responded_at IS NOT NULL").value_or(0);
  EXPECT_EQ(static_cast<long long>(log->events()), referrals_ + answered);
  std::uint64_t sum = 0;
  for (const auto& e : directly_follows(*log, true).edges) sum += e.count;
  EXPECT_EQ(sum, log->events() - log->cases());
  Handoffs h = handoffs(*log, HandoffBy::Group);
  EXPECT_GT(h.cross, 0u);
  EXPECT_GT(h.ping_pong_cases, 0u);  // people passed back and forth
}

TEST_P(StoreLogTest, EveryNamedPathwayLoads) {
  for (const auto& name : named_pathways()) {
    auto log = read_store_log(*db_, name);
    ASSERT_TRUE(log.ok()) << name << ": " << log.error().message;
    EXPECT_GT(log->events(), 0u) << name;
    for (auto t : log->time_ms) ASSERT_NE(t, kNoTime) << name;
  }
  auto bad = read_store_log(*db_, "nowhere");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("hospital-discharge"), std::string::npos);
}

INSTANTIATE_STORE_SUITE(StoreLogTest);

}  // namespace
}  // namespace jc::pathways

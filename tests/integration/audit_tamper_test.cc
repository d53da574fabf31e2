// The tamper catalogue (tests/data/audit_tamper.txt): every case applied to a fresh copy of a
// generated area on SQLite and on PostgreSQL, and each detected by verification against the
// area's signed checkpoints, with the verdict the catalogue expects. The untouched copy verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "governance/audit.h"
#include "governance/audit_writer.h"
#include "governance/checkpoint.h"
#include "identity/person_index.h"
#include "support/database_fixture.h"
#include "synth/generator.h"
#include "synth/simulation.h"

namespace jc::governance {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name, kind, argument, expected;
};

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

std::vector<Case> catalogue() {
  std::ifstream src(std::string(JC_TEST_DATA_DIR) + "/audit_tamper.txt");
  EXPECT_TRUE(src) << "tests/data/audit_tamper.txt";
  std::vector<Case> out;
  std::string line;
  while (std::getline(src, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    for (std::size_t bar; (bar = line.find(" | ", start)) != std::string::npos; start = bar + 3)
      f.push_back(trim(line.substr(start, bar - start)));
    f.push_back(trim(line.substr(start)));
    EXPECT_EQ(f.size(), 4u) << line;
    if (f.size() == 4) out.push_back({f[0], f[1], f[2], f[3]});
  }
  return out;
}

AuditEvent filler(int i, std::int64_t user) {
  AuditEvent e;
  e.occurred_at = Timestamp::now();
  e.user_id = user;
  e.user_role = "district_nurse";
  e.organisation_id = 1;
  e.person_id = 1 + i % 50;
  e.action = "read";
  e.record_type = "person_summary";
  e.record_id = std::to_string(1 + i % 50);
  e.purpose = "TREAT";
  e.outcome = "success";
  e.operation = "person.summary";
  return e;
}

// Adds events to a trail until its newest has id `until`.
void fill(store::Database& db, AuditTrail trail, std::int64_t until) {
  DirectAudit reads(db);
  const std::int64_t head = audit_head(db, trail);
  ASSERT_LE(head, until) << "the generated area already has more " << trail_name(trail)
                         << " events than the catalogue's sizes assume";
  std::vector<AuditEvent> batch;
  for (std::int64_t id = head + 1; id <= until; ++id)
    batch.push_back(filler(static_cast<int>(id), 1));
  if (trail == AuditTrail::Access) {
    reads.record(std::move(batch));
  } else {
    append_audit_batch(db, batch);
  }
}

class AuditTamperTest : public testing::DatabaseTest {
 protected:
  // The area every case copies: generated (people, person index, a simulated month of use), its
  // trails filled to 200 record and 1,000 access events, checkpointed, then to 240 and 1,200 and
  // checkpointed again (checkpoints 1, 2: record, access at the first; 3, 4 at the second).
  void SetUp() override {
    testing::DatabaseTest::SetUp();
    dir_ = testing::scratch_dir(std::string("tamper-") +
                                (GetParam() == testing::Backend::Sqlite ? "sqlite" : "pg"));
    synth::GenerateOptions g;
    g.reference_dir = testing::reference_dir();
    g.population = 2000;
    g.seed = 7;
    ASSERT_TRUE(synth::generate_area(*db_, g).ok());
    identity::LinkOptions lo;
    lo.seed = 7;
    ASSERT_TRUE(identity::rebuild_person_index(*db_, lo).ok());
    synth::SimulationOptions so;
    so.seed = 7;
    ASSERT_TRUE(synth::simulate_use(*db_, so).ok());
    // What the catalogue's governance cases need.
    EXPECT_GE(db_->query_integer("SELECT COUNT(*) FROM break_glass").value_or(0), 1);
    EXPECT_GE(db_->query_integer("SELECT COUNT(*) FROM alerts WHERE status = 'open'").value_or(0),
              1);
    EXPECT_GE(db_->query_integer("SELECT COUNT(*) FROM alerts WHERE status <> 'open'").value_or(0),
              1);
    EXPECT_GE(db_->query_integer("SELECT COUNT(*) FROM consents").value_or(0), 1);
    key_ = (dir_ / "audit-key").string();
    checkpoints_ = (dir_ / "checkpoints").string();
    auto key = load_or_create_audit_key(key_);
    ASSERT_TRUE(key.ok()) << key.error().message;
    fill(*db_, AuditTrail::Record, 200);
    fill(*db_, AuditTrail::Access, 1000);
    ASSERT_TRUE(write_checkpoint(*db_, *key, checkpoints_, Timestamp::now()).ok());
    fill(*db_, AuditTrail::Record, 240);
    fill(*db_, AuditTrail::Access, 1200);
    ASSERT_TRUE(write_checkpoint(*db_, *key, checkpoints_, Timestamp::now()).ok());
    index_access_trail(*db_);
    db_.reset();  // nobody connected: the copies are whole
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A fresh copy of the area: its target and its checkpoint file.
  std::pair<std::string, std::string> copy(const std::string& name) {
    const std::string cps = (dir_ / (name + ".checkpoints")).string();
    fs::copy_file(checkpoints_, cps, fs::copy_options::overwrite_existing);
    if (GetParam() == testing::Backend::Postgres)
      return {testing::PostgresServer::shared().create_database(target_), cps};
    const fs::path source(target_);
    const std::string stem = source.stem().string();
    const fs::path copied = dir_ / (name + ".db");
    for (const auto& entry : fs::directory_iterator(source.parent_path())) {
      const std::string file = entry.path().filename().string();
      if (file.rfind(stem + ".", 0) != 0) continue;
      fs::copy_file(entry.path(), dir_ / (name + file.substr(stem.size())),
                    fs::copy_options::overwrite_existing);
    }
    return {copied.string(), cps};
  }

  // Recomputes the chain of a trail from event `from` on, as an insider who read the code would.
  static void rechain(store::Database& db, AuditTrail trail, std::int64_t from) {
    std::string previous(64, '0');
    read_audit_events(db, trail, from - 1, from,
                      [&](const AuditEvent& e, std::string_view) { previous = e.hash; });
    std::vector<AuditEvent> events;
    read_audit_events(db, trail, from, std::numeric_limits<std::int64_t>::max(),
                      [&](const AuditEvent& e, std::string_view) { events.push_back(e); });
    const std::string table = trail == AuditTrail::Access ? "access_events" : "audit_events";
    for (auto& e : events) {
      e.previous_hash = previous;
      e.hash = audit_hash(e);
      previous = e.hash;
      for (std::size_t p = 0; p < (trail == AuditTrail::Access ? db.access_log_parts() : 1); ++p) {
        auto& part = trail == AuditTrail::Access ? db.access_log(p) : db;
        part.execute("UPDATE " + table + " SET previous_hash = ?, hash = ? WHERE id = ?",
                     {e.previous_hash, e.hash, e.id});
      }
    }
  }

  static void on_access_log(store::Database& db, const std::string& sql) {
    for (std::size_t p = 0; p < db.access_log_parts(); ++p) db.access_log(p).execute_script(sql);
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  // The notes of a checkpoint file, each with its ending blank line.
  static std::vector<std::string> notes(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t at;
         (at = text.find("\n\n", text.find("\n\n", start) + 2)) != std::string::npos;
         start = at + 2) {
      out.push_back(text.substr(start, at + 2 - start));
      if (at + 2 >= text.size()) break;
    }
    return out;
  }

  void tamper_checkpoint(const std::string& how, const std::string& path) {
    auto n = notes(read(path));
    ASSERT_EQ(n.size(), 4u);
    if (how == "edit-root") {
      auto third = n[0].find('\n', n[0].find('\n') + 1) + 1;
      n[0][third] = n[0][third] == 'A' ? 'B' : 'A';
    } else if (how == "edit-size") {
      auto second = n[0].find('\n') + 1;
      n[0].insert(second, "1");
    } else if (how == "swap") {
      std::swap(n[0], n[2]);
    } else if (how == "strip") {
      n[0] = n[0].substr(0, n[0].find("\n\n") + 2) + "\n";
    } else if (how == "forge") {
      // A checkpoint of a shorter record trail, signed with another key of the same name.
      auto real = load_audit_key(key_);
      ASSERT_TRUE(real.ok());
      auto other = load_or_create_audit_key((dir_ / "attacker-key").string());
      ASSERT_TRUE(other.ok());
      AuditKey forged = *other;
      forged.name = real->name;
      TreeHead head{AuditTrail::Record, 10, merkle::leaf_hash("forged")};
      n.push_back(sign_checkpoint(forged, head, Timestamp::now()) + "\n");
    } else {
      FAIL() << "no checkpoint tampering " << how;
    }
    std::string text;
    for (const auto& note : n) text += note;
    write(path, text);
  }

  // The verdict on a copy: the checkpoint file's problem, or verification's.
  std::string verdict(const std::string& target, const std::string& cps, bool* intact = nullptr) {
    auto verifier = load_verifier(key_ + ".pub");
    EXPECT_TRUE(verifier.ok());
    auto read_cps = read_checkpoints(cps, *verifier);
    if (!read_cps) return read_cps.error().message;
    std::vector<TrustedHead> heads;
    for (const auto& c : *read_cps) heads.push_back(trusted(c));
    auto db = store::open_database(target);
    auto v = verify_audit(*db, heads);
    if (intact) *intact = v.intact && v.heads_checked == 4;
    if (v.intact) return "intact";
    return v.first_bad_id ? "event " + std::to_string(*v.first_bad_id) + " of the " +
                                trail_name(*v.bad_trail) + " trail: " + v.problem
                          : v.problem;
  }

  fs::path dir_;
  std::string key_, checkpoints_;
};

TEST_P(AuditTamperTest, EveryCaseOfTheCatalogueIsDetectedAsItExpects) {
  const auto cases = catalogue();
  ASSERT_GE(cases.size(), 20u);
  {
    auto [target, cps] = copy("untouched");
    bool intact = false;
    EXPECT_EQ(verdict(target, cps, &intact), "intact");
    EXPECT_TRUE(intact) << "the untouched copy extends all four checkpoints";
  }
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto [target, cps] = copy(c.name);
    if (c.kind == "checkpoint") {
      tamper_checkpoint(c.argument, cps);
    } else if (c.kind == "files") {
      if (GetParam() == testing::Backend::Sqlite) {
        const std::string stem = target.substr(0, target.size() - 3);
        for (const char* part : {".access-1.db", ".access-2.db"})
          for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(stem + part + suffix);
      } else {
        auto db = store::open_database(target);
        db->execute_script(
            "TRUNCATE access_events; TRUNCATE access_index; UPDATE access_index_state SET "
            "indexed_through = 0");
      }
    } else {
      auto db = store::open_database(target);
      if (c.kind == "record") {
        db->execute_script(c.argument);
      } else if (c.kind == "access") {
        on_access_log(*db, c.argument);
      } else if (c.kind == "both") {
        const auto split = c.argument.find(" && ");
        db->execute_script(c.argument.substr(0, split));
        on_access_log(*db, c.argument.substr(split + 4));
      } else if (c.kind.rfind("rechain-", 0) == 0) {
        const auto colon = c.kind.find(':');
        const bool access = c.kind.substr(8, colon - 8) == "access";
        const std::int64_t from = std::stoll(c.kind.substr(colon + 1));
        if (access)
          on_access_log(*db, c.argument);
        else
          db->execute_script(c.argument);
        rechain(*db, access ? AuditTrail::Access : AuditTrail::Record, from);
      } else {
        FAIL() << "no kind " << c.kind;
      }
    }
    const std::string got = verdict(target, cps);
    EXPECT_NE(got.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\n     got: " << got;
  }
}

INSTANTIATE_STORE_SUITE(AuditTamperTest);

}  // namespace
}  // namespace jc::governance

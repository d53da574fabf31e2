#include "cli/link_command.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "care/people.h"
#include "cli/operator_audit.h"
#include "cli/progress.h"
#include "governance/audit.h"
#include "identity/linkage_model.h"
#include "identity/person_index.h"
#include "io/csv_reader.h"
#include "io/csv_writer.h"
#include "store/database.h"
#include "store/staff_repository.h"

namespace jc::cli {

CLI::App* add_link_command(CLI::App& app, LinkArgs& a) {
  auto* c = app.add_subcommand("link",
                               "Link two extracts' person records, or find duplicates within one");
  auto* db = c->add_option("--db", a.db,
                           "Link the organisations' records held in this database into persons");
  c->add_flag("--incremental", a.incremental,
              "With --db: link only records without a person yet, keeping the others");
  c->add_flag("--evaluate", a.evaluate,
              "With --db: score the person index against the synthetic area's truth");
  auto* left = c->add_option("--left", a.left, "The left extract (CSV)")->check(CLI::ExistingFile);
  left->excludes(db);
  auto* dedupe = c->add_option("--dedupe", a.dedupe, "Or one extract to deduplicate")
                     ->check(CLI::ExistingFile);
  left->excludes(dedupe);
  c->add_option("--left-profile", a.left_profile,
                "Profile (TOML) of the left or deduplicated extract")
      ->check(CLI::ExistingFile);
  c->add_option("--right", a.right, "The right extract (CSV)")
      ->check(CLI::ExistingFile)
      ->needs(left);
  c->add_option("--right-profile", a.right_profile, "Profile of the right extract")
      ->check(CLI::ExistingFile);
  c->add_option("--out", a.out, "Where to write the links (CSV)");
  c->add_option("--review-out", a.review_out, "Where to write pairs for clerical review (CSV)");
  c->add_option("--threshold", a.threshold, "Match probability to link at (default 0.9)")
      ->check(CLI::Range(0.0, 1.0));
  c->add_option("--blocking", a.blocking,
                "Blocking rules (default: identifier, dob, family_soundex_year, "
                "postcode_given_initial, given_family_soundex, email, postcode_address, "
                "email_local; also given_town, given_year for small sparse files)");
  c->add_option("--clustering", a.clustering,
                "one-to-one (default for two extracts) or components (default for dedupe)")
      ->check(CLI::IsMember({"one-to-one", "components"}));
  c->add_option("--chain-guard", a.chain_guard,
                "Clustering: mean match probability two groups need to join")
      ->check(CLI::Range(0.0, 1.0));
  c->add_flag("--explain", a.explain, "Add each field's comparison level and weight to the links");
  c->add_option("--seed", a.seed, "Seed for the random pairs that estimate u");
  return c;
}

CLI::App* add_review_command(CLI::App& app, ReviewArgs& a) {
  auto* c = app.add_subcommand(
      "link-review",
      "The clerical review queue of the person index: list, accept, reject; undo a merge");
  c->add_option("--db", a.db, "Database")->required();
  c->add_option("--accept", a.accept, "Accept review ID: the two records are one person");
  c->add_option("--reject", a.reject, "Reject review ID: they are not");
  c->add_option("--undo-merge", a.undo_merge, "Undo merge ID");
  c->add_option("--as", a.as,
                "The staff account deciding (its role must grant manage_person_index): needed to "
                "accept, reject or undo");
  c->add_option("--limit", a.limit, "How many open pairs to list");
  return c;
}

CLI::App* add_evaluate_command(CLI::App& app, EvaluateArgs& a) {
  auto* c = app.add_subcommand("link-evaluate",
                               "Pairwise precision, recall and F1 of links against the truth");
  c->add_option("--links", a.links, "Links (CSV with left_id, right_id)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--mode", a.mode, "link (two extracts) or dedupe")
      ->check(CLI::IsMember({"link", "dedupe"}));
  c->add_option("--truth", a.truth,
                "Truth CSV: record id and cluster columns, for every record of both extracts")
      ->check(CLI::ExistingFile);
  c->add_option("--truth-id", a.truth_id, "Truth: the record id column");
  c->add_option("--truth-cluster", a.truth_cluster, "Truth: the true person column");
  c->add_option("--truth-side", a.truth_side,
                "Truth: a column saying which extract each record is in (left or right)");
  c->add_flag("--febrl-ids", a.febrl_ids,
              "The truth is in FEBRL ids (rec-N-org, rec-N-dup-K): give --truth as the extract(s)");
  return c;
}

namespace {

void print_model(const identity::LinkageModel& m) {
  std::fprintf(stderr, "prior (two random records match) %.3g\n", m.prior());
  for (std::size_t f = 0; f < identity::kFields; ++f) {
    std::fprintf(stderr, "  %-12s", std::string(identity::field_name(f)).c_str());
    for (std::size_t l = 1; l < identity::level_count(f); ++l) {
      std::fprintf(stderr, " %s m=%.3g u=%.3g;", std::string(identity::level_name(f, l)).c_str(),
                   m.m(f, l), m.u(f, l));
    }
    std::fprintf(stderr, "\n");
  }
}

// The options both forms of `link` share.
identity::LinkOptions link_options(const LinkArgs& a, ProgressBar& bar) {
  identity::LinkOptions o;
  if (!a.blocking.empty()) o.blocking_rules = a.blocking;
  o.threshold = a.threshold;
  o.seed = a.seed;
  if (a.chain_guard >= 0) o.chain_guard = a.chain_guard;
  o.progress = [&bar](const std::string& phase, long long done, long long total) {
    bar.update(phase, done, total);
  };
  return o;
}

int fail(const std::string& m) {
  std::fprintf(stderr, "jointcare link: %s\n", m.c_str());
  return 2;
}

std::string febrl_cluster(const std::string& id) {
  // "rec-123-dup-0" → "123"
  auto a = id.find('-');
  auto b = id.find('-', a + 1);
  return a == std::string::npos
             ? id
             : id.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
}

}  // namespace

int run_link(const LinkArgs& a) {
  if (!a.db.empty()) {
    auto started = std::chrono::steady_clock::now();
    auto db = store::open_database(a.db);
    ProgressBar bar;
    identity::LinkOptions o = link_options(a, bar);
    if (a.chain_guard < 0) o.chain_guard = 0.5;  // the person index joins groups more carefully
    auto s =
        a.incremental ? identity::link_new_records(*db, o) : identity::rebuild_person_index(*db, o);
    if (s)
      audit_operator(
          *db, {"", a.incremental ? "update" : "create", "person_index",
                a.incremental ? "new records" : "all records", "record linkage", std::nullopt});
    bar.finish();
    if (!s) return fail(s.error().message);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (a.incremental) {
      std::printf(
          "Linked %zu new records (%zu candidate pairs, %zu links): %zu new persons, %zu merges, "
          "%zu pairs for review, in %.1f s\n",
          s->new_records, s->candidate_pairs, s->links, s->persons, s->merges, s->review, seconds);
    } else {
      std::printf(
          "Linked %zu records into %zu persons (%zu candidate pairs, %zu links; %zu pairs for "
          "review) in %.1f s\n",
          s->records, s->persons, s->candidate_pairs, s->links, s->review, seconds);
    }
    if (a.explain) print_model(s->model);
    if (a.evaluate) {
      auto e = identity::evaluate_person_index(*db);
      if (!e) return fail(e.error().message);
      std::printf(
          "true_pairs=%llu predicted=%llu correct=%llu precision=%.4f recall=%.4f f1=%.4f\n",
          static_cast<unsigned long long>(e->true_pairs),
          static_cast<unsigned long long>(e->predicted),
          static_cast<unsigned long long>(e->correct), e->precision, e->recall, e->f1);
    }
    return 0;
  }
  if (a.out.empty() || a.left_profile.empty())
    return fail("give --out and --left-profile (or --db)");
  bool dedupe = !a.dedupe.empty();
  if (!dedupe && (a.left.empty() || a.right.empty() || a.right_profile.empty())) {
    return fail(
        "give --left, --left-profile, --right and --right-profile, or --dedupe with "
        "--left-profile");
  }
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> problems;
  auto left_profile = interop::ExtractProfile::load(a.left_profile);
  if (!left_profile) return fail(left_profile.error().message);
  auto left = identity::load_person_records(dedupe ? a.dedupe : a.left, *left_profile, problems);
  if (!left) return fail(left.error().message);
  std::optional<std::vector<identity::PersonRecord>> right;
  if (!dedupe) {
    auto rp = interop::ExtractProfile::load(a.right_profile);
    if (!rp) return fail(rp.error().message);
    auto r = identity::load_person_records(a.right, *rp, problems);
    if (!r) return fail(r.error().message);
    right = std::move(r).value();
  }
  if (!problems.empty()) {
    std::fprintf(
        stderr,
        "%zu values were not used (unreadable dates, malformed NHS numbers, unknown codes):\n",
        problems.size());
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i)
      std::fprintf(stderr, "  %s\n", problems[i].c_str());
    if (problems.size() > 10) std::fprintf(stderr, "  ... and %zu more\n", problems.size() - 10);
  }
  ProgressBar bar;
  identity::LinkOptions o = link_options(a, bar);
  o.clustering = a.clustering.empty() ? (dedupe ? identity::Clustering::ConnectedComponents
                                                : identity::Clustering::OneToOne)
                 : a.clustering == "components" ? identity::Clustering::ConnectedComponents
                                                : identity::Clustering::OneToOne;
  if (!dedupe && o.clustering == identity::Clustering::ConnectedComponents)
    return fail("components clustering is for --dedupe");
  auto res = identity::link_records(*left, right ? &*right : nullptr, o);
  bar.finish();
  if (!res) return fail(res.error().message);
  const auto& L = *left;
  const auto& R = right ? *right : *left;
  auto csv = io::CsvWriter::create(a.out);
  if (!csv) return fail(csv.error().message);
  std::vector<std::string> header = {"left_id", "right_id", "match_probability"};
  if (a.explain) {
    header.push_back("match_weight");
    for (std::size_t f = 0; f < identity::kFields; ++f)
      header.push_back(std::string(identity::field_name(f)));
  }
  csv->row(header);
  char buf[64];
  for (const auto& l : res->links) {
    std::snprintf(buf, sizeof buf, "%.6f", l.probability);
    std::vector<std::string> row = {L[l.left].id, R[l.right].id, buf};
    if (a.explain) {
      auto e = res->model.score(L[l.left], R[l.right]);
      std::snprintf(buf, sizeof buf, "%.3f", e.weight);
      row.push_back(buf);
      for (std::size_t f = 0; f < identity::kFields; ++f) {
        std::snprintf(buf, sizeof buf, "%s (%+.2f)",
                      std::string(identity::level_name(f, e.gamma[f])).c_str(), e.field_weight[f]);
        row.push_back(buf);
      }
    }
    csv->row(row);
  }
  if (auto st = csv->close(); !st) return fail(st.error().message);
  if (!a.review_out.empty()) {
    auto rv = io::CsvWriter::create(a.review_out);
    if (!rv) return fail(rv.error().message);
    rv->row({"left_id", "right_id", "match_probability"});
    for (const auto& l : res->review) {
      std::snprintf(buf, sizeof buf, "%.6f", l.probability);
      rv->row({L[l.left].id, R[l.right].id, buf});
    }
    if (auto st = rv->close(); !st) return fail(st.error().message);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "Blocking:");
  for (const auto& [rule, n] : res->candidates.per_rule)
    std::fprintf(stderr, " %s %zu;", rule.c_str(), n);
  std::fprintf(stderr, " %zu candidate pairs in all\n", res->candidates.pairs.size());
  if (a.explain) print_model(res->model);
  std::fprintf(stderr, "Linked %zu pairs (%zu clusters), %zu for clerical review, in %.2f s\n",
               res->links.size(), res->clusters, res->review.size(), seconds);
  return 0;
}

int run_evaluate(const EvaluateArgs& a) {
  std::vector<std::pair<std::string, std::string>> predicted;
  {
    auto t = io::CsvTable::open(a.links);
    if (!t) return fail(t.error().message);
    auto l = t->column("left_id"), r = t->column("right_id");
    if (!l || !r) return fail(a.links + ": needs left_id and right_id columns");
    while (true) {
      auto rec = t->next();
      if (!rec) return fail(rec.error().message);
      if (!rec->has_value()) break;
      predicted.emplace_back((*rec)->fields[*l], (*rec)->fields[*r]);
    }
  }
  if (a.truth.empty()) return fail("give --truth");
  std::unordered_map<std::string, std::string> cluster;
  std::unordered_map<std::string, bool> truth_left;  // from --truth-side
  {
    auto t = io::CsvTable::open(a.truth);
    if (!t) return fail(t.error().message);
    auto id = t->column(a.truth_id);
    if (!id && a.febrl_ids) id = t->column("rec_id");
    auto cl = t->column(a.truth_cluster);
    if (!id || (!cl && !a.febrl_ids))
      return fail(a.truth + ": needs the columns " + a.truth_id + " and " + a.truth_cluster);
    std::optional<std::size_t> side;
    if (!a.truth_side.empty()) {
      side = t->column(a.truth_side);
      if (!side) return fail(a.truth + ": needs the column " + a.truth_side);
    }
    while (true) {
      auto rec = t->next();
      if (!rec) return fail(rec.error().message);
      if (!rec->has_value()) break;
      const auto& f = (*rec)->fields;
      cluster[f[*id]] = a.febrl_ids ? febrl_cluster(f[*id]) : f[*cl];
      if (side) {
        const std::string& v = f[*side];
        if (v != "left" && v != "right")
          return fail(a.truth + ":" + std::to_string((*rec)->line) + ": " + a.truth_side +
                      ": left or right, not \"" + v + "\"");
        truth_left[f[*id]] = v == "left";
      }
    }
  }
  // Ids of the two extracts share one truth map; in link mode only cross pairs count.
  std::unordered_map<std::string, std::string> left, right;
  std::unordered_map<std::string, bool> on_left, on_right;
  for (const auto& [l, r] : predicted) on_left[l] = on_right[r] = true;
  identity::Evaluation e;
  if (a.mode == "dedupe") {
    e = identity::evaluate_links(predicted, cluster, nullptr);
  } else {
    // Records are split by which side the truth file says (--truth-side; FEBRL "-org" left, "-dup"
    // right), or else by where predicted links put them (then unlinked records cannot count as
    // missed).
    for (const auto& [id, c] : cluster) {
      bool is_left = !a.truth_side.empty() ? truth_left[id]
                     : a.febrl_ids         ? id.find("-org") != std::string::npos
                                           : on_left.count(id) > 0;
      (is_left ? left : right)[id] = c;
    }
    e = identity::evaluate_links(predicted, left, &right);
  }
  std::printf("true_pairs=%llu predicted=%llu correct=%llu precision=%.4f recall=%.4f f1=%.4f\n",
              static_cast<unsigned long long>(e.true_pairs),
              static_cast<unsigned long long>(e.predicted),
              static_cast<unsigned long long>(e.correct), e.precision, e.recall, e.f1);
  return 0;
}

int run_review(const ReviewArgs& a) {
  auto db = store::open_database(a.db);
  if (a.accept || a.reject || a.undo_merge) {
    // A change of the person index is an operation of a member of staff, through the gate.
    if (a.as.empty())
      return fail(
          "--as USERNAME: the staff account making this decision (its role must grant "
          "manage_person_index)");
    auto staff = store::find_staff_by_username(*db, a.as);
    if (!staff || !staff->user.active)
      return fail("--as: no active staff account \"" + a.as + "\"");
    governance::DirectAudit reads(*db);
    care::CareContext ctx{*db, governance::RoleTable::built_in(),
                          governance::Actor{staff->user, governance::Purpose::Operations}, reads,
                          Timestamp::now()};
    auto done = a.undo_merge
                    ? care::undo_person_merge(ctx, a.undo_merge)
                    : care::decide_link_review(ctx, a.accept ? a.accept : a.reject, a.accept != 0);
    if (!done) return fail(done.failure().message);
    if (a.undo_merge)
      std::printf("Merge %lld undone\n", static_cast<long long>(a.undo_merge));
    else
      std::printf("Review %lld %s\n", static_cast<long long>(a.accept ? a.accept : a.reject),
                  a.accept ? "accepted" : "rejected");
    return 0;
  }
  // The reviewer sees both records side by side: this is a local tool, nothing is logged.
  auto describe = [&](std::int64_t id) {
    std::string out;
    std::optional<std::int64_t> person;
    db->query(
        "SELECT o.ods_code, r.local_id, r.given_name, r.family_name, COALESCE(r.birth_date, ''), "
        "r.postcode, "
        "COALESCE(r.nhs_number, ''), r.person_id FROM local_records r JOIN organisations o ON o.id "
        "= r.organisation_id WHERE r.id = ?",
        {id}, [&](const store::Row& r) {
          person = r.optional_integer(7);
          out = r.text(0) + "/" + r.text(1) + ": " + r.text(2) + " " + r.text(3) + ", " +
                r.text(4) + ", " + r.text(5) + ", " + r.text(6);
        });
    audit_operator(*db,
                   {"", "read", "local_record", std::to_string(id), "clerical review", person});
    return out;
  };
  for (const auto& item : identity::open_reviews(*db, a.limit)) {
    std::printf("review %lld  p=%.3f\n  %s\n  %s\n", static_cast<long long>(item.id),
                item.probability, describe(item.left_record).c_str(),
                describe(item.right_record).c_str());
  }
  return 0;
}

}  // namespace jc::cli

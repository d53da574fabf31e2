// Probabilistic record linkage after Fellegi and Sunter: blocking by the union of several rules,
// graded comparisons per field, u estimated from random pairs, m by expectation-maximisation on
// the blocked pairs (no labels), term-frequency adjustment of exact name and postcode matches,
// match weights and probabilities explainable field by field, and clustering into persons.
// Not thread-safe while training; scoring a trained model is read-only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "identity/person_record.h"

namespace jc::identity {

enum Field : std::size_t { kGiven, kFamily, kDob, kPostcode, kAddress, kTown, kIdentifier, kSex, kEmail, kFields };
constexpr std::size_t kMaxLevels = 7;  // level 0 is "missing on either side": no evidence
std::string_view field_name(std::size_t field);
std::string_view level_name(std::size_t field, std::size_t level);
std::size_t level_count(std::size_t field);

using Gamma = std::array<std::uint8_t, kFields>;
Gamma compare(const PersonRecord& a, const PersonRecord& b);

// Blocking rules by name: "identifier", "dob", "family_soundex_year", "postcode_given_initial",
// "given_family_soundex", "email", "postcode_address" (postcode and the start of the address),
// "email_local" (the part before the @: survives a mistyped domain), and for small, sparse files
// "given_town" (given-name Soundex and town) and "given_year" (given-name Soundex and birth year).
const std::vector<std::string>& known_blocking_rules();
const std::vector<std::string>& default_blocking_rules();  // all but given_town and given_year

struct CandidatePairs {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (left, right); dedupe: left < right
  std::vector<std::pair<std::string, std::size_t>> per_rule;   // pairs each rule yields (before union)
};
// `right` null for a dedupe of `left`.
Result<CandidatePairs> block(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
                             const std::vector<std::string>& rules);

struct Explanation {
  double weight = 0;       // log2 Bayes factor in total, with the prior
  double probability = 0;
  std::array<double, kFields> field_weight{};
  Gamma gamma{};
};

class LinkageModel {
 public:
  // Trains on the records: u from `u_samples` random pairs, m and the prior by EM on `pairs`.
  void train(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
             const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, std::uint64_t seed,
             std::size_t u_samples = 1'000'000, int em_iterations = 25);
  Explanation score(const PersonRecord& a, const PersonRecord& b) const;
  // Term frequencies of names, postcodes and towns over these records (train() does this too).
  void count_term_frequencies(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right);
  // m, u and the prior as JSON, to keep a trained model and score new records with it later.
  std::string parameters_json() const;
  static Result<LinkageModel> from_parameters_json(const std::string& json);
  double m(std::size_t f, std::size_t l) const { return m_[f][l]; }
  double u(std::size_t f, std::size_t l) const { return u_[f][l]; }
  double prior() const { return random_prior_; }        // two random records match
  double blocked_prior() const { return lambda_; }      // a blocked candidate pair matches

 private:
  double tf_u(std::size_t field, const std::string& value) const;
  std::array<std::array<double, kMaxLevels>, kFields> m_{}, u_{};
  double lambda_ = 0.5;
  double expected_matches_ = 0;
  double random_prior_ = 1e-4;
  std::array<std::unordered_map<std::string, double>, kFields> tf_;  // value → share of records
};

struct Link {
  std::uint32_t left, right;
  double probability, weight;
};

enum class Clustering { OneToOne, ConnectedComponents };

struct LinkOptions {
  std::vector<std::string> blocking_rules = default_blocking_rules();
  double threshold = 0.9;  // link at or above
  double review_threshold = 0.5;  // clerical review between this and the link threshold
  Clustering clustering = Clustering::OneToOne;
  std::size_t max_cluster = 30;  // guard against chaining when joining components ...
  double chain_guard = 0.2;      // ... and the mean probability across two groups needed to join them
  std::uint64_t seed = 1;
  std::function<void(const std::string&, long long, long long)> progress;
};

struct LinkResult {
  std::vector<Link> links;   // accepted: one-to-one, or every pair within a cluster for a dedupe
  std::vector<Link> review;  // between the review and link thresholds, not accepted
  CandidatePairs candidates;
  std::size_t clusters = 0;
  std::vector<std::uint32_t> cluster_of;  // components: each record's cluster (its root record)
  LinkageModel model;
};

// Groups of records joined strongest link first, with the guard against chaining: two groups
// join only if the result stays within max_cluster and their members' mean match probability
// reaches chain_guard. Used by a full run and by incremental linking alike.
class PersonClusters {
 public:
  PersonClusters(const std::vector<PersonRecord>& records, const LinkageModel& model, const LinkOptions& options);
  // Puts b in a's group without the guard (records already known to be one person).
  void join_unchecked(std::uint32_t a, std::uint32_t b);
  // Joins the groups of the link's records if the guard allows; returns whether it did.
  bool try_join(const Link& link);
  std::uint32_t find(std::uint32_t v);
  const std::vector<std::uint32_t>& members(std::uint32_t root) const { return members_[root]; }

 private:
  const std::vector<PersonRecord>& records_;
  const LinkageModel& model_;
  const LinkOptions& options_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::vector<std::uint32_t>> members_;
};

Result<LinkResult> link_records(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
                                const LinkOptions& options);

// Pairwise precision, recall and F1 of predicted links against true clusters (id → cluster).
struct Evaluation {
  std::uint64_t true_pairs = 0, predicted = 0, correct = 0;
  double precision = 0, recall = 0, f1 = 0;
};
Evaluation evaluate_links(const std::vector<std::pair<std::string, std::string>>& predicted,
                          const std::unordered_map<std::string, std::string>& left_cluster,
                          const std::unordered_map<std::string, std::string>* right_cluster);

}  // namespace jc::identity

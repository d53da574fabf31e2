#include "identity/linkage_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "identity/string_metrics.h"

namespace jc::identity {
namespace {

// Runs f(begin, end, worker) over [0, n) split across the cores. Workers write to their own
// slots, so results do not depend on scheduling.
template <class F>
void parallel_chunks(std::size_t n, F&& f) {
  std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  if (n < 20000 || workers == 1) {
    f(std::size_t{0}, n, std::size_t{0});
    return;
  }
  std::vector<std::thread> threads;
  std::size_t chunk = (n + workers - 1) / workers;
  for (std::size_t w = 1; w < workers; ++w) {
    std::size_t b = std::min(n, w * chunk), e = std::min(n, (w + 1) * chunk);
    threads.emplace_back([&f, b, e, w] { f(b, e, w); });
  }
  f(std::size_t{0}, std::min(n, chunk), std::size_t{0});
  for (auto& t : threads) t.join();
}

// Levels per field, counting level 0 (missing).
constexpr std::array<std::size_t, kFields> kLevels = {6, 5, 7, 5, 5, 4, 4, 3, 4};

std::uint8_t compare_given(const PersonRecord& a, const PersonRecord& b) {
  if (a.given.empty() || b.given.empty()) return 0;
  if (a.given == b.given) return 1;
  if (a.given_canonical == b.given_canonical || (a.given == b.family && a.family == b.given)) return 2;  // or swapped
  double jw = jaro_winkler(a.given, b.given);
  if (jw >= 0.92) return 3;
  if (jw >= 0.80) return 4;
  return 5;
}

bool token_contains(const std::string& whole, const std::string& part) {
  // "smith jones" contains "jones" as a whole word: a double-barrelled name recorded in part.
  std::size_t p = whole.find(part);
  while (p != std::string::npos) {
    bool start = p == 0 || whole[p - 1] == ' ';
    bool end = p + part.size() == whole.size() || whole[p + part.size()] == ' ';
    if (start && end) return true;
    p = whole.find(part, p + 1);
  }
  return false;
}

std::uint8_t compare_family(const PersonRecord& a, const PersonRecord& b) {
  if (a.family.empty() || b.family.empty()) return 0;
  if (a.family == b.family) return 1;
  if (a.given == b.family && a.family == b.given) return 2;  // given and family names swapped
  double jw = jaro_winkler(a.family, b.family);
  if (jw >= 0.92 || damerau_levenshtein(a.family, b.family, 1) <= 1 || token_contains(a.family, b.family) ||
      token_contains(b.family, a.family)) {
    return 2;
  }
  if (jw >= 0.80 || a.family_sx == b.family_sx) return 3;
  return 4;
}

std::uint8_t compare_dob(const PersonRecord& a, const PersonRecord& b) {
  if (a.dob.empty() || b.dob.empty()) return 0;
  if (a.dob == b.dob) return 1;
  if (a.dob.size() == 8 && b.dob.size() == 8 && a.dob.compare(0, 4, b.dob, 0, 4) == 0 && a.dob.compare(4, 2, b.dob, 6, 2) == 0 &&
      a.dob.compare(6, 2, b.dob, 4, 2) == 0) {
    return 2;  // day and month swapped
  }
  if (damerau_levenshtein(a.dob, b.dob, 1) <= 1) return 3;
  if (a.dob_days != INT_MIN && b.dob_days != INT_MIN) {
    int d = std::abs(a.dob_days - b.dob_days);
    if (d <= 31) return 4;
    if (d <= 366) return 5;
  }
  return 6;
}

std::uint8_t compare_postcode(const PersonRecord& a, const PersonRecord& b) {
  if (a.postcode.empty() || b.postcode.empty()) return 0;
  if (a.postcode == b.postcode) return 1;
  if (!a.pc_sector.empty() && !b.pc_sector.empty()) {
    if (a.pc_sector == b.pc_sector) return 2;
    if (a.pc_district == b.pc_district) return 3;
    return 4;
  }
  if (damerau_levenshtein(a.postcode, b.postcode, 1) <= 1) return 2;
  if (a.postcode.size() >= 3 && b.postcode.size() >= 3 && a.postcode.compare(0, 3, b.postcode, 0, 3) == 0) return 3;
  return 4;
}

// Levels: 0 missing, 1 exact, 2 similar (>= high), then 3 fairly similar (>= low) when `graded`, and
// the last level different.
std::uint8_t compare_text(const std::string& a, const std::string& b, double high, double low, bool graded) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  double jw = jaro_winkler(a, b);
  if (jw >= high) return 2;
  if (graded) return jw >= low ? 3 : 4;
  return 3;
}

std::uint8_t compare_identifier(const PersonRecord& a, const PersonRecord& b) {
  if (a.identifier.empty() || b.identifier.empty()) return 0;
  if (a.identifier == b.identifier) return 1;
  if (damerau_levenshtein(a.identifier, b.identifier, 1) <= 1) return 2;
  return 3;
}

std::uint8_t compare_email(const PersonRecord& a, const PersonRecord& b) {
  if (a.email.empty() || b.email.empty()) return 0;
  if (a.email == b.email) return 1;
  auto local = [](const std::string& e) { return std::string_view(e).substr(0, e.find('@')); };
  return jaro_winkler(local(a.email), local(b.email)) >= 0.88 ? 2 : 3;
}

std::string block_key(const PersonRecord& r, const std::string& rule) {
  if (rule == "identifier") return r.identifier;
  if (rule == "dob") return r.dob;
  if (rule == "family_soundex_year") return r.family_sx.empty() || !r.birth_year ? "" : r.family_sx + std::to_string(r.birth_year);
  if (rule == "postcode_given_initial") return r.postcode.empty() || r.given.empty() ? "" : r.postcode + "|" + r.given[0];
  if (rule == "given_family_soundex") return r.given_sx.empty() || r.family_sx.empty() ? "" : r.given_sx + r.family_sx;
  if (rule == "email") return r.email;
  if (rule == "email_local") {
    std::size_t at = r.email.find('@');
    return at == std::string::npos || at < 3 ? "" : r.email.substr(0, at);
  }
  if (rule == "given_town") return r.given_sx.empty() || r.town.empty() ? "" : r.given_sx + "|" + r.town;
  if (rule == "given_year") return r.given_sx.empty() || !r.birth_year ? "" : r.given_sx + std::to_string(r.birth_year);
  if (rule == "postcode_address") return r.postcode.empty() || r.address.size() < 6 ? "" : r.postcode + "|" + r.address.substr(0, 10);
  return {};
}

const std::string& field_value(const PersonRecord& r, std::size_t f) {
  static const std::string kEmpty;
  switch (f) {
    case kGiven: return r.given;
    case kFamily: return r.family;
    case kPostcode: return r.postcode;
    case kTown: return r.town;
    default: return kEmpty;
  }
}

}  // namespace

std::string_view field_name(std::size_t f) {
  static constexpr std::string_view kNames[] = {"given_name", "family_name", "birth_date", "postcode", "address",
                                                "town", "identifier", "sex", "email"};
  return kNames[f];
}

std::size_t level_count(std::size_t f) { return kLevels[f]; }

std::string_view level_name(std::size_t f, std::size_t l) {
  if (l == 0) return "missing";
  if (l == 1) return "exact";
  switch (f) {
    case kGiven: return l == 2 ? "nickname" : l == 3 ? "jaro-winkler >= 0.92" : l == 4 ? "jaro-winkler >= 0.80" : "different";
    case kFamily: return l == 2 ? "one edit, jaro-winkler >= 0.92 or part of a double name" : l == 3 ? "similar or same soundex" : "different";
    case kDob: return l == 2 ? "day and month swapped" : l == 3 ? "one digit off" : l == 4 ? "within a month" : l == 5 ? "within a year" : "different";
    case kPostcode: return l == 2 ? "same sector" : l == 3 ? "same district" : "different";
    case kAddress: return l == 2 ? "jaro-winkler >= 0.90" : l == 3 ? "jaro-winkler >= 0.75" : "different";
    case kTown: return l == 2 ? "jaro-winkler >= 0.90" : "different";
    case kIdentifier: return l == 2 ? "one digit or transposition" : "different";
    case kEmail: return l == 2 ? "similar" : "different";
    default: return "different";
  }
}

Gamma compare(const PersonRecord& a, const PersonRecord& b) {
  Gamma g{};
  g[kGiven] = compare_given(a, b);
  g[kFamily] = compare_family(a, b);
  g[kDob] = compare_dob(a, b);
  g[kPostcode] = compare_postcode(a, b);
  g[kAddress] = compare_text(a.address, b.address, 0.90, 0.75, true);
  g[kTown] = compare_text(a.town, b.town, 0.90, 0.0, false);
  g[kIdentifier] = compare_identifier(a, b);
  g[kSex] = (!a.sex || !b.sex) ? 0 : a.sex == b.sex ? 1 : 2;
  g[kEmail] = compare_email(a, b);
  return g;
}

const std::vector<std::string>& known_blocking_rules() {
  static const std::vector<std::string> kRules = {"identifier", "dob", "family_soundex_year", "postcode_given_initial",
                                                  "given_family_soundex", "email", "postcode_address", "email_local",
                                                  "given_town", "given_year"};
  return kRules;
}

// All but the two rules meant for small, sparse files: a given name with a town or a birth year
// says little in a large population and would yield tens of millions of pairs.
const std::vector<std::string>& default_blocking_rules() {
  static const std::vector<std::string> kDefault = {"identifier", "dob", "family_soundex_year", "postcode_given_initial",
                                                    "given_family_soundex", "email", "postcode_address", "email_local"};
  return kDefault;
}

namespace {

// Blocking without a set of the pairs seen: each record's key under every rule is hashed once;
// a rule's blocks are found by sorting both sides by key; a pair a rule finds is skipped when an
// earlier rule (whose block was not too large to use) already gave it. Blocks are shared out
// across the cores in fixed chunks, so the pairs come in the same order on every run whatever the
// scheduling, and callers can count first and then fill, or fold the pairs as they come (training
// does), never holding more than the pairs they keep.
class CandidateEnumerator {
 public:
  static constexpr std::size_t kMaxBlock = 2000;  // a key shared by more records than this says nothing
  // Nor does a block of more pairs than this under one rule (a common name in a large population):
  // its true pairs share other keys and come from the other rules. At 375,000 people this halves
  // the candidate pairs (39M → 20M) with recall unchanged; it is what makes a million a side fit in a
  // minute.
  static constexpr std::size_t kMaxBlockPairs = 5000;

  CandidateEnumerator(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right, const std::vector<std::string>& rules)
      : right_(right != nullptr), rules_(rules), too_large_(rules.size()) {
    left_keys_ = hash_keys(left);
    if (right) right_keys_ = hash_keys(*right);
  }

  // Finds rule r's blocks; rules must be prepared in order. Returns the pairs the rule yields
  // before the union with earlier rules.
  std::size_t prepare(std::size_t r) {
    rule_ = r;
    ls_ = sorted(left_keys_[r]);
    if (right_) os_ = sorted(right_keys_[r]);
    const auto& os = right_ ? os_ : ls_;
    blocks_.clear();
    std::size_t yielded = 0;
    for (std::size_t x = 0, y = 0; x < ls_.size() && y < os.size();) {
      if (ls_[x].first < os[y].first) {
        ++x;
        continue;
      }
      if (os[y].first < ls_[x].first) {
        ++y;
        continue;
      }
      std::uint64_t key = ls_[x].first;
      std::size_t xe = x, ye = y;
      while (xe < ls_.size() && ls_[xe].first == key) ++xe;
      while (ye < os.size() && os[ye].first == key) ++ye;
      const std::size_t block_pairs = right_ ? (xe - x) * (ye - y) : (xe - x) * (xe - x - 1) / 2;
      if (ye - y > kMaxBlock || block_pairs > kMaxBlockPairs) {
        too_large_[r].insert(key);
      } else {
        blocks_.push_back({x, xe, y, ye});
        yielded += block_pairs;
      }
      x = xe;
      y = ye;
    }
    return yielded;
  }

  // Calls visit(worker, i, j) for each pair the prepared rule adds, across the cores; worker w
  // always gets the same blocks.
  template <class Visit>
  void visit(Visit&& visit_pair) const {
    const auto& os = right_ ? os_ : ls_;
    const auto& other_keys = right_ ? right_keys_ : left_keys_;
    parallel_chunks(blocks_.size(), [&](std::size_t b, std::size_t e, std::size_t w) {
      for (std::size_t k = b; k < e; ++k) {
        const Block& bl = blocks_[k];
        for (std::size_t x = bl.lb; x < bl.le; ++x)
          for (std::size_t y = bl.ob; y < bl.oe; ++y) {
            std::uint32_t i = ls_[x].second, j = os[y].second;
            if (!right_ && j <= i) continue;
            if (!given_earlier(i, j, other_keys)) visit_pair(w, i, j);
          }
      }
    });
  }

 private:
  struct Block {
    std::size_t lb, le, ob, oe;
  };
  using Keyed = std::vector<std::pair<std::uint64_t, std::uint32_t>>;

  std::vector<std::vector<std::uint64_t>> hash_keys(const std::vector<PersonRecord>& records) const {
    std::vector<std::vector<std::uint64_t>> keys(rules_.size(), std::vector<std::uint64_t>(records.size(), 0));
    parallel_chunks(records.size(), [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t i = b; i < e; ++i)
        for (std::size_t r = 0; r < rules_.size(); ++r) {
          std::string k = block_key(records[i], rules_[r]);
          if (!k.empty()) keys[r][i] = std::hash<std::string>{}(k) | 1;  // never 0: 0 is "no key"
        }
    });
    return keys;
  }
  static Keyed sorted(const std::vector<std::uint64_t>& keys) {
    Keyed v;
    for (std::uint32_t i = 0; i < keys.size(); ++i)
      if (keys[i]) v.emplace_back(keys[i], i);
    std::sort(v.begin(), v.end());
    return v;
  }
  bool given_earlier(std::uint32_t i, std::uint32_t j, const std::vector<std::vector<std::uint64_t>>& other_keys) const {
    for (std::size_t q = 0; q < rule_; ++q) {
      std::uint64_t k = left_keys_[q][i];
      if (k && k == other_keys[q][j] && !too_large_[q].count(k)) return true;
    }
    return false;
  }

  bool right_;
  const std::vector<std::string>& rules_;
  std::vector<std::vector<std::uint64_t>> left_keys_, right_keys_;
  std::vector<std::unordered_set<std::uint64_t>> too_large_;
  std::size_t rule_ = 0;
  Keyed ls_, os_;
  std::vector<Block> blocks_;
};

Status check_rules(const std::vector<std::string>& rules) {
  for (const auto& rule : rules)
    if (std::find(known_blocking_rules().begin(), known_blocking_rules().end(), rule) == known_blocking_rules().end())
      return Error{"unknown blocking rule \"" + rule + "\""};
  return {};
}

}  // namespace

Result<CandidatePairs> block(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
                             const std::vector<std::string>& rules) {
  if (auto st = check_rules(rules); !st) return st.error();
  CandidatePairs out;
  CandidateEnumerator pairs(left, right, rules);
  const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t r = 0; r < rules.size(); ++r) {
    out.per_rule.emplace_back(rules[r], pairs.prepare(r));
    // Count each worker's pairs, then write them straight into place: no second copy.
    std::vector<std::size_t> count(workers, 0);
    pairs.visit([&](std::size_t w, std::uint32_t, std::uint32_t) { ++count[w]; });
    std::vector<std::size_t> at(workers, out.pairs.size());
    for (std::size_t w = 1; w < workers; ++w) at[w] = at[w - 1] + count[w - 1];
    out.pairs.resize(at[workers - 1] + count[workers - 1]);
    pairs.visit([&](std::size_t w, std::uint32_t i, std::uint32_t j) { out.pairs[at[w]++] = {i, j}; });
  }
  return out;
}

namespace {

// Training reads at most about this many pairs per estimate (see train()).
constexpr std::size_t kTrainingPairs = 10'000'000;

// A well-mixed 64-bit hash (splitmix64's finaliser): a pair's fixed place in a sample.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t pack_gamma(const Gamma& g) {
  std::uint64_t k = 0;
  for (std::size_t f = 0; f < kFields; ++f) k = k << 3 | g[f];
  return k;
}

// The workers' counts of each pattern of comparison levels, joined in pattern order, so sums over
// them do not depend on scheduling.
std::vector<std::pair<Gamma, double>> merge_histograms(const std::vector<std::unordered_map<std::uint64_t, std::pair<Gamma, double>>>& parts) {
  std::map<std::uint64_t, std::pair<Gamma, double>> all;
  for (const auto& part : parts)
    for (const auto& [k, v] : part) {
      auto& slot = all[k];
      slot.first = v.first;
      slot.second += v.second;
    }
  std::vector<std::pair<Gamma, double>> out;
  for (const auto& [k, v] : all) out.push_back(v);
  return out;
}

// How many of these pairs share each pattern (a few thousand patterns for millions of pairs).
template <class Compare>
std::vector<std::pair<Gamma, double>> gamma_histogram(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, std::size_t stride,
                                                      Compare compare_pair) {
  std::vector<std::unordered_map<std::uint64_t, std::pair<Gamma, double>>> parts(std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t n = (pairs.size() + stride - 1) / stride;
  parallel_chunks(n, [&](std::size_t b, std::size_t e, std::size_t w) {
    for (std::size_t s = b; s < e; ++s) {
      const std::size_t k = s * stride;
      Gamma g = compare_pair(pairs[k].first, pairs[k].second);
      auto& slot = parts[w][pack_gamma(g)];
      slot.first = g;
      slot.second += 1;
    }
  });
  return merge_histograms(parts);
}

}  // namespace

double LinkageModel::tf_u(std::size_t f, const std::string& value) const {
  auto it = tf_[f].find(value);
  return it == tf_[f].end() ? 0.0 : it->second;
}

void LinkageModel::train(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
                         const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, std::uint64_t seed,
                         std::size_t u_samples, int em_iterations) {
  const auto& other = right ? *right : left;
  // u: agreement among random pairs, which are almost all non-matches.
  std::array<std::array<double, kMaxLevels>, kFields> counts{};
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  auto next = [&] {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x * 2685821657736338717ULL;
  };
  std::size_t samples = std::min<std::size_t>(u_samples, left.size() * other.size());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sample_pairs;
  sample_pairs.reserve(samples);
  for (std::size_t s = 0; s < samples; ++s) {
    std::size_t i = next() % left.size(), j = next() % other.size();
    if (!right && i == j) continue;
    sample_pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
  }
  std::vector<std::array<std::array<double, kMaxLevels>, kFields>> worker_counts(std::max(1u, std::thread::hardware_concurrency()));
  parallel_chunks(sample_pairs.size(), [&](std::size_t b, std::size_t e, std::size_t w) {
    auto& c = worker_counts[w];
    for (std::size_t k = b; k < e; ++k) {
      Gamma g = compare(left[sample_pairs[k].first], other[sample_pairs[k].second]);
      for (std::size_t f = 0; f < kFields; ++f) c[f][g[f]] += 1;
    }
  });
  for (const auto& c : worker_counts)
    for (std::size_t f = 0; f < kFields; ++f)
      for (std::size_t l = 0; l < kMaxLevels; ++l) counts[f][l] += c[f][l];
  for (std::size_t f = 0; f < kFields; ++f) {
    double total = 0;
    for (std::size_t l = 1; l < kLevels[f]; ++l) total += counts[f][l] + 1.0;
    for (std::size_t l = 1; l < kLevels[f]; ++l) u_[f][l] = (counts[f][l] + 1.0) / total;
  }
  count_term_frequencies(left, right);
  const double all_pairs = right ? static_cast<double>(left.size()) * static_cast<double>(other.size())
                                  : static_cast<double>(left.size()) * static_cast<double>(left.size() - 1) / 2.0;
  // m by EM in training sessions (after Splink): each session takes the pairs of one blocking rule
  // and estimates m for every field the rule does not use, u held fixed. A field's m is the mean
  // over the sessions that could estimate it. Blocking on a field would make it look perfect.
  struct Session {
    const char* rule;
    std::vector<std::size_t> excluded;
  };
  const std::vector<Session> sessions = {{"identifier", {kIdentifier}},
                                         {"dob", {kDob}},
                                         {"postcode_given_initial", {kPostcode, kGiven}},
                                         {"given_family_soundex", {kGiven, kFamily}}};
  std::array<std::array<double, kMaxLevels>, kFields> m_sum{};
  std::array<int, kFields> m_sessions{};
  for (const Session& session : sessions) {
    // EM needs only how many pairs share each pattern of comparison levels: the session's pairs
    // are folded into that as they are found, never held.
    std::vector<std::string> rule = {session.rule};
    CandidateEnumerator enumerator(left, right, rule);
    // A session of tens of millions of pairs is trained on a fixed pseudo-random sample of about
    // kTrainingPairs of them (the same on every run): EM's estimates settle long before that.
    const std::size_t yielded = enumerator.prepare(0);
    const std::uint64_t keep_one_in = yielded > kTrainingPairs ? (yielded + kTrainingPairs - 1) / kTrainingPairs : 1;
    std::vector<std::unordered_map<std::uint64_t, std::pair<Gamma, double>>> parts(std::max(1u, std::thread::hardware_concurrency()));
    enumerator.visit([&](std::size_t w, std::uint32_t i, std::uint32_t j) {
      if (keep_one_in > 1 && mix64((static_cast<std::uint64_t>(i) << 32) | j) % keep_one_in != 0) return;
      Gamma g = compare(left[i], other[j]);
      for (std::size_t f : session.excluded) g[f] = 0;
      auto& slot = parts[w][pack_gamma(g)];
      slot.first = g;
      slot.second += 1;
    });
    auto patterns = merge_histograms(parts);
    double n_pairs = 0;
    for (const auto& [g, count] : patterns) n_pairs += count;
    if (n_pairs < 20) continue;
    std::array<std::array<double, kMaxLevels>, kFields> m{};
    for (std::size_t f = 0; f < kFields; ++f) {
      std::size_t n = kLevels[f];
      for (std::size_t l = 1; l < n; ++l) m[f][l] = l == 1 ? 0.9 : 0.1 / static_cast<double>(n - 2);
    }
    double lambda = 0.5;
    for (int it = 0; it < em_iterations; ++it) {
      std::array<std::array<double, kMaxLevels>, kFields> mc{};
      double psum = 0;
      for (const auto& [g, count] : patterns) {
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (std::size_t f = 0; f < kFields; ++f) {
          if (g[f] == 0) continue;
          lm += std::log(m[f][g[f]]);
          lu += std::log(u_[f][g[f]]);
        }
        double p = 1.0 / (1.0 + std::exp(lu - lm));
        psum += p * count;
        for (std::size_t f = 0; f < kFields; ++f)
          if (g[f]) mc[f][g[f]] += p * count;
      }
      lambda = std::clamp(psum / n_pairs, 1e-6, 1 - 1e-6);
      for (std::size_t f = 0; f < kFields; ++f) {
        double total = 0;
        for (std::size_t l = 1; l < kLevels[f]; ++l) total += mc[f][l] + 1e-3;
        for (std::size_t l = 1; l < kLevels[f]; ++l) m[f][l] = (mc[f][l] + 1e-3) / total;
      }
    }
    // A session whose "match" class mostly disagrees on the identifying fields found another class
    // (in a large population, the people who share a postcode and a given name, say): its m says
    // nothing about matches, so it is left out.
    int contrary = 0;
    for (std::size_t f : {kIdentifier, kDob, kFamily, kAddress}) {
      if (std::find(session.excluded.begin(), session.excluded.end(), f) != session.excluded.end()) continue;
      if (m[f][kLevels[f] - 1] > m[f][1]) ++contrary;
    }
    if (contrary >= 2) continue;
    for (std::size_t f = 0; f < kFields; ++f) {
      if (std::find(session.excluded.begin(), session.excluded.end(), f) != session.excluded.end()) continue;
      for (std::size_t l = 1; l < kLevels[f]; ++l) m_sum[f][l] += m[f][l];
      ++m_sessions[f];
    }
  }
  for (std::size_t f = 0; f < kFields; ++f) {
    std::size_t n = kLevels[f];
    for (std::size_t l = 1; l < n; ++l) {
      m_[f][l] = m_sessions[f] ? m_sum[f][l] / m_sessions[f] : (l == 1 ? 0.9 : 0.1 / static_cast<double>(n - 2));
    }
  }
  // The prior: the expected number of matches among all candidate pairs, with m and u fixed.
  // On every stride-th pair when there are more than kTrainingPairs: the share of matches is what is
  // estimated, and a sample of ten million gives it to well under a tenth of a percent.
  const std::size_t stride = pairs.size() > kTrainingPairs ? (pairs.size() + kTrainingPairs - 1) / kTrainingPairs : 1;
  auto patterns = gamma_histogram(pairs, stride, [&](std::uint32_t i, std::uint32_t j) { return compare(left[i], other[j]); });
  double sampled = 0;
  for (const auto& [g, count] : patterns) sampled += count;
  std::vector<std::pair<double, double>> log_bf;  // log Bayes factor, pairs
  for (const auto& [g, count] : patterns) {
    double w = 0;
    for (std::size_t f = 0; f < kFields; ++f)
      if (g[f]) w += std::log(m_[f][g[f]] / u_[f][g[f]]);
    log_bf.emplace_back(w, count);
  }
  lambda_ = 0.1;
  for (int it = 0; it < em_iterations && sampled > 0; ++it) {
    double psum = 0, odds = lambda_ / (1 - lambda_);
    for (const auto& [w, count] : log_bf) psum += count / (1.0 + 1.0 / (odds * std::exp(w)));
    lambda_ = std::clamp(psum / sampled, 1e-9, 1 - 1e-9);
    expected_matches_ = lambda_ * static_cast<double>(pairs.size());
  }
  random_prior_ = std::clamp(expected_matches_ / std::max(1.0, all_pairs), 1e-12, 0.5);
}

void LinkageModel::count_term_frequencies(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right) {
  for (std::size_t f : {kGiven, kFamily, kPostcode, kTown}) {
    std::unordered_map<std::string, double> n;
    double total = 0;
    for (const auto* side : {&left, right}) {
      if (!side) continue;
      for (const auto& r : *side) {
        const std::string& v = field_value(r, f);
        if (!v.empty()) n[v] += 1, total += 1;
      }
    }
    for (auto& [v, c] : n) c /= total;
    tf_[f] = std::move(n);
  }
}

std::string LinkageModel::parameters_json() const {
  nlohmann::json j;
  j["prior"] = random_prior_;
  j["blocked_prior"] = lambda_;
  for (std::size_t f = 0; f < kFields; ++f) {
    nlohmann::json levels = nlohmann::json::array();
    for (std::size_t l = 1; l < kLevels[f]; ++l) levels.push_back({{"level", level_name(f, l)}, {"m", m_[f][l]}, {"u", u_[f][l]}});
    j["fields"][std::string(field_name(f))] = levels;
  }
  return j.dump();
}

Result<LinkageModel> LinkageModel::from_parameters_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("prior") || !j.contains("fields")) return Error{"not a linkage model"};
  LinkageModel m;
  m.random_prior_ = j["prior"].get<double>();
  m.lambda_ = j.value("blocked_prior", 0.5);
  for (std::size_t f = 0; f < kFields; ++f) {
    const auto& levels = j["fields"][std::string(field_name(f))];
    if (!levels.is_array() || levels.size() != kLevels[f] - 1) return Error{"linkage model: wrong levels for " + std::string(field_name(f))};
    for (std::size_t l = 1; l < kLevels[f]; ++l) {
      m.m_[f][l] = levels[l - 1]["m"].get<double>();
      m.u_[f][l] = levels[l - 1]["u"].get<double>();
    }
  }
  return m;
}

Explanation LinkageModel::score(const PersonRecord& a, const PersonRecord& b) const {
  Explanation e;
  e.gamma = compare(a, b);
  // The prior is that of two records drawn at random, not of a blocked pair: blocking is a way
  // to find candidates, not evidence that they match.
  e.weight = std::log2(random_prior_ / (1 - random_prior_));
  for (std::size_t f = 0; f < kFields; ++f) {
    std::size_t l = e.gamma[f];
    if (l == 0) continue;
    double u = u_[f][l];
    if (l == 1 && (f == kGiven || f == kFamily || f == kPostcode || f == kTown)) {
      // Term frequency: agreeing on a common name is weaker evidence than on a rare one.
      double tf = std::max(tf_u(f, field_value(a, f)), tf_u(f, field_value(b, f)));
      if (tf > 0) u = std::max(tf, 1e-6);
    }
    e.field_weight[f] = std::log2(m_[f][l] / u);
    e.weight += e.field_weight[f];
  }
  e.probability = 1.0 / (1.0 + std::exp2(-e.weight));
  return e;
}

Result<LinkResult> link_records(const std::vector<PersonRecord>& left, const std::vector<PersonRecord>* right,
                                const LinkOptions& o) {
  LinkResult res;
  auto candidates = block(left, right, o.blocking_rules);
  if (!candidates) return candidates.error();
  res.candidates = std::move(candidates).value();
  if (o.progress) o.progress("training", 0, 1);
  res.model.train(left, right, res.candidates.pairs, o.seed);
  const auto& other = right ? *right : left;
  std::vector<Link> scored;
  const auto& pairs = res.candidates.pairs;
  std::vector<std::vector<Link>> per_worker(std::max(1u, std::thread::hardware_concurrency()));
  parallel_chunks(pairs.size(), [&](std::size_t b, std::size_t e, std::size_t w) {
    for (std::size_t k = b; k < e; ++k) {
      auto [i, j] = pairs[k];
      Explanation x = res.model.score(left[i], other[j]);
      if (x.probability >= std::min(o.review_threshold, o.threshold)) per_worker[w].push_back({i, j, x.probability, x.weight});
      if (w == 0 && o.progress && (k - b) % 100000 == 0) o.progress("scoring", static_cast<long long>(k - b), static_cast<long long>(e - b));
    }
  });
  for (auto& part : per_worker) scored.insert(scored.end(), part.begin(), part.end());
  std::sort(scored.begin(), scored.end(), [](const Link& a, const Link& b) {
    return a.weight != b.weight ? a.weight > b.weight : std::tie(a.left, a.right) < std::tie(b.left, b.right);
  });
  if (o.clustering == Clustering::OneToOne) {
    std::vector<bool> used_l(left.size()), used_r(other.size());
    for (const Link& l : scored) {
      if (l.probability < o.threshold) {
        res.review.push_back(l);
        continue;
      }
      if (used_l[l.left] || used_r[l.right]) continue;
      used_l[l.left] = used_r[l.right] = true;
      res.links.push_back(l);
    }
    res.clusters = res.links.size();
  } else {
    PersonClusters clusters(left, res.model, o);
    for (const Link& l : scored) {
      if (l.probability < o.threshold) {
        res.review.push_back(l);
        continue;
      }
      clusters.try_join(l);
    }
    res.cluster_of.resize(left.size());
    for (std::uint32_t v = 0; v < left.size(); ++v) res.cluster_of[v] = clusters.find(v);
    for (std::uint32_t root = 0; root < left.size(); ++root) {
      if (res.cluster_of[root] != root || clusters.members(root).size() < 2) continue;
      std::vector<std::uint32_t> m = clusters.members(root);
      std::sort(m.begin(), m.end());  // each pair once, left < right
      ++res.clusters;
      for (std::size_t x = 0; x < m.size(); ++x)
        for (std::size_t y = x + 1; y < m.size(); ++y) {
          Explanation e = res.model.score(left[m[x]], left[m[y]]);
          res.links.push_back({m[x], m[y], e.probability, e.weight});
        }
    }
    std::sort(res.links.begin(), res.links.end(), [](const Link& a, const Link& b) { return std::tie(a.left, a.right) < std::tie(b.left, b.right); });
  }
  return res;
}

PersonClusters::PersonClusters(const std::vector<PersonRecord>& records, const LinkageModel& model, const LinkOptions& options)
    : records_(records), model_(model), options_(options), parent_(records.size()), members_(records.size()) {
  std::iota(parent_.begin(), parent_.end(), 0u);
  for (std::uint32_t v = 0; v < records.size(); ++v) members_[v] = {v};
}

std::uint32_t PersonClusters::find(std::uint32_t v) {
  while (parent_[v] != v) v = parent_[v] = parent_[parent_[v]];
  return v;
}

void PersonClusters::join_unchecked(std::uint32_t a, std::uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return;
  members_[a].insert(members_[a].end(), members_[b].begin(), members_[b].end());
  members_[b].clear();
  parent_[b] = a;
}

bool PersonClusters::try_join(const Link& link) {
  std::uint32_t a = find(link.left), b = find(link.right);
  std::size_t joined = members_[a].size() + members_[b].size();
  if (a == b || joined > options_.max_cluster) return false;
  if (joined > 2) {
    // Guard against chaining: two groups join only if their members agree on average, not
    // merely through their single strongest pair.
    double sum = 0;
    for (std::uint32_t x : members_[a])
      for (std::uint32_t y : members_[b]) sum += model_.score(records_[x], records_[y]).probability;
    if (sum / static_cast<double>(members_[a].size() * members_[b].size()) < options_.chain_guard) return false;
  }
  if (members_[a].size() < members_[b].size()) std::swap(a, b);
  join_unchecked(a, b);
  return true;
}

Evaluation evaluate_links(const std::vector<std::pair<std::string, std::string>>& predicted,
                          const std::unordered_map<std::string, std::string>& left_cluster,
                          const std::unordered_map<std::string, std::string>* right_cluster) {
  Evaluation e;
  std::unordered_map<std::string, std::uint64_t> lsize, rsize;
  for (const auto& [id, c] : left_cluster) ++lsize[c];
  if (right_cluster) {
    for (const auto& [id, c] : *right_cluster) ++rsize[c];
    for (const auto& [c, n] : lsize) {
      auto it = rsize.find(c);
      if (it != rsize.end()) e.true_pairs += n * it->second;
    }
  } else {
    for (const auto& [c, n] : lsize) e.true_pairs += n * (n - 1) / 2;
  }
  std::unordered_set<std::string> seen;
  for (const auto& [a, b] : predicted) {
    std::string key = right_cluster || a < b ? a + "\x1f" + b : b + "\x1f" + a;
    if (!seen.insert(key).second) continue;
    ++e.predicted;
    auto ia = left_cluster.find(a);
    const auto& rc = right_cluster ? *right_cluster : left_cluster;
    auto ib = rc.find(b);
    if (ia != left_cluster.end() && ib != rc.end() && ia->second == ib->second) ++e.correct;
  }
  e.precision = e.predicted ? static_cast<double>(e.correct) / static_cast<double>(e.predicted) : 0;
  e.recall = e.true_pairs ? static_cast<double>(e.correct) / static_cast<double>(e.true_pairs) : 0;
  e.f1 = e.precision + e.recall > 0 ? 2 * e.precision * e.recall / (e.precision + e.recall) : 0;
  return e;
}

}  // namespace jc::identity

#include "governance/checkpoint.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jc::governance {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94";  // U+2014, the signature line's mark
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

template <std::size_t N>
std::string b64(const std::array<unsigned char, N>& bytes, std::size_t n = N) {
  std::string out(sodium_base64_ENCODED_LEN(N, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::vector<unsigned char>> unb64(std::string_view text, std::size_t max) {
  std::vector<unsigned char> out(max);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::array<unsigned char, 4> key_id(const std::string& name,
                                    const std::array<unsigned char, 32>& public_key) {
  std::string input = name;
  input += '\n';
  input += '\x01';
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  return {digest[0], digest[1], digest[2], digest[3]};
}

std::string hex4(const std::array<unsigned char, 4>& id) {
  char out[9];
  sodium_bin2hex(out, sizeof out, id.data(), id.size());
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return false;
  return true;
}

// At most `max` parts: the last takes the rest (base64 holds '+').
std::vector<std::string> split(std::string_view text, char sep, std::size_t max = SIZE_MAX) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto at = out.size() + 1 >= max ? std::string_view::npos : text.find(sep, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

Result<AuditKey> parse_key(const std::string& path, std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.starts_with(kPrivatePrefix))
    return Error{path + ": not an audit key (expected a line PRIVATE+KEY+<name>+<id>+<key>)"};
  auto parts = split(text.substr(kPrivatePrefix.size()), '+', 3);
  if (parts.size() != 3 || !valid_name(parts[0]))
    return Error{path + ": the key line is malformed"};
  auto bytes = unb64(parts[2], 64);
  if (!bytes || bytes->size() != 33 || (*bytes)[0] != 0x01)
    return Error{path + ": the key is not an Ed25519 seed (0x01 and 32 bytes, base64)"};
  AuditKey key;
  key.name = parts[0];
  crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), bytes->data() + 1);
  sodium_memzero(bytes->data(), bytes->size());
  if (hex4(key_id(key.name, key.public_key)) != parts[1])
    return Error{path + ": the key id does not match the key"};
  return key;
}

Status write_all(int fd, const std::string& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{path + ": cannot write: " + std::strerror(errno)};
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// A new file, never through a symbolic link, never over an existing one.
Status create_new(const std::string& path, std::string_view content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return Error{path + ": cannot create: " + std::strerror(errno)};
  auto st = write_all(fd, path, content);
  if (st && ::fsync(fd) != 0) st = Error{path + ": cannot flush: " + std::strerror(errno)};
  ::close(fd);
  return st;
}

Result<std::string> read_small(const std::string& path, bool secret) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Error{path + ": " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (secret && (st.st_mode & 077))
    return Error{path + ": others may read the audit key: chmod 600 it (and consider it exposed)"};
  if (st.st_size > (64 << 20)) return Error{path + ": too large"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string text_of(const std::string& origin, const TreeHead& head, Timestamp at) {
  return origin + "\n" + std::to_string(head.size) + "\n" + merkle::to_base64(head.root) + "\n" +
         at.iso() + "\n";
}

std::string stem_of(const std::string& target) {
  if (store::is_postgres_target(target)) {
    std::string name = "jointcare";
    auto at = target.find("dbname=");
    std::string db;
    if (at != std::string::npos) {
      db = target.substr(at + 7);
      db = db.substr(0, db.find(' '));
    } else {
      auto slash = target.rfind('/');
      if (slash != std::string::npos) db = target.substr(slash + 1);
      db = db.substr(0, db.find('?'));
    }
    std::string safe;
    for (char c : db)
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') safe += c;
    return name + (safe.empty() ? "" : "-" + safe);
  }
  std::string path = target;
  if (path.ends_with(".db")) path.resize(path.size() - 3);
  return path;
}

}  // namespace

std::string trail_origin(const std::string& key_name, AuditTrail trail) {
  return key_name + "/" + trail_name(trail);
}

Result<AuditKey> load_audit_key(const std::string& path) {
  init();
  auto text = read_small(path, true);
  if (!text) return text.error();
  return parse_key(path, *text);
}

Result<AuditKey> load_or_create_audit_key(const std::string& path) {
  init();
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return load_audit_key(path);
  if (errno != ENOENT) return Error{path + ": " + std::strerror(errno)};
  std::array<unsigned char, 33> seed{};
  seed[0] = 0x01;
  randombytes_buf(seed.data() + 1, 32);
  AuditKey key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), seed.data() + 1);
  std::array<unsigned char, 4> suffix{};
  randombytes_buf(suffix.data(), suffix.size());
  key.name = "jointcare-audit-" + hex4(suffix);
  std::string line = std::string(kPrivatePrefix) + key.name + "+" +
                     hex4(key_id(key.name, key.public_key)) + "+" + b64(seed) + "\n";
  sodium_memzero(seed.data(), seed.size());
  auto created = create_new(path, line, 0600);
  sodium_memzero(line.data(), line.size());
  if (!created) return created.error();
  const std::string pub = path + ".pub";
  ::unlink(pub.c_str());
  if (auto st2 = create_new(pub, verifier_text(verifier_of(key)) + "\n", 0644); !st2)
    return st2.error();
  return key;
}

AuditVerifier verifier_of(const AuditKey& key) { return {key.name, key.public_key}; }

std::string verifier_text(const AuditVerifier& v) {
  std::array<unsigned char, 33> raw{};
  raw[0] = 0x01;
  std::copy(v.public_key.begin(), v.public_key.end(), raw.begin() + 1);
  return v.name + "+" + hex4(key_id(v.name, v.public_key)) + "+" + b64(raw);
}

Result<AuditVerifier> parse_verifier(std::string_view text) {
  init();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto parts = split(text, '+', 3);
  if (parts.size() != 3 || !valid_name(parts[0]))
    return Error{"a verifier key is <name>+<key id>+<base64 key>"};
  auto bytes = unb64(parts[2], 64);
  if (!bytes || bytes->size() != 33 || (*bytes)[0] != 0x01)
    return Error{"the verifier key is not an Ed25519 public key (0x01 and 32 bytes, base64)"};
  AuditVerifier v;
  v.name = parts[0];
  std::copy(bytes->begin() + 1, bytes->end(), v.public_key.begin());
  if (hex4(key_id(v.name, v.public_key)) != parts[1])
    return Error{"the verifier key's id does not match the key"};
  return v;
}

Result<AuditVerifier> load_verifier(const std::string& path) {
  auto text = read_small(path, false);
  if (!text) return text.error();
  if (std::string_view(*text).starts_with(kPrivatePrefix)) {
    auto key = load_audit_key(path);
    if (!key) return key.error();
    return verifier_of(*key);
  }
  auto v = parse_verifier(*text);
  if (!v) return Error{path + ": " + v.error().message};
  return v;
}

std::string sign_checkpoint(const AuditKey& key, const TreeHead& head, Timestamp at) {
  init();
  const std::string text = text_of(trail_origin(key.name, head.trail), head, at);
  std::array<unsigned char, 4 + crypto_sign_BYTES> sig{};
  const auto id = key_id(key.name, key.public_key);
  std::copy(id.begin(), id.end(), sig.begin());
  crypto_sign_detached(sig.data() + 4, nullptr, reinterpret_cast<const unsigned char*>(text.data()),
                       text.size(), key.secret.data());
  return text + "\n" + std::string(kDash) + " " + key.name + " " + b64(sig) + "\n";
}

std::string Checkpoint::label() const {
  return "checkpoint " + std::to_string(number) + " (" + trail_name(trail) + " trail, " +
         std::to_string(size) + " events, " + time + ")";
}

TrustedHead trusted(const Checkpoint& c) { return {c.trail, c.size, c.root, c.label()}; }

Result<std::vector<Checkpoint>> read_checkpoints(const std::string& path,
                                                 const AuditVerifier& verifier) {
  init();
  auto content = read_small(path, false);
  if (!content) return content.error();
  auto lines = split(*content, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::vector<Checkpoint> out;
  const auto id = key_id(verifier.name, verifier.public_key);
  std::size_t i = 0;
  while (i < lines.size()) {
    const std::size_t first_line = i + 1;
    Checkpoint c;
    c.number = out.size() + 1;
    auto bad = [&](const std::string& why) {
      return Error{path + ": checkpoint " + std::to_string(c.number) + " (line " +
                   std::to_string(first_line) + "): " + why};
    };
    std::string text;
    std::vector<std::string> body;
    while (i < lines.size() && !lines[i].empty()) {
      body.push_back(lines[i]);
      text += lines[i] + "\n";
      ++i;
    }
    if (i >= lines.size()) return bad("no signature after the note's text");
    ++i;  // the blank line
    bool signed_by_key = false;
    std::size_t signatures = 0;
    c.note = text + "\n";
    while (i < lines.size() && !lines[i].empty()) {
      const std::string& sig_line = lines[i++];
      c.note += sig_line + "\n";
      ++signatures;
      const std::string prefix = std::string(kDash) + " ";
      if (!std::string_view(sig_line).starts_with(prefix)) return bad("a malformed signature line");
      auto fields = split(std::string_view(sig_line).substr(prefix.size()), ' ');
      if (fields.size() != 2) return bad("a malformed signature line");
      if (fields[0] != verifier.name) continue;  // another's signature (a witness's cosignature)
      auto sig = unb64(fields[1], 128);
      if (!sig || sig->size() != 4 + crypto_sign_BYTES) return bad("a malformed signature");
      if (!std::equal(id.begin(), id.end(), sig->begin())) continue;
      if (crypto_sign_verify_detached(sig->data() + 4,
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      text.size(), verifier.public_key.data()) != 0)
        return bad("its signature does not match its text: it was altered or forged");
      signed_by_key = true;
    }
    if (i < lines.size()) ++i;  // the blank line ending the note
    if (!signed_by_key)
      return bad(signatures
                     ? "not signed by the audit key " + verifier.name + ": forged with another key"
                     : "no signature");
    if (body.size() < 3) return bad("a checkpoint has an origin, a size and a root");
    if (body[0] == trail_origin(verifier.name, AuditTrail::Record))
      c.trail = AuditTrail::Record;
    else if (body[0] == trail_origin(verifier.name, AuditTrail::Access))
      c.trail = AuditTrail::Access;
    else
      return bad("its origin \"" + body[0] + "\" is not one of this audit key's logs");
    if (body[1].empty() || body[1].size() > 19 ||
        body[1].find_first_not_of("0123456789") != std::string::npos)
      return bad("its tree size is not a number");
    c.size = std::stoull(body[1]);
    auto root = merkle::from_base64(body[2]);
    if (!root) return bad("its root hash is not 32 bytes of base64");
    c.root = *root;
    if (body.size() > 3) c.time = body[3];
    // The checkpoints of a trail grow: one smaller than the one before was moved, or swapped.
    for (const auto& before : out) {
      if (before.trail != c.trail) continue;
      if (before.size > c.size)
        return bad("it is smaller than " + before.label() +
                   " before it: the file's checkpoints were reordered or swapped");
      if (before.size == c.size && before.root != c.root)
        return bad("it gives another root than " + before.label() +
                   " for the same size: two histories of one log");
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

Status append_notes(const std::string& path, const std::string& notes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
  auto st = write_all(fd, path, notes);
  if (st && ::fsync(fd) != 0) st = Error{path + ": cannot flush: " + std::strerror(errno)};
  ::close(fd);
  return st;
}

}  // namespace

Result<std::string> write_checkpoint(store::Database& db, const AuditKey& key,
                                     const std::string& path, Timestamp at) {
  std::string notes;
  for (auto trail : {AuditTrail::Record, AuditTrail::Access})
    notes += sign_checkpoint(key, audit_tree_head(db, trail), at) + "\n";
  if (auto st = append_notes(path, notes); !st) return st.error();
  return notes;
}

CheckpointLog::CheckpointLog(std::string path, AuditKey key)
    : path_(std::move(path)), key_(std::move(key)) {}

AuditVerifier CheckpointLog::verifier() const { return verifier_of(key_); }

Status CheckpointLog::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return {};
  auto read = read_checkpoints(path_, verifier_of(key_));
  if (!read) return read.error();
  std::lock_guard lock(mutex_);
  count_ = read->size();
  for (auto& c : *read) (c.trail == AuditTrail::Record ? record_ : access_) = std::move(c);
  return {};
}

Status CheckpointLog::sign(store::Database& db, Timestamp at) {
  std::lock_guard signing(signing_);  // one signer at a time; proofs read newest() meanwhile
  std::vector<Checkpoint> made;
  std::string notes;
  bool grew = false;
  for (auto trail : {AuditTrail::Record, AuditTrail::Access}) {
    const TreeHead head = audit_tree_head(db, trail);
    const auto before = newest(trail);
    grew = grew || !before || before->size != head.size || before->root != head.root;
    Checkpoint c;
    c.trail = trail;
    c.size = head.size;
    c.root = head.root;
    c.time = at.iso();
    c.note = sign_checkpoint(key_, head, at);
    notes += c.note + "\n";
    made.push_back(std::move(c));
  }
  if (!grew) return {};
  if (auto st = append_notes(path_, notes); !st) return st;
  std::lock_guard lock(mutex_);
  for (auto& c : made) {
    c.number = ++count_;
    (c.trail == AuditTrail::Record ? record_ : access_) = std::move(c);
  }
  return {};
}

std::optional<Checkpoint> CheckpointLog::newest(AuditTrail trail) const {
  std::lock_guard lock(mutex_);
  return trail == AuditTrail::Record ? record_ : access_;
}

std::string default_audit_key_path(const std::string& db_target) {
  return stem_of(db_target) + ".audit-key";
}
std::string default_checkpoint_path(const std::string& db_target) {
  return stem_of(db_target) + ".checkpoints";
}

}  // namespace jc::governance

// Signed checkpoints of the audit trails, kept outside the database (C2SP tlog-checkpoint in a
// C2SP signed note, Ed25519 by libsodium). A checkpoint says "the <trail> trail of this log had
// <size> events and this Merkle root"; signed with a key the database does not hold, and copied to
// a witness, it lets `jointcare audit verify --checkpoint` prove that the log now is an extension
// of it: nothing cut off its end, no event altered, no file removed.
//
// The note (one per trail):
//   <origin>\n<size>\n<base64 root>\n<time ISO 8601>\n\n— <key name> <base64(key id ||
//   signature)>\n
// origin "<key name>/record" or "<key name>/access"; key id the first four bytes of
// SHA-256(key name || 0x0A || 0x01 || public key); the signature over the text before the blank
// line. A checkpoint file is such notes one after another, each ended by a blank line.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "governance/audit.h"
#include "governance/audit_tree.h"

namespace jc::governance {

struct AuditKey {
  std::string name;                        // "jointcare-audit-1f0c93ab"
  std::array<unsigned char, 64> secret{};  // libsodium's Ed25519 secret key
  std::array<unsigned char, 32> public_key{};
};

// The verifier key: "<name>+<key id, 8 hex>+<base64(0x01 || public key)>" (C2SP vkey), what a
// witness keeps to check checkpoints without the secret.
struct AuditVerifier {
  std::string name;
  std::array<unsigned char, 32> public_key{};
};

// Reads the key file, or creates it (mode 0600, refusing a symbolic link; and the verifier key
// beside it, `path + ".pub"`) when there is none. Refuses a key file that others may read.
Result<AuditKey> load_or_create_audit_key(const std::string& path);
Result<AuditKey> load_audit_key(const std::string& path);
AuditVerifier verifier_of(const AuditKey& key);
std::string verifier_text(const AuditVerifier& v);
Result<AuditVerifier> parse_verifier(std::string_view text);
// A verifier key file (one line), or a key file (the verifier derived from it).
Result<AuditVerifier> load_verifier(const std::string& path);

std::string trail_origin(const std::string& key_name, AuditTrail trail);

// The signed note of a tree head.
std::string sign_checkpoint(const AuditKey& key, const TreeHead& head, Timestamp at);

struct Checkpoint {
  std::size_t number = 0;  // 1, 2, ... in its file
  AuditTrail trail = AuditTrail::Record;
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::string time;
  std::string note;           // the signed note as the file holds it
  std::string label() const;  // "checkpoint 3 (record trail, 12 events, 2026-12-06T04:10:00Z)"
};

// Every checkpoint of a file, each signature checked against `verifier`; an error names the
// checkpoint and what is wrong with it (not signed by the key, altered, malformed, out of order).
Result<std::vector<Checkpoint>> read_checkpoints(const std::string& path,
                                                 const AuditVerifier& verifier);

// Signs the head of both trails (the stored trees extended first) and appends the two notes to
// `path` (created 0600 when missing; flushed to disk before returning). Returns the notes.
Result<std::string> write_checkpoint(store::Database& db, const AuditKey& key,
                                     const std::string& path, Timestamp at);

// A checkpoint file as a server keeps it: it signs into it at an interval and on shutdown, and
// remembers the newest checkpoint of each trail for the inclusion proofs its reports carry. Safe
// to share between threads.
class CheckpointLog {
 public:
  CheckpointLog(std::string path, AuditKey key);
  // Reads the checkpoints the file holds already (each signature checked); a missing file is
  // none yet.
  Status load();
  // Signs the head of both trails into the file, when either grew since the newest checkpoint.
  Status sign(store::Database& db, Timestamp at);
  std::optional<Checkpoint> newest(AuditTrail trail) const;
  AuditVerifier verifier() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  AuditKey key_;
  std::mutex signing_;
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
  std::optional<Checkpoint> record_, access_;
};

// Where a database keeps its key and checkpoints unless told: beside a SQLite file
// ("area.db" → "area.audit-key", "area.checkpoints"); for PostgreSQL, in the working directory,
// named after the database ("jointcare-<dbname>.audit-key").
std::string default_audit_key_path(const std::string& db_target);
std::string default_checkpoint_path(const std::string& db_target);

TrustedHead trusted(const Checkpoint& c);

}  // namespace jc::governance

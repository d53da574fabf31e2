#include "cli/export_command.h"

#include <cstdio>
#include <optional>

#include "cli/operator_audit.h"
#include "governance/access_facts.h"
#include "governance/audit_writer.h"
#include "governance/gate.h"
#include "store/database.h"
#include "store/staff_repository.h"
#include "synth/generator.h"

namespace jc::cli {

CLI::App* add_export_command(CLI::App& app, ExportArgs& a) {
  auto* c = app.add_subcommand(
      "export", "Write each organisation's person extract, profile and the truth (audited)");
  c->add_option("--db", a.db, "Database")->required();
  c->add_option("--dir", a.dir, "Folder to write")->required();
  c->add_option("--as", a.as,
                "The staff account exporting (its role must keep the person index); without it, "
                "the system's operator. Either way each extract is audited, and a record is left "
                "out where the person refused its flow (out of its organisation, or into the "
                "exporter's)");
  return c;
}

int run_export(const ExportArgs& a) {
  auto db = store::open_database(a.db);
  // The exporter: a member of staff through the gate, or the operator (of no organisation, so
  // every refusal of sharing out applies).
  std::optional<governance::Actor> actor;
  std::optional<governance::DirectAudit> reads;
  std::optional<governance::Gate> gate;
  std::optional<governance::Permit> permit;
  OrganisationId exporter(0);
  if (!a.as.empty()) {
    auto staff = store::find_staff_by_username(*db, a.as);
    if (!staff || !staff->user.active) {
      std::fprintf(stderr, "jointcare export: --as: no active staff account \"%s\"\n",
                   a.as.c_str());
      return 2;
    }
    actor.emplace(governance::Actor{staff->user, governance::Purpose::Operations});
    reads.emplace(*db);
    gate.emplace(*db, governance::RoleTable::built_in(), *actor, *reads, Timestamp::now());
    auto pass = gate->pass_role(governance::Op::ExtractExport, std::nullopt, a.dir);
    if (!pass) {
      std::fprintf(stderr,
                   "jointcare export: your role may not export the organisations' records\n");
      return 2;
    }
    permit = *pass.permit;
    exporter = staff->user.organisation;
  }
  const auto refusals = governance::ConsentRefusals::load(*db);
  std::int64_t written = 0, left_out = 0;
  synth::ExportOptions options;
  options.keep = [&](PersonId person, OrganisationId holder) {
    return !refusals.withholds(person, holder, exporter);
  };
  // An event an extract, once it is written: what left which organisation, and to whom.
  options.written = [&](const Organisation& holder, std::int64_t n, std::int64_t kept_back) {
    store::Transaction tx(*db);
    if (gate) {
      gate->record(*permit, holder.ods_code);
    } else {
      const auto& op = governance::operation(governance::Op::ExtractExport);
      audit_operator(*db,
                     {std::string(op.code), std::string(op.action), std::string(op.record_type),
                      holder.ods_code, std::string(governance::code(*op.purpose)), std::nullopt});
    }
    tx.commit();
    written += n;
    left_out += kept_back;
  };
  auto st = synth::export_extracts(*db, a.dir, options);
  if (!st) {
    std::fprintf(stderr, "jointcare export: %s\n", st.error().message.c_str());
    return 1;
  }
  std::printf("Wrote %lld records to %s (%lld left out: the person refused that flow)\n",
              static_cast<long long>(written), a.dir.c_str(), static_cast<long long>(left_out));
  return 0;
}

}  // namespace jc::cli

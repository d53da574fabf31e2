#include "synth/area_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/names.h"

namespace jc::synth {
namespace {

struct LocalityPlan {
  const char* name;
  const char* town;
  std::vector<const char*> districts;
};

// Cheshire East's towns and their postcode districts, for the seven localities.
const std::vector<LocalityPlan>& cheshire_east_plan() {
  static const std::vector<LocalityPlan> plan = {
      {"Crewe", "Crewe", {"CW1", "CW2"}},
      {"Nantwich and Rural", "Nantwich", {"CW5", "CW3"}},
      {"Sandbach, Middlewich and Alsager", "Sandbach", {"CW11", "CW10", "ST7"}},
      {"Congleton and Holmes Chapel", "Congleton", {"CW12", "CW4"}},
      {"Macclesfield", "Macclesfield", {"SK10", "SK11"}},
      {"Wilmslow and Poynton", "Wilmslow", {"SK9", "SK12"}},
      {"Knutsford", "Knutsford", {"WA16"}},
  };
  return plan;
}

std::string msoa_of(const std::string& lsoa_name) {
  // "Cheshire East 042A" → "Cheshire East 042"
  return lsoa_name.empty() ? lsoa_name : lsoa_name.substr(0, lsoa_name.size() - 1);
}

std::string two_letters(Random& r) {
  static constexpr char kLetters[] = "ABDEFGHJLNPQRSTUWXYZ";  // the letters used in inward codes
  std::string s;
  s += kLetters[r.next() % 20];
  s += kLetters[r.next() % 20];
  return s;
}

}  // namespace

Result<AreaModel> build_area(const LocalAuthorityReference& ref, const AreaOptions& options, Random& random) {
  AreaModel a;
  a.la_code = ref.code;
  a.la_name = ref.name;

  // Localities: seven contiguous groups of MSOAs (MSOA numbers run roughly north to south),
  // balanced by population.
  constexpr std::size_t kLocalities = 7;
  std::map<std::string, std::vector<std::size_t>> by_msoa;
  long long total_population = 0;
  for (std::size_t i = 0; i < ref.lsoas.size(); ++i) {
    by_msoa[msoa_of(ref.lsoas[i].name)].push_back(i);
    total_population += ref.lsoas[i].population;
  }
  bool cheshire_east = ref.code == "E06000049";
  for (std::size_t l = 0; l < kLocalities; ++l) {
    AreaLocality loc;
    if (cheshire_east) {
      loc.name = cheshire_east_plan()[l].name;
      loc.town = cheshire_east_plan()[l].town;
    } else {
      loc.name = ref.name + " " + std::to_string(l + 1);
      loc.town = ref.name;
    }
    a.localities.push_back(loc);
  }
  a.lsoas.reserve(ref.lsoas.size());
  long long running = 0;
  std::size_t district_counter = 0;
  std::map<std::string, int> sector_digits;
  for (const auto& [msoa, members] : by_msoa) {
    long long msoa_pop = 0;
    for (std::size_t i : members) msoa_pop += ref.lsoas[i].population;
    std::size_t locality = std::min<std::size_t>(
        kLocalities - 1, static_cast<std::size_t>((running + msoa_pop / 2) * static_cast<long long>(kLocalities) /
                                                  std::max<long long>(1, total_population)));
    running += msoa_pop;
    a.wards.emplace_back(msoa + " ward", locality);
    std::size_t ward = a.wards.size() - 1;
    for (std::size_t i : members) {
      AreaLsoa l;
      l.ref = ref.lsoas[i];
      l.ward = ward;
      l.locality = locality;
      std::string district;
      if (cheshire_east) {
        const auto& ds = cheshire_east_plan()[locality].districts;
        district = ds[district_counter++ % ds.size()];
      } else {
        // Synthetic districts in the unused "ZZ" area: one per locality.
        district = "ZZ" + std::to_string(locality + 1);
      }
      int digit = sector_digits[district]++ % 10;
      l.sector = district + " " + std::to_string(digit);
      for (int k = 0; k < 12; ++k) l.postcodes.push_back(l.sector + two_letters(random));
      for (int k = 0; k < 6; ++k) {
        l.streets.push_back(std::string(random.pick(names::street_names())) + " " +
                            std::string(random.pick(names::street_kinds())));
      }
      a.lsoas.push_back(std::move(l));
    }
  }
  std::sort(a.lsoas.begin(), a.lsoas.end(), [](const AreaLsoa& x, const AreaLsoa& y) { return x.ref.code < y.ref.code; });

  // People per LSOA and age band, scaled to the requested population with largest-remainder
  // rounding so the total is exact.
  a.target_population = options.population > 0 ? options.population : total_population;
  {
    double scale = static_cast<double>(a.target_population) / static_cast<double>(total_population);
    struct Cell { std::size_t lsoa; int band; double remainder; };
    std::vector<Cell> cells;
    long long assigned = 0;
    for (std::size_t i = 0; i < a.lsoas.size(); ++i) {
      const auto& r = a.lsoas[i].ref;
      // The bands come from mid-2015 counts that need not sum to the total: share the total.
      int band_sum = std::max(1, r.aged_0_15 + r.aged_16_59 + r.aged_60_plus);
      std::array<int, 3> bands = {r.aged_0_15, r.aged_16_59, r.aged_60_plus};
      for (int b = 0; b < 3; ++b) {
        double exact = r.population * scale * bands[static_cast<std::size_t>(b)] / band_sum;
        int whole = static_cast<int>(std::floor(exact));
        a.lsoas[i].people[static_cast<std::size_t>(b)] = whole;
        assigned += whole;
        cells.push_back({i, b, exact - whole});
      }
    }
    std::stable_sort(cells.begin(), cells.end(), [](const Cell& x, const Cell& y) { return x.remainder > y.remainder; });
    for (std::size_t k = 0; assigned < a.target_population && k < cells.size(); ++k, ++assigned) {
      ++a.lsoas[cells[k].lsoa].people[static_cast<std::size_t>(cells[k].band)];
    }
  }

  // Organisations. Codes are ODS-style but synthetic.
  auto add_org = [&](std::string code, std::string name, OrganisationKind kind,
                     std::optional<std::size_t> locality = std::nullopt) {
    Organisation o;
    o.id = OrganisationId(static_cast<std::int64_t>(a.organisations.size() + 1));
    o.ods_code = std::move(code);
    o.name = std::move(name);
    o.kind = kind;
    if (locality) o.locality = LocalityId(static_cast<std::int64_t>(*locality + 1));
    a.organisations.push_back(o);
    return a.organisations.size() - 1;
  };
  std::string la = ref.name;
  std::string suffix = ref.code.substr(ref.code.size() - 3);
  a.adult_social_care = add_org("LA" + suffix + "A", la + " Council Adult Social Care", OrganisationKind::CouncilAdultSocialCare);
  a.children_families = add_org("LA" + suffix + "C", la + " Council Children and Families", OrganisationKind::CouncilChildrenAndFamilies);
  a.commissioner = add_org("Q" + suffix + "C", "NHS " + la + " Commissioning", OrganisationKind::NhsCommissioner);
  a.community = add_org("R" + suffix + "K", la + " Community Health NHS Trust", OrganisationKind::CommunityHealthProvider);
  a.acute_trusts.push_back(add_org("R" + suffix + "A", (cheshire_east ? std::string("Mid Cheshire") : la + " North") + " Hospitals NHS Foundation Trust", OrganisationKind::AcuteTrust));
  a.acute_trusts.push_back(add_org("R" + suffix + "B", (cheshire_east ? std::string("East Cheshire") : la + " South") + " NHS Trust", OrganisationKind::AcuteTrust));
  a.mental_health = add_org("R" + suffix + "M", la + " and Wirral Partnership NHS Foundation Trust", OrganisationKind::MentalHealthTrust);
  a.voluntary.push_back(add_org("V" + suffix + "1", la + " Carers and Befriending Trust", OrganisationKind::VoluntarySectorProvider));
  a.voluntary.push_back(add_org("V" + suffix + "2", la + " Home Support Partnership", OrganisationKind::VoluntarySectorProvider));

  // About one GP practice per 7,500 people, at least one per locality.
  std::vector<long long> locality_population(kLocalities, 0);
  for (const auto& l : a.lsoas) locality_population[l.locality] += l.people[0] + l.people[1] + l.people[2];
  int practice_no = 0;
  for (std::size_t l = 0; l < kLocalities; ++l) {
    long long n = std::max<long long>(1, std::llround(static_cast<double>(locality_population[l]) / 7500.0));
    std::vector<std::size_t> lsoas_here;
    for (std::size_t i = 0; i < a.lsoas.size(); ++i)
      if (a.lsoas[i].locality == l) lsoas_here.push_back(i);
    for (long long k = 0; k < n; ++k) {
      ++practice_no;
      char code[16];
      std::snprintf(code, sizeof code, "N%s%03d", suffix.c_str(), practice_no);
      const AreaLsoa& site = a.lsoas[lsoas_here[static_cast<std::size_t>(random.next() % lsoas_here.size())]];
      std::string name = a.localities[l].town + " " +
                         std::string(random.pick(names::street_names())) + " " +
                         (k % 3 == 0 ? "Medical Centre" : k % 3 == 1 ? "Surgery" : "Health Centre");
      std::size_t idx = add_org(code, name, OrganisationKind::GpPractice, l);
      a.localities[l].practices.push_back(idx);
      a.practices.push_back(GpPracticeInfo{a.organisations[idx].id, site.ref.code, 0});
    }
  }

  // Teams.
  auto add_team = [&](std::size_t org, std::string name, std::string service,
                      std::optional<std::size_t> locality = std::nullopt) {
    Team t;
    t.id = TeamId(static_cast<std::int64_t>(a.teams.size() + 1));
    t.organisation = a.organisations[org].id;
    t.name = std::move(name);
    t.service = std::move(service);
    if (locality) t.locality = LocalityId(static_cast<std::int64_t>(*locality + 1));
    a.teams.push_back(t);
    return t.id;
  };
  static constexpr const char* kCmhtNames[] = {"North", "Central", "South"};
  std::vector<TeamId> cmhts;
  for (const char* n : kCmhtNames) {
    cmhts.push_back(add_team(a.mental_health, std::string("Community Mental Health Team ") + n, "community_mental_health"));
  }
  for (std::size_t l = 0; l < kLocalities; ++l) {
    AreaLocality& loc = a.localities[l];
    loc.social_work = add_team(a.adult_social_care, "Adult Social Work " + loc.name, "social_work", l);
    loc.district_nursing = add_team(a.community, "District Nursing " + loc.name, "district_nursing", l);
    loc.health_visiting = add_team(a.community, "Health Visiting " + loc.name, "health_visiting", l);
    loc.family_support = add_team(a.children_families, "Family Support " + loc.name, "family_support", l);
    loc.mental_health = cmhts[l * 3 / kLocalities];
    loc.acute = a.acute_trusts[l < 4 ? 0 : 1];
  }
  a.reablement = add_team(a.adult_social_care, "Reablement Service", "reablement");
  a.hospital_discharge_asc = add_team(a.adult_social_care, "Hospital Social Work and Discharge", "hospital_discharge");
  a.safeguarding = add_team(a.adult_social_care, "Safeguarding Adults", "safeguarding");
  a.children_spa = add_team(a.children_families, "Children's Single Point of Access", "single_point_of_access");
  a.chc_team = add_team(a.commissioner, "Continuing Healthcare", "continuing_healthcare");
  add_team(a.commissioner, "Joint Commissioning", "commissioning");
  a.emergency_department = add_team(a.acute_trusts[0], "Emergency Department", "emergency_department");
  add_team(a.acute_trusts[1], "Emergency Department", "emergency_department");
  a.acute_discharge_a = add_team(a.acute_trusts[0], "Integrated Discharge Team", "hospital_discharge");
  a.acute_discharge_b = add_team(a.acute_trusts[1], "Integrated Discharge Team", "hospital_discharge");
  a.crisis_team = add_team(a.mental_health, "Crisis Resolution and Home Treatment", "mental_health_crisis");
  a.carers_support = add_team(a.voluntary[0], "Carers Support and Befriending", "carers_support");
  a.home_care_provider = add_team(a.voluntary[1], "Home Care", "home_care");
  for (std::size_t l = 0; l < kLocalities; ++l) {
    for (std::size_t p : a.localities[l].practices) {
      TeamId t = add_team(p, a.organisations[p].name + " Practice Team", "general_practice", l);
      if (a.localities[l].gp_liaison.value == 0) a.localities[l].gp_liaison = t;
    }
  }

  // Pools (Section 75): the Better Care Fund and the learning disability pool hosted by the
  // council; continuing healthcare aligned, hosted by the NHS commissioner; mental health pooled
  // with the trust as host.
  auto add_pool = [&](std::string name, std::string kind, std::size_t host) {
    PoolId id(static_cast<std::int64_t>(a.pools.size() + 1));
    a.pools.push_back(AreaPool{id, std::move(name), std::move(kind), a.organisations[host].id});
    return id;
  };
  a.better_care_fund = add_pool("Better Care Fund", "pooled", a.adult_social_care);
  a.learning_disability_pool = add_pool("Learning Disability Pooled Budget", "pooled", a.adult_social_care);
  a.chc_pool = add_pool("Continuing Healthcare", "aligned", a.commissioner);
  a.mental_health_pool = add_pool("Mental Health Section 75", "pooled", a.mental_health);

  // Demo staff: one for each role, in locality 1 where the role is local.
  const AreaLocality& first = a.localities[0];
  auto org_of = [&](TeamId t) { return a.team(t).organisation; };
  a.demo_users = {
      {"dnurse", "Dana Nurse", Role::DistrictNurse, org_of(first.district_nursing), first.district_nursing},
      {"sworker", "Sam Worker", Role::SocialWorker, org_of(first.social_work), first.social_work},
      {"hvisitor", "Holly Visitor", Role::HealthVisitor, org_of(first.health_visiting), first.health_visiting},
      {"gp", "Dr Gita Patel", Role::GeneralPractitioner, org_of(first.gp_liaison), first.gp_liaison},
      {"cmanager", "Chris Manager", Role::CareManager, org_of(first.social_work), first.social_work},
      {"otherapist", "Olu Therapist", Role::OccupationalTherapist, org_of(a.reablement), a.reablement},
      {"reablement", "Rita Able", Role::ReablementWorker, org_of(a.reablement), a.reablement},
      {"mhpractitioner", "Morgan Health", Role::MentalHealthPractitioner, org_of(first.mental_health), first.mental_health},
      {"discharge", "Dee Charge", Role::HospitalDischargeCoordinator, org_of(a.acute_discharge_a), a.acute_discharge_a},
      {"tmanager", "Terry Manager", Role::TeamManager, org_of(first.social_work), first.social_work},
      {"cfworker", "Cleo Family", Role::SocialWorker, org_of(first.family_support), first.family_support},
      {"spa", "Sid Access", Role::TeamManager, org_of(a.children_spa), a.children_spa},
      {"ednurse", "Eddie Nurse", Role::HospitalDischargeCoordinator, org_of(a.acute_discharge_b), a.acute_discharge_b},
      {"carers", "Cara Supporter", Role::CareManager, org_of(a.carers_support), a.carers_support},
      {"chc", "Chen Healthcare", Role::CareManager, org_of(a.chc_team), a.chc_team},
      {"commissioner", "Cass Commissioner", Role::Commissioner, a.organisations[a.commissioner].id, std::nullopt},
      {"caldicott", "Carol Guardian", Role::CaldicottGuardian, a.organisations[a.adult_social_care].id, std::nullopt},
      {"dpo", "Dev Protection", Role::DataProtectionOfficer, a.organisations[a.commissioner].id, std::nullopt},
      {"admin", "Ada Admin", Role::SystemAdministrator, a.organisations[a.adult_social_care].id, std::nullopt},
  };
  return a;
}

}  // namespace jc::synth

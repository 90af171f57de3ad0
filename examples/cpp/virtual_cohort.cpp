// A virtual population from C++: draw 8 adults, run them on every core, and print the mean
// arterial pressure of each; the same plan `physiotwin cohort` runs (docs/cohorts.md).
//   virtual_cohort COHORT.json OUT.h5
#include <cstdio>
#include <physiotwin/cohort/cohort_file.hpp>
#include <physiotwin/cohort/cohort_run.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: virtual_cohort COHORT.json OUT.h5\n");
    return 2;
  }
  using namespace physiotwin;
  try {
    // The description's own model, else this one.
    const cohort::CohortPlan plan =
        cohort::plan_cohort(cohort::load_cohort_description(argv[1]), "circulation/adult.json");
    cohort::CohortFileWriter file(argv[2], plan);
    cohort::run_members(plan, file.remaining(), 0, [&](cohort::MemberResult&& member) {
      std::printf("member %zu (%s, %.0f y): %s\n", member.index, member.patient.sex.c_str(),
                  member.patient.age_years, cohort::status_name(member.status));
      file.write(member);
    });
    const std::size_t failed = file.finish();
    std::printf("wrote %s: %zu members, %zu failed\n", argv[2], plan.size(), failed);
    return failed == 0 ? 0 : 4;
  } catch (const Error& e) {
    std::fprintf(stderr, "virtual_cohort: %s\n", e.what());
    return 2;
  }
}

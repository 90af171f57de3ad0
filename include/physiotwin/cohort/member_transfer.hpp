#pragma once
// A member's result as bytes, to send between processes (MPI ranks, Dask workers) so that one
// process writes the cohort file: everything the file is written from (cohort_file.hpp) and
// nothing else. CBOR (RFC 8949, through nlohmann::json): doubles travel as their 8 bytes, so
// the file written from a transferred result is the file written from the result itself.
#include <cstdint>
#include <span>
#include <vector>

#include "physiotwin/cohort/cohort_run.hpp"

namespace physiotwin::cohort {

[[nodiscard]] std::vector<std::uint8_t> member_to_bytes(const MemberResult& result);

/// The result again. Its header's model is `plan`'s model with the parameter values that
/// travelled (members of one cohort share the model's structure; the values are theirs).
/// IoError for bytes that are not a member of this plan's cohort.
[[nodiscard]] MemberResult member_from_bytes(std::span<const std::uint8_t> bytes,
                                             const CohortPlan& plan);

}  // namespace physiotwin::cohort

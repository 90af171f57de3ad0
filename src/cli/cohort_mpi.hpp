#pragma once
// A cohort across the processes of an MPI launch (docs/cohorts.md, "Across machines"):
//   mpirun -np K physiotwin cohort COHORT.json --out cohort.h5 --threads T
// Every rank makes the same plan (it is deterministic); rank 0 finds what the file still
// needs and shares the list; member i of that list runs on rank i mod K, on the rank's T
// threads; the other ranks send each result to rank 0 as bytes (cohort/member_transfer.hpp),
// and rank 0 writes the one file. Results are those of a single process, bit for bit.
// MPI is initialised only when a launcher started the process, so the tool run on its own
// needs no MPI runtime's environment (and OpenMPI's refusal to start as root does not apply).
#include <functional>
#include <vector>

#include "physiotwin/cohort/cohort_run.hpp"

namespace physiotwin::cli::mpi {

/// Whether an MPI launcher (mpirun, mpiexec, srun) started this process.
[[nodiscard]] bool launched();
/// Whether this tool was built with MPI.
[[nodiscard]] bool available();

/// MPI for as long as it lives (MPI_Init_thread with MPI_THREAD_SERIALIZED: any thread may
/// call MPI, one at a time).
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }

  /// Rank 0 gives the members to run (or, `ok` false, tells the others to stop: it failed
  /// before running any); every rank returns the list (empty when stopped).
  [[nodiscard]] std::vector<std::size_t> share(std::vector<std::size_t> todo, bool ok) const;

  /// Runs this rank's share of `todo` on `threads` threads. Rank 0 hands every result, its own
  /// and the other ranks', to `finished` (one at a time); the others send theirs to rank 0.
  void run_members(const cohort::CohortPlan& plan, const std::vector<std::size_t>& todo,
                   int threads, const std::function<void(cohort::MemberResult&&)>& finished,
                   CancellationFlag cancel) const;

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace physiotwin::cli::mpi

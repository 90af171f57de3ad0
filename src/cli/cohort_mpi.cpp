// A cohort across the ranks of an MPI launch (cli/cohort_mpi.hpp). Without MPI (the build did
// not find it), the tool refuses to run under a launcher rather than run K whole cohorts.
#include "cli/cohort_mpi.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <deque>
#include <utility>
#include <vector>

#include "cli/cli.hpp"
#include "physiotwin/cohort/member_transfer.hpp"

#if PHYSIOTWIN_WITH_MPI
#include <mpi.h>
#endif

namespace physiotwin::cli::mpi {

bool launched() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(variable) != nullptr) return true;
  return false;
}

#if PHYSIOTWIN_WITH_MPI

namespace {

constexpr int result_tag = 7;

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw IoError(fmt::format("MPI: {} failed (error {})", what, status));
}

/// Receives one member's bytes from any rank.
cohort::MemberResult receive(const cohort::CohortPlan& plan) {
  MPI_Status status;
  check(MPI_Probe(MPI_ANY_SOURCE, result_tag, MPI_COMM_WORLD, &status), "MPI_Probe");
  int count = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
  check(MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, result_tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE),
        "MPI_Recv");
  return cohort::member_from_bytes(bytes, plan);
}

}  // namespace

bool available() {
  return true;
}

Session::Session() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw IoError(
        "MPI: this MPI library cannot be called from the cohort's threads "
        "(MPI_THREAD_SERIALIZED not provided)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  MPI_Finalize();
}

std::vector<std::size_t> Session::share(std::vector<std::size_t> todo, bool ok) const {
  // The count first (-1: stop), then the indices.
  long long count = rank_ == 0 ? (ok ? (long long)todo.size() : -1) : 0;
  check(MPI_Bcast(&count, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (count < 0) return {};
  std::vector<unsigned long long> indices(todo.begin(), todo.end());
  indices.resize(std::size_t(count));
  check(MPI_Bcast(indices.data(), int(count), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD),
        "MPI_Bcast");
  return {indices.begin(), indices.end()};
}

void Session::run_members(const cohort::CohortPlan& plan, const std::vector<std::size_t>& todo,
                          int threads, const std::function<void(cohort::MemberResult&&)>& finished,
                          CancellationFlag cancel) const {
  std::vector<std::size_t> mine;
  for (std::size_t i = std::size_t(rank_); i < todo.size(); i += std::size_t(size_))
    mine.push_back(todo[i]);
  if (rank_ != 0) {
    // Sent without waiting: a member's bytes (tens of kB) go by rendezvous, which a blocking
    // send would wait out until rank 0 finished its own member and looked (measured: a third
    // of this rank's time spinning in MPI_Send). The bytes live until their send completes.
    std::deque<std::pair<std::vector<std::uint8_t>, MPI_Request>> sending;
    auto reap_completed = [&] {
      for (int done = 1; !sending.empty() && done;) {
        check(MPI_Test(&sending.front().second, &done, MPI_STATUS_IGNORE), "MPI_Test");
        if (done) sending.pop_front();
      }
    };
    cohort::run_members(
        plan, mine, threads,
        [&](cohort::MemberResult&& r) {
          auto& [bytes, request] =
              sending.emplace_back(cohort::member_to_bytes(r), MPI_REQUEST_NULL);
          check(MPI_Isend(bytes.data(), int(bytes.size()), MPI_BYTE, 0, result_tag, MPI_COMM_WORLD,
                          &request),
                "MPI_Isend");
          reap_completed();
        },
        cancel);
    for (auto& [bytes, request] : sending) check(MPI_Wait(&request, MPI_STATUS_IGNORE), "MPI_Wait");
    return;
  }
  std::size_t expected = todo.size() - mine.size();
  // Rank 0 writes what the others sent whenever one of its own members is done, so that
  // their results do not wait in MPI's buffers for the end.
  auto drain = [&] {
    for (int waiting = 1; expected > 0;) {
      check(MPI_Iprobe(MPI_ANY_SOURCE, result_tag, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE),
            "MPI_Iprobe");
      if (!waiting) break;
      finished(receive(plan));
      --expected;
    }
  };
  cohort::run_members(
      plan, mine, threads,
      [&](cohort::MemberResult&& r) {
        finished(std::move(r));
        drain();
      },
      cancel);
  for (; expected > 0; --expected) {
    check_cancelled(cancel);
    finished(receive(plan));
  }
}

#else

bool available() {
  return false;
}

Session::Session() {
  throw UsageError(
      "started by an MPI launcher, but this physiotwin was built without MPI (install "
      "libopenmpi-dev and build again): each rank would run the whole cohort");
}

Session::~Session() = default;

std::vector<std::size_t> Session::share(std::vector<std::size_t> todo, bool) const {
  return todo;
}

void Session::run_members(const cohort::CohortPlan& plan, const std::vector<std::size_t>& todo,
                          int threads, const std::function<void(cohort::MemberResult&&)>& finished,
                          CancellationFlag cancel) const {
  cohort::run_members(plan, todo, threads, finished, cancel);
}

#endif

}  // namespace physiotwin::cli::mpi

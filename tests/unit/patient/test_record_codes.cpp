// The local record-code table (patient/record_codes.hpp): outputs carry a random code, which
// HIPAA Safe Harbor allows because it is not derived from the individual (45 CFR 164.514(c));
// the table alone links it to the record, and parallel runs sharing it agree on every code.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "../../helpers.hpp"
#include "physiotwin/core/error.hpp"

using namespace physiotwin;

namespace {

/// Points PHYSIOTWIN_RECORD_CODES at `table` for one test, then back.
class UseCodeTable {
 public:
  explicit UseCodeTable(const std::filesystem::path& table) {
    // Unset before (a std::string from getenv's null would be undefined): unset after.
    if (const char* previous = std::getenv("PHYSIOTWIN_RECORD_CODES")) previous_ = previous;
    ::setenv("PHYSIOTWIN_RECORD_CODES", table.c_str(), 1);
  }
  UseCodeTable(const UseCodeTable&) = delete;
  UseCodeTable& operator=(const UseCodeTable&) = delete;
  ~UseCodeTable() {
    if (previous_) {
      ::setenv("PHYSIOTWIN_RECORD_CODES", previous_->c_str(), 1);
    } else {
      ::unsetenv("PHYSIOTWIN_RECORD_CODES");
    }
  }

 private:
  std::optional<std::string> previous_;
};

std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

int code_lines(const std::string& table) {
  std::istringstream lines(table);
  int n = 0;
  for (std::string line; std::getline(lines, line);) n += line.starts_with("pt-") ? 1 : 0;
  return n;
}

const std::string digest_a(64, 'a'), digest_b(64, 'b');

}  // namespace

TEST(RecordCodes, OneRandomCodePerPatientKeptInAnOwnerOnlyTable) {
  const auto folder = test_support::private_folder("record_codes");
  const UseCodeTable use(folder / "codes.tsv");
  const std::string code = record_code("urn:mrn|12345", digest_a);
  ASSERT_EQ(code.size(), 19u) << code;  // "pt-" and 16 hex digits (64 random bits)
  EXPECT_EQ(code.find_first_not_of("0123456789abcdef", 3), std::string::npos) << code;
  EXPECT_EQ(record_code("urn:mrn|12345", digest_a), code);  // read again: the same code
  EXPECT_NE(record_code("urn:mrn|54321", digest_a), code);  // another patient: another code
  // A later version of the same patient's record: the same code, its digest added beside it.
  EXPECT_EQ(record_code("urn:mrn|12345", digest_b), code);
  const std::string table = text_of(folder / "codes.tsv");
  EXPECT_EQ(code_lines(table), 3) << table;
  EXPECT_NE(table.find(code + "\t"), std::string::npos);
  EXPECT_NE(table.find("\t" + digest_b + "\n"), std::string::npos);
  // The table itself holds no identifier, only a keyed hash of it.
  EXPECT_EQ(table.find("12345"), std::string::npos) << table;
  struct stat info {};
  ASSERT_EQ(::stat((folder / "codes.tsv").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // A table found readable by others is refused, as a private key is (docs/security.md), the
  // table named and left as it was.
  ASSERT_EQ(::chmod((folder / "codes.tsv").c_str(), 0644), 0);
  try {
    (void)record_code("urn:mrn|12345", digest_a);
    ADD_FAILURE() << "a table readable by others was used";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("readable by others (mode 644)"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("codes.tsv"), std::string::npos) << e.what();
  }
  EXPECT_EQ(text_of(folder / "codes.tsv"), table);
  // A new table's folder is created owner-only, as the key folder is.
  const UseCodeTable nested(folder / "new" / "codes.tsv");
  (void)record_code("urn:mrn|12345", digest_a);
  ASSERT_EQ(::stat((folder / "new").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

// The code is not a function of the record: the same identity and record in another table
// (another installation) get an unrelated code, so nobody can recompute it from the record.
TEST(RecordCodes, TheCodeIsNotAFunctionOfTheRecord) {
  const auto folder = test_support::private_folder("record_codes_random");
  std::set<std::string> codes;
  for (int i = 0; i < 8; ++i) {
    const UseCodeTable use(folder / ("table" + std::to_string(i) + ".tsv"));
    codes.insert(record_code("urn:mrn|12345", digest_a));
  }
  EXPECT_EQ(codes.size(), 8u);
}

// Workers of a cohort read records at once: the lock makes them take turns, so each patient
// ends with exactly one code however the reads interleave (issue 11's parallel cohort runs).
TEST(RecordCodes, ParallelReadersAgreeOnEveryCode) {
  const auto folder = test_support::private_folder("record_codes_parallel");
  const UseCodeTable use(folder / "codes.tsv");
  constexpr int readers = 8, patients = 5;
  std::vector<std::vector<std::string>> seen(readers, std::vector<std::string>(patients));
  std::vector<std::thread> threads;
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      for (int p = 0; p < patients; ++p) {
        const int patient = (p + r) % patients;  // each reader in another order
        try {
          seen[r][patient] = record_code("urn:mrn|" + std::to_string(patient), digest_a);
        } catch (const std::exception& e) {
          seen[r][patient] = e.what();  // a failure, reported below as a disagreement
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct;
  for (int p = 0; p < patients; ++p) {
    for (int r = 0; r < readers; ++r) EXPECT_EQ(seen[r][p], seen[0][p]) << "patient " << p;
    distinct.insert(seen[0][p]);
  }
  EXPECT_EQ(distinct.size(), std::size_t(patients));
  EXPECT_EQ(code_lines(text_of(folder / "codes.tsv")), patients);
}

TEST(RecordCodes, ADamagedOrSpecialTableIsAClearError) {
  const auto folder = test_support::private_folder("record_codes_bad");
  auto error_of = [](const std::filesystem::path& table) {
    const UseCodeTable use(table);
    try {
      (void)record_code("urn:mrn|1", digest_a);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // Tables as the tool keeps them, owner-only: what is tested is their content.
  auto write_table = [](const std::filesystem::path& table, const std::string& text) {
    std::ofstream(table) << text;
    std::filesystem::permissions(
        table, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  };
  write_table(folder / "no_key.tsv", "pt-0123456789abcdef\tindex\tdigest\n");
  EXPECT_NE(error_of(folder / "no_key.tsv").find("no_key.tsv: damaged (no key line)"),
            std::string::npos)
      << error_of(folder / "no_key.tsv");
  write_table(folder / "garbled.tsv", "key\t" + std::string(64, '0') + "\nnot a row\n");
  EXPECT_NE(error_of(folder / "garbled.tsv").find("garbled.tsv: damaged (a line is neither"),
            std::string::npos);
  // A fifo in the test's folder (never a real device): refused, not read or written.
  ASSERT_EQ(::mkfifo((folder / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of(folder / "fifo").find("fifo: not a regular file"), std::string::npos);
  std::filesystem::create_directories(folder / "folder");
  EXPECT_NE(error_of(folder / "folder").find("record-code table"), std::string::npos);
}

// pt_verify_file(): a signed file checked as `physiotwin verify` checks it (physiotwin_c.h).
#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "c_twin.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

using physiotwin::c_api::fail;

namespace {

pt_verification verdict_of(physiotwin::io::Verification::Status status) {
  using S = physiotwin::io::Verification::Status;
  switch (status) {
    case S::verified:
      return PT_VERIFIED;
    case S::unsigned_:
      return PT_UNSIGNED;
    case S::untrusted:
      return PT_UNTRUSTED;
    case S::tampered:
      break;
  }
  return PT_TAMPERED;
}

}  // namespace

PT_API pt_status pt_verify_file(const char* path, const char* trusted_keys_dir,
                                pt_verification* result, char* report, size_t capacity,
                                size_t* report_size) {
  if (path == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "pt_verify_file: the path is NULL");
  if (result == nullptr || report_size == nullptr)
    return fail(PT_ERROR_NULL_ARGUMENT, "pt_verify_file: result or report_size is NULL");
  *report_size = 0;
  return physiotwin::c_api::guarded([&] {
    std::filesystem::path folder =
        trusted_keys_dir == nullptr ? std::filesystem::path() : trusted_keys_dir;
    const physiotwin::io::Verification v = physiotwin::io::verify_file(path, folder);
    const std::string text = physiotwin::io::verification_report(path, v, folder);
    *result = verdict_of(v.status);
    *report_size = text.size() + 1;
    if (report == nullptr) return PT_OK;
    if (capacity < text.size() + 1)
      return fail(PT_ERROR_BUFFER_TOO_SMALL,
                  fmt::format("pt_verify_file: the report is {} bytes, the buffer {}",
                              text.size() + 1, capacity));
    std::memcpy(report, text.c_str(), text.size() + 1);
    return PT_OK;
  });
}

// pt_open_sealed(): content encrypted to the caller's key opened in memory (physiotwin_c.h).
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "c_twin.hpp"
#include "physiotwin/trust/decryption_keys.hpp"

using physiotwin::c_api::fail;

PT_API pt_status pt_open_sealed(const uint8_t* sealed, size_t size, const char* key_path,
                                uint8_t* buffer, size_t capacity, size_t* plain_size) {
  if ((sealed == nullptr && size > 0) || plain_size == nullptr)
    return fail(PT_ERROR_NULL_ARGUMENT, "pt_open_sealed: the content or plain_size is NULL");
  *plain_size = 0;
  return physiotwin::c_api::guarded([&] {
    const std::string content(reinterpret_cast<const char*>(sealed), size);
    if (!physiotwin::trust::is_sealed(content))
      return fail(PT_ERROR_INVALID_INPUT,
                  "pt_open_sealed: the content is not encrypted (no physiotwin-sealed header)");
    // Opened whole before anything is copied: content that fails its authentication gives
    // nothing, and a buffer too small gets nothing either.
    const std::string plain = physiotwin::trust::open_if_sealed(
        content, key_path == nullptr ? std::filesystem::path() : key_path,
        "pt_open_sealed: the content", "key_path");
    *plain_size = plain.size();
    if (buffer == nullptr) return PT_OK;
    if (capacity < plain.size())
      return fail(PT_ERROR_BUFFER_TOO_SMALL,
                  fmt::format("pt_open_sealed: the content is {} bytes, the buffer {}",
                              plain.size(), capacity));
    if (!plain.empty()) std::memcpy(buffer, plain.data(), plain.size());
    return PT_OK;
  });
}

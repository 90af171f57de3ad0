#pragma once
// Signed JSON files (twin parameter files; docs/security.md, "Signed twin parameter files"):
// a "signature" member holding a digest of each leaf (every member of the top-level objects,
// e.g. /parameters/heart.rate, and each top-level scalar or array, e.g. /format), the root over
// the sorted leaves, and an Ed25519 signature of the root. A leaf's digest is SHA-256 over its
// path, a newline and its value as nlohmann::json writes it compactly (keys sorted, numbers in
// their shortest round-trip form), so a reader can check one parameter alone and `verify`
// names each one that changed, went or came.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::trust {

inline constexpr const char* json_signature_member = "signature";
inline constexpr const char* json_signature_format = "physiotwin-json-signature";

/// `text` (a JSON object without a "signature" member) with one added: the same members in
/// the same order, written as the writers write them (one space of indent). InputError if the
/// text is not a JSON object or is signed already.
[[nodiscard]] std::string sign_json_text(std::string_view text, const SigningKey& key);

/// What check_json_signature() found.
struct JsonSignatureCheck {
  bool is_signed = false;
  bool intact = false;  ///< every leaf as listed, and the signature valid for the listed root
  std::string key_id;
  PublicKey key;
  std::vector<std::string> problems;  ///< "changed: /parameters/heart.rate", ...
};

/// Checks a parsed document's signature member against its content (not whether its key is
/// trusted: the caller decides that).
[[nodiscard]] JsonSignatureCheck check_json_signature(const nlohmann::json& document);

}  // namespace physiotwin::trust

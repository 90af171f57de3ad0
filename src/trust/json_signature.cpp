// Signed JSON files: trust/json_signature.hpp.
#include "physiotwin/trust/json_signature.hpp"

#include <fmt/format.h>

#include <map>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"

namespace physiotwin::trust {

namespace {

constexpr int json_signature_version = 1;

/// Leaves by path: each member of a top-level object, and each other top-level member.
std::map<std::string, std::string> leaf_digests(const nlohmann::json& document) {
  std::map<std::string, std::string> leaves;
  auto add = [&leaves](const std::string& path, const nlohmann::json& value) {
    leaves[path] = crypto::hex(crypto::sha256(path + "\n" + value.dump()));
  };
  for (const auto& [name, value] : document.items()) {
    if (name == json_signature_member) continue;
    if (value.is_object() && !value.empty()) {
      for (const auto& [child, child_value] : value.items())
        add("/" + name + "/" + child, child_value);
    } else {
      add("/" + name, value);
    }
  }
  return leaves;
}

crypto::Digest root_of(const std::map<std::string, std::string>& leaves) {
  std::string text = fmt::format("{} {}\n", json_signature_format, json_signature_version);
  for (const auto& [path, digest] : leaves) text += path + "\n" + digest + "\n";
  return crypto::sha256(text);
}

std::vector<std::uint8_t> signed_message(const crypto::Digest& root) {
  const std::string text = fmt::format("{} {} root {}", json_signature_format,
                                       json_signature_version, crypto::hex(root));
  return {text.begin(), text.end()};
}

}  // namespace

std::string sign_json_text(std::string_view text, const SigningKey& key) {
  nlohmann::ordered_json document = nlohmann::ordered_json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    throw InputError("signing: the content is not a JSON object");
  if (document.contains(json_signature_member))
    throw InputError("signing: the content is signed already");
  // The digests are over the parsed values (sorted keys), as a reader recomputes them.
  const std::map<std::string, std::string> leaves = leaf_digests(nlohmann::json::parse(text));
  const crypto::Digest root = root_of(leaves);
  const Signature signature = key.sign(signed_message(root));
  const PublicKey& pub = key.public_key();
  nlohmann::ordered_json digests = nlohmann::ordered_json::object();
  for (const auto& [path, digest] : leaves) digests[path] = digest;
  document[json_signature_member] = {
      {"format", json_signature_format},
      {"version", json_signature_version},
      {"algorithm", "Ed25519 over SHA-256 of the sorted leaf digests"},
      {"key_id", pub.id()},
      {"public_key", pub.hex()},
      {"root", crypto::hex(root)},
      {"signature", crypto::hex(signature.data(), signature.size())},
      {"digests", digests}};
  return document.dump(1) + "\n";
}

JsonSignatureCheck check_json_signature(const nlohmann::json& document) {
  JsonSignatureCheck check;
  if (!document.is_object() || !document.contains(json_signature_member)) return check;
  check.is_signed = true;
  const nlohmann::json& s = document[json_signature_member];
  auto text = [&s](const char* name) {
    return s.is_object() && s.contains(name) && s[name].is_string() ? s[name].get<std::string>()
                                                                    : std::string();
  };
  check.key_id = text("key_id");
  crypto::Digest stored_root{};
  Signature signature{};
  if (text("format") != json_signature_format || !s.contains("digests") ||
      !s["digests"].is_object() || !crypto::from_hex(text("public_key"), check.key.bytes) ||
      !crypto::from_hex(text("root"), stored_root) ||
      !crypto::from_hex(text("signature"), signature)) {
    check.problems.push_back("the \"signature\" member is damaged or incomplete");
    return check;
  }
  if (check.key.id() != check.key_id)
    check.problems.push_back("the signer's key id does not match its key");
  std::map<std::string, std::string> listed;
  for (const auto& [path, digest] : s["digests"].items())
    listed[path] = digest.is_string() ? digest.get<std::string>() : std::string();
  if (root_of(listed) != stored_root ||
      !signature_valid(check.key, signed_message(stored_root), signature))
    check.problems.push_back(
        "the signature does not match the list of digests (the list or the signature was "
        "changed)");
  const std::map<std::string, std::string> actual = leaf_digests(document);
  for (const auto& [path, digest] : actual) {
    const auto it = listed.find(path);
    if (it == listed.end())
      check.problems.push_back("added: " + path);
    else if (it->second != digest)
      check.problems.push_back("changed: " + path);
  }
  for (const auto& [path, digest] : listed)
    if (!actual.contains(path)) check.problems.push_back("removed: " + path);
  check.intact = check.problems.empty();
  return check;
}

}  // namespace physiotwin::trust

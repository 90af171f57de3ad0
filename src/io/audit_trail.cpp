// The audit trail: io/audit_trail.hpp (what it records, the chain) and io/audit_writer.hpp
// (writing and checking /audit).
#include <dlfcn.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <vector>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/io/audit_trail.hpp"

namespace physiotwin::io {

namespace {

std::mutex invocation_mutex;
Invocation& stored_invocation() {
  static Invocation value;
  return value;
}

/// SHA-256 of a file, streamed; empty if it cannot be read.
std::string file_digest(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  crypto::ensure_sodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<unsigned long long>(in.gcount()));
  crypto::Digest digest{};
  crypto_hash_sha256_final(&state, digest.data());
  return crypto::hex(digest);
}

}  // namespace

void set_invocation(Invocation invocation) {
  const std::lock_guard lock(invocation_mutex);
  stored_invocation() = std::move(invocation);
}

Invocation invocation() {
  const std::lock_guard lock(invocation_mutex);
  return stored_invocation();
}

std::string build_digest() {
  static const std::string digest = [] {
    // The file this function's code was loaded from: the tool itself, or the Python module or C
    // library a static physiotwin was linked into.
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&build_digest), &info) == 0 || info.dli_fname == nullptr)
      return std::string("unknown");
    const std::string d = file_digest(info.dli_fname);
    return d.empty() ? std::string("unknown") : d;
  }();
  return digest;
}

AuditTrail AuditTrail::started() {
  AuditTrail trail;
  trail.add({{"entry", "program"},
             {"name", "physiotwin"},
             {"version", library_version},
             {"build_sha256", build_digest()}});
  const Invocation how = invocation();
  nlohmann::json asked = {{"entry", "invocation"}, {"interface", how.interface}};
  if (!how.command.empty()) asked["command"] = how.command;
  if (!how.options.empty()) asked["options"] = how.options;
  trail.add(std::move(asked));
  return trail;
}

void AuditTrail::add_model(const std::string& name, const std::string& sha256) {
  add({{"entry", "model"}, {"name", name}, {"sha256", sha256}});
}

void AuditTrail::add_action(double time, const std::string& name, const std::string& details) {
  add({{"entry", "action"}, {"time", time}, {"action", name}, {"details", details}});
}

std::vector<std::string> chain_hashes(const std::vector<std::string>& entries) {
  std::vector<std::string> hashes;
  std::string previous = fmt::format("{} {}", audit_format, audit_version);
  for (const std::string& entry : entries) {
    previous = crypto::hex(crypto::sha256(previous + "\n" + entry));
    hashes.push_back(previous);
  }
  return hashes;
}

nlohmann::json personalisation_entry(const std::string& patient_id,
                                     const std::string& patient_source, bool calibrated,
                                     const std::vector<std::string>& overrides) {
  nlohmann::json entry = {{"entry", "personalisation"},
                          {"patient_id", patient_id},
                          {"patient_source", patient_source},
                          {"calibrated", calibrated}};
  if (!overrides.empty()) entry["overrides"] = overrides;
  return entry;
}

AuditTrail twin_parameters_audit_trail(const std::string& model_name,
                                       const std::string& model_sha256,
                                       nlohmann::json personalisation) {
  AuditTrail trail = AuditTrail::started();
  trail.add_model(model_name, model_sha256);
  trail.add(std::move(personalisation));
  trail.add({{"entry", "output"}, {"format", "physiotwin twin parameter file"}});
  return trail;
}

AuditCheck check_chain(const std::vector<std::string>& entries,
                       const std::vector<std::string>& hashes, const std::string& head) {
  AuditCheck check;
  check.present = true;
  check.entries = entries.size();
  if (entries.size() != hashes.size())
    check.problems.push_back(
        fmt::format("audit: {} entries but {} hashes (entries or hashes "
                    "removed or added)",
                    entries.size(), hashes.size()));
  const std::size_t n = std::min(entries.size(), hashes.size());
  std::string previous = fmt::format("{} {}", audit_format, audit_version);
  for (std::size_t i = 0; i < n; ++i) {
    if (crypto::hex(crypto::sha256(previous + "\n" + entries[i])) != hashes[i])
      check.problems.push_back(fmt::format(
          "audit: entry {} does not follow entry {}: an entry was changed, deleted, inserted or "
          "moved there",
          i + 1, i));
    previous = hashes[i];  // each link checked on its own: a break is named where it is
  }
  if (n > 0 && head != hashes[n - 1])
    check.problems.push_back(
        "audit: the head does not match the last entry's hash (entries removed from the end)");
  return check;
}

std::string with_audit_trail(std::string_view json_text, const AuditTrail& trail) {
  nlohmann::ordered_json document = nlohmann::ordered_json::parse(json_text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    throw InputError("audit trail: the content is not a JSON object");
  if (document.contains(audit_member))
    throw InputError("audit trail: the content holds one already");
  std::vector<std::string> texts;
  for (const nlohmann::json& entry : trail.entries()) texts.push_back(entry.dump());
  const std::vector<std::string> hashes = chain_hashes(texts);
  document[audit_member] = {
      {"format", audit_format},
      {"version", audit_version},
      {"description",
       "what produced this file, in order: each hash covers its entry (as compact JSON, keys "
       "sorted) and the hash before (docs/security.md, \"The audit trail\")"},
      {"entries", trail.entries()},
      {"hashes", hashes},
      {"head", hashes.empty() ? std::string() : hashes.back()}};
  return document.dump(1) + "\n";
}

AuditCheck check_audit_json(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains(audit_member)) return {};
  const nlohmann::json& audit = document[audit_member];
  const auto strings = [](const nlohmann::json& array, bool compact) {
    std::vector<std::string> out;
    for (const nlohmann::json& item : array) {
      if (compact) {
        out.push_back(item.dump());
      } else if (item.is_string()) {
        out.push_back(item.get<std::string>());
      } else {
        throw InputError("not a string");
      }
    }
    return out;
  };
  try {
    if (!audit.is_object() || audit.value("format", "") != audit_format ||
        !audit.contains("entries") || !audit["entries"].is_array() || !audit.contains("hashes") ||
        !audit["hashes"].is_array() || !audit.contains("head") || !audit["head"].is_string())
      throw InputError("not a trail");
    return check_chain(strings(audit["entries"], true), strings(audit["hashes"], false),
                       audit["head"].get<std::string>());
  } catch (const std::exception&) {
    AuditCheck damaged;
    damaged.present = true;
    damaged.problems.push_back(
        "audit: the member \"audit\" is not a trail (its format, entries, hashes or head "
        "removed or damaged)");
    return damaged;
  }
}

std::vector<std::string> read_audit_trail(const std::filesystem::path& file) {
  const detail::Handle f = detail::open_hdf5_to_read(file);
  if (H5Lexists(f, audit_group, H5P_DEFAULT) <= 0) return {};
  detail::Handle group(H5Gopen2(f, audit_group, H5P_DEFAULT), H5Gclose, "opening /audit");
  return detail::read_string_array(group, "entries");
}

namespace detail {

AuditTrail run_audit_trail(const RunHeader& header) {
  AuditTrail trail = AuditTrail::started();
  trail.add_model(header.model.name, header.model.source_digest);
  const RunDescription& d = header.description;
  trail.add(
      personalisation_entry(d.patient_id, d.patient_file, !d.calibration.empty(), d.overrides));
  return trail;
}

void write_audit_trail(hid_t file, const AuditTrail& trail) {
  std::vector<std::string> texts;
  for (const nlohmann::json& entry : trail.entries()) texts.push_back(entry.dump());
  const std::vector<std::string> hashes = chain_hashes(texts);
  Handle group = create_group(file, audit_group);
  write_string_attribute(group, "format", audit_format);
  write_int_attribute(group, "version", audit_version);
  write_string_attribute(group, "head", hashes.empty() ? "" : hashes.back());
  write_string_attribute(group, "description",
                         "what produced this file and what was done, in order: each hash covers "
                         "its entry and the hash before (docs/security.md, \"The audit trail\")");
  write_string_array(group, "entries", texts);
  write_string_array(group, "hashes", hashes);
}

AuditCheck check_audit_trail(hid_t file) {
  if (H5Lexists(file, audit_group, H5P_DEFAULT) <= 0) return {};
  Handle group(H5Gopen2(file, audit_group, H5P_DEFAULT), H5Gclose, "opening /audit");
  std::vector<std::string> entries, hashes;
  try {
    entries = read_string_array(group, "entries");
    hashes = read_string_array(group, "hashes");
  } catch (const std::exception&) {
    AuditCheck damaged;
    damaged.present = true;
    damaged.problems.push_back("audit: its entries or hashes cannot be read (removed or damaged)");
    return damaged;
  }
  return check_chain(entries, hashes, read_string_attribute(group, "head"));
}

}  // namespace detail

}  // namespace physiotwin::io

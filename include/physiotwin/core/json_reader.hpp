#pragma once
// Reading JSON input with the path of every node, so that an error can say exactly where a
// file is wrong:
//   models/circulation/adult.json: compartments[1].parameters.end_systolic_elastance.value: ...
// Text that is not JSON is an error naming the line and column, and so is a key given twice in
// one object. Redacted views and parses (health records) never quote the document's text.
// The parser is compiled (src/files/json_reader.cpp); JsonView is the view the readers share.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

/// A read-only view of one JSON node, with the file it came from and its path inside it.
class JsonView {
 public:
  /// `redact`: error messages never quote the document's values (health records: a value
  /// may be a name or an identifier); they name the path and the type only.
  JsonView(const nlohmann::json& node, std::string file, std::string path, bool redact = false)
      : node_(&node), file_(std::move(file)), path_(std::move(path)), redact_(redact) {}

  [[nodiscard]] const nlohmann::json& raw() const noexcept { return *node_; }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// "file: path" for error messages; the path is "(top level)" for the root.
  [[nodiscard]] std::string where() const {
    return fmt::format("{}: {}", file_, path_.empty() ? "(top level)" : path_);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(fmt::format("{}: {}", where(), what));
  }

  [[nodiscard]] bool has(const std::string& key) const {
    return node_->is_object() && node_->contains(key);
  }

  [[nodiscard]] JsonView operator[](const std::string& key) const {
    require_object();
    auto it = node_->find(key);
    if (it == node_->end()) fail(fmt::format("missing required member \"{}\"", key));
    return JsonView(*it, file_, child_path(key), redact_);
  }

  [[nodiscard]] JsonView at_index(std::size_t i) const {
    if (i >= array_size()) fail(fmt::format("has no element {}", i));
    return JsonView((*node_)[i], file_, fmt::format("{}[{}]", path_, i), redact_);
  }

  void require_object() const {
    if (!node_->is_object()) fail(fmt::format("expected an object, found {}", node_->type_name()));
  }

  [[nodiscard]] std::size_t array_size() const {
    if (!node_->is_array()) fail(fmt::format("expected an array, found {}", node_->type_name()));
    return node_->size();
  }

  [[nodiscard]] double number() const {
    if (!node_->is_number()) fail(fmt::format("expected a number, found {}", describe()));
    return node_->get<double>();
  }

  [[nodiscard]] std::string string() const {
    if (!node_->is_string()) fail(fmt::format("expected a string, found {}", describe()));
    return node_->get<std::string>();
  }

  [[nodiscard]] bool boolean() const {
    if (!node_->is_boolean()) fail(fmt::format("expected true or false, found {}", describe()));
    return node_->get<bool>();
  }

  /// The object's member names (in key order: the parser keeps objects sorted).
  [[nodiscard]] std::vector<std::string> member_names() const {
    require_object();
    std::vector<std::string> names;
    for (const auto& [key, value] : node_->items()) names.push_back(key);
    return names;
  }

  /// Fails on any member not in `allowed`: a misspelt key must not be silently ignored.
  template <typename Range>
  void reject_unknown_members(const Range& allowed) const {
    require_object();
    for (const auto& [key, value] : node_->items()) {
      bool known = false;
      for (const auto& a : allowed) known = known || key == a;
      if (!known) {
        throw InputError(fmt::format("{}: unknown member \"{}\"", where(), key));
      }
    }
  }

 private:
  [[nodiscard]] std::string child_path(const std::string& key) const {
    return path_.empty() ? key : fmt::format("{}.{}", path_, key);
  }
  [[nodiscard]] std::string describe() const {
    if (redact_) return node_->type_name();
    std::string dumped = node_->dump();
    if (dumped.size() > 40) dumped = dumped.substr(0, 37) + "...";
    return fmt::format("{} {}", node_->type_name(), dumped);
  }

  const nlohmann::json* node_;
  std::string file_;
  std::string path_;
  bool redact_ = false;
};

/// Parses JSON text; a syntax error names `name` (the file), the line and the column. A key
/// that appears twice in one object is an error naming its path: JSON parsers keep one of the
/// two silently, and which one differs between them.
/// `redact`: the message does not quote the text it stopped at (see JsonView).
[[nodiscard]] nlohmann::json parse_json_text(std::string_view text, const std::string& name,
                                             bool redact = false);

/// A file's bytes.
[[nodiscard]] std::string read_text_file(const std::filesystem::path& file);

/// A file's first `bytes` bytes (fewer for a shorter file; none for one that cannot be read):
/// enough to tell what it is (encrypted, JSON, HDF5) before reading it.
[[nodiscard]] std::string read_file_head(const std::filesystem::path& file, std::size_t bytes);

/// Parses a JSON file; a syntax error names the file, line and column.
[[nodiscard]] nlohmann::json read_json_file(const std::filesystem::path& file);

}  // namespace physiotwin

#pragma once
// Reading JSON input with the path of every node, so that an error can say exactly where a
// file is wrong:
//   models/circulation/adult.json: compartments[1].parameters.end_systolic_elastance.value: ...
// Text that is not JSON is an error naming the line and column, and so is a key given twice in
// one object. Redacted views and parses (health records) never quote the document's text.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "physiotwin/core/atomic_file.hpp"
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

namespace detail {

/// Where the parser is, for the duplicate-key check of parse_json_text().
struct JsonFrame {
  bool object = false;
  std::string path;
  std::unordered_set<std::string> keys;  ///< seen in this object
  std::string last_key;
  std::size_t index = 0;  ///< next element of this array
};

/// The path of the value the parser is about to read, below `stack`'s top.
inline std::string child_path(const std::vector<JsonFrame>& stack) {
  if (stack.empty()) return "";
  const JsonFrame& parent = stack.back();
  if (parent.object) {
    return parent.path.empty() ? parent.last_key : parent.path + "." + parent.last_key;
  }
  return fmt::format("{}[{}]", parent.path, parent.index);
}

}  // namespace detail

/// Parses JSON text; a syntax error names `name` (the file), the line and the column. A key
/// that appears twice in one object is an error naming its path: JSON parsers keep one of the
/// two silently, and which one differs between them.
/// `redact`: the message does not quote the text it stopped at (see JsonView).
[[nodiscard]] inline nlohmann::json parse_json_text(std::string_view text, const std::string& name,
                                                    bool redact = false) {
  std::vector<detail::JsonFrame> stack;
  auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start: {
        std::string path = detail::child_path(stack);
        detail::JsonFrame frame;
        frame.object = event == Event::object_start;
        frame.path = std::move(path);
        stack.push_back(std::move(frame));
        break;
      }
      case Event::key: {
        detail::JsonFrame& object = stack.back();
        std::string key = parsed.get<std::string>();
        if (!object.keys.insert(key).second) {
          // Redacted (a health record): the path of the object only, no text of the document.
          throw InputError(fmt::format(
              "{}: {}: a key appears twice in one object{} (JSON readers keep one of the two, "
              "and not all the same one)",
              name, object.path.empty() ? "(top level)" : object.path,
              redact ? std::string() : fmt::format(" (\"{}\")", key)));
        }
        object.last_key = std::move(key);
        break;
      }
      case Event::object_end:
      case Event::array_end:
        stack.pop_back();
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
        break;
      case Event::value:
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, check_keys);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ...
    // ; last read: '<text>'; ...".
    std::string message = e.what();
    if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
    if (auto pos = message.find("; last read: '"); redact && pos != std::string::npos) {
      const auto end = message.find("'; ", pos + 14);
      message.erase(pos, end == std::string::npos ? std::string::npos : end + 1 - pos);
    }
    throw InputError(fmt::format("{}: not valid JSON: {}", name, message));
  } catch (const nlohmann::json::exception&) {
    // Thrown while parsing for what is well-formed but unrepresentable: a number beyond the
    // range of a double ("1e999", out_of_range.406). Its message quotes the text: not here.
    throw InputError(fmt::format("{}: not valid JSON: a number is too large for a double", name));
  }
}

/// A file's bytes.
[[nodiscard]] inline std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file for reading", file.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Parses a JSON file; a syntax error names the file, line and column.
[[nodiscard]] inline nlohmann::json read_json_file(const std::filesystem::path& file) {
  return parse_json_text(read_text_file(file), file.string());
}

}  // namespace physiotwin

// The JSON parser behind core/json_reader.hpp: nlohmann's, with the duplicate-key check and
// the messages that name file, line and column (and quote nothing of a redacted document).
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/trust/sealed.hpp"

namespace physiotwin {

namespace {

/// Where the parser is, for the duplicate-key check of parse_json_text().
struct JsonFrame {
  bool object = false;
  std::string path;
  std::unordered_set<std::string> keys;  ///< seen in this object
  std::string last_key;
  std::size_t index = 0;  ///< next element of this array
};

/// The path of the value the parser is about to read, below `stack`'s top.
std::string child_path(const std::vector<JsonFrame>& stack) {
  if (stack.empty()) return "";
  const JsonFrame& parent = stack.back();
  if (parent.object) {
    return parent.path.empty() ? parent.last_key : parent.path + "." + parent.last_key;
  }
  return fmt::format("{}[{}]", parent.path, parent.index);
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& name, bool redact) {
  if (trust::is_sealed(text))
    throw InputError(fmt::format(
        "{}: an encrypted file (to key {}) where a plain one is expected: only patient inputs "
        "and snapshots are read encrypted (`physiotwin decrypt` opens it)",
        name, trust::sealed_recipient(text).value_or("?")));
  std::vector<JsonFrame> stack;
  auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start: {
        std::string path = child_path(stack);
        JsonFrame frame;
        frame.object = event == Event::object_start;
        frame.path = std::move(path);
        stack.push_back(std::move(frame));
        break;
      }
      case Event::key: {
        JsonFrame& object = stack.back();
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

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file for reading", file.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string read_file_head(const std::filesystem::path& file, std::size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  std::string head(bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(bytes));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  return parse_json_text(read_text_file(file), file.string());
}

}  // namespace physiotwin

#pragma once
// Files written whole or not at all: the new contents go to a unique temporary name beside
// the file (rename is atomic only within one file system) and are renamed over it when
// complete, so an interrupted or failed write never leaves a half-written file and an
// existing file stays intact until the new one is whole. The temporary name is created
// exclusively: it never replaces anything that was there. Compiled (src/files/atomic_file.cpp):
// the POSIX calls stay out of the headers an engine includes.
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string_view>

namespace physiotwin {

/// A new name to write `file`'s contents under before renaming them into place: in the same
/// folder, hidden (".twin.h5.4711-3f2a9c010007.tmp"), unique to this process (its id first,
/// for remove_abandoned_temporaries()) and call.
[[nodiscard]] std::filesystem::path temporary_name_for(const std::filesystem::path& file);

/// Renames a finished temporary file over `file`, unless `file` has become something other
/// than a regular file since it was checked (then the temporary file is removed). IoError.
void move_into_place(const std::filesystem::path& temporary, const std::filesystem::path& file);

/// Writes what `write` streams to `file` whole or not at all (see above): an exception from
/// `write` removes the temporary file and is rethrown. `owner_only`: the file is mode 0600
/// from its creation (decrypted content). IoError.
void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(std::ostream&)>& write,
                           bool owner_only = false);

/// Writes `text` to `file` whole or not at all (see above). IoError.
void write_text_file_atomically(const std::filesystem::path& file, std::string_view text);

}  // namespace physiotwin

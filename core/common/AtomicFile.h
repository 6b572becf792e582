#pragma once
// The one way TrailerLab writes a file: all or nothing, and never silently.
//
// writeFileAtomically(path, fill) creates a temporary file with a unique name in the
// same folder (".<name>.<pid>-<thread>-<counter>.tmp", opened O_EXCL, so concurrent
// writers of the same file never collide), lets `fill` write into it, flushes,
// fsyncs, closes and renames it over `path` (then fsyncs the folder). Readers see the
// old file or the whole new one. On any error (disk full, quota, permissions, a
// throwing `fill`) the temporary file is removed and tl::WriteError is thrown naming
// `path` and the system's reason. The parent folder is created when missing.
// Refuses to replace something that is not a regular file (a FIFO, a device, a folder).
//
// Threading: safe to call concurrently, also for the same path (the last rename wins).

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace tl {

void writeFileAtomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& fill);
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// Throws DataError(path, 0, reason) unless `path` names a regular file (or a link to one):
// FIFOs, sockets, devices and folders are refused before anything opens them (a FIFO
// would block the reader forever). `what` names the role ("video", "ratings file").
void requireRegularFile(const std::filesystem::path& path, std::string_view what = "file");

}  // namespace tl

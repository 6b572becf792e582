#pragma once
// Shared by the libFuzzer targets: the readers take file paths, so each input is written
// to a per-process scratch folder first ($TMPDIR, else /dev/shm, else /tmp; plain writes,
// no fsync: fuzzing runs thousands of inputs a second). Readers must reject bad input with a tl::Error; anything else
// (another exception, a crash, a sanitizer report, a huge allocation) is a finding.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace tl::fuzz {

// Writes bytes to <scratch>/<name> and returns the path.
std::filesystem::path writeInput(const std::string& name, const std::uint8_t* data, std::size_t size);
std::filesystem::path writeInput(const std::string& name, const std::string& text);

}  // namespace tl::fuzz

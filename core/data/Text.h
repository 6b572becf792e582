#pragma once
// Small text helpers for the readers: line reading with LF/CRLF, field
// splitting, number parsing that rejects trailing junk, and latin-1 -> UTF-8.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tl::text {

// Opens a regular file for reading or throws DataError(file, 0, reason): missing files,
// folders, FIFOs and devices are refused before opening.
std::ifstream openForRead(const std::filesystem::path& path);

// getline that also strips a trailing '\r' (CRLF files) and a UTF-8 BOM on the first line.
bool readLine(std::istream& in, std::string& line, bool firstLine);

// Splits on a single-character or multi-character separator ("::").
std::vector<std::string_view> split(std::string_view line, std::string_view separator);

// Splits a CSV line honouring double quotes ("a, b",c and "" as an escaped quote).
// Returns nullopt for an unterminated quote.
std::optional<std::vector<std::string>> splitCsv(std::string_view line, char separator = ',');

std::string_view trim(std::string_view s);

// A CSV field as splitCsv reads it back: quoted (with "" for ") when it holds a comma,
// a quote or a line break, else unchanged.
std::string csvField(std::string_view text);

std::optional<double> parseDouble(std::string_view s);
std::optional<std::int64_t> parseInt(std::string_view s);

// Calls fn(lineNumber, fields, firstRecord) for every non-empty line of a CSV
// file (quotes honoured, LF/CRLF, BOM). Throws DataError(file, line,
// "unterminated quote") and DataError(file, 0, ...) when the file cannot be read.
void forEachCsvRecord(const std::filesystem::path& file,
                      const std::function<void(std::size_t line, const std::vector<std::string>& fields,
                                               bool firstRecord)>& fn);

bool isValidUtf8(std::string_view s);
// Returns s unchanged when it is valid UTF-8, else reads it as latin-1 and converts.
std::string toUtf8(std::string_view s);

}  // namespace tl::text

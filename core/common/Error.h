#pragma once
// Typed errors of the core. Every error the core throws derives from
// tl::Error, so callers (CLI, UI workers) can catch one type, while tests and
// callers that care can tell data, decode and model failures apart.
// Messages always name the file (and line or frame where there is one).
// Exceptions never cross a thread boundary: workers catch and report them.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace tl {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Bad or unreadable input data: ratings, item metadata, feature matrices, projects.
class DataError : public Error {
public:
    // line == 0 means "no particular line".
    DataError(std::string file, std::size_t line, std::string reason);

    const std::string& file() const { return file_; }
    std::size_t line() const { return line_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::size_t line_;
    std::string reason_;
};

// A video that cannot be opened or decoded.
class DecodeError : public Error {
public:
    DecodeError(std::string file, std::string reason);
    const std::string& file() const { return file_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::string reason_;
};

// A model that cannot be loaded or run (missing weights, wrong shapes, ...).
class ModelError : public Error {
public:
    explicit ModelError(const std::string& message) : Error(message) {}
};

// A file that could not be written completely (disk full, quota, permissions): the
// output was not replaced and no temporary file is left behind.
class WriteError : public Error {
public:
    WriteError(std::string file, std::string reason);
    const std::string& file() const { return file_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::string reason_;
};

// Invalid arguments or configuration (K range, split ratio, unknown option value).
class ConfigError : public Error {
public:
    explicit ConfigError(const std::string& message) : Error(message) {}
};

// Thrown by JobContext::checkCancelled() when the user cancelled the job.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace tl

#pragma once
// A small, strict command-line parser for the trailerlab-cli subcommands:
// --name VALUE or --name=VALUE options, --flags and positionals. Unknown
// options, missing values and missing required arguments throw UsageError
// with a message that names the argument; help() documents every option.

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/ComputeDevice.h"
#include "core/common/Error.h"

namespace tl::cli {

class UsageError : public Error {
public:
    explicit UsageError(const std::string& message) : Error(message) {}
};

// Exit statuses of trailerlab-cli, the same for every command (listed in every --help).
inline constexpr int kExitOk = 0;           // everything done
inline constexpr int kExitError = 1;        // an error: nothing (or not everything asked for) was done
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitSomeFailed = 3;   // finished, results written, but some items failed
inline constexpr int kExitCancelled = 130;  // interrupted

class ArgParser {
public:
    ArgParser(std::string usage, std::string summary);

    void addOption(const std::string& name, const std::string& valueName, const std::string& help,
                   std::optional<std::string> defaultValue = std::nullopt);
    void addFlag(const std::string& name, const std::string& help);
    void addPositional(const std::string& name, const std::string& help, bool required = true);
    // Collects every positional argument after the named ones (NAME... in help); at least
    // one is required when `required`.
    void addPositionalList(const std::string& name, const std::string& help, bool required = true);
    // --max-failed N, for commands that process many items (videos, trailers, shards).
    void addMaxFailedOption();
    // The exit status once results are written: kExitOk when nothing failed,
    // kExitSomeFailed when 1..N items failed (N from --max-failed, unlimited when not
    // given), kExitError (with a message on `err`) when more than N failed.
    int exitStatusFor(std::size_t failed, std::size_t total, const std::string& items, std::ostream& err) const;
    // Free text appended to help(): examples, notes.
    void addEpilog(const std::string& text) { epilog_ += text; }

    // Parses args (without the program and subcommand names). Returns false
    // when --help was given (the caller prints help() and exits 0).
    bool parse(const std::vector<std::string>& args);

    bool given(const std::string& name) const;       // option or flag present on the command line
    bool flag(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;  // given or default
    std::string required(const std::string& name) const;              // throws UsageError when absent
    double number(const std::string& name) const;                     // throws on a non-number
    long integer(const std::string& name) const;                      // throws on a non-integer
    std::optional<std::string> positional(const std::string& name) const;
    const std::vector<std::string>& positionalList() const { return restValues_; }

    std::string help() const;

private:
    struct Option {
        std::string name;
        std::string valueName;  // empty for flags
        std::string help;
        std::optional<std::string> defaultValue;
    };
    struct Positional {
        std::string name;
        std::string help;
        bool required;
    };
    const Option* find(const std::string& name) const;

    std::string usage_;
    std::string summary_;
    std::string epilog_;
    std::vector<Option> options_;
    std::vector<Positional> positionals_;
    std::optional<Positional> rest_;
    std::vector<std::string> restValues_;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::string> positionalValues_;
};

// Parses a K list (tl::parseIntList: "10:100:10", "10:100", "10,20,50", "50") into
// sorted unique positive integers. Throws UsageError naming the option.
std::vector<int> parseIntList(const std::string& text, const std::string& optionName);
// Parses "1,2,3" or "0.5" into positive doubles.
std::vector<double> parseDoubleList(const std::string& text, const std::string& optionName);
// Parses a device (ComputeDevice::parse: auto, cpu, cuda, cuda:N) and checks that this
// build and machine can use it, before any work starts. Returns it as given (auto stays
// auto). Throws UsageError "option --NAME: device '...': ..." otherwise.
ComputeDevice parseDeviceOption(const std::string& text, const std::string& optionName);
// The help text of every --device option, after `what` ("where X runs: ").
std::string deviceOptionHelp(const std::string& what);

}  // namespace tl::cli

#include "app/cli/ArgParser.h"

#include "core/cf/DeviceNeighbours.h"
#include "core/common/Lists.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ostream>
#include <sstream>

namespace tl::cli {

ArgParser::ArgParser(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary))
{
}

void ArgParser::addOption(const std::string& name, const std::string& valueName, const std::string& help,
                          std::optional<std::string> defaultValue)
{
    options_.push_back({name, valueName, help, std::move(defaultValue)});
}

void ArgParser::addFlag(const std::string& name, const std::string& help)
{
    options_.push_back({name, "", help, std::nullopt});
}

void ArgParser::addPositional(const std::string& name, const std::string& help, bool required)
{
    positionals_.push_back({name, help, required});
}

void ArgParser::addPositionalList(const std::string& name, const std::string& help, bool required)
{
    rest_ = Positional{name, help, required};
}

const ArgParser::Option* ArgParser::find(const std::string& name) const
{
    for (const auto& option : options_)
        if (option.name == name)
            return &option;
    return nullptr;
}

bool ArgParser::parse(const std::vector<std::string>& args)
{
    std::size_t nextPositional = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h")
            return false;
        if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
            std::string name = arg.substr(2);
            std::optional<std::string> inlineValue;
            if (auto eq = name.find('='); eq != std::string::npos) {
                inlineValue = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            const Option* option = find(name);
            if (!option)
                throw UsageError("unknown option --" + name + " (see --help)");
            if (option->valueName.empty()) {
                if (inlineValue)
                    throw UsageError("option --" + name + " takes no value");
                values_[name] = "1";
            } else if (inlineValue) {
                values_[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option --" + name + " needs a value: --" + name + " " + option->valueName);
                values_[name] = args[++i];
            }
            continue;
        }
        if (nextPositional >= positionals_.size() && rest_) {
            restValues_.push_back(arg);
            continue;
        }
        if (nextPositional >= positionals_.size())
            throw UsageError("unexpected argument '" + arg + "' (see --help)");
        positionalValues_[positionals_[nextPositional++].name] = arg;
    }
    for (std::size_t p = nextPositional; p < positionals_.size(); ++p)
        if (positionals_[p].required)
            throw UsageError("missing argument " + positionals_[p].name + " (see --help)");
    if (rest_ && rest_->required && restValues_.empty())
        throw UsageError("missing argument " + rest_->name + "... (see --help)");
    return true;
}

bool ArgParser::given(const std::string& name) const
{
    return values_.count(name) > 0;
}

bool ArgParser::flag(const std::string& name) const
{
    return given(name);
}

std::optional<std::string> ArgParser::value(const std::string& name) const
{
    if (auto it = values_.find(name); it != values_.end())
        return it->second;
    if (const Option* option = find(name))
        return option->defaultValue;
    return std::nullopt;
}

std::string ArgParser::required(const std::string& name) const
{
    auto v = value(name);
    if (!v)
        throw UsageError("option --" + name + " is required (see --help)");
    return *v;
}

double ArgParser::number(const std::string& name) const
{
    const std::string text = required(name);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
        throw UsageError("option --" + name + " expects a number, got '" + text + "'");
    return v;
}

long ArgParser::integer(const std::string& name) const
{
    const std::string text = required(name);
    long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size())
        throw UsageError("option --" + name + " expects an integer, got '" + text + "'");
    return v;
}

void ArgParser::addMaxFailedOption()
{
    addOption("max-failed", "N",
              "more than N failed items is an error (exit status 1) instead of exit status 3; "
              "results are written either way [default: no limit]");
}

int ArgParser::exitStatusFor(std::size_t failed, std::size_t total, const std::string& items, std::ostream& err) const
{
    if (failed == 0)
        return kExitOk;
    if (given("max-failed")) {
        const long limit = integer("max-failed");
        if (limit < 0)
            throw UsageError("option --max-failed expects N >= 0, got " + std::to_string(limit));
        if (failed > static_cast<std::size_t>(limit)) {
            err << "error: " << failed << " of " << total << " " << items << " failed, more than --max-failed "
                << limit << " (exit status " << kExitError << ")\n";
            return kExitError;
        }
    }
    err << failed << " of " << total << " " << items << " failed (exit status " << kExitSomeFailed << ")\n";
    return kExitSomeFailed;
}

std::optional<std::string> ArgParser::positional(const std::string& name) const
{
    if (auto it = positionalValues_.find(name); it != positionalValues_.end())
        return it->second;
    return std::nullopt;
}

std::string ArgParser::help() const
{
    std::ostringstream out;
    out << "usage: " << usage_ << "\n\n" << summary_ << "\n";
    if (!positionals_.empty() || rest_) {
        out << "\narguments:\n";
        for (const auto& p : positionals_)
            out << "  " << p.name << (p.required ? "" : " (optional)") << "\n      " << p.help << "\n";
        if (rest_)
            out << "  " << rest_->name << "..." << (rest_->required ? "" : " (optional)") << "\n      " << rest_->help
                << "\n";
    }
    if (!options_.empty()) {
        out << "\noptions:\n";
        for (const auto& o : options_) {
            out << "  --" << o.name << (o.valueName.empty() ? "" : " " + o.valueName) << "\n      " << o.help;
            if (o.defaultValue)
                out << " [default: " << *o.defaultValue << "]";
            out << "\n";
        }
        out << "  --help\n      show this help\n";
    }
    if (!epilog_.empty())
        out << "\n" << epilog_ << (epilog_.back() == '\n' ? "" : "\n");
    out << "\nexit status:\n"
           "  0    done: everything asked for was done\n"
           "  1    error: the message says which file (and line or field) and why\n"
           "  2    bad command line\n";
    if (find("max-failed"))
        out << "  3    finished and wrote its results, but some items failed (listed above the summary);\n"
               "       more failures than --max-failed N give 1 instead\n";
    else
        out << "  3    (commands that process many items) finished, but some items failed\n";
    out << "  130  interrupted\n";
    return out.str();
}

std::vector<int> parseIntList(const std::string& text, const std::string& optionName)
{
    try {
        return tl::parseIntList(text, "option --" + optionName);
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
}

std::vector<double> parseDoubleList(const std::string& text, const std::string& optionName)
{
    try {
        return tl::parseDoubleList(text, "option --" + optionName);
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
}

ComputeDevice parseDeviceOption(const std::string& text, const std::string& optionName)
{
    try {
        const ComputeDevice device = ComputeDevice::parse(text);
        (void)resolveComputeDevice(device);
        return device;
    } catch (const ConfigError& e) {
        throw UsageError("option --" + optionName + ": " + e.what());
    }
}

std::string deviceOptionHelp(const std::string& what)
{
    return what + ": auto (cuda when this LibTorch has it, else cpu), cpu, cuda, or cuda:N (the N-th GPU)";
}

}  // namespace tl::cli

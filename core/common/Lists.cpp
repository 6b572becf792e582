#include "core/common/Lists.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "core/common/Error.h"

namespace tl {

namespace {
constexpr long kMaxListValue = 1000000;

std::string_view trimmed(std::string_view s)  // without surrounding spaces and tabs
{
    const auto first = s.find_first_not_of(" \t");
    return first == std::string_view::npos ? std::string_view() : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, sep))
        parts.push_back(part);
    return parts;
}
}  // namespace

std::vector<int> parseIntList(const std::string& text, const std::string& what)
{
    const std::string context = what + " '" + text + "': ";
    const std::string grammar = " (expected N, FROM:TO or FROM:TO:STEP, comma-separated, e.g. 10:100:10 or 10,20,50)";
    // One number of a term ("role" names it in errors): digits only, 1..kMaxListValue.
    auto number = [&](std::string_view token, const std::string& term, const char* role) {
        token = trimmed(token);
        long v = 0;
        const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
        const std::string where = term.find(':') == std::string::npos ? "" : std::string(" (") + role + " of '" + term + "')";
        if (token.empty() || ec != std::errc() || ptr != token.data() + token.size())
            throw ConfigError(context + "'" + std::string(token) + "'" + where + " is not a whole number" + grammar);
        if (v < 1 || v > kMaxListValue)
            throw ConfigError(context + std::string(token) + where + " is out of range (1 to " +
                              std::to_string(kMaxListValue) + ")");
        return v;
    };
    if (trimmed(text).empty())
        throw ConfigError(context + "empty" + grammar);
    std::vector<int> values;
    // The added separators keep a trailing empty term ("10," and "10:"), which getline drops, to refuse it.
    for (const auto& term : split(text + ",", ',')) {
        const auto parts = split(term + ":", ':');
        if (parts.size() > 3)
            throw ConfigError(context + "'" + term + "' has more than FROM:TO:STEP" + grammar);
        const long from = number(parts[0], term, parts.size() > 1 ? "FROM" : "value");
        const long to = parts.size() > 1 ? number(parts[1], term, "TO") : from;
        const long step = parts.size() > 2 ? number(parts[2], term, "STEP") : 1;
        if (to < from)
            throw ConfigError(context + "the range '" + std::string(trimmed(term)) + "' runs backwards (FROM <= TO)");
        for (long v = from; v <= to; v += step)
            values.push_back(static_cast<int>(v));
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

std::vector<double> parseDoubleList(const std::string& text, const std::string& what)
{
    std::vector<double> values;
    for (const auto& token : split(text, ',')) {
        char* end = nullptr;
        const double v = std::strtod(token.c_str(), &end);
        if (token.empty() || *end != '\0' || !(v > 0))
            throw ConfigError(what + ": '" + text + "' is not a list of positive numbers");
        values.push_back(v);
    }
    if (values.empty())
        throw ConfigError(what + " is empty");
    return values;
}

}  // namespace tl

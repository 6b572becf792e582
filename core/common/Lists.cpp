#include "core/common/Lists.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "core/common/Error.h"

namespace tl {

namespace {
bool parseIntToken(const std::string& token, long& v)
{
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    return ec == std::errc() && ptr == token.data() + token.size() && !token.empty();
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
    const std::string bad = what + ": '" + text +
                            "' is not a list (50 or 10,20,50) or range (10:100:10) of positive integers";
    std::vector<int> values;
    if (text.find(':') != std::string::npos) {
        auto parts = split(text, ':');
        long start, stop, step = 1;
        if (parts.size() < 2 || parts.size() > 3 || !parseIntToken(parts[0], start) ||
            !parseIntToken(parts[1], stop) || (parts.size() == 3 && !parseIntToken(parts[2], step)) ||
            step <= 0 || start <= 0 || stop < start || stop > 1000000)
            throw ConfigError(bad);
        for (long v = start; v <= stop; v += step)
            values.push_back(static_cast<int>(v));
    } else {
        for (const auto& token : split(text, ',')) {
            long v;
            if (!parseIntToken(token, v) || v <= 0 || v > 1000000)
                throw ConfigError(bad);
            values.push_back(static_cast<int>(v));
        }
    }
    if (values.empty())
        throw ConfigError(bad);
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

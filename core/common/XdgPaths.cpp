#include "core/common/XdgPaths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/common/Error.h"

namespace tl::xdg {

namespace {

constexpr const char* kAppFolder = "trailerlab";

// The value of an environment variable when it is set to an absolute path.
std::filesystem::path absoluteFromEnv(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        return {};
    std::filesystem::path path(value);
    return path.is_absolute() ? path : std::filesystem::path{};
}

std::filesystem::path home()
{
    if (auto fromEnv = absoluteFromEnv("HOME"); !fromEnv.empty())
        return fromEnv;
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(static_cast<std::size_t>(size > 0 ? size : 16384));
    passwd entry{};
    passwd* found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_dir) {
        std::filesystem::path dir(found->pw_dir);
        if (dir.is_absolute())
            return dir;
    }
    throw ConfigError("cannot find the home folder: $HOME is not an absolute path and the password "
                      "database has no home for this user");
}

std::filesystem::path baseDir(const char* variable, const char* relativeDefault)
{
    if (auto fromEnv = absoluteFromEnv(variable); !fromEnv.empty())
        return fromEnv;
    return home() / relativeDefault;
}

}  // namespace

std::filesystem::path dataHome() { return baseDir("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path cacheHome() { return baseDir("XDG_CACHE_HOME", ".cache"); }
std::filesystem::path configHome() { return baseDir("XDG_CONFIG_HOME", ".config"); }

std::filesystem::path appDataDir() { return dataHome() / kAppFolder; }
std::filesystem::path appCacheDir() { return cacheHome() / kAppFolder; }
std::filesystem::path appConfigDir() { return configHome() / kAppFolder; }

}  // namespace tl::xdg

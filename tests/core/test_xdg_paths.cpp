// XDG base folders: environment variables win when absolute; empty, unset and
// relative values fall back to the defaults under $HOME.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "core/common/Error.h"
#include "core/common/XdgPaths.h"

namespace tl {
namespace {

// Sets environment variables for one test and restores them afterwards.
class ScopedEnv {
public:
    ~ScopedEnv()
    {
        for (const auto& [name, old] : saved_) {
            if (old)
                ::setenv(name.c_str(), old->c_str(), 1);
            else
                ::unsetenv(name.c_str());
        }
    }
    void set(const std::string& name, const std::optional<std::string>& value)
    {
        if (!saved_.count(name)) {
            const char* old = std::getenv(name.c_str());
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
        }
        if (value)
            ::setenv(name.c_str(), value->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }

private:
    std::map<std::string, std::optional<std::string>> saved_;
};

TEST(XdgPaths, DefaultsUnderHome)
{
    ScopedEnv env;
    env.set("HOME", "/home/alice");
    env.set("XDG_DATA_HOME", std::nullopt);
    env.set("XDG_CACHE_HOME", std::nullopt);
    env.set("XDG_CONFIG_HOME", std::nullopt);
    EXPECT_EQ(xdg::dataHome(), "/home/alice/.local/share");
    EXPECT_EQ(xdg::cacheHome(), "/home/alice/.cache");
    EXPECT_EQ(xdg::configHome(), "/home/alice/.config");
    EXPECT_EQ(xdg::appDataDir(), "/home/alice/.local/share/trailerlab");
    EXPECT_EQ(xdg::appCacheDir(), "/home/alice/.cache/trailerlab");
    EXPECT_EQ(xdg::appConfigDir(), "/home/alice/.config/trailerlab");
}

TEST(XdgPaths, AbsoluteVariablesWin)
{
    ScopedEnv env;
    env.set("HOME", "/home/alice");
    env.set("XDG_DATA_HOME", "/data/d");
    env.set("XDG_CACHE_HOME", "/scratch/c");
    env.set("XDG_CONFIG_HOME", "/etc-like/cfg");
    EXPECT_EQ(xdg::dataHome(), "/data/d");
    EXPECT_EQ(xdg::cacheHome(), "/scratch/c");
    EXPECT_EQ(xdg::configHome(), "/etc-like/cfg");
    EXPECT_EQ(xdg::appCacheDir(), "/scratch/c/trailerlab");
}

TEST(XdgPaths, EmptyAndRelativeVariablesAreIgnored)
{
    ScopedEnv env;
    env.set("HOME", "/home/bob");
    env.set("XDG_DATA_HOME", "");
    env.set("XDG_CACHE_HOME", "relative/cache");
    env.set("XDG_CONFIG_HOME", "./cfg");
    EXPECT_EQ(xdg::dataHome(), "/home/bob/.local/share");
    EXPECT_EQ(xdg::cacheHome(), "/home/bob/.cache");
    EXPECT_EQ(xdg::configHome(), "/home/bob/.config");
}

TEST(XdgPaths, RelativeHomeFallsBackToThePasswordDatabase)
{
    ScopedEnv env;
    env.set("HOME", "not/absolute");
    env.set("XDG_CONFIG_HOME", std::nullopt);
    // Either the user's home from the password database (absolute) or a ConfigError.
    try {
        const auto dir = xdg::configHome();
        EXPECT_TRUE(dir.is_absolute()) << dir;
        EXPECT_EQ(dir.filename(), ".config");
    } catch (const ConfigError&) {
        SUCCEED();
    }
}

}  // namespace
}  // namespace tl

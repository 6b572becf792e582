#pragma once
// Per-user base folders of the XDG Base Directory specification, without Qt:
// where TrailerLab keeps user data (the demo project), caches and settings.
//
// Contract (XDG Base Directory spec 0.8):
// - dataHome():   $XDG_DATA_HOME,   else $HOME/.local/share
// - cacheHome():  $XDG_CACHE_HOME,  else $HOME/.cache
// - configHome(): $XDG_CONFIG_HOME, else $HOME/.config
// - A variable that is unset, empty or holds a relative path is ignored (the
//   spec says relative paths are invalid), and the default is used.
// - $HOME is used when it is set to an absolute path; otherwise the home folder
//   of the current user from the password database. Throws tl::ConfigError
//   when neither gives an absolute path.
// - The folders are returned, never created. appDataDir() etc. append the
//   application folder, "trailerlab".
//
// Thread-safety: reads the environment on every call; safe as long as no other
// thread calls setenv() at the same time (the usual getenv() rule).

#include <filesystem>

namespace tl::xdg {

std::filesystem::path dataHome();
std::filesystem::path cacheHome();
std::filesystem::path configHome();

// The same with "/trailerlab" appended.
std::filesystem::path appDataDir();
std::filesystem::path appCacheDir();
std::filesystem::path appConfigDir();

}  // namespace tl::xdg

#pragma once
// Parsing of the number lists used by options and project files:
// "10:100:10" (start:stop:step, inclusive), "10,20,50" or "50".

#include <string>
#include <vector>

namespace tl {

// Sorted, unique, positive integers. Throws ConfigError naming `what`.
std::vector<int> parseIntList(const std::string& text, const std::string& what);
// Positive numbers in the given order. Throws ConfigError naming `what`.
std::vector<double> parseDoubleList(const std::string& text, const std::string& what);

}  // namespace tl

#pragma once
// Parsing of the number lists used by options and project files.
//
// An integer list (the K sweep of a project file, --k, the workbench's K field) is
// one or more comma-separated terms, each
//   N              one value                       50
//   FROM:TO        FROM, FROM+1, ..., TO           10:100
//   FROM:TO:STEP   FROM, FROM+STEP, ... up to TO   10:100:10 (TO itself when on the step)
// Spaces around numbers and commas are allowed ("10, 20, 50"); every value lies in
// 1..1000000, FROM <= TO, STEP >= 1. The result is sorted and without repeats, so
// "10:30:10,25" gives 10, 20, 25, 30.

#include <string>
#include <vector>

namespace tl {

// Sorted, unique, positive integers. Throws ConfigError naming `what`, the text
// and the term at fault.
std::vector<int> parseIntList(const std::string& text, const std::string& what);
// Positive numbers in the given order. Throws ConfigError naming `what`.
std::vector<double> parseDoubleList(const std::string& text, const std::string& what);

}  // namespace tl

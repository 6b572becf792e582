#pragma once
// Natural ordering of identifiers and titles for every list shown to a person:
// runs of digits compare as numbers, so "2" < "10" < "100" and "tt9" < "tt10";
// other characters compare case-insensitively (ASCII), with the exact bytes as
// the final tie-break so that the order is total and deterministic.

#include <string_view>

namespace tl {

// < 0, 0 or > 0 as a sorts before, equal to or after b.
int naturalCompare(std::string_view a, std::string_view b);

inline bool naturalLess(std::string_view a, std::string_view b)
{
    return naturalCompare(a, b) < 0;
}

}  // namespace tl

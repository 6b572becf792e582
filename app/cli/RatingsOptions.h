#pragma once
// The ratings options that evaluate and explain share: --ratings with --split and
// --seed, or --train with --test; --format, --scale, --skip-bad-lines. One place
// declares, checks and reads them.

#include <ostream>
#include <vector>

#include "app/cli/ArgParser.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"

namespace tl::cli {

void addRatingsOptions(ArgParser& p);

struct LoadedRatings {
    Dataset data;
    std::vector<Split> splits;  // one for --train/--test and holdout, K for kfold:K
};

// Checks the combination (UsageError) and reads the files, reporting each on `err`.
LoadedRatings loadRatings(const ArgParser& p, std::ostream& err);

}  // namespace tl::cli

// trailerlab-cli whatif: predictions after hypothetical rating edits (new users,
// added, changed and removed ratings), applied one by one through the incremental
// what-if model (core/eval/WhatIf.h) instead of a rebuild; the rating files are
// never written.
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/RatingsOptions.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Text.h"
#include "core/eval/Explain.h"
#include "core/eval/WhatIf.h"

namespace tl::cli {

namespace {

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli whatif (--ratings FILE [--split ...] | --train FILE --test FILE) "
                "(--item-features FILE | --genres FILE) --k K [--set U:I:R,...] [--remove U:I,...] "
                "(--predict U:I,... | --top N --user U) [options]",
                "What if these ratings were different? Applies rating edits to the training ratings (as evaluate\n"
                "and explain use them: with --ratings, the training part of the split) through the incremental\n"
                "model, which updates only what an edit changes (the user's mean, relevant items, profile,\n"
                "similarities and the neighbour lists it enters or leaves), then prints predictions and\n"
                "recommendations. Every number equals a full rebuild on the edited ratings. The rating files\n"
                "are never written. A user id not in the ratings given to --set is a new user. Edits apply in\n"
                "order: every --set, then every --remove. Ids may not contain ':' or ','.");
    addRatingsOptions(p);
    addContentOptions(p);
    p.addOption("k", "K", "neighbourhood size");
    addModelOptions(p);
    p.addFlag("clip", "clip predictions to the rating scale (as evaluate --clip)");
    p.addOption("set", "U:I:R,...", "set user U's rating of item I to R (adds it, or changes it)");
    p.addOption("remove", "U:I,...", "remove user U's training rating of item I");
    p.addOption("predict", "U:I,...", "predictions to print after the edits");
    p.addOption("top", "N", "print the N best recommendations for --user after the edits");
    p.addOption("user", "ID", "the user whose recommendations --top prints");
    p.addFlag("json", "print JSON: a list of {user, item, prediction, source} (recommendations also carry rank)");
    p.addEpilog("examples:\n"
                "  trailerlab-cli whatif --train u1.base --test u1.test --genres u.item --k 30 \\\n"
                "      --set 1:50:1,1:172:1 --predict 1:181,1:1\n"
                "  trailerlab-cli whatif --train u1.base --test u1.test --genres u.item --k 30 \\\n"
                "      --set me:50:5,me:181:5,me:1:2 --top 10 --user me --json\n");
    return p;
}

std::string fixed(double v, int digits)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

// "A,B,C" -> {"A", "B", "C"}, each split at ':' into exactly `parts` fields.
std::vector<std::vector<std::string>> fields(const ArgParser& p, const std::string& option, std::size_t parts,
                                             const char* shape)
{
    std::vector<std::vector<std::string>> out;
    const auto value = p.value(option);
    if (!value)
        return out;
    for (const auto entry : text::split(*value, ",")) {
        std::vector<std::string> f;
        for (const auto piece : text::split(entry, ":"))
            f.emplace_back(piece);
        if (f.size() != parts || std::any_of(f.begin(), f.end(), [](const std::string& s) { return s.empty(); }))
            throw UsageError("option --" + option + ": '" + std::string(entry) + "' is not " + shape);
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

int whatifCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    const long k = p.integer("k");
    if (k < 1)
        throw UsageError("option --k must be >= 1");
    if (p.given("top") != p.given("user"))
        throw UsageError("--top N and --user U go together");
    if (!p.given("predict") && !p.given("top"))
        throw UsageError("nothing to print: give --predict U:I,... or --top N --user U");
    const long top = p.given("top") ? p.integer("top") : 0;
    if (top < 0)
        throw UsageError("option --top must be >= 0");
    const ModelOptions modelOptions = readModelOptions(p);
    const auto sets = fields(p, "set", 3, "USER:ITEM:RATING");
    const auto removes = fields(p, "remove", 2, "USER:ITEM");
    const auto predicts = fields(p, "predict", 2, "USER:ITEM");

    const LoadedContent content = loadContent(p, err);
    const FeatureMatrix& features = content.features;
    const ItemCatalog& catalog = content.catalog;
    const LoadedRatings loaded = loadRatings(p, err);
    const Dataset& data = loaded.data;
    // Check every argument before the model is built.
    auto itemOf = [&](const std::string& option, const std::string& id) {
        const auto item = data.items.find(id);
        if (!item)
            throw UsageError("option --" + option + ": unknown item '" + id + "': not in the ratings");
        return *item;
    };
    std::map<std::string, std::uint32_t> newUsers;  // id -> index, in order of first appearance
    std::vector<std::string> newUserOrder;
    std::vector<RatingEdit> edits;
    for (const auto& f : sets) {
        const std::uint32_t item = itemOf("set", f[1]);
        const auto rating = text::parseDouble(f[2]);
        const std::string triple = f[0] + ":" + f[1] + ":" + f[2];
        if (!rating)
            throw UsageError("option --set: '" + triple + "': rating '" + f[2] + "' is not a number");
        if (!data.scale.contains(static_cast<float>(*rating)))
            throw UsageError("option --set: '" + triple + "': rating " + f[2] + " is outside the scale " +
                             fixed(data.scale.min, 1) + "-" + fixed(data.scale.max, 1));
        std::uint32_t user;
        if (const auto known = data.users.find(f[0])) {
            user = *known;
        } else if (const auto it = newUsers.find(f[0]); it != newUsers.end()) {
            user = it->second;
        } else {
            user = static_cast<std::uint32_t>(data.users.size() + newUsers.size());
            newUsers[f[0]] = user;
            newUserOrder.push_back(f[0]);
        }
        edits.push_back({user, item, static_cast<float>(*rating)});
    }
    auto userOf = [&](const std::string& option, const std::string& id) {
        if (const auto known = data.users.find(id))
            return *known;
        if (const auto it = newUsers.find(id); it != newUsers.end())
            return it->second;
        throw UsageError("option --" + option + ": unknown user '" + id + "': not in the ratings nor given to --set");
    };
    for (const auto& f : removes)
        edits.push_back({userOf("remove", f[0]), itemOf("remove", f[1]), std::nullopt});
    std::vector<std::pair<std::uint32_t, std::uint32_t>> queries;
    for (const auto& f : predicts)
        queries.push_back({userOf("predict", f[0]), itemOf("predict", f[1])});
    const bool recommending = p.given("user");
    const std::uint32_t topUser = recommending ? userOf("user", *p.value("user")) : 0;
    auto userId = [&](std::uint32_t u) {
        return u < data.users.size() ? data.users.id(u) : newUserOrder[u - data.users.size()];
    };

    WhatIfSettings settings;
    settings.k = static_cast<int>(k);
    settings.mode = modelOptions.mode;
    settings.relevant = modelOptions.relevant;
    settings.normalization = modelOptions.normalization;
    settings.clip = p.flag("clip");
    WhatIfModel model(data, loaded.splits.front().train, features, settings);
    for (std::size_t n = 0; n < newUserOrder.size(); ++n)
        model.addUser();
    for (const RatingEdit& edit : edits) {
        const bool removing = !edit.rating;
        if (removing && !model.train().rating(edit.user, edit.item))
            throw UsageError("option --remove: user '" + userId(edit.user) + "' has no training rating of item '" +
                             data.items.id(edit.item) + "'");
        const EditReport report = model.apply(edit);
        err << "user " << userId(edit.user) << ", item " << data.items.id(edit.item) << ": "
            << (report.inverse.rating ? fixed(*report.inverse.rating, 1) : std::string("unrated")) << " -> "
            << (edit.rating ? fixed(*edit.rating, 1) : std::string("removed"));
        if (settings.mode == NeighbourMode::Offline)
            err << "; neighbours entered " << report.entered.size() << ", left " << report.left.size()
                << "; entered " << report.enteredListsOf.size() << " and left " << report.leftListsOf.size()
                << " other users' lists";
        err << "\n";
    }

    struct Row {
        std::uint32_t user, item;
        float prediction;
        PredictionSource source;
        int rank;  // 0 for --predict rows
    };
    std::vector<Row> rows;
    for (const auto& [u, i] : queries) {
        PredictionSource source{};
        const float value = model.predict(u, i, &source);
        rows.push_back({u, i, value, source, 0});
    }
    if (recommending) {
        int rank = 0;
        for (const auto& r : model.recommend(topUser, static_cast<std::size_t>(top)))
            rows.push_back({topUser, r.item, r.prediction, PredictionSource::Neighbours, ++rank});
    }

    if (p.flag("json")) {
        nlohmann::json doc = nlohmann::json::array();
        for (const Row& r : rows) {
            nlohmann::json entry = {{"user", userId(r.user)},
                                    {"item", data.items.id(r.item)},
                                    {"prediction", r.prediction},
                                    {"source", toString(r.source)}};
            if (r.rank > 0)
                entry["rank"] = r.rank;
            doc.push_back(entry);
        }
        out << doc.dump(2) << "\n";
        return 0;
    }
    auto title = [&](std::uint32_t i) {
        const ItemInfo* info = catalog.find(data.items.id(i));
        return info ? "  " + info->title : std::string();
    };
    if (!queries.empty()) {
        out << std::left << std::setw(12) << "user" << std::setw(12) << "item" << std::right << std::setw(12)
            << "prediction" << "  source\n";
        for (const Row& r : rows)
            if (r.rank == 0)
                out << std::left << std::setw(12) << userId(r.user) << std::setw(12) << data.items.id(r.item)
                    << std::right << std::setw(12) << fixed(r.prediction, 4) << "  " << toString(r.source)
                    << title(r.item) << "\n";
    }
    if (recommending) {
        out << (queries.empty() ? "" : "\n") << "recommendations for user " << userId(topUser) << " (K = " << k
            << ", neighbours " << toString(settings.mode) << ")\n";
        for (const Row& r : rows)
            if (r.rank > 0)
                out << std::setw(4) << r.rank << "  " << std::left << std::setw(12) << data.items.id(r.item)
                    << std::right << std::setw(8) << fixed(r.prediction, 4) << title(r.item) << "\n";
    }
    return 0;
}

}  // namespace tl::cli

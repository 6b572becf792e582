#include "core/eval/Tuning.h"

#include <algorithm>
#include <cstdio>

#include "core/cf/Hybrid.h"

namespace tl {

namespace {

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isSgd(const std::string& method)
{
    return method == "svd" || endsWith(method, ":vbpr");
}

std::string validationShareText(const TuningFacts& facts)
{
    return "on validation (" + number(facts.validateRatio) + " of training, seed " + std::to_string(facts.seed) + ")";
}

// The method's validated values ("a = 0.9" or "a = 0.9, 0.75 (per fold)"), empty when
// none. A choice made for a source (a fused source's "w") holds for every method run on
// it: row "v+audio:item-knn" shows "v+audio"'s w before its own parameters.
std::string chosenValues(const std::string& method, const TuningFacts& facts)
{
    std::vector<std::string> parameters;  // first-seen order: the source's, then the method's
    std::vector<std::vector<double>> values;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& c : facts.choices) {
            const bool ofSource = method.size() > c.method.size() && method.compare(0, c.method.size(), c.method) == 0 &&
                                  method[c.method.size()] == ':';
            if (pass == 0 ? !ofSource : c.method != method)
                continue;
            const auto at = std::find(parameters.begin(), parameters.end(), c.parameter);
            if (at == parameters.end()) {
                parameters.push_back(c.parameter);
                values.push_back({c.value});
            } else {
                values[static_cast<std::size_t>(at - parameters.begin())].push_back(c.value);
            }
        }
    std::string out;
    for (std::size_t p = 0; p < parameters.size(); ++p) {
        out += (p ? ", " : "") + parameters[p] + " = ";
        for (std::size_t v = 0; v < values[p].size(); ++v)
            out += (v ? ", " : "") + number(values[p][v]);
        if (values[p].size() > 1)
            out += " (per fold)";
    }
    return out;
}

}  // namespace

std::vector<std::size_t> shownRowPerMethod(const std::vector<ResultRow>& rows,
                                           const std::map<std::string, int>& chosenK)
{
    std::vector<std::size_t> shown;
    std::map<std::string, std::size_t> index;  // method -> its entry in `shown`
    for (std::size_t n = 0; n < rows.size(); ++n) {
        const ResultRow& r = rows[n];
        const auto chosen = chosenK.find(r.method);
        const auto it = index.find(r.method);
        if (it == index.end()) {
            index[r.method] = shown.size();
            shown.push_back(n);
            continue;
        }
        const ResultRow& current = rows[shown[it->second]];
        if (chosen != chosenK.end() ? r.k == chosen->second && current.k != chosen->second
                                    : r.metrics.rmse < current.metrics.rmse)
            shown[it->second] = n;
    }
    return shown;
}

std::string sweepRowTuning(const std::string& method, int /*k*/, const TuningFacts& facts)
{
    const std::string values = chosenValues(method, facts);
    const std::string seed = isSgd(method) ? "SGD seed " + std::to_string(facts.seed) : "";
    if (!values.empty())
        return values + " " + validationShareText(facts) + (seed.empty() ? "" : ", " + seed);
    return seed.empty() ? "defaults" : "defaults, " + seed;
}

std::string tableRowTuning(const std::string& method, int k, const TuningFacts& facts)
{
    const std::string values = chosenValues(method, facts);
    if (k == 0)
        return sweepRowTuning(method, k, facts);
    const bool kValidated = facts.validatedK.count(method) > 0;
    if (!values.empty()) {
        if (kValidated)
            return values + ", K " + validationShareText(facts);
        return values + " " + validationShareText(facts) +
               (facts.ks.size() == 1 ? "; K = " + std::to_string(k) + " fixed"
                                     : "; best K picked on test (the paper's Table 1 practice)");
    }
    if (facts.ks.size() == 1)
        return "defaults; K = " + std::to_string(k) + " fixed";
    if (kValidated)
        return "defaults; K " + validationShareText(facts);
    return "defaults; best K picked on test (the paper's Table 1 practice)";
}

std::map<std::string, int> chooseKOnValidation(const Dataset& data, const std::vector<Split>& splits,
                                               const std::vector<ContentSource>& sources, const EvalSettings& settings,
                                               const std::vector<ModelChoice>& choices, const JobContext& ctx)
{
    EvalSettings validation = settings;
    // The hybrid validates itself (its K below); vbpr has no K.
    validation.methods.erase(std::remove_if(validation.methods.begin(), validation.methods.end(),
                                            [](ContentMethod m) {
                                                return m == ContentMethod::Hybrid || m == ContentMethod::Vbpr;
                                            }),
                             validation.methods.end());
    std::vector<SplitResult> folds;
    for (const auto& split : splits) {
        ctx.report("K on validation", static_cast<double>(folds.size()), static_cast<double>(splits.size()));
        folds.push_back(evaluateSplit(data, validationShare(split.train, settings.validateRatio, settings.seed),
                                      sources, validation, ctx));
    }
    std::vector<ResultRow> means;  // mean validation metrics over the splits
    for (const auto& row : aggregate(folds))
        means.push_back({row.method, row.k, row.mean});
    std::map<std::string, int> chosen;
    for (std::size_t n : shownRowPerMethod(means))
        if (means[n].k > 0)
            chosen[means[n].method] = means[n].k;
    std::map<std::string, std::map<int, int>> hybridVotes;
    for (const auto& c : choices)
        if (c.validationK > 0)
            ++hybridVotes[c.method][c.validationK];
    for (const auto& [method, votes] : hybridVotes) {
        int k = 0, most = 0;
        for (const auto& [candidate, count] : votes)  // ascending K: ties keep the smaller
            if (count > most) {
                most = count;
                k = candidate;
            }
        chosen[method] = k;
    }
    return chosen;
}

}  // namespace tl

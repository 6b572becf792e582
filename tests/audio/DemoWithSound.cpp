#include "tests/audio/DemoWithSound.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "core/audio/AudioProfile.h"
#include "core/data/Text.h"
#include "core/experiment/Experiment.h"
#include "core/project/Project.h"

namespace tl::test {

namespace {

std::size_t columnOf(const std::vector<std::string>& names, const std::string& name)
{
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
        throw std::invalid_argument("no column " + name);
    return static_cast<std::size_t>(it - names.begin());
}

std::vector<double> column(const FeatureMatrix& m, std::size_t c)
{
    std::vector<double> out(m.rows());
    for (std::size_t r = 0; r < m.rows(); ++r)
        out[r] = m.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
    return out;
}

std::vector<double> ranks(const std::vector<double>& x)
{
    std::vector<std::size_t> order(x.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> r(x.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]])
            ++j;
        for (std::size_t k = i; k <= j; ++k)
            r[order[k]] = (static_cast<double>(i) + static_cast<double>(j)) / 2.0;
        i = j + 1;
    }
    return r;
}

}  // namespace

std::vector<double> DemoWithSound::audioColumn(const std::string& descriptor) const
{
    return column(audio, columnOf(audio::audioDescriptorNames(), descriptor));
}

std::vector<double> DemoWithSound::propertyColumn(const std::string& property) const
{
    return column(properties, columnOf(kDemoProperties, property));
}

FeatureMatrix DemoWithSound::visualFeatures(const std::filesystem::path& weightsDir) const
{
    ExperimentOptions options;
    options.weightsDir = weightsDir;
    options.models = {"mobilenetv2"};
    options.fps = {1};
    options.ks = {10};
    options.genres = false;
    runExperiment(loadProject(projectFile), options);
    const FeatureMatrix all = readFeatureMatrix(projectFile.parent_path() / "cache" / "profiles" / "mobilenetv2-fps1.npy");
    FeatureMatrix out;
    out.ids = audio.ids;
    out.values.resize(static_cast<Eigen::Index>(audio.rows()), all.values.cols());
    for (std::size_t r = 0; r < audio.rows(); ++r)
        out.values.row(static_cast<Eigen::Index>(r)) =
            all.values.row(static_cast<Eigen::Index>(columnOf(all.ids, audio.ids[r])));
    return out;
}

std::unique_ptr<DemoWithSound> makeDemoWithSound(DemoSpec spec)
{
    auto demo = std::make_unique<DemoWithSound>();
    spec.sound = true;
    spec.writeClips = true;
    demo->projectFile = createDemoProject(demo->dir / "demo", spec);
    const auto root = demo->projectFile.parent_path();
    readRatings(root / "ratings.csv", demo->data);

    // properties.csv: item_id,family,warmth,brightness,texture,motion,cut_rate,seconds
    std::vector<float> values;
    auto in = text::openForRead(root / "properties.csv");
    std::string line;
    bool first = true;
    while (text::readLine(in, line, first)) {
        const bool header = first;
        first = false;
        if (header || line.empty())
            continue;
        const auto fields = text::split(line, ",");
        demo->properties.ids.emplace_back(fields[0]);
        for (std::size_t f = 2; f < 2 + kDemoProperties.size(); ++f)
            values.push_back(static_cast<float>(*text::parseDouble(fields[f])));
    }
    demo->properties.values = Eigen::Map<RowMatrixF>(
        values.data(), static_cast<Eigen::Index>(demo->properties.ids.size()), static_cast<Eigen::Index>(kDemoProperties.size()));

    const auto manifest = readManifest(loadProject(demo->projectFile).manifest);
    const std::size_t dims = audio::audioDescriptorNames().size();
    demo->audio.values.resize(static_cast<Eigen::Index>(manifest.size()), static_cast<Eigen::Index>(dims));
    for (std::size_t r = 0; r < manifest.size(); ++r) {
        const audio::AudioProfile profile = audio::describeAudioFile(manifest[r].video);
        if (!profile.hasAudio() || profile.values.size() != dims || profile.decode.damaged())
            throw std::runtime_error("demo trailer without clean sound: " + manifest[r].video.string());
        demo->audio.ids.push_back(manifest[r].item);
        for (std::size_t c = 0; c < dims; ++c)
            demo->audio.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = profile.values[c];
    }
    if (demo->audio.ids != demo->properties.ids)
        throw std::runtime_error("demo manifest and properties.csv list different items");
    return demo;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b)
{
    const auto ra = ranks(a), rb = ranks(b);
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

}  // namespace tl::test

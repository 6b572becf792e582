#include "core/features/FeatureNames.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/common/Error.h"

namespace tl::features {

namespace {

std::string padded(std::size_t value, int width)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%0*zu", width, value);
    return buffer;
}

// Digits needed for indices below `count` (at least `minimum`).
int digitsFor(std::size_t count, int minimum)
{
    int digits = 1;
    for (std::size_t v = count > 0 ? count - 1 : 0; v >= 10; v /= 10)
        ++digits;
    return std::max(digits, minimum);
}

}  // namespace

FeatureLayout FeatureLayout::forModel(const std::string& model, std::size_t dims)
{
    FeatureLayout layout;
    layout.dims = dims;
    const bool vgg = model == "vgg11" || model == "vgg16" || model == "vgg19";
    if (vgg && dims == 512u * 7u * 7u) {
        layout.kind = Kind::Grid;
        layout.prefix = model + ".pool5";
        layout.channels = 512;
        layout.height = layout.width = 7;
        return layout;
    }
    if (model == "mobilenetv2" && dims == 1280u) {
        layout.kind = Kind::Pooled;
        layout.prefix = "mobilenetv2.pool";
        layout.channels = 1280;
        return layout;
    }
    if (model == "mobilenetv2" && dims == 1280u * 7u * 7u) {
        layout.kind = Kind::Grid;
        layout.prefix = "mobilenetv2.conv_last";
        layout.channels = 1280;
        layout.height = layout.width = 7;
        return layout;
    }
    return indexed(model, dims);
}

FeatureLayout FeatureLayout::named(std::vector<std::string> names)
{
    FeatureLayout layout;
    layout.kind = Kind::Named;
    layout.dims = names.size();
    layout.names = std::move(names);
    return layout;
}

FeatureLayout FeatureLayout::reduced(const std::string& kind, std::size_t dims)
{
    FeatureLayout layout = indexed(kind, dims);
    if (kind == "pca") {
        layout.unit = "pc";
        layout.indexBase = 1;
    } else if (kind == "ae") {
        layout.unit = "z";
        layout.indexBase = 1;
    }
    return layout;
}

FeatureLayout FeatureLayout::indexed(const std::string& prefix, std::size_t dims)
{
    FeatureLayout layout;
    layout.kind = Kind::Indexed;
    layout.prefix = prefix;
    layout.dims = dims;
    return layout;
}

std::string featureName(const FeatureLayout& layout, std::size_t f)
{
    using Kind = FeatureLayout::Kind;
    if (layout.kind == Kind::Named) {
        if (f < layout.names.size() && !layout.names[f].empty())
            return layout.names[f];
        return "f" + padded(f, 4);
    }
    if (f >= layout.dims)
        throw Error("feature " + std::to_string(f) + " is beyond the " + std::to_string(layout.dims) +
                    " dimensions of " + (layout.prefix.empty() ? std::string("this matrix") : layout.prefix));
    const std::string dot = layout.prefix.empty() ? std::string() : layout.prefix + ".";
    switch (layout.kind) {
    case Kind::Pooled:
        return dot + "c" + padded(f, 3);
    case Kind::Grid: {
        const std::size_t cell = layout.height * layout.width;
        const std::size_t c = f / cell, row = (f % cell) / layout.width, col = f % layout.width;
        return dot + "c" + padded(c, 3) + "@" + std::to_string(row) + "," +
               std::to_string(col);
    }
    case Kind::Indexed:
    case Kind::Named:
        break;
    }
    const std::size_t shown = f + static_cast<std::size_t>(layout.indexBase);
    return dot + layout.unit + padded(shown, digitsFor(layout.dims + static_cast<std::size_t>(layout.indexBase), 2));
}

}  // namespace tl::features

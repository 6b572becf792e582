#include "core/data/FeatureMatrix.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

std::filesystem::path npyIdsPath(const std::filesystem::path& npyPath)
{
    auto ids = npyPath;
    ids.replace_extension(".ids.txt");
    return ids;
}

namespace {

void checkFinite(const FeatureMatrix& m, const std::string& file)
{
    for (Eigen::Index r = 0; r < m.values.rows(); ++r)
        if (!m.values.row(r).allFinite())
            throw DataError(file, 0, "item " + m.ids[static_cast<std::size_t>(r)] + " has a non-finite feature value");
}

// Writes through a temporary file and renames it into place.
template <typename WriteFn>
void writeAtomically(const std::filesystem::path& path, WriteFn write)
{
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out)
            throw DataError(path.string(), 0, std::string("cannot write: ") + std::strerror(errno));
        write(out);
        out.flush();
        if (!out)
            throw DataError(path.string(), 0, "write failed (disk full?)");
    }
    std::filesystem::rename(tmp, path);
}

}  // namespace

FeatureMatrix readFeatureCsv(const std::filesystem::path& path)
{
    auto in = text::openForRead(path);
    const std::string file = path.string();
    FeatureMatrix m;
    std::vector<float> values;
    std::string line;
    std::size_t lineNumber = 0;
    long dims = -1;
    bool first = true;
    while (text::readLine(in, line, first)) {
        ++lineNumber;
        const bool wasFirst = first;
        first = false;
        if (text::trim(line).empty())
            continue;
        auto fields = text::split(line, ",");
        if (fields.size() < 2)
            throw DataError(file, lineNumber, "expected item_id,f1,...,fF");
        if (wasFirst && !text::parseDouble(fields[1]) && text::trim(fields[1]) != "nan")
            continue;  // header
        if (dims < 0)
            dims = static_cast<long>(fields.size()) - 1;
        else if (static_cast<long>(fields.size()) - 1 != dims)
            throw DataError(file, lineNumber,
                            "expected " + std::to_string(dims) + " features as on the first row, found " +
                                std::to_string(fields.size() - 1));
        const std::string id(text::trim(fields[0]));
        if (id.empty())
            throw DataError(file, lineNumber, "empty item id");
        for (std::size_t f = 1; f < fields.size(); ++f) {
            const auto token = text::trim(fields[f]);
            auto v = text::parseDouble(token);
            if (!v) {
                // from_chars rejects "nan"/"inf" spellings we still want to name as non-finite
                if (token == "nan" || token == "NaN" || token == "inf" || token == "-inf")
                    throw DataError(file, lineNumber, "item " + id + " has a non-finite feature value (f" +
                                                          std::to_string(f) + ")");
                throw DataError(file, lineNumber, "feature f" + std::to_string(f) + " '" + std::string(token) +
                                                      "' is not a number");
            }
            if (!std::isfinite(*v))
                throw DataError(file, lineNumber,
                                "item " + id + " has a non-finite feature value (f" + std::to_string(f) + ")");
            values.push_back(static_cast<float>(*v));
        }
        m.ids.push_back(id);
    }
    if (m.ids.empty())
        throw DataError(file, 0, "empty file: no feature rows");
    m.values = Eigen::Map<RowMatrixF>(values.data(), static_cast<Eigen::Index>(m.ids.size()), dims);
    return m;
}

FeatureMatrix readFeatureNpy(const std::filesystem::path& path)
{
    auto in = text::openForRead(path);
    const std::string file = path.string();
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
        throw DataError(file, 0, "not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(magic[6]);
    std::uint32_t headerLength = 0;
    if (major == 1) {
        unsigned char len[2];
        in.read(reinterpret_cast<char*>(len), 2);
        headerLength = len[0] | (len[1] << 8);
    } else if (major == 2 || major == 3) {
        unsigned char len[4];
        in.read(reinterpret_cast<char*>(len), 4);
        headerLength = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<std::uint32_t>(len[3]) << 24);
    } else {
        throw DataError(file, 0, "unsupported .npy version " + std::to_string(major));
    }
    std::string header(headerLength, '\0');
    if (!in.read(header.data(), headerLength))
        throw DataError(file, 0, "truncated .npy header");
    auto field = [&](const std::string& key) {
        auto pos = header.find("'" + key + "'");
        if (pos == std::string::npos)
            throw DataError(file, 0, ".npy header lacks '" + key + "'");
        return header.substr(header.find(':', pos) + 1);
    };
    const std::string descr = field("descr");
    bool isDouble;
    if (descr.find("<f4") != std::string::npos)
        isDouble = false;
    else if (descr.find("<f8") != std::string::npos)
        isDouble = true;
    else
        throw DataError(file, 0, "unsupported dtype (expected little-endian float32 or float64): " + descr);
    if (field("fortran_order").find("False") == std::string::npos)
        throw DataError(file, 0, "Fortran-order arrays are not supported; save with C order");
    std::string shape = field("shape");
    shape = shape.substr(shape.find('(') + 1, shape.find(')') - shape.find('(') - 1);
    std::vector<long> dims;
    std::istringstream shapeIn(shape);
    std::string token;
    while (std::getline(shapeIn, token, ','))
        if (auto v = text::parseInt(token))
            dims.push_back(static_cast<long>(*v));
    if (dims.size() != 2)
        throw DataError(file, 0, "expected a 2-D array [items, features], shape is (" + shape + ")");

    FeatureMatrix m;
    m.values.resize(dims[0], dims[1]);
    const std::size_t count = static_cast<std::size_t>(dims[0]) * static_cast<std::size_t>(dims[1]);
    if (isDouble) {
        std::vector<double> buffer(count);
        in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(count * sizeof(double)));
        if (static_cast<std::size_t>(in.gcount()) != count * sizeof(double))
            throw DataError(file, 0, "truncated data: expected " + std::to_string(count) + " float64 values");
        for (std::size_t k = 0; k < count; ++k)
            m.values.data()[k] = static_cast<float>(buffer[k]);
    } else {
        in.read(reinterpret_cast<char*>(m.values.data()), static_cast<std::streamsize>(count * sizeof(float)));
        if (static_cast<std::size_t>(in.gcount()) != count * sizeof(float))
            throw DataError(file, 0, "truncated data: expected " + std::to_string(count) + " float32 values");
    }

    const auto idsPath = npyIdsPath(path);
    auto ids = text::openForRead(idsPath);
    std::string line;
    bool first = true;
    while (text::readLine(ids, line, first)) {
        first = false;
        const auto id = text::trim(line);
        if (!id.empty())
            m.ids.emplace_back(id);
    }
    if (static_cast<long>(m.ids.size()) != dims[0])
        throw DataError(idsPath.string(), 0,
                        "has " + std::to_string(m.ids.size()) + " ids but " + file + " has " +
                            std::to_string(dims[0]) + " rows");
    checkFinite(m, file);
    return m;
}

FeatureMatrix readFeatureMatrix(const std::filesystem::path& path)
{
    if (path.extension() == ".npy")
        return readFeatureNpy(path);
    return readFeatureCsv(path);
}

void writeFeatureMatrix(const FeatureMatrix& m, const std::filesystem::path& path)
{
    if (static_cast<Eigen::Index>(m.ids.size()) != m.values.rows())
        throw ConfigError("feature matrix has " + std::to_string(m.ids.size()) + " ids but " +
                          std::to_string(m.values.rows()) + " rows");
    checkFinite(m, path.string());
    if (path.extension() == ".npy") {
        std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                             std::to_string(m.values.rows()) + ", " + std::to_string(m.values.cols()) + "), }";
        const std::size_t total = 10 + header.size() + 1;
        header.append((64 - total % 64) % 64, ' ');
        header += '\n';
        writeAtomically(path, [&](std::ofstream& out) {
            out.write("\x93NUMPY\x01\x00", 8);
            const auto len = static_cast<std::uint16_t>(header.size());
            const char lenBytes[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
            out.write(lenBytes, 2);
            out << header;
            out.write(reinterpret_cast<const char*>(m.values.data()),
                      static_cast<std::streamsize>(m.values.size() * sizeof(float)));
        });
        writeAtomically(npyIdsPath(path), [&](std::ofstream& out) {
            for (const auto& id : m.ids)
                out << id << '\n';
        });
        return;
    }
    writeAtomically(path, [&](std::ofstream& out) {
        out << "item_id";
        for (Eigen::Index f = 0; f < m.values.cols(); ++f)
            out << ",f" << f + 1;
        out << '\n';
        char buffer[32];
        for (Eigen::Index r = 0; r < m.values.rows(); ++r) {
            out << m.ids[static_cast<std::size_t>(r)];
            for (Eigen::Index f = 0; f < m.values.cols(); ++f) {
                // %.9g round-trips every float32 exactly.
                std::snprintf(buffer, sizeof buffer, ",%.9g", static_cast<double>(m.values(r, f)));
                out << buffer;
            }
            out << '\n';
        }
    });
}

}  // namespace tl

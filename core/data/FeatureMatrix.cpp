#include "core/data/FeatureMatrix.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/common/AtomicFile.h"
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

bool usable(float v)
{
    // Compared as float32: 1e30f itself (1.0000000150e30) is allowed.
    return std::isfinite(v) && std::fabs(v) <= static_cast<float>(kMaxFeatureMagnitude);
}

std::string valueProblem(float v)
{
    return std::isfinite(v) ? "a feature value above 1e30 in magnitude (would overflow float32 sums)"
                            : "a non-finite feature value";
}

void checkValues(const FeatureMatrix& m, const std::string& file)
{
    for (Eigen::Index r = 0; r < m.values.rows(); ++r)
        for (Eigen::Index f = 0; f < m.values.cols(); ++f)
            if (!usable(m.values(r, f)))
                throw DataError(file, 0, "item " + m.ids[static_cast<std::size_t>(r)] + " (row " +
                                             std::to_string(r + 1) + ") has " + valueProblem(m.values(r, f)) +
                                             " (f" + std::to_string(f + 1) + ")");
}

std::uint64_t checkedProduct(std::uint64_t a, std::uint64_t b, const std::string& file)
{
    std::uint64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        throw DataError(file, 0, ".npy header: the array size overflows (" + std::to_string(a) + " x " +
                                     std::to_string(b) + ")");
    return product;
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
    std::map<std::string, std::size_t> seen;
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
        if (const auto [it, fresh] = seen.emplace(id, lineNumber); !fresh)
            throw DataError(file, lineNumber,
                            "item " + id + " listed twice (first on line " + std::to_string(it->second) + ")");
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
            const auto stored = static_cast<float>(*v);  // checked as stored: 1e39 is finite as a double
            if (!usable(stored))
                throw DataError(file, lineNumber,
                                "item " + id + " has " + valueProblem(stored) + " (f" + std::to_string(f) + " = " +
                                    std::string(token) + ")");
            values.push_back(stored);
        }
        m.ids.push_back(id);
    }
    if (m.ids.empty())
        throw DataError(file, 0, "empty file: no feature rows");
    if (dims < 1)
        throw DataError(file, 0, "no feature columns");
    m.values = Eigen::Map<RowMatrixF>(values.data(), static_cast<Eigen::Index>(m.ids.size()), dims);
    return m;
}

RowMatrixF readNpyArray(const std::filesystem::path& path)
{
    auto in = text::openForRead(path);
    const std::string file = path.string();
    std::error_code ec;
    const std::uint64_t fileSize = std::filesystem::file_size(path, ec);
    if (ec)
        throw DataError(file, 0, "cannot read its size: " + ec.message());
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
        throw DataError(file, 0, "not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(magic[6]);
    std::uint64_t headerLength = 0;
    std::uint64_t prefix = 0;
    if (major == 1) {
        unsigned char len[2];
        if (!in.read(reinterpret_cast<char*>(len), 2))
            throw DataError(file, 0, "truncated .npy header");
        headerLength = len[0] | (len[1] << 8);
        prefix = 10;
    } else if (major == 2 || major == 3) {
        unsigned char len[4];
        if (!in.read(reinterpret_cast<char*>(len), 4))
            throw DataError(file, 0, "truncated .npy header");
        headerLength = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<std::uint32_t>(len[3]) << 24);
        prefix = 12;
    } else {
        throw DataError(file, 0, "unsupported .npy version " + std::to_string(major));
    }
    if (headerLength > fileSize - prefix)  // checked before allocating anything for it
        throw DataError(file, 0, ".npy header length " + std::to_string(headerLength) + " exceeds the file (" +
                                     std::to_string(fileSize) + " bytes): truncated or not a .npy file");
    std::string header(headerLength, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(headerLength)))
        throw DataError(file, 0, "truncated .npy header");
    auto field = [&](const std::string& key) {
        const auto pos = header.find("'" + key + "'");
        if (pos == std::string::npos || header.find(':', pos) == std::string::npos)
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
    const auto open = shape.find('('), close = shape.find(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        throw DataError(file, 0, ".npy header: shape is not a tuple");
    shape = shape.substr(open + 1, close - open - 1);
    std::vector<std::uint64_t> dims;
    std::istringstream shapeIn(shape);
    std::string token;
    while (std::getline(shapeIn, token, ',')) {
        if (text::trim(token).empty())
            continue;  // the trailing comma of (n,)
        const auto v = text::parseInt(token);
        if (!v || *v < 0)
            throw DataError(file, 0, ".npy header: shape entry '" + std::string(text::trim(token)) +
                                         "' is not a size");
        dims.push_back(static_cast<std::uint64_t>(*v));
    }
    if (dims.size() != 2)
        throw DataError(file, 0, "expected a 2-D array [items, features], shape is (" + shape + ")");
    if (dims[0] == 0 || dims[1] == 0)
        throw DataError(file, 0, "empty array (shape " + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) +
                                     "): no items or no features");
    const std::uint64_t count = checkedProduct(dims[0], dims[1], file);
    const std::uint64_t bytes = checkedProduct(count, isDouble ? 8 : 4, file);
    const std::uint64_t available = fileSize - prefix - headerLength;
    if (bytes != available)  // before allocating: a header cannot claim more memory than the file holds
        throw DataError(file, 0, std::string(bytes > available ? "truncated data" : "trailing bytes after the data") +
                                     ": the header's shape (" + std::to_string(dims[0]) + ", " +
                                     std::to_string(dims[1]) + ") needs " + std::to_string(bytes) +
                                     " bytes of data, the file holds " + std::to_string(available));
    if (dims[0] > static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max()) ||
        dims[1] > static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max()))
        throw DataError(file, 0, "array too large");

    RowMatrixF values(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
    if (isDouble) {
        std::vector<double> buffer(std::min<std::uint64_t>(count, 1u << 16));
        for (std::uint64_t done = 0; done < count;) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), count - done));
            if (!in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(n * sizeof(double))))
                throw DataError(file, 0, "truncated data: expected " + std::to_string(count) + " float64 values");
            for (std::size_t k = 0; k < n; ++k)
                values.data()[done + k] = static_cast<float>(buffer[k]);  // checked as float below
            done += n;
        }
    } else {
        if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes)))
            throw DataError(file, 0, "truncated data: expected " + std::to_string(count) + " float32 values");
    }
    return values;
}

FeatureMatrix readFeatureNpy(const std::filesystem::path& path)
{
    const std::string file = path.string();
    FeatureMatrix m;
    m.values = readNpyArray(path);
    const auto rows = static_cast<std::size_t>(m.values.rows());
    const auto idsPath = npyIdsPath(path);
    auto ids = text::openForRead(idsPath);
    std::string line;
    bool first = true;
    std::size_t lineNumber = 0;
    std::map<std::string, std::size_t> seen;
    while (text::readLine(ids, line, first)) {
        first = false;
        ++lineNumber;
        const auto id = text::trim(line);
        if (id.empty())
            continue;
        if (m.ids.size() == rows)
            throw DataError(idsPath.string(), lineNumber, "more ids than the " + std::to_string(rows) + " rows of " + file);
        if (const auto [it, fresh] = seen.emplace(std::string(id), lineNumber); !fresh)
            throw DataError(idsPath.string(), lineNumber,
                            "item " + std::string(id) + " listed twice (first on line " + std::to_string(it->second) + ")");
        m.ids.emplace_back(id);
    }
    if (m.ids.size() != rows)
        throw DataError(idsPath.string(), 0,
                        "has " + std::to_string(m.ids.size()) + " ids but " + file + " has " + std::to_string(rows) +
                            " rows");
    checkValues(m, file);
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
    checkValues(m, path.string());
    if (path.extension() == ".npy") {
        std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                             std::to_string(m.values.rows()) + ", " + std::to_string(m.values.cols()) + "), }";
        const std::size_t total = 10 + header.size() + 1;
        header.append((64 - total % 64) % 64, ' ');
        header += '\n';
        writeFileAtomically(path, [&](std::ostream& out) {
            out.write("\x93NUMPY\x01\x00", 8);
            const auto len = static_cast<std::uint16_t>(header.size());
            const char lenBytes[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
            out.write(lenBytes, 2);
            out << header;
            out.write(reinterpret_cast<const char*>(m.values.data()),
                      static_cast<std::streamsize>(m.values.size() * sizeof(float)));
        });
        writeFileAtomically(npyIdsPath(path), [&](std::ostream& out) {
            for (const auto& id : m.ids)
                out << id << '\n';
        });
        return;
    }
    writeFileAtomically(path, [&](std::ostream& out) {
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

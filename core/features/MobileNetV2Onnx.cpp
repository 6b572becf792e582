#include "core/features/MobileNetV2Weights.h"

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"

#ifndef TRAILERLAB_HAVE_ONNX

namespace tl::features {
bool onnxSupportBuilt() { return false; }
MobileNetV2Weights loadMobileNetV2Onnx(const std::filesystem::path& path)
{
    throw ModelError("cannot read " + path.string() + ": this build has no ONNX support (libonnx-dev not found)");
}
}  // namespace tl::features

#else

#include <cstring>
#include <fstream>
#include <map>

#include <onnx/onnx_pb.h>

namespace tl::features {
namespace {

class Graph {
public:
    Graph(const onnx::ModelProto& model, std::filesystem::path path) : path_(std::move(path))
    {
        for (const auto& t : model.graph().initializer())
            initialisers_[t.name()] = &t;
    }

    [[noreturn]] void fail(const std::string& reason) const
    {
        throw ModelError("MobileNetV2 ONNX file " + path_.string() + ": " + reason);
    }

    // A node's i-th input name; a node with fewer inputs is a damaged graph.
    const std::string& input(const onnx::NodeProto& node, int i) const
    {
        if (i >= node.input_size())
            fail(node.op_type() + " node '" + node.name() + "' has " + std::to_string(node.input_size()) +
                 " inputs, expected at least " + std::to_string(i + 1));
        return node.input(i);
    }

    const onnx::TensorProto& tensor(const std::string& name) const
    {
        auto it = initialisers_.find(name);
        if (it == initialisers_.end())
            fail("initialiser '" + name + "' not found (non-constant quantisation parameters are unsupported)");
        return *it->second;
    }

    std::vector<float> floats(const std::string& name) const
    {
        const auto& t = tensor(name);
        if (t.data_type() != onnx::TensorProto::FLOAT)
            fail("initialiser '" + name + "' is not float");
        if (!t.raw_data().empty()) {
            std::vector<float> v(t.raw_data().size() / 4);
            std::memcpy(v.data(), t.raw_data().data(), v.size() * 4);
            return v;
        }
        return {t.float_data().begin(), t.float_data().end()};
    }

    // Integer initialisers of any integer type, widened (int8/uint8 live in int32_data
    // or raw_data; int32 bias likewise).
    std::vector<std::int64_t> integers(const std::string& name) const
    {
        const auto& t = tensor(name);
        const std::string& raw = t.raw_data();
        std::vector<std::int64_t> v;
        switch (t.data_type()) {
        case onnx::TensorProto::UINT8:
            if (!raw.empty())
                for (char c : raw) v.push_back(static_cast<unsigned char>(c));
            else
                v.assign(t.int32_data().begin(), t.int32_data().end());
            break;
        case onnx::TensorProto::INT8:
            if (!raw.empty())
                for (char c : raw) v.push_back(static_cast<signed char>(c));
            else
                v.assign(t.int32_data().begin(), t.int32_data().end());
            break;
        case onnx::TensorProto::INT32:
            if (!raw.empty()) {
                v.resize(raw.size() / 4);
                for (std::size_t i = 0; i < v.size(); ++i) {
                    std::int32_t x;
                    std::memcpy(&x, raw.data() + 4 * i, 4);
                    v[i] = x;
                }
            } else {
                v.assign(t.int32_data().begin(), t.int32_data().end());
            }
            break;
        default:
            fail("initialiser '" + name + "' has unsupported integer type " + std::to_string(t.data_type()));
        }
        return v;
    }

    float scalar(const std::string& name) const
    {
        const auto v = floats(name);
        if (v.size() != 1)
            fail("'" + name + "' is not a scalar");
        return v[0];
    }

    // Representable range of an activation quantised with (scale, zero point).
    ClampRange range(const std::string& scaleName, const std::string& zeroName) const
    {
        const float scale = scalar(scaleName);
        const auto zp = integers(zeroName);
        if (zp.size() != 1)
            fail("'" + zeroName + "' is not a scalar");
        const bool isUnsigned = tensor(zeroName).data_type() == onnx::TensorProto::UINT8;
        const float qmin = isUnsigned ? 0.f : -128.f;
        const float qmax = isUnsigned ? 255.f : 127.f;
        return {(qmin - static_cast<float>(zp[0])) * scale, (qmax - static_cast<float>(zp[0])) * scale};
    }

private:
    std::filesystem::path path_;
    std::map<std::string, const onnx::TensorProto*> initialisers_;
};

std::vector<std::int64_t> intsAttribute(const onnx::NodeProto& node, const std::string& name)
{
    for (const auto& a : node.attribute())
        if (a.name() == name)
            return {a.ints().begin(), a.ints().end()};
    return {};
}

std::int64_t intAttribute(const onnx::NodeProto& node, const std::string& name, std::int64_t fallback)
{
    for (const auto& a : node.attribute())
        if (a.name() == name)
            return a.i();
    return fallback;
}

}  // namespace

bool onnxSupportBuilt() { return true; }

MobileNetV2Weights loadMobileNetV2Onnx(const std::filesystem::path& path)
{
    onnx::ModelProto model;
    {
        try {
            requireRegularFile(path, "ONNX model");
        } catch (const DataError& e) {
            throw ModelError(std::string("MobileNetV2 ONNX file ") + e.what());
        }
        std::error_code ec;
        if (std::filesystem::file_size(path, ec) == 0 && !ec)
            throw ModelError("MobileNetV2 ONNX file " + path.string() + ": empty file (0 bytes), not an ONNX model");
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw ModelError("cannot open MobileNetV2 ONNX file " + path.string());
        if (!model.ParseFromIstream(&in))
            throw ModelError("MobileNetV2 ONNX file " + path.string() + " is not a valid ONNX protobuf");
    }
    const Graph graph(model, path);
    if (model.graph().node_size() == 0)
        graph.fail("not an ONNX model of a network (no graph nodes)");
    MobileNetV2Weights w;
    bool sawInput = false, sawPool = false, sawMatMul = false, sawBias = false;

    for (const auto& node : model.graph().node()) {
        const std::string& op = node.op_type();
        if (op == "QuantizeLinear" && !sawInput) {
            w.input = graph.range(graph.input(node, 1), graph.input(node, 2));
            sawInput = true;
        } else if (op == "QLinearConv") {
            if (node.input_size() < 8)
                graph.fail("QLinearConv without enough inputs");
            const auto& wt = graph.tensor(graph.input(node, 3));
            if (wt.dims_size() != 4)
                graph.fail("conv weight '" + graph.input(node, 3) + "' is not 4-D");
            FloatConv conv;
            conv.name = graph.input(node, 3);
            conv.outChannels = static_cast<int>(wt.dims(0));
            conv.groups = static_cast<int>(intAttribute(node, "group", 1));
            conv.inChannels = static_cast<int>(wt.dims(1)) * conv.groups;
            conv.kernel = static_cast<int>(wt.dims(2));
            if (wt.dims(0) < 1 || wt.dims(1) < 1 || wt.dims(2) < 1 || wt.dims(0) > 4096 || wt.dims(1) > 4096 ||
                wt.dims(2) > 15 || wt.dims(3) != wt.dims(2) || conv.groups < 1 || conv.groups > 4096)
                graph.fail("conv weight '" + conv.name + "' has an unsupported shape or group count");
            const auto strides = intsAttribute(node, "strides");
            conv.stride = strides.empty() ? 1 : static_cast<int>(strides[0]);
            const auto pads = intsAttribute(node, "pads");
            const int expectedPad = conv.kernel / 2;
            for (auto p : pads)
                if (p != expectedPad)
                    graph.fail("conv '" + conv.name + "' has non-'same' padding");

            const auto q = graph.integers(graph.input(node, 3));
            const auto scale = graph.floats(graph.input(node, 4));
            const auto zero = graph.integers(graph.input(node, 5));
            const std::size_t perChannel = static_cast<std::size_t>(wt.dims(1) * wt.dims(2) * wt.dims(3));
            if (q.size() != perChannel * static_cast<std::size_t>(conv.outChannels))
                graph.fail("conv '" + conv.name + "' holds " + std::to_string(q.size()) + " weights, its shape needs " +
                           std::to_string(perChannel * static_cast<std::size_t>(conv.outChannels)));
            const bool perTensor = scale.size() == 1;
            if (!perTensor && scale.size() != static_cast<std::size_t>(conv.outChannels))
                graph.fail("conv '" + conv.name + "' scale count matches neither 1 nor the output channels");
            if (zero.size() != 1 && zero.size() != static_cast<std::size_t>(conv.outChannels))
                graph.fail("conv '" + conv.name + "' zero-point count matches neither 1 nor the output channels");
            conv.weight.resize(q.size());
            for (int c = 0; c < conv.outChannels; ++c) {
                const float s = scale[perTensor ? 0 : c];
                const auto z = zero[zero.size() == 1 ? 0 : static_cast<std::size_t>(c)];
                for (std::size_t k = 0; k < perChannel; ++k) {
                    const std::size_t i = static_cast<std::size_t>(c) * perChannel + k;
                    conv.weight[i] = s * static_cast<float>(q[i] - z);
                }
            }
            const float inputScale = graph.scalar(graph.input(node, 1));
            conv.bias.assign(static_cast<std::size_t>(conv.outChannels), 0.f);
            if (node.input_size() > 8 && !node.input(8).empty()) {
                const auto b = graph.integers(graph.input(node, 8));
                if (b.size() != static_cast<std::size_t>(conv.outChannels))
                    graph.fail("conv '" + conv.name + "' bias has the wrong size");
                for (int c = 0; c < conv.outChannels; ++c)
                    conv.bias[c] = static_cast<float>(b[c]) * inputScale * scale[perTensor ? 0 : c];
            }
            conv.output = graph.range(graph.input(node, 6), graph.input(node, 7));
            w.convs.push_back(std::move(conv));
        } else if (op == "QLinearAdd" && !sawPool) {
            w.residuals.push_back(graph.range(graph.input(node, 6), graph.input(node, 7)));
        } else if (op == "QLinearGlobalAveragePool") {
            w.pooled = graph.range(graph.input(node, 3), graph.input(node, 4));
            sawPool = true;
        } else if (op == "QLinearMatMul") {
            const auto& bt = graph.tensor(graph.input(node, 3));
            if (bt.dims_size() != 2 || bt.dims(0) != 1280 || bt.dims(1) != 1000)
                graph.fail("classifier weight is not 1280 x 1000");
            const auto q = graph.integers(graph.input(node, 3));
            const auto scale = graph.floats(graph.input(node, 4));
            const auto zero = graph.integers(graph.input(node, 5));
            if (q.size() != 1280u * 1000u || (scale.size() != 1 && scale.size() != 1000) ||
                (zero.size() != 1 && zero.size() != 1000))
                graph.fail("classifier weight, scale or zero point has the wrong number of values");
            w.classifierWeight.assign(1000 * 1280, 0.f);
            for (int i = 0; i < 1280; ++i)
                for (int o = 0; o < 1000; ++o) {
                    const std::size_t col = scale.size() == 1 ? 0 : static_cast<std::size_t>(o);
                    const std::size_t zcol = zero.size() == 1 ? 0 : static_cast<std::size_t>(o);
                    w.classifierWeight[static_cast<std::size_t>(o) * 1280 + i] =
                        scale[col] * static_cast<float>(q[static_cast<std::size_t>(i) * 1000 + o] - zero[zcol]);
                }
            w.matmul = graph.range(graph.input(node, 6), graph.input(node, 7));
            sawMatMul = true;
        } else if (op == "QLinearAdd" && sawMatMul && !sawBias) {
            // The bias is the initialiser operand, quantised with its own scale / zero point.
            const auto q = graph.integers(graph.input(node, 3));
            const float s = graph.scalar(graph.input(node, 4));
            const auto z = graph.integers(graph.input(node, 5));
            if (q.size() != 1000 || z.size() != 1)
                graph.fail("classifier bias is not 1000 values with one zero point");
            w.classifierBias.resize(1000);
            for (std::size_t i = 0; i < 1000; ++i)
                w.classifierBias[i] = s * static_cast<float>(q[i] - z[0]);
            w.logits = graph.range(graph.input(node, 6), graph.input(node, 7));
            sawBias = true;
        }
    }
    if (!sawInput || !sawPool || !sawMatMul || !sawBias)
        graph.fail("graph lacks QuantizeLinear / QLinearGlobalAveragePool / QLinearMatMul / classifier bias");
    if (w.convs.size() != 52 || w.residuals.size() != 10)
        graph.fail("expected 52 QLinearConv and 10 residual QLinearAdd, found " + std::to_string(w.convs.size()) +
                   " and " + std::to_string(w.residuals.size()));
    return w;
}

}  // namespace tl::features

#endif

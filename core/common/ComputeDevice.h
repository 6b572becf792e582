#pragma once
// Where a computation runs: the CPU, a CUDA GPU (the default one, or cuda:N), or
// "auto" (CUDA when this build and machine have it, else the CPU). The one parse
// and the one format of a device for every command-line option, setting and model
// spec. No LibTorch here: the folders that link LibTorch count the CUDA devices it
// sees and call resolve(), so the rules (and their error messages) live once.
//
// Accepted text, exactly (lower case, no spaces): "auto", "cpu", "cuda", "cuda:N"
// with N a device number 0, 1, ...

#include <string>

namespace tl {

class ComputeDevice {
public:
    enum class Kind { Auto, Cpu, Cuda };

    ComputeDevice() = default;  // auto
    static ComputeDevice automatic() { return {}; }
    static ComputeDevice cpu() { return ComputeDevice(Kind::Cpu, -1); }
    // index -1: CUDA's default device ("cuda"); N >= 0: that device ("cuda:N").
    static ComputeDevice cuda(int index = -1) { return ComputeDevice(Kind::Cuda, index < 0 ? -1 : index); }

    // Throws ConfigError "device 'TEXT': expected ..." for anything but the forms above.
    static ComputeDevice parse(const std::string& text);
    // The canonical text: "auto", "cpu", "cuda", "cuda:N"; parse(d.str()) == d.
    std::string str() const;

    Kind kind() const { return kind_; }
    bool isAuto() const { return kind_ == Kind::Auto; }
    bool isCpu() const { return kind_ == Kind::Cpu; }
    bool isCuda() const { return kind_ == Kind::Cuda; }
    int index() const { return index_; }  // -1 unless "cuda:N"

    // The concrete device when `cudaDevices` CUDA devices are usable (0: a CPU-only
    // LibTorch or no GPU): auto becomes "cuda" when there is one, else "cpu"; cpu
    // stays; cuda and cuda:N stay when that device exists. Throws ConfigError
    // naming the device and what to do otherwise.
    ComputeDevice resolve(int cudaDevices) const;

    bool operator==(const ComputeDevice&) const = default;

private:
    ComputeDevice(Kind kind, int index) : kind_(kind), index_(index) {}
    Kind kind_ = Kind::Auto;
    int index_ = -1;
};

}  // namespace tl

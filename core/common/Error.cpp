#include "core/common/Error.h"

namespace tl {

namespace {
std::string dataMessage(const std::string& file, std::size_t line, const std::string& reason)
{
    std::string message = file;
    if (line > 0)
        message += ":" + std::to_string(line);
    return message + ": " + reason;
}
}  // namespace

DataError::DataError(std::string file, std::size_t line, std::string reason)
    : Error(dataMessage(file, line, reason)), file_(std::move(file)), line_(line), reason_(std::move(reason))
{
}

DecodeError::DecodeError(std::string file, std::string reason)
    : Error(file + ": " + reason), file_(std::move(file)), reason_(std::move(reason))
{
}

WriteError::WriteError(std::string file, std::string reason)
    : Error("cannot write " + file + ": " + reason), file_(std::move(file)), reason_(std::move(reason))
{
}

}  // namespace tl

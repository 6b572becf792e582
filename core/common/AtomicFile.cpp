#include "core/common/AtomicFile.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <streambuf>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/Error.h"

namespace tl {

namespace {

// An ostream buffer over a file descriptor that remembers the first write error.
class FdBuffer : public std::streambuf {
public:
    explicit FdBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
    int error() const { return error_; }
    bool flushAll() { return drain(); }

protected:
    int_type overflow(int_type c) override
    {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        if (n >= static_cast<std::streamsize>(sizeof buffer_)) {  // large blocks bypass the buffer
            if (!drain() || !writeAll(s, static_cast<std::size_t>(n)))
                return 0;
            return n;
        }
        return std::streambuf::xsputn(s, n);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    bool drain()
    {
        const auto n = static_cast<std::size_t>(pptr() - pbase());
        setp(buffer_, buffer_ + sizeof buffer_);
        return writeAll(buffer_, n);
    }
    bool writeAll(const char* data, std::size_t n)
    {
        if (error_)
            return false;
        while (n > 0) {
            const ssize_t w = ::write(fd_, data, n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                error_ = errno;
                return false;
            }
            data += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }

    int fd_;
    int error_ = 0;
    char buffer_[1 << 16];
};

std::string describe(int error)
{
    return std::string(std::strerror(error)) + (error == ENOSPC || error == EDQUOT ? " (the disk is full)" : "");
}

std::filesystem::path temporaryName(const std::filesystem::path& path)
{
    static std::atomic<unsigned long> counter{0};
    const auto thread = std::hash<std::thread::id>{}(std::this_thread::get_id()) & 0xffffff;
    std::string name(1, '.');  // appended piece by piece: GCC 12 warns (-Wrestrict) on "." + string
    name += path.filename().string();
    name += '.';
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(thread);
    name += '-';
    name += std::to_string(counter.fetch_add(1));
    name += ".tmp";
    return path.parent_path() / name;
}

}  // namespace

void requireRegularFile(const std::filesystem::path& path, std::string_view what)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw DataError(path.string(), 0, std::string(what) + " not found: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw DataError(path.string(), 0, "is a directory, expected a " + std::string(what));
    if (!S_ISREG(st.st_mode))
        throw DataError(path.string(), 0,
                        "not a regular file (a FIFO, socket or device): refused as a " + std::string(what));
}

void writeFileAtomically(const std::filesystem::path& target, const std::function<void(std::ostream&)>& fill)
{
    const std::filesystem::path path = target.has_filename() ? target : target.parent_path();
    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw WriteError(path.string(),
                             "cannot create the folder " + path.parent_path().string() + ": " + describe(ec.value()));
    }
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode))
        throw WriteError(path.string(), "exists and is not a regular file");

    std::filesystem::path temp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp = temporaryName(path);
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            throw WriteError(path.string(), "cannot create a temporary file: " + describe(errno));
    }
    if (fd < 0)
        throw WriteError(path.string(), "cannot create a unique temporary file");

    int error = 0;
    std::string failure;
    try {
        FdBuffer buffer(fd);
        std::ostream out(&buffer);
        fill(out);
        out.flush();
        if (!buffer.flushAll() || buffer.error() || !out)
            error = buffer.error() ? buffer.error() : EIO;
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "unknown error while writing";
    }
    if (failure.empty() && !error && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && failure.empty() && !error)
        error = errno;
    if (failure.empty() && !error && ::rename(temp.c_str(), path.c_str()) != 0)
        error = errno;
    if (!failure.empty() || error) {
        ::unlink(temp.c_str());
        throw WriteError(path.string(), failure.empty() ? describe(error) : failure);
    }
    // Make the rename itself durable (best effort: some filesystems refuse fsync on a folder).
    const std::string folder = path.has_parent_path() ? path.parent_path().string() : std::string(".");
    const int dirFd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes)
{
    writeFileAtomically(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

}  // namespace tl

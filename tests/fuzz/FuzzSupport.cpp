#include "FuzzSupport.h"

#include "core/Errors.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <typeinfo>
#include <unistd.h>

namespace fuzz {

namespace {

std::filesystem::path scratchRoot()
{
    if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp)
        return tmp;
    std::error_code ec;
    // A RAM-backed folder keeps millions of small writes off the disk.
    if (std::filesystem::is_directory("/dev/shm", ec))
        return "/dev/shm";
    return std::filesystem::temp_directory_path();
}

void removeScratch();

const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::filesystem::path d = scratchRoot() / ("netcanvas-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::atexit(removeScratch);
        return d;
    }();
    return dir;
}

void removeScratch()
{
    std::error_code ec;
    std::filesystem::remove_all(scratchDir(), ec);
}

[[noreturn]] void abortWithFinding(const char* loader, const char* kind, const char* what)
{
    std::fprintf(stderr, "\n== FINDING: %s let %s escape: %s\n", loader, kind, what);
    std::fflush(stderr);
    std::abort();
}

} // namespace

std::filesystem::path writeInputFile(
    const std::string& fileName, const void* data, std::size_t size)
{
    const std::filesystem::path path = scratchDir() / fileName;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), std::streamsize(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
    return path;
}

std::filesystem::path writeInputFile(const std::string& fileName, const std::string& text)
{
    return writeInputFile(fileName, text.data(), text.size());
}

bool expectOnlyInputErrors(const char* loader, const std::function<void()>& load)
{
    try {
        load();
        return true;
    } catch (const engine::InputError&) {
        return false;
    } catch (const engine::ShapeError&) {
        return false;
    } catch (const std::bad_alloc& e) {
        abortWithFinding(
            loader, "std::bad_alloc (an allocation the input's sizes asked for)", e.what());
    } catch (const std::exception& e) {
        abortWithFinding(loader, typeid(e).name(), e.what());
    } catch (...) {
        abortWithFinding(loader, "a non-std exception", "?");
    }
}

void findingIf(bool failed, const char* what)
{
    if (!failed)
        return;
    std::fprintf(stderr, "\n== FINDING: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

} // namespace fuzz

#include "core/PathPolicy.h"

namespace engine {

namespace {

bool isInside(const std::filesystem::path& file, const std::filesystem::path& dir)
{
    const auto rel = file.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != "..";
}

} // namespace

PathPolicy PathPolicy::unrestricted()
{
    PathPolicy p;
    p.m_unrestricted = true;
    return p;
}

void PathPolicy::allow(const std::filesystem::path& dir)
{
    m_allowed.push_back(resolved(dir));
}

std::filesystem::path PathPolicy::resolved(const std::filesystem::path& path)
{
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
        absolute = path;
    auto canonical = std::filesystem::weakly_canonical(absolute, ec);
    return ec ? absolute.lexically_normal() : canonical;
}

bool PathPolicy::permits(
    const std::filesystem::path& file, const std::filesystem::path& projectDir) const
{
    if (m_unrestricted)
        return true;
    const auto target = resolved(file);
    if (isInside(target, resolved(projectDir.empty() ? "." : projectDir))
        || isInside(target, resolved(kSystemDatasetDir)))
        return true;
    for (const auto& dir : m_allowed)
        if (isInside(target, dir))
            return true;
    return false;
}

void PathPolicy::check(const std::filesystem::path& file, const std::filesystem::path& projectDir,
    const std::string& where) const
{
    if (!permits(file, projectDir))
        throw PathNotAllowed(where, resolved(file));
}

PathNotAllowed::PathNotAllowed(const std::string& where, std::filesystem::path path)
    : InputError(where,
        path.string() + " is outside the project's folder and " + kSystemDatasetDir
            + "; a project reads other files only with your consent (netcanvas-train "
              "--allow-path "
            + path.parent_path().string() + ")")
    , m_path(std::move(path))
{ }

} // namespace engine

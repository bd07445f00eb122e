#pragma once

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QString>

#include <vector>

namespace widgets {

/// One autosaved project found on disk.
struct RecoveryEntry {
    QString file; ///< the recovery file itself
    QDateTime savedAt; ///< local time of the autosave
    QString projectName; ///< the project's name, or the original file's base name, or ""
    QString originalPath; ///< the file the project was opened from or saved as ("" untitled)
    nlohmann::json project; ///< the project as GraphDocument::toJson() wrote it
};

/// The recovery files of running and crashed NetCanvas windows:
/// QStandardPaths::AppDataLocation/recovery/recovery-<pid>.json, one per process, each written
/// atomically (engine::writeFileAtomically), so a crash mid-write leaves the previous autosave.
///
/// {"format":"netcanvas-recovery","version":1,"savedAt":"2026-12-07T05:31:00",
///  "originalPath":"/home/me/xor.json","project":{...GraphDocument::toJson()...}}
class RecoveryStore {
public:
    /// The folder of the recovery files (created on write).
    static QString folder();
    /// This process's file.
    static QString ownFile();

    /// Writes this process's recovery file. Returns "" or why it could not be written.
    static QString write(const nlohmann::json& project, const QString& originalPath);
    /// Removes this process's file (after a save or a clean close).
    static void removeOwn();

    /// Recovery files left by processes that are no longer running, newest first. Unreadable
    /// files are skipped (and left alone).
    static std::vector<RecoveryEntry> orphans();
    /// Reads one recovery file; nullopt-like empty entry (file "") when it cannot be read.
    static RecoveryEntry read(const QString& file);
};

} // namespace widgets

#pragma once
// The dialogs the export and predict features ask through, as replaceable functions: the
// application uses the Qt dialogs (defaults()), tests inject file names and record errors.

#include <QString>

#include <functional>

class QWidget;

namespace widgets {

struct FileChoosers {
    /// (title, suggested path, filter) -> the chosen path, "" when cancelled.
    using Chooser = std::function<QString(
        const QString& title, const QString& suggestion, const QString& filter)>;

    Chooser saveFile;
    Chooser openFile;
    Chooser directory; ///< the filter is ignored
    /// (title, message): tells the user an operation failed.
    std::function<void(const QString& title, const QString& message)> error;

    /// QFileDialog and QMessageBox, parented to `parent` (which must outlive the functions).
    static FileChoosers defaults(QWidget* parent);
};

} // namespace widgets

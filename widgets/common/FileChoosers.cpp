#include "common/FileChoosers.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QPointer>

namespace widgets {

FileChoosers FileChoosers::defaults(QWidget* parent)
{
    const QPointer<QWidget> owner(parent);
    FileChoosers c;
    c.saveFile = [owner](const QString& title, const QString& suggestion, const QString& filter) {
        return QFileDialog::getSaveFileName(owner, title, suggestion, filter);
    };
    c.openFile = [owner](const QString& title, const QString& suggestion, const QString& filter) {
        return QFileDialog::getOpenFileName(owner, title, suggestion, filter);
    };
    c.directory = [owner](const QString& title, const QString& suggestion, const QString&) {
        return QFileDialog::getExistingDirectory(owner, title, suggestion);
    };
    c.error = [owner](const QString& title, const QString& message) {
        QMessageBox box(QMessageBox::Warning, title, message, QMessageBox::Ok, owner);
        box.setTextInteractionFlags(Qt::TextSelectableByMouse);
        box.exec();
    };
    return c;
}

} // namespace widgets

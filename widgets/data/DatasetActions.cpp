#include "data/DatasetActions.h"

#include "data/BuiltInDatasets.h"
#include "data/CsvImportDialog.h"
#include "data/DatasetLoader.h"
#include "data/DatasetPanel.h"
#include "data/IdxImportDialog.h"
#include "data/PathConsent.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QUndoStack>

namespace widgets {

namespace {

/// The user chose the files of an imported spec in a dialog: their folders are his choice, so
/// the project may read them without being asked again.
void allowChosenFiles(const engine::DatasetSpec& spec, const QString& projectDir)
{
    const QDir base(projectDir.isEmpty() ? QStringLiteral(".") : projectDir);
    const auto allow = [&](const std::string& path) {
        if (!path.empty())
            PathConsent::allowFileFolder(base.absoluteFilePath(QString::fromStdString(path)));
    };
    allow(spec.path);
    for (const char* key : {"labels", "testImages", "testLabels"}) {
        const auto it = spec.options.find(key);
        if (it != spec.options.end() && it->is_string())
            allow(it->get<std::string>());
    }
}

} // namespace

DatasetActions::DatasetActions(GraphDocument* document, QUndoStack* stack, QWidget* window)
    : QObject(window)
    , m_doc(document)
    , m_stack(stack)
    , m_window(window)
{
    m_panel = new DatasetPanel(document);
    m_panel->setObjectName(QStringLiteral("DatasetPanel"));
    m_panel->setMinimumWidth(260);
    m_dock = new QDockWidget(tr("Dataset"), window);
    m_dock->setObjectName(QStringLiteral("DatasetDock"));
    m_dock->setWidget(m_panel);
    connect(m_panel, &DatasetPanel::attentionNeeded, this, [this] {
        m_dock->show();
        m_dock->raise();
    });

    m_menu = new QMenu(tr("&Import Dataset"), window);
    m_importCsv = m_menu->addAction(tr("&CSV…"), this, &DatasetActions::importCsv);
    m_importCsv->setStatusTip(tr("Use a table of numbers from a CSV file as the project's data"));
    m_importIdx = m_menu->addAction(tr("&IDX Images…"), this, &DatasetActions::importIdx);
    m_importIdx->setStatusTip(tr("Use MNIST-format images and labels as the project's data"));
}

void DatasetActions::setProjectDirectory(const QString& dir)
{
    m_panel->setProjectDirectory(dir);
}

void DatasetActions::projectOpened()
{
    if (!missingBuiltInDataMessage(m_doc->datasetSpec()).isEmpty()) {
        m_dock->show();
        m_dock->raise();
        m_panel->reload(); // show the explanation now, not after the reload delay
    }
}

void DatasetActions::prepareExample(engine::DatasetSpec& spec, const QString& resourceDir)
{
    DatasetLoader::extractExampleData(spec, resourceDir);
}

void DatasetActions::importCsv()
{
    const QString dir = m_panel->projectDirectory();
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Import CSV Dataset"), dir,
        tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    CsvImportDialog dialog(dir, m_window);
    dialog.setFile(path);
    if (dialog.exec() != QDialog::Accepted)
        return;
    allowChosenFiles(dialog.spec(), dir);
    m_stack->push(new SetDatasetCommand(m_doc, dialog.spec()));
    m_dock->show();
    m_dock->raise();
}

void DatasetActions::importIdx()
{
    IdxImportDialog dialog(m_panel->projectDirectory(), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    allowChosenFiles(dialog.spec(), m_panel->projectDirectory());
    m_stack->push(new SetDatasetCommand(m_doc, dialog.spec()));
    m_dock->show();
    m_dock->raise();
}

} // namespace widgets

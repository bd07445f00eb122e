#pragma once

#include "data/DatasetSpec.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace widgets {

/// File ▸ Import Dataset ▸ IDX Images…: an images file and its labels file (MNIST format, gzip
/// or plain), optionally a test pair, a subset size and class names. accept() checks that the files
/// exist and read as IDX headers of matching counts (the data itself loads in the background
/// afterwards); problems are shown and the dialog stays open. spec() is the new dataset spec.
class IdxImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit IdxImportDialog(const QString& projectDir, QWidget* parent = nullptr);

    void setFiles(const QString& images, const QString& labels, const QString& testImages = {},
        const QString& testLabels = {});
    /// True when the files are usable (then spec() is ready); else problem() says why.
    bool validate();
    QString problem() const;
    const engine::DatasetSpec& spec() const { return m_spec; }

    /// Options "limit": 0 (all) or the first N images of each part.
    QSpinBox* subsetSpin() const { return m_subset; }
    /// "classNames", comma-separated; empty keeps the labels' numbers.
    QLineEdit* classNamesEdit() const { return m_classNames; }

public slots:
    void accept() override;

private:
    QLineEdit* fileRow(QFormLayout* form, const QString& label, const QString& title);
    std::string stored(const QString& path) const;

    QString m_projectDir;
    QLineEdit* m_images;
    QLineEdit* m_labels;
    QLineEdit* m_testImages;
    QLineEdit* m_testLabels;
    QCheckBox* m_imageShape;
    QComboBox* m_scaling;
    QSpinBox* m_subset;
    QLineEdit* m_classNames;
    QLabel* m_problem;
    engine::DatasetSpec m_spec;
};

} // namespace widgets

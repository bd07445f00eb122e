#include "data/IdxImportDialog.h"

#include "data/BuiltInDatasets.h"
#include "data/IdxReader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <zlib.h>

namespace widgets {

namespace {

/// The IDX header's item count (first dimension), read through zlib (plain files too), or -1
/// with `error` set.
long idxCount(const QString& path, int expectedRank, QString& error)
{
    gzFile f = gzopen(QFile::encodeName(path).constData(), "rb");
    if (!f) {
        error = IdxImportDialog::tr("%1: cannot open").arg(QDir::toNativeSeparators(path));
        return -1;
    }
    unsigned char h[8] = {};
    const int n = gzread(f, h, sizeof h);
    gzclose(f);
    const QString name = QFileInfo(path).fileName();
    if (n < 8 || h[0] != 0 || h[1] != 0) {
        error = IdxImportDialog::tr("%1: not an IDX file (expected the magic number 0x0000 "
                                    "at the start)")
                    .arg(name);
        return -1;
    }
    if ((expectedRank == 1) != (h[3] == 1)) {
        error = expectedRank == 1
            ? IdxImportDialog::tr("%1: expected a labels file (1 dimension), found %2 "
                                  "dimensions")
                  .arg(name)
                  .arg(int(h[3]))
            : IdxImportDialog::tr("%1: expected an images file (3 or 4 dimensions), found %2")
                  .arg(name)
                  .arg(int(h[3]));
        return -1;
    }
    return (long(h[4]) << 24) | (long(h[5]) << 16) | (long(h[6]) << 8) | long(h[7]);
}

} // namespace

IdxImportDialog::IdxImportDialog(const QString& projectDir, QWidget* parent)
    : QDialog(parent)
    , m_projectDir(projectDir)
{
    setWindowTitle(tr("Import IDX Images"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Images and labels in the IDX format of MNIST and "
                                    "Fashion-MNIST (.gz or plain)."),
        this));
    auto* form = new QFormLayout;
    m_images = fileRow(form, tr("&Images:"), tr("Images file"));
    m_labels = fileRow(form, tr("&Labels:"), tr("Labels file"));
    m_testImages = fileRow(form, tr("Test images:"), tr("Test images file (optional)"));
    m_testLabels = fileRow(form, tr("Test labels:"), tr("Test labels file (optional)"));
    m_imageShape = new QCheckBox(tr("Keep images as HxWxC (for convolution layers)"), this);
    m_imageShape->setChecked(true);
    form->addRow(m_imageShape);
    m_scaling = new QComboBox(this);
    m_scaling->addItem(tr("None (pixels / 255)"), QStringLiteral("none"));
    m_scaling->addItem(tr("Standardize"), QStringLiteral("standardize"));
    m_scaling->addItem(tr("Min-max to [0, 1]"), QStringLiteral("minmax"));
    form->addRow(tr("&Scaling:"), m_scaling);
    m_subset = new QSpinBox(this);
    m_subset->setRange(0, 10000000);
    m_subset->setSingleStep(1000);
    m_subset->setSpecialValueText(tr("all images"));
    m_subset->setSuffix(tr(" images"));
    m_subset->setToolTip(tr("Use the first N images of the file (and of the test file): a "
                            "quicker run. 0 uses all of them."));
    form->addRow(tr("S&ubset size:"), m_subset);
    m_classNames = new QLineEdit(this);
    m_classNames->setPlaceholderText(tr("0, 1, 2, … (the labels' numbers)"));
    m_classNames->setToolTip(tr("The names of classes 0, 1, 2, … separated by commas, e.g. "
                                "%1")
                                 .arg(classNamesText(engine::fashionMnistClassNames())));
    form->addRow(tr("&Class names:"), m_classNames);
    layout->addLayout(form);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b71c1c"));
    layout->addWidget(m_problem);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &IdxImportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &IdxImportDialog::reject);
    layout->addWidget(buttons);
    resize(620, 340);
}

QLineEdit* IdxImportDialog::fileRow(QFormLayout* form, const QString& label, const QString& title)
{
    auto* row = new QHBoxLayout;
    auto* edit = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    row->addWidget(edit, 1);
    row->addWidget(browse);
    // A label of its own with the edit as buddy: a text label beside a layout shows its "&".
    auto* caption = new QLabel(label, this);
    caption->setBuddy(edit);
    form->addRow(caption, row);
    connect(browse, &QPushButton::clicked, this, [this, edit, title] {
        const QString path = QFileDialog::getOpenFileName(this, title,
            edit->text().isEmpty() ? m_projectDir : QFileInfo(edit->text()).absolutePath(),
            tr("IDX files (*-ubyte *-ubyte.gz *.idx *.gz);;All files (*)"));
        if (!path.isEmpty())
            edit->setText(path);
    });
    return edit;
}

void IdxImportDialog::setFiles(const QString& images, const QString& labels,
    const QString& testImages, const QString& testLabels)
{
    m_images->setText(images);
    m_labels->setText(labels);
    m_testImages->setText(testImages);
    m_testLabels->setText(testLabels);
}

QString IdxImportDialog::problem() const
{
    return m_problem->text();
}

std::string IdxImportDialog::stored(const QString& path) const
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    const QString rel
        = m_projectDir.isEmpty() ? QString() : QDir(m_projectDir).relativeFilePath(abs);
    return QFile::encodeName(!rel.isEmpty() && !rel.startsWith(QLatin1String("..")) ? rel : abs)
        .toStdString();
}

bool IdxImportDialog::validate()
{
    m_problem->clear();
    const auto pair = [&](QLineEdit* images, QLineEdit* labels) -> bool {
        QString error;
        const long n = idxCount(images->text(), 3, error);
        const long m = n < 0 ? -1 : idxCount(labels->text(), 1, error);
        if (n >= 0 && m >= 0 && n != m)
            error = tr("%1 holds %2 images but %3 holds %4 labels")
                        .arg(QFileInfo(images->text()).fileName())
                        .arg(n)
                        .arg(QFileInfo(labels->text()).fileName())
                        .arg(m);
        m_problem->setText(error);
        return error.isEmpty();
    };
    if (m_images->text().isEmpty() || m_labels->text().isEmpty()) {
        m_problem->setText(tr("Choose an images file and its labels file."));
        return false;
    }
    if (!pair(m_images, m_labels))
        return false;
    const bool test = !m_testImages->text().isEmpty() || !m_testLabels->text().isEmpty();
    if (test && !pair(m_testImages, m_testLabels))
        return false;
    engine::DatasetSpec spec;
    spec.source = "idx";
    spec.path = stored(m_images->text());
    spec.options = nlohmann::json::object();
    spec.options["labels"] = stored(m_labels->text());
    if (test) {
        spec.options["testImages"] = stored(m_testImages->text());
        spec.options["testLabels"] = stored(m_testLabels->text());
    }
    spec.options["imageShape"] = m_imageShape->isChecked();
    spec.options["scaling"] = m_scaling->currentData().toString().toStdString();
    if (m_subset->value() > 0)
        spec.options["limit"] = m_subset->value();
    spec.classNames = classNamesFromText(m_classNames->text());
    m_spec = spec;
    return true;
}

void IdxImportDialog::accept()
{
    if (validate())
        QDialog::accept();
}

} // namespace widgets

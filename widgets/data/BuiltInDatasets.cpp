#include "data/BuiltInDatasets.h"

#include <QCoreApplication>
#include <QDir>
#include <QStringList>

namespace widgets {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("BuiltInDatasets", text);
}

} // namespace

bool isBuiltInImageSource(const std::string& source)
{
    return source == "fashion-mnist" || source == "mnist";
}

engine::DatasetSpec builtInImageSpec(const std::string& source, const QString& folder,
    const engine::DatasetSpec& previous, int subset)
{
    engine::DatasetSpec spec;
    spec.generator = previous.generator;
    spec.samples = previous.samples;
    spec.noise = previous.noise;
    spec.seed = previous.seed;
    spec.source = source;
    spec.path = QDir::fromNativeSeparators(folder).toStdString();
    spec.options = {{"scaling", "none"}, {"imageShape", true}};
    if (subset > 0)
        spec.options["limit"] = subset;
    return spec;
}

QString missingBuiltInDataMessage(const engine::DatasetSpec& spec)
{
    if (!isBuiltInImageSource(spec.source))
        return {};
    const bool fashion = spec.source == "fashion-mnist";
    const QString name = fashion ? QStringLiteral("Fashion-MNIST") : QStringLiteral("MNIST");
    const QString files = tr("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                             "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
    if (!fashion && spec.path.empty())
        return tr("<b>No MNIST folder chosen.</b><br>No Debian package installs MNIST: download "
                  "%1 from <i>http://yann.lecun.com/exdb/mnist/</i> into one folder and pick "
                  "it (inspector, Source: MNIST).")
            .arg(files);
    const QString dir = spec.path.empty() ? QString::fromLatin1(engine::kFashionMnistDir)
                                          : QString::fromStdString(spec.path);
    const QDir d(dir);
    const bool present = d.exists()
        && !d.entryList({QStringLiteral("train-images-idx3-ubyte*")}, QDir::Files).isEmpty()
        && !d.entryList({QStringLiteral("t10k-labels-idx1-ubyte*")}, QDir::Files).isEmpty();
    if (present)
        return {};
    if (!spec.path.empty())
        return tr("<b>%1 was not found in %2.</b><br>The folder must hold %3 (.gz or plain).")
            .arg(name, dir.toHtmlEscaped(), files);
    return tr("<b>Fashion-MNIST is not installed.</b><br>This project trains on the 70,000 "
              "Fashion-MNIST images, which the Debian package <i>dataset-fashion-mnist</i> "
              "installs in %1. Install it with<br><code>sudo apt install "
              "dataset-fashion-mnist</code><br>and open the project again.")
        .arg(dir.toHtmlEscaped());
}

std::vector<std::string> classNamesFromText(const QString& text)
{
    std::vector<std::string> names;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QString name = part.trimmed();
        if (!name.isEmpty())
            names.push_back(name.toStdString());
    }
    return names;
}

QString classNamesText(const std::vector<std::string>& names)
{
    QStringList list;
    for (const auto& n : names)
        list << QString::fromStdString(n);
    return list.join(QStringLiteral(", "));
}

} // namespace widgets

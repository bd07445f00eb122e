#include "teaching/StepExplanation.h"

#include "teaching/UpdateRuleText.h"

#include <QColor>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

using engine::ActivationKind;
using engine::Matrix;
using engine::StepNode;
using engine::StepNodeKind;

/// Four significant digits: enough to follow the arithmetic by hand.
QString num(double v)
{
    if (v == 0)
        return QStringLiteral("0");
    return QString::number(v, 'g', 4);
}

/// A factor in a product: negative numbers in parentheses.
QString factor(double v)
{
    return v < 0 ? '(' + num(v) + ')' : num(v);
}

QString functionName(ActivationKind k)
{
    return QString::fromStdString(engine::activationName(k));
}

/// f'(z) as a formula, for the chain-rule line.
QString derivativeFormula(ActivationKind k)
{
    switch (k) {
    case ActivationKind::Sigmoid:
        return QStringLiteral("a(1 − a)");
    case ActivationKind::Tanh:
        return QStringLiteral("1 − a²");
    case ActivationKind::ReLU:
        return QStringLiteral("1 if z > 0, else 0");
    case ActivationKind::LeakyReLU:
        return QStringLiteral("1 if z > 0, else α");
    case ActivationKind::ELU:
        return QStringLiteral("1 if z > 0, else a + α");
    case ActivationKind::GELU:
        return QStringLiteral("Φ(z) + z φ(z)");
    case ActivationKind::Identity:
        return QStringLiteral("1");
    case ActivationKind::Softmax:
        return QStringLiteral("the softmax Jacobian");
    }
    return {};
}

QString vectorText(const Matrix& v)
{
    QStringList parts;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        parts << num(double(v.data()[i]));
    return '(' + parts.join(QStringLiteral(", ")) + ')';
}

QString summaryText(const Matrix& m)
{
    if (m.size() == 0)
        return {};
    const double mean = double(m.mean());
    return QStringLiteral("min %1, mean %2, max %3, ‖·‖ %4")
        .arg(
            num(double(m.minCoeff())), num(mean), num(double(m.maxCoeff())), num(double(m.norm())));
}

/// Diverging blue-white-red scale centred on zero, like the weight heatmaps.
QRgb divergingColor(double t)
{
    t = std::clamp(t, -1.0, 1.0);
    const QColor neg(33, 102, 172), pos(178, 24, 43);
    const QColor& c = t < 0 ? neg : pos;
    const double s = std::abs(t);
    const auto mix = [s](int from, int to) { return int(std::lround(from + (to - from) * s)); };
    return qRgb(mix(255, c.red()), mix(255, c.green()), mix(255, c.blue()));
}

QString section(const QString& title, const QString& body, bool current)
{
    const QString background = current ? QStringLiteral("#fff4cc") : QStringLiteral("#f4f6f8");
    return QStringLiteral("<table width='100%' cellpadding='6' style='margin-bottom:6px'>"
                          "<tr><td style='background:%1'><b>%2</b><br>%3</td></tr></table>")
        .arg(background, title, body);
}

} // namespace

StepExplanation::StepExplanation(const engine::StepTrace& trace, bool classification)
    : m_trace(trace)
    , m_classification(classification)
{ }

QString StepExplanation::number(double v)
{
    return num(v);
}

QString StepExplanation::vector(const Matrix& v)
{
    return vectorText(v);
}

QString StepExplanation::page(const StepProgress& progress)
{
    const engine::StepTrace& t = m_trace;
    const int forwardTotal = int(t.nodes.size());
    const int backwardTotal = std::max(0, forwardTotal - 1); // the Input has nothing to pass back
    QStringList parts;
    for (int i = 0; i < std::min(progress.forwardShown, forwardTotal); ++i)
        parts << forward(t.nodes[std::size_t(i)], i + 1, forwardTotal);
    if (progress.lossShown)
        parts << loss();
    for (int i = 0; i < std::min(progress.backwardShown, backwardTotal); ++i)
        parts << backward(t.nodes[t.nodes.size() - 1 - std::size_t(i)], i + 1, backwardTotal);
    if (progress.updated)
        parts << update(progress.stored);
    // The newest step is highlighted.
    if (!parts.isEmpty())
        parts.last().replace(QStringLiteral("#f4f6f8"), QStringLiteral("#fff4cc"));
    return parts.join(QString());
}

QString StepExplanation::image(const QString& key, const Matrix& m, int maxWidth)
{
    if (m.size() == 0)
        return {};
    long rows = m.rows(), cols = m.cols();
    if (cols == 1) {
        // A long vector reads better as a square when it is one (28 x 28 images), else as a row.
        const long side = long(std::lround(std::sqrt(double(rows))));
        if (rows >= 64 && side * side == rows) {
            cols = side;
            rows = side;
        } else {
            cols = rows;
            rows = 1;
        }
    }
    const double scale = std::max(1e-12, double(m.cwiseAbs().maxCoeff()));
    QImage img(int(cols), int(rows), QImage::Format_RGB32);
    for (long r = 0; r < rows; ++r) {
        for (long c = 0; c < cols; ++c) {
            // Square layouts of a vector are row-major (image order: H x W).
            const double v = m.cols() == 1 ? double(m.data()[r * cols + c]) : double(m(r, c));
            img.setPixel(int(c), int(r), divergingColor(v / scale));
        }
    }
    const int maxHeight = 140;
    int cell = int(std::min<long>(
        14, std::min(maxWidth / std::max(1L, cols), maxHeight / std::max(1L, rows))));
    QImage shown;
    if (cell >= 1) {
        shown = img.scaled(int(cols) * cell, int(rows) * std::max(cell, rows == 1 ? 10 : cell),
            Qt::IgnoreAspectRatio, Qt::FastTransformation);
    } else {
        shown = img.scaled(maxWidth, std::min(maxHeight, std::max(10, int(rows))),
            Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    const QUrl url(QStringLiteral("step://img/") + key);
    m_images.push_back({url, shown});
    return QStringLiteral("<img src='%1' width='%2' height='%3'> <small>(blue &lt; 0 &lt; red, "
                          "|max| %4)</small>")
        .arg(url.toString())
        .arg(shown.width())
        .arg(shown.height())
        .arg(num(scale));
}

QString StepExplanation::vectorHtml(const QString& key, const QString& name, const Matrix& v)
{
    if (v.size() <= kSmallLayer)
        return QStringLiteral("%1 = %2").arg(name, vectorText(v));
    return QStringLiteral("%1: %2 values, %3<br>%4")
        .arg(name)
        .arg(v.size())
        .arg(summaryText(v), image(key, v));
}

QString StepExplanation::forward(const StepNode& n, int step, int total)
{
    const QString title = tr("Forward %1/%2 · %3 (%4)")
                              .arg(step)
                              .arg(total)
                              .arg(QString::fromStdString(n.name).toHtmlEscaped(),
                                  QString::fromStdString(n.summary).toHtmlEscaped());
    const QString key = QStringLiteral("f%1").arg(n.id);
    QString body;
    if (n.kind == StepNodeKind::Input) {
        body = vectorHtml(key + "x", QStringLiteral("x"), n.a);
        return section(title, body, false);
    }
    const Matrix& x = n.inputs.empty() ? n.a : n.inputs.front();
    const QString f = functionName(n.activation);
    if (n.kind == StepNodeKind::Dense) {
        const Matrix& w = n.params.at(0).value;
        const bool hasBias = n.params.size() > 1;
        const long units = n.z.rows();
        if (units <= kSmallLayer && x.rows() <= kSmallLayer) {
            body += QStringLiteral("x = %1<br>").arg(vectorText(x));
            body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                                   "<th align='left'>z[j] = W[j,:]·x + b[j]</th>"
                                   "<th align='left'>a[j] = %1(z[j])</th></tr>")
                        .arg(f);
            for (long j = 0; j < units; ++j) {
                QString sum;
                if (x.rows() <= 3) {
                    QStringList terms;
                    for (long k = 0; k < x.rows(); ++k)
                        terms << factor(double(w(j, k))) + QStringLiteral("×")
                                + factor(double(x(k, 0)));
                    sum = terms.join(QStringLiteral(" + "));
                } else {
                    sum = num(double(w.row(j) * x.col(0)));
                }
                if (hasBias)
                    sum += QStringLiteral(" + ") + factor(double(n.params.at(1).value(j, 0)));
                const QString act = n.activation == ActivationKind::Identity
                    ? QStringLiteral("= z[j] = ") + num(double(n.a(j, 0)))
                    : QStringLiteral("%1(%2) = %3")
                          .arg(f, num(double(n.z(j, 0))), num(double(n.a(j, 0))));
                body += QStringLiteral("<tr><td>%1</td><td>%2 = <b>%3</b></td><td>%4</td></tr>")
                            .arg(j)
                            .arg(sum, num(double(n.z(j, 0))), act);
            }
            body += QStringLiteral("</table>");
        } else {
            body += vectorHtml(key + "x", QStringLiteral("x"), x) + QStringLiteral("<br>");
            body += tr("W: %1 × %2 weights, %3<br>%4<br>")
                        .arg(w.rows())
                        .arg(w.cols())
                        .arg(summaryText(w), image(key + "W", w));
            body += vectorHtml(key + "z", QStringLiteral("z = W x + b"), n.z)
                + QStringLiteral("<br>");
            if (n.activation != ActivationKind::Identity) {
                body += vectorHtml(key + "a", QStringLiteral("a = %1(z)").arg(f), n.a);
                if (n.activation == ActivationKind::ReLU) {
                    const long zeros = long((n.a.array() == 0).count());
                    body += tr("<br>%1 of %2 units are 0 (z ≤ 0)").arg(zeros).arg(n.a.size());
                }
            } else {
                body += tr("a = z (no activation)");
            }
        }
    } else if (n.kind == StepNodeKind::Activation) {
        if (n.a.size() <= kSmallLayer) {
            body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                                   "<th align='left'>a[j] = %1(z[j])</th></tr>")
                        .arg(f);
            for (long j = 0; j < n.a.rows(); ++j)
                body += QStringLiteral("<tr><td>%1</td><td>%2(%3) = <b>%4</b></td></tr>")
                            .arg(j)
                            .arg(f, num(double(n.z(j, 0))), num(double(n.a(j, 0))));
            body += QStringLiteral("</table>");
        } else {
            body += vectorHtml(key + "z", QStringLiteral("z"), n.z) + QStringLiteral("<br>");
            body += vectorHtml(key + "a", QStringLiteral("a = %1(z)").arg(f), n.a);
        }
    } else {
        body += vectorHtml(key + "x", QStringLiteral("input"), x) + QStringLiteral("<br>");
        body += vectorHtml(key + "a", QStringLiteral("output"), n.a);
    }
    return section(title, body, false);
}

QString StepExplanation::loss()
{
    const engine::StepTrace& t = m_trace;
    const QString type = QString::fromStdString(t.lossType);
    QString body;
    const bool classification = m_classification;
    // A long target (an autoencoder's 784 pixels) is summarized with a heatmap, like ŷ.
    const bool longTarget = !classification && t.target.size() > kSmallLayer;
    const QString target = classification
        ? tr("target: class %1").arg(int(t.target(0, 0)))
        : (longTarget ? vectorHtml(QStringLiteral("target"), tr("target y"), t.target)
                      : tr("target y = %1").arg(vectorText(t.target)));
    const QString afterTarget = longTarget ? QStringLiteral("<br>") : QStringLiteral("; ");
    body += vectorHtml(
                QStringLiteral("pred"), QStringLiteral("ŷ (the network's output)"), t.prediction)
        + QStringLiteral("<br>");
    if (type == QLatin1String("binary_crossentropy")) {
        const double p = double(t.transformed(0, 0));
        const double y = double(t.target(0, 0));
        body += tr("p = σ(ŷ) = %1, target y = %2<br>").arg(num(p), num(y));
        body += tr("L = −[y ln p + (1 − y) ln(1 − p)]<br>");
        body += tr("dL/dŷ = p − y = %1 − %2 = <b>%3</b>")
                    .arg(num(p), num(y), num(double(t.gradPrediction(0, 0))));
    } else if (type == QLatin1String("softmax_crossentropy")) {
        const int label = int(t.target(0, 0));
        body += vectorHtml(QStringLiteral("prob"), QStringLiteral("p = softmax(ŷ)"), t.transformed);
        body += tr("<br>%1; L = −ln p[%2] = −ln %3<br>")
                    .arg(target)
                    .arg(label)
                    .arg(num(label >= 0 && label < t.transformed.rows()
                            ? double(t.transformed(label, 0))
                            : 0.0));
        body += tr("dL/dŷ = p − onehot(y): ")
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else if (type == QLatin1String("mse")) {
        body += target + afterTarget + tr("L = mean((ŷ − y)²)<br>");
        body += tr("dL/dŷ = 2 (ŷ − y) / %1: ").arg(t.prediction.size())
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else if (type == QLatin1String("mae")) {
        body += target + afterTarget + tr("L = mean|ŷ − y|<br>");
        body += tr("dL/dŷ = sign(ŷ − y) / %1: ").arg(t.prediction.size())
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else {
        body += target + QStringLiteral("<br>")
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    }
    body += tr("<br>Loss of this sample: L = <b>%1</b>").arg(num(t.loss));
    return section(
        tr("Loss · %1").arg(QString::fromStdString(engine::Loss::label(t.lossType))), body, false);
}

QString StepExplanation::backward(const StepNode& n, int step, int total)
{
    const engine::StepTrace& t = m_trace;
    const QString title = tr("Backward %1/%2 · %3 (%4)")
                              .arg(step)
                              .arg(total)
                              .arg(QString::fromStdString(n.name).toHtmlEscaped(),
                                  QString::fromStdString(n.summary).toHtmlEscaped());
    const QString key = QStringLiteral("b%1").arg(n.id);
    if (n.gradA.size() == 0)
        return section(title, tr("The loss does not depend on this node's output."), false);
    const bool isOutput = n.id == t.nodes.back().id;
    // Where dL/da comes from: the loss, or the layers this node feeds.
    QStringList consumers;
    for (const StepNode& m : t.nodes)
        if (std::find(m.inputIds.begin(), m.inputIds.end(), n.id) != m.inputIds.end())
            consumers << QString::fromStdString(m.name).toHtmlEscaped();
    QString source = isOutput ? tr("dL/dŷ from the loss")
                              : tr("passed back from %1").arg(consumers.join(QStringLiteral(", ")));
    const StepNode* next = nullptr;
    if (!isOutput && consumers.size() == 1)
        for (const StepNode& m : t.nodes)
            if (std::find(m.inputIds.begin(), m.inputIds.end(), n.id) != m.inputIds.end())
                next = &m;
    if (next && next->kind == StepNodeKind::Dense)
        source = tr("dL/da = W<sub>%1</sub>ᵀ · dL/dz<sub>%1</sub>")
                     .arg(QString::fromStdString(next->name).toHtmlEscaped());
    else if (next && next->kind == StepNodeKind::Activation)
        source = tr("dL/da = dL/dz of %1").arg(QString::fromStdString(next->name).toHtmlEscaped());

    QString body;
    const bool hasF = n.kind == StepNodeKind::Dense || n.kind == StepNodeKind::Activation;
    const QString f = functionName(n.activation);
    const long units = n.a.rows();
    if (hasF && units <= kSmallLayer) {
        body += tr("dL/da: %1<br>").arg(source);
        if (n.activation != ActivationKind::Identity && n.activation != ActivationKind::Softmax)
            body += tr("f = %1, f′(z) = %2<br>").arg(f, derivativeFormula(n.activation));
        body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                               "<th align='left'>dL/dz[j] = dL/da[j] · f′(z[j])</th></tr>");
        for (long j = 0; j < units; ++j) {
            QString line;
            const double ga = double(n.gradA(j, 0)), gz = double(n.gradZ(j, 0));
            if (n.derivative.size() > 0)
                line = QStringLiteral("%1 × %2 = <b>%3</b>")
                           .arg(factor(ga), factor(double(n.derivative(j, 0))), num(gz));
            else if (n.activation == ActivationKind::Identity)
                line = QStringLiteral("%1 × 1 = <b>%2</b>").arg(factor(ga), num(gz));
            else // softmax: every output depends on every input
                line = QStringLiteral("(J<sub>softmax</sub>ᵀ dL/da)[j] = <b>%1</b>").arg(num(gz));
            body += QStringLiteral("<tr><td>%1</td><td>dL/dz[%1] = %2</td></tr>").arg(j).arg(line);
        }
        body += QStringLiteral("</table>");
    } else if (hasF) {
        body += tr("dL/da: %1<br>").arg(source);
        body += vectorHtml(key + "ga", QStringLiteral("dL/da"), n.gradA) + QStringLiteral("<br>");
        if (n.activation != ActivationKind::Identity && n.activation != ActivationKind::Softmax)
            body += vectorHtml(key + "d", tr("f′(z) = %1").arg(derivativeFormula(n.activation)),
                        n.derivative)
                + QStringLiteral("<br>");
        body += vectorHtml(key + "gz", QStringLiteral("dL/dz = dL/da ⊙ f′(z)"), n.gradZ);
    } else {
        body += tr("dL/d(output): %1<br>").arg(source);
        body += vectorHtml(key + "ga", QStringLiteral("dL/d(output)"), n.gradA);
    }

    if (n.kind == StepNodeKind::Dense && !n.params.empty()) {
        const Matrix& x = n.inputs.front();
        const engine::StepParam& w = n.params.at(0);
        body += QStringLiteral("<br>");
        if (w.grad.size() <= 32) {
            body += tr("dL/dW[j,k] = dL/dz[j] · x[k]:<br>");
            for (long j = 0; j < w.grad.rows(); ++j)
                for (long k = 0; k < w.grad.cols(); ++k)
                    body += QStringLiteral("dL/dW[%1,%2] = %3 × %4 = <b>%5</b><br>")
                                .arg(j)
                                .arg(k)
                                .arg(factor(double(n.gradZ(j, 0))), factor(double(x(k, 0))),
                                    num(double(w.grad(j, k))));
        } else {
            body += tr("dL/dW = dL/dz · xᵀ: %1 × %2, %3<br>%4<br>")
                        .arg(w.grad.rows())
                        .arg(w.grad.cols())
                        .arg(summaryText(w.grad), image(key + "gW", w.grad));
            body += tr("for example dL/dW[0,0] = %1 × %2 = %3<br>")
                        .arg(factor(double(n.gradZ(0, 0))), factor(double(x(0, 0))),
                            num(double(w.grad(0, 0))));
        }
        if (n.params.size() > 1)
            body += vectorHtml(key + "gb", QStringLiteral("dL/db = dL/dz"), n.params.at(1).grad);
    } else if (!n.params.empty()) {
        for (const engine::StepParam& p : n.params)
            body += QStringLiteral("<br>")
                + vectorHtml(key + "g" + QString::fromStdString(p.name),
                    QStringLiteral("dL/d%1").arg(QString::fromStdString(p.name)),
                    Matrix(Eigen::Map<const Matrix>(p.grad.data(), p.grad.size(), 1)));
    }
    return section(title, body, false);
}

QString StepExplanation::update(bool stored)
{
    const engine::StepTrace& t = m_trace;
    const QString opt = QString::fromStdString(t.optimizer);
    const QString lr = num(t.learningRate);
    QString rule = UpdateRuleText::html(opt, lr, t.optimizerStep);
    if (t.optimizerStep > 1)
        rule += tr(" — the state includes the earlier step-through updates");
    QString body = rule + QStringLiteral("<br>");
    const bool sgd = opt == QLatin1String("sgd");
    int lines = 0;
    constexpr int kMaxLines = 40;
    for (const StepNode& n : t.nodes) {
        for (const engine::StepParam& p : n.params) {
            const QString name = QString::fromStdString(n.name).toHtmlEscaped() + '.'
                + QString::fromStdString(p.name);
            if (p.value.size() > 32 || lines >= kMaxLines) {
                const Matrix delta = p.updated - p.value;
                body += tr("%1: %2 values changed, Δ %3<br>%4<br>")
                            .arg(name)
                            .arg(p.value.size())
                            .arg(summaryText(delta),
                                image(QStringLiteral("u%1%2").arg(n.id).arg(
                                          QString::fromStdString(p.name)),
                                    delta));
                continue;
            }
            for (long r = 0; r < p.value.rows(); ++r) {
                for (long c = 0; c < p.value.cols(); ++c) {
                    const double old = double(p.value(r, c)), g = double(p.appliedGrad(r, c));
                    const double now = double(p.updated(r, c));
                    const QString index = p.value.cols() == 1
                        ? QStringLiteral("[%1]").arg(r)
                        : QStringLiteral("[%1,%2]").arg(r).arg(c);
                    if (sgd)
                        body += QStringLiteral("%1%2 ← %3 − %4 × %5 = <b>%6</b>")
                                    .arg(name, index, num(old), lr, factor(g), num(now));
                    else
                        body
                            += QStringLiteral("%1%2 ← %3 − %4 = <b>%5</b> (g = %6)")
                                   .arg(name, index, num(old), factor(old - now), num(now), num(g));
                    if (g != double(p.grad(r, c)))
                        body += tr(" (g = dL/dw %1 + L1/L2 %2)")
                                    .arg(num(double(p.grad(r, c))), num(g - double(p.grad(r, c))));
                    body += QStringLiteral("<br>");
                    ++lines;
                }
            }
        }
    }
    // When they could not be stored, the status line says why.
    if (stored)
        body += tr("The new weights are stored: the canvas views show them, and Train continues "
                   "from them.");
    return section(tr("Update · %1").arg(QString::fromStdString(t.optimizer)), body, false);
}

} // namespace widgets

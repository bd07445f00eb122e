#pragma once
// The step-through's side text: every chain-rule product with its numbers, written as HTML for
// QTextDocument from the engine's trace of one training step.

#include "training/StepThrough.h"

#include <QCoreApplication>
#include <QImage>
#include <QList>
#include <QString>
#include <QUrl>

namespace widgets {

/// How far a step-through has walked its trace.
struct StepProgress {
    int forwardShown = 0; ///< nodes of the forward pass revealed (Input included)
    bool lossShown = false;
    int backwardShown = 0; ///< nodes of the backward pass revealed, from the output back
    bool updated = false; ///< the optimizer's step was applied
    bool stored = false; ///< the update's weights went to the document (and the session)
};

/// A heatmap the HTML shows with <img src='step://img/...'>: the caller adds it to its
/// QTextDocument as an ImageResource under `url` before setting the HTML.
struct StepImage {
    QUrl url;
    QImage image;
};

/// Writes the HTML of a step-through from an engine::StepTrace: a function of the engine's
/// numbers, with no widget state. Layers up to kSmallLayer units (and inputs) are written neuron
/// by neuron; larger vectors and matrices as summaries with a small diverging heatmap, collected
/// in images(). Numbers are printed with four significant digits.
class StepExplanation {
    Q_DECLARE_TR_FUNCTIONS(StepExplanation)
public:
    /// Layers up to this many units (and inputs) are written neuron by neuron.
    static constexpr int kSmallLayer = 16;

    /// `trace` must outlive this object. `classification`: the target is a class index (the
    /// loss section names the class instead of printing a target vector).
    StepExplanation(const engine::StepTrace& trace, bool classification);

    /// Every section `progress` reveals, in the order walked, the newest highlighted.
    QString page(const StepProgress& progress);
    /// Forward section of `node` (z = W x + b, a = f(z)), step `step` of `total`.
    QString forward(const engine::StepNode& node, int step, int total);
    /// The loss of the sample and dL/dŷ.
    QString loss();
    /// Backward section of `node`: dL/da, dL/dz and the parameters' gradients.
    QString backward(const engine::StepNode& node, int step, int total);
    /// The optimizer's rule and every parameter's new value; `stored` adds that the weights
    /// were stored (the update ran with trace().updated).
    QString update(bool stored);

    /// The images the HTML written so far refers to, in the order written.
    const QList<StepImage>& images() const { return m_images; }

    /// A number as the text prints it (four significant digits).
    static QString number(double v);
    /// A column as the text prints it: "(0.5, -1)".
    static QString vector(const engine::Matrix& v);

private:
    QString image(const QString& key, const engine::Matrix& m, int maxWidth = 300);
    QString vectorHtml(const QString& key, const QString& name, const engine::Matrix& v);

    const engine::StepTrace& m_trace;
    bool m_classification;
    QList<StepImage> m_images;
};

} // namespace widgets

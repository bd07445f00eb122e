// The element-wise kernels compiled per instruction set (core/Kernels.h): every table this CPU
// can run computes what the plain formulas say, on lengths that leave vector remainders.

#include "core/CpuFeatures.h"
#include "core/Kernels.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using engine::ElementwiseKernels;
using engine::Scalar;

namespace {

std::vector<Scalar> randomValues(long n, unsigned seed)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> dist(-2.0, 2.0);
    std::vector<Scalar> v(static_cast<std::size_t>(n));
    for (auto& x : v)
        x = Scalar(dist(gen));
    return v;
}

std::vector<const ElementwiseKernels*> tables()
{
    int count = 0;
    const ElementwiseKernels* const* t = engine::runnableKernelTables(count);
    return {t, t + count};
}

QString levelOf(const ElementwiseKernels* k)
{
    return QString::fromStdString(engine::simdLevelName(k->level));
}

/// Every table's windowProduct equals the sums written out, in double, to float rounding of the
/// sum of the terms' magnitudes.
void expectWindowProduct(const std::vector<Scalar>& w, const std::vector<Scalar>& x,
    const std::vector<long>& taps, long stride, const Scalar* b, long filters, long n, bool relu)
{
    const long depth = long(taps.size());
    for (const ElementwiseKernels* k : tables()) {
        std::vector<Scalar> out(std::size_t(filters * n), Scalar(99));
        k->windowProduct(
            w.data(), x.data(), taps.data(), stride, b, out.data(), filters, depth, n, relu);
        for (long c = 0; c < n; ++c)
            for (long f = 0; f < filters; ++f) {
                double sum = b ? b[f] : 0.0;
                double magnitude = std::abs(sum);
                for (long t = 0; t < depth; ++t) {
                    const double term = double(x[std::size_t(c * stride + taps[std::size_t(t)])])
                        * w[std::size_t(t * filters + f)];
                    sum += term;
                    magnitude += std::abs(term);
                }
                if (relu && sum < 0)
                    sum = 0;
                const double got = out[std::size_t(c * filters + f)];
                QVERIFY2(std::abs(got - sum) < 1e-6 * (1 + magnitude),
                    qPrintable(
                        QStringLiteral("%1: %2 filters, %3 taps, column %4 of %5, filter %6: "
                                       "%7, expected %8")
                            .arg(levelOf(k))
                            .arg(filters)
                            .arg(depth)
                            .arg(c)
                            .arg(n)
                            .arg(f)
                            .arg(got)
                            .arg(sum)));
            }
    }
}

} // namespace

class TestKernels : public QObject {
    Q_OBJECT

private slots:
    void theChosenTableMatchesTheCpu()
    {
        QCOMPARE(int(engine::kernels().level), int(engine::cpuSimdLevel()));
        const auto all = tables();
        QCOMPARE(all.front()->level, engine::SimdLevel::Baseline);
        QCOMPARE(all.back(), &engine::kernels());
    }

    void reluForwardAndBackward()
    {
        const long n = 1003;
        const auto z = randomValues(n, 1), g = randomValues(n, 2);
        for (const ElementwiseKernels* k : tables()) {
            std::vector<Scalar> a(n), dz(n);
            k->reluForward(z.data(), a.data(), n);
            k->reluBackward(z.data(), g.data(), dz.data(), n);
            for (long i = 0; i < n; ++i) {
                QVERIFY2(a[i] == (z[i] > 0 ? z[i] : 0), qPrintable(levelOf(k)));
                QVERIFY2(dz[i] == (z[i] > 0 ? g[i] : 0), qPrintable(levelOf(k)));
            }
        }
    }

    void biasIsAddedPerRowAndReluFused()
    {
        const long rows = 37, cols = 29;
        const auto z0 = randomValues(rows * cols, 3), b = randomValues(rows, 4);
        for (const ElementwiseKernels* k : tables()) {
            auto z = z0, zr = z0;
            std::vector<Scalar> a(z0.size());
            k->addBias(z.data(), b.data(), rows, cols);
            k->addBiasRelu(zr.data(), b.data(), a.data(), rows, cols);
            for (long c = 0; c < cols; ++c)
                for (long r = 0; r < rows; ++r) {
                    const std::size_t i = std::size_t(c * rows + r);
                    const Scalar expected = z0[i] + b[std::size_t(r)];
                    QVERIFY2(z[i] == expected && zr[i] == expected, qPrintable(levelOf(k)));
                    QVERIFY2(a[i] == (expected > 0 ? expected : 0), qPrintable(levelOf(k)));
                }
        }
    }

    void maxPoolingKeepsTheFirstMaximum()
    {
        // A 2 x 3 window of 21-channel pixels inside a 5-pixel-wide image.
        const int c = 21, rows = 2, cols = 3, width = 5, first = 40;
        const long rowStride = long(width) * c;
        auto image = randomValues(rowStride * rows, 5);
        image[std::size_t(1 * c + 3)] = 7; // channel 3 peaks twice: the first index must win
        image[std::size_t(rowStride + 2 * c + 3)] = 7;
        for (const ElementwiseKernels* k : tables()) {
            std::vector<Scalar> best(c);
            std::vector<int> arg(c);
            k->maxPoolWindow(
                image.data(), rows, cols, rowStride, c, first, best.data(), arg.data());
            for (int ch = 0; ch < c; ++ch) {
                long at = ch;
                for (int i = 0; i < rows; ++i)
                    for (int j = 0; j < cols; ++j) {
                        const long idx = i * rowStride + long(j) * c + ch;
                        if (image[std::size_t(idx)] > image[std::size_t(at)])
                            at = idx;
                    }
                QVERIFY2(best[std::size_t(ch)] == image[std::size_t(at)], qPrintable(levelOf(k)));
                QVERIFY2(arg[std::size_t(ch)] == first + at, qPrintable(levelOf(k)));
            }
            QCOMPARE(arg[3], first + c + 3);
            // The inference variant finds the same maxima without the argmax.
            std::vector<Scalar> values(c, Scalar(-1));
            k->maxPoolWindowValues(image.data(), rows, cols, rowStride, c, values.data());
            QVERIFY2(values == best, qPrintable(levelOf(k)));
            // Its 2x2 shortcut too, a NaN in the window passed over in the same order.
            auto square = image;
            square[std::size_t(rowStride + 5)] = std::numeric_limits<Scalar>::quiet_NaN();
            std::vector<Scalar> best2(c), values2(c);
            k->maxPoolWindow(square.data(), 2, 2, rowStride, c, first, best2.data(), arg.data());
            k->maxPoolWindowValues(square.data(), 2, 2, rowStride, c, values2.data());
            for (int ch = 0; ch < c; ++ch) {
                const std::size_t i = std::size_t(ch);
                Scalar expected = square[i];
                for (const long at : {long(c), rowStride, rowStride + c})
                    if (square[std::size_t(at + ch)] > expected)
                        expected = square[std::size_t(at + ch)];
                QVERIFY2(values2[i] == expected && best2[i] == expected,
                    qPrintable(QStringLiteral("%1 channel %2").arg(levelOf(k)).arg(ch)));
            }
        }
    }

    void windowProductSumsEveryTap()
    {
        // Filter and column counts that leave remainders of the 16- and 8-filter tiles and of
        // the column tiles (6 columns on AVX2, 2 on SSE2); a first conv's shallow windows and
        // a second conv's deep one (3x3 over 32 channels); the windows read as im2col's patches
        // (taps 0, 1, ..., column after column) and in place from an image row (scattered
        // taps, columns 3 values apart, overlapping).
        for (const long filters : {1L, 8L, 16L, 20L, 24L, 37L, 64L})
            for (const long depth : {1L, 9L, 27L, 288L})
                for (const long n : {1L, 4L, 5L, 6L, 7L, 11L, 13L})
                    for (const bool inPlace : {false, true})
                        for (const bool withBias : {false, true})
                            for (const bool relu : {false, true}) {
                                std::vector<long> taps(static_cast<std::size_t>(depth));
                                for (long t = 0; t < depth; ++t)
                                    taps[std::size_t(t)] = inPlace ? (t / 3) * 50 + t % 3 : t;
                                const long stride = inPlace ? 3 : depth;
                                const auto w = randomValues(filters * depth, 6);
                                const auto x = randomValues(n * stride + taps.back() + 1, 7);
                                const auto b = randomValues(filters, 8);
                                expectWindowProduct(w, x, taps, stride,
                                    withBias ? b.data() : nullptr, filters, n, relu);
                                if (QTest::currentTestFailed())
                                    return;
                            }
    }

    void optimizerStepsFollowTheirFormulas()
    {
        const long n = 517;
        const auto w0 = randomValues(n, 6), g = randomValues(n, 7), v0 = randomValues(n, 8);
        const Scalar rate = Scalar(0.05), mu = Scalar(0.9);
        const engine::AdamFactors f {Scalar(0.9), Scalar(0.1), Scalar(0.999), Scalar(0.001),
            Scalar(0.01 / (1 - 0.9 * 0.9)), Scalar(1 / (1 - 0.999 * 0.999)), Scalar(1e-8)};
        const auto near = [](Scalar a, double b) {
            return std::abs(double(a) - b) <= 1e-5 * (1 + std::abs(b));
        };
        for (const ElementwiseKernels* k : tables()) {
            auto ws = w0, wm = w0, wn = w0, vm = v0, vn = v0, wa = w0, ma = v0, va = g;
            for (auto& x : va)
                x = x * x;
            const auto va0 = va;
            k->sgdStep(ws.data(), g.data(), rate, n);
            k->momentumStep(wm.data(), vm.data(), g.data(), mu, rate, false, n);
            k->momentumStep(wn.data(), vn.data(), g.data(), mu, rate, true, n);
            k->adamStep(wa.data(), ma.data(), va.data(), g.data(), f, n);
            for (std::size_t i = 0; i < std::size_t(n); ++i) {
                const double v = double(mu) * v0[i] + g[i];
                QVERIFY2(near(ws[i], w0[i] - double(rate) * g[i]), qPrintable(levelOf(k)));
                QVERIFY2(near(vm[i], v) && near(wm[i], w0[i] - double(rate) * v),
                    qPrintable(levelOf(k)));
                QVERIFY2(near(wn[i], w0[i] - double(rate) * (g[i] + double(mu) * v)),
                    qPrintable(levelOf(k)));
                const double m = 0.9 * v0[i] + 0.1 * g[i];
                const double s = 0.999 * va0[i] + 0.001 * double(g[i]) * g[i];
                const double step
                    = double(f.firstScale) * m / (std::sqrt(double(f.secondScale) * s) + 1e-8);
                QVERIFY2(near(ma[i], m) && near(va[i], s) && near(wa[i], w0[i] - step),
                    qPrintable(levelOf(k)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "tst_kernels.moc"

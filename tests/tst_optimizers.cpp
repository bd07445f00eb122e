// Optimizers, learning-rate schedules and the training configuration's JSON form.

#include "core/Errors.h"
#include "training/Optimizer.h"
#include "training/Schedule.h"
#include "training/TrainingConfig.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

using engine::InputError;
using engine::Matrix;
using engine::Optimizer;
using engine::OptimizerConfig;
using engine::Param;
using engine::Scalar;
using engine::ScheduleConfig;
using engine::TrainingConfig;

namespace {

/// A parameter with its own storage; param() hands out the non-owning view optimizers take.
struct Tensor {
    Matrix value;
    Matrix grad;
    bool regularized = true;

    explicit Tensor(Matrix v, bool reg = true)
        : value(std::move(v))
        , grad(Matrix::Zero(value.rows(), value.cols()))
        , regularized(reg)
    { }
    Param param() { return Param {"W", &value, &grad, regularized}; }
};

Matrix column(std::initializer_list<Scalar> values)
{
    Matrix m(Eigen::Index(values.size()), 1);
    Eigen::Index i = 0;
    for (Scalar v : values)
        m(i++, 0) = v;
    return m;
}

Matrix scalarMatrix(double v)
{
    return Matrix::Constant(1, 1, Scalar(v));
}

OptimizerConfig config(const std::string& type, double lr)
{
    OptimizerConfig c;
    c.type = type;
    c.learningRate = lr;
    return c;
}

/// Single precision keeps about 7 digits; the tolerance is relative to the larger magnitude.
bool close(double actual, double expected, double rel = 1e-5)
{
    return std::abs(actual - expected)
        <= rel * std::max({1.0, std::abs(actual), std::abs(expected)});
}

QByteArray describe(double actual, double expected)
{
    return QByteArray("actual ") + QByteArray::number(actual, 'g', 10) + ", expected "
        + QByteArray::number(expected, 'g', 10);
}

} // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

private slots:
    void createsEveryType();
    void createRejectsUnknownType();
    void minimizesQuadratic_data();
    void minimizesQuadratic();
    void firstSteps_data();
    void firstSteps();
    void adamFirstThreeSteps();
    void regularization_data();
    void regularization();
    void adamwDecay_data();
    void adamwDecay();
    void stepsCountOncePerCall();
    void resetForgetsState();
    void schedule_data();
    void schedule();
    void warmupStartsSmallButNonZero();
    void trainingConfigRoundTrip();
    void missingKeysKeepDefaults();
    void badJson_data();
    void badJson();
    void optimizerRejectsNonFinite();
};

void TestOptimizers::createsEveryType()
{
    const auto types = OptimizerConfig::types();
    const std::vector<std::string> expected {
        "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"};
    QCOMPARE(types, expected);
    for (const auto& t : types) {
        auto opt = Optimizer::create(config(t, 0.1));
        QVERIFY(opt != nullptr);
        QCOMPARE(opt->config().type, t);
        QCOMPARE(opt->steps(), 0L);
    }
}

void TestOptimizers::createRejectsUnknownType()
{
    try {
        Optimizer::create(config("adagrad", 0.1));
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.where(), std::string("type"));
        QVERIFY(e.message().find("adagrad") != std::string::npos);
    }
}

void TestOptimizers::minimizesQuadratic_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<double>("lr");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("tolerance");

    QTest::newRow("sgd") << "sgd" << 0.2 << 500 << 1e-4;
    QTest::newRow("momentum") << "momentum" << 0.05 << 500 << 1e-4;
    QTest::newRow("nesterov") << "nesterov" << 0.05 << 500 << 1e-4;
    QTest::newRow("rmsprop") << "rmsprop" << 0.01 << 2000 << 2e-2;
    QTest::newRow("adam") << "adam" << 0.02 << 2000 << 1e-3;
    QTest::newRow("adamw") << "adamw" << 0.02 << 2000 << 1e-3;
}

// f(w) = 1/2 (w - c)^T A (w - c) with A symmetric positive definite (eigenvalues 0.9 .. 3.2):
// the unique minimum is w = c, and grad f = A (w - c).
void TestOptimizers::minimizesQuadratic()
{
    QFETCH(QString, type);
    QFETCH(double, lr);
    QFETCH(int, steps);
    QFETCH(double, tolerance);

    Matrix a(3, 3);
    a << 3, 0.5, 0, 0.5, 2, 0.3, 0, 0.3, 1;
    const Matrix c = column({1, -2, 0.5});
    // Not regularized: AdamW's decay would move the minimum away from c.
    Tensor w(Matrix::Zero(3, 1), false);
    const Param p = w.param();

    auto opt = Optimizer::create(config(type.toStdString(), lr));
    const double start = (w.value - c).cwiseAbs().maxCoeff();
    for (int i = 0; i < steps; ++i) {
        w.grad.noalias() = a * (w.value - c);
        opt->step({&p, 1}, lr);
    }
    const double error = (w.value - c).cwiseAbs().maxCoeff();
    QVERIFY2(error < tolerance,
        qPrintable(QStringLiteral("max |w - c| = %1 (from %2)").arg(error).arg(start)));
    QCOMPARE(opt->steps(), long(steps));
}

void TestOptimizers::firstSteps_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<double>("w1");
    QTest::addColumn<double>("w2");

    // lr = 0.1, mu = 0.9, rho = 0.9, w0 = 1, g1 = 0.5, g2 = 0.3.
    // sgd: w1 = 1 - 0.1*0.5 = 0.95;  w2 = 0.95 - 0.1*0.3 = 0.92
    QTest::newRow("sgd") << "sgd" << 0.95 << 0.92;
    // heavy ball: v1 = 0.5, w1 = 1 - 0.1*0.5 = 0.95;
    //             v2 = 0.9*0.5 + 0.3 = 0.75, w2 = 0.95 - 0.1*0.75 = 0.875
    QTest::newRow("momentum") << "momentum" << 0.95 << 0.875;
    // PyTorch Nesterov: v1 = 0.5, w1 = 1 - 0.1*(0.5 + 0.9*0.5) = 0.905;
    //                   v2 = 0.75, w2 = 0.905 - 0.1*(0.3 + 0.9*0.75) = 0.8075
    QTest::newRow("nesterov") << "nesterov" << 0.905 << 0.8075;
    // rmsprop: s1 = 0.1*0.25 = 0.025, w1 = 1 - 0.1*0.5/sqrt(0.025) = 0.683772254;
    //          s2 = 0.9*0.025 + 0.1*0.09 = 0.0315, w2 = w1 - 0.1*0.3/sqrt(0.0315) = 0.514741413
    QTest::newRow("rmsprop") << "rmsprop" << 0.6837722540 << 0.5147414126;
}

void TestOptimizers::firstSteps()
{
    QFETCH(QString, type);
    QFETCH(double, w1);
    QFETCH(double, w2);

    OptimizerConfig c = config(type.toStdString(), 0.1);
    c.momentum = 0.9;
    c.rho = 0.9;
    c.epsilon = 1e-8;
    auto opt = Optimizer::create(c);
    Tensor w(scalarMatrix(1.0));
    const Param p = w.param();

    w.grad(0, 0) = Scalar(0.5);
    opt->step({&p, 1}, 0.1);
    QVERIFY2(close(w.value(0, 0), w1), describe(w.value(0, 0), w1));
    w.grad(0, 0) = Scalar(0.3);
    opt->step({&p, 1}, 0.1);
    QVERIFY2(close(w.value(0, 0), w2), describe(w.value(0, 0), w2));
}

void TestOptimizers::adamFirstThreeSteps()
{
    const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    OptimizerConfig c = config("adam", lr);
    c.beta1 = b1;
    c.beta2 = b2;
    c.epsilon = eps;
    auto opt = Optimizer::create(c);
    Tensor w(scalarMatrix(1.0));
    const Param p = w.param();

    // Kingma & Ba, Algorithm 1, written out for one weight.
    const double g[3] = {0.5, -0.2, 0.1};
    double m = 0, v = 0, expected = 1.0;
    for (int t = 1; t <= 3; ++t) {
        m = b1 * m + (1 - b1) * g[t - 1];
        v = b2 * v + (1 - b2) * g[t - 1] * g[t - 1];
        const double mHat = m / (1 - std::pow(b1, t));
        const double vHat = v / (1 - std::pow(b2, t));
        expected -= lr * mHat / (std::sqrt(vHat) + eps);

        w.grad(0, 0) = Scalar(g[t - 1]);
        opt->step({&p, 1}, lr);
        QVERIFY2(close(w.value(0, 0), expected), describe(w.value(0, 0), expected));
    }
    // The same three values worked out by hand: the bias-corrected first step has size lr.
    const double byHand[3] = {0.900000002, 0.8654394181, 0.8275002408};
    QVERIFY2(close(expected, byHand[2], 1e-9), describe(expected, byHand[2]));
    QVERIFY2(close(w.value(0, 0), byHand[2]), describe(w.value(0, 0), byHand[2]));
    QCOMPARE(opt->steps(), 3L);
}

void TestOptimizers::regularization_data()
{
    QTest::addColumn<double>("l1");
    QTest::addColumn<double>("l2");

    QTest::newRow("l2") << 0.0 << 0.1;
    QTest::newRow("l1") << 0.01 << 0.0;
    QTest::newRow("l1+l2") << 0.01 << 0.1;
    QTest::newRow("none") << 0.0 << 0.0;
}

void TestOptimizers::regularization()
{
    QFETCH(double, l1);
    QFETCH(double, l2);

    const double lr = 0.1;
    OptimizerConfig c = config("sgd", lr);
    c.l1 = l1;
    c.l2 = l2;
    auto opt = Optimizer::create(c);

    const Matrix start = column({2, -3, 0});
    Tensor weights(start, true);
    Tensor bias(start, false);
    weights.grad.setConstant(Scalar(0.5));
    bias.grad.setConstant(Scalar(0.5));
    const std::vector<Param> params {weights.param(), bias.param()};
    opt->step(params, lr);

    for (Eigen::Index i = 0; i < 3; ++i) {
        const double w = start(i, 0);
        const double sign = w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0);
        const double grad = 0.5 + l2 * w + l1 * sign;
        QVERIFY2(close(weights.grad(i, 0), grad), describe(weights.grad(i, 0), grad));
        QVERIFY2(close(weights.value(i, 0), w - lr * grad),
            describe(weights.value(i, 0), w - lr * grad));
        // Not regularized: gradient and update untouched.
        QCOMPARE(bias.grad(i, 0), Scalar(0.5));
        QVERIFY2(close(bias.value(i, 0), w - lr * 0.5), describe(bias.value(i, 0), w - lr * 0.5));
    }
}

void TestOptimizers::adamwDecay_data()
{
    QTest::addColumn<bool>("regularized");
    QTest::addColumn<double>("gradient");

    QTest::newRow("regularized, zero gradient") << true << 0.0;
    QTest::newRow("regularized") << true << 0.4;
    QTest::newRow("not regularized") << false << 0.4;
}

// AdamW = Adam on the same gradients, plus w -= lr * wd * w_before on regularized params only.
// Plain Adam ignores weightDecay.
void TestOptimizers::adamwDecay()
{
    QFETCH(bool, regularized);
    QFETCH(double, gradient);

    const double lr = 0.05, wd = 0.2;
    OptimizerConfig c = config("adam", lr);
    c.weightDecay = wd;
    auto adam = Optimizer::create(c);
    c.type = "adamw";
    auto adamw = Optimizer::create(c);

    const Matrix start = column({2, -1.5, 0.25});
    Tensor a(start, regularized), b(start, regularized);
    const Param pa = a.param(), pb = b.param();
    for (int step = 0; step < 3; ++step) {
        const Matrix before = b.value;
        a.grad.setConstant(Scalar(gradient));
        b.grad.setConstant(Scalar(gradient));
        const Matrix adamBefore = a.value;
        adam->step({&pa, 1}, lr);
        adamw->step({&pb, 1}, lr);
        for (Eigen::Index i = 0; i < 3; ++i) {
            const double adamDelta = a.value(i, 0) - adamBefore(i, 0);
            const double expected
                = before(i, 0) - (regularized ? lr * wd * before(i, 0) : 0.0) + adamDelta;
            QVERIFY2(close(b.value(i, 0), expected), describe(b.value(i, 0), expected));
        }
    }
    if (gradient == 0.0) // no Adam step at all: only the decay moves the weights
        QVERIFY2(close(b.value(0, 0), 2.0 * std::pow(1 - lr * wd, 3)),
            describe(b.value(0, 0), 2.0 * std::pow(1 - lr * wd, 3)));
    if (!regularized)
        QVERIFY(b.value == a.value);
    else
        QVERIFY(b.value != a.value);
}

void TestOptimizers::stepsCountOncePerCall()
{
    const double lr = 0.01;
    auto opt = Optimizer::create(config("adam", lr));
    Tensor w1(column({1, 2})), w2(column({3}));
    w1.grad.setConstant(Scalar(0.7));
    w2.grad.setConstant(Scalar(-0.2));
    const std::vector<Param> params {w1.param(), w2.param()};

    opt->step(params, lr);
    QCOMPARE(opt->steps(), 1L);
    // With t = 1 the corrected step is lr * g / |g| for both tensors; a per-tensor count would
    // give the second one t = 2 and a smaller step.
    QVERIFY2(close(w1.value(0, 0), 1 - lr), describe(w1.value(0, 0), 1 - lr));
    QVERIFY2(close(w2.value(0, 0), 3 + lr), describe(w2.value(0, 0), 3 + lr));

    opt->step(params, lr);
    opt->step(params, lr);
    QCOMPARE(opt->steps(), 3L);
}

void TestOptimizers::resetForgetsState()
{
    const double lr = 0.1;
    auto opt = Optimizer::create(config("momentum", lr));
    Tensor w(scalarMatrix(0.0));
    const Param p = w.param();
    w.grad(0, 0) = 1;
    opt->step({&p, 1}, lr);
    opt->step({&p, 1}, lr);
    QCOMPARE(opt->steps(), 2L);

    opt->reset();
    QCOMPARE(opt->steps(), 0L);
    // A fresh velocity moves by exactly lr * g; the old one (1.9) would have added 0.9 * 1.9.
    const double before = w.value(0, 0);
    opt->step({&p, 1}, lr);
    QVERIFY2(close(w.value(0, 0), before - lr), describe(w.value(0, 0), before - lr));
}

void TestOptimizers::schedule_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<double>("warmup");
    QTest::addColumn<double>("progress");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");

    // base 0.1, 100 epochs; step: x0.5 every 10 epochs; cosine down to 0.001.
    QTest::newRow("constant") << "constant" << 0.0 << 37.5 << 0.1 << 1e-12;
    QTest::newRow("step start") << "step" << 0.0 << 0.0 << 0.1 << 1e-12;
    QTest::newRow("step just before 10") << "step" << 0.0 << 9.999 << 0.1 << 1e-12;
    QTest::newRow("step at 10") << "step" << 0.0 << 10.0 << 0.05 << 1e-12;
    QTest::newRow("step at 25") << "step" << 0.0 << 25.0 << 0.025 << 1e-12;
    QTest::newRow("cosine start") << "cosine" << 0.0 << 0.0 << 0.1 << 1e-12;
    QTest::newRow("cosine middle") << "cosine" << 0.0 << 50.0 << 0.0505 << 1e-12;
    // (1 + cos(pi/4)) / 2 = 0.853553390593
    QTest::newRow("cosine quarter")
        << "cosine" << 0.0 << 25.0 << 0.001 + 0.099 * 0.853553390593 << 1e-12;
    QTest::newRow("cosine end") << "cosine" << 0.0 << 100.0 << 0.001 << 1e-12;
    QTest::newRow("cosine past end") << "cosine" << 0.0 << 120.0 << 0.001 << 1e-12;
    // Warm-up over 4 epochs: linear ramp (the small offset that keeps the first batch non-zero
    // is within the tolerance), then the schedule itself.
    QTest::newRow("warm-up quarter") << "constant" << 4.0 << 1.0 << 0.025 << 1e-4;
    QTest::newRow("warm-up half") << "constant" << 4.0 << 2.0 << 0.05 << 1e-4;
    QTest::newRow("warm-up done") << "constant" << 4.0 << 4.0 << 0.1 << 1e-12;
    QTest::newRow("warm-up later") << "constant" << 4.0 << 30.0 << 0.1 << 1e-12;
    QTest::newRow("warm-up then step") << "step" << 4.0 << 12.0 << 0.05 << 1e-12;
    QTest::newRow("warm-up on cosine")
        << "cosine" << 4.0 << 2.0
        << 0.5 * (0.001 + 0.099 * (1 + std::cos(std::numbers::pi * 0.02)) / 2) << 1e-4;
}

void TestOptimizers::schedule()
{
    QFETCH(QString, type);
    QFETCH(double, warmup);
    QFETCH(double, progress);
    QFETCH(double, expected);
    QFETCH(double, tolerance);

    ScheduleConfig s;
    s.type = type.toStdString();
    s.stepEpochs = 10;
    s.gamma = 0.5;
    s.minLearningRate = 0.001;
    s.warmupEpochs = warmup;
    const double lr = engine::learningRateAt(s, 0.1, progress, 100);
    QVERIFY2(std::abs(lr - expected) <= tolerance, describe(lr, expected));
}

void TestOptimizers::warmupStartsSmallButNonZero()
{
    ScheduleConfig s;
    s.warmupEpochs = 5;
    const double first = engine::learningRateAt(s, 0.1, 0.0, 50);
    QVERIFY2(first > 0, describe(first, 0));
    QVERIFY2(first < 0.1 * 0.01, describe(first, 0.001));
    // Strictly increasing through the ramp.
    double previous = first;
    for (double progress = 0.25; progress <= 5.0; progress += 0.25) {
        const double lr = engine::learningRateAt(s, 0.1, progress, 50);
        QVERIFY2(lr > previous, describe(lr, previous));
        previous = lr;
    }
    QCOMPARE(previous, 0.1);
}

void TestOptimizers::trainingConfigRoundTrip()
{
    TrainingConfig c;
    c.epochs = 42;
    c.batchSize = 128;
    c.optimizer.type = "nesterov";
    c.optimizer.learningRate = 0.003;
    c.optimizer.momentum = 0.85;
    c.optimizer.rho = 0.95;
    c.optimizer.beta1 = 0.8;
    c.optimizer.beta2 = 0.99;
    c.optimizer.epsilon = 1e-7;
    c.optimizer.weightDecay = 0.05;
    c.optimizer.l1 = 1e-5;
    c.optimizer.l2 = 1e-4;
    c.schedule.type = "cosine";
    c.schedule.stepEpochs = 7;
    c.schedule.gamma = 0.3;
    c.schedule.minLearningRate = 1e-5;
    c.schedule.warmupEpochs = 1.5;
    c.validationSplit = 0.15;
    c.testSplit = 0.1;
    c.earlyStoppingPatience = 6;
    c.earlyStoppingMinDelta = 1e-3;
    c.restoreBestWeights = false;
    c.seed = 18446744073709551615ULL; // the largest seed must survive the round trip

    const nlohmann::json j = c.toJson();
    const std::vector<std::string> keys {"batchSize", "earlyStoppingMinDelta",
        "earlyStoppingPatience", "epochs", "optimizer", "restoreBestWeights", "schedule", "seed",
        "testSplit", "validationSplit"};
    std::vector<std::string> actualKeys;
    for (auto it = j.begin(); it != j.end(); ++it)
        actualKeys.push_back(it.key());
    QCOMPARE(actualKeys, keys);
    QCOMPARE(j.at("optimizer").at("learningRate").get<double>(), 0.003);
    QCOMPARE(j.at("schedule").at("warmupEpochs").get<double>(), 1.5);
    QVERIFY(j.at("seed").is_number_unsigned());

    const TrainingConfig back = TrainingConfig::fromJson(nlohmann::json::parse(j.dump()));
    QVERIFY2(back.toJson() == j, back.toJson().dump().c_str());
    QCOMPARE(back.epochs, 42);
    QCOMPARE(back.batchSize, 128);
    QCOMPARE(back.optimizer.type, std::string("nesterov"));
    QCOMPARE(back.optimizer.momentum, 0.85);
    QCOMPARE(back.optimizer.rho, 0.95);
    QCOMPARE(back.optimizer.beta1, 0.8);
    QCOMPARE(back.optimizer.beta2, 0.99);
    QCOMPARE(back.optimizer.epsilon, 1e-7);
    QCOMPARE(back.optimizer.weightDecay, 0.05);
    QCOMPARE(back.optimizer.l1, 1e-5);
    QCOMPARE(back.optimizer.l2, 1e-4);
    QCOMPARE(back.schedule.type, std::string("cosine"));
    QCOMPARE(back.schedule.stepEpochs, 7);
    QCOMPARE(back.schedule.gamma, 0.3);
    QCOMPARE(back.schedule.minLearningRate, 1e-5);
    QCOMPARE(back.validationSplit, 0.15);
    QCOMPARE(back.testSplit, 0.1);
    QCOMPARE(back.earlyStoppingPatience, 6);
    QCOMPARE(back.earlyStoppingMinDelta, 1e-3);
    QCOMPARE(back.restoreBestWeights, false);
    QCOMPARE(back.seed, std::uint64_t(18446744073709551615ULL));
}

void TestOptimizers::missingKeysKeepDefaults()
{
    const TrainingConfig defaults;
    QVERIFY(TrainingConfig::fromJson(nlohmann::json::object()).toJson() == defaults.toJson());

    const auto c = TrainingConfig::fromJson(
        nlohmann::json::parse(R"({"epochs": 5, "optimizer": {"learningRate": 0.5},
                                  "schedule": {"type": "step"}, "seed": 7})"));
    QCOMPARE(c.epochs, 5);
    QCOMPARE(c.seed, std::uint64_t(7));
    QCOMPARE(c.optimizer.learningRate, 0.5);
    QCOMPARE(c.optimizer.type, defaults.optimizer.type);
    QCOMPARE(c.optimizer.beta2, defaults.optimizer.beta2);
    QCOMPARE(c.schedule.type, std::string("step"));
    QCOMPARE(c.schedule.stepEpochs, defaults.schedule.stepEpochs);
    QCOMPARE(c.batchSize, defaults.batchSize);
    QCOMPARE(c.validationSplit, defaults.validationSplit);

    // A seed built in C++ is a signed JSON integer; it is accepted as long as it is not negative.
    QCOMPARE(TrainingConfig::fromJson(nlohmann::json {{"seed", 9}}).seed, std::uint64_t(9));
}

void TestOptimizers::badJson_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("where");

    QTest::newRow("not an object") << "[1, 2]"
                                   << "";
    QTest::newRow("lr zero") << R"({"optimizer": {"learningRate": 0}})"
                             << "optimizer.learningRate";
    QTest::newRow("lr negative") << R"({"optimizer": {"learningRate": -0.1}})"
                                 << "optimizer.learningRate";
    QTest::newRow("lr string") << R"({"optimizer": {"learningRate": "fast"}})"
                               << "optimizer.learningRate";
    QTest::newRow("unknown optimizer") << R"({"optimizer": {"type": "adagrad"}})"
                                       << "optimizer.type";
    QTest::newRow("optimizer type number") << R"({"optimizer": {"type": 3}})"
                                           << "optimizer.type";
    QTest::newRow("momentum 1") << R"({"optimizer": {"momentum": 1.0}})"
                                << "optimizer.momentum";
    QTest::newRow("momentum negative") << R"({"optimizer": {"momentum": -0.5}})"
                                       << "optimizer.momentum";
    QTest::newRow("rho 1") << R"({"optimizer": {"rho": 1}})"
                           << "optimizer.rho";
    QTest::newRow("beta1 1.5") << R"({"optimizer": {"beta1": 1.5}})"
                               << "optimizer.beta1";
    QTest::newRow("beta2 1") << R"({"optimizer": {"beta2": 1}})"
                             << "optimizer.beta2";
    QTest::newRow("epsilon 0") << R"({"optimizer": {"epsilon": 0}})"
                               << "optimizer.epsilon";
    QTest::newRow("weight decay negative") << R"({"optimizer": {"weightDecay": -1}})"
                                           << "optimizer.weightDecay";
    QTest::newRow("l1 negative") << R"({"optimizer": {"l1": -0.001}})"
                                 << "optimizer.l1";
    QTest::newRow("l2 bool") << R"({"optimizer": {"l2": true}})"
                             << "optimizer.l2";
    QTest::newRow("optimizer not object") << R"({"optimizer": "adam"})"
                                          << "optimizer";
    QTest::newRow("unknown schedule") << R"({"schedule": {"type": "exponential"}})"
                                      << "schedule.type";
    QTest::newRow("step epochs 0") << R"({"schedule": {"stepEpochs": 0}})"
                                   << "schedule.stepEpochs";
    QTest::newRow("step epochs 2.5") << R"({"schedule": {"stepEpochs": 2.5}})"
                                     << "schedule.stepEpochs";
    QTest::newRow("gamma 0") << R"({"schedule": {"gamma": 0}})"
                             << "schedule.gamma";
    QTest::newRow("min lr negative") << R"({"schedule": {"minLearningRate": -1e-3}})"
                                     << "schedule.minLearningRate";
    QTest::newRow("warm-up negative") << R"({"schedule": {"warmupEpochs": -1}})"
                                      << "schedule.warmupEpochs";
    QTest::newRow("schedule not object") << R"({"schedule": null})"
                                         << "schedule";
    QTest::newRow("epochs 0") << R"({"epochs": 0})"
                              << "epochs";
    QTest::newRow("epochs too many") << R"({"epochs": 1000001})"
                                     << "epochs";
    QTest::newRow("epochs fractional") << R"({"epochs": 2.5})"
                                       << "epochs";
    QTest::newRow("batch 0") << R"({"batchSize": 0})"
                             << "batchSize";
    QTest::newRow("batch too big") << R"({"batchSize": 65537})"
                                   << "batchSize";
    QTest::newRow("batch string") << R"({"batchSize": "32"})"
                                  << "batchSize";
    QTest::newRow("validation 0.91") << R"({"validationSplit": 0.91})"
                                     << "validationSplit";
    QTest::newRow("test negative") << R"({"testSplit": -0.1})"
                                   << "testSplit";
    QTest::newRow("splits sum") << R"({"validationSplit": 0.5, "testSplit": 0.45})"
                                << "testSplit";
    QTest::newRow("splits sum exactly 0.95") << R"({"validationSplit": 0.9, "testSplit": 0.05})"
                                             << "testSplit";
    QTest::newRow("patience negative") << R"({"earlyStoppingPatience": -1})"
                                       << "earlyStoppingPatience";
    QTest::newRow("min delta negative") << R"({"earlyStoppingMinDelta": -0.01})"
                                        << "earlyStoppingMinDelta";
    QTest::newRow("restore not bool") << R"({"restoreBestWeights": 1})"
                                      << "restoreBestWeights";
    QTest::newRow("seed negative") << R"({"seed": -1})"
                                   << "seed";
    QTest::newRow("seed fractional") << R"({"seed": 1.5})"
                                     << "seed";
    QTest::newRow("seed string") << R"({"seed": "1"})"
                                 << "seed";
}

void TestOptimizers::badJson()
{
    QFETCH(QString, json);
    QFETCH(QString, where);

    const auto j = nlohmann::json::parse(json.toStdString());
    try {
        TrainingConfig::fromJson(j);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), where);
        QVERIFY2(e.message().find("expected") != std::string::npos, e.what());
    }
}

void TestOptimizers::optimizerRejectsNonFinite()
{
    for (const double bad :
        {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
        nlohmann::json j {{"learningRate", bad}};
        try {
            OptimizerConfig::fromJson(j);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QCOMPARE(e.where(), std::string("learningRate"));
        }
    }
    try {
        engine::ScheduleConfig::fromJson(nlohmann::json {{"gamma", std::nan("")}});
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.where(), std::string("gamma"));
    }
}

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"

// The LibTorch pieces: loss values against hand computation, network shapes.
#include "core/ml/nets.h"

#include <QTest>

#include <cmath>

using namespace ecgscope::ml;

class TestLosses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void focalLossByHand()
    {
        // Two samples, logits giving p = softmax([2, 0]) -> p0 = e^2/(e^2+1) = 0.880797.
        const torch::Tensor logits = torch::tensor({{2.0f, 0.0f}, {2.0f, 0.0f}});
        const torch::Tensor targets = torch::tensor({0, 1}, torch::kInt64);
        const double p0 = std::exp(2.0) / (std::exp(2.0) + 1.0), p1 = 1.0 - p0;
        const double gamma = 2.0;
        const double l0 = -std::pow(1 - p0, gamma) * std::log(p0), l1 = -std::pow(1 - p1, gamma) * std::log(p1);
        QVERIFY(std::abs(focalLoss(logits, targets, gamma, {}).item<double>() - (l0 + l1) / 2) < 1e-6);
        // With alpha = (0.25, 0.75).
        const torch::Tensor alpha = torch::tensor({0.25f, 0.75f});
        QVERIFY(std::abs(focalLoss(logits, targets, gamma, alpha).item<double>() - (0.25 * l0 + 0.75 * l1) / 2) < 1e-6);
        // gamma = 0 is cross-entropy.
        QVERIFY(std::abs(focalLoss(logits, targets, 0.0, {}).item<double>() - (-std::log(p0) - std::log(p1)) / 2) < 1e-6);
    }

    void weightedCrossEntropyByHand()
    {
        // PyTorch's weighted mean: sum w_t * (-log p_t) / sum w_t.
        const torch::Tensor logits = torch::tensor({{2.0f, 0.0f}, {2.0f, 0.0f}});
        const torch::Tensor targets = torch::tensor({0, 1}, torch::kInt64);
        const double p0 = std::exp(2.0) / (std::exp(2.0) + 1.0);
        const double expected = (1.0 * -std::log(p0) + 3.0 * -std::log(1 - p0)) / 4.0;
        const double got = torch::nn::functional::cross_entropy(logits, targets, torch::nn::functional::CrossEntropyFuncOptions().weight(torch::tensor({1.0f, 3.0f}))).item<double>();
        QVERIFY(std::abs(got - expected) < 1e-6);
    }

    void networksMapLeadsToClasses()
    {
        for (const NetConfig &c : {NetConfig{Architecture::ResNet, 8, 1}, NetConfig{Architecture::Inception, 8, 3}}) {
            auto net = makeNet(c, 12, 7, 2);
            net->eval();
            const torch::Tensor y = net->forward(torch::randn({3, 12, 1000}), torch::randn({3, 2}));
            QCOMPARE(y.size(0), int64_t(3));
            QCOMPARE(y.size(1), int64_t(7));
            // Other lengths work too (global pooling).
            QCOMPARE(net->forward(torch::randn({1, 12, 2500}), torch::randn({1, 2})).size(1), int64_t(7));
            QCOMPARE(makeNet(c, 12, 7, 0)->forward(torch::randn({2, 12, 1000}), {}).size(1), int64_t(7)); // waveform only
        }
    }
};

QTEST_APPLESS_MAIN(TestLosses)
#include "tst_losses.moc"

// The LibTorch pieces: loss values against hand computation, network shapes, frozen stages.
#include "core/dataset/synthcorpus.h"
#include "core/ml/nets.h"

#include <QDir>
#include <QTemporaryDir>
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

    void earlyStagesAreAllButTheLastStageAndTheHead()
    {
        for (const NetConfig &c : {NetConfig{Architecture::ResNet, 8, 2}, NetConfig{Architecture::Inception, 8, 6}}) {
            auto net = makeNet(c, 12, 7, 0);
            const auto early = net->earlyParameters();
            const auto isEarly = [&](const torch::Tensor &t) { return std::any_of(early.begin(), early.end(), [&](const torch::Tensor &e) { return e.is_same(t); }); };
            for (const auto &h : net->headParameters())
                QVERIFY(!isEarly(h));
            int later = 0;
            for (const auto &item : net->named_parameters()) {
                const std::string &name = item.key();
                // ResNet: body.6/7 are the fourth stage's two blocks; Inception: blocks 3-5 and shortcut 1.
                const bool last = name.rfind("head.", 0) == 0 || name.rfind("body.6.", 0) == 0 || name.rfind("body.7.", 0) == 0 ||
                                  name.rfind("blocks.3.", 0) == 0 || name.rfind("blocks.4.", 0) == 0 || name.rfind("blocks.5.", 0) == 0 ||
                                  name.rfind("shortcuts.1.", 0) == 0;
                QVERIFY2(isEarly(item.value()) != last, name.c_str());
                later += last;
            }
            QCOMPARE(int(early.size()) + later, int(net->parameters().size()));
        }
    }

    void freezingKeepsTheEarlyStagesOfTheParent()
    {
        QTemporaryDir dir;
        ecgscope::dataset::SynthCorpusOptions o;
        o.recordsPerClass = 6;
        o.includeOther = false;
        o.sampleRateHz = 100;
        auto m = ecgscope::dataset::makeSyntheticCorpus(dir.filePath(QStringLiteral("corpus")), o);
        QVERIFY(m);
        TrainConfig cfg;
        cfg.net = {Architecture::ResNet, 8, 1};
        cfg.epochs = 1;
        cfg.batchSize = 8;
        cfg.threads = 1;
        cfg.calibrate = false;
        QVERIFY(train(m.value(), cfg, dir.filePath(QStringLiteral("parent"))));
        TrainConfig child = cfg;
        child.learningRate = 1e-2;
        child.fineTune = {dir.filePath(QStringLiteral("parent")), 1.0, 1};
        QVERIFY(train(m.value(), child, dir.filePath(QStringLiteral("child"))));
        const auto load = [&](const QString &name) {
            auto net = makeNet(cfg.net, 12, 6, cfg.contract.features.size());
            torch::serialize::InputArchive a;
            a.load_from(QDir(dir.filePath(name)).filePath(QStringLiteral("model.pt")).toStdString());
            net->load(a);
            return net;
        };
        auto parent = load(QStringLiteral("parent")), trained = load(QStringLiteral("child"));
        const auto early = trained->earlyParameters(), parentEarly = parent->earlyParameters();
        for (size_t i = 0; i < early.size(); ++i)
            QVERIFY(torch::equal(early[i], parentEarly[i]));
        QVERIFY(!torch::equal(trained->headParameters()[0], parent->headParameters()[0]));
    }
};

QTEST_APPLESS_MAIN(TestLosses)
#include "tst_losses.moc"

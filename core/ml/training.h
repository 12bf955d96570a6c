#pragma once

#include "core/dataset/manifest.h"
#include "core/ml/calibration.h"
#include "core/ml/contract.h"
#include "core/ml/metrics.h"
#include "core/progress.h"

#include <QJsonObject>

#include <cstdint>
#include <vector>

namespace ecgscope::ml {

enum class Architecture { ResNet, Inception };

/// The network: a 1-D ResNet (width = channels of the first stage, depth = residual blocks per stage,
/// four stages) or an InceptionTime-style net (width = filters per branch, depth = inception modules).
struct NetConfig {
    Architecture architecture = Architecture::ResNet;
    int width = 32;
    int depth = 2;

    QString name() const; ///< "resnet" or "inception"
    QJsonObject toJson() const;
    static Result<NetConfig> fromJson(const QJsonObject &json);
};

enum class WeightScheme { InverseFrequency, EffectiveNumber };

/// The paper's imbalance strategies; they combine (e.g. subclass with focal loss).
struct StrategyConfig {
    bool focal = false;                 ///< FL = -alpha_t (1 - p_t)^gamma log p_t
    double gamma = 2.0;
    std::vector<double> alpha;          ///< per class; empty = 1 for every class
    bool classWeights = false;          ///< weighted cross-entropy
    WeightScheme scheme = WeightScheme::InverseFrequency;
    double beta = 0.999;                ///< effective-number weighting's beta
    bool balance = false;               ///< undersample every class to the smallest one
    bool redrawEachEpoch = true;        ///< balance: a new draw each epoch, else one fixed draw
    bool subclass = false;              ///< two stages over class groups
    std::vector<std::vector<int>> groups; ///< subclass groups of class indices; empty = {0,1,2},{3},{4},{5}(,{6})

    /// "none", "focal", "weights", "balance", "subclass" or a combination like "subclass+focal".
    QString name() const;
    /// Parses a name as above; options (gamma, scheme, ...) keep their defaults.
    static Result<StrategyConfig> fromName(const QString &name);
    QJsonObject toJson() const;
    /// The groups in effect for a model with `classCount` classes.
    std::vector<std::vector<int>> effectiveGroups(int classCount) const;
};

/// Class weights from class counts: inverse frequency N / (K n_c), or the effective number of samples
/// (1 - beta) / (1 - beta^n_c) (Cui et al. 2019); both normalised to a mean of 1 over the classes.
/// A class with no samples gets weight 0.
std::vector<double> classWeights(const std::vector<int> &counts, WeightScheme scheme, double beta = 0.999);

/// Indices of a balanced draw: every class undersampled (without replacement) to the smallest non-empty class.
std::vector<size_t> balancedDraw(const std::vector<int> &labels, int classCount, uint64_t seed);

/// Combines the two stages of the subclass strategy into class probabilities: a class alone in its
/// group gets the group's probability, a class in a merged group gets p(group) * p(class | group).
/// `withinGroup[g]` holds the second stage's probabilities over the members of group g (empty for
/// single-class groups).
std::vector<float> combineStages(const std::vector<float> &groupProbabilities, const std::vector<std::vector<int>> &groups,
                                 const std::vector<std::vector<float>> &withinGroup, int classCount);

/// Data-parallel training over several processes and hosts (LibTorch c10d, Gloo backend): every rank
/// trains on its own disjoint shard of the training split with a share of the global batch; gradients
/// and batch-norm statistics are averaged over the ranks, rank 0 decides early stopping and alone writes
/// checkpoints and the model.
struct DistributedConfig {
    int worldSize = 1;
    int rank = 0;
    QString masterAddress = QStringLiteral("127.0.0.1"); ///< where rank 0 runs the TCPStore rendezvous
    int masterPort = 29500;
    QString interfaceAddress; ///< this rank's address for Gloo traffic; empty = the master address (one host)
    int timeoutSeconds = 60;  ///< for joining and for every collective: a dead rank fails the others
};

/// Fine-tuning: the new model starts from a trained model's weights instead of random ones.
struct FineTuneConfig {
    QString parentDir;            ///< the parent model's folder; empty = random initialisation
    double pretrainedLrScale = 1.0; ///< learning rate of all layers but the head, relative to the head's
    int freezeEpochs = 0;         ///< the early stages (all but the last stage and the head) stay frozen this long
};

/// What training needs to know of a parent model, read from its (verified) model folder.
struct ParentModel {
    QString dir;
    QString modelId;
    QString mapping;
    NetConfig net;
    InputContract contract;
    QStringList classes;
    QString weightsFile; ///< the first stage's weights
    int outputs = 0;     ///< of that stage
    bool singleStage = true;
};
Result<ParentModel> readParentModel(const QString &modelDir);

struct TrainConfig {
    NetConfig net;
    StrategyConfig strategy;
    InputContract contract;
    int epochs = 30;
    int batchSize = 32;
    double learningRate = 1e-3;
    double weightDecay = 1e-4;
    int patience = 8;       ///< early stopping: epochs without a better validation macro-F1
    uint64_t seed = 1;
    int threads = 0;        ///< LibTorch intra-op threads; 0 = default
    bool augment = true;    ///< noise and lead dropout on training windows
    bool resume = false;    ///< continue from the checkpoints in the output folder (single process)
    DistributedConfig distributed; ///< batchSize is the global batch, divided among the ranks
    FineTuneConfig fineTune;
    /// After training: temperature and per-class thresholds fitted on the validation split (rule None:
    /// the temperature alone).
    ThresholdRule thresholds;
    bool calibrate = true;

    /// "resnet / subclass+focal": how comparisons name a run.
    QString name() const;
    /// "resnet-subclass_focal": a folder name for the run.
    QString folderName() const;
};

/// One epoch of one training stage, for progress displays and the training curves.
struct EpochReport {
    QString stage; ///< "model", or "stage1" / "stage2-<group>" for subclass
    int epoch = 0; ///< 1-based
    int epochs = 0;
    double trainLoss = 0.0;
    double validationMacroF1 = 0.0;
    double learningRate = 0.0;
    double seconds = 0.0;
};

class TrainingObserver : public Progress {
public:
    virtual void epochFinished(const EpochReport &report) { Q_UNUSED(report); }
};

struct TrainResult {
    QString modelDir;
    QString modelId;
    Evaluation validation;
    Evaluation test;
    std::vector<EpochReport> history;
    double seconds = 0.0;
    double samplesPerSecond = 0.0; ///< training throughput, forward and backward, all ranks together
    double communicationSeconds = 0.0; ///< time this rank spent in all-reduces and broadcasts
    int steps = 0;                     ///< optimizer steps this rank took
    QString parentId;                  ///< the model it was fine-tuned from
    QStringList notes;                 ///< what a user should know (e.g. a re-initialised last layer)
    Calibration calibration;
};

/// Trains on the manifest's "train" split, early-stops on "val", evaluates the saved model on "test", and
/// writes to `outDir`: the weights (one file per stage), `model.json` (the model card), `metrics.json`,
/// `metrics.csv`, `confusion.csv` and `history.csv`. Checkpoints every epoch; with `resume` it continues
/// from them. Cancelling (through the observer) stops after the current batch with an error; the
/// checkpoints stay.
Result<TrainResult> train(const dataset::Manifest &manifest, const TrainConfig &config, const QString &outDir,
                          TrainingObserver *observer = nullptr);

} // namespace ecgscope::ml

#pragma once

#include "core/ml/training.h"

#include <QCommandLineParser>

namespace ecgscope::cli {

/// The options `train` and `experiments` share: architecture, epochs, batch size, learning rate, ...
void addTrainOptions(QCommandLineParser &parser);
/// Reads them, for one architecture and strategy name ("focal", "subclass+weights", ...).
Result<ml::TrainConfig> trainConfig(const QCommandLineParser &parser, const QString &architecture, const QString &strategy);

/// The training data: every `--manifest PATH[:WEIGHT]`, merged when there are several or a weight or
/// `--val-source` is given (dataset::mergeSources).
Result<dataset::Manifest> trainingManifest(const QCommandLineParser &parser);

/// The bundled model's folder (`<data dir>/models/default`), or `--model` where given.
QString modelDirOption(const QCommandLineParser &parser);

} // namespace ecgscope::cli

#pragma once

#include "core/ml/training.h"

#include <QCommandLineParser>

namespace ecgscope::cli {

/// The options `train` and `experiments` share: architecture, epochs, batch size, learning rate, ...
void addTrainOptions(QCommandLineParser &parser);
/// Reads them, for one architecture and strategy name ("focal", "subclass+weights", ...).
Result<ml::TrainConfig> trainConfig(const QCommandLineParser &parser, const QString &architecture, const QString &strategy);

/// The bundled model's folder (`<data dir>/models/default`), or `--model` where given.
QString modelDirOption(const QCommandLineParser &parser);

} // namespace ecgscope::cli

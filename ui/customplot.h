#pragma once

// Debian's qcustomplot.h spells Qt's keyword macros (signals, slots, foreach), which the project turns
// off (QT_NO_KEYWORDS) because they clash with LibTorch. Include QCustomPlot through this header only.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach

// libFuzzer target: text / CSV ECG reader (separators, header lines, units, time columns).
#include "core/io/textecg.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ecgscope::io::TextOptions options;
    options.rateHz = 500.0;
    options.microvoltsPerUnit = 1.0;
    (void)ecgscope::io::readTextEcg(ecgscope::fuzz::writeScratch(QStringLiteral("f.csv"), data, size), options);
    return 0;
}

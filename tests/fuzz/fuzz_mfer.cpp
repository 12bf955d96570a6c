// libFuzzer target: MFER reader (tag-length-value definitions, nested channel attributes, waveform).
#include "core/io/mfer.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readMfer(ecgscope::fuzz::writeScratch(QStringLiteral("f.mwf"), data, size));
    return 0;
}

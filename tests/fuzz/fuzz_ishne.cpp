// libFuzzer target: ISHNE Holter reader (header, lead table, samples).
#include "core/io/ishne.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readIshne(ecgscope::fuzz::writeScratch(QStringLiteral("f.ecg"), data, size));
    return 0;
}

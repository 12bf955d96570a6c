// libFuzzer target: EDF / EDF+ reader (header fields, signal headers, records, annotations).
#include "core/io/edf.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readEdf(ecgscope::fuzz::writeScratch(QStringLiteral("f.edf"), data, size));
    return 0;
}

// libFuzzer target: HL7 aECG, GE MUSE and Philips XML readers (the root element picks the reader).
#include "core/io/ecgxml.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readEcgXml(ecgscope::fuzz::writeScratch(QStringLiteral("f.xml"), data, size));
    return 0;
}

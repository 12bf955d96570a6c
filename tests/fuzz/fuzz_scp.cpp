// libFuzzer target: SCP-ECG reader (pointer table, tags, Huffman streams, reference beats).
#include "core/io/scp.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readScp(ecgscope::fuzz::writeScratch(QStringLiteral("f.scp"), data, size));
    return 0;
}

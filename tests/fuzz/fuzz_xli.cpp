// libFuzzer target: Philips XLI decompression (LZW + delta decoding) on raw bytes.
#include "core/io/ecgxml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const auto first = qint16(data[0] | (data[1] << 8));
    (void)ecgscope::io::decodeXliChunk(QByteArray(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2)), first);
    return 0;
}

// libFuzzer target: WFDB header + signal file (format 16/212/... and MATLAB v4). The input is split at
// the first NUL byte: before it the header text, after it the signal file's bytes.
#include "core/io/wfdb.h"
#include "tests/fuzz/fuzz_common.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto *nul = static_cast<const uint8_t *>(std::memchr(data, 0, size));
    const size_t headerSize = nul ? size_t(nul - data) : size;
    QByteArray header(reinterpret_cast<const char *>(data), qsizetype(headerSize));
    // The signal files the header may name: r.dat and r.mat (the header decides which it reads).
    const uint8_t *signal = nul ? nul + 1 : data + size;
    const size_t signalSize = nul ? size - headerSize - 1 : 0;
    ecgscope::fuzz::writeScratch(QStringLiteral("r.dat"), signal, signalSize);
    ecgscope::fuzz::writeScratch(QStringLiteral("r.mat"), signal, signalSize);
    const QString hea = ecgscope::fuzz::writeScratch(QStringLiteral("r.hea"), reinterpret_cast<const uint8_t *>(header.constData()), size_t(header.size()));
    (void)ecgscope::io::readWfdb(hea);
    return 0;
}

// libFuzzer target: DICOM ECG waveform reader (DCMTK underneath).
#include "core/io/dicom.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ecgscope::io::readDicom(ecgscope::fuzz::writeScratch(QStringLiteral("f.dcm"), data, size));
    return 0;
}

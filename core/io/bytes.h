#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>

namespace ecgscope::io {

/// Little-endian reads from a file's bytes that never run past them: a read beyond the end returns 0
/// and is remembered (overrun()), so a parser checks once instead of before every field.
class Bytes {
public:
    explicit Bytes(const QByteArray &data) : mData(reinterpret_cast<const uint8_t *>(data.constData())), mSize(size_t(data.size())) {}
    size_t size() const { return mSize; }
    const uint8_t *at(size_t offset) const { return mData + offset; }
    bool has(size_t offset, size_t count) const { return offset <= mSize && count <= mSize - offset; }
    uint8_t u8(size_t o) const { return has(o, 1) ? mData[o] : (mOverrun = true, 0); }
    uint16_t u16(size_t o) const { return has(o, 2) ? uint16_t(mData[o] | (mData[o + 1] << 8)) : (mOverrun = true, 0); }
    int16_t i16(size_t o) const { return int16_t(u16(o)); }
    uint32_t u32(size_t o) const { return has(o, 4) ? uint32_t(u16(o)) | (uint32_t(u16(o + 2)) << 16) : (mOverrun = true, 0); }
    bool overrun() const { return mOverrun; }

private:
    const uint8_t *mData;
    size_t mSize;
    mutable bool mOverrun = false;
};

} // namespace ecgscope::io

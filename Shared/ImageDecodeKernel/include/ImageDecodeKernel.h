#ifndef ROOMREEL_IMAGE_DECODE_KERNEL_H
#define ROOMREEL_IMAGE_DECODE_KERNEL_H

#include <stddef.h>

/// The outcome of decoding a photo in memory.
typedef struct {
    /// 0 when every byte decoded cleanly; otherwise the decoder's complaint is in `message`.
    int failed;
    /// The decoded frame's size in pixels (before any scaling), 0 when the header could not be read.
    unsigned int width;
    unsigned int height;
    char message[160];
} rr_decode_result;

/// Decodes a whole JPEG (baseline or progressive) with libjpeg-turbo, scaled by 1/`scale_denominator`
/// (1, 2, 4 or 8: DCT scaling still reads every byte of the entropy-coded data, so damage anywhere
/// is found), treating every warning (a premature end, corrupt data) as a failure.
rr_decode_result rr_decode_jpeg(const unsigned char *data, size_t size, unsigned int scale_denominator);

/// Decodes a whole PNG with libpng a row at a time (memory: one row), interlaced or not, treating a
/// bad CRC, a truncated stream or any warning as a failure.
rr_decode_result rr_decode_png(const unsigned char *data, size_t size);

#endif

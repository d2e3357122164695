#include "RenderKernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline int32_t clamp_i32(int32_t value, int32_t low, int32_t high) {
    return value < low ? low : (value > high ? high : value);
}

/// One bilinear sample at 16.16 position (sx, sy), known to lie inside the plane with a neighbour
/// to the right and below.
static inline uint8_t sample_inside(const rr_plane *src, int32_t sx, int32_t sy) {
    const int32_t x0 = sx >> 16, y0 = sy >> 16;
    const int32_t fx = (sx & 0xFFFF) >> 8, fy = (sy & 0xFFFF) >> 8;
    const uint8_t *row0 = src->data + (int64_t)y0 * src->stride + x0;
    const uint8_t *row1 = row0 + src->stride;
    const int32_t top = row0[0] * (256 - fx) + row0[1] * fx;
    const int32_t bottom = row1[0] * (256 - fx) + row1[1] * fx;
    return (uint8_t)((top * (256 - fy) + bottom * fy + 32768) >> 16);
}

/// The same, clamping at the plane's edges.
static inline uint8_t sample_clamped(const rr_plane *src, int32_t sx, int32_t sy) {
    const int32_t max_x = src->width - 1, max_y = src->height - 1;
    int32_t x0 = sx >> 16, y0 = sy >> 16;  // arithmetic shift: floor, also for negatives
    int32_t fx = (sx & 0xFFFF) >> 8, fy = (sy & 0xFFFF) >> 8;
    if (x0 < 0) { x0 = 0; fx = 0; }
    if (y0 < 0) { y0 = 0; fy = 0; }
    if (x0 >= max_x) { x0 = max_x; fx = 0; }
    if (y0 >= max_y) { y0 = max_y; fy = 0; }
    const int32_t x1 = x0 < max_x ? x0 + 1 : max_x, y1 = y0 < max_y ? y0 + 1 : max_y;
    const uint8_t *row0 = src->data + (int64_t)y0 * src->stride;
    const uint8_t *row1 = src->data + (int64_t)y1 * src->stride;
    const int32_t top = row0[x0] * (256 - fx) + row0[x1] * fx;
    const int32_t bottom = row1[x0] * (256 - fx) + row1[x1] * fx;
    return (uint8_t)((top * (256 - fy) + bottom * fy + 32768) >> 16);
}

/// The unrotated case, separably: every row reads the same source columns, so their positions and
/// weights are computed once per call; each row then blends its two source rows vertically (a loop
/// the compiler vectorises) and samples that blend horizontally.
static void warp_unrotated(const rr_plane *src, rr_plane *dst, double center_x, double center_y, double scale) {
    const int32_t width = dst->width;
    int32_t *columns = malloc(sizeof(int32_t) * (size_t)width);
    uint16_t *weights = malloc(sizeof(uint16_t) * (size_t)width);
    uint16_t *blended = malloc(sizeof(uint16_t) * (size_t)src->width);
    if (!columns || !weights || !blended) { free(columns); free(weights); free(blended); return; }
    const int32_t max_x = src->width - 1, max_y = src->height - 1;
    int32_t first = max_x, last = 0;
    for (int32_t x = 0; x < width; x++) {
        const int32_t sx = (int32_t)lround((center_x + (x + 0.5 - width / 2.0) * scale - 0.5) * 65536.0);
        int32_t x0 = sx >> 16, fx = (sx & 0xFFFF) >> 8;
        if (x0 < 0) { x0 = 0; fx = 0; }
        if (x0 >= max_x) { x0 = max_x; fx = 0; }
        columns[x] = x0;
        weights[x] = (uint16_t)fx;
        if (x0 < first) first = x0;
        if (x0 > last) last = x0;
    }
    const int32_t span_end = last < max_x ? last + 1 : max_x;  // blended[] covers first...span_end
    for (int32_t y = 0; y < dst->height; y++) {
        const int32_t sy = (int32_t)lround((center_y + (y + 0.5 - dst->height / 2.0) * scale - 0.5) * 65536.0);
        int32_t y0 = sy >> 16, fy = (sy & 0xFFFF) >> 8;
        if (y0 < 0) { y0 = 0; fy = 0; }
        if (y0 >= max_y) { y0 = max_y; fy = 0; }
        const int32_t y1 = y0 < max_y ? y0 + 1 : max_y;
        const uint8_t *row0 = src->data + (int64_t)y0 * src->stride;
        const uint8_t *row1 = src->data + (int64_t)y1 * src->stride;
        const uint16_t top_weight = (uint16_t)(256 - fy), bottom_weight = (uint16_t)fy;
        for (int32_t i = first; i <= span_end; i++) {
            blended[i] = (uint16_t)(row0[i] * top_weight + row1[i] * bottom_weight);  // ≤ 255·256
        }
        uint8_t *out = dst->data + (int64_t)y * dst->stride;
        for (int32_t x = 0; x < width; x++) {
            const int32_t x0 = columns[x], fx = weights[x];
            const int32_t x1 = x0 < max_x ? x0 + 1 : x0;
            out[x] = (uint8_t)(((uint32_t)blended[x0] * (uint32_t)(256 - fx) + (uint32_t)blended[x1] * (uint32_t)fx + 32768) >> 16);
        }
    }
    free(columns);
    free(weights);
    free(blended);
}

void rr_warp_plane(const rr_plane *src, rr_plane *dst, double center_x, double center_y, double scale, double angle) {
    if (angle == 0) {
        warp_unrotated(src, dst, center_x, center_y, scale);
        return;
    }
    // Destination sample (x, y) looks at source point
    //   c + scale · R(−angle) · ((x + ½, y + ½) − dst_centre) − (½, ½)
    // (sample centres at half-integers), which on screen turns the picture clockwise by `angle`.
    // Positions are 16.16 fixed point; planes up to 32767 samples a side fit.
    const double cosine = cos(angle) * scale, sine = sin(angle) * scale;
    const double half_w = dst->width / 2.0, half_h = dst->height / 2.0;
    const int32_t step_x = (int32_t)lround(cosine * 65536.0), step_y = (int32_t)lround(-sine * 65536.0);
    // Positions whose sample and its right/lower neighbours are all inside need no clamping.
    const int32_t inside_x = (src->width - 1) << 16, inside_y = (src->height - 1) << 16;
    for (int32_t y = 0; y < dst->height; y++) {
        const double v = y + 0.5 - half_h, u = 0.5 - half_w;
        const int32_t sx0 = (int32_t)lround((center_x + u * cosine + v * sine - 0.5) * 65536.0);
        const int32_t sy0 = (int32_t)lround((center_y - u * sine + v * cosine - 0.5) * 65536.0);
        const int64_t last = dst->width - 1;
        const int64_t sx1 = sx0 + last * step_x, sy1 = sy0 + last * step_y;
        uint8_t *out = dst->data + (int64_t)y * dst->stride;
        // Positions move linearly along a row: if both ends are inside, every sample is.
        if (sx0 >= 0 && sy0 >= 0 && sx1 >= 0 && sy1 >= 0 && sx0 < inside_x && sx1 < inside_x && sy0 < inside_y && sy1 < inside_y) {
            int32_t sx = sx0, sy = sy0;
            for (int32_t x = 0; x < dst->width; x++, sx += step_x, sy += step_y) out[x] = sample_inside(src, sx, sy);
        } else {
            int32_t sx = sx0, sy = sy0;
            for (int32_t x = 0; x < dst->width; x++, sx += step_x, sy += step_y) out[x] = sample_clamped(src, sx, sy);
        }
    }
}

void rr_blend(const uint8_t *a, const uint8_t *b, uint8_t *dst, int64_t count, double weight) {
    const int32_t w = (int32_t)lround(weight * 256.0);
    for (int64_t i = 0; i < count; i++) {
        dst[i] = (uint8_t)((a[i] * (256 - w) + b[i] * w + 128) >> 8);
    }
}

void rr_wipe_plane(const rr_plane *left, rr_plane *dst, int32_t boundary, int32_t line_start, int32_t line_end, uint8_t line_value) {
    boundary = clamp_i32(boundary, 0, dst->width);
    line_start = clamp_i32(line_start, 0, dst->width);
    line_end = clamp_i32(line_end, 0, dst->width);
    for (int32_t y = 0; y < dst->height; y++) {
        uint8_t *out = dst->data + (int64_t)y * dst->stride;
        memcpy(out, left->data + (int64_t)y * left->stride, (size_t)boundary);
        if (line_end > line_start) memset(out + line_start, line_value, (size_t)(line_end - line_start));
    }
}

void rr_dolly_plane(const rr_plane *src, rr_plane *dst, double vanish_x, double vanish_y, double push, double depth) {
    // Every position is relative to the vanishing point v, in destination samples; r is the distance
    // from v as a fraction of the farthest corner's. A point the photo shows at r appears, after the
    // camera moved in, at r' = r · (1 + push · (1 + depth · r)): far things (near v) grow by 1 + push,
    // near ones (the frame's edges) by up to 1 + push · (1 + depth). The inverse is the positive root
    // of push·depth·r² + (1 + push)·r − r' = 0. The sample for destination point p is v + (p − v)·r/r',
    // on the segment from v to p: inside the frame, so inside the photo.
    const double scale_x = (double)src->width / dst->width, scale_y = (double)src->height / dst->height;
    const double vx = vanish_x * dst->width, vy = vanish_y * dst->height;
    const double far_x = fmax(vx, dst->width - vx), far_y = fmax(vy, dst->height - vy);
    const double reach = sqrt(far_x * far_x + far_y * far_y);
    const double a = push * depth, b = 1 + push;
    for (int32_t y = 0; y < dst->height; y++) {
        uint8_t *out = dst->data + (int64_t)y * dst->stride;
        const double dy = y + 0.5 - vy;
        for (int32_t x = 0; x < dst->width; x++) {
            const double dx = x + 0.5 - vx;
            const double shown = sqrt(dx * dx + dy * dy) / reach;
            double ratio = 1 / b;
            if (a > 0 && shown > 0) ratio = (sqrt(b * b + 4 * a * shown) - b) / (2 * a * shown);
            const double sx = (vx + dx * ratio) * scale_x - 0.5, sy = (vy + dy * ratio) * scale_y - 0.5;
            out[x] = sample_clamped(src, (int32_t)lround(sx * 65536.0), (int32_t)lround(sy * 65536.0));
        }
    }
}

void rr_map_plane(rr_plane *plane, const uint8_t table[256]) {
    for (int32_t y = 0; y < plane->height; y++) {
        uint8_t *row = plane->data + (int64_t)y * plane->stride;
        for (int32_t x = 0; x < plane->width; x++) row[x] = table[row[x]];
    }
}

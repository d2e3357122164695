#ifndef ROOMREEL_RENDER_KERNEL_H
#define ROOMREEL_RENDER_KERNEL_H

#include <stdint.h>

/// One plane of 8-bit samples: `width`×`height`, rows `stride` bytes apart.
typedef struct {
    uint8_t *data;
    int32_t width;
    int32_t height;
    int32_t stride;
} rr_plane;

/// Fills `dst` with the part of `src` a camera sees: the destination's centre shows source point
/// (`center_x`, `center_y`) (in source samples), each destination sample spans `scale` source samples,
/// and the picture appears turned clockwise by `angle` radians. Bilinear sampling in 16.16 fixed
/// point, so positions are exact to 1/65536 of a sample: moves glide instead of stepping.
/// Source coordinates are clamped to the plane's edge (callers keep the window inside it).
void rr_warp_plane(const rr_plane *src, rr_plane *dst, double center_x, double center_y, double scale, double angle);

/// `dst = a·(1 − weight) + b·weight`, sample by sample, for `count` samples; `weight` in 0...1.
void rr_blend(const uint8_t *a, const uint8_t *b, uint8_t *dst, int64_t count, double weight);

/// Copies columns `0..<boundary` of every row from `left` into `dst` (which holds the right-hand
/// picture already), then paints columns `line_start..<line_end` with `line_value`.
void rr_wipe_plane(const rr_plane *left, rr_plane *dst, int32_t boundary, int32_t line_start, int32_t line_end, uint8_t line_value);

/// Fills `dst` (the same picture as `src`, at any size) with what a camera sees after moving into
/// the room towards the vanishing point (`vanish_x`, `vanish_y`, fractions of the frame): a 2.5-D
/// dolly, not a flat zoom. Far things (at the vanishing point) grow by `1 + push`; nearer ones
/// (towards the frame's edges) by up to `1 + push · (1 + depth)`, so they sweep past faster, as
/// walls and floor do. Every sample comes from inside the photo. Bilinear sampling.
void rr_dolly_plane(const rr_plane *src, rr_plane *dst, double vanish_x, double vanish_y, double push, double depth);

/// Replaces every sample `s` of `plane` with `table[s]` (a colour grade, one table per plane).
void rr_map_plane(rr_plane *plane, const uint8_t table[256]);

#endif

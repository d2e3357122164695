#include "ImageDecodeKernel.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

// libjpeg and libpng report errors by longjmp out of their callbacks; Swift cannot be jumped over,
// so the whole decode lives here and hands back one result.

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    rr_decode_result *result;
} rr_jpeg_errors;

static void rr_jpeg_error_exit(j_common_ptr info) {
    rr_jpeg_errors *errors = (rr_jpeg_errors *)info->err;
    errors->result->failed = 1;
    (*info->err->format_message)(info, errors->result->message);
    longjmp(errors->escape, 1);
}

static void rr_jpeg_emit_message(j_common_ptr info, int level) {
    // Level -1 is a warning: corrupt data, a premature end of the file. A clean photo has none.
    if (level < 0) {
        rr_jpeg_errors *errors = (rr_jpeg_errors *)info->err;
        errors->result->failed = 1;
        (*info->err->format_message)(info, errors->result->message);
        longjmp(errors->escape, 1);
    }
}

rr_decode_result rr_decode_jpeg(const unsigned char *data, size_t size, unsigned int scale_denominator) {
    rr_decode_result result;
    memset(&result, 0, sizeof result);
    struct jpeg_decompress_struct info;
    rr_jpeg_errors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = rr_jpeg_error_exit;
    errors.manager.emit_message = rr_jpeg_emit_message;
    errors.result = &result;
    if (setjmp(errors.escape)) {
        jpeg_destroy_decompress(&info);
        return result;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    result.width = info.image_width;
    result.height = info.image_height;
    info.scale_num = 1;
    info.scale_denom = scale_denominator;
    info.dct_method = JDCT_IFAST;
    info.do_fancy_upsampling = FALSE;
    info.out_color_space = info.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : info.out_color_space;
    jpeg_start_decompress(&info);
    JSAMPARRAY row = (*info.mem->alloc_sarray)((j_common_ptr)&info, JPOOL_IMAGE, info.output_width * info.output_components, 1);
    // libjpeg-turbo's skip still entropy-decodes every skipped MCU (decode_mcu with no output), so
    // damage anywhere is found, but spends nothing on the inverse DCT, upsampling or colour. It
    // must not reach the last line (a skip to the end returns without decoding), which is read.
    if (info.output_height > 1) {
        jpeg_skip_scanlines(&info, info.output_height - 1);
    }
    while (info.output_scanline < info.output_height) {
        jpeg_read_scanlines(&info, row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return result;
}

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    rr_decode_result *result;
    jmp_buf escape;
} rr_png_source;

static void rr_png_read(png_structp png, png_bytep out, png_size_t length) {
    rr_png_source *source = (rr_png_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "the PNG stream ends early");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void rr_png_error(png_structp png, png_const_charp message) {
    rr_png_source *source = (rr_png_source *)png_get_error_ptr(png);
    source->result->failed = 1;
    snprintf(source->result->message, sizeof source->result->message, "%s", message);
    longjmp(source->escape, 1);
}

static void rr_png_warning(png_structp png, png_const_charp message) {
    rr_png_error(png, message);
}

rr_decode_result rr_decode_png(const unsigned char *data, size_t size) {
    rr_decode_result result;
    memset(&result, 0, sizeof result);
    rr_png_source source = {data, size, 0, &result};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, rr_png_error, rr_png_warning);
    if (png == NULL) {
        result.failed = 1;
        snprintf(result.message, sizeof result.message, "out of memory");
        return result;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep volatile row = NULL;
    if (info == NULL || setjmp(source.escape)) {
        free((void *)row);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        if (!result.failed) {
            result.failed = 1;
            snprintf(result.message, sizeof result.message, "out of memory");
        }
        return result;
    }
    png_set_read_fn(png, &source, rr_png_read);
    // A bad CRC anywhere is damage, not something to skip.
    png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_read_info(png, info);
    result.width = png_get_image_width(png, info);
    result.height = png_get_image_height(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowBytes = png_get_rowbytes(png, info);
    row = malloc(rowBytes);
    if (row == NULL) png_error(png, "out of memory");
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < result.height; y++) {
            png_read_row(png, row, NULL);
        }
    }
    png_read_end(png, info);
    free((void *)row);
    png_destroy_read_struct(&png, &info, NULL);
    return result;
}

/* PNG decoding with libpng: errors end in a longjmp back to the decoder, reads never go past the data. */

#include "rgb_image.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

typedef struct png_source {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} png_source;

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    png_source *source = png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "the data ends before the image does (the file is cut short)");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

/* Replaces libpng's default, which prints the message before jumping back. */
static void on_error(png_structp png, png_const_charp text) {
    png_source *source = png_get_error_ptr(png);
    hallmark_set_message(source->message, source->message_size, "the PNG data cannot be decoded (libpng: %s)", text);
    png_longjmp(png, 1);
}

/* Warnings concern ancillary chunks (colour profiles, text) that the pixels do not depend on. */
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

hallmark_decode_status hallmark_decode_png(const uint8_t *data, size_t size, uint64_t max_pixels,
                                           hallmark_rgb_image *image, char *message, size_t message_size) {
    image->pixels = NULL;
    image->width = 0;
    image->height = 0;
    hallmark_set_message(message, message_size, "%s", "");
    if (data == NULL || size == 0) {
        hallmark_set_message(message, message_size, "the PNG data is empty");
        return HALLMARK_DECODE_INVALID;
    }

    png_source source = {data, size, 0, message, message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        hallmark_set_message(message, message_size, "not enough memory to start libpng");
        return HALLMARK_DECODE_OUT_OF_MEMORY;
    }

    /* Written after setjmp and read after longjmp: volatile, so that the cleanup sees its last value. */
    uint8_t *volatile pixels = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        return HALLMARK_DECODE_INVALID;
    }

    png_set_read_fn(png, &source, read_from_memory);
    /* The pixel limit below is the one that applies, with its own message, rather than libpng's 1 000 000 columns. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    hallmark_decode_status limit = hallmark_check_pixel_count(width, height, max_pixels, "PNG", message, message_size);
    if (limit != HALLMARK_DECODE_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return limit;
    }

    /* Everything to 8-bit RGB, with alpha when the file has any (an alpha channel or a tRNS chunk). 16-bit samples
       keep their high byte, as most viewers and Pillow do. */
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || png_get_bit_depth(png, info) != 8 || row_bytes != (size_t)width * channels) {
        hallmark_set_message(message, message_size,
                             "the PNG's colour type %d at bit depth %d did not convert to 8-bit RGB", color_type,
                             bit_depth);
        png_destroy_read_struct(&png, &info, NULL);
        return HALLMARK_DECODE_INVALID;
    }
    pixels = height > SIZE_MAX / row_bytes ? NULL : malloc(row_bytes * height);
    if (pixels == NULL) {
        hallmark_set_message(message, message_size, "not enough memory for the %u x %u pixels of the PNG",
                             (unsigned)width, (unsigned)height);
        png_destroy_read_struct(&png, &info, NULL);
        return HALLMARK_DECODE_OUT_OF_MEMORY;
    }

    /* Row by row, pass by pass: each pass of an interlaced image fills in rows that earlier passes started, and no
       array of row pointers (one per row) is needed. */
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) png_read_row(png, pixels + (size_t)y * row_bytes, NULL);
    }
    /* Reads up to IEND, so that a file cut short after its last row is refused like any other cut. */
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);

    uint8_t *result = pixels;
    if (channels == 4) {
        size_t count = (size_t)width * height;
        hallmark_composite_rgba_on_white(result, count);
        uint8_t *smaller = realloc(result, count * 3);
        if (smaller != NULL) result = smaller;
    }
    image->pixels = result;
    image->width = width;
    image->height = height;
    return HALLMARK_DECODE_OK;
}

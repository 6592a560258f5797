#include "rgb_image.h"

#include <stdio.h>
#include <stdlib.h>

void hallmark_rgb_image_free(hallmark_rgb_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    image->pixels = NULL;
    image->width = 0;
    image->height = 0;
}

void hallmark_set_message(char *message, size_t size, const char *format, ...) {
    if (message == NULL || size == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, size, format, arguments);
    va_end(arguments);
}

hallmark_decode_status hallmark_check_pixel_count(uint64_t width, uint64_t height, uint64_t max_pixels,
                                                  const char *format_name, char *message, size_t size) {
    if (width == 0 || height == 0) {
        hallmark_set_message(message, size, "the %s header declares an empty image (%llu x %llu pixels)", format_name,
                             (unsigned long long)width, (unsigned long long)height);
        return HALLMARK_DECODE_INVALID;
    }
    /* Both come from 32-bit header fields, so the product fits in 64 bits. */
    uint64_t pixels = width * height;
    if (pixels > max_pixels) {
        hallmark_set_message(message, size,
                             "the %s image is %llu x %llu pixels (%llu in all), more than the limit of %llu pixels; "
                             "scale it down before hashing it",
                             format_name, (unsigned long long)width, (unsigned long long)height,
                             (unsigned long long)pixels, (unsigned long long)max_pixels);
        return HALLMARK_DECODE_TOO_LARGE;
    }
    return HALLMARK_DECODE_OK;
}

void hallmark_composite_rgba_on_white(uint8_t *pixels, size_t count) {
    const uint8_t *in = pixels;
    uint8_t *out = pixels;
    for (size_t i = 0; i < count; i++, in += 4, out += 3) {
        unsigned alpha = in[3];
        unsigned white = 255u * (255u - alpha);
        /* Rounded: (c * a + 255 * (255 - a)) / 255, which is c when opaque and 255 when transparent. */
        uint8_t r = (uint8_t)((in[0] * alpha + white + 127u) / 255u);
        uint8_t g = (uint8_t)((in[1] * alpha + white + 127u) / 255u);
        uint8_t b = (uint8_t)((in[2] * alpha + white + 127u) / 255u);
        out[0] = r;
        out[1] = g;
        out[2] = b;
    }
}

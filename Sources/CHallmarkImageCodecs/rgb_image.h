#ifndef HALLMARK_RGB_IMAGE_H
#define HALLMARK_RGB_IMAGE_H

/* What the JPEG and PNG decoders share: messages, the pixel limit, alpha compositing. Private to this target. */

#include "hallmark_image_codecs.h"

#include <stdarg.h>

/* Writes a formatted, NUL-terminated message into `message` (cut to `size` bytes); nothing when `size` is 0. */
void hallmark_set_message(char *message, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

/*
 * Checks the header's size against the limit: HALLMARK_DECODE_OK when `width * height` is at most `max_pixels` and
 * neither is 0; otherwise writes why into `message`.
 */
hallmark_decode_status hallmark_check_pixel_count(uint64_t width, uint64_t height, uint64_t max_pixels,
                                                  const char *format_name, char *message, size_t size);

/*
 * Composites `count` RGBA pixels on white, writing RGB over the same buffer from its start (each write lands at or
 * before the bytes it was computed from).
 */
void hallmark_composite_rgba_on_white(uint8_t *pixels, size_t count);

#endif

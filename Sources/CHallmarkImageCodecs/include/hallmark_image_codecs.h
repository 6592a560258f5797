#ifndef HALLMARK_IMAGE_CODECS_H
#define HALLMARK_IMAGE_CODECS_H

/*
 * Decoding of JPEG and PNG files held in memory into 8-bit RGB, through the system's libjpeg(-turbo) and libpng.
 *
 * Every decoder converts whatever the file holds (grey, palette, 16-bit samples, CMYK, interlacing) to 8-bit RGB,
 * three bytes per pixel, rows top to bottom without padding. Alpha is composited on white, as the image would show on
 * a white page. A decoder never exits or aborts the process: a library error ends in a status and a message.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a decoder returns. */
typedef enum hallmark_decode_status {
    /* Decoded: the image holds the pixels. */
    HALLMARK_DECODE_OK = 0,
    /* The data is not a valid image of the format: corrupt, truncated, or of a kind the decoder does not take. */
    HALLMARK_DECODE_INVALID = 1,
    /* The header declares more pixels than the caller's limit; nothing was allocated for them. */
    HALLMARK_DECODE_TOO_LARGE = 2,
    /* The pixel buffer could not be allocated. */
    HALLMARK_DECODE_OUT_OF_MEMORY = 3,
} hallmark_decode_status;

/* A decoded image: `width * height * 3` bytes of RGB, row-major. Release it with hallmark_rgb_image_free. */
typedef struct hallmark_rgb_image {
    uint8_t *pixels;
    uint32_t width;
    uint32_t height;
} hallmark_rgb_image;

/*
 * Decodes the JPEG of `size` bytes at `data` into `image`.
 *
 * `max_pixels` is checked against the header's width times height before anything is allocated for the pixels.
 * On failure `image` is left empty (NULL pixels) and `message` (of `message_size` bytes, at least 1) holds a
 * NUL-terminated sentence saying what is wrong. Data damaged enough for libjpeg to warn that it is corrupt or cut
 * short is refused, rather than decoded with grey blocks.
 */
hallmark_decode_status hallmark_decode_jpeg(const uint8_t *data, size_t size, uint64_t max_pixels,
                                            hallmark_rgb_image *image, char *message, size_t message_size);

/* Decodes the PNG of `size` bytes at `data` into `image`; as hallmark_decode_jpeg otherwise. */
hallmark_decode_status hallmark_decode_png(const uint8_t *data, size_t size, uint64_t max_pixels,
                                           hallmark_rgb_image *image, char *message, size_t message_size);

/* Frees the pixels of an image a decoder filled, and empties it; safe on an empty image. */
void hallmark_rgb_image_free(hallmark_rgb_image *image);

#ifdef __cplusplus
}
#endif

#endif

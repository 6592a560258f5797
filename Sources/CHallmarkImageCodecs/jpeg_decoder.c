/* JPEG decoding with libjpeg(-turbo): errors and corruption warnings end in a longjmp back to the decoder. */

#include "rgb_image.h"

#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* Progressive files may hold any number of scans, each a full pass over the coefficients: a small file of thousands
   of scans takes minutes to decode. Real encoders write about ten. */
enum { maximum_progressive_scans = 500 };

typedef struct jpeg_failure {
    struct jpeg_error_mgr manager; /* first: libjpeg's error pointer is a pointer to this */
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    char *message;
    size_t message_size;
    hallmark_decode_status status;
} jpeg_failure;

static void fail(j_common_ptr cinfo, const char *prefix) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    failure->status = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? HALLMARK_DECODE_OUT_OF_MEMORY
                                                                 : HALLMARK_DECODE_INVALID;
    hallmark_set_message(failure->message, failure->message_size, "%s (libjpeg: %s)", prefix, text);
    longjmp(failure->jump, 1);
}

/* Replaces libjpeg's default, which prints the message and exits the process. */
static void exit_on_error(j_common_ptr cinfo) { fail(cinfo, "the JPEG data cannot be decoded"); }

/* Warnings that mean the pixels are wrong (libjpeg fills what it cannot decode with grey and carries on): the end
   of the data reached early, and "Corrupt JPEG data" in the entropy-coded segments (whose codes depend on how
   libjpeg was built, hence the message text), but not the extraneous bytes between markers that many cameras write
   or a bad ICC profile, which leave the pixels whole. */
static int is_corruption(j_common_ptr cinfo) {
    int code = cinfo->err->msg_code;
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
        return 1;
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_BOGUS_ICC:
        return 0;
    default:
        break;
    }
    const char *const *table = cinfo->err->jpeg_message_table;
    if (table == NULL || code < 0 || code > cinfo->err->last_jpeg_message || table[code] == NULL) return 0;
    return strncmp(table[code], "Corrupt JPEG data", strlen("Corrupt JPEG data")) == 0;
}

/* Level -1 is a warning, higher levels are trace messages. */
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0 && is_corruption(cinfo)) {
        fail(cinfo, "the JPEG data is damaged or cut short");
    }
}

static void stay_silent(j_common_ptr cinfo) { (void)cinfo; }

static void limit_scans(j_common_ptr cinfo) {
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->progressive_mode && decompress->input_scan_number > maximum_progressive_scans) {
        jpeg_failure *failure = (jpeg_failure *)cinfo->err;
        failure->status = HALLMARK_DECODE_INVALID;
        hallmark_set_message(failure->message, failure->message_size,
                             "the progressive JPEG has more than %d scans, which no encoder writes; refused so that "
                             "decoding it cannot take minutes",
                             maximum_progressive_scans);
        longjmp(failure->jump, 1);
    }
}

/* The formula of the common viewers: (255 - C)(255 - K) / 255, rounded. Files with an Adobe marker (Photoshop's)
   store the inks inverted. */
static void cmyk_row_to_rgb(const uint8_t *in, uint8_t *out, size_t width, int inverted) {
    for (size_t x = 0; x < width; x++, in += 4, out += 3) {
        unsigned k = inverted ? in[3] : 255u - in[3];
        for (int channel = 0; channel < 3; channel++) {
            unsigned c = inverted ? in[channel] : 255u - in[channel];
            out[channel] = (uint8_t)((c * k + 127u) / 255u);
        }
    }
}

hallmark_decode_status hallmark_decode_jpeg(const uint8_t *data, size_t size, uint64_t max_pixels,
                                            hallmark_rgb_image *image, char *message, size_t message_size) {
    image->pixels = NULL;
    image->width = 0;
    image->height = 0;
    hallmark_set_message(message, message_size, "%s", "");
    if (data == NULL || size == 0) {
        hallmark_set_message(message, message_size, "the JPEG data is empty");
        return HALLMARK_DECODE_INVALID;
    }
    if (size > ULONG_MAX) {
        hallmark_set_message(message, message_size, "the JPEG data is larger than libjpeg can read");
        return HALLMARK_DECODE_INVALID;
    }

    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    memset(&failure, 0, sizeof failure);
    failure.message = message;
    failure.message_size = message_size;
    failure.status = HALLMARK_DECODE_INVALID;
    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = exit_on_error;
    failure.manager.emit_message = on_message;
    failure.manager.output_message = stay_silent;

    /* Written after setjmp and read after longjmp: volatile, so that the cleanup sees their last values. */
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk_row);
        return failure.status;
    }

    jpeg_create_decompress(&cinfo);
    failure.progress.progress_monitor = limit_scans;
    cinfo.progress = &failure.progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    hallmark_decode_status limit =
        hallmark_check_pixel_count(cinfo.image_width, cinfo.image_height, max_pixels, "JPEG", message, message_size);
    if (limit != HALLMARK_DECODE_OK) {
        jpeg_destroy_decompress(&cinfo);
        return limit;
    }

    /* libjpeg converts grey, YCbCr and RGB to RGB itself, and YCCK to CMYK, but not CMYK to RGB. */
    int is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = is_cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != (is_cmyk ? 4 : 3)) {
        hallmark_set_message(message, message_size, "the JPEG has %d colour components, which is not supported",
                             cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return HALLMARK_DECODE_INVALID;
    }

    size_t width = cinfo.output_width;
    size_t height = cinfo.output_height;
    size_t row_bytes = width * 3;
    pixels = height > SIZE_MAX / row_bytes ? NULL : malloc(row_bytes * height);
    if (is_cmyk) cmyk_row = malloc(width * 4);
    if (pixels == NULL || (is_cmyk && cmyk_row == NULL)) {
        hallmark_set_message(message, message_size, "not enough memory for the %zu x %zu pixels of the JPEG", width,
                             height);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk_row);
        return HALLMARK_DECODE_OUT_OF_MEMORY;
    }

    while (cinfo.output_scanline < cinfo.output_height) {
        size_t y = cinfo.output_scanline;
        JSAMPROW row = is_cmyk ? cmyk_row : pixels + y * row_bytes;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            /* Cannot happen with a memory source, which never suspends; refuse rather than loop. */
            hallmark_set_message(message, message_size, "libjpeg stopped before the end of the JPEG image");
            jpeg_destroy_decompress(&cinfo);
            free(pixels);
            free(cmyk_row);
            return HALLMARK_DECODE_INVALID;
        }
        if (is_cmyk) cmyk_row_to_rgb(cmyk_row, pixels + y * row_bytes, width, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(cmyk_row);

    image->pixels = pixels;
    image->width = (uint32_t)width;
    image->height = (uint32_t)height;
    return HALLMARK_DECODE_OK;
}

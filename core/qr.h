/* qr.h: QR module matrices and their renderings as plain terminal cell rows. */
#ifndef HD_QR_H
#define HD_QR_H

#include <stdbool.h>

/* A square matrix of modules, without quiet zone. modules[y * size + x] is 1 if dark. */
typedef struct qr_matrix {
    int size;
    int version;
    unsigned char *modules;
} qr_matrix;

typedef enum qr_style {
    QR_STYLE_AUTO = 0,
    QR_STYLE_HALF,    /* 1x2 modules per cell: U+2580 upper half, U+2584 lower half, U+2588 full */
    QR_STYLE_SEXTANT, /* 2x3 modules per cell: U+1FB00 block (+ space, U+258C, U+2590, U+2588) */
    QR_STYLE_LARGE,   /* one module = 2 cells wide x 1 row: full blocks, for projectors */
    QR_STYLE_ASCII,   /* non-UTF-8 terminals: one module = 2 cells; '#' = dark, ' ' = light */
} qr_style;

/*
 * A rendering. In the half-block, sextant and large styles the glyph's ink is the LIGHT
 * modules: draw every cell with the light colour as foreground and the dark colour as
 * background (a space is a dark cell, U+2588 a light one; the quiet zone is full blocks).
 * Terminals that leave seams between rows (DejaVu in xterm) then show dark seams through
 * light modules, which scanners read, never light seams through dark ones (zbar fails).
 * In QR_STYLE_ASCII (no glyphs, only backgrounds), a '#' cell means "dark": draw it as a
 * space in the dark background colour when colours are available, ' ' in the light one.
 * lines[r] is a NUL-terminated UTF-8 string of exactly `cols` terminal cells.
 */
typedef struct qr_render {
    qr_style style;
    /* Glyph styles: true if the glyph is the light modules (the default); false in renders
     * for plain text without colours (dark ink, as print on paper). False in ASCII. */
    bool light_ink;
    int quiet;  /* quiet zone in modules on each side, included in the lines */
    int cols;   /* width in terminal cells */
    int rows;   /* height in terminal rows */
    char **lines;
} qr_render;

/*
 * Encodes text (8-bit mode, error correction L, smallest version). NULL if the text is
 * empty, too long, or on OOM.
 */
qr_matrix *qr_matrix_encode(const char *text);
void qr_matrix_free(qr_matrix *m);

/* Size in cells a style would take for a matrix with the given quiet zone. */
void qr_render_size(const qr_matrix *m, qr_style style, int quiet, int *cols, int *rows);

/* Renders in one style (not AUTO) with `quiet` modules of quiet zone, light ink. NULL on OOM. */
qr_render *qr_render_make(const qr_matrix *m, qr_style style, int quiet);
/* The same; light_ink false puts the dark modules in the glyph instead, for output that has
 * no colours at all (a file, a pipe): read as dark print on a light page. */
qr_render *qr_render_make_ink(const qr_matrix *m, qr_style style, int quiet, bool light_ink);
void qr_render_free(qr_render *r);

/*
 * Picks the best style that fits cols x rows with at least a 2-module quiet zone:
 * LARGE if it fits, else HALF, else SEXTANT (only when utf8 is true; otherwise ASCII).
 * Picks the largest quiet zone up to 4 that still fits. Returns false if nothing fits;
 * then *need_cols / *need_rows (if not NULL) say the smallest area that would.
 * `allow_sextant` false skips sextants (terminals known to draw them with gaps).
 */
bool qr_autofit(const qr_matrix *m, int cols, int rows, bool utf8, bool allow_sextant,
                qr_style *style, int *quiet, int *need_cols, int *need_rows);

/* "half", "sextant", "large", "ascii", "auto" and back. Unknown name -> -1. */
const char *qr_style_name(qr_style s);
int qr_style_from_name(const char *name);

/*
 * 1 if `s` (NUL-terminated) can be a hub's pairing QR text: valid UTF-8 without control
 * characters (text_is_clean). A QR string is what the phone scans, so printable text; one
 * holding escape sequences or broken bytes is refused at decode, never passed on (line mode
 * prints it in --json, and `jq -r .qr` would write its escapes to the terminal raw).
 */
int qr_text_ok(const char *s);

/* Translated: why a hub's QR text was refused, for the driver's protocol failure. */
const char *qr_text_refusal(void);

#endif

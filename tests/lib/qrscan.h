/* qrscan.h: paint a terminal cell grid as a screen would show it and decode QR codes with zbar. */
#ifndef HD_QRSCAN_H
#define HD_QRSCAN_H

#include <stddef.h>

#include "termgrid.h"

/* Pixels per terminal cell: divisible by 2 and 3 both ways, so halves, quadrants and
 * sextants land on whole pixels. */
#define QRSCAN_CELL_W 12
#define QRSCAN_CELL_H 24
/* Border around the painted grid, in the theme's background: what surrounds a pane in a real
 * window. It adds no quiet zone on a dark theme, so a clipped quiet zone fails to decode. */
#define QRSCAN_MARGIN 48

/* Default colours: dark = light grey (0xC0) on black, light = black on white. */
typedef enum qrscan_theme { QRSCAN_DARK = 0, QRSCAN_LIGHT = 1 } qrscan_theme;

/* An 8-bit grey image, row-major, width * height bytes. */
typedef struct qrscan_image {
    int width, height;
    unsigned char *pixels;
} qrscan_image;

/* A rectangle of cells: x0 <= x < x1, y0 <= y < y1. */
typedef struct qrscan_box {
    int x0, y0, x1, y1;
} qrscan_box;

/* "dark" / "light" and back; unknown name -> -1. */
const char *qrscan_theme_name(qrscan_theme theme);
int qrscan_theme_from_name(const char *name);

/*
 * Paints every cell (colours resolved against the theme, reverse video swapped, block,
 * quadrant and sextant glyphs drawn exactly, any other visible glyph as a full cell of ink)
 * with a border of margin_px in the theme's background. 0 on success, -1 on OOM.
 */
int qrscan_paint(const termgrid *g, qrscan_theme theme, int margin_px, qrscan_image *img);
void qrscan_image_free(qrscan_image *img);

/* Writes the image as a binary PGM (for looking at failures). 0 on success, -1 on error. */
int qrscan_write_pgm(const qrscan_image *img, const char *path);

/*
 * Scans an image for QR codes. Copies the first symbol's text into out (NUL-terminated,
 * truncated to outsz - 1 bytes) and, if loc is not NULL, its corner bounding box in pixels.
 * Returns the number of QR symbols found (0 = none) or -1 on error.
 */
int qrscan_decode_image(const qrscan_image *img, char *out, size_t outsz, qrscan_box *loc);

/* Paints the grid in a theme with the standard margin and scans it. Same return value. */
int qrscan_decode_grid(const termgrid *g, qrscan_theme theme, char *out, size_t outsz);

/* Same, and also reports in *box the cells covered by the first symbol (without quiet zone). */
int qrscan_decode_grid_box(const termgrid *g, qrscan_theme theme, char *out, size_t outsz,
                           qrscan_box *box);

/* The cells that show anything but the theme's background (ink or a coloured background).
 * Returns 0 and fills *box, or -1 if the grid is blank. */
int qrscan_ink_box(const termgrid *g, qrscan_theme theme, qrscan_box *box);

#endif

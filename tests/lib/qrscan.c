/* qrscan.c: terminal grid -> grey image (exact block glyphs) -> libzbar QR decoding. */
#include "qrscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zbar.h>

/* Glyph ink as a 2 x 6 grid of sub-blocks (bit = row * 2 + col): rows of 4 px fit both
 * halves (3 rows each) and sextant thirds (2 rows each) of a 24 px cell. */
#define SUB_COLS 2
#define SUB_ROWS 6
#define SUB_W (QRSCAN_CELL_W / SUB_COLS)
#define SUB_H (QRSCAN_CELL_H / SUB_ROWS)
#define MASK_FULL 0xFFFu
#define MASK_TOP 0x03Fu    /* rows 0-2 */
#define MASK_BOTTOM 0xFC0u /* rows 3-5 */
#define MASK_LEFT 0x555u   /* column 0 */
#define MASK_RIGHT 0xAAAu  /* column 1 */

#define GREY_DARK_FG 0xC0

const char *qrscan_theme_name(qrscan_theme theme)
{
    return theme == QRSCAN_LIGHT ? "light" : "dark";
}

int qrscan_theme_from_name(const char *name)
{
    if (name && strcasecmp(name, "dark") == 0)
        return QRSCAN_DARK;
    if (name && strcasecmp(name, "light") == 0)
        return QRSCAN_LIGHT;
    return -1;
}

/* ------------------------------------------------------------------ glyphs -- */

static unsigned quadrant_mask(int ul, int ur, int ll, int lr)
{
    unsigned m = 0;
    if (ul)
        m |= MASK_TOP & MASK_LEFT;
    if (ur)
        m |= MASK_TOP & MASK_RIGHT;
    if (ll)
        m |= MASK_BOTTOM & MASK_LEFT;
    if (lr)
        m |= MASK_BOTTOM & MASK_RIGHT;
    return m;
}

/* U+1FB00.. lists sextant patterns 1..62 in order, minus 21 (left half) and 42 (right half)
 * which Unicode already had as U+258C / U+2590. Pattern bit k = column k % 2, third k / 2. */
static unsigned sextant_mask(uint32_t cp)
{
    int pattern = (int)(cp - 0x1FB00) + 1;
    if (pattern >= 21)
        pattern++;
    if (pattern >= 42)
        pattern++;
    unsigned m = 0;
    for (int k = 0; k < 6; k++)
        if (pattern & (1 << k))
            m |= 0x5u << (4 * (k / 2) + k % 2); /* two sub-rows of one column */
    return m;
}

static unsigned glyph_mask(uint32_t cp)
{
    static const unsigned char quads[10][4] = {
        {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}, {1, 0, 1, 1}, {1, 0, 0, 1}, /* 2596-259A */
        {1, 1, 1, 0}, {1, 1, 0, 1}, {0, 1, 0, 0}, {0, 1, 1, 0}, {0, 1, 1, 1}, /* 259B-259F */
    };
    switch (cp) {
    case ' ':
    case 0xA0:   /* no-break space */
    case 0x2800: /* blank braille pattern */
    case 0x3000: /* ideographic space */
        return 0;
    case 0x2580:
        return MASK_TOP;
    case 0x2584:
        return MASK_BOTTOM;
    case 0x258C:
        return MASK_LEFT;
    case 0x2590:
        return MASK_RIGHT;
    default:
        break;
    }
    if (cp >= 0x2596 && cp <= 0x259F) {
        const unsigned char *q = quads[cp - 0x2596];
        return quadrant_mask(q[0], q[1], q[2], q[3]);
    }
    if (cp >= 0x1FB00 && cp <= 0x1FB3B)
        return sextant_mask(cp);
    return MASK_FULL; /* U+2588 and every other visible glyph: a camera sees a blob of ink */
}

/* ---------------------------------------------------------------- painting -- */

static unsigned char grey_of(termgrid_colour c, unsigned char dflt)
{
    if (c.is_default)
        return dflt;
    return (unsigned char)((299 * c.r + 587 * c.g + 114 * c.b + 500) / 1000);
}

static unsigned char theme_fg(qrscan_theme t)
{
    return t == QRSCAN_LIGHT ? 0x00 : GREY_DARK_FG;
}

static unsigned char theme_bg(qrscan_theme t)
{
    return t == QRSCAN_LIGHT ? 0xFF : 0x00;
}

/* The two greys a cell is drawn with, after reverse video and hidden text. */
static void cell_greys(const termgrid_cell *c, qrscan_theme t, unsigned char *fg,
                       unsigned char *bg)
{
    unsigned char f = grey_of(c->fg, theme_fg(t)), b = grey_of(c->bg, theme_bg(t));
    if (c->reverse) {
        unsigned char tmp = f;
        f = b;
        b = tmp;
    }
    *fg = c->hidden ? b : f;
    *bg = b;
}

static void paint_cell(const qrscan_image *img, int px, int py, const termgrid_cell *c,
                       qrscan_theme t)
{
    unsigned char fg, bg;
    cell_greys(c, t, &fg, &bg);
    unsigned mask = glyph_mask(c->cp);
    for (int y = 0; y < QRSCAN_CELL_H; y++) {
        unsigned char *row = img->pixels + (size_t)(py + y) * (size_t)img->width + (size_t)px;
        for (int x = 0; x < QRSCAN_CELL_W; x++) {
            int bit = (y / SUB_H) * SUB_COLS + x / SUB_W;
            row[x] = (mask >> bit) & 1 ? fg : bg;
        }
    }
}

int qrscan_paint(const termgrid *g, qrscan_theme theme, int margin_px, qrscan_image *img)
{
    if (!g || !img || margin_px < 0)
        return -1;
    img->width = g->cols * QRSCAN_CELL_W + 2 * margin_px;
    img->height = g->rows * QRSCAN_CELL_H + 2 * margin_px;
    img->pixels = malloc((size_t)img->width * (size_t)img->height);
    if (!img->pixels)
        return -1;
    memset(img->pixels, theme_bg(theme), (size_t)img->width * (size_t)img->height);
    for (int y = 0; y < g->rows; y++)
        for (int x = 0; x < g->cols; x++)
            paint_cell(img, margin_px + x * QRSCAN_CELL_W, margin_px + y * QRSCAN_CELL_H,
                       termgrid_at(g, x, y), theme);
    return 0;
}

void qrscan_image_free(qrscan_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    img->pixels = NULL;
}

int qrscan_write_pgm(const qrscan_image *img, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = (size_t)img->width * (size_t)img->height;
    int ok = fprintf(f, "P5\n%d %d\n255\n", img->width, img->height) > 0 &&
             fwrite(img->pixels, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* ---------------------------------------------------------------- decoding -- */

static void symbol_box(const zbar_symbol_t *sym, qrscan_box *loc)
{
    unsigned n = zbar_symbol_get_loc_size(sym);
    loc->x0 = loc->y0 = 0;
    loc->x1 = loc->y1 = 0;
    for (unsigned i = 0; i < n; i++) {
        int x = zbar_symbol_get_loc_x(sym, i), y = zbar_symbol_get_loc_y(sym, i);
        if (i == 0 || x < loc->x0)
            loc->x0 = x;
        if (i == 0 || y < loc->y0)
            loc->y0 = y;
        if (i == 0 || x + 1 > loc->x1)
            loc->x1 = x + 1;
        if (i == 0 || y + 1 > loc->y1)
            loc->y1 = y + 1;
    }
}

static void copy_text(const zbar_symbol_t *sym, char *out, size_t outsz)
{
    if (!out || outsz == 0)
        return;
    size_t len = zbar_symbol_get_data_length(sym);
    if (len > outsz - 1)
        len = outsz - 1;
    memcpy(out, zbar_symbol_get_data(sym), len);
    out[len] = '\0';
}

static zbar_image_scanner_t *qr_only_scanner(void)
{
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    if (!sc)
        return NULL;
    /* Only QR: other symbologies could "find" barcodes in block art and confuse counts. */
    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    return sc;
}

/* Walks the decoded symbols: counts the QR ones, reports the first. */
static int collect(const zbar_image_t *zimg, char *out, size_t outsz, qrscan_box *loc)
{
    int found = 0;
    for (const zbar_symbol_t *s = zbar_image_first_symbol(zimg); s; s = zbar_symbol_next(s)) {
        if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
            continue;
        if (found++ == 0) {
            copy_text(s, out, outsz);
            if (loc)
                symbol_box(s, loc);
        }
    }
    return found;
}

int qrscan_decode_image(const qrscan_image *img, char *out, size_t outsz, qrscan_box *loc)
{
    if (out && outsz)
        out[0] = '\0';
    if (!img || !img->pixels || img->width <= 0 || img->height <= 0)
        return -1;
    zbar_image_scanner_t *sc = qr_only_scanner();
    zbar_image_t *zimg = zbar_image_create();
    int found = -1;
    if (sc && zimg) {
        zbar_image_set_format(zimg, zbar_fourcc('Y', '8', '0', '0'));
        zbar_image_set_size(zimg, (unsigned)img->width, (unsigned)img->height);
        /* No cleanup handler: the pixels stay ours and are freed by the caller. */
        zbar_image_set_data(zimg, img->pixels, (unsigned long)img->width * img->height, NULL);
        found = zbar_scan_image(sc, zimg) < 0 ? -1 : collect(zimg, out, outsz, loc);
    }
    if (zimg)
        zbar_image_destroy(zimg);
    if (sc)
        zbar_image_scanner_destroy(sc);
    return found;
}

/* Pixel box of the symbol -> the cells it touches, clipped to the grid. */
static void box_to_cells(const termgrid *g, int margin, qrscan_box *b)
{
    int x0 = (b->x0 - margin) / QRSCAN_CELL_W, y0 = (b->y0 - margin) / QRSCAN_CELL_H;
    int x1 = (b->x1 - margin + QRSCAN_CELL_W - 1) / QRSCAN_CELL_W;
    int y1 = (b->y1 - margin + QRSCAN_CELL_H - 1) / QRSCAN_CELL_H;
    b->x0 = x0 < 0 ? 0 : x0;
    b->y0 = y0 < 0 ? 0 : y0;
    b->x1 = x1 > g->cols ? g->cols : x1;
    b->y1 = y1 > g->rows ? g->rows : y1;
}

int qrscan_decode_grid_box(const termgrid *g, qrscan_theme theme, char *out, size_t outsz,
                           qrscan_box *box)
{
    qrscan_image img;
    if (out && outsz)
        out[0] = '\0';
    if (qrscan_paint(g, theme, QRSCAN_MARGIN, &img) != 0)
        return -1;
    int found = qrscan_decode_image(&img, out, outsz, box);
    qrscan_image_free(&img);
    if (found > 0 && box)
        box_to_cells(g, QRSCAN_MARGIN, box);
    return found;
}

int qrscan_decode_grid(const termgrid *g, qrscan_theme theme, char *out, size_t outsz)
{
    return qrscan_decode_grid_box(g, theme, out, outsz, NULL);
}

static int cell_is_blank(const termgrid_cell *c, qrscan_theme theme)
{
    unsigned char fg, bg;
    cell_greys(c, theme, &fg, &bg);
    return bg == theme_bg(theme) && (glyph_mask(c->cp) == 0 || fg == bg);
}

int qrscan_ink_box(const termgrid *g, qrscan_theme theme, qrscan_box *box)
{
    int found = 0;
    qrscan_box b = {0, 0, 0, 0};
    for (int y = 0; g && y < g->rows; y++) {
        for (int x = 0; x < g->cols; x++) {
            if (cell_is_blank(termgrid_at(g, x, y), theme))
                continue;
            if (!found || x < b.x0)
                b.x0 = x;
            if (!found || y < b.y0)
                b.y0 = y;
            if (!found || x + 1 > b.x1)
                b.x1 = x + 1;
            b.y1 = y + 1;
            found = 1;
        }
    }
    if (found && box)
        *box = b;
    return found ? 0 : -1;
}

/* qr.c: QR module matrices (libqrencode) and their plain cell-row renderings. */
#include "qr.h"
#include "i18n.h"
#include "text.h"

#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Above this a quiet zone is surely a caller bug; bounding it keeps size maths overflow-free. */
#define QR_QUIET_MAX 64
/* The smallest quiet zone qr_autofit accepts and the largest it tries. */
#define QR_FIT_QUIET_MIN 2
#define QR_FIT_QUIET_MAX 4

#define CP_FULL 0x2588u
#define CP_UPPER_HALF 0x2580u
#define CP_LOWER_HALF 0x2584u
#define CP_LEFT_HALF 0x258Cu
#define CP_RIGHT_HALF 0x2590u
#define CP_SEXTANT_FIRST 0x1FB00u

/* Sextant patterns that Unicode encodes elsewhere, hence skipped in the U+1FB00 block. */
#define SEXTANT_LEFT 21  /* 1 + 4 + 16 */
#define SEXTANT_RIGHT 42 /* 2 + 8 + 32 */
#define SEXTANT_FULL 63

qr_matrix *qr_matrix_encode(const char *text)
{
    if (!text || !*text)
        return NULL;
    size_t len = strlen(text);
    /* Version 40-L holds 2953 bytes; the check also keeps len within int. */
    if (len > 2953)
        return NULL;
    QRcode *code = QRcode_encodeData((int)len, (const unsigned char *)text, 0, QR_ECLEVEL_L);
    if (!code)
        return NULL;
    qr_matrix *m = calloc(1, sizeof *m);
    size_t n = (size_t)code->width * (size_t)code->width;
    if (m)
        m->modules = malloc(n);
    if (!m || !m->modules) {
        free(m);
        QRcode_free(code);
        return NULL;
    }
    m->size = code->width;
    m->version = code->version;
    /* libqrencode packs flags in the upper bits; bit 0 alone says "dark". */
    for (size_t i = 0; i < n; i++)
        m->modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return m;
}

void qr_matrix_free(qr_matrix *m)
{
    if (!m)
        return;
    free(m->modules);
    free(m);
}

static bool quiet_ok(const qr_matrix *m, int quiet)
{
    return m && m->size > 0 && m->modules && quiet >= 0 && quiet <= QR_QUIET_MAX;
}

void qr_render_size(const qr_matrix *m, qr_style style, int quiet, int *cols, int *rows)
{
    int c = 0, r = 0;
    if (quiet_ok(m, quiet)) {
        int n = m->size + 2 * quiet;
        switch (style) {
        case QR_STYLE_HALF:
            c = n;
            r = (n + 1) / 2;
            break;
        case QR_STYLE_SEXTANT:
            c = (n + 1) / 2;
            r = (n + 2) / 3;
            break;
        case QR_STYLE_LARGE:
        case QR_STYLE_ASCII:
            c = 2 * n;
            r = n;
            break;
        default:
            break;
        }
    }
    if (cols)
        *cols = c;
    if (rows)
        *rows = r;
}

/* 1 if the module at (x, y) of the quiet-zoned symbol is dark; the quiet zone and anything
 * past the matrix (padding of the last half/sextant cell) is light. */
static int dark_at(const qr_matrix *m, int quiet, int x, int y)
{
    x -= quiet;
    y -= quiet;
    if (x < 0 || y < 0 || x >= m->size || y >= m->size)
        return 0;
    return m->modules[y * m->size + x] & 1;
}

/* 1 if the module at (x, y) is drawn as the glyph: light modules with light ink, else dark. */
static int ink_at(const qr_matrix *m, bool light_ink, int quiet, int x, int y)
{
    return dark_at(m, quiet, x, y) ^ light_ink;
}

static char *put_utf8(char *p, uint32_t cp)
{
    if (cp < 0x80) {
        *p++ = (char)cp;
    } else if (cp < 0x800) {
        *p++ = (char)(0xC0 | (cp >> 6));
        *p++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *p++ = (char)(0xE0 | (cp >> 12));
        *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *p++ = (char)(0xF0 | (cp >> 18));
        *p++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p++ = (char)(0x80 | (cp & 0x3F));
    }
    return p;
}

static uint32_t half_glyph(int top, int bottom)
{
    if (top && bottom)
        return CP_FULL;
    if (top)
        return CP_UPPER_HALF;
    return bottom ? CP_LOWER_HALF : ' ';
}

/* Unicode numbers the sextant block in increasing pattern order but leaves out the patterns
 * that already exist as block elements (empty, left half, right half, full). */
static uint32_t sextant_glyph(int pattern)
{
    switch (pattern) {
    case 0:
        return ' ';
    case SEXTANT_LEFT:
        return CP_LEFT_HALF;
    case SEXTANT_RIGHT:
        return CP_RIGHT_HALF;
    case SEXTANT_FULL:
        return CP_FULL;
    default:
        return CP_SEXTANT_FIRST + (uint32_t)pattern - 1 - (pattern > SEXTANT_LEFT) -
               (pattern > SEXTANT_RIGHT);
    }
}

/* Bit values 1, 2 / 4, 8 / 16, 32 for the inked modules among the 2x3 of sextant cell (cx, cy). */
static int sextant_pattern(const qr_matrix *m, bool light_ink, int quiet, int cx, int cy)
{
    int pattern = 0;
    for (int k = 0; k < 6; k++)
        if (ink_at(m, light_ink, quiet, 2 * cx + k % 2, 3 * cy + k / 2))
            pattern |= 1 << k;
    return pattern;
}

/* Writes row `row` of the render into p (large enough) and NUL-terminates it. Half-block,
 * sextant and large cells put the light modules in the glyph and leave the dark ones to the
 * background: fonts that leave 1-px seams between rows (DejaVu in xterm) then cut light
 * modules with dark lines, which scanners shrug off, instead of cutting every dark module
 * with a light line, which breaks zbar. The quiet zone is light, hence full blocks. */
static void render_row(const qr_matrix *m, const qr_render *r, int row, char *p)
{
    qr_style style = r->style;
    int quiet = r->quiet, cols = r->cols;
    bool li = r->light_ink;
    for (int c = 0; c < cols; c++) {
        switch (style) {
        case QR_STYLE_HALF:
            p = put_utf8(p, half_glyph(ink_at(m, li, quiet, c, 2 * row),
                                       ink_at(m, li, quiet, c, 2 * row + 1)));
            break;
        case QR_STYLE_SEXTANT:
            p = put_utf8(p, sextant_glyph(sextant_pattern(m, li, quiet, c, row)));
            break;
        case QR_STYLE_LARGE:
            /* One module spans two cells; each cell is written on its own pass. */
            p = put_utf8(p, ink_at(m, li, quiet, c / 2, row) ? CP_FULL : ' ');
            break;
        default: /* QR_STYLE_ASCII */
            *p++ = dark_at(m, quiet, c / 2, row) ? '#' : ' ';
            break;
        }
    }
    *p = '\0';
}

/* Worst-case UTF-8 bytes per cell of a style. */
static size_t cell_bytes(qr_style style)
{
    switch (style) {
    case QR_STYLE_SEXTANT:
        return 4;
    case QR_STYLE_ASCII:
        return 1;
    default:
        return 3;
    }
}

qr_render *qr_render_make(const qr_matrix *m, qr_style style, int quiet)
{
    return qr_render_make_ink(m, style, quiet, true);
}

qr_render *qr_render_make_ink(const qr_matrix *m, qr_style style, int quiet, bool light_ink)
{
    int cols, rows;
    qr_render_size(m, style, quiet, &cols, &rows);
    if (cols <= 0 || rows <= 0)
        return NULL;
    qr_render *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->style = style;
    r->light_ink = light_ink && style != QR_STYLE_ASCII; /* ASCII: '#' always marks dark */
    r->quiet = quiet;
    r->cols = cols;
    r->rows = rows;
    r->lines = calloc((size_t)rows, sizeof *r->lines);
    if (!r->lines) {
        free(r);
        return NULL;
    }
    for (int y = 0; y < rows; y++) {
        r->lines[y] = malloc((size_t)cols * cell_bytes(style) + 1);
        if (!r->lines[y]) {
            qr_render_free(r);
            return NULL;
        }
        render_row(m, r, y, r->lines[y]);
    }
    return r;
}

void qr_render_free(qr_render *r)
{
    if (!r)
        return;
    if (r->lines)
        for (int y = 0; y < r->rows; y++)
            free(r->lines[y]);
    free(r->lines);
    free(r);
}

static bool fits(const qr_matrix *m, qr_style style, int quiet, int cols, int rows)
{
    int c, r;
    qr_render_size(m, style, quiet, &c, &r);
    return c > 0 && c <= cols && r <= rows;
}

bool qr_autofit(const qr_matrix *m, int cols, int rows, bool utf8, bool allow_sextant,
                qr_style *style, int *quiet, int *need_cols, int *need_rows)
{
    /* Biggest modules first: a larger style scans from further away than a wider quiet zone. */
    qr_style order[3];
    int n = 0;
    if (utf8) {
        order[n++] = QR_STYLE_LARGE;
        order[n++] = QR_STYLE_HALF;
        if (allow_sextant)
            order[n++] = QR_STYLE_SEXTANT;
    } else {
        order[n++] = QR_STYLE_ASCII;
    }
    /* The last candidate is the most compact: it defines the smallest area that would do. */
    qr_style best = order[n - 1];
    int q = QR_FIT_QUIET_MIN;
    bool ok = false;
    for (int i = 0; i < n && !ok; i++) {
        if (fits(m, order[i], QR_FIT_QUIET_MIN, cols, rows)) {
            best = order[i];
            ok = true;
        }
    }
    while (ok && q < QR_FIT_QUIET_MAX && fits(m, best, q + 1, cols, rows))
        q++;
    qr_render_size(m, order[n - 1], QR_FIT_QUIET_MIN, need_cols, need_rows);
    /* On failure the caller still learns which style and quiet zone the need refers to. */
    if (style)
        *style = best;
    if (quiet)
        *quiet = q;
    return ok;
}

static const char *const style_names[] = {
    [QR_STYLE_AUTO] = "auto",       [QR_STYLE_HALF] = "half",   [QR_STYLE_SEXTANT] = "sextant",
    [QR_STYLE_LARGE] = "large",     [QR_STYLE_ASCII] = "ascii",
};
#define STYLE_COUNT ((int)(sizeof style_names / sizeof style_names[0]))

const char *qr_style_name(qr_style s)
{
    if ((int)s < 0 || (int)s >= STYLE_COUNT)
        return "unknown";
    return style_names[s];
}

int qr_style_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < STYLE_COUNT; i++)
        if (strcasecmp(name, style_names[i]) == 0)
            return i;
    return -1;
}

int qr_text_ok(const char *s)
{
    return s && text_is_clean(s);
}

const char *qr_text_refusal(void)
{
    return _("the hub sent a QR code that is not printable text (control characters or invalid "
             "UTF-8), which no phone can scan");
}

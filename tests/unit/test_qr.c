/* test_qr.c: QR matrices, renders and autofit, proven by decoding painted renders with zbar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/qrscan.h"
#include "../lib/termgrid.h"
#include "qr.h"
#include "qr_ansi.h"

#define N_PAIRINGS 3
#define TEXT_MAX 4096

static const qr_style all_styles[] = {QR_STYLE_HALF, QR_STYLE_SEXTANT, QR_STYLE_LARGE,
                                      QR_STYLE_ASCII};

/* ------------------------------------------------------------ test inputs -- */

static uint32_t rng_next(uint32_t *s)
{
    /* xorshift32: deterministic bytes, so every run tests the same strings */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static char *base64(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *p = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        *p++ = abc[v >> 18];
        *p++ = abc[(v >> 12) & 63];
        *p++ = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        *p++ = i + 2 < n ? abc[v & 63] : '=';
    }
    *p = '\0';
    return p;
}

static char *base64_random(uint32_t *seed, size_t n, char *out)
{
    unsigned char bytes[128];
    for (size_t i = 0; i < n; i++)
        bytes[i] = (unsigned char)rng_next(seed);
    return base64(bytes, n, out);
}

/* "2@<ref>,<noise key>,<identity key>,<adv secret>": the ref is base64 of random bytes like
 * the real ones, each key base64 of 32 bytes. Ref sizes give 221, 225 and 233 characters:
 * version 9 (53 modules) and version 10 (57 modules). */
static const char *pairing(int i)
{
    static char texts[N_PAIRINGS][400];
    static const size_t ref_bytes[N_PAIRINGS] = {61, 64, 72};
    char *p = texts[i];
    if (*p)
        return p;
    uint32_t seed = 0x9E3779B9u * (uint32_t)(i + 1);
    p = stpcpy(p, "2@");
    p = base64_random(&seed, ref_bytes[i], p);
    for (int k = 0; k < 3; k++) {
        *p++ = ',';
        p = base64_random(&seed, 32, p);
    }
    return texts[i];
}

/* A hand-made matrix for glyph tests; modules given as a row-major 0/1 array. */
static qr_matrix *matrix_of(int size, const unsigned char *modules)
{
    qr_matrix *m = malloc(sizeof *m);
    assert_non_null(m);
    m->size = size;
    m->version = 0;
    m->modules = calloc((size_t)size * (size_t)size, 1);
    assert_non_null(m->modules);
    if (modules)
        memcpy(m->modules, modules, (size_t)size * (size_t)size);
    return m;
}

/* Code points of a line, checked to be valid UTF-8 and one cell each. */
static int line_cps(const char *s, uint32_t *cps, int max)
{
    size_t len = strlen(s), i = 0;
    int n = 0;
    while (i < len) {
        uint32_t cp;
        i += termgrid_utf8_next(s + i, len - i, &cp);
        assert_int_not_equal(cp, 0xFFFD);
        assert_int_equal(termgrid_cp_width(cp), 1);
        if (cps && n < max)
            cps[n] = cp;
        n++;
    }
    return n;
}

/* ------------------------------------------------------------- encoding -- */

static void test_encode_pairing_sizes(void **state)
{
    int expect_size[N_PAIRINGS] = {53, 53, 57};
    for (int i = 0; i < N_PAIRINGS; i++) {
        const char *t = pairing(i);
        assert_true(strlen(t) >= 220 && strlen(t) <= 235);
        assert_memory_equal(t, "2@", 2);
        qr_matrix *m = qr_matrix_encode(t);
        assert_non_null(m);
        assert_int_equal(m->size, expect_size[i]);
        assert_int_equal(m->size, 17 + 4 * m->version);
        assert_in_range(m->version, 9, 10);
        for (int k = 0; k < m->size * m->size; k++)
            assert_true(m->modules[k] <= 1);
        qr_matrix_free(m);
    }
    assert_int_equal(strlen(pairing(1)), 225);
}

static void test_encode_rejects(void **state)
{
    char *big = malloc(5001);
    assert_non_null(big);
    memset(big, 'A', 5000);
    big[5000] = '\0';
    assert_null(qr_matrix_encode(""));
    assert_null(qr_matrix_encode(NULL));
    assert_null(qr_matrix_encode(big));
    big[2953] = '\0'; /* the 8-bit capacity of version 40-L still encodes */
    qr_matrix *m = qr_matrix_encode(big);
    assert_non_null(m);
    assert_int_equal(m->version, 40);
    qr_matrix_free(m);
    qr_matrix_free(NULL);
    free(big);
}

static void test_style_names(void **state)
{
    const qr_style styles[] = {QR_STYLE_AUTO, QR_STYLE_HALF, QR_STYLE_SEXTANT, QR_STYLE_LARGE,
                               QR_STYLE_ASCII};
    const char *names[] = {"auto", "half", "sextant", "large", "ascii"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(qr_style_name(styles[i]), names[i]);
        assert_int_equal(qr_style_from_name(names[i]), styles[i]);
    }
    assert_int_equal(qr_style_from_name("SEXTANT"), QR_STYLE_SEXTANT);
    assert_int_equal(qr_style_from_name("quadrant"), -1);
    assert_int_equal(qr_style_from_name(""), -1);
    assert_int_equal(qr_style_from_name(NULL), -1);
    assert_int_equal(qr_style_from_name(qr_style_name((qr_style)42)), -1);
}

/* -------------------------------------------------------------- rendering -- */

static void expected_size(int n, qr_style s, int *cols, int *rows)
{
    switch (s) {
    case QR_STYLE_HALF:
        *cols = n, *rows = (n + 1) / 2;
        break;
    case QR_STYLE_SEXTANT:
        *cols = (n + 1) / 2, *rows = (n + 2) / 3;
        break;
    default:
        *cols = 2 * n, *rows = n;
        break;
    }
}

static void test_render_sizes_and_lines(void **state)
{
    for (int i = 0; i < N_PAIRINGS; i++) {
        qr_matrix *m = qr_matrix_encode(pairing(i));
        for (size_t s = 0; s < 4; s++) {
            for (int q = 0; q <= 4; q++) {
                int cols, rows, ec, er;
                qr_render_size(m, all_styles[s], q, &cols, &rows);
                expected_size(m->size + 2 * q, all_styles[s], &ec, &er);
                assert_int_equal(cols, ec);
                assert_int_equal(rows, er);
                qr_render *r = qr_render_make(m, all_styles[s], q);
                assert_non_null(r);
                assert_int_equal(r->style, all_styles[s]);
                assert_int_equal(r->quiet, q);
                assert_int_equal(r->cols, cols);
                assert_int_equal(r->rows, rows);
                for (int y = 0; y < r->rows; y++)
                    assert_int_equal(line_cps(r->lines[y], NULL, 0), cols);
                qr_render_free(r);
            }
        }
        qr_matrix_free(m);
    }
}

static void test_render_rejects(void **state)
{
    qr_matrix *m = qr_matrix_encode("hello");
    int c = -1, r = -1;
    qr_render_size(m, QR_STYLE_AUTO, 2, &c, &r);
    assert_int_equal(c, 0);
    assert_int_equal(r, 0);
    qr_render_size(m, QR_STYLE_HALF, -1, &c, &r);
    assert_int_equal(c, 0);
    assert_null(qr_render_make(m, QR_STYLE_AUTO, 2));
    assert_null(qr_render_make(m, QR_STYLE_HALF, -1));
    assert_null(qr_render_make(NULL, QR_STYLE_HALF, 2));
    qr_render_free(NULL);
    qr_matrix_free(m);
}

/* Modules past an odd edge are light: a 3x3 dark square shows its light padding. The glyph
 * styles draw the LIGHT modules as ink (dark seams in fonts that leave gaps between rows). */
static void test_render_glyphs_and_padding(void **state)
{
    const unsigned char dark9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const unsigned char diag[4] = {1, 0, 0, 1};
    qr_matrix *m = matrix_of(3, dark9);
    qr_render *r = qr_render_make(m, QR_STYLE_HALF, 0);
    assert_string_equal(r->lines[0], "   ");
    assert_string_equal(r->lines[1], "\u2584\u2584\u2584"); /* light padding below */
    qr_render_free(r);
    r = qr_render_make(m, QR_STYLE_SEXTANT, 0);
    assert_int_equal(r->rows, 1);
    assert_string_equal(r->lines[0], " \u2590");
    qr_render_free(r);
    r = qr_render_make(m, QR_STYLE_SEXTANT, 1); /* 5x5: cells of rows 0-2 and 3-4(+pad) */
    /* light 1235, 12, quiet+pad; light 13456, 3456, quiet+pad */
    assert_string_equal(r->lines[0], "\U0001FB15\U0001FB02\u2588");
    assert_string_equal(r->lines[1], "\U0001FB3A\U0001FB39\u2588");
    qr_render_free(r);
    r = qr_render_make(m, QR_STYLE_LARGE, 1);
    assert_string_equal(r->lines[0],
                        "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588");
    assert_string_equal(r->lines[2], "\u2588\u2588      \u2588\u2588");
    qr_render_free(r);
    r = qr_render_make(m, QR_STYLE_ASCII, 1);
    assert_string_equal(r->lines[1], "  ######  ");
    qr_render_free(r);
    qr_matrix_free(m);
    m = matrix_of(2, diag);
    r = qr_render_make(m, QR_STYLE_HALF, 0);
    assert_string_equal(r->lines[0], "\u2584\u2580");
    qr_render_free(r);
    qr_matrix_free(m);
}

/* Line mode prints a glyph style as light ink (the light modules) on a dark background, so
 * row seams show dark: top-dark/bottom-light is U+2584 in white on black, and without colours
 * the glyph is the terminal's own ink (dark themes) or reverse video (inverted, light ones). */
static void test_ansi_light_modules_are_the_glyph(void **state)
{
    const unsigned char diag[4] = {1, 0, 0, 1};
    qr_matrix *m = matrix_of(2, diag);
    qr_render *r = qr_render_make(m, QR_STYLE_HALF, 0);
    static const char *const want[] = {
        [QR_ANSI_COLOUR] = "\033[38;5;231;48;5;16m\u2584\u2580\033[0m\n",
        [QR_ANSI_REVERSE] = "\033[0m\u2584\u2580\033[0m\n",
        [QR_ANSI_NORMAL] = "\033[0;7m\u2584\u2580\033[0m\n",
        [QR_ANSI_PLAIN] = "\u2584\u2580\n",
    };
    for (int mode = QR_ANSI_COLOUR; mode <= QR_ANSI_PLAIN; mode++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_int_equal(qr_ansi_print(f, r, 0, (qr_ansi_mode)mode), 0);
        fclose(f);
        assert_string_equal(buf, want[mode]);
        free(buf);
    }
    qr_render_free(r);
    /* Plain text without colours (a file, a pipe) keeps dark ink, as print on a page. */
    r = qr_render_make_ink(m, QR_STYLE_HALF, 0, false);
    assert_false(r->light_ink);
    assert_string_equal(r->lines[0], "\u2580\u2584");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(qr_ansi_print(f, r, 0, QR_ANSI_COLOUR), 0);
    fclose(f);
    assert_string_equal(buf, "\033[38;5;16;48;5;231m\u2580\u2584\033[0m\n");
    free(buf);
    qr_render_free(r);
    qr_matrix_free(m);
}

/* Sextant names from the Unicode chart, U+1FB00..U+1FB3B ("BLOCK SEXTANT-<cells>"). */
static const char *const sextant_names[60] = {
    "1",    "2",    "12",    "3",     "13",   "23",   "123",  "4",     "14",   "24",   "124",
    "34",   "134",  "234",   "1234",  "5",    "15",   "25",   "125",   "35",   "235",  "1235",
    "45",   "145",  "245",   "1245",  "345",  "1345", "2345", "12345", "6",    "16",   "26",
    "126",  "36",   "136",   "236",   "1236", "46",   "146",  "1246",  "346",  "1346", "2346",
    "12346", "56",  "156",   "256",   "1256", "356",  "1356", "2356",  "12356", "456", "1456",
    "2456", "12456", "3456", "13456", "23456",
};

/* The code point Unicode assigns to a 6-bit sextant pattern, looked up by name. */
static uint32_t chart_sextant(int pattern)
{
    char digits[8];
    int n = 0;
    for (int k = 0; k < 6; k++)
        if (pattern & (1 << k))
            digits[n++] = (char)('1' + k);
    digits[n] = '\0';
    if (pattern == 0)
        return ' ';
    if (pattern == 63)
        return 0x2588;
    if (strcmp(digits, "135") == 0)
        return 0x258C;
    if (strcmp(digits, "246") == 0)
        return 0x2590;
    for (int i = 0; i < 60; i++)
        if (strcmp(sextant_names[i], digits) == 0)
            return 0x1FB00u + (uint32_t)i;
    fail_msg("pattern %d has no glyph", pattern);
    return 0;
}

/* A 24x24 matrix whose 2x3 blocks spell the patterns 0..63 in light modules (then all
 * light): 12 x 8 cells. */
static qr_matrix *all_sextants_matrix(void)
{
    qr_matrix *m = matrix_of(24, NULL);
    for (int p = 0; p < 64; p++) {
        int cx = p % 12, cy = p / 12;
        for (int k = 0; k < 6; k++)
            m->modules[(3 * cy + k / 2) * 24 + 2 * cx + k % 2] = !((p >> k) & 1);
    }
    return m;
}

static void test_sextant_table_matches_unicode_chart(void **state)
{
    qr_matrix *m = all_sextants_matrix();
    qr_render *r = qr_render_make(m, QR_STYLE_SEXTANT, 0);
    assert_int_equal(r->cols, 12);
    assert_int_equal(r->rows, 8);
    for (int p = 0; p < 64; p++) {
        uint32_t cps[12];
        line_cps(r->lines[p / 12], cps, 12);
        if (cps[p % 12] != chart_sextant(p))
            fail_msg("pattern %d: U+%04X, chart says U+%04X", p, cps[p % 12], chart_sextant(p));
    }
    qr_render_free(r);
    qr_matrix_free(m);
}

/* The painter draws each sextant cell exactly as the pattern it stands for (light theme). */
static void test_qrscan_paints_sextants_and_quadrants(void **state)
{
    qr_matrix *m = all_sextants_matrix();
    qr_render *r = qr_render_make(m, QR_STYLE_SEXTANT, 0);
    termgrid *g = termgrid_from_render(r);
    qrscan_image img;
    assert_int_equal(qrscan_paint(g, QRSCAN_LIGHT, 0, &img), 0);
    for (int p = 0; p < 64; p++) {
        for (int k = 0; k < 6; k++) {
            int px = (p % 12) * QRSCAN_CELL_W + (k % 2) * 6 + 3;
            int py = (p / 12) * QRSCAN_CELL_H + (k / 2) * 8 + 4;
            unsigned char want = (p >> k) & 1 ? 255 : 0; /* light module: white ink */
            assert_int_equal(img.pixels[py * img.width + px], want);
        }
    }
    qrscan_image_free(&img);
    termgrid_free(g);
    /* U+259A is upper-left + lower-right; reverse video swaps ink and paper. */
    g = termgrid_new(2, 1);
    termgrid_at(g, 0, 0)->cp = 0x259A;
    termgrid_at(g, 1, 0)->cp = 0x259A;
    termgrid_at(g, 1, 0)->reverse = true;
    assert_int_equal(qrscan_paint(g, QRSCAN_DARK, 0, &img), 0);
    assert_int_equal(img.pixels[2 * img.width + 2], 0xC0);   /* UL ink, grey on dark */
    assert_int_equal(img.pixels[2 * img.width + 8], 0x00);   /* UR paper */
    assert_int_equal(img.pixels[20 * img.width + 8], 0xC0);  /* LR ink */
    assert_int_equal(img.pixels[2 * img.width + 14], 0x00);  /* reversed: UL ink is black */
    assert_int_equal(img.pixels[2 * img.width + 20], 0xC0);  /* reversed: UR paper is grey */
    qrscan_image_free(&img);
    termgrid_free(g);
    qr_render_free(r);
    qr_matrix_free(m);
}

/* ------------------------------------------------------------- decoding -- */

static void assert_decodes(const qr_render *r, const char *text)
{
    termgrid *g = termgrid_from_render(r);
    assert_non_null(g);
    for (int t = QRSCAN_DARK; t <= QRSCAN_LIGHT; t++) {
        char out[TEXT_MAX];
        int n = qrscan_decode_grid(g, (qrscan_theme)t, out, sizeof out);
        if (n != 1 || strcmp(out, text) != 0)
            fail_msg("%s quiet %d, %s theme: %d symbols, got \"%s\"", qr_style_name(r->style),
                     r->quiet, qrscan_theme_name((qrscan_theme)t), n, out);
    }
    termgrid_free(g);
}

/* Every pairing string, quiet zones 2 and 4, dark and light themes. */
static void decode_style(qr_style style)
{
    for (int i = 0; i < N_PAIRINGS; i++) {
        qr_matrix *m = qr_matrix_encode(pairing(i));
        for (int q = 2; q <= 4; q += 2) {
            qr_render *r = qr_render_make(m, style, q);
            assert_decodes(r, pairing(i));
            qr_render_free(r);
        }
        qr_matrix_free(m);
    }
}

static void test_decode_half(void **state)
{
    decode_style(QR_STYLE_HALF);
}

static void test_decode_sextant(void **state)
{
    decode_style(QR_STYLE_SEXTANT);
}

static void test_decode_large(void **state)
{
    decode_style(QR_STYLE_LARGE);
}

static void test_decode_ascii(void **state)
{
    decode_style(QR_STYLE_ASCII);
}

/* Without a quiet zone, the black border of a dark-themed window touches the finders. (On a
 * light theme the white window around the pane is a quiet zone, and it does decode.) */
static void test_cropped_quiet_zone_fails(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(1));
    char out[TEXT_MAX];
    for (size_t s = 0; s < 4; s++) {
        qr_render *r = qr_render_make(m, all_styles[s], 0);
        termgrid *g = termgrid_from_render(r);
        if (qrscan_decode_grid(g, QRSCAN_DARK, out, sizeof out) != 0)
            fail_msg("%s without quiet zone decoded on a dark theme", qr_style_name(r->style));
        assert_int_equal(qrscan_decode_grid(g, QRSCAN_LIGHT, out, sizeof out), 1);
        termgrid_free(g);
        qr_render_free(r);
    }
    qr_matrix_free(m);
}

static void test_damaged_finder_fails(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(1));
    char out[TEXT_MAX];
    /* Clear the 3x3 centre of the top-left finder pattern. */
    for (int y = 2; y <= 4; y++)
        for (int x = 2; x <= 4; x++)
            m->modules[y * m->size + x] = 0;
    for (size_t s = 0; s < 4; s++) {
        qr_render *r = qr_render_make(m, all_styles[s], 4);
        termgrid *g = termgrid_from_render(r);
        for (int t = QRSCAN_DARK; t <= QRSCAN_LIGHT; t++)
            if (qrscan_decode_grid(g, (qrscan_theme)t, out, sizeof out) != 0)
                fail_msg("%s with a damaged finder decoded (%s)", qr_style_name(r->style),
                         qrscan_theme_name((qrscan_theme)t));
        termgrid_free(g);
        qr_render_free(r);
    }
    qr_matrix_free(m);
}

/* A sextant render placed in a full 80x24 screen with other text still decodes, and zbar
 * locates it where it was put. */
static void test_decode_within_screen(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(1));
    qr_render *r = qr_render_make(m, QR_STYLE_SEXTANT, 2);
    termgrid *qr = termgrid_from_render(r), *screen = termgrid_new(80, 24);
    const char *label = "Scan with WhatsApp > Linked devices";
    for (int x = 0; label[x]; x++)
        termgrid_at(screen, 2 + x, 22)->cp = (unsigned char)label[x];
    termgrid_blit(screen, qr, 25, 2);
    for (int t = QRSCAN_DARK; t <= QRSCAN_LIGHT; t++) {
        char out[TEXT_MAX];
        qrscan_box box;
        assert_int_equal(qrscan_decode_grid_box(screen, (qrscan_theme)t, out, sizeof out, &box),
                         1);
        assert_string_equal(out, pairing(1));
        /* 53 modules from module 2 of 57: cells 26..52 of the screen, rows 2.6..20.3 */
        assert_in_range(box.x0, 25, 27);
        assert_in_range(box.x1, 51, 53);
        assert_in_range(box.y0, 2, 4);
        assert_in_range(box.y1, 19, 21);
    }
    qrscan_box ink;
    assert_int_equal(qrscan_ink_box(qr, QRSCAN_DARK, &ink), 0);
    assert_int_equal(ink.x1 - ink.x0, r->cols); /* white paper counts as ink on dark */
    termgrid_free(screen);
    termgrid_free(qr);
    qr_render_free(r);
    qr_matrix_free(m);
}

/* -------------------------------------------------------------- autofit -- */

static void assert_fit(const qr_matrix *m, int cols, int rows, bool utf8, bool sextant,
                       qr_style want_style, int want_quiet)
{
    qr_style style = QR_STYLE_AUTO;
    int quiet = -1, nc = -1, nr = -1, c, r;
    assert_true(qr_autofit(m, cols, rows, utf8, sextant, &style, &quiet, &nc, &nr));
    if (style != want_style || quiet != want_quiet)
        fail_msg("%dx%d: got %s/%d, want %s/%d", cols, rows, qr_style_name(style), quiet,
                 qr_style_name(want_style), want_quiet);
    qr_render_size(m, style, quiet, &c, &r);
    assert_true(c <= cols && r <= rows);
}

static void assert_no_fit(const qr_matrix *m, int cols, int rows, bool utf8, bool sextant,
                          int need_cols, int need_rows)
{
    qr_style style;
    int quiet, nc = -1, nr = -1;
    assert_false(qr_autofit(m, cols, rows, utf8, sextant, &style, &quiet, &nc, &nr));
    assert_int_equal(nc, need_cols);
    assert_int_equal(nr, need_rows);
    assert_false(qr_autofit(m, cols, rows, utf8, sextant, NULL, NULL, NULL, NULL));
    assert_true(qr_autofit(m, need_cols, need_rows, utf8, sextant, NULL, NULL, NULL, NULL));
}

static void test_autofit_v9(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(1)); /* 225 chars, 53 modules */
    assert_int_equal(m->size, 53);
    assert_fit(m, 80, 24, true, true, QR_STYLE_SEXTANT, 4);    /* 31x21 */
    assert_fit(m, 100, 30, true, true, QR_STYLE_HALF, 3);      /* 59x30; quiet 4 needs 31 rows */
    assert_fit(m, 120, 40, true, true, QR_STYLE_HALF, 4);      /* 61x31; large needs 114x57 */
    assert_fit(m, 240, 70, true, true, QR_STYLE_LARGE, 4);     /* 122x61 */
    assert_fit(m, 57, 29, true, true, QR_STYLE_HALF, 2);       /* exactly the half size */
    assert_fit(m, 29, 19, true, true, QR_STYLE_SEXTANT, 2);    /* exactly the sextant size */
    assert_fit(m, 120, 60, false, true, QR_STYLE_ASCII, 3);    /* 118x59 */
    assert_no_fit(m, 80, 24, false, true, 114, 57);            /* ASCII at quiet 2 */
    assert_no_fit(m, 80, 24, true, false, 57, 29);             /* HALF at quiet 2 */
    assert_no_fit(m, 28, 19, true, true, 29, 19);              /* SEXTANT at quiet 2 */
    assert_no_fit(m, 0, 0, true, true, 29, 19);
    qr_matrix_free(m);
}

static void test_autofit_v10(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(2)); /* 233 chars, 57 modules */
    assert_int_equal(m->size, 57);
    assert_fit(m, 80, 24, true, true, QR_STYLE_SEXTANT, 4);    /* 33x22 */
    assert_fit(m, 100, 30, true, true, QR_STYLE_SEXTANT, 4);   /* half needs 61x31 */
    assert_fit(m, 120, 40, true, true, QR_STYLE_HALF, 4);      /* 65x33 */
    assert_fit(m, 240, 70, true, true, QR_STYLE_LARGE, 4);     /* 130x65 */
    assert_no_fit(m, 100, 30, true, false, 61, 31);
    qr_matrix_free(m);
}

/* ----------------------------------------------------- capture parsing -- */

static const termgrid_cell *cell(const termgrid *g, int x, int y)
{
    const termgrid_cell *c = termgrid_at(g, x, y);
    assert_non_null(c);
    return c;
}

static void assert_rgb(termgrid_colour c, int r, int g, int b)
{
    assert_false(c.is_default);
    assert_int_equal(c.r, r);
    assert_int_equal(c.g, g);
    assert_int_equal(c.b, b);
}

static void test_termgrid_parses_sgr(void **state)
{
    static const char cap[] =
        "ab\033[1;31mc\033[7md\033[27;39;44me\033[0mf\n"
        "\033[38;5;231;48;5;16mX\033[38;2;1;2;3mY\033[48:2::10:20:30mZ\033[38:5:196mW\033[m\n"
        "\033[92;103mg\033[49m\033[22mh\t|\033(B\033]8;;https://x\033\\i\033]8;;\033\\\n"
        "\xE2\x96\x80\xF0\x9F\xAC\x80\xE4\xB8\xAD" "e\xCC\x81!\n";
    termgrid *g = termgrid_parse_capture(cap, sizeof cap - 1);
    assert_non_null(g);
    assert_int_equal(g->rows, 4);
    assert_int_equal(g->cols, 10); /* "gh" + tab to 8 + "|i" */
    assert_true(cell(g, 0, 0)->fg.is_default && cell(g, 0, 0)->bg.is_default);
    assert_rgb(cell(g, 2, 0)->fg, 0xCD, 0, 0);
    assert_true(cell(g, 2, 0)->bold && !cell(g, 2, 0)->reverse);
    assert_true(cell(g, 3, 0)->reverse);
    assert_false(cell(g, 4, 0)->reverse);
    assert_true(cell(g, 4, 0)->fg.is_default);
    assert_rgb(cell(g, 4, 0)->bg, 0, 0, 0xEE);
    assert_true(cell(g, 5, 0)->bg.is_default && !cell(g, 5, 0)->bold);
    assert_int_equal(cell(g, 6, 0)->cp, ' '); /* padding of a short line */
    assert_rgb(cell(g, 0, 1)->fg, 255, 255, 255);
    assert_rgb(cell(g, 0, 1)->bg, 0, 0, 0);
    assert_rgb(cell(g, 1, 1)->fg, 1, 2, 3);
    assert_rgb(cell(g, 2, 1)->bg, 10, 20, 30);
    assert_rgb(cell(g, 3, 1)->fg, 255, 0, 0);
    assert_true(cell(g, 4, 1)->fg.is_default);
    assert_rgb(cell(g, 0, 2)->fg, 0, 0xFF, 0);
    assert_rgb(cell(g, 0, 2)->bg, 0xFF, 0xFF, 0);
    assert_true(cell(g, 1, 2)->bg.is_default);
    assert_int_equal(cell(g, 8, 2)->cp, '|');
    assert_int_equal(cell(g, 9, 2)->cp, 'i'); /* the OSC 8 hyperlink left no cells */
    assert_int_equal(cell(g, 0, 3)->cp, 0x2580);
    assert_int_equal(cell(g, 1, 3)->cp, 0x1FB00);
    assert_int_equal(cell(g, 2, 3)->cp, 0x4E2D); /* wide: two cells */
    assert_int_equal(cell(g, 2, 3)->width, 2);
    assert_int_equal(cell(g, 3, 3)->width, 0);
    assert_int_equal(cell(g, 4, 3)->cp, 'e'); /* the combining accent takes no cell */
    assert_int_equal(cell(g, 5, 3)->cp, '!');
    termgrid_free(g);
}

/* Parses an exact-size heap copy, so ASan sees any read past the end. */
static termgrid *parse_exact(const char *s, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    termgrid *g = termgrid_parse_capture(copy, len);
    free(copy);
    assert_non_null(g);
    return g;
}

static void test_termgrid_malformed_input(void **state)
{
    static const char *const bad[] = {
        "\033",         "\033[",           "\033[38;5",       "\033[38;2;1;2m", "\033[38;5mA",
        "\033]8;;http", "\033P1$r",        "\033(",           "\xE2\x96",       "\xFF\xC3(",
        "\033[999999999999999999999;1mA", "\033[38:2:1mB",  "\033[?25lC",     "\033[>4;1mD",
        "\033[;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;31mE",  "\033[31\nF",
        "\033]0;title\nG", "\033\xE2\x96\x88H",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        termgrid_free(parse_exact(bad[i], strlen(bad[i])));
    termgrid *g = parse_exact("", 0);
    assert_int_equal(g->cols, 1);
    assert_int_equal(g->rows, 1);
    termgrid_free(g);
    g = parse_exact("\033[31\nF", 6); /* an escape cut by a newline keeps the line break */
    assert_int_equal(g->rows, 2);
    assert_int_equal(cell(g, 0, 1)->cp, 'F');
    assert_true(cell(g, 0, 1)->fg.is_default);
    termgrid_free(g);
    g = parse_exact("\033[38;5mA", 8); /* a colour missing its index changes nothing */
    assert_int_equal(cell(g, 0, 0)->cp, 'A');
    assert_true(cell(g, 0, 0)->fg.is_default);
    termgrid_free(g);
    g = parse_exact("\xFF\xC3(", 3);
    assert_int_equal(cell(g, 0, 0)->cp, 0xFFFD);
    assert_int_equal(cell(g, 2, 0)->cp, '(');
    termgrid_free(g);
    /* Every prefix of a realistic line, cut anywhere, including inside escapes and UTF-8. */
    static const char line[] = "\033[38;2;0;0;0m\033[48;5;231m\xE2\x96\x80\xF0\x9F\xAC\x80 "
                               "\033]8;;u\033\\x\033[0m\n";
    for (size_t n = 0; n <= sizeof line - 1; n++)
        termgrid_free(parse_exact(line, n));
}

/* A capture as tmux would give it (SGR per line) round-trips to the same decode. */
static void test_capture_of_render_decodes(void **state)
{
    qr_matrix *m = qr_matrix_encode(pairing(0));
    qr_render *r = qr_render_make(m, QR_STYLE_HALF, 2);
    size_t cap = (size_t)r->rows * ((size_t)r->cols * 3 + 64) + 1, len = 0;
    char *buf = malloc(cap);
    for (int y = 0; y < r->rows; y++)
        len += (size_t)snprintf(buf + len, cap - len, "   \033[38;5;231;48;5;16m%s\033[0m\n",
                                r->lines[y]);
    termgrid *g = termgrid_parse_capture(buf, len);
    assert_int_equal(g->cols, r->cols + 3);
    assert_int_equal(g->rows, r->rows);
    for (int t = QRSCAN_DARK; t <= QRSCAN_LIGHT; t++) {
        char out[TEXT_MAX];
        assert_int_equal(qrscan_decode_grid(g, (qrscan_theme)t, out, sizeof out), 1);
        assert_string_equal(out, pairing(0));
    }
    termgrid_free(g);
    free(buf);
    qr_render_free(r);
    qr_matrix_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_pairing_sizes),
        cmocka_unit_test(test_encode_rejects),
        cmocka_unit_test(test_style_names),
        cmocka_unit_test(test_render_sizes_and_lines),
        cmocka_unit_test(test_render_rejects),
        cmocka_unit_test(test_render_glyphs_and_padding),
        cmocka_unit_test(test_ansi_light_modules_are_the_glyph),
        cmocka_unit_test(test_sextant_table_matches_unicode_chart),
        cmocka_unit_test(test_qrscan_paints_sextants_and_quadrants),
        cmocka_unit_test(test_decode_half),
        cmocka_unit_test(test_decode_sextant),
        cmocka_unit_test(test_decode_large),
        cmocka_unit_test(test_decode_ascii),
        cmocka_unit_test(test_cropped_quiet_zone_fails),
        cmocka_unit_test(test_damaged_finder_fails),
        cmocka_unit_test(test_decode_within_screen),
        cmocka_unit_test(test_autofit_v9),
        cmocka_unit_test(test_autofit_v10),
        cmocka_unit_test(test_termgrid_parses_sgr),
        cmocka_unit_test(test_termgrid_malformed_input),
        cmocka_unit_test(test_capture_of_render_decodes),
    };
    return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}

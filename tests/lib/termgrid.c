/* termgrid.c: cell grids from tmux pane captures (text + SGR) and from QR renders. */
#include "termgrid.h"

#include <stdlib.h>
#include <string.h>

#define TAB_STOP 8
#define SGR_MAX_GROUPS 32
#define SGR_MAX_SUB 6
#define SGR_VALUE_MAX 65535 /* clamps absurd numbers so they cannot overflow */
#define CP_REPLACEMENT 0xFFFDu

static const termgrid_colour colour_default = {.is_default = true};

termgrid *termgrid_new(int cols, int rows)
{
    if (cols <= 0 || rows <= 0 || cols > TERMGRID_MAX_COLS || rows > TERMGRID_MAX_ROWS)
        return NULL;
    termgrid *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cells = calloc((size_t)cols * (size_t)rows, sizeof *g->cells);
    if (!g->cells) {
        free(g);
        return NULL;
    }
    g->cols = cols;
    g->rows = rows;
    for (size_t i = 0; i < (size_t)cols * (size_t)rows; i++) {
        g->cells[i].cp = ' ';
        g->cells[i].fg = colour_default;
        g->cells[i].bg = colour_default;
        g->cells[i].width = 1;
    }
    return g;
}

void termgrid_free(termgrid *g)
{
    if (!g)
        return;
    free(g->cells);
    free(g);
}

termgrid_cell *termgrid_at(const termgrid *g, int x, int y)
{
    if (!g || x < 0 || y < 0 || x >= g->cols || y >= g->rows)
        return NULL;
    return &g->cells[(size_t)y * (size_t)g->cols + (size_t)x];
}

/* ------------------------------------------------------------------ colours -- */

static termgrid_colour rgb(int r, int g, int b)
{
    termgrid_colour c = {.is_default = false, .r = (uint8_t)r, .g = (uint8_t)g, .b = (uint8_t)b};
    return c;
}

termgrid_colour termgrid_palette(int n)
{
    /* xterm's default first 16 colours; the rest is the standard 6x6x6 cube and grey ramp. */
    static const uint8_t base16[16][3] = {
        {0x00, 0x00, 0x00}, {0xCD, 0x00, 0x00}, {0x00, 0xCD, 0x00}, {0xCD, 0xCD, 0x00},
        {0x00, 0x00, 0xEE}, {0xCD, 0x00, 0xCD}, {0x00, 0xCD, 0xCD}, {0xE5, 0xE5, 0xE5},
        {0x7F, 0x7F, 0x7F}, {0xFF, 0x00, 0x00}, {0x00, 0xFF, 0x00}, {0xFF, 0xFF, 0x00},
        {0x5C, 0x5C, 0xFF}, {0xFF, 0x00, 0xFF}, {0x00, 0xFF, 0xFF}, {0xFF, 0xFF, 0xFF},
    };
    static const uint8_t level[6] = {0, 95, 135, 175, 215, 255};
    n &= 255;
    if (n < 16)
        return rgb(base16[n][0], base16[n][1], base16[n][2]);
    if (n < 232) {
        n -= 16;
        return rgb(level[n / 36], level[(n / 6) % 6], level[n % 6]);
    }
    int grey = 8 + 10 * (n - 232);
    return rgb(grey, grey, grey);
}

static int clamp_byte(int v)
{
    return v > 255 ? 255 : v;
}

/* ------------------------------------------------------------------ UTF-8 -- */

size_t termgrid_utf8_next(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    *cp = CP_REPLACEMENT;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 1;
    }
    if (n > len)
        return 1;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not characters. */
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 1;
    *cp = v;
    return n;
}

typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

static bool in_ranges(uint32_t cp, const cp_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return true;
    return false;
}

int termgrid_cp_width(uint32_t cp)
{
    /* Common combining marks and format characters; enough to keep columns aligned in
     * captures of our own UI, not a full Unicode width table. */
    static const cp_range zero[] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
        {0x064B, 0x065F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
        {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
        {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0001, 0xE007F}, {0xE0100, 0xE01EF},
    };
    /* East Asian Wide and Fullwidth (Unicode 14), unassigned gaps merged. */
    static const cp_range wide[] = {
        {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
        {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
        {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
        {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
        {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
        {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
        {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
        {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
        {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
        {0x3041, 0x3247},   {0x3250, 0x4DBF},   {0x4E00, 0xA4C6},   {0xA960, 0xA97C},
        {0xAC00, 0xD7A3},   {0xF900, 0xFAD9},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6B},
        {0xFF01, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x1B2FB}, {0x1F004, 0x1F004},
        {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F320},
        {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
        {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
        {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
        {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
        {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
        {0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7F0},
        {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAF6},
        {0x20000, 0x3FFFD},
    };
    if (cp < 0x300)
        return 1;
    if (in_ranges(cp, zero, sizeof zero / sizeof zero[0]))
        return 0;
    return in_ranges(cp, wide, sizeof wide / sizeof wide[0]) ? 2 : 1;
}

/* ----------------------------------------------------------- capture parser -- */

typedef struct pen {
    termgrid_colour fg, bg;
    bool reverse, bold, hidden;
} pen;

/* One pass over the capture. With g == NULL it only measures (cols, rows); the same code
 * then fills the grid, so both passes agree on every cell position. */
typedef struct parser {
    const unsigned char *s;
    size_t len, i;
    pen pen;
    int x, y;
    int max_cols;
    termgrid *g;
} parser;

typedef struct sgr_group {
    int v[SGR_MAX_SUB];
    int n;
} sgr_group;

static void pen_reset(pen *p)
{
    p->fg = colour_default;
    p->bg = colour_default;
    p->reverse = p->bold = p->hidden = false;
}

/* Splits "38;2;1;2;3" / "38:2::1:2:3" into groups of ':'-separated values. Returns the number
 * of groups, or -1 if the parameters are not plain SGR (private markers, intermediates). */
static int sgr_split(const unsigned char *s, size_t len, sgr_group *grp)
{
    int n = 0;
    memset(&grp[0], 0, sizeof grp[0]);
    grp[0].n = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        sgr_group *cur = &grp[n];
        if (c >= '0' && c <= '9') {
            int *v = &cur->v[cur->n - 1];
            *v = *v * 10 + (c - '0');
            if (*v > SGR_VALUE_MAX)
                *v = SGR_VALUE_MAX;
        } else if (c == ':') {
            if (cur->n < SGR_MAX_SUB)
                cur->v[cur->n++] = 0;
        } else if (c == ';') {
            if (n + 1 >= SGR_MAX_GROUPS)
                break; /* more parameters than any real SGR: ignore the tail */
            n++;
            memset(&grp[n], 0, sizeof grp[n]);
            grp[n].n = 1;
        } else {
            return -1;
        }
    }
    return n + 1;
}

/* Colon form inside one group: 38:5:n, 38:2:r:g:b or 38:2:colourspace:r:g:b. */
static bool sgr_colon_colour(const sgr_group *grp, termgrid_colour *out)
{
    if (grp->n >= 3 && grp->v[1] == 5) {
        *out = termgrid_palette(grp->v[2]);
        return true;
    }
    if (grp->v[1] == 2 && grp->n >= 5) {
        const int *c = grp->n >= 6 ? &grp->v[3] : &grp->v[2];
        *out = rgb(clamp_byte(c[0]), clamp_byte(c[1]), clamp_byte(c[2]));
        return true;
    }
    return false;
}

/* Semicolon form: 38;5;n or 38;2;r;g;b spread over groups. Returns the groups used, or 0 if
 * malformed (then the rest of the sequence is meaningless and gets dropped). */
static int sgr_semicolon_colour(const sgr_group *grp, int left, termgrid_colour *out)
{
    if (left >= 3 && grp[1].v[0] == 5) {
        *out = termgrid_palette(grp[2].v[0]);
        return 3;
    }
    if (left >= 5 && grp[1].v[0] == 2) {
        *out = rgb(clamp_byte(grp[2].v[0]), clamp_byte(grp[3].v[0]), clamp_byte(grp[4].v[0]));
        return 5;
    }
    return 0;
}

static void sgr_simple(pen *p, int v)
{
    if (v == 0)
        pen_reset(p);
    else if (v == 1)
        p->bold = true;
    else if (v == 22)
        p->bold = false;
    else if (v == 7)
        p->reverse = true;
    else if (v == 27)
        p->reverse = false;
    else if (v == 8)
        p->hidden = true;
    else if (v == 28)
        p->hidden = false;
    else if (v >= 30 && v <= 37)
        p->fg = termgrid_palette(v - 30);
    else if (v == 39)
        p->fg = colour_default;
    else if (v >= 40 && v <= 47)
        p->bg = termgrid_palette(v - 40);
    else if (v == 49)
        p->bg = colour_default;
    else if (v >= 90 && v <= 97)
        p->fg = termgrid_palette(v - 90 + 8);
    else if (v >= 100 && v <= 107)
        p->bg = termgrid_palette(v - 100 + 8);
    /* Italic, underline, blink, ... do not change where ink goes. */
}

static void apply_sgr(pen *p, const unsigned char *s, size_t len)
{
    sgr_group grp[SGR_MAX_GROUPS];
    int n = sgr_split(s, len, grp);
    for (int i = 0; i < n;) {
        int v = grp[i].v[0];
        if (v != 38 && v != 48) {
            sgr_simple(p, v);
            i++;
            continue;
        }
        termgrid_colour c;
        int used = 1;
        if (grp[i].n > 1) {
            if (!sgr_colon_colour(&grp[i], &c)) {
                i++;
                continue;
            }
        } else if ((used = sgr_semicolon_colour(&grp[i], n - i, &c)) == 0) {
            return;
        }
        *(v == 38 ? &p->fg : &p->bg) = c;
        i += used;
    }
}

/* CSI: parameters and intermediates up to a final byte 0x40..0x7E. Only SGR is applied. */
static void skip_csi(parser *ps)
{
    size_t start = ps->i + 2, j = start;
    while (j < ps->len && ps->s[j] >= 0x20 && ps->s[j] < 0x40)
        j++;
    /* A truncated sequence (end of data, newline, stray byte) is dropped up to that byte,
     * so the line structure after it survives. */
    if (j >= ps->len || ps->s[j] < 0x40 || ps->s[j] > 0x7E) {
        ps->i = j;
        return;
    }
    if (ps->s[j] == 'm')
        apply_sgr(&ps->pen, ps->s + start, j - start);
    ps->i = j + 1;
}

/* OSC, DCS, APC, PM, SOS: a string ended by BEL or ESC backslash. An unterminated one stops
 * at the end of its line: captures never carry newlines inside such strings. */
static void skip_string(parser *ps)
{
    size_t j = ps->i + 2;
    while (j < ps->len && ps->s[j] != '\n') {
        if (ps->s[j] == 0x07) {
            ps->i = j + 1;
            return;
        }
        if (ps->s[j] == 0x1B && j + 1 < ps->len && ps->s[j + 1] == '\\') {
            ps->i = j + 2;
            return;
        }
        j++;
    }
    ps->i = j;
}

static void skip_escape(parser *ps)
{
    if (ps->i + 1 >= ps->len) {
        ps->i = ps->len;
        return;
    }
    unsigned char c = ps->s[ps->i + 1];
    size_t skip = 2;
    if (c == '[') {
        skip_csi(ps);
        return;
    }
    if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
        skip_string(ps);
        return;
    }
    if ((c == '(' || c == ')' || c == '*' || c == '+' || c == '#' || c == '%') &&
        ps->i + 2 < ps->len && ps->s[ps->i + 2] >= 0x20)
        skip = 3; /* charset designation and friends carry one more byte */
    else if (c < 0x20 || c > 0x7E)
        skip = 1; /* a lone ESC: keep the control or UTF-8 character that follows */
    ps->i = ps->i + skip > ps->len ? ps->len : ps->i + skip;
}

static void put_cell(parser *ps, uint32_t cp, int width)
{
    if (ps->x + width > ps->max_cols)
        ps->max_cols = ps->x + width;
    for (int k = 0; k < width && ps->g; k++) {
        termgrid_cell *c = termgrid_at(ps->g, ps->x + k, ps->y);
        if (!c)
            break;
        c->cp = cp;
        c->fg = ps->pen.fg;
        c->bg = ps->pen.bg;
        c->reverse = ps->pen.reverse;
        c->bold = ps->pen.bold;
        c->hidden = ps->pen.hidden;
        /* A wide glyph cut by the grid's right edge keeps only a normal-width half. */
        c->width = width == 1 ? 1 : (k == 0 ? (ps->x + 1 < ps->g->cols ? 2 : 1) : 0);
    }
    ps->x += width;
}

static void parse_char(parser *ps)
{
    uint32_t cp;
    size_t used = termgrid_utf8_next((const char *)ps->s + ps->i, ps->len - ps->i, &cp);
    ps->i += used;
    if (cp == '\n') {
        ps->y++;
        ps->x = 0;
    } else if (cp == '\t') {
        int to = (ps->x / TAB_STOP + 1) * TAB_STOP;
        while (ps->x < to)
            put_cell(ps, ' ', 1);
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
        /* CR, BEL, C1 controls...: nothing to draw */
    } else {
        int w = termgrid_cp_width(cp);
        if (w > 0)
            put_cell(ps, cp, w);
    }
}

static void parse_run(parser *ps)
{
    ps->i = 0;
    ps->x = ps->y = 0;
    pen_reset(&ps->pen);
    while (ps->i < ps->len) {
        if (ps->s[ps->i] == 0x1B)
            skip_escape(ps);
        else
            parse_char(ps);
    }
}

static int clamp_dim(int v, int max)
{
    if (v < 1)
        return 1;
    return v > max ? max : v;
}

termgrid *termgrid_parse_capture(const char *data, size_t len)
{
    parser ps = {.s = (const unsigned char *)data, .len = data ? len : 0};
    parse_run(&ps);
    /* A last line without a newline still counts, an empty one after the last does not. */
    int rows = ps.y + (ps.x > 0 ? 1 : 0);
    termgrid *g = termgrid_new(clamp_dim(ps.max_cols, TERMGRID_MAX_COLS),
                               clamp_dim(rows, TERMGRID_MAX_ROWS));
    if (!g)
        return NULL;
    ps.g = g;
    parse_run(&ps);
    return g;
}

/* --------------------------------------------------------- from a QR render -- */

termgrid *termgrid_from_render(const qr_render *r)
{
    if (!r || !r->lines)
        return NULL;
    termgrid *g = termgrid_new(r->cols, r->rows);
    if (!g)
        return NULL;
    int ascii = !r->light_ink; /* ASCII and dark-ink renders: black on white */
    for (int y = 0; y < r->rows; y++) {
        const char *s = r->lines[y];
        size_t len = s ? strlen(s) : 0, i = 0;
        for (int x = 0; i < len && x < r->cols; x++) {
            termgrid_cell *c = termgrid_at(g, x, y);
            i += termgrid_utf8_next(s + i, len - i, &c->cp);
            c->fg = ascii ? rgb(0, 0, 0) : rgb(255, 255, 255);
            c->bg = ascii ? rgb(255, 255, 255) : rgb(0, 0, 0);
        }
    }
    return g;
}

void termgrid_blit(termgrid *dst, const termgrid *src, int x, int y)
{
    if (!dst || !src)
        return;
    for (int sy = 0; sy < src->rows; sy++) {
        for (int sx = 0; sx < src->cols; sx++) {
            termgrid_cell *d = termgrid_at(dst, x + sx, y + sy);
            if (d)
                *d = *termgrid_at(src, sx, sy);
        }
    }
}

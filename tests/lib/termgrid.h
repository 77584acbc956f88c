/* termgrid.h: terminal cell grids, parsed from `tmux capture-pane -p -e` or built from a render. */
#ifndef HD_TERMGRID_H
#define HD_TERMGRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qr.h"

/* Captures larger than this are cut: bounds memory and the painted image on hostile input. */
#define TERMGRID_MAX_COLS 512
#define TERMGRID_MAX_ROWS 256

/* A colour is either the terminal's default (theme-dependent) or an explicit RGB value. */
typedef struct termgrid_colour {
    bool is_default;
    uint8_t r, g, b;
} termgrid_colour;

typedef struct termgrid_cell {
    uint32_t cp;  /* code point; ' ' for empty cells */
    termgrid_colour fg, bg;
    bool reverse; /* SGR 7 */
    bool bold;    /* SGR 1; kept for completeness, bold does not change ink here */
    bool hidden;  /* SGR 8: glyph drawn in the background colour */
    uint8_t width; /* 1 normal, 2 first half of a wide glyph, 0 its second half */
} termgrid_cell;

typedef struct termgrid {
    int cols, rows;
    termgrid_cell *cells; /* cells[y * cols + x] */
} termgrid;

/* A grid of spaces in default colours. NULL on bad size or OOM. */
termgrid *termgrid_new(int cols, int rows);
void termgrid_free(termgrid *g);

/* The cell at (x, y), or NULL outside the grid. */
termgrid_cell *termgrid_at(const termgrid *g, int x, int y);

/*
 * Parses `tmux capture-pane -p -e [-N]` output (or raw program output without cursor motion):
 * one grid row per line, SGR attributes applied, every other escape sequence skipped, tabs
 * expanded to 8, other control characters dropped, invalid UTF-8 shown as U+FFFD. The grid is
 * as wide as the longest line; shorter lines are padded with default-coloured spaces. `data`
 * need not be NUL-terminated. NULL on OOM; an empty capture gives a 1x1 blank grid.
 */
termgrid *termgrid_parse_capture(const char *data, size_t len);

/* The render's cells in explicit RGB, as the console draws them: light-ink renders white on
 * black, dark-ink and ASCII ones black on white ('#' painted as ink = dark). */
termgrid *termgrid_from_render(const qr_render *r);

/* Copies src into dst with its top-left cell at (x, y); cells outside dst are dropped. */
void termgrid_blit(termgrid *dst, const termgrid *src, int x, int y);

/* Resolves xterm 256-colour palette index n (0..255) to RGB. */
termgrid_colour termgrid_palette(int n);

/*
 * Decodes the UTF-8 sequence at s (len > 0 bytes available) into *cp and returns the bytes it
 * used (1..4). Invalid or truncated sequences give U+FFFD and consume one byte.
 */
size_t termgrid_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Terminal width of a code point: 0 (combining), 1 or 2 (East Asian wide). */
int termgrid_cp_width(uint32_t cp);

#endif

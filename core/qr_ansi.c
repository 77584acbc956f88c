/* qr_ansi.c: QR renders on plain terminals (line mode), with explicit colours. */
#include "qr_ansi.h"

#include <string.h>

/* SGR for a light cell and for a dark cell, per mode: the cell's background is that colour,
 * its foreground the other. Glyph styles print every cell as a "dark" cell whose ink (the
 * glyph) is the light modules, so row seams in the font show dark. */
static const char *const light_sgr[] = {
    [QR_ANSI_COLOUR] = "\033[38;5;16;48;5;231m",
    [QR_ANSI_REVERSE] = "\033[0;7m",
    [QR_ANSI_NORMAL] = "\033[0m",
    [QR_ANSI_PLAIN] = "",
};
static const char *const dark_sgr[] = {
    [QR_ANSI_COLOUR] = "\033[38;5;231;48;5;16m",
    [QR_ANSI_REVERSE] = "\033[0m",
    [QR_ANSI_NORMAL] = "\033[0;7m",
    [QR_ANSI_PLAIN] = "",
};

static void print_ascii_line(FILE *out, const char *line, qr_ansi_mode mode)
{
    for (const char *p = line; *p; p++) {
        if (mode == QR_ANSI_PLAIN) {
            fputc(*p, out);
            continue;
        }
        fputs(*p == '#' ? dark_sgr[mode] : light_sgr[mode], out);
        fputc(' ', out);
    }
}

int qr_ansi_print(FILE *out, const qr_render *r, int indent, qr_ansi_mode mode)
{
    if ((unsigned)mode > QR_ANSI_PLAIN)
        mode = QR_ANSI_PLAIN;
    for (int y = 0; y < r->rows; y++) {
        fprintf(out, "%*s", indent, "");
        if (r->style == QR_STYLE_ASCII) {
            print_ascii_line(out, r->lines[y], mode);
        } else {
            /* Glyph styles: light ink is drawn on the dark colour, dark ink on the light one. */
            fputs(r->light_ink ? dark_sgr[mode] : light_sgr[mode], out);
            fputs(r->lines[y], out);
        }
        if (mode != QR_ANSI_PLAIN)
            fputs("\033[0m", out);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

/* qr_ansi.c: QR renders on plain terminals (line mode), with explicit colours. */
#include "qr_ansi.h"

#include <string.h>

#define QR_INK "\033[38;5;16;48;5;231m"
#define QR_INK_REVERSE "\033[38;5;231;48;5;16m"
#define QR_RESET "\033[0m"

static int print_ascii_line(FILE *out, const char *line, int colour)
{
    for (const char *p = line; *p; p++) {
        if (!colour)
            fputc(*p, out);
        else
            fputs(*p == '#' ? QR_INK_REVERSE " " QR_INK : " ", out);
    }
    return 0;
}

int qr_ansi_print(FILE *out, const qr_render *r, int indent, int colour)
{
    for (int y = 0; y < r->rows; y++) {
        fprintf(out, "%*s", indent, "");
        if (colour)
            fputs(QR_INK, out);
        if (r->style == QR_STYLE_ASCII)
            print_ascii_line(out, r->lines[y], colour);
        else
            fputs(r->lines[y], out);
        if (colour)
            fputs(QR_RESET, out);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

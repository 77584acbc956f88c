/* qr_ansi.h: writes a qr_render to a stdio stream with explicit ANSI colours. */
#ifndef HD_QR_ANSI_H
#define HD_QR_ANSI_H

#include <stdio.h>

#include "qr.h"

typedef enum qr_ansi_mode {
    QR_ANSI_COLOUR,  /* white (231) glyphs on black (16): light modules as ink; any theme */
    QR_ANSI_REVERSE, /* no colours (NO_COLOR), right on dark backgrounds: glyphs (light
                        modules) in the terminal's own ink; light ASCII cells in reverse */
    QR_ANSI_NORMAL,  /* no colours, inverted for light backgrounds: glyphs in reverse video */
    QR_ANSI_PLAIN,   /* not a terminal: the glyphs (light modules) only, no escapes at all */
} qr_ansi_mode;

/*
 * Prints each line indented by `indent` spaces, in the given mode. Glyph styles draw the
 * light modules as the glyph on the dark colour. In ASCII style a '#' (dark) cell is drawn
 * as a space in the dark colour; in PLAIN mode it stays '#'.
 * Returns 0, or -1 on a write error.
 */
int qr_ansi_print(FILE *out, const qr_render *r, int indent, qr_ansi_mode mode);

#endif

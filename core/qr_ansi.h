/* qr_ansi.h: writes a qr_render to a stdio stream with explicit ANSI colours. */
#ifndef HD_QR_ANSI_H
#define HD_QR_ANSI_H

#include <stdio.h>

#include "qr.h"

typedef enum qr_ansi_mode {
    QR_ANSI_COLOUR,  /* black ink on white (256-colour 16 on 231): scans on any theme */
    QR_ANSI_REVERSE, /* no colours (NO_COLOR): reverse video, right on dark backgrounds */
    QR_ANSI_NORMAL,  /* no colours, inverted: the terminal's own ink, right on light ones */
    QR_ANSI_PLAIN,   /* not a terminal: the glyphs only, no escape sequences at all */
} qr_ansi_mode;

/*
 * Prints each line indented by `indent` spaces, in the given mode. In ASCII style a '#'
 * (dark) cell is drawn as a space in the dark colour; in PLAIN mode it stays '#'.
 * Returns 0, or -1 on a write error.
 */
int qr_ansi_print(FILE *out, const qr_render *r, int indent, qr_ansi_mode mode);

#endif

/* qr_ansi.h: writes a qr_render to a stdio stream with explicit ANSI colours. */
#ifndef HD_QR_ANSI_H
#define HD_QR_ANSI_H

#include <stdio.h>

#include "qr.h"

/*
 * Prints each line indented by `indent` spaces. With `colour`, cells get black ink on a
 * white background (256-colour 16 on 231), so the code scans on dark and light themes;
 * ASCII '#' cells become reverse-video spaces. Without colour the glyphs are printed as
 * they are (and '#' stays '#'). Returns 0, or -1 on a write error.
 */
int qr_ansi_print(FILE *out, const qr_render *r, int indent, int colour);

#endif

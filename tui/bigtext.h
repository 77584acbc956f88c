/* bigtext.h: a pairing code drawn in 5-row block letters, readable from across a room. */
#ifndef HD_TUI_BIGTEXT_H
#define HD_TUI_BIGTEXT_H

#define BIGTEXT_ROWS 5

/* Width in columns of s drawn large (4 per character). */
int bigtext_width(const char *s);
/* Draws s (digits, A-Z, '-'; anything else as a blank) at y,x. Returns the width. */
int bigtext_draw(int y, int x, const char *s, int utf8);

#endif

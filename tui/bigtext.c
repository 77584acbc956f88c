/* bigtext.c: a 3x5 block font for pairing codes. Its own font because none ships with
 * ncurses, and figlet-style libraries are not in the product's dependencies. */
#include "bigtext.h"
#include "ui.h"

#include <curses.h>
#include <string.h>

/* 15 bits per glyph, rows top to bottom, 3 columns each (bit 14 = top left). */
static unsigned glyph(char c)
{
    static const struct { char c; unsigned bits; } font[] = {
        {'0', 075557}, {'1', 026227}, {'2', 071747}, {'3', 071717}, {'4', 055711},
        {'5', 074717}, {'6', 074757}, {'7', 071111}, {'8', 075757}, {'9', 075717},
        {'A', 025755}, {'B', 065656}, {'C', 034443}, {'D', 065556}, {'E', 074647},
        {'F', 074644}, {'G', 034553}, {'H', 055755}, {'I', 072227}, {'J', 011153},
        {'K', 055655}, {'L', 044447}, {'M', 057555}, {'N', 065555}, {'O', 025552},
        {'P', 065644}, {'Q', 025563}, {'R', 065655}, {'S', 034716}, {'T', 072222},
        {'U', 055557}, {'V', 055552}, {'W', 055575}, {'X', 055255}, {'Y', 055222},
        {'Z', 071247}, {'-', 000700},
    };
    for (size_t i = 0; i < sizeof font / sizeof *font; i++)
        if (font[i].c == c)
            return font[i].bits;
    return 0;
}

int bigtext_width(const char *s)
{
    return (int)strlen(s) * 4;
}

int bigtext_draw(int y, int x, const char *s, int utf8)
{
    const char *ink = utf8 ? "\xE2\x96\x88" : "#";
    int col = x;
    attrset(ui_attr(ROLE_TITLE) | A_BOLD);
    for (; *s; s++, col += 4) {
        unsigned bits = glyph(*s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s);
        for (int r = 0; r < BIGTEXT_ROWS; r++)
            for (int c = 0; c < 3; c++)
                if (bits & (1u << (14 - (r * 3 + c))))
                    mvaddstr(y + r, col + c, ink);
    }
    attrset(A_NORMAL);
    return col - x;
}

/* ui_reset.c: the bytes that take a terminal out of curses, for a signal handler to write. */
#include "ui.h"

#include <curses.h>
#include <string.h>
#include <term.h>

static char *reset_buf;
static size_t reset_len, reset_cap;

/* tputs' output function: into reset_buf (padding expanded as tputs does). */
static int reset_putc(int ch)
{
    if (reset_len + 1 < reset_cap)
        reset_buf[reset_len++] = (char)ch;
    return ch;
}

size_t ui_term_reset(char *out, size_t n)
{
    /* As endwin: attributes off, the cursor shown, keypad off, the alternate screen left. */
    static const char *const caps[] = {"sgr0", "cnorm", "rmkx", "rmcup"};
    reset_buf = out;
    reset_cap = n;
    reset_len = 0;
    for (size_t i = 0; i < sizeof caps / sizeof *caps && n; i++) {
        char *s = tigetstr((char *)caps[i]);
        if (s && s != (char *)-1)
            tputs(s, 1, reset_putc);
    }
    if (n)
        out[reset_len] = '\0';
    return reset_len;
}

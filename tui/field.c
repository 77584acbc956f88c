/* field.c: single-line text fields; masked ones live in guarded memory and show bullets. */
#include "field.h"
#include "secret.h"
#include "ui.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

int tui_field_open(tui_field *f, int max_chars, int masked)
{
    memset(f, 0, sizeof *f);
    f->cap = (size_t)max_chars * MB_LEN_MAX + 1;
    if (masked)
        f->buf = secret_alloc(f->cap);
    else
        f->buf = malloc(f->cap);
    if (!f->buf)
        return -1;
    f->buf[0] = '\0';
    f->max_chars = max_chars;
    f->masked = masked;
    return 0;
}

void tui_field_wipe(tui_field *f)
{
    if (f->buf)
        secret_wipe(f->buf, f->cap);
    f->len = 0;
    f->nchars = 0;
}

void tui_field_close(tui_field *f)
{
    if (!f->buf)
        return;
    tui_field_wipe(f);
    if (f->masked)
        secret_free(f->buf);
    else
        free(f->buf);
    memset(f, 0, sizeof *f);
}

static void insert_bytes(tui_field *f, const char *s, size_t n)
{
    if (f->nchars >= f->max_chars || f->len + n + 1 > f->cap)
        return;
    memcpy(f->buf + f->len, s, n);
    f->len += n;
    f->buf[f->len] = '\0';
    f->nchars++;
}

void tui_field_set(tui_field *f, const char *utf8)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    tui_field_wipe(f);
    for (const char *p = utf8; f->buf && *p;) {
        size_t n = mbrlen(p, MB_CUR_MAX, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
            break;
        insert_bytes(f, p, n);
        p += n;
    }
}

static void delete_last(tui_field *f)
{
    if (f->len == 0)
        return;
    do /* back over UTF-8 continuation bytes to the start of the character */
        f->len--;
    while (f->len > 0 && ((unsigned char)f->buf[f->len] & 0xC0) == 0x80);
    secret_wipe(f->buf + f->len, f->cap - f->len);
    f->nchars--;
}

int tui_field_edit(tui_field *f, int is_keycode, wint_t ch)
{
    if ((is_keycode && ch == KEY_BACKSPACE) || (!is_keycode && (ch == 127 || ch == 8))) {
        delete_last(f);
        return 1;
    }
    if (!is_keycode && ch == 21) { /* Ctrl-U */
        tui_field_wipe(f);
        return 1;
    }
    if (is_keycode || ch == 27 || !iswprint(ch))
        return 0;
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)ch, &st);
    if (n != (size_t)-1 && f->buf)
        insert_bytes(f, mb, n);
    secret_wipe(mb, sizeof mb); /* a masked character must not linger on the stack */
    return 1;
}

/* The end of the text that fits in w columns. */
static const char *tail_fitting(const char *s, int w)
{
    int total = ui_width(s);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    while (*s && total > w) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            n = 1;
            wc = L'?';
        }
        int cw = wcwidth(wc);
        total -= cw < 0 ? 1 : cw;
        s += n;
    }
    return s;
}

int tui_field_draw(const tui_field *f, int y, int x, int w, int focused, int utf8_ok)
{
    ui_role role = focused ? ROLE_SELECTED : ROLE_BAR;
    if (w <= 1)
        return x;
    attrset(ui_attr(role));
    mvhline(y, x, ' ', w);
    if (!f->buf)
        return x;
    if (!f->masked)
        return x + ui_put_clip(y, x, w - 1, role, tail_fitting(f->buf, w - 1));
    int n = f->nchars < w - 1 ? f->nchars : w - 1;
    attrset(ui_attr(role));
    for (int i = 0; i < n; i++)
        mvaddstr(y, x + i, utf8_ok ? "\xE2\x80\xA2" : "*");
    attrset(A_NORMAL);
    return x + n;
}

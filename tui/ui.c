/* ui.c: colour roles, text drawing that respects display width, bars, QR and help. */
#include "ui.h"
#include "i18n.h"
#include "text.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

static int role_attr[ROLE_COUNT];
static int using_colour;

int ui_theme_init(int want_colour)
{
    int colour = want_colour && has_colors() && start_color() == OK;
    using_colour = colour;
    if (colour) {
        use_default_colors();
        int black = COLORS >= 256 ? 16 : COLOR_BLACK, white = COLORS >= 256 ? 231 : COLOR_WHITE;
        init_pair(ROLE_TEXT, -1, -1);
        init_pair(ROLE_TITLE, COLOR_WHITE, COLOR_BLUE);
        init_pair(ROLE_BAR, COLOR_BLACK, COLOR_CYAN);
        init_pair(ROLE_DIM, -1, -1);
        init_pair(ROLE_OK, COLOR_GREEN, -1);
        init_pair(ROLE_ERROR, COLOR_RED, -1);
        init_pair(ROLE_WARN, COLOR_YELLOW, -1);
        init_pair(ROLE_SELECTED, COLOR_BLACK, COLOR_CYAN);
        init_pair(ROLE_QR, black, white);
        init_pair(ROLE_QR_INK, white, black);
        init_pair(ROLE_QR_PAPER, white, white);
        init_pair(ROLE_QR_SOLID, black, black);
        for (int r = 1; r < ROLE_COUNT; r++)
            role_attr[r] = COLOR_PAIR(r);
        role_attr[ROLE_TITLE] |= A_BOLD;
        role_attr[ROLE_DIM] |= A_DIM;
        role_attr[ROLE_OK] |= A_BOLD;
        role_attr[ROLE_ERROR] |= A_BOLD;
    } else {
        /* Monochrome: attributes only. The QR keeps the terminal's own colours. */
        role_attr[ROLE_TEXT] = A_NORMAL;
        role_attr[ROLE_TITLE] = A_REVERSE | A_BOLD;
        role_attr[ROLE_BAR] = A_REVERSE;
        role_attr[ROLE_DIM] = A_DIM;
        role_attr[ROLE_OK] = A_BOLD;
        role_attr[ROLE_ERROR] = A_BOLD;
        role_attr[ROLE_WARN] = A_BOLD;
        role_attr[ROLE_SELECTED] = A_REVERSE;
        /* The glyphs are the light modules, in the terminal's own ink (ROLE_QR_INK): right
           on the common dark backgrounds; light blank cells (ASCII) in reverse video.
           ui_qr_invert() flips both for light backgrounds. */
        role_attr[ROLE_QR] = A_REVERSE;
        role_attr[ROLE_QR_INK] = A_NORMAL;
    }
    return colour;
}

int ui_attr(ui_role role)
{
    return (unsigned)role < ROLE_COUNT ? role_attr[role] : (int)A_NORMAL;
}

/* Decodes the next character; invalid bytes become '?', so nothing is silently lost. */
static size_t next_wchar(const char *s, mbstate_t *st, wchar_t *wc)
{
    size_t n = mbrtowc(wc, s, MB_CUR_MAX, st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        memset(st, 0, sizeof *st);
        *wc = L'?';
        return 1;
    }
    return n;
}

static int char_width(wchar_t wc)
{
    int w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

int ui_width(const char *utf8)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int w = 0;
    wchar_t wc;
    for (const char *p = utf8; *p;) {
        p += next_wchar(p, &st, &wc);
        w += char_width(iswprint((wint_t)wc) ? wc : L'?');
    }
    return w;
}

char *ui_pad(char *out, size_t n, const char *s, int cols)
{
    int pad = cols - ui_width(s);
    snprintf(out, n, "%s%*s", s, pad > 0 ? pad : 0, "");
    return out;
}

/* The few symbols the screens use, spelled in ASCII for terminals without UTF-8 (LANG=C). */
static size_t ascii_symbol(const char *p, wchar_t *wc)
{
    static const struct {
        const char *utf8;
        wchar_t ascii;
    } map[] = {
        {"\xE2\x80\xBA", L'>'}, {"\xC2\xB7", L'-'}, {"\xE2\x9C\x93", L'+'},
        {"\xE2\x9C\x97", L'x'}, {"\xE2\x80\xA2", L'*'},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].utf8);
        if (strncmp(p, map[i].utf8, n) == 0) {
            *wc = map[i].ascii;
            return n;
        }
    }
    return 0;
}

/* The next character to draw from p, as ui_put draws it (ASCII symbols on terminals without
   UTF-8, '?' for what cannot be printed); returns the bytes it takes. */
static size_t put_next(const char *p, mbstate_t *st, int ascii, wchar_t *wc)
{
    size_t n = ascii ? ascii_symbol(p, wc) : 0;
    if (!n)
        n = next_wchar(p, st, wc);
    if (!iswprint((wint_t)*wc))
        *wc = L'?'; /* last line of defence: strings are sanitized before they get here */
    return n;
}

/* Draws the bytes [p, end) of text; returns the columns used. */
static int put_span(const char *p, const char *end, int ascii)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int used = 0;
    wchar_t wc;
    while (p < end && *p) {
        p += put_next(p, &st, ascii, &wc);
        addnwstr(&wc, 1);
        used += char_width(wc);
    }
    return used;
}

/*
 * Where to cut s for maxw columns: returns NULL if all of s fits; otherwise the end of the
 * prefix to draw before the ellipsis (in maxw - 1 columns): at the last space when that keeps at
 * least half the room (words stay whole), else at the last character that fits (one long word,
 * an id). *clip (may be NULL) gets the end of the longest prefix that fits maxw exactly.
 */
static const char *put_cut(const char *s, int maxw, int ascii, const char **clip)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *at_space = NULL, *at_char = s, *p = s;
    int used = 0, space_used = 0;
    wchar_t wc;
    while (*p) {
        size_t n = put_next(p, &st, ascii, &wc);
        int w = char_width(wc);
        if (used + w > maxw)
            break;
        if (wc == L' ' && used <= maxw - 1 && used > 0 && p[-1] != ' ') {
            at_space = p;
            space_used = used;
        }
        used += w;
        p += n;
        if (used <= maxw - 1)
            at_char = p;
    }
    if (clip)
        *clip = p;
    if (!*p)
        return NULL;
    return at_space && space_used * 2 >= maxw ? at_space : at_char;
}

int ui_put(int y, int x, int maxw, ui_role role, const char *utf8)
{
    int ascii = !i18n_terminal_utf8(), used = 0;
    if (maxw <= 0)
        return 0;
    const char *cut = put_cut(utf8, maxw, ascii, NULL);
    attrset(ui_attr(role));
    move(y, x);
    used = put_span(utf8, cut ? cut : utf8 + strlen(utf8), ascii);
    if (cut) { /* a visible cut: the reader knows there is more */
        wchar_t ell = ascii ? L'~' : (wchar_t)0x2026; /* "…" */
        addnwstr(&ell, 1);
        used++;
    }
    attrset(A_NORMAL);
    return used;
}

int ui_put_clip(int y, int x, int maxw, ui_role role, const char *utf8)
{
    const char *clip = utf8;
    int ascii = !i18n_terminal_utf8(), used = 0;
    if (maxw <= 0)
        return 0;
    if (!put_cut(utf8, maxw, ascii, &clip))
        clip = utf8 + strlen(utf8);
    attrset(ui_attr(role));
    move(y, x);
    used = put_span(utf8, clip, ascii);
    attrset(A_NORMAL);
    return used;
}

/* How many bytes of s fit in w columns (at least one character, so a cut always advances). */
static size_t fit_bytes(const char *s, int w)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t used = 0;
    for (int cols = 0; s[used];) {
        size_t n = next_wchar(s + used, &st, &wc);
        cols += char_width(iswprint((wint_t)wc) ? wc : L'?');
        if (cols > w && used)
            break;
        used += n;
    }
    return used;
}

/* Redraws a wrapped text's last row when more text did not fit in its rows: cut with an
   ellipsis, so the reader sees there is more (a wrap that runs out of rows is never silent). */
static void wrap_more(int y, int x, int w, ui_role role, const char *last, const char *next)
{
    char both[2048];
    /* last + next never fits in w (that is why a row ended), so ui_put cuts it visibly */
    snprintf(both, sizeof both, "%s %s", last, next && *next ? next : "\xE2\x80\xA6\xE2\x80\xA6");
    attrset(ui_attr(role));
    mvhline(y, x, ' ', w); /* the cut row may be shorter than the one drawn */
    ui_put(y, x, w, role, both);
}

/* Word wrap; a word wider than the whole width (a URL, a token) is cut across rows rather
   than lost at the edge; text beyond maxrows ends the last row with an ellipsis. Draws only
   when `draw`: ui_wrap_rows measures with the same rules. */
static int wrap(int y, int x, int w, int maxrows, ui_role role, const char *utf8, int draw)
{
    char *text = strdup(utf8), line[1024], last[1024] = "", *word = NULL, *pending = NULL;
    int rows = 0;
    if (!text || w <= 0)
        goto out;
    line[0] = '\0';
    for (char *save = NULL; (word = strtok_r(word ? NULL : text, " ", &save)) && rows < maxrows;) {
        while (*word && rows < maxrows) {
            size_t ll = strlen(line);
            int need = ui_width(word);
            if (ll && ui_width(line) + 1 + need > w) {
                if (draw)
                    ui_put(y + rows, x, w, role, line);
                rows++;
                snprintf(last, sizeof last, "%s", line);
                line[0] = '\0';
                pending = word; /* not drawn yet, if this was the last row */
            } else if (!ll && need > w) {
                size_t n = fit_bytes(word, w);
                snprintf(line, sizeof line, "%.*s", (int)n, word);
                if (draw) /* the word goes on in the next row: no ellipsis */
                    ui_put_clip(y + rows, x, w, role, line);
                rows++;
                snprintf(last, sizeof last, "%s", line);
                line[0] = '\0';
                word += n;
                pending = *word ? word : NULL;
            } else {
                snprintf(line + ll, sizeof line - ll, "%s%s", ll ? " " : "", word);
                pending = NULL;
                break;
            }
        }
    }
    if (line[0] && rows < maxrows) {
        if (draw)
            ui_put(y + rows, x, w, role, line);
        rows++;
    } else if (draw && rows && (line[0] || pending || word)) {
        wrap_more(y + rows - 1, x, w, role, last, line[0] ? line : pending ? pending : word);
    }
out:
    free(text);
    return rows;
}

int ui_wrap(int y, int x, int w, int maxrows, ui_role role, const char *utf8)
{
    return wrap(y, x, w, maxrows, role, utf8, 1);
}

int ui_wrap_rows(int w, int maxrows, const char *utf8)
{
    return wrap(0, 0, w, maxrows, ROLE_TEXT, utf8, 0);
}

void ui_title_bar(app *a, const char *step_title)
{
    char left[256], right[256] = "";
    attrset(ui_attr(ROLE_TITLE));
    mvhline(0, 0, ' ', COLS);
    snprintf(left, sizeof left, " hubdesk \xE2\x80\xBA %s", step_title);
    if (a->f.profile >= 0)
        snprintf(right, sizeof right, "%s%s%s ", a->f.profiles[a->f.profile].label,
                 a->subtitle ? " \xC2\xB7 " : "", a->subtitle ? a->subtitle : "");
    int rw = ui_width(right);
    ui_put(0, 0, COLS - rw - 1, ROLE_TITLE, left);
    if (rw < COLS / 2)
        ui_put(0, COLS - rw, rw, ROLE_TITLE, right);
}

void ui_hint_bar(const char *hints)
{
    char fitted[512];
    attrset(ui_attr(ROLE_BAR));
    mvhline(LINES - 1, 0, ' ', COLS);
    /* Whole entries or none: a cut "Esc vol" helps nobody; the help lists every key. */
    text_hint_fit(hints, COLS - 2, fitted, sizeof fitted);
    ui_put(LINES - 1, 1, COLS - 2, ROLE_BAR, fitted);
}

void ui_qr_invert(int inverted)
{
    if (using_colour)
        return; /* explicit colours scan on every theme: nothing to flip */
    role_attr[ROLE_QR] = inverted ? A_NORMAL : A_REVERSE;
    role_attr[ROLE_QR_INK] = inverted ? A_REVERSE : A_NORMAL;
}

/*
 * On terminals with back-colour-erase, ncurses clears runs of coloured spaces with erase
 * sequences (ECH, EL), and a multiplexer that keeps erased cells uncoloured (tmux's capture)
 * loses the quiet zone. There, blank QR cells are drawn as '#' in the cell's own colour
 * (light on light, dark on dark), which nothing erases. Elsewhere spaces are written as they
 * are, and without colours reverse-video spaces are never erased.
 */
static void qr_cell(char c, int ascii)
{
    static int bce = -1;
    /* Glyph styles: a blank is a dark cell (the glyph is the light modules). ASCII: '#'. */
    int dark = ascii ? c == '#' : 1;
    if (bce < 0)
        bce = tigetflag("bce") > 0;
    if (using_colour && bce)
        addch('#' | ui_attr(dark ? ROLE_QR_SOLID : ROLE_QR_PAPER));
    else
        addch(' ' | ui_attr(dark ? ROLE_QR_INK : ROLE_QR));
}

static void qr_row(const char *line, int cols, int ascii)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    for (int col = 0; col < cols && *line; col++) {
        if (ascii || *line == ' ') {
            qr_cell(*line++, ascii);
            continue;
        }
        line += next_wchar(line, &st, &wc);
        attrset(ui_attr(ROLE_QR_INK)); /* light ink (the light modules) on dark */
        addnwstr(&wc, 1);
    }
}

void ui_qr(int y, int x, const qr_render *r)
{
    for (int row = 0; row < r->rows; row++) {
        move(y + row, x);
        qr_row(r->lines[row], r->cols, r->style == QR_STYLE_ASCII);
    }
    attrset(A_NORMAL);
}

/* The help's rows for one key: its description wrapped in the room left after the label. */
static int help_rows(tui_action act, int textw)
{
    return ui_wrap_rows(textw, 4, keys_help(act));
}

static void help_frame(int y, int x, int h, int w)
{
    attrset(ui_attr(ROLE_TEXT));
    for (int r = 0; r < h; r++)
        mvhline(y + r, x, ' ', w);
    attrset(A_NORMAL);
    mvaddch(y, x, ACS_ULCORNER);
    mvhline(y, x + 1, ACS_HLINE, w - 2);
    mvaddch(y, x + w - 1, ACS_URCORNER);
    mvaddch(y + h - 1, x, ACS_LLCORNER);
    mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
    mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
    mvvline(y + 1, x, ACS_VLINE, h - 2);
    mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
}

/* The keys the help lists, in order; n of them. */
static int help_keys(int with_vault, tui_action out[ACT_COUNT])
{
    int n = 0;
    for (int act = ACT_NONE + 1; act < ACT_COUNT; act++)
        if (with_vault || !keys_vault_only((tui_action)act))
            out[n++] = (tui_action)act;
    return n;
}

int ui_help_overlay(int with_vault, int *top)
{
    tui_action keys[ACT_COUNT];
    int n = help_keys(with_vault, keys), w = COLS - 2 < 90 ? COLS - 2 : 90, textw = w - 13;
    int total = 0;
    if (textw < 10)
        return 0;
    for (int i = 0; i < n; i++)
        total += help_rows(keys[i], textw);
    int h = total + 3 < LINES - 2 ? total + 3 : LINES - 2, body = h - 3;
    if (body < 1)
        return 0;
    /* Scrolled by whole keys; the last page ends on the last key, never on blank rows. */
    int last_top = n, tail = 0;
    while (last_top > 0 && tail + help_rows(keys[last_top - 1], textw) <= body)
        tail += help_rows(keys[--last_top], textw);
    *top = *top > last_top ? last_top : *top < 0 ? 0 : *top;
    int y = (LINES - h) / 2, x = (COLS - w) / 2, row = y + 1, i = *top;
    help_frame(y, x, h, w);
    ui_put(y, x + 2, w - 4, ROLE_TITLE, _(" Keys "));
    for (; i < n && row + help_rows(keys[i], textw) <= y + 1 + body; i++) {
        ui_put(row, x + 2, 8, ROLE_OK, keys_label(keys[i]));
        row += ui_wrap(row, x + 11, textw, 4, ROLE_TEXT, keys_help(keys[i]));
    }
    int scrolls = total > body;
    ui_put(y + h - 2, x + 2, w - 4, ROLE_DIM,
           scrolls ? _("Up/Down scroll. Secrets are never shown in full. Other keys close.")
                   : _("Secrets are never shown in full. Press any key to close."));
    if (*top > 0)
        ui_put(y, x + w - 12, 10, ROLE_DIM, _(" ▲ more "));
    if (i < n)
        ui_put(y + h - 1, x + w - 12, 10, ROLE_DIM, _(" ▼ more "));
    return scrolls;
}

/* scr_pair.c: the pairing step: the QR fitted to the terminal, countdown, attempt, status. */
#include "i18n.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INFO_MIN_WIDTH 30
#define STACKED_INFO_ROWS 4

/* The render is cached: it changes only with the QR string, the style or the size. */
static struct pair_view {
    char *qr;
    qr_matrix *m;
    qr_render *r;
    qr_style want;
    int cols, rows;
    int stacked;          /* info below the QR instead of beside it */
    int need_cols, need_rows;
} view;

static void view_clear(void)
{
    qr_render_free(view.r);
    qr_matrix_free(view.m);
    free(view.qr);
    memset(&view, 0, sizeof view);
}

static void pair_leave(app *a)
{
    view_clear();
}

/* Finds the largest render that fits beside the info panel, else above it. */
static qr_render *fit(app *a, const qr_matrix *m, int avail_rows, int *stacked, int *nc, int *nr)
{
    struct { int cols, rows, stacked; } areas[] = {
        {COLS - INFO_MIN_WIDTH - 3, avail_rows, 0},
        {COLS - 2, avail_rows - STACKED_INFO_ROWS, 1},
    };
    for (size_t i = 0; i < 2; i++) {
        qr_style style = a->style;
        int quiet = 2, c, r;
        if (style == QR_STYLE_AUTO) {
            if (!qr_autofit(m, areas[i].cols, areas[i].rows, a->utf8, a->allow_sextant, &style,
                            &quiet, nc, nr))
                continue;
        } else {
            for (quiet = 4; quiet > 2; quiet--) {
                qr_render_size(m, style, quiet, &c, &r);
                if (c <= areas[i].cols && r <= areas[i].rows)
                    break;
            }
            qr_render_size(m, style, quiet, &c, &r);
            if (c > areas[i].cols || r > areas[i].rows) {
                *nc = c + 2;
                *nr = r + 2 + STACKED_INFO_ROWS;
                continue;
            }
        }
        *stacked = areas[i].stacked;
        return qr_render_make(m, style, quiet);
    }
    return NULL;
}

static void view_update(app *a)
{
    const char *qr = a->f.qr;
    if (!qr)
        return;
    if (view.qr && strcmp(view.qr, qr) == 0 && view.want == a->style && view.cols == COLS &&
        view.rows == LINES)
        return;
    if (!view.qr || strcmp(view.qr, qr) != 0) {
        view_clear();
        view.qr = strdup(qr);
        view.m = qr_matrix_encode(qr);
    }
    qr_render_free(view.r);
    view.want = a->style;
    view.cols = COLS;
    view.rows = LINES;
    view.r = view.m ? fit(a, view.m, LINES - 2, &view.stacked, &view.need_cols, &view.need_rows)
                    : NULL;
}

/* Smallest terminal that shows this QR with the info beside it. */
static void min_terminal(app *a, const qr_matrix *m, int *cols, int *rows)
{
    qr_style s = a->style != QR_STYLE_AUTO ? a->style
                 : !a->utf8                ? QR_STYLE_ASCII
                 : a->allow_sextant        ? QR_STYLE_SEXTANT
                                           : QR_STYLE_HALF;
    int c, r;
    qr_render_size(m, s, 2, &c, &r);
    *cols = c + INFO_MIN_WIDTH + 3;
    *rows = r + 2;
}

static void draw_too_small(app *a)
{
    char msg[512];
    int c = 0, r = 0;
    if (view.m)
        min_terminal(a, view.m, &c, &r);
    snprintf(msg, sizeof msg,
             _("The terminal is %dx%d; this QR needs at least %dx%d. Enlarge the window or use a "
               "smaller font; the QR comes back by itself."),
             COLS, LINES, c, r);
    int y = 2 + ui_wrap(2, 2, COLS - 4, 4, ROLE_WARN, msg);
    if (a->style != QR_STYLE_AUTO)
        y += ui_wrap(y + 1, 2, COLS - 4, 3, ROLE_TEXT,
                     _("A QR style was forced with 's'; press s until 'auto' to let hubdesk fit it."));
    else if (!a->allow_sextant && a->utf8)
        y += ui_wrap(y + 1, 2, COLS - 4, 3, ROLE_TEXT,
                     _("Compact sextant QRs are off because this terminal draws them with gaps; "
                       "press s to try them anyway."));
    ui_wrap(y + 2, 2, COLS - 4, 3, ROLE_DIM, a->f.status);
}

static const char *style_label(qr_style s)
{
    switch (s) {
    case QR_STYLE_HALF: return _("half-block");
    case QR_STYLE_SEXTANT: return _("sextant (compact)");
    case QR_STYLE_LARGE: return _("large");
    case QR_STYLE_ASCII: return _("ASCII");
    default: return _("auto");
    }
}

static void draw_info(app *a, int y, int x, int w, int h)
{
    char line[256];
    int bottom = y + h;
    y += ui_wrap(y, x, w, 2, ROLE_TITLE, _("Scan this with WhatsApp on the customer's phone"));
    y += ui_wrap(y, x, w, 3, ROLE_TEXT, _("Settings > Linked devices > Link a device"));
    if (y < bottom)
        y++;
    long secs = (flow_qr_remaining_ms(&a->f) + 999) / 1000;
    if (secs > 0)
        snprintf(line, sizeof line, _("QR %d of %d \xC2\xB7 new code in %ld s"), a->f.qr_attempt,
                 a->f.qr_attempts_max, secs);
    else
        snprintf(line, sizeof line, _("QR %d of %d"), a->f.qr_attempt, a->f.qr_attempts_max);
    if (y < bottom)
        ui_put(y++, x, w, ROLE_OK, line);
    snprintf(line, sizeof line, _("Channel: %s"), a->f.name);
    if (y < bottom)
        ui_put(y++, x, w, ROLE_TEXT, line);
    if (view.r && y < bottom) {
        snprintf(line, sizeof line, _("Style: %s (s to switch)"),
                 a->style == QR_STYLE_AUTO ? style_label(view.r->style) : style_label(a->style));
        ui_put(y++, x, w, ROLE_DIM, line);
    }
    if (!a->colour && y < bottom)
        y += ui_wrap(y, x, w, bottom - y, ROLE_WARN,
                     _("No colours: if the code does not scan, press i to invert it."));
    if (view.r && view.r->style == QR_STYLE_SEXTANT && y < bottom)
        y += ui_wrap(y, x, w, bottom - y, ROLE_DIM,
                     _("Compact QR: if it shows gaps, enlarge the window or press s."));
    if (a->f.wait_until_ms && y + 1 < bottom)
        y += 1 + ui_wrap(y + 1, x, w, bottom - y - 1, ROLE_WARN, a->f.status);
    if (a->demo_hint && y + 1 < bottom)
        ui_wrap(y + 1, x, w, bottom - y - 1, ROLE_DIM, a->demo_hint);
}

static void draw_waiting(app *a, const char *headline)
{
    static const char spin[] = "|/-\\";
    char line[512];
    snprintf(line, sizeof line, "%c %s", spin[(loop_now_ms() / 250) % 4], headline);
    ui_put(3, 2, COLS - 4, ROLE_OK, line);
    ui_wrap(5, 2, COLS - 4, LINES - 8, a->f.wait_until_ms ? ROLE_WARN : ROLE_TEXT, a->f.status);
}

static void pair_draw(app *a)
{
    ui_title_bar(a, flow_step_title(FLOW_STEP_PAIR));
    ui_hint_bar(_("s QR style  r new session  Esc back  ? help  q quit"));
    if (a->f.pair == FLOW_PAIR_SCANNED) {
        draw_waiting(a, _("Scanned! The hub is finishing the link..."));
        return;
    }
    if (!a->f.qr) {
        draw_waiting(a, _("Starting the pairing session..."));
        return;
    }
    view_update(a);
    if (!view.r) {
        draw_too_small(a);
        return;
    }
    int avail = LINES - 2;
    if (!view.stacked) {
        int y = 1 + (avail - view.r->rows) / 2;
        ui_qr(y, 1, view.r);
        int x = view.r->cols + 3;
        draw_info(a, 2, x, COLS - x - 1, avail - 2);
    } else {
        int x = (COLS - view.r->cols) / 2;
        ui_qr(1, x, view.r);
        draw_info(a, 1 + view.r->rows, 2, COLS - 4, avail - view.r->rows);
    }
}

static int pair_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (act == ACT_STYLE) {
        static const qr_style order[] = {QR_STYLE_AUTO, QR_STYLE_HALF, QR_STYLE_SEXTANT,
                                         QR_STYLE_LARGE, QR_STYLE_ASCII};
        size_t i = 0;
        while (i < 5 && order[i] != a->style)
            i++;
        a->style = order[(i + 1) % 5];
        if (a->style == QR_STYLE_SEXTANT)
            a->allow_sextant = 1; /* asked for explicitly */
        return SCREEN_HANDLED;
    }
    if (act == ACT_INVERT) {
        a->qr_inverted = !a->qr_inverted;
        ui_qr_invert(a->qr_inverted);
        return SCREEN_HANDLED;
    }
    if (act == ACT_RETRY) {
        app_retry_pairing(a);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

static int pair_tick(app *a)
{
    return a->f.pair == FLOW_PAIR_QR || a->f.wait_until_ms || !a->f.qr ||
           a->f.pair == FLOW_PAIR_SCANNED;
}

const screen_ops screen_pair = {
    .name = "pair",
    .leave = pair_leave,
    .draw = pair_draw,
    .key = pair_key,
    .tick = pair_tick,
};

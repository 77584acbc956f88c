/* scr_pair.c: the pairing step: the QR fitted to the terminal, countdown, attempt, status. */
#include "bigtext.h"
#include "i18n.h"
#include "phone.h"
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

/* What the QR encodes: the pairing string, or in browser mode the link to open. */
static const char *qr_text(const app *a)
{
    return a->f.link_url[0] ? a->f.link_url : a->f.qr;
}

static void view_update(app *a)
{
    const char *qr = qr_text(a);
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

/* Smallest terminal that shows this QR with the info beside it, in style s. */
static void min_terminal_for(const qr_matrix *m, qr_style s, int *cols, int *rows)
{
    int c, r;
    qr_render_size(m, s, 2, &c, &r);
    *cols = c + INFO_MIN_WIDTH + 3;
    *rows = r + 2;
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

/*
 * What to do when no QR that scans fits: the locale when it is what makes the QR large (ASCII
 * needs four times the cells of half-blocks), the zoom-out key, and the ways this hub pairs
 * without a QR. Rows used.
 */
static int draw_other_ways(app *a, int y)
{
    char line[600];
    int y0 = y, c, r;
    const provider_ops *ops = a->f.profiles[a->f.profile].ops;
    if (!a->utf8 && a->style == QR_STYLE_AUTO && view.m) {
        min_terminal_for(view.m, QR_STYLE_HALF, &c, &r);
        snprintf(line, sizeof line,
                 _("The locale (%s) is not UTF-8, so the QR is drawn with ASCII characters, four "
                   "times larger. Start hubdesk with LANG=C.UTF-8: the QR then needs %dx%d."),
                 i18n_locale_name(), c, r);
        y += ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT, line);
    }
    y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT,
                 _("To zoom out: Ctrl+minus in most terminals (xterm: Ctrl+right click > Font)."));
    if (a->f.mode == PAIR_MODE_QR && provider_has_mode(ops, PAIR_MODE_CODE))
        y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT,
                     _("Or press Esc and choose Pairing code: the customer types a code on the "
                       "phone, no QR needed."));
    else if (a->f.mode == PAIR_MODE_QR && provider_has_mode(ops, PAIR_MODE_BROWSER))
        y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT,
                     _("Or press Esc and choose Browser link: the customer opens a link, no QR "
                       "to scan here."));
    return y - y0;
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
    y += 1 + draw_other_ways(a, y + 1);
    ui_wrap(y + 1, 2, COLS - 4, 3, ROLE_DIM, a->f.status);
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

/* "Customer's language: Español (L)": the phone steps are in it, and L changes it. */
static const char *customer_lang_line(const app *a, char *out, size_t n)
{
    const char *name = i18n_language_endonym(a->customer_lang[0] ? a->customer_lang
                                                                  : i18n_agent_language());
    snprintf(out, n, _("Customer's language: %s (L to change)"), name ? name : "English");
    return out;
}

/* Browser mode: the link in full (it is what the QR holds) and the session's time left. */
static int draw_link_info(app *a, int y, int x, int w, int bottom)
{
    char line[1200];
    long secs = (flow_qr_remaining_ms(&a->f) + 999) / 1000;
    y += ui_wrap(y, x, w, 3, ROLE_TITLE,
                 app_customer_text(a, N_("Customer: open this link, or scan the QR with the "
                                         "phone's camera")));
    y += ui_wrap(y, x, w, 3, ROLE_TEXT,
                 app_customer_text(a, N_("It opens the hub's portal and Meta's Embedded Signup.")));
    if (y < bottom)
        y++;
    y += ui_wrap(y, x, w, bottom - y > 6 ? 6 : bottom - y, ROLE_OK, a->f.link_url);
    if (secs > 0 && y < bottom) {
        snprintf(line, sizeof line, _("Session expires in %ld:%02ld"), secs / 60, secs % 60);
        ui_put(y++, x, w, ROLE_TEXT, line);
    }
    if (y < bottom) {
        snprintf(line, sizeof line, _("Pipeline: %s · coexistence: %s"),
                 a->f.pipeline_id[0] ? a->f.pipeline_id : _("default"),
                 a->f.coexistence ? _("on") : _("off"));
        y += ui_wrap(y, x, w, 2, ROLE_DIM, line);
    }
    return y;
}

/* Demo: how to play the customer's part against the sandbox, for the mode on screen. */
static const char *demo_hint(app *a)
{
    if (!a->demo_url)
        return a->demo_hint;
    const char *path = a->f.link_url[0] ? "/_sandbox/signup/latest/complete"
                       : a->f.profiles[a->f.profile].ops->caps & PROVIDER_CAP_CHANNEL_TOKEN
                           ? "/_sandbox/whapi/channels/latest/scan"
                           : "/_sandbox/sessions/latest/scan";
    snprintf(a->demo_line, sizeof a->demo_line, _("Demo, no phone needed: curl -X POST %s%s"),
             a->demo_url, path);
    return a->demo_line;
}

static void draw_info(app *a, int y, int x, int w, int h)
{
    char line[256];
    int bottom = y + h;
    if (a->f.link_url[0]) {
        y = draw_link_info(a, y, x, w, bottom);
        goto tail;
    }
    y += ui_wrap(y, x, w, 2, ROLE_TITLE, _("Scan this with WhatsApp on the customer's phone"));
    y += ui_wrap(y, x, w, 3, ROLE_TEXT,
                 app_customer_text(a, N_("Settings > Linked devices > Link a device")));
    if (y < bottom)
        y++;
    long secs = (flow_qr_remaining_ms(&a->f) + 999) / 1000;
    if (secs > 0 && a->f.qr_attempts_max > 0 && a->f.qr_attempt >= a->f.qr_attempts_max)
        snprintf(line, sizeof line, _("QR %d of %d, likely the last \xC2\xB7 expires in %ld s"),
                 a->f.qr_attempt, a->f.qr_attempts_max, secs); /* hubs give about six */
    else if (secs > 0)
        snprintf(line, sizeof line, _("QR %d of %d \xC2\xB7 new code in %ld s"), a->f.qr_attempt,
                 a->f.qr_attempts_max, secs);
    else
        snprintf(line, sizeof line, _("QR %d of %d"), a->f.qr_attempt, a->f.qr_attempts_max);
    if (y < bottom)
        ui_put(y++, x, w, ROLE_OK, line);
    const char *cname = json_string_value(json_object_get(a->f.channel, "name"));
    snprintf(line, sizeof line, _("Channel: %s"), cname && *cname ? cname : a->f.name);
    if (y < bottom)
        ui_put(y++, x, w, ROLE_TEXT, line);
    if (a->f.notice[0] && y < bottom) /* where the new channel's token went */
        y += ui_wrap(y, x, w, bottom - y > 3 ? 3 : bottom - y, ROLE_DIM, a->f.notice);
tail:
    if (view.r && y < bottom) {
        snprintf(line, sizeof line, _("Style: %s (s to switch)"),
                 a->style == QR_STYLE_AUTO ? style_label(view.r->style) : style_label(a->style));
        y += ui_wrap(y, x, w, bottom - y > 2 ? 2 : 1, ROLE_DIM, line); /* beside a wide QR */
    }
    if (y < bottom)
        y += ui_wrap(y, x, w, bottom - y > 2 ? 2 : bottom - y, ROLE_DIM,
                     customer_lang_line(a, line, sizeof line));
    if (!a->colour && y < bottom)
        y += ui_wrap(y, x, w, bottom - y, ROLE_WARN,
                     _("No colours: if the code does not scan, press i to invert it."));
    if (view.r && view.r->style == QR_STYLE_SEXTANT && y < bottom)
        y += ui_wrap(y, x, w, bottom - y, ROLE_DIM,
                     _("Compact QR: if it shows gaps, enlarge the window or press s."));
    if (a->f.wait_until_ms && y + 1 < bottom)
        y += 1 + ui_wrap(y + 1, x, w, bottom - y - 1, ROLE_WARN, a->f.status);
    const char *hint = demo_hint(a);
    if (hint && y + 1 < bottom)
        ui_wrap(y + 1, x, w, bottom - y - 1, ROLE_DIM, hint);
}

static void draw_waiting(app *a, const char *headline)
{
    static const char spin[] = "|/-\\";
    char line[512];
    snprintf(line, sizeof line, "%c %s", spin[(loop_now_ms() / 250) % 4], headline);
    ui_put(3, 2, COLS - 4, ROLE_OK, line);
    ui_wrap(5, 2, COLS - 4, LINES - 8, a->f.wait_until_ms ? ROLE_WARN : ROLE_TEXT, a->f.status);
}

/* Code mode: the code in block letters, the steps on the phone, the time left. */
static void draw_code(app *a)
{
    char line[300];
    int y = 2;
    y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TITLE, _("Pairing code for the customer's phone"));
    y++;
    int w = bigtext_width(a->f.pair_code);
    if (w <= COLS - 4 && y + BIGTEXT_ROWS < LINES - 6) {
        bigtext_draw(y, (COLS - w) / 2, a->f.pair_code, a->utf8);
        y += BIGTEXT_ROWS + 1;
    }
    snprintf(line, sizeof line, _("Code: %s"), a->f.pair_code);
    ui_put(y++, (COLS - ui_width(line)) / 2 > 2 ? (COLS - ui_width(line)) / 2 : 2, COLS - 4,
           ROLE_OK, line);
    y++;
    y += ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT,
                 app_customer_text(a, N_("On the phone: WhatsApp > Settings > Linked devices > "
                                         "Link a device > Link with phone number instead, then "
                                         "type the code.")));
    phone_number pn; /* the digits the hub got, grouped as people read them */
    char shown[48];
    snprintf(line, sizeof line, _("Phone: %s"),
             phone_parse(a->f.pair_phone, NULL, &pn, NULL, 0) == HD_OK
                 ? phone_display(&pn, shown, sizeof shown)
                 : a->f.pair_phone);
    if (y < LINES - 2)
        ui_put(y++, 2, COLS - 4, ROLE_DIM, line);
    if (y < LINES - 2)
        y += ui_wrap(y, 2, COLS - 4, 2, ROLE_DIM, customer_lang_line(a, line, sizeof line));
    if (a->f.wait_until_ms && y < LINES - 2)
        y += ui_wrap(y, 2, COLS - 4, LINES - 2 - y, ROLE_WARN, a->f.status);
    const char *hint = demo_hint(a);
    if (hint && y + 1 < LINES - 2)
        ui_wrap(y + 1, 2, COLS - 4, LINES - 3 - y, ROLE_DIM, hint);
}

static void pair_draw(app *a)
{
    ui_title_bar(a, flow_step_title(FLOW_STEP_PAIR));
    ui_hint_bar(a->f.pair_code[0] ? _("r new code  Esc back  ? help  q quit")
                                  : _("s QR style  r new session  Esc back  ? help  q quit"));
    if (a->f.pair == FLOW_PAIR_SCANNED) {
        draw_waiting(a, _("Scanned! The hub is finishing the link..."));
        return;
    }
    if (a->f.pair_code[0]) {
        draw_code(a);
        return;
    }
    if (!qr_text(a)) {
        draw_waiting(a, a->f.call == FLOW_CALL_BUSY ? a->f.call_message
                        : a->f.progress[0]          ? a->f.progress
                                                    : _("Starting the pairing session..."));
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
    if (act == ACT_CUSTOMER_LANG) { /* es -> pt_BR -> en -> es, from the one on screen */
        static const char *const order[] = {"es", "pt_BR", "en"};
        const char *now = a->customer_lang[0] ? a->customer_lang : i18n_agent_language();
        size_t i = 0;
        while (i < 3 && strcmp(order[i], now) != 0)
            i++;
        snprintf(a->customer_lang, sizeof a->customer_lang, "%s", order[(i + 1) % 3]);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

static int pair_tick(app *a)
{
    return a->f.pair == FLOW_PAIR_QR || a->f.wait_until_ms || !qr_text(a) ||
           a->f.pair == FLOW_PAIR_SCANNED;
}

const screen_ops screen_pair = {
    .name = "pair",
    .leave = pair_leave,
    .draw = pair_draw,
    .key = pair_key,
    .tick = pair_tick,
};

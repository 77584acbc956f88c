/* scr_webhook.c: the webhook step: an https URL and the events to send, checked before the
 * hub sees them; a signing secret the hub returns (Keebai) goes straight into the vault, and
 * a hub that verifies the endpoint (Chatt2.me) has its rule explained. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#define URL_MAX_CHARS 255

static char why[300];

static const provider_ops *ops_of(const app *a)
{
    return a->f.profiles[a->f.profile].ops;
}

static int event_count(const app *a)
{
    int n = 0;
    while (ops_of(a)->webhook_events[n])
        n++;
    return n;
}

static void webhook_enter(app *a)
{
    why[0] = '\0';
    a->form_focus = 0;
    a->event_cursor = 0;
    curs_set(1);
}

static void webhook_leave(app *a)
{
    (void)a;
    curs_set(0);
}

/* What a hub does when a webhook is registered: hands out a signing secret once, or calls the
   endpoint first, which must answer 2xx. */
static int hands_out_secret(const provider_ops *ops)
{
    return !!(ops->caps & PROVIDER_CAP_WEBHOOK_SECRET);
}

static int verifies_endpoint(const provider_ops *ops)
{
    return !!(ops->caps & PROVIDER_CAP_WEBHOOK_VERIFY);
}

static const char *intro(const app *a)
{
    const provider_ops *ops = ops_of(a);
    if (ops->caps & PROVIDER_CAP_CHANNEL_TOKEN)
        return _("The channel will POST its events to this https URL (the whole event in the "
                 "body; failed deliveries are kept and retried).");
    if (hands_out_secret(ops))
        return _("The hub will POST the chosen events to this https URL. It shows the signing "
                 "secret once: hubdesk puts it straight into the vault.");
    if (verifies_endpoint(ops))
        return _("The hub will POST the chosen events to this https URL (one webhook per "
                 "event; no signing secret). It calls the URL first: the endpoint must answer "
                 "with a 2xx status, quickly, or the hub refuses the webhook.");
    return _("The hub will POST the chosen events to this https URL.");
}

/* The rule behind a refusal whose hub code names one; the same words as line mode. */
static const char *failure_hint(const app *a)
{
    if (a->f.call != FLOW_CALL_FAILED)
        return NULL;
    return provider_error_advice(HUB_OP_WEBHOOK_SET, a->f.call_message);
}

static int draw_events(app *a, int y)
{
    int n = event_count(a), namew = 0;
    const char *const *events = ops_of(a)->webhook_events;
    for (int i = 0; i < n; i++) /* the meanings line up after the longest name */
        namew = (int)strlen(events[i]) > namew ? (int)strlen(events[i]) : namew;
    ui_put(y++, 2, COLS - 4, a->form_focus ? ROLE_TITLE : ROLE_TEXT, _("Events (Space toggles):"));
    for (int i = 0; i < n && y < LINES - 6; i++, y++) {
        char line[300];
        const char *meaning = provider_webhook_event_meaning(events[i]);
        snprintf(line, sizeof line, " [%s] %-*s  %s", a->f.webhook_events & (1u << i) ? "x" : " ",
                 namew, events[i], meaning ? meaning : "");
        ui_put(y, 4, COLS - 6, a->form_focus && i == a->event_cursor ? ROLE_SELECTED : ROLE_TEXT,
               line);
    }
    return y;
}

/* A refusal with the rule behind it: both end above the hint bar, the rule below. */
static void draw_refusal(app *a, const char *hint)
{
    int w = COLS - 4, rows = ui_wrap_rows(w, 3, a->f.call_message) + ui_wrap_rows(w, 4, hint);
    int y = LINES - 2 - rows;
    y += ui_wrap(y, 2, w, 3, ROLE_ERROR, a->f.call_message);
    ui_wrap(y, 2, w, 4, ROLE_TEXT, hint);
}

static void draw_outcome(app *a)
{
    const flow *f = &a->f;
    const char *hint = failure_hint(a);
    if (why[0])
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_ERROR, why);
    else if (hint)
        draw_refusal(a, hint);
    else if (f->call == FLOW_CALL_BUSY || f->call == FLOW_CALL_FAILED)
        ui_wrap(LINES - 5, 2, COLS - 4, 3, f->call == FLOW_CALL_BUSY ? ROLE_WARN : ROLE_ERROR,
                f->call_message);
    else if (f->call == FLOW_CALL_DONE && f->notice[0])
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_OK, f->notice);
}

static void webhook_draw(app *a)
{
    char utf8[URL_MAX_CHARS * 4 + 1];
    int y = 2;
    ui_title_bar(a, flow_step_title(FLOW_STEP_WEBHOOK));
    y += ui_wrap(y, 2, COLS - 4, 4, ROLE_TEXT, intro(a)) + 1;
    ui_put(y, 2, 6, a->form_focus ? ROLE_TEXT : ROLE_TITLE, _("URL:"));
    int fx = 8, fw = COLS - fx - 2;
    attrset(ui_attr(a->form_focus ? ROLE_DIM : ROLE_SELECTED));
    mvhline(y, fx, ' ', fw > 0 ? fw : 0);
    if (wcstombs(utf8, a->url_buf, sizeof utf8) == (size_t)-1)
        utf8[0] = '\0';
    /* The end of a long URL is where typing happens: show its tail. */
    size_t len = strlen(utf8);
    const char *shown = (int)len > fw - 1 ? utf8 + len - (size_t)(fw - 1) : utf8;
    int cx = fx + ui_put_clip(y, fx, fw - 1, a->form_focus ? ROLE_DIM : ROLE_SELECTED, shown);
    int cy = y;
    draw_events(a, y + 2);
    draw_outcome(a);
    ui_hint_bar(_("Enter set webhook  Tab URL/events  Space toggle  Esc back  F1 help"));
    if (!a->form_focus)
        move(cy, cx);
    curs_set(a->form_focus ? 0 : 1);
}

static void submit(app *a)
{
    char url[URL_MAX_CHARS * 4 + 1];
    why[0] = '\0';
    if (wcstombs(url, a->url_buf, sizeof url) == (size_t)-1) {
        snprintf(why, sizeof why, "%s", _("the URL is not valid text"));
        return;
    }
    flow_set_webhook(&a->f, url, why, sizeof why);
}

static int url_key(app *a, int is_keycode, wint_t ch);

/* The event list: Up/Down move, Space toggles. Any other printable key is text meant for the
 * URL (typed or pasted after a Tab): focus goes back to the field and the key is inserted,
 * rather than lost or, worse, taken as a command. */
static int events_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    int n = event_count(a);
    if (act == ACT_UP && a->event_cursor > 0)
        a->event_cursor--;
    else if (act == ACT_DOWN && a->event_cursor < n - 1)
        a->event_cursor++;
    else if ((!is_keycode && ch == L' ') || act == ACT_CYCLE)
        flow_toggle_webhook_event(&a->f, a->event_cursor);
    else if (!is_keycode && iswprint(ch)) {
        a->form_focus = 0;
        url_key(a, is_keycode, ch);
    } else
        return act == ACT_BACK || act == ACT_HELP || act == ACT_REDRAW || act == ACT_LOCK
                   ? SCREEN_IGNORED
                   : SCREEN_HANDLED;
    return SCREEN_HANDLED;
}

static int url_key(app *a, int is_keycode, wint_t ch)
{
    if ((is_keycode && ch == KEY_BACKSPACE) || (!is_keycode && (ch == 127 || ch == 8))) {
        if (a->url_len > 0)
            a->url_buf[--a->url_len] = L'\0';
    } else if (!is_keycode && ch == 21) {
        a->url_len = 0;
        a->url_buf[0] = L'\0';
    } else if (!is_keycode && iswprint(ch) && ch != L' ' && ch < 128 &&
               a->url_len < URL_MAX_CHARS) {
        a->url_buf[a->url_len++] = (wchar_t)ch; /* URLs are ASCII; no spaces, no controls */
        a->url_buf[a->url_len] = L'\0';
    } else {
        return SCREEN_IGNORED;
    }
    why[0] = '\0';
    return SCREEN_HANDLED;
}

static int webhook_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (act == ACT_NEXT || (is_keycode && ch == KEY_BTAB)) {
        a->form_focus = !a->form_focus;
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (a->f.call != FLOW_CALL_BUSY)
            submit(a);
        return SCREEN_HANDLED;
    }
    if (a->form_focus) {
        int r = events_key(a, act, is_keycode, ch);
        if (r != SCREEN_IGNORED)
            return r;
    } else if (url_key(a, is_keycode, ch) == SCREEN_HANDLED) {
        return SCREEN_HANDLED;
    }
    return (act == ACT_BACK && !is_keycode) || act == ACT_HELP || act == ACT_REDRAW ||
                   act == ACT_LOCK
               ? SCREEN_IGNORED
               : SCREEN_HANDLED;
}

static int webhook_tick(app *a)
{
    return a->f.call == FLOW_CALL_BUSY;
}

const screen_ops screen_webhook = {
    .name = "webhook",
    .enter = webhook_enter,
    .leave = webhook_leave,
    .draw = webhook_draw,
    .key = webhook_key,
    .tick = webhook_tick,
    .takes_text = 1,
};

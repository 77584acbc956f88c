/* scr_name.c: the details step: channel name, and what the chosen mode needs (Keebai's
 * pipeline and coexistence for the browser signup, the customer's phone for a code). */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#define NAME_MAX_CHARS 60
#define PHONE_CHARS 32 /* "+54 9 11 15 2345-6789" and room to spare; phone_buf holds 40 */

enum form_field { F_NAME, F_PIPELINE, F_COEX, F_PHONE, F_COUNT };

/* The fields this mode asks for, in order; returns how many. */
static int form_fields(const app *a, enum form_field out[F_COUNT])
{
    int n = 0;
    if (a->f.mode != PAIR_MODE_BROWSER && !a->f.channel)
        out[n++] = F_NAME;
    if (a->f.mode == PAIR_MODE_BROWSER) {
        out[n++] = F_PIPELINE;
        out[n++] = F_COEX;
    }
    if (a->f.mode == PAIR_MODE_CODE)
        out[n++] = F_PHONE;
    return n;
}

static enum form_field focused(const app *a)
{
    enum form_field fl[F_COUNT];
    int n = form_fields(a, fl);
    return n ? fl[a->form_focus % n] : F_NAME;
}

/*
 * Hubs that create the channel and then connect it by a form, with no pairing mode here
 * (HubMessage): Enter creates the channel, then the connect form asks for the signup code.
 * The flow's rule too: flow_submit_pairing hands such a name to flow_setup_create.
 */
static int creates_then_connects(const app *a)
{
    const provider_ops *ops = a->f.profiles[a->f.profile].ops;
    return (ops->caps & PROVIDER_CAP_CHANNEL_CREATE) && !provider_has_mode(ops, PAIR_MODE_QR) &&
           !provider_has_mode(ops, PAIR_MODE_BROWSER) && !provider_has_mode(ops, PAIR_MODE_CODE);
}

/* A field still holding a default (the flow's, for an empty name) gets this hub's. */
static void offer_default_name(app *a)
{
    char now[256];
    size_t n = wcstombs(now, a->name_buf, sizeof now);
    if (a->name_len && (n == (size_t)-1 || n >= sizeof now || !flow_is_default_channel_name(now)))
        return;
    n = mbstowcs(a->name_buf, flow_default_channel_name(&a->f),
                 sizeof a->name_buf / sizeof *a->name_buf - 1);
    a->name_len = n == (size_t)-1 ? 0 : (int)n;
    a->name_buf[a->name_len] = L'\0';
}

static void name_enter(app *a)
{
    offer_default_name(a);
    a->name_error[0] = '\0';
    /* The phone is what a code needs; the name has a default. */
    enum form_field fl[F_COUNT];
    int n = form_fields(a, fl);
    a->form_focus = n && fl[n - 1] == F_PHONE ? n - 1 : 0;
    curs_set(1);
}

static void name_leave(app *a)
{
    (void)a;
    curs_set(0);
}

/* One labelled text field; returns the cursor column when it has the focus. */
static int draw_field(int y, const char *label, const wchar_t *buf, int maxc, int focus)
{
    char utf8[256 * 4 + 1];
    int fx = 16, fw = COLS - fx - 2 > maxc + 1 ? maxc + 1 : COLS - fx - 2;
    ui_put(y, 2, fx - 3, focus ? ROLE_TITLE : ROLE_TEXT, label);
    attrset(ui_attr(focus ? ROLE_SELECTED : ROLE_DIM));
    mvhline(y, fx, ' ', fw > 0 ? fw : 0);
    if (wcstombs(utf8, buf, sizeof utf8) == (size_t)-1)
        utf8[0] = '\0';
    return fx + ui_put_clip(y, fx, fw - 1, focus ? ROLE_SELECTED : ROLE_DIM, utf8);
}

static const char *intro(const app *a)
{
    if (a->f.mode == PAIR_MODE_BROWSER)
        return _("Meta's Embedded Signup: the customer opens a link and signs in with Facebook. "
                 "Optionally attach the new channel to a pipeline.");
    if (a->f.mode == PAIR_MODE_CODE)
        return _("The customer types a code on the phone instead of scanning. Enter the "
                 "customer's WhatsApp number as they say it: +55 11 98765-4321, or (11) "
                 "98765-4321 when the profile has a country.");
    if (creates_then_connects(a))
        return _("Name the new WhatsApp channel; the customer's team sees this label in the "
                 "hub. Enter creates the channel, then the connect form asks for what the "
                 "customer's signup returned (WABA id, phone number id, code).");
    return _("Name the WhatsApp channel. The customer's team sees this label in the hub.");
}

/* What Enter does here, in the hint bar's words. */
static const char *hints(const app *a, int nfields)
{
    if (a->f.mode == PAIR_MODE_BROWSER)
        return _("Enter start  Tab next field  Space toggle  Esc back  Ctrl-U clear  F1 help");
    if (nfields > 1)
        return _("Enter start  Tab next field  Esc back  Ctrl-U clear  F1 help");
    if (creates_then_connects(a))
        return _("Enter create channel, then connect form  Esc back  Ctrl-U clear  F1 help");
    return _("Enter start pairing  Esc back  Ctrl-U clear  F1 help");
}

/* What the phone typed so far reads as, and its country's warnings, from row y. */
static void phone_preview(app *a, int y)
{
    char phone[sizeof a->phone_buf / sizeof a->phone_buf[0] * 4];
    if (wcstombs(phone, a->phone_buf, sizeof phone) == (size_t)-1)
        return;
    ui_phone_preview(y, 16, COLS - 18, LINES - 5 - y, phone, flow_country(&a->f), 0);
}

static void name_draw(app *a)
{
    enum form_field fl[F_COUNT];
    int n = form_fields(a, fl), cy = -1, cx = 0, y = 2;
    ui_title_bar(a, a->f.mode == PAIR_MODE_BROWSER ? _("Embedded signup")
                    : a->f.mode == PAIR_MODE_CODE  ? _("Pairing code")
                                                   : _("Channel name"));
    y += ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT, intro(a)) + 1;
    for (int i = 0; i < n; i++, y += 2) {
        int focus = fl[i] == focused(a), x = 0;
        if (fl[i] == F_NAME)
            x = draw_field(y, _("Name:"), a->name_buf, NAME_MAX_CHARS, focus);
        else if (fl[i] == F_PIPELINE)
            x = draw_field(y, _("Pipeline id:"), a->pipeline_buf, 60, focus);
        else if (fl[i] == F_PHONE)
            x = draw_field(y, _("Phone:"), a->phone_buf, PHONE_CHARS, focus);
        else {
            char line[300];
            snprintf(line, sizeof line, "[%s] %s", a->f.coexistence ? "x" : " ",
                     _("Coexistence: the number stays on the WhatsApp Business app too (Meta "
                       "syncs its history)"));
            ui_wrap(y, 2, COLS - 4, 2, focus ? ROLE_SELECTED : ROLE_TEXT, line);
            y++;
        }
        if (focus && fl[i] != F_COEX) {
            cy = y;
            cx = x;
        }
    }
    if (fl[0] == F_PIPELINE && n)
        ui_wrap(y, 2, COLS - 4, 2, ROLE_DIM, _("Leave the pipeline empty to use the default one."));
    if (n && fl[n - 1] == F_PHONE) /* the phone is last: how it reads, right under it */
        phone_preview(a, y - 1);
    if (a->name_error[0] || a->token_error[0] || a->f.call == FLOW_CALL_FAILED)
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_ERROR,
                a->name_error[0] ? a->name_error
                : a->token_error[0] ? a->token_error : a->f.call_message);
    else if (a->f.call == FLOW_CALL_BUSY)
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_WARN, a->f.call_message);
    ui_hint_bar(hints(a, n));
    if (cy >= 0)
        move(cy, cx); /* the cursor shows where typing goes */
}

static void buf_edit(wchar_t *buf, int *len, int maxc, int is_keycode, wint_t ch, int digits)
{
    if ((is_keycode && ch == KEY_BACKSPACE) || (!is_keycode && (ch == 127 || ch == 8))) {
        if (*len > 0)
            buf[--*len] = L'\0';
    } else if (!is_keycode && ch == 21) { /* Ctrl-U */
        *len = 0;
        buf[0] = L'\0';
    } else if (!is_keycode && iswprint(ch) && *len < maxc && (!digits || ch < 128)) {
        buf[(*len)++] = (wchar_t)ch; /* control characters never enter a field */
        buf[*len] = L'\0';
    }
}

static void name_edit(app *a, int is_keycode, wint_t ch)
{
    switch (focused(a)) {
    case F_NAME: buf_edit(a->name_buf, &a->name_len, NAME_MAX_CHARS, is_keycode, ch, 0); break;
    case F_PIPELINE: buf_edit(a->pipeline_buf, &a->pipeline_len, 60, is_keycode, ch, 1); break;
    case F_PHONE: buf_edit(a->phone_buf, &a->phone_len, PHONE_CHARS, is_keycode, ch, 1); break;
    default: break;
    }
    a->name_error[0] = '\0';
}

static int to_utf8(const wchar_t *w, char *out, size_t n)
{
    return wcstombs(out, w, n) == (size_t)-1 ? -1 : 0;
}

static void submit(app *a)
{
    char name[NAME_MAX_CHARS * 4 + 1], pipeline[256], phone[96];
    if (to_utf8(a->name_buf, name, sizeof name) < 0 ||
        to_utf8(a->pipeline_buf, pipeline, sizeof pipeline) < 0 ||
        to_utf8(a->phone_buf, phone, sizeof phone) < 0) {
        snprintf(a->name_error, sizeof a->name_error, "%s", _("the text is not valid here"));
        return;
    }
    a->token_error[0] = '\0';
    flow_submit_pairing(&a->f, a->f.channel ? NULL : name, pipeline, a->f.coexistence,
                        a->f.mode == PAIR_MODE_CODE ? phone : NULL, a->name_error,
                        sizeof a->name_error);
}

/* Printable keys are text here ('q' is a letter); Space toggles the checkbox. */
static int name_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    enum form_field fl[F_COUNT];
    int n = form_fields(a, fl);
    if (act == ACT_NEXT || (is_keycode && ch == KEY_BTAB)) {
        a->form_focus = n ? (a->form_focus + (act == ACT_NEXT ? 1 : n - 1)) % n : 0;
        return SCREEN_HANDLED;
    }
    if (focused(a) == F_COEX && !is_keycode && ch == L' ') {
        a->f.coexistence = !a->f.coexistence;
        return SCREEN_HANDLED;
    }
    if (!is_keycode && iswprint(ch) && ch != 27) {
        name_edit(a, is_keycode, ch);
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (a->f.call != FLOW_CALL_BUSY)
            submit(a);
        return SCREEN_HANDLED;
    }
    if ((act == ACT_BACK && !is_keycode) || act == ACT_HELP || act == ACT_REDRAW ||
        act == ACT_LOCK)
        return SCREEN_IGNORED; /* the app handles these */
    name_edit(a, is_keycode, ch);
    return SCREEN_HANDLED;
}

const screen_ops screen_name = {
    .name = "name",
    .enter = name_enter,
    .leave = name_leave,
    .draw = name_draw,
    .key = name_key,
    .takes_text = 1,
};

/* scr_mode.c: how the customer links the number: the pairing modes this hub offers, each
 * with what it means for the agent and the customer. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>

static const struct mode_info {
    pair_mode mode;
    const char *title, *what;
} modes[] = {
    {PAIR_MODE_QR, N_("QR code"),
     N_("Customer scans a QR code on this screen with WhatsApp (Linked devices).")},
    {PAIR_MODE_BROWSER, N_("Browser link"),
     N_("Customer opens a link (also shown as a QR) and completes Meta's Embedded Signup in the "
        "browser (official WhatsApp Business API).")},
    {PAIR_MODE_CODE, N_("Pairing code"),
     N_("Customer types an 8-character code on the phone instead of scanning (good for a phone "
        "without a camera, or a remote customer).")},
};

#define NMODES ((int)(sizeof modes / sizeof *modes))

/* The modes this hub offers, in the table's order; returns how many. */
static int offered(const app *a, const struct mode_info *out[NMODES])
{
    int n = 0;
    if (a->f.profile < 0)
        return 0;
    for (int i = 0; i < NMODES; i++)
        if (provider_has_mode(a->f.profiles[a->f.profile].ops, modes[i].mode))
            out[n++] = &modes[i];
    return n;
}

static void mode_enter(app *a)
{
    const struct mode_info *m[NMODES];
    int n = offered(a, m);
    a->mode_cursor = 0;
    for (int i = 0; i < n; i++)
        if (m[i]->mode == a->f.mode)
            a->mode_cursor = i; /* the last choice */
}

static void mode_draw(app *a)
{
    const struct mode_info *m[NMODES];
    char line[512], name[256], id[256];
    int n = offered(a, m), y = 2, w = COLS - 4;
    ui_title_bar(a, flow_step_title(FLOW_STEP_MODE));
    ui_hint_bar(_("Enter choose  Up/Down move  Esc back  ? help  q quit"));
    if (a->mode_cursor >= n)
        a->mode_cursor = n - 1;
    if (a->mode_cursor < 0)
        a->mode_cursor = 0;
    y += ui_wrap(y, 2, w, 2, ROLE_TEXT, _("How will the customer link the WhatsApp number?"));
    const json_t *c = a->f.channel;
    if (c) {
        const char *nm = json_string_value(json_object_get(c, "name"));
        const char *cid = json_string_value(json_object_get(c, "id"));
        text_sanitize(nm ? nm : "", name, sizeof name);
        text_sanitize(cid ? cid : "", id, sizeof id);
        snprintf(line, sizeof line, _("Channel: %s (%s)"), *name ? name : id, id);
    } else {
        snprintf(line, sizeof line, "%s", _("A new channel."));
    }
    y += 1 + ui_wrap(y, 2, w, 1, ROLE_DIM, line);
    int bottom = LINES - 2;
    for (int i = 0; i < n && y < bottom; i++) {
        int sel = i == a->mode_cursor;
        if (sel) {
            attrset(ui_attr(ROLE_SELECTED));
            mvhline(y, 2, ' ', w);
        }
        snprintf(line, sizeof line, "%s %s", sel ? (a->utf8 ? "\xE2\x80\xBA" : ">") : " ",
                 _(m[i]->title));
        ui_put(y++, 3, w - 2, sel ? ROLE_SELECTED : ROLE_TEXT, line);
        y += 1 + ui_wrap(y, 5, w - 4, bottom - y > 3 ? 3 : bottom - y, sel ? ROLE_TEXT : ROLE_DIM,
                         _(m[i]->what));
    }
    if (n == 0)
        ui_wrap(y, 2, w, 3, ROLE_ERROR, _("This hub offers no way to link a number."));
}

static int mode_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    const struct mode_info *m[NMODES];
    int n = offered(a, m);
    switch (act) {
    case ACT_UP:
        a->mode_cursor -= a->mode_cursor > 0;
        return SCREEN_HANDLED;
    case ACT_DOWN:
        a->mode_cursor += a->mode_cursor < n - 1;
        return SCREEN_HANDLED;
    case ACT_SELECT:
        if (a->mode_cursor >= 0 && a->mode_cursor < n)
            flow_choose_mode(&a->f, m[a->mode_cursor]->mode);
        return SCREEN_HANDLED;
    case ACT_BACK:
        flow_back(&a->f);
        return SCREEN_HANDLED;
    default:
        return SCREEN_IGNORED;
    }
}

const screen_ops screen_mode = {
    .name = "mode",
    .enter = mode_enter,
    .draw = mode_draw,
    .key = mode_key,
};

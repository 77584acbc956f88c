/* scr_profile.c: first step: choose the hub account to onboard on. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>

/* No profile to offer: why, and how to add one. */
static void draw_empty(app *a, int y)
{
    if (a->profile_error[0]) {
        char line[1024], why[512];
        snprintf(line, sizeof line,
                 _("The profile file could not be read: %s. It was left as it is: fix or move "
                   "it; this list reads it again when it changes."),
                 text_sanitize(a->profile_error, why, sizeof why));
        ui_wrap(y, 2, COLS - 4, 6, ROLE_ERROR, line);
        return;
    }
    y += ui_wrap(y, 2, COLS - 4, 3, ROLE_WARN, _("No hub account is set up yet."));
    if (a->use_vault)
        ui_wrap(y + 1, 2, COLS - 4, 8, ROLE_TEXT,
                _("Add one in a shell: hubdesk profile add NAME --provider keebai --base-url URL "
                  "(it asks for the hub's token and keeps it in the vault). It shows up here by "
                  "itself."));
    else
        ui_wrap(y + 1, 2, COLS - 4, 8, ROLE_TEXT,
                _("Try the console on the bundled sandbox hub with 'hubdesk demo', or point it "
                  "at a hub: HUBDESK_TOKEN=... hubdesk --provider keebai --base-url URL"));
}

static void draw_list(app *a, int y)
{
    for (size_t i = 0; i < a->f.nprofiles && y < LINES - 2; i++, y++) {
        const flow_profile *p = &a->f.profiles[i];
        char line[1024], url[512], label[256], hub[64];
        text_sanitize(p->base_url, url, sizeof url); /* from the profile file */
        snprintf(line, sizeof line, " %s %s %s", ui_pad(label, sizeof label, p->label, 20),
                 ui_pad(hub, sizeof hub, p->ops->label, 11), url);
        ui_role role = (int)i == a->profile_cursor ? ROLE_SELECTED : ROLE_TEXT;
        if (role == ROLE_SELECTED) {
            attrset(ui_attr(role));
            mvhline(y, 2, ' ', COLS - 4);
        }
        ui_put(y, 2, COLS - 4, role, line);
    }
}

/* Choosing a profile checks its token first: say so, and show the hub's answer if it fails. */
static void draw_check(app *a)
{
    char line[700];
    const flow *f = &a->f;
    if (f->call == FLOW_CALL_BUSY) {
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_WARN, f->call_message);
    } else if (f->call == FLOW_CALL_FAILED || a->token_error[0]) {
        snprintf(line, sizeof line, _("%s. Enter tries again; v opens the vault to fix the token."),
                 a->token_error[0] ? a->token_error : f->call_message);
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_ERROR, line);
    }
}

static void profile_draw(app *a)
{
    ui_title_bar(a, flow_step_title(FLOW_STEP_PROFILE));
    int y = 2;
    if (a->f.nprofiles == 0) {
        draw_empty(a, y);
    } else {
        y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT, _("Which hub account is the customer on?"));
        draw_list(a, y + 1);
        draw_check(a);
    }
    if (!a->vault)
        ui_hint_bar(a->f.nprofiles ? _("Enter choose  Up/Down move  ? help  q quit")
                                   : _("? help  q quit"));
    else
        ui_hint_bar(a->f.nprofiles ? _("Enter choose  Up/Down move  v vault  Ctrl-X lock  ? help  q quit")
                                   : _("v vault  Ctrl-X lock  ? help  q quit"));
}

static int profile_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    int n = (int)a->f.nprofiles;
    switch (act) {
    case ACT_UP:
        if (a->profile_cursor > 0)
            a->profile_cursor--;
        return SCREEN_HANDLED;
    case ACT_DOWN:
        if (a->profile_cursor < n - 1)
            a->profile_cursor++;
        return SCREEN_HANDLED;
    case ACT_SELECT:
        a->token_error[0] = '\0';
        if (n > 0)
            flow_choose_profile(&a->f, a->profile_cursor);
        return SCREEN_HANDLED;
    case ACT_VAULT:
        if (!a->vault)
            return SCREEN_IGNORED;
        app_set_mode(a, APP_MODE_VAULT);
        return SCREEN_HANDLED;
    case ACT_BACK:
        return SCREEN_HANDLED; /* first step: nothing to go back to */
    default:
        return SCREEN_IGNORED;
    }
}

/* A profile added from a shell (hubdesk profile add) shows up within a second. */
static int profile_tick(app *a)
{
    return app_profiles_reload_if_changed(a) || a->f.call == FLOW_CALL_BUSY;
}

const screen_ops screen_profile = {
    .name = "profile",
    .draw = profile_draw,
    .key = profile_key,
    .tick = profile_tick,
};

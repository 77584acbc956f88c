/* scr_profile.c: first step: choose the hub account to onboard on. */
#include "i18n.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>

static void profile_draw(app *a)
{
    ui_title_bar(a, flow_step_title(FLOW_STEP_PROFILE));
    int y = 2;
    if (a->f.nprofiles == 0) {
        y += ui_wrap(y, 2, COLS - 4, 3, ROLE_WARN, _("No hub account is set up yet."));
        ui_wrap(y + 1, 2, COLS - 4, 8, ROLE_TEXT,
                _("Try the console on the bundled sandbox hub with 'hubdesk demo', or point it "
                  "at a hub: HUBDESK_TOKEN=... hubdesk --provider keebai --base-url URL"));
        ui_hint_bar(_("? help  q quit"));
        return;
    }
    y += ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT, _("Which hub account is the customer on?"));
    y++;
    for (size_t i = 0; i < a->f.nprofiles && y < LINES - 2; i++, y++) {
        const flow_profile *p = &a->f.profiles[i];
        char line[512];
        snprintf(line, sizeof line, " %-20s %-10s %s", p->label, p->ops->label, p->base_url);
        ui_role role = (int)i == a->profile_cursor ? ROLE_SELECTED : ROLE_TEXT;
        if (role == ROLE_SELECTED) {
            attrset(ui_attr(role));
            mvhline(y, 2, ' ', COLS - 4);
        }
        ui_put(y, 2, COLS - 4, role, line);
    }
    ui_hint_bar(_("Enter choose  Up/Down move  ? help  q quit"));
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
        if (n > 0)
            flow_choose_profile(&a->f, a->profile_cursor);
        return SCREEN_HANDLED;
    case ACT_BACK:
        return SCREEN_HANDLED; /* first step: nothing to go back to */
    default:
        return SCREEN_IGNORED;
    }
}

const screen_ops screen_profile = {
    .name = "profile",
    .draw = profile_draw,
    .key = profile_key,
};

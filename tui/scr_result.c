/* scr_result.c: the outcome: the connected channel, or what went wrong and what to do. */
#include "i18n.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>

static const char *advice_for(hd_status st)
{
    switch (st) {
    case HD_ERR_AUTH:
    case HD_ERR_FORBIDDEN:
        return _("Check the profile's token in the hub's portal, then start again.");
    case HD_ERR_EXPIRED:
        return _("No phone scanned the code in time. Press r for a fresh session when the "
                 "customer is ready.");
    case HD_ERR_NETWORK:
    case HD_ERR_TIMEOUT:
    case HD_ERR_STREAM:
        return _("Check the network (VPN, proxy, Wi-Fi), then press r to try again.");
    case HD_ERR_RATE_LIMITED:
        return _("The hub limits how fast we may ask. Wait a minute, then press r.");
    case HD_ERR_SERVER:
        return _("The hub is having trouble. Press r to try again, or check its status page.");
    default:
        return _("Press r to try again, or Esc to change the channel name.");
    }
}

static void result_draw(app *a)
{
    char line[512];
    const flow *f = &a->f;
    ui_title_bar(a, flow_step_title(FLOW_STEP_RESULT));
    int y = 2;
    if (f->pair == FLOW_PAIR_CONNECTED) {
        ui_put(y, 2, COLS - 4, ROLE_OK, _("\xE2\x9C\x93 Connected: the WhatsApp number is linked."));
        y += 2;
        snprintf(line, sizeof line, _("Channel id:  %s"), f->channel_id);
        ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
        snprintf(line, sizeof line, _("Phone:       %s"), *f->phone ? f->phone : "-");
        ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
        snprintf(line, sizeof line, _("Name:        %s"), f->channel_name);
        ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
        ui_hint_bar(_("Enter pair another  Esc back  ? help  q quit"));
        return;
    }
    const char *head = f->pair == FLOW_PAIR_EXPIRED ? _("\xE2\x9C\x97 The pairing expired.")
                                                    : _("\xE2\x9C\x97 The pairing failed.");
    ui_put(y, 2, COLS - 4, ROLE_ERROR, head);
    y += 2;
    y += ui_wrap(y, 4, COLS - 6, 3, ROLE_TEXT, hd_status_message(f->fail_status));
    if (f->fail_message[0]) {
        snprintf(line, sizeof line, _("The hub said: %s"), f->fail_message);
        y += ui_wrap(y, 4, COLS - 6, 4, ROLE_DIM, line);
    }
    y++;
    ui_wrap(y, 4, COLS - 6, 4, ROLE_TEXT, advice_for(f->fail_status));
    ui_hint_bar(_("r try again  Esc back  ? help  q quit"));
}

static int result_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (act == ACT_RETRY && a->f.pair != FLOW_PAIR_CONNECTED) {
        app_retry_pairing(a);
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        flow_back(&a->f); /* to the name step: onboard another number */
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

const screen_ops screen_result = {
    .name = "result",
    .draw = result_draw,
    .key = result_key,
};

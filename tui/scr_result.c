/* scr_result.c: the outcome: the connected channel, or what went wrong and what to do. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
    case HD_ERR_CANCELLED:
        return _("The customer cancelled the signup in the portal. Press r for a new session "
                 "when they want to try again.");
    default:
        return _("Press r to try again, or Esc to change the details.");
    }
}

/* One "label: value" row from the channel's json, when the hub sent that field. */
static int field_row(int y, const json_t *ch, const char *key, const char *label)
{
    char line[512], val[300], when[40];
    json_t *v = json_object_get(ch, key);
    if (json_is_string(v))
        text_sanitize(json_string_value(v), val, sizeof val);
    else if (json_is_boolean(v))
        snprintf(val, sizeof val, "%s", json_is_true(v) ? _("yes") : _("no"));
    else if (json_is_integer(v) && json_integer_value(v) > 100000000000LL) {
        time_t t = (time_t)(json_integer_value(v) / 1000); /* Whapi: milliseconds */
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime_r(&t, &tm));
        snprintf(val, sizeof val, "%s", when);
    } else if (json_is_integer(v))
        snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
    else
        return y;
    char pad[128];
    snprintf(line, sizeof line, "%s %s", ui_pad(pad, sizeof pad, label, 18), val);
    ui_put(y, 4, COLS - 6, ROLE_TEXT, line);
    return y + 1;
}

static int draw_channel(const app *a, int y)
{
    const flow *f = &a->f;
    char line[512], pad[128];
    snprintf(line, sizeof line, "%s %s", ui_pad(pad, sizeof pad, _("Channel id:"), 18), f->channel_id);
    ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
    snprintf(line, sizeof line, "%s %s", ui_pad(pad, sizeof pad, _("Phone:"), 18), *f->phone ? f->phone : "-");
    ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
    snprintf(line, sizeof line, "%s %s", ui_pad(pad, sizeof pad, _("Name:"), 18), f->channel_name);
    ui_put(y++, 4, COLS - 6, ROLE_TEXT, line);
    static const struct { const char *key, *label; } extra[] = {
        {"type", N_("Type:")}, {"active", N_("Active:")},
        {"phone_number_id", N_("Phone number id:")}, {"business_account_id", N_("WABA id:")},
        {"mode", N_("Mode:")}, {"active_till", N_("Active till:")},
    };
    for (size_t i = 0; i < sizeof extra / sizeof *extra && y < LINES - 6; i++)
        y = field_row(y, f->channel, extra[i].key, _(extra[i].label));
    return y;
}

static void draw_health(const app *a, int y)
{
    char line[600];
    const char *text = json_string_value(json_object_get(a->f.health, "text"));
    const char *meaning = json_string_value(json_object_get(a->f.health, "meaning"));
    if (!text)
        return;
    snprintf(line, sizeof line, _("Status: %s \xE2\x80\x94 %s"), text, meaning ? meaning : "");
    ui_wrap(y, 4, COLS - 6, 2, !strcmp(text, "AUTH") ? ROLE_OK : ROLE_WARN, line);
}

static void draw_connected(app *a)
{
    const flow *f = &a->f;
    const provider_ops *ops = f->profiles[f->profile].ops;
    int y = 2;
    ui_put(y, 2, COLS - 4, ROLE_OK, _("\xE2\x9C\x93 Connected: the WhatsApp number is linked."));
    y = draw_channel(a, y + 2) + 1;
    if (f->notice[0] && y < LINES - 4)
        y += ui_wrap(y, 4, COLS - 6, 3, ROLE_DIM, f->notice);
    if (a->confirm == ACT_LIVE)
        ui_wrap(LINES - 4, 2, COLS - 4, 2, ROLE_WARN,
                _("Switch this channel to live mode? Paid plans only. y/N"));
    else if (f->call == FLOW_CALL_BUSY || f->call == FLOW_CALL_FAILED)
        ui_wrap(LINES - 4, 2, COLS - 4, 2, f->call == FLOW_CALL_FAILED ? ROLE_ERROR : ROLE_WARN,
                f->call_message);
    else if (f->health)
        draw_health(a, LINES - 4);
    ui_hint_bar((ops->caps & PROVIDER_CAP_STATUS)
                    ? _("w webhook  h status  l live  Enter channels  Esc back  ? help  q quit")
                    : _("w webhook  Enter channels  Esc back  ? help  q quit"));
}

static void result_draw(app *a)
{
    char line[512];
    const flow *f = &a->f;
    if (scr_setup_result_applies(a)) {
        scr_setup_result_draw(a);
        return;
    }
    ui_title_bar(a, flow_step_title(FLOW_STEP_RESULT));
    int y = 2;
    if (f->pair == FLOW_PAIR_CONNECTED) {
        draw_connected(a);
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

static int connected_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (a->confirm) {
        if (!is_keycode && i18n_is_yes_key(ch))
            flow_channel_live(&a->f, -1);
        a->confirm = 0;
        return SCREEN_HANDLED;
    }
    switch (act) {
    case ACT_WEBHOOK: flow_open_webhook(&a->f); return SCREEN_HANDLED;
    case ACT_HEALTH: flow_status(&a->f, -1); return SCREEN_HANDLED;
    case ACT_LIVE:
        if (a->f.profiles[a->f.profile].ops->caps & PROVIDER_CAP_CHANNEL_MODE)
            a->confirm = ACT_LIVE;
        return SCREEN_HANDLED;
    case ACT_SELECT: flow_back(&a->f); return SCREEN_HANDLED; /* the channels, reloaded */
    default: return SCREEN_IGNORED;
    }
}

static int result_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (scr_setup_result_applies(a))
        return scr_setup_result_key(a, act, is_keycode, ch);
    if (a->f.pair == FLOW_PAIR_CONNECTED)
        return connected_key(a, act, is_keycode, ch);
    if (act == ACT_RETRY) {
        app_retry_pairing(a);
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        flow_back(&a->f);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

static int result_tick(app *a)
{
    return a->f.call == FLOW_CALL_BUSY;
}

static void result_enter(app *a)
{
    a->confirm = 0;
    app_reveal_off(a);
}

static void result_leave(app *a)
{
    app_reveal_off(a); /* a fetched verify token lives no longer than the screen */
}

const screen_ops screen_result = {
    .name = "result",
    .enter = result_enter,
    .leave = result_leave,
    .draw = result_draw,
    .key = result_key,
    .tick = result_tick,
};

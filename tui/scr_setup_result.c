/* scr_setup_result.c: the result step for hubs connected by form: HubMessage's connected
 * channel, HydraCore's channel settings and exactly what to paste where in Meta's app. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static unsigned caps(const app *a)
{
    return a->f.profiles[a->f.profile].ops->caps;
}

int scr_setup_result_applies(const app *a)
{
    return a->f.profile >= 0 &&
           (caps(a) & (PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CREDENTIALS));
}

static const char *val(const json_t *o, const char *key, char *out, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_boolean(v))
        return snprintf(out, n, "%s", json_is_true(v) ? _("yes") : _("no")), out;
    return text_sanitize(json_string_value(v) ? json_string_value(v) : "-", out, n);
}

static int row(int y, const char *label, const char *value, ui_role role)
{
    char line[700], pad[128];
    snprintf(line, sizeof line, "%s %s", ui_pad(pad, sizeof pad, label, 17), value);
    return y + ui_wrap(y, 2, COLS - 4, 3, role, line); /* a URL to paste: never cut */
}

/* The verify token: masked (a projector is watching) until v shows it. A channel reopened
   from the list may not carry it (the hub need not echo it): v then fetches the vault's copy. */
static const char *verify_text(const app *a, char *out, size_t n)
{
    char tok[200], id[160];
    val(a->f.channel, "verify_token", tok, sizeof tok);
    int from_vault = !strcmp(tok, "-") || !*tok;
    const char *source = json_string_value(json_object_get(a->f.channel, "verify_token_source"));
    if (from_vault && source && !strcmp(source, "unknown")) /* the seed's answer has none */
        return snprintf(out, n, "%s",
                        _("(the hub made one and did not hand it back: set WhatsApp up again "
                          "with a verify token of your choice)")),
               out;
    if (from_vault && a->reveal && a->revealed)
        text_sanitize(a->revealed, tok, sizeof tok);
    else if (from_vault) {
        const char *prof = a->f.profiles[a->f.profile].name;
        if (provider_secret_name(id, sizeof id, prof ? prof : "session", "verify",
                                 a->f.project_id) < 0)
            snprintf(id, sizeof id, "?");
        snprintf(out, n, _("(kept as %s; v shows it)"), text_sanitize(id, tok, sizeof tok));
        return out;
    }
    if (a->reveal)
        return snprintf(out, n, "%s", tok), out;
    text_mask_secret(tok, out, n);
    size_t len = strlen(out);
    snprintf(out + len, n - len, "  %s", _("(v shows it)"));
    return out;
}

/* v: show or hide; a token the channel does not carry comes from the vault, and stays only
   while it is shown. */
static void toggle_reveal(app *a)
{
    if (a->reveal) {
        app_reveal_off(a);
        return;
    }
    a->reveal_why[0] = '\0';
    const char *tok = json_string_value(json_object_get(a->f.channel, "verify_token"));
    if (!tok || !*tok) {
        char why[300] = "";
        a->revealed = app_stored_secret(a, "verify", a->f.project_id, why, sizeof why);
        if (!a->revealed) {
            snprintf(a->reveal_why, sizeof a->reveal_why,
                     _("No verify token is kept for this instance (%s). If Meta's webhook is not "
                       "verified yet, set WhatsApp up again with a token of your choice."),
                     why);
            return;
        }
    }
    a->reveal = 1;
}

static int draw_hydracore(app *a, int y)
{
    char v[700], s[200];
    const json_t *ch = a->f.channel;
    val(ch, "status", s, sizeof s);
    y = row(y, _("Status:"), s, !strcmp(s, "connected") ? ROLE_OK : ROLE_WARN);
    y = row(y, _("Display phone:"), val(ch, "display_phone", v, sizeof v), ROLE_TEXT);
    y = row(y, _("Phone number id:"), val(ch, "phone_number_id", v, sizeof v), ROLE_TEXT);
    y = row(y, _("Enabled:"), val(ch, "enabled", v, sizeof v), ROLE_TEXT);
    y++;
    ui_put(y++, 2, COLS - 4, ROLE_TITLE, _("In Meta's App Dashboard > WhatsApp > Configuration > Webhook:"));
    y = row(y, _("Callback URL:"), val(ch, "webhook_url", v, sizeof v), ROLE_OK);
    y = row(y, _("Verify token:"), verify_text(a, v, sizeof v), ROLE_OK);
    y += ui_wrap(y, 2, COLS - 4, 2, ROLE_DIM,
                 _("Press \"Verify and save\", then subscribe to the \"messages\" field. Meta signs "
                   "each event with the app secret (X-Hub-Signature-256)."));
    return y;
}

/* HubMessage: what the channel is connected to (sent by the form, or named by the status). */
static int draw_signup_ids(const app *a, int y)
{
    char v[160];
    const json_t *ch = a->f.channel;
    if (json_object_get(ch, "waba_id"))
        y = row(y, _("WABA id:"), val(ch, "waba_id", v, sizeof v), ROLE_TEXT);
    if (json_object_get(ch, "phone_id"))
        y = row(y, _("Phone number id:"), val(ch, "phone_id", v, sizeof v), ROLE_TEXT);
    if (json_object_get(ch, "coexistence"))
        y = row(y, _("Coexistence:"),
                json_is_true(json_object_get(ch, "coexistence"))
                    ? _("yes: the number stays in the WhatsApp Business app too")
                    : _("no"),
                ROLE_TEXT);
    return y;
}

static void draw_health(const app *a, int y)
{
    char line[600], t[64], m[400];
    if (!a->f.health)
        return;
    snprintf(line, sizeof line, _("Status: %s \xE2\x80\x94 %s"), val(a->f.health, "text", t, sizeof t),
             val(a->f.health, "meaning", m, sizeof m));
    ui_wrap(y, 2, COLS - 4, 2, ROLE_WARN, line);
}

void scr_setup_result_draw(app *a)
{
    char id[160], name[160], line[400];
    const flow *f = &a->f;
    int hydra = !!(caps(a) & PROVIDER_CAP_CREDENTIALS), y = 2;
    ui_title_bar(a, flow_step_title(FLOW_STEP_RESULT));
    if (hydra) {
        snprintf(line, sizeof line, _("WhatsApp on instance %s"),
                 text_sanitize(f->project_id, id, sizeof id));
        ui_put(y, 2, COLS - 4, ROLE_TITLE, line);
        y = draw_hydracore(a, y + 2);
    } else {
        ui_put(y, 2, COLS - 4, json_is_true(json_object_get(f->channel, "connected")) ? ROLE_OK : ROLE_TEXT,
               _("\xE2\x9C\x93 Connected: the number is linked to the channel."));
        y = row(y + 2, _("Channel id:"), val(f->channel, "id", id, sizeof id), ROLE_TEXT);
        y = row(y, _("Name:"), val(f->channel, "name", name, sizeof name), ROLE_TEXT);
        y = draw_signup_ids(a, y) + 1;
    }
    if (f->notice[0] && y < LINES - 5)
        ui_wrap(y, 2, COLS - 4, LINES - 5 - y, ROLE_DIM, f->notice);
    if (a->confirm == ACT_DELETE) {
        char q[400], clean_id[sizeof f->project_id];
        snprintf(q, sizeof q,
                 _("Tear down WhatsApp on instance %s? The hub removes the channel and "
                   "Meta's webhook stops reaching it. y/N"),
                 text_sanitize(f->project_id, clean_id, sizeof clean_id));
        ui_wrap(LINES - 4, 2, COLS - 4, 2, ROLE_ERROR, q);
    }
    else if (f->call == FLOW_CALL_BUSY || f->call == FLOW_CALL_FAILED)
        ui_wrap(LINES - 4, 2, COLS - 4, 2, f->call == FLOW_CALL_FAILED ? ROLE_ERROR : ROLE_WARN,
                f->call_message);
    else if (a->reveal_why[0])
        ui_wrap(LINES - 4, 2, COLS - 4, 2, ROLE_ERROR, a->reveal_why);
    else
        draw_health(a, LINES - 4);
    ui_hint_bar(a->confirm ? _("y yes  any other key: no")
                : hydra    ? _("h status  v show token  d teardown  Esc back  ? help  q quit")
                           : _("m test message  h status  Esc back  ? help  q quit"));
}

int scr_setup_result_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    int hydra = !!(caps(a) & PROVIDER_CAP_CREDENTIALS);
    if (a->confirm) {
        a->confirm = 0;
        if (!is_keycode && i18n_is_yes_key(ch))
            flow_channel_delete(&a->f, -1); /* then back to the (now empty) channel list */
        return SCREEN_HANDLED;
    }
    switch (act) {
    case ACT_HEALTH: flow_status(&a->f, -1); return SCREEN_HANDLED;
    case ACT_TEST: if (!hydra) flow_open_test(&a->f, -1); return SCREEN_HANDLED;
    case ACT_VAULT: if (hydra) toggle_reveal(a); return SCREEN_HANDLED;
    case ACT_DELETE: if (hydra && a->f.channel) a->confirm = ACT_DELETE; return SCREEN_HANDLED;
    case ACT_SELECT: flow_back(&a->f); return SCREEN_HANDLED;
    default: return SCREEN_IGNORED;
    }
}

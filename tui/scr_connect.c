/* scr_connect.c: the connect form: HubMessage's signup values (wabaId, phoneId, code,
 * coexistence) or HydraCore's Meta app credentials. Secrets are masked and live in guarded
 * memory; a field the flow or the hub refused shows its message right under it. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static unsigned caps(const app *a)
{
    return a->f.profile >= 0 ? a->f.profiles[a->f.profile].ops->caps : 0;
}

static int is_signup(const app *a)
{
    return !!(caps(a) & PROVIDER_CAP_SIGNUP_CODE);
}

static void build_signup(tui_form *fm)
{
    form_add(fm, "waba_id", _("WABA id:"), _("wabaId from the SDK's answer: the WhatsApp "
                                              "Business Account, digits"), FORM_TEXT, 32);
    form_add(fm, "phone_id", _("Phone number id:"), _("phoneId from the SDK's answer, digits"),
             FORM_TEXT, 32);
    form_add(fm, "code", _("Code:"), _("code from the SDK's answer: one-time, expires in "
                                       "minutes; hidden as you type"), FORM_SECRET, 512);
    form_add(fm, "coexistence", _("Coexistence:"),
             _("yes if the number stays on the WhatsApp Business app too (as the SDK said)"),
             FORM_TOGGLE, 0);
}

static void build_credentials(tui_form *fm)
{
    form_add(fm, "access_token", _("Access token:"),
             _("Meta Business settings > System users > Generate token (hidden; to the vault)"),
             FORM_SECRET, 1024);
    form_add(fm, "app_secret", _("App secret:"),
             _("Meta App Dashboard > App settings > Basic > App secret (hidden; to the vault)"),
             FORM_SECRET, 256);
    form_add(fm, "phone_number_id", _("Phone number id:"),
             _("WhatsApp > API Setup > Phone number ID (from the Embedded Signup), digits"),
             FORM_TEXT, 32);
    form_add(fm, "display_phone", _("Display phone:"),
             _("optional: the number with its country code, e.g. +61 400 111 222"), FORM_TEXT,
             32);
    form_add(fm, "verify_token", _("Verify token:"),
             _("optional: leave empty and the hub makes one for Meta's webhook check"),
             FORM_TEXT, 128);
}

static void connect_enter(app *a)
{
    form_reset(&a->form);
    a->form_error[0] = a->token_error[0] = '\0';
    if (is_signup(a))
        build_signup(&a->form);
    else
        build_credentials(&a->form);
}

static void connect_leave(app *a)
{
    form_reset(&a->form); /* the secrets typed here are wiped */
    curs_set(0);
}

static const char *intro(const app *a, char *out, size_t n)
{
    char id[160];
    if (is_signup(a)) {
        snprintf(out, n, _("Channel %s. Run HubMessage's connect flow with the customer (your "
                           "web app's SDK with the PUBLIC key, or the dashboard) and paste what "
                           "it returns. The public key is only for the browser SDK: hubdesk "
                           "never asks for it."),
                 text_sanitize(json_string_value(json_object_get(a->f.channel, "id"))
                                   ? json_string_value(json_object_get(a->f.channel, "id"))
                                   : "",
                               id, sizeof id));
    } else {
        snprintf(out, n, _("Instance %s. Enter the values of the customer's Meta app; the hub "
                           "then answers with the webhook URL to paste back into Meta."),
                 text_sanitize(a->f.project_id, id, sizeof id));
    }
    return out;
}

static void connect_draw(app *a)
{
    char line[700];
    const flow *f = &a->f;
    ui_title_bar(a, is_signup(a) ? _("Connect with the signup code") : _("Set up WhatsApp"));
    int y = 2 + ui_wrap(2, 2, COLS - 4, 4, ROLE_TEXT, intro(a, line, sizeof line)) + 1;
    /* The sandbox's rules, so a workshop can show both outcomes; the curl line is wider than
       80 columns and wraps above the hint bar, pushing the messages up. */
    char demo[700] = "";
    if (a->demo_url && is_signup(a))
        snprintf(demo, sizeof demo, "%s", _("Demo: any digits for the ids, any code; the code "
                                            "EXPIRED is refused."));
    else if (a->demo_url)
        snprintf(demo, sizeof demo, _("Demo: token of 20+ characters, app secret of 32 hex "
                                      "digits. Meta's check, once set up: curl -X POST "
                                      "%s/_sandbox/hydracore/%s/verify"),
                 a->demo_url, f->project_id);
    int demo_rows = demo[0] ? ui_wrap_rows(COLS - 4, 4, demo) : 0;
    int bottom = LINES - 4 - (demo_rows > 1 ? demo_rows - 1 : 0);
    if (f->call == FLOW_CALL_FAILED && form_places_errors(&a->form, f->field_errors))
        snprintf(line, sizeof line, "%s", _("The hub refused the fields marked below: fix them "
                                            "and press Enter again."));
    else if (f->call == FLOW_CALL_FAILED || a->form_error[0] || a->token_error[0])
        snprintf(line, sizeof line, "%s",
                 a->form_error[0] ? a->form_error
                 : a->token_error[0] ? a->token_error : f->call_message);
    else
        line[0] = '\0';
    ui_hint_bar(_("Enter connect  Tab next field  Space toggle  Esc back  Ctrl-U clear  F1 help"));
    if (f->call == FLOW_CALL_BUSY)
        ui_wrap(bottom, 2, COLS - 4, 2, ROLE_WARN, f->call_message);
    else if (line[0])
        ui_wrap(bottom, 2, COLS - 4, 2, ROLE_ERROR, line);
    else if (!is_signup(a)) /* how the display phone reads, before Enter sends it */
        ui_phone_preview(bottom, 2, COLS - 4, 2, form_text(&a->form, "display_phone"),
                         flow_country(f), 1);
    if (demo_rows)
        ui_wrap(LINES - 1 - demo_rows, 2, COLS - 4, demo_rows, ROLE_DIM, demo);
    /* The hub's refusal arrives after Enter: the cursor goes to the first refused field, so
       the next paste never lands in a clear-text field by accident. */
    static const json_t *seen;
    if (f->field_errors != seen && json_object_size(f->field_errors))
        form_focus_error(&a->form, f->field_errors);
    seen = f->field_errors;
    form_draw(&a->form, y, bottom - y - 1, f->field_errors, a->utf8);
}

static void submit(app *a)
{
    tui_form *fm = &a->form;
    hub_connect c = {
        .waba_id = form_text(fm, "waba_id"),
        .phone_id = form_text(fm, "phone_id"),
        .code = form_text(fm, "code"),
        .coexistence = form_on(fm, "coexistence"),
        .access_token = form_text(fm, "access_token"),
        .app_secret = form_text(fm, "app_secret"),
        .phone_number_id = form_text(fm, "phone_number_id"),
        .display_phone = form_text(fm, "display_phone"),
        .verify_token = form_text(fm, "verify_token"),
    };
    a->form_error[0] = a->token_error[0] = '\0';
    if (flow_submit_connect(&a->f, &c, a->form_error, sizeof a->form_error) == HD_ERR_USAGE &&
        json_object_size(a->f.field_errors)) {
        a->form_error[0] = '\0'; /* the messages are next to their fields */
        form_focus_error(fm, a->f.field_errors);
    }
}

static int connect_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (form_key(&a->form, act, is_keycode, ch)) {
        a->form_error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (a->f.call != FLOW_CALL_BUSY)
            submit(a);
        return SCREEN_HANDLED;
    }
    if (act == ACT_BACK && !is_keycode) {
        flow_back(&a->f);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

const screen_ops screen_connect = {
    .name = "connect",
    .enter = connect_enter,
    .leave = connect_leave,
    .draw = connect_draw,
    .key = connect_key,
    .takes_text = 1,
};

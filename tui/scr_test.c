/* scr_test.c: a test message to a number (HubMessage) or a recipient of the channel's kind
 * (Chatt2.me), and what the hub said: message id and status, or the error and its code. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static const provider_ops *hub(const app *a)
{
    return a->f.profile >= 0 ? a->f.profiles[a->f.profile].ops : NULL;
}

static int has_kind(const app *a)
{
    return hub(a) && (hub(a)->caps & PROVIDER_CAP_CHANNEL_KIND);
}

/* 1 if the recipient is a phone: hubs without kinds, WhatsApp and SMS channels. */
static int is_phone(const app *a)
{
    const char *kind = has_kind(a) ? flow_channel_kind(&a->f) : NULL;
    return !kind || !strcmp(kind, "whatsapp") || !strcmp(kind, "sms");
}

static void test_enter(app *a)
{
    char hint[300];
    form_reset(&a->form);
    a->form_error[0] = '\0';
    if (has_kind(a))
        snprintf(hint, sizeof hint, "%s", provider_recipient_hint(flow_channel_kind(&a->f)));
    form_item *to = form_add(&a->form, "to", _("To:"),
                             has_kind(a) ? hint : _("the customer's number with its country "
                                                    "code, as people write it"),
                             FORM_TEXT, 64);
    /* The hint lives in a static: form items keep the pointer. */
    static char kept_hint[300];
    if (to && has_kind(a)) {
        snprintf(kept_hint, sizeof kept_hint, "%s", hint);
        to->hint = kept_hint;
    }
    const char *last = flow_test_recipient(&a->f);
    if (to && *last) { /* a phone again with its '+': never read as national a second time */
        char again[140];
        snprintf(again, sizeof again, "%s%s", is_phone(a) && last[0] != '+' ? "+" : "", last);
        tui_field_set(&to->text, again);
    }
    form_item *text = form_add(&a->form, "text", _("Message:"), NULL, FORM_TEXT, 300);
    if (text)
        tui_field_set(&text->text, /* the customer reads it: in their language */
                      app_customer_text(a, N_("Hello from hubdesk: this is a test message.")));
}

static void test_leave(app *a)
{
    form_reset(&a->form);
    curs_set(0);
}

static const char *field(const json_t *o, const char *key, char *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    return text_sanitize(s ? s : "", out, n);
}

/* The hub's answer: status in colour, id, and an error's code and words. */
static int draw_result(const app *a, int y)
{
    const json_t *r = a->f.test_result;
    char st[64], id[160], code[160], msg[400], line[800];
    field(r, "status", st, sizeof st);
    int failed = !strcmp(st, "error");
    snprintf(line, sizeof line, _("Status: %s"), *st ? st : "?");
    ui_put(y, 2, COLS - 4, failed ? ROLE_ERROR : ROLE_OK, line);
    snprintf(line, sizeof line, _("Message id: %s"), *field(r, "message_id", id, sizeof id) ? id
                                                                                          : "-");
    ui_put(y + 1, 2, COLS - 4, ROLE_TEXT, line);
    if (!failed) {
        ui_wrap(y + 2, 2, COLS - 4, 2, ROLE_DIM,
                !strcmp(st, "enqueued")
                    ? _("enqueued: the hub took it and queues it for the channel; delivery "
                        "shows up in the MessageStatus webhook.")
                    : _("The hub accepted the message; check the customer's phone."));
        return 4;
    }
    snprintf(line, sizeof line, _("Error %s: %s"), *field(r, "error_code", code, sizeof code)
                                                       ? code : "?",
             *field(r, "error_message", msg, sizeof msg) ? msg : _("no message from the hub"));
    return 2 + ui_wrap(y + 2, 2, COLS - 4, 2, ROLE_ERROR, line);
}

/* The rule behind the hub's code (the 24 h window...), from the message or a field's error. */
static const char *failure_advice(const app *a)
{
    const char *advice = provider_error_advice(HUB_OP_SEND_TEST, a->f.call_message);
    const char *key;
    json_t *v;
    json_object_foreach(a->f.field_errors, key, v) {
        if (!advice)
            advice = provider_error_advice(HUB_OP_SEND_TEST, json_string_value(v));
    }
    return advice;
}

static void draw_failure(const app *a, int y)
{
    int used = 0;
    /* Words under their field are not repeated; a refusal about the channel itself (its id,
       its kind) has no field here and is said below the form. */
    if (!form_places_errors((tui_form *)&a->form, a->f.field_errors))
        used = ui_wrap(y, 2, COLS - 4, 2, ROLE_ERROR, a->f.call_message);
    const char *advice = failure_advice(a);
    if (advice)
        ui_wrap(y + used, 2, COLS - 4, 4, ROLE_WARN, advice);
}

/* Before sending: how a phone recipient reads and what the hub gets. Rows used. */
static int recipient_preview(app *a, int y)
{
    const char *kind = has_kind(a) ? flow_channel_kind(&a->f) : NULL;
    int sms = kind && !strcmp(kind, "sms");
    if (!is_phone(a))
        return 0; /* ids, not phones */
    return ui_phone_preview(y, 2, COLS - 4, 3, form_text(&a->form, "to"), flow_country(&a->f),
                            sms);
}

static void test_draw(app *a)
{
    char line[600], id[160], name[160];
    const flow *f = &a->f;
    ui_title_bar(a, flow_step_title(FLOW_STEP_TEST));
    field(f->channel, "id", id, sizeof id);
    field(f->channel, "name", name, sizeof name);
    if (has_kind(a))
        snprintf(line, sizeof line, _("From %s channel %s%s%s%s."),
                 provider_channel_kind_label(flow_channel_kind(f)), id, *name ? " (" : "", name,
                 *name ? ")" : "");
    else
        snprintf(line, sizeof line, _("From channel %s%s%s%s. The message goes to a real phone."),
                 id, *name ? " (" : "", name, *name ? ")" : "");
    ui_wrap(2, 2, COLS - 4, 2, ROLE_TEXT, line);
    ui_hint_bar(_("Enter send  Tab next field  Esc back  Ctrl-U clear  F1 help"));
    int y = 5 + form_draw(&a->form, 5, 6, f->field_errors, a->utf8) + 1;
    int cy, cx;
    getyx(stdscr, cy, cx);
    if (f->call != FLOW_CALL_BUSY && !f->test_result && !a->form_error[0] &&
        f->call != FLOW_CALL_FAILED)
        y += recipient_preview(a, y);
    if (f->call == FLOW_CALL_BUSY)
        ui_wrap(y, 2, COLS - 4, 2, ROLE_WARN, f->call_message);
    else if (a->form_error[0] && !form_places_errors(&a->form, f->field_errors))
        ui_wrap(y, 2, COLS - 4, 2, ROLE_ERROR, a->form_error);
    else if (f->call == FLOW_CALL_FAILED)
        draw_failure(a, y);
    else if (f->test_result)
        draw_result(a, y);
    if (a->demo_url) {
        const char *demo = has_kind(a) ? _("Demo: a recipient ending in 0000 cannot be reached.")
                                       : _("Demo: numbers ending in an even digit wrote in the "
                                           "last 24 h; odd ones did not.");
        int rows = ui_wrap_rows(COLS - 4, 2, demo);
        ui_wrap(LINES - 1 - rows, 2, COLS - 4, rows, ROLE_DIM, demo);
    }
    move(cy, cx);
}

static int test_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (form_key(&a->form, act, is_keycode, ch)) {
        a->form_error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (a->f.call != FLOW_CALL_BUSY &&
            flow_send_test(&a->f, form_text(&a->form, "to"), form_text(&a->form, "text"),
                           a->form_error, sizeof a->form_error) == HD_ERR_USAGE)
            form_focus_error(&a->form, a->f.field_errors);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

const screen_ops screen_test = {
    .name = "test",
    .enter = test_enter,
    .leave = test_leave,
    .draw = test_draw,
    .key = test_key,
    .takes_text = 1,
};

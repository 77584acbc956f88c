/* provider.c: the driver registry and helpers every driver shares. */
#include "provider.h"
#include "i18n.h"
#include "phone.h"
#include "secret.h"
#include "text.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const provider_ops *const drivers[] = {&provider_keebai, &provider_whapi, &provider_hubmessage,
                                               &provider_hydracore, &provider_chatt2me, NULL};

const provider_ops *const *provider_all(void)
{
    return drivers;
}

const provider_ops *provider_find(const char *id)
{
    for (size_t i = 0; id && drivers[i]; i++)
        if (strcasecmp(drivers[i]->id, id) == 0)
            return drivers[i];
    return NULL;
}

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "loc: msg; loc: msg" from FastAPI's detail list. */
static void detail_text(const json_t *detail, char *out, size_t outsz)
{
    size_t i, used = 0;
    json_t *d;
    out[0] = '\0';
    json_array_foreach(detail, i, d) {
        /* Without msg, FastAPI's type ("missing", "uuid_parsing") still says what is wrong. */
        const char *msg = json_str(d, "msg") ? json_str(d, "msg") : json_str(d, "type");
        json_t *loc = json_object_get(d, "loc");
        json_t *last = json_array_get(loc, json_array_size(loc) ? json_array_size(loc) - 1 : 0);
        if (!msg || used >= outsz)
            continue;
        int n = json_is_string(last)
                    ? snprintf(out + used, outsz - used, "%s%s: %s", used ? "; " : "",
                               json_string_value(last), msg)
                    : snprintf(out + used, outsz - used, "%s%s", used ? "; " : "", msg);
        used += n > 0 ? (size_t)n : 0;
    }
}

char *provider_error_text(const http_response *r, char *out, size_t outsz)
{
    char raw[400] = "";
    /* lossy: a \u0000 or a bad byte in the hub's message must not lose all its words */
    char *text = r->body_len ? text_json_lossy(r->body, r->body_len) : NULL;
    json_t *root = text ? json_loadb(text, r->body_len, 0, NULL) : NULL;
    if (text) /* an answer may carry secrets: our copy does not outlive its use */
        secret_wipe(text, r->body_len);
    free(text);
    json_t *err = json_object_get(root, "error");
    json_t *detail = json_object_get(root, "detail");
    const char *code = json_str(err, "code"), *msg = json_str(err, "message");
    const char *ecode = json_str(root, "errorCode"), *emsg = json_str(root, "errorMessage");
    if (json_is_integer(json_object_get(err, "code")) && msg)
        snprintf(raw, sizeof raw, "%lld: %s", (long long)json_integer_value(json_object_get(err, "code")), msg);
    else if (code && msg)
        snprintf(raw, sizeof raw, "%s: %s", code, msg);
    else if (msg)
        snprintf(raw, sizeof raw, "%s", msg);
    else if (json_is_string(err))
        snprintf(raw, sizeof raw, "%s", json_string_value(err));
    else if (ecode && emsg)
        snprintf(raw, sizeof raw, "%s: %s", ecode, emsg);
    else if (emsg || ecode)
        snprintf(raw, sizeof raw, "%s", emsg ? emsg : ecode);
    else if (json_is_string(detail))
        snprintf(raw, sizeof raw, "%s", json_string_value(detail));
    else if (json_is_array(detail) && json_array_size(detail))
        detail_text(detail, raw, sizeof raw);
    if (!raw[0] && r->status != HD_OK)
        snprintf(raw, sizeof raw, "%s", r->error);
    else if (!raw[0])
        snprintf(raw, sizeof raw, _("HTTP %ld: %s"), r->code, hd_status_message(http_status_for_code(r->code)));
    json_decref(root);
    return text_sanitize(raw, out, outsz);
}

json_t *provider_field_errors(const json_t *body)
{
    json_t *detail = json_object_get(body, "detail"), *d, *out = NULL;
    size_t i;
    if (!json_is_array(detail))
        return NULL;
    json_array_foreach(detail, i, d) {
        /* Without msg, FastAPI's type ("missing", "uuid_parsing") still says what is wrong. */
        const char *msg = json_str(d, "msg") ? json_str(d, "msg") : json_str(d, "type");
        json_t *loc = json_object_get(d, "loc");
        size_t n = json_array_size(loc);
        json_t *last = n ? json_array_get(loc, n - 1) : NULL;
        /* ["body"] alone means the whole body: no field to put it next to. */
        const char *field = json_is_string(last) && !(n == 1 && !strcmp(json_string_value(last), "body"))
                                ? json_string_value(last) : "";
        char clean[300], joined[1000], value[620], key[80];
        if (!msg)
            continue;
        if (!out && !(out = json_object()))
            return NULL;
        text_sanitize(msg, clean, sizeof clean);
        /* Looked up under the name it is stored under, so a field's messages always join. */
        text_sanitize(field, key, sizeof key);
        const char *prev = json_string_value(json_object_get(out, key));
        if (prev)
            snprintf(joined, sizeof joined, "%s; %s", prev, clean);
        else
            snprintf(joined, sizeof joined, "%s", clean);
        /* Cut on a character boundary: a split UTF-8 character would make json_string fail
           and the field would silently keep its older text. */
        json_object_set_new(out, key, json_string(text_sanitize(joined, value, sizeof value)));
    }
    return out;
}

int provider_has_mode(const provider_ops *ops, pair_mode m)
{
    switch (m) {
    case PAIR_MODE_QR: return !!(ops->caps & (PROVIDER_CAP_QR_STREAM | PROVIDER_CAP_QR_POLL));
    case PAIR_MODE_BROWSER: return !!(ops->caps & PROVIDER_CAP_BROWSER);
    case PAIR_MODE_CODE: return !!(ops->caps & PROVIDER_CAP_PAIR_CODE);
    }
    return 0;
}

static const char *const mode_names[] = {"qr", "browser", "code"};

const char *pair_mode_name(pair_mode m)
{
    return (unsigned)m < sizeof mode_names / sizeof *mode_names ? mode_names[m] : "?";
}

int pair_mode_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof mode_names / sizeof *mode_names; i++)
        if (strcmp(name, mode_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *hub_op_label(hub_op op)
{
    static const char *const labels[HUB_OP_COUNT] = {
        N_("check the token"),    N_("list projects"),   N_("list channels"),
        N_("create the channel"), N_("change the mode"), N_("delete the channel"),
        N_("set the webhook"),    N_("read the status"), N_("connect the channel"),
        N_("send the test message"),
    };
    return (unsigned)op < HUB_OP_COUNT ? _(labels[op]) : "?";
}

hd_status provider_webhook_url_check(const char *url, char *why, size_t whysz)
{
    const char *problem = NULL;
    size_t len = url ? strlen(url) : 0;
    if (!len)
        problem = _("enter the webhook URL (https://...)");
    else if (len > 2000)
        problem = _("the webhook URL is longer than 2000 characters");
    else if (strncasecmp(url, "https://", 8) != 0)
        problem = _("the webhook URL must start with https:// (the hubs refuse anything else)");
    else if (!text_is_clean(url) || strpbrk(url, " \t<>\"{}|\\^`"))
        problem = _("the webhook URL holds spaces or characters a URL cannot have");
    else if (url[8] == '\0' || url[8] == '/' || url[8] == ':' || url[8] == '?' || url[8] == '#')
        problem = _("the webhook URL has no host name");
    else if (http_url_origin(url, (char[512]){0}, 512) < 0)
        problem = _("the webhook URL is not valid");
    if (problem && why)
        snprintf(why, whysz, "%s", problem);
    return problem ? HD_ERR_USAGE : HD_OK;
}

hd_status provider_phone_check(const char *phone, char *why, size_t whysz)
{
    const char *problem = NULL;
    size_t len = phone ? strlen(phone) : 0;
    if (len && phone[0] == '+')
        problem = _("type the phone without '+': country code and number, digits only");
    else if (!len || strspn(phone, "0123456789") != len)
        problem = _("the phone must be digits only: country code and number (e.g. 5511987654321)");
    else if (len < 8 || len > 15)
        problem = _("the phone must have 8 to 15 digits with the country code");
    else if (phone[0] == '0')
        problem = _("the phone must start with the country code, not 0");
    if (problem && why)
        snprintf(why, whysz, "%s", problem);
    return problem ? HD_ERR_USAGE : HD_OK;
}

static int name_char_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

int provider_secret_name(char *out, size_t outsz, const char *profile, const char *tag,
                         const char *id)
{
    char hashed[17];
    if (!profile || !*profile || !tag || !id || !*id)
        return -1;
    int n = snprintf(out, outsz, "%s/%s/%s", profile, tag, id);
    if (n > 0 && (size_t)n < outsz && n <= 64 && name_char_ok(out))
        return 0;
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
    sodium_bin2hex(hashed, sizeof hashed, h, sizeof h);
    n = snprintf(out, outsz, "%s/%s/%s", profile, tag, hashed);
    return n > 0 && (size_t)n < outsz && n <= 64 && name_char_ok(out) ? 0 : -1;
}

int pair_emit(pair_event_fn fn, void *arg, int **alive, const pair_event *ev)
{
    int here = 1;
    int *outer = *alive;
    *alive = &here;
    fn(ev, arg);
    if (!here) { /* the session is gone: its memory, *alive included, may not be touched */
        if (outer)
            *outer = 0;
        return 0;
    }
    *alive = outer;
    return 1;
}

static hd_status refuse(const char *problem, char *why, size_t whysz)
{
    if (problem && why)
        snprintf(why, whysz, "%s", problem);
    return problem ? HD_ERR_USAGE : HD_OK;
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

hd_status provider_e164_check(const char *phone, char *why, size_t whysz)
{
    size_t len = phone ? strlen(phone) : 0;
    if (!len || phone[0] != '+')
        return refuse(_("write the number in E.164: + then country code and number "
                        "(e.g. +5511987654321)"), why, whysz);
    if (!all_digits(phone + 1))
        return refuse(_("after the + the number must be digits only (no spaces or dashes)"), why,
                      whysz);
    if (len - 1 < 8 || len - 1 > 15)
        return refuse(_("the number must have 8 to 15 digits after the +"), why, whysz);
    if (phone[1] == '0')
        return refuse(_("after the + comes the country code, which never starts with 0"), why,
                      whysz);
    return HD_OK;
}

hd_status provider_digits_check(const char *id, const char *what, char *why, size_t whysz)
{
    char buf[200];
    size_t len = id ? strlen(id) : 0;
    if (!len)
        snprintf(buf, sizeof buf, _("enter the %s"), what);
    else if (!all_digits(id))
        snprintf(buf, sizeof buf, _("the %s is digits only"), what);
    else if (len < 5 || len > 32)
        snprintf(buf, sizeof buf, _("the %s has 5 to 32 digits"), what);
    else
        return HD_OK;
    return refuse(buf, why, whysz);
}

hd_status provider_uuid_check(const char *id, const char *what, char *why, size_t whysz)
{
    static const int dash[] = {8, 13, 18, 23};
    char buf[200];
    size_t len = id ? strlen(id) : 0;
    int ok = len == 36;
    for (size_t i = 0; ok && i < len; i++) {
        int want_dash = i == (size_t)dash[0] || i == (size_t)dash[1] || i == (size_t)dash[2] ||
                        i == (size_t)dash[3];
        ok = want_dash ? id[i] == '-' : isxdigit((unsigned char)id[i]) != 0;
    }
    if (ok)
        return HD_OK;
    if (!len)
        snprintf(buf, sizeof buf, _("enter the %s"), what);
    else
        snprintf(buf, sizeof buf,
                 _("the %s is a UUID: 36 characters like 497f6eca-6276-4993-bfeb-53cbbbba6f08"),
                 what);
    return refuse(buf, why, whysz);
}

typedef struct kind_info {
    const char *id, *label, *hint;
} kind_info;

static const kind_info kinds[] = {
    {"whatsapp", N_("WhatsApp"), N_("the number with its country code, e.g. +55 11 99398-6082 "
                                    "(sent without +)")},
    {"instagram", N_("Instagram"), N_("Instagram user id (IGSID, digits), e.g. 847495124317323")},
    {"messenger", N_("Messenger"), N_("Messenger conversation id (PSID, digits), e.g. 26203292189261166")},
    {"telegram", N_("Telegram"), N_("Telegram chat_id (digits, - for groups), e.g. 8568649397")},
    {"sms", N_("SMS"), N_("the number with its country code, e.g. +55 11 94457-4999 (sent with "
                          "+)")},
    {"webchatt", N_("Web Chatt"), N_("the visitor id from a webhook of the visitor's message")},
};

static const char *const kind_ids[] = {"whatsapp", "instagram", "messenger", "telegram", "sms",
                                       "webchatt", NULL};

const char *const *provider_channel_kinds(void)
{
    return kind_ids;
}

static const kind_info *kind_find(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcasecmp(kinds[i].id, kind))
            return &kinds[i];
    return NULL;
}

const char *provider_channel_kind_label(const char *kind)
{
    const kind_info *k = kind_find(kind);
    return k ? _(k->label) : kind ? kind : "";
}

const char *provider_recipient_hint(const char *kind)
{
    const kind_info *k = kind_find(kind);
    return k ? _(k->hint) : "";
}

hd_status provider_recipient_check(const char *kind, const char *to, char *why, size_t whysz)
{
    const kind_info *k = kind_find(kind);
    size_t len = to ? strlen(to) : 0;
    char buf[300];
    if (!k)
        return refuse(_("unknown channel kind (whatsapp, instagram, messenger, telegram, sms, "
                        "webchatt)"), why, whysz);
    if (!len) {
        snprintf(buf, sizeof buf, _("enter the recipient: %s"), _(k->hint));
        return refuse(buf, why, whysz);
    }
    if (!strcmp(k->id, "whatsapp")) {
        if (to[0] == '+')
            return refuse(_("WhatsApp takes the number without +: country code and number"), why,
                          whysz);
        return provider_phone_check(to, why, whysz);
    }
    if (!strcmp(k->id, "sms"))
        return provider_e164_check(to, why, whysz);
    if (!strcmp(k->id, "webchatt"))
        return len <= 200 && text_is_clean(to) && !strpbrk(to, " \t")
                   ? HD_OK
                   : refuse(_("the visitor id is one word of at most 200 characters"), why, whysz);
    const char *digits = !strcmp(k->id, "telegram") && to[0] == '-' ? to + 1 : to;
    if (!all_digits(digits) || strlen(digits) > 32) {
        snprintf(buf, sizeof buf, _("%s takes a numeric id: %s"), _(k->label), _(k->hint));
        return refuse(buf, why, whysz);
    }
    return HD_OK;
}

static const struct {
    hub_op op;
    const char *code, *advice;
} advice_table[] = {
    {HUB_OP_SEND_TEST, "OUTSIDE_WINDOW",
     N_("WhatsApp's 24-hour customer window: free text only reaches a customer who wrote to "
        "this number in the last 24 hours. Ask the customer to send any message first, then "
        "try again; outside that window only approved templates go out.")},
    {HUB_OP_SEND_TEST, "CHANNEL_NOT_FOUND",
     N_("The hub knows no channel with this id for this key: a key sees only its own "
        "application's channels. Check the id in the hub's dashboard; if it was mistyped, "
        "forget the channel and add it again.")},
    {HUB_OP_SEND_TEST, "CHANNEL_KIND_MISMATCH",
     N_("The channel was added with the wrong kind: forget it and add it again with the kind "
        "the hub's dashboard shows.")},
    {HUB_OP_SEND_TEST, "CHANNEL_NOT_CONNECTED",
     N_("The channel is not connected to a number yet: connect it with the signup code "
        "first.")},
    {HUB_OP_CONNECT, "INVALID_CODE",
     N_("A signup code works once and expires within minutes: run the Embedded Signup with the "
        "customer again and paste the new code.")},
    {HUB_OP_WEBHOOK_SET, "ENDPOINT_VERIFICATION_FAILED",
     N_("The hub calls the endpoint when the webhook is registered: it must be reachable from "
        "the internet over https and answer that verification request with a 2xx status, "
        "quickly. Check the endpoint, then set the webhook again.")},
};

const char *provider_error_advice(hub_op op, const char *text)
{
    for (size_t i = 0; text && i < sizeof advice_table / sizeof *advice_table; i++)
        if (advice_table[i].op == op && strstr(text, advice_table[i].code))
            return _(advice_table[i].advice);
    return NULL;
}

static const struct {
    const char *event, *meaning;
} event_table[] = {
    {"Message", N_("a customer sent a message")},
    {"MessageStatus", N_("a sent message was delivered or read")},
    {"whatsapp.channel.connected", N_("the number was linked")},
    {"whatsapp.channel.disconnected", N_("the number was unlinked")},
    {"message.received", N_("a customer sent a message")},
    {"message.sent", N_("a message went out")},
    {"conversation.created", N_("a new conversation began")},
};

const char *provider_webhook_event_meaning(const char *event)
{
    for (size_t i = 0; event && i < sizeof event_table / sizeof *event_table; i++)
        if (!strcmp(event, event_table[i].event))
            return _(event_table[i].meaning);
    return NULL;
}

hd_status provider_recipient_form(const char *kind, const char *to, const char *country, char *out,
                                  size_t outsz, char *warn, size_t warnsz, char *why,
                                  size_t whysz)
{
    const kind_info *k = kind ? kind_find(kind) : NULL;
    if (warn && warnsz)
        *warn = '\0';
    if (kind && !k)
        return provider_recipient_check(kind, to, why, whysz); /* says which kinds there are */
    if (k && strcmp(k->id, "whatsapp") != 0 && strcmp(k->id, "sms") != 0) {
        if (provider_recipient_check(kind, to, why, whysz) != HD_OK)
            return HD_ERR_USAGE;
        if ((size_t)snprintf(out, outsz, "%s", to) < outsz)
            return HD_OK;
        return refuse(_("the recipient is too long"), why, whysz);
    }
    return phone_hub_form(to, country, k && !strcmp(k->id, "sms"), out, outsz, warn, warnsz, why,
                          whysz);
}

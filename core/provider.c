/* provider.c: the driver registry and helpers every driver shares. */
#include "provider.h"
#include "i18n.h"
#include "text.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const provider_ops *const drivers[] = {&provider_keebai, &provider_whapi, NULL};

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

char *provider_error_text(const http_response *r, char *out, size_t outsz)
{
    char raw[400] = "";
    json_t *root = r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    json_t *err = json_object_get(root, "error");
    const char *code = json_str(err, "code"), *msg = json_str(err, "message");
    if (json_is_integer(json_object_get(err, "code")) && msg)
        snprintf(raw, sizeof raw, "%lld: %s", (long long)json_integer_value(json_object_get(err, "code")), msg);
    else if (code && msg)
        snprintf(raw, sizeof raw, "%s: %s", code, msg);
    else if (msg)
        snprintf(raw, sizeof raw, "%s", msg);
    else if (json_is_string(err))
        snprintf(raw, sizeof raw, "%s", json_string_value(err));
    else if (r->status != HD_OK)
        snprintf(raw, sizeof raw, "%s", r->error);
    else
        snprintf(raw, sizeof raw, _("HTTP %ld: %s"), r->code, hd_status_message(http_status_for_code(r->code)));
    json_decref(root);
    return text_sanitize(raw, out, outsz);
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
        N_("set the webhook"),    N_("read the status"),
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

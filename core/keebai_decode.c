/* keebai_decode.c: Keebai JSON to plain structs; liberal in what it accepts, never trusting. */
#include "keebai_decode.h"
#include "duration.h"
#include "http.h"
#include "i18n.h"
#include "qr.h"
#include "secret.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

hd_status keebai_status_for_code(const char *code)
{
    static const struct {
        const char *code;
        hd_status st;
    } map[] = {
        {"UNAUTHORIZED", HD_ERR_AUTH},     {"FORBIDDEN", HD_ERR_FORBIDDEN},
        {"INSUFFICIENT_SCOPE", HD_ERR_FORBIDDEN}, {"THROTTLED", HD_ERR_RATE_LIMITED},
        {"SERVER_ERROR", HD_ERR_SERVER},   {"CHANNEL_NOT_FOUND", HD_ERR_NOT_FOUND},
        {"SESSION_NOT_FOUND", HD_ERR_NOT_FOUND},
    };
    for (size_t i = 0; code && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(code, map[i].code) == 0)
            return map[i].st;
    return HD_ERR_REJECTED;
}

static void qr_fields(json_t *root, kb_qr *out)
{
    json_t *exp = json_object_get(root, "expires_in"), *att = json_object_get(root, "attempt");
    if (json_is_number(exp) && json_number_value(exp) > 0)
        out->expires_in_ms = duration_ms_from_s(json_number_value(exp), DURATION_QR_MAX_MS);
    if (json_is_integer(att) && json_integer_value(att) > 0 && json_integer_value(att) < 1000)
        out->attempt = (int)json_integer_value(att);
}

int keebai_decode_qr(const char *data, size_t len, kb_qr *out)
{
    memset(out, 0, sizeof *out);
    json_t *root = json_loadb(data, len, JSON_DECODE_ANY, NULL);
    const char *qr = NULL;
    size_t qlen = 0;
    if (json_is_object(root)) {
        qr = json_str(root, "qr") ? json_str(root, "qr") : json_str(root, "code");
        qlen = qr ? strlen(qr) : 0;
        qr_fields(root, out);
    } else if (json_is_string(root)) {
        qr = json_string_value(root);
        qlen = strlen(qr);
    } else if (!root) {
        qr = data; /* the raw string: up to the first line break or NUL */
        for (qlen = 0; qlen < len && data[qlen] && data[qlen] != '\n' && data[qlen] != '\r'; qlen++)
            ;
    }
    int ok = qr && qlen > 0 && qlen <= KB_QR_MAX;
    if (ok)
        memcpy(out->qr, qr, qlen);
    json_decref(root);
    if (ok && !qr_text_ok(out->qr)) { /* the raw form may carry any byte; JSON escapes too */
        out->qr[0] = '\0';
        return KB_QR_UNPRINTABLE;
    }
    return ok ? 0 : -1;
}

void keebai_decode_connected(const char *data, size_t len, kb_connected *out)
{
    json_t *root = json_loadb(data, len, 0, NULL);
    json_t *ch = json_object_get(root, "channel");
    const char *id = json_str(root, "channel_id") ? json_str(root, "channel_id") : json_str(ch, "id");
    const char *phone = json_str(root, "phone_number") ? json_str(root, "phone_number")
                                                       : json_str(ch, "phone_number");
    const char *name = json_str(root, "name") ? json_str(root, "name") : json_str(ch, "name");
    text_sanitize(id && *id ? id : "?", out->channel_id, sizeof out->channel_id);
    text_sanitize(phone, out->phone, sizeof out->phone);
    text_sanitize(name, out->name, sizeof out->name);
    json_decref(root);
}

/* An event's JSON, loaded even when a string holds \u0000 or bad UTF-8 (each becomes '?'):
 * the hub's words must not vanish with one bad byte. *text gets the repaired text (free it). */
static json_t *load_lossy(const char *data, size_t len, char **text)
{
    *text = text_json_lossy(data, len);
    return *text ? json_loadb(*text, len, JSON_DECODE_ANY, NULL) : NULL;
}

hd_status keebai_decode_error(const char *data, size_t len, char *msg, size_t msgsz)
{
    char *text;
    json_t *root = load_lossy(data, len, &text);
    json_t *err = json_is_object(json_object_get(root, "error")) ? json_object_get(root, "error") : root;
    const char *code = json_str(err, "code"), *m = json_str(err, "message");
    if (!m) /* a bare JSON string, or not JSON at all: the words as they came */
        m = json_is_string(root) ? json_string_value(root) : root ? NULL : text;
    char raw[400];
    snprintf(raw, sizeof raw, "%s: %s", code ? code : "ERROR", m ? m : "");
    text_sanitize(raw, msg, msgsz);
    hd_status st = keebai_status_for_code(code);
    json_decref(root);
    free(text);
    return st;
}

void keebai_decode_expired(const char *data, size_t len, char *reason, size_t n)
{
    char *text;
    json_t *root = load_lossy(data, len, &text);
    free(text);
    text_sanitize(json_str(root, "reason"), reason, n);
    json_decref(root);
}

int keebai_decode_start(const char *body, size_t len, char *stream_url, size_t n)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *url = json_str(root, "stream_url");
    int ok = url && *url && strlen(url) < n && text_is_clean(url);
    if (ok)
        memcpy(stream_url, url, strlen(url) + 1);
    json_decref(root);
    return ok ? 0 : -1;
}

/* ---- REST answers ---- */

#define KB_FIELD_MAX 512 /* longer server strings are cut: they are labels, not content */

int keebai_session_id_ok(const char *id)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > KB_SESSION_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
        return 0;
    for (const char *p = id; *p; p++)
        if (*p < 0x21 || *p > 0x7e || strchr("/?#%", *p))
            return 0;
    return 1;
}

int keebai_type_filter_ok(const char *type)
{
    size_t len = type ? strlen(type) : 0;
    return len > 0 && len <= 64 && strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* Keebai wraps some answers in {"data": ...}; accept both forms. */
static const json_t *unwrap(const json_t *root, const char *key)
{
    json_t *data = json_object_get(root, "data");
    return json_is_object(data) && !json_object_get(root, key) ? data : root;
}

/* A string or integer member as sanitized text; 0 if absent or another type. */
static int scalar_text(const json_t *o, const char *key, char *out, size_t n)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        text_sanitize(json_string_value(v), out, n);
    else if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else
        return 0;
    return 1;
}

/* Sets o[key] to the sanitized text of in[from] (or of in[alt]); "" when both are absent. */
static void put_text(json_t *o, const char *key, const json_t *in, const char *from,
                     const char *alt, int always)
{
    char buf[KB_FIELD_MAX];
    if (scalar_text(in, from, buf, sizeof buf) || (alt && scalar_text(in, alt, buf, sizeof buf)))
        json_object_set_new(o, key, json_string(buf));
    else if (always)
        json_object_set_new(o, key, json_string(""));
}

json_t *keebai_channel_json(const json_t *in)
{
    char id[KB_FIELD_MAX];
    if (!json_is_object(in) || !scalar_text(in, "id", id, sizeof id) || !*id)
        return NULL;
    json_t *o = json_object();
    json_t *active = json_object_get(in, "is_active");
    if (!json_is_boolean(active))
        active = json_object_get(in, "active");
    json_object_set_new(o, "id", json_string(id));
    put_text(o, "name", in, "name", NULL, 1);
    put_text(o, "type", in, "type", NULL, 1);
    put_text(o, "phone", in, "phone_number", "phone", 1);
    json_object_set_new(o, "active", json_boolean(json_is_true(active)));
    put_text(o, "phone_number_id", in, "phone_number_id", NULL, 0);
    put_text(o, "business_account_id", in, "business_account_id", NULL, 0);
    return o;
}

json_t *keebai_decode_channels(const json_t *root)
{
    const json_t *list = root;
    if (!json_is_array(list))
        list = json_object_get(root, "data");
    if (!json_is_array(list))
        list = json_object_get(root, "channels");
    if (!json_is_array(list))
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *ch;
    json_array_foreach(list, i, ch)
    {
        json_t *norm = keebai_channel_json(ch);
        if (norm)
            json_array_append_new(out, norm);
    }
    return out;
}

/* Who the token belongs to: the first of email, name, id, at the top or under "user". */
static void me_account(json_t *out, const json_t *me)
{
    static const char *const keys[] = {"email", "name", "id"};
    const json_t *user = json_object_get(me, "user");
    char buf[KB_FIELD_MAX];
    for (int pass = 0; pass < 2; pass++) {
        const json_t *o = pass ? user : me;
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            if (scalar_text(o, keys[i], buf, sizeof buf) && *buf) {
                json_object_set_new(out, "account", json_string(buf));
                return;
            }
    }
}

/* "company": a string, or an object with a name (else its id); or "company_name". */
static void me_company(json_t *out, const json_t *me)
{
    const json_t *co = json_object_get(me, "company");
    char buf[KB_FIELD_MAX];
    if (scalar_text(me, "company", buf, sizeof buf) || scalar_text(co, "name", buf, sizeof buf) ||
        scalar_text(co, "id", buf, sizeof buf) || scalar_text(me, "company_name", buf, sizeof buf))
        json_object_set_new(out, "company", json_string(buf));
}

/* "scopes": an array of strings, or one string separated by spaces or commas (OAuth style). */
static void me_scopes(json_t *out, const json_t *me)
{
    const json_t *sc = json_object_get(me, "scopes");
    json_t *list = json_array();
    char buf[KB_FIELD_MAX];
    if (!sc)
        sc = json_object_get(me, "scope");
    if (json_is_array(sc)) {
        size_t i;
        json_t *v;
        json_array_foreach(sc, i, v)
        {
            if (json_is_string(v))
                json_array_append_new(
                    list, json_string(text_sanitize(json_string_value(v), buf, sizeof buf)));
        }
    } else if (json_is_string(sc)) {
        text_sanitize(json_string_value(sc), buf, sizeof buf);
        for (char *save = NULL, *t = strtok_r(buf, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
            json_array_append_new(list, json_string(t));
    }
    if (sc)
        json_object_set_new(out, "scopes", list);
    else
        json_decref(list);
}

json_t *keebai_decode_me(const json_t *root)
{
    const json_t *me = unwrap(root, "id");
    if (!json_is_object(me))
        return NULL;
    json_t *out = json_object();
    me_account(out, me);
    me_company(out, me);
    me_scopes(out, me);
    return out;
}

/* Takes the secret out of the answer into guarded memory and wipes the parsed copy. */
static char *take_secret(json_t *hook, int *bad)
{
    json_t *v = json_object_get(hook, "secret");
    if (!json_is_string(v))
        return NULL;
    /* jansson owns a plain malloc'd copy: wipe it so only the guarded one stays */
    char *raw = (char *)json_string_value(v);
    size_t len = json_string_length(v);
    char *copy = strlen(raw) == len && secret_is_token_safe(raw) ? secret_dup(raw) : NULL;
    *bad = !copy;
    secret_wipe(raw, len);
    return copy;
}

json_t *keebai_decode_webhook(json_t *root, char **secret, int *secret_bad)
{
    json_t *hook = (json_t *)unwrap(root, "id");
    *secret = NULL;
    *secret_bad = 0;
    if (!json_is_object(hook))
        return NULL;
    *secret = take_secret(hook, secret_bad);
    json_t *out = json_object(), *events = json_array();
    put_text(out, "id", hook, "id", NULL, 1);
    put_text(out, "url", hook, "url", NULL, 1);
    size_t i;
    json_t *e;
    char buf[KB_FIELD_MAX];
    json_array_foreach(json_object_get(hook, "events"), i, e)
    {
        if (json_is_string(e))
            json_array_append_new(
                events, json_string(text_sanitize(json_string_value(e), buf, sizeof buf)));
    }
    json_object_set_new(out, "events", events);
    return out;
}

/* A number member as seconds in [lo, hi]; `def` when absent, not a number or not positive. */
static long seconds(const json_t *o, const char *key, long def, long lo, long hi)
{
    json_t *v = json_object_get(o, key);
    long ms = json_is_number(v) ? duration_ms_from_s(json_number_value(v), hi * 1000L) : -1;
    if (ms <= 0) /* absent, not a number, 0 or negative */
        return def;
    return ms / 1000 < lo ? lo : ms / 1000;
}

/* https://, or http:// to this machine (the sandbox); clean, no spaces, fits. */
static int verification_uri_ok(const char *uri, size_t max)
{
    return uri && strlen(uri) < max && text_is_clean(uri) && !strpbrk(uri, " <>\"\\^`{|}") &&
           http_url_check(uri) == HD_OK;
}

hd_status keebai_decode_signup(const json_t *root, kb_signup *out, char *why, size_t whysz)
{
    const json_t *o = unwrap(root, "session_id");
    const char *id = json_string_value(json_object_get(o, "session_id"));
    const char *uri = json_string_value(json_object_get(o, "verification_uri"));
    memset(out, 0, sizeof *out);
    if (!keebai_session_id_ok(id)) {
        snprintf(why, whysz, "%s", _("the hub did not return a usable session_id for the signup"));
        return HD_ERR_PROTOCOL;
    }
    if (!verification_uri_ok(uri, sizeof out->verification_uri)) {
        snprintf(why, whysz, "%s", _("the hub's verification link is not an https:// URL"));
        return HD_ERR_PROTOCOL;
    }
    snprintf(out->session_id, sizeof out->session_id, "%s", id);
    text_sanitize(uri, out->verification_uri, sizeof out->verification_uri);
    out->expires_in_s = seconds(o, "expires_in", KB_SIGNUP_DEFAULT_S, 1, KB_SIGNUP_MAX_S);
    out->poll_interval_s = seconds(o, "poll_interval", KB_POLL_DEFAULT_S, 1, KB_POLL_MAX_S);
    return HD_OK;
}

kb_signup_state keebai_decode_signup_poll(const json_t *root, json_t **channel, char *status,
                                          size_t n)
{
    static const char *const names[] = {"pending", "completed", "expired", "cancelled"};
    const json_t *o = unwrap(root, "status");
    const char *st = json_string_value(json_object_get(o, "status"));
    kb_signup_state res = KB_SIGNUP_UNKNOWN;
    *channel = NULL;
    text_sanitize(st, status, n);
    for (int i = 0; st && i < 4; i++)
        if (!strcasecmp(st, names[i]))
            res = (kb_signup_state)i;
    if (st && !strcasecmp(st, "canceled")) /* US spelling, in case */
        res = KB_SIGNUP_CANCELLED;
    if (res == KB_SIGNUP_COMPLETED)
        *channel = keebai_channel_json(json_object_get(o, "channel"));
    return res;
}

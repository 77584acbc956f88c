/* keebai_decode.c: Keebai JSON to plain structs; liberal in what it accepts, never trusting. */
#include "keebai_decode.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

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
    if (json_is_number(exp) && json_number_value(exp) > 0 && json_number_value(exp) < 86400)
        out->expires_in_ms = (long)(json_number_value(exp) * 1000);
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

hd_status keebai_decode_error(const char *data, size_t len, char *msg, size_t msgsz)
{
    json_t *root = json_loadb(data, len, 0, NULL);
    json_t *err = json_is_object(json_object_get(root, "error")) ? json_object_get(root, "error") : root;
    const char *code = json_str(err, "code"), *m = json_str(err, "message");
    char raw[400];
    snprintf(raw, sizeof raw, "%s: %s", code ? code : "ERROR", m ? m : "");
    text_sanitize(raw, msg, msgsz);
    hd_status st = keebai_status_for_code(code);
    json_decref(root);
    return st;
}

void keebai_decode_expired(const char *data, size_t len, char *reason, size_t n)
{
    json_t *root = json_loadb(data, len, 0, NULL);
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

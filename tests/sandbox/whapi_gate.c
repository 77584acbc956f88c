/* whapi_gate.c: the Whapi.Cloud gate API (a channel's own token): login QR, pairing code,
 * health and settings. */
#include "whapi.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* GET /users/login/rowdata: the current QR while the channel shows one. Before that,
 * "WAITING" with no rowdata and `expire` = seconds until it will (OUR GUESS). */
static enum MHD_Result rowdata_get(sb_req *req, sb_wchannel *c, int64_t now)
{
    sb_server *srv = req->srv;
    sb_whealth h = sb_wchannel_health(srv, c, now);
    if (c->mobile)
        return sb_whapi_error(req, 406, "Not acceptable", "a mobile channel has no QR code");
    if (h == SB_W_AUTH)
        return sb_whapi_error(req, 409, "Channel already authenticated", "already logged in");
    if (h != SB_W_QR) {
        int64_t left = c->created_ms + srv->cfg.whapi_launch_ms - now;
        return sb_reply_json(req, 200,
                             json_pack("{s:s,s:I}", "status", "WAITING", "expire",
                                       (json_int_t)((left + 999) / 1000)));
    }
    int64_t left = sb_wchannel_rowdata(srv, c, now);
    sb_qr_junk junk = srv->cfg.qr_junk == SB_QR_JUNK_BYTES ? SB_QR_JUNK_NONE : srv->cfg.qr_junk;
    char *wire = sb_qr_wire(junk, c->rowdata ? c->rowdata : "");
    enum MHD_Result rc =
        sb_reply_json(req, 200,
                      json_pack("{s:s,s:s,s:I}", "status", "OK", "rowdata", wire ? wire : "",
                                "expire", (json_int_t)((left + 999) / 1000)));
    free(wire);
    return rc;
}

/* GET /users/login/{phone}: an 8-character Crockford base32 code, shown ABCD-EFGH. The
 * response field is `code` (OUR GUESS; api-notes.md says clients accept `pairing_code` too). */
static enum MHD_Result pairing_get(sb_req *req, sb_wchannel *c, const char *phone, int64_t now)
{
    size_t len = strlen(phone);
    if (len < 8 || len > 15 || strspn(phone, "0123456789") != len)
        return sb_whapi_error(req, 400, "Bad request",
                              "phone must be 8 to 15 digits with the country code, no +");
    if (sb_wchannel_health(req->srv, c, now) == SB_W_AUTH)
        return sb_whapi_error(req, 409, "Channel already authenticated", "already logged in");
    snprintf(c->login_phone, sizeof c->login_phone, "%s", phone); /* tests check the form */
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char code[10];
    for (int i = 0; i < 9; i++)
        code[i] = i == 4 ? '-' : alphabet[randombytes_uniform(32)];
    code[9] = '\0';
    return sb_reply_json(req, 200, json_pack("{s:s}", "code", code));
}

/* One webhook of the seed's settings body: https url, events of {type, method}, mode. */
static const char *bad_webhook(json_t *w)
{
    json_t *url = json_object_get(w, "url"), *events = json_object_get(w, "events");
    json_t *mode = json_object_get(w, "mode");
    if (!json_is_object(w))
        return "each webhook must be an object";
    if (!json_is_string(url) || strncmp(json_string_value(url), "https://", 8) ||
        json_string_length(url) <= 8)
        return "webhook url must be an https:// URL";
    if (events && !json_is_array(events))
        return "webhook events must be an array";
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        if (!json_is_object(e) || !json_is_string(json_object_get(e, "type")) ||
            !json_is_string(json_object_get(e, "method")))
            return "each event must be {\"type\": string, \"method\": string}";
    }
    if (mode && !json_is_string(mode))
        return "webhook mode must be a string";
    return NULL;
}

/* PATCH /settings: validated, stored, echoed back. */
static enum MHD_Result settings_patch(sb_req *req, sb_wchannel *c)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return sb_whapi_error(req, 400, "Bad request", "body must be a JSON object");
    json_t *hooks = json_object_get(in, "webhooks"),
           *persist = json_object_get(in, "callback_persist");
    const char *bad = hooks && !json_is_array(hooks) ? "webhooks must be an array" : NULL;
    size_t i;
    json_t *w;
    json_array_foreach(hooks, i, w) if (!bad) bad = bad_webhook(w);
    if (!bad && persist && !json_is_boolean(persist))
        bad = "callback_persist must be a boolean";
    if (bad) {
        json_decref(in);
        return sb_whapi_error(req, 400, "Bad request", bad);
    }
    json_decref(c->settings);
    c->settings = json_incref(in);
    return sb_reply_json(req, 200, in);
}

/* Everything under /whapi/gate: the bearer must be the token of a live channel. */
enum MHD_Result sb_whapi_gate(sb_req *req, char segs[][128], size_t n)
{
    sb_server *srv = req->srv;
    int64_t now = sb_now_ms();
    enum MHD_Result r;
    /* The lock is held across the reply: answers are built from the channel, which a
     * concurrent DELETE could free; queuing a small response does not block. */
    pthread_mutex_lock(&srv->lock);
    sb_wchannel *c = sb_wchannel_by_token(srv, sb_bearer(req));
    if (!c)
        r = sb_whapi_error(req, 401, "Unauthorized", "missing or invalid channel token");
    else if (c->fail_next > 0 && c->fail_next--)
        r = sb_whapi_error(req, 503, "Service unavailable", "failure asked for by a test");
    else if (n == 1 && !strcmp(segs[0], "health"))
        r = sb_is_get(req)
                ? sb_reply_json(req, 200, sb_whapi_health_json(sb_wchannel_health(srv, c, now)))
                : sb_whapi_method(req, "GET");
    else if (n == 1 && !strcmp(segs[0], "settings"))
        r = !strcmp(req->method, "PATCH") ? settings_patch(req, c) : sb_whapi_method(req, "PATCH");
    else if (n == 3 && !strcmp(segs[0], "users") && !strcmp(segs[1], "login"))
        r = !sb_is_get(req)               ? sb_whapi_method(req, "GET")
            : !strcmp(segs[2], "rowdata") ? rowdata_get(req, c, now)
                                          : pairing_get(req, c, segs[2], now);
    else
        r = sb_whapi_error(req, 404, "Not found", "no such route");
    pthread_mutex_unlock(&srv->lock);
    return r;
}

/* keebai_extra.c: Keebai's /v1/me, /v1/channels and /v1/webhooks, and the per-token rate
 * limit in front of every /keebai route. */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SB_WEBHOOKS_MAX 100
#define SB_MINUTE_MS 60000

/* Event names a webhook may subscribe to. Only whatsapp.channel.connected is documented;
 * the others are OUR GUESS at the family, so clients see more than one valid name. */
static const char *const known_events[] = {"whatsapp.channel.connected",
                                           "whatsapp.channel.disconnected", "message.received",
                                           "message.sent", "conversation.created"};

/*
 * Keebai: 60 requests a minute per token, then 429 THROTTLED with Retry-After. Called after
 * the token check, so only the one accepted token is ever counted. Returns true when the
 * request was refused (*ret holds the answer).
 */
bool sb_keebai_throttle(sb_req *req, enum MHD_Result *ret)
{
    long retry_s;
    if (sb_rate_take(req->srv, req->srv->token, req->srv->cfg.rate_per_min, SB_MINUTE_MS, &retry_s))
        return false;
    char after[24];
    snprintf(after, sizeof after, "%ld", retry_s);
    *ret = sb_reply_json_hdr(req, 429,
                             sb_envelope("THROTTLED", "rate limit exceeded for this token",
                                         json_pack("{s:I}", "retry_after", (json_int_t)retry_s)),
                             "Retry-After", after);
    return true;
}

/* GET /v1/me. The shape is OUR GUESS (Keebai documents no such route in the seed). */
static enum MHD_Result me_get(sb_req *req)
{
    return sb_reply_json(
        req, 200,
        json_pack("{s:s,s:{s:s,s:s},s:[s,s,s,s]}", "id", "usr_01SANDBOX0000000000000000", "company",
                  "id", "co_01SANDBOX00000000000000000", "name", "Sandbox Co", "scopes",
                  "channels:read", "channels:connect", "webhooks:write", "webhooks:read"));
}

/* GET /v1/channels[?type=...]: channels made by QR and embedded-signup sessions. */
static enum MHD_Result channels_get(sb_req *req)
{
    const char *type = sb_arg(req, "type");
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    json_t *all = sb_qr_channels(srv);
    json_t *signed_up = sb_signup_channels(srv);
    json_array_extend(all, signed_up);
    json_decref(signed_up);
    pthread_mutex_unlock(&srv->lock);
    json_t *data = json_array();
    size_t i;
    json_t *ch;
    json_array_foreach(all, i, ch)
    {
        const char *t = json_string_value(json_object_get(ch, "type"));
        if (!type || (t && !strcmp(t, type)))
            json_array_append(data, ch);
    }
    json_decref(all);
    return sb_reply_json(req, 200, json_pack("{s:o}", "data", data));
}

static bool known_event(const char *name)
{
    for (size_t i = 0; i < sizeof known_events / sizeof *known_events; i++)
        if (!strcmp(name, known_events[i]))
            return true;
    return false;
}

/* Per-field problems of a webhook body; NULL when valid. */
static json_t *validate_webhook(json_t *in)
{
    json_t *d = json_object();
    json_t *name = json_object_get(in, "name"), *url = json_object_get(in, "url");
    json_t *events = json_object_get(in, "events"), *active = json_object_get(in, "is_active");
    if (!json_is_string(name) || !json_string_length(name) || json_string_length(name) > 100)
        json_object_set_new(d, "name", json_string("must be a non-empty string"));
    if (!json_is_string(url) || strncmp(json_string_value(url), "https://", 8) ||
        json_string_length(url) <= 8 || json_string_length(url) > 2000)
        json_object_set_new(d, "url", json_string("must be an https:// URL"));
    bool events_ok = json_is_array(events) && json_array_size(events) > 0;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) events_ok =
        events_ok && json_is_string(e) && known_event(json_string_value(e));
    if (!events_ok)
        json_object_set_new(d, "events",
                            json_string("must be a non-empty array of known event names"));
    if (active && !json_is_boolean(active))
        json_object_set_new(d, "is_active", json_string("must be a boolean"));
    if (json_object_size(d))
        return d;
    json_decref(d);
    return NULL;
}

/* POST /v1/webhooks: 201 with the signing secret, which is never shown again. */
static enum MHD_Result webhook_post(sb_req *req)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return sb_reply_error(req, 400, "INVALID_REQUEST", "body must be a JSON object", NULL);
    json_t *details = validate_webhook(in);
    if (details) {
        json_decref(in);
        return sb_reply_error(req, 422, "VALIDATION_ERROR", "invalid fields", details);
    }
    char id[40], secret[80];
    unsigned char raw[24];
    sb_random_id("wh_", id, sizeof id);
    randombytes_buf(raw, sizeof raw);
    memcpy(secret, "whsec_", 6); /* prefix: OUR GUESS */
    sodium_bin2hex(secret + 6, sizeof secret - 6, raw, sizeof raw);
    json_t *active = json_object_get(in, "is_active");
    json_t *hook =
        json_pack("{s:s,s:O,s:O,s:O,s:b}", "id", id, "name", json_object_get(in, "name"), "url",
                  json_object_get(in, "url"), "events", json_object_get(in, "events"), "is_active",
                  active ? json_is_true(active) : 1);
    json_decref(in);
    json_t *shown = json_copy(hook);
    json_object_set_new(shown, "secret", json_string(secret));
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    if (json_array_size(srv->webhooks) >= SB_WEBHOOKS_MAX)
        json_array_remove(srv->webhooks, 0);
    json_array_append_new(srv->webhooks, hook); /* stored without the secret */
    pthread_mutex_unlock(&srv->lock);
    sodium_memzero(secret, sizeof secret);
    return sb_reply_json(req, 201, shown);
}

static enum MHD_Result webhooks_get(sb_req *req)
{
    pthread_mutex_lock(&req->srv->lock);
    json_t *data = json_deep_copy(req->srv->webhooks);
    pthread_mutex_unlock(&req->srv->lock);
    return sb_reply_json(req, 200, json_pack("{s:o}", "data", data));
}

/* Routes /v1/me, /v1/channels, /v1/webhooks; *handled false for anything else. */
enum MHD_Result sb_keebai_extra_route(sb_req *req, char segs[][128], size_t n, bool *handled)
{
    *handled = n == 2 && !strcmp(segs[0], "v1");
    if (!*handled)
        return MHD_NO;
    if (!strcmp(segs[1], "me"))
        return sb_is_get(req) ? me_get(req) : sb_reply_method(req, "GET");
    if (!strcmp(segs[1], "channels"))
        return sb_is_get(req) ? channels_get(req) : sb_reply_method(req, "GET");
    if (!strcmp(segs[1], "webhooks")) {
        if (sb_is_post(req))
            return webhook_post(req);
        return sb_is_get(req) ? webhooks_get(req) : sb_reply_method(req, "GET, POST");
    }
    *handled = false;
    return MHD_NO;
}

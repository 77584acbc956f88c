/* hydracore.c: the HydraCore API under /hydracore: GET, POST (setup) and DELETE (teardown) of
 * /v1/instances/{uuid}/channels/whatsapp, FastAPI-style errors, and the webhook URL it hands
 * out (its challenge and the controls are in hydracore_verify.c). */
#include "hydracore.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HC_INSTANCES_MAX 256
#define HC_NIL_INSTANCE "00000000-0000-0000-0000-000000000000"
#define HC_HEX "0123456789abcdefABCDEF"
#define HC_DIGITS "0123456789"

enum MHD_Result sb_hc_detail(sb_req *req, unsigned status, const char *detail)
{
    return sb_reply_json(req, status, json_pack("{s:s}", "detail", detail));
}

/* A bad Bearer is refused before the X-Api-Key is looked at, as FastAPI's dependencies run in
 * order; each has its own sentence so the console can say which secret is wrong. */
static bool hc_authorized(sb_req *req, enum MHD_Result *ret)
{
    sb_server *srv = req->srv;
    if (!sb_bearer_is(req, srv->hc_token, srv->hc_len)) {
        *ret = sb_reply_json_hdr(req, 401, json_pack("{s:s}", "detail", "Not authenticated"),
                                 MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
        return false;
    }
    const char *want = srv->cfg.hydracore_api_key, *got = sb_header(req, "X-Api-Key");
    if (want && (!got || strlen(got) != strlen(want) || sodium_memcmp(got, want, strlen(want)))) {
        *ret = sb_hc_detail(req, 401, "Invalid API key");
        return false;
    }
    return true;
}

/* One FastAPI/pydantic error entry for a body field; the input is left out so a refused
 * secret is never echoed. */
static void field_error(json_t *errs, const char *field, const char *type, const char *msg)
{
    json_array_append_new(
        errs, json_pack("{s:s,s:[s,s],s:s}", "type", type, "loc", "body", field, "msg", msg));
}

/*
 * The instance id in lower-case 8-4-4-4-12 form (pydantic also takes 32 bare hex digits).
 * Otherwise false, and errs gets the uuid_parsing entry pydantic would give.
 */
bool sb_hc_instance_id(const char *seg, char out[37], json_t *errs)
{
    size_t len = strlen(seg), i = 0;
    if (len == 32 && strspn(seg, HC_HEX) == 32)
        snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", seg, seg + 8, seg + 12, seg + 16, seg + 20);
    else if (sb_is_uuid(seg))
        memcpy(out, seg, 37);
    else {
        char msg[200];
        if (len != 32 && len != 36)
            snprintf(msg, sizeof msg,
                     "Input should be a valid UUID, invalid length: expected length 32 for "
                     "simple format, found %zu",
                     len);
        else {
            for (; i < len; i++) {
                bool dash = len == 36 && (i == 8 || i == 13 || i == 18 || i == 23);
                if (dash ? seg[i] != '-' : !strchr(HC_HEX, seg[i]))
                    break;
            }
            snprintf(msg, sizeof msg,
                     "Input should be a valid UUID, invalid character: expected an optional "
                     "prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%c` at %zu",
                     isprint((unsigned char)seg[i]) ? seg[i] : '?', i + 1);
        }
        json_array_append_new(errs, json_pack("{s:s,s:[s,s],s:s,s:o}", "type", "uuid_parsing",
                                              "loc", "path", "instance_id", "msg", msg, "input",
                                              sb_json_lossy(seg, len)));
        return false;
    }
    for (i = 0; i < 36; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    return true;
}

/* A string field: NULL when absent, null or not a string (errs says so unless it may be). */
static json_t *str_field(json_t *in, const char *name, bool required, json_t *errs)
{
    json_t *v = json_object_get(in, name);
    if (!v || (!required && json_is_null(v))) {
        if (required && !v)
            field_error(errs, name, "missing", "Field required");
        return NULL;
    }
    if (!json_is_string(v)) {
        field_error(errs, name, "string_type", "Input should be a valid string");
        return NULL;
    }
    return v;
}

static bool clean_text(json_t *s)
{
    const char *p = json_string_value(s);
    size_t len = json_string_length(s);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return false;
    return len >= 1 && len <= 128;
}

/* "+" then 8..15 digits, not starting with 0: E.164 as Meta shows a phone. */
static bool e164(json_t *s)
{
    const char *p = json_string_value(s);
    size_t len = json_string_length(s);
    return len >= 9 && len <= 16 && p[0] == '+' && p[1] != '0' &&
           strspn(p + 1, HC_DIGITS) == len - 1;
}

/* Every bad field of a setup body goes into errs: the sandbox reports them all at once. */
static void check_setup(json_t *in, json_t *errs)
{
    json_t *v;
    if ((v = str_field(in, "access_token", true, errs)) && json_string_length(v) < 20)
        field_error(errs, "access_token", "value_error", "access_token looks truncated");
    if ((v = str_field(in, "app_secret", true, errs)) && !sb_json_chars(v, HC_HEX, 32, 32))
        field_error(errs, "app_secret", "value_error", "app_secret must be 32 hex characters");
    if ((v = str_field(in, "phone_number_id", true, errs)) && !sb_json_chars(v, HC_DIGITS, 1, 64))
        field_error(errs, "phone_number_id", "value_error", "phone_number_id must be digits");
    if ((v = str_field(in, "display_phone", false, errs)) && !e164(v))
        field_error(errs, "display_phone", "value_error",
                    "display_phone must be E.164, e.g. +61400111222");
    if ((v = str_field(in, "verify_token", false, errs)) && !clean_text(v))
        field_error(errs, "verify_token", "value_error",
                    "verify_token must be 1 to 128 characters, no control characters");
}

/* The body as FastAPI reads it: missing, not JSON, not an object, or an object (returned). */
static json_t *setup_body(sb_req *req, json_t *errs)
{
    json_error_t jerr;
    if (!req->body || !req->body_len) {
        json_array_append_new(errs, json_pack("{s:s,s:[s],s:s,s:n}", "type", "missing", "loc",
                                              "body", "msg", "Field required", "input"));
        return NULL;
    }
    json_t *in = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!in)
        json_array_append_new(errs, json_pack("{s:s,s:[s,i],s:s,s:{},s:{s:o}}", "type",
                                              "json_invalid", "loc", "body", jerr.position, "msg",
                                              "JSON decode error", "input", "ctx", "error",
                                              sb_json_lossy(jerr.text, strlen(jerr.text))));
    else if (!json_is_object(in)) {
        json_array_append_new(errs, json_pack("{s:s,s:[s],s:s}", "type", "model_attributes_type",
                                              "loc", "body", "msg",
                                              "Input should be a valid dictionary or object to "
                                              "extract fields from"));
        json_decref(in);
        in = NULL;
    } else
        check_setup(in, errs);
    return in;
}

/* Lock held. The instance's state, made on first use ("any UUID is an instance"); the
 * oldest is forgotten past HC_INSTANCES_MAX (objects keep insertion order). */
static json_t *instance_get(sb_server *srv, const char *id)
{
    json_t *inst = json_object_get(srv->hydracore, id);
    if (inst)
        return inst;
    if (json_object_size(srv->hydracore) >= HC_INSTANCES_MAX)
        json_object_del(srv->hydracore, json_object_iter_key(json_object_iter(srv->hydracore)));
    inst =
        json_pack("{s:n,s:n,s:n,s:n,s:n,s:i,s:n}", "channel", "verify_token", "verify_token_source",
                  "last_setup", "last_setup_status", "setups", 0, "verified_by");
    json_object_set_new(srv->hydracore, id, inst);
    return json_object_get(srv->hydracore, id);
}

/* The setup body with its secrets masked to their last 4 characters, for the controls. */
static json_t *masked_setup(json_t *in)
{
    static const char *const secret[] = {"access_token", "app_secret", "verify_token"};
    json_t *m = json_deep_copy(in);
    for (size_t i = 0; m && i < sizeof secret / sizeof *secret; i++)
        if (json_is_string(json_object_get(m, secret[i])))
            json_object_set_new(m, secret[i], sb_mask_json(json_object_get(in, secret[i])));
    return m;
}

/* Lock held: configures (or replaces) the channel; returns the answer, verify_token included
 * (OUR GUESS: the seed's answer does not list it). */
static json_t *setup_apply(sb_req *req, json_t *inst, const char *id, json_t *in)
{
    char origin[128], url[256], vt[6 + 48 + 1] = "hc_vt_";
    unsigned char raw[12];
    json_t *given = json_object_get(in, "verify_token");
    bool sent = json_is_string(given); /* absent or null: one is made up */
    if (!sent) {
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(vt + 6, sizeof vt - 6, raw, sizeof raw);
    }
    sb_request_origin(req, origin, sizeof origin);
    snprintf(url, sizeof url, "%s/hydracore/webhooks/whatsapp/%s", origin, id);
    json_t *dp = json_object_get(in, "display_phone");
    json_t *ch = json_pack("{s:O,s:b,s:O,s:s,s:s}", "display_phone", dp ? dp : json_null(),
                           "enabled", 1, "phone_number_id", json_object_get(in, "phone_number_id"),
                           "status", "pending_verification", "webhook_url", url);
    json_object_set_new(inst, "channel", ch);
    json_object_set_new(inst, "verify_token", sent ? json_copy(given) : json_string(vt));
    json_object_set_new(inst, "verify_token_source", json_string(sent ? "sent" : "generated"));
    json_object_set_new(inst, "verified_by", json_null());
    sodium_memzero(vt, sizeof vt);
    json_t *out = json_copy(ch);
    json_object_set(out, "verify_token", json_object_get(inst, "verify_token"));
    return out;
}

/* POST: path and body are checked together, every bad one reported, as FastAPI does. */
static enum MHD_Result setup_post(sb_req *req, const char *seg)
{
    char id[37];
    json_t *errs = json_array();
    bool id_ok = sb_hc_instance_id(seg, id, errs);
    json_t *in = setup_body(req, errs);
    bool nil = id_ok && !strcmp(id, HC_NIL_INSTANCE);
    bool bad = json_array_size(errs) > 0;
    json_t *out = NULL;
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    if (id_ok && !nil && in) { /* kept, secrets masked, even when refused: tests look at it */
        json_t *inst = instance_get(srv, id);
        json_object_set_new(inst, "last_setup", masked_setup(in));
        json_object_set_new(inst, "last_setup_status", json_integer(bad ? 422 : 200));
        if (!bad) {
            json_object_set_new(
                inst, "setups",
                json_integer(json_integer_value(json_object_get(inst, "setups")) + 1));
            out = setup_apply(req, inst, id, in);
        }
    }
    pthread_mutex_unlock(&srv->lock);
    json_decref(in);
    if (bad)
        return sb_reply_json(req, 422, json_pack("{s:o}", "detail", errs));
    json_decref(errs);
    if (nil)
        return sb_hc_detail(req, 404, "Instance not found");
    return out ? sb_reply_json(req, 200, out) : sb_hc_detail(req, 500, "Internal Server Error");
}

/* GET and DELETE of a configured channel; 404 with the detail sentence when there is none. */
static enum MHD_Result channel_op(sb_req *req, const char *seg, bool del)
{
    char id[37];
    json_t *errs = json_array();
    if (!sb_hc_instance_id(seg, id, errs))
        return sb_reply_json(req, 422, json_pack("{s:o}", "detail", errs));
    json_decref(errs);
    if (!strcmp(id, HC_NIL_INSTANCE))
        return sb_hc_detail(req, 404, "Instance not found");
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    json_t *inst = instance_get(srv, id), *ch = json_object_get(inst, "channel");
    bool found = json_is_object(ch);
    json_t *out = found && !del ? json_copy(ch) : NULL;
    if (found && del) {
        json_object_set_new(inst, "channel", json_null());
        json_object_set_new(inst, "verify_token", json_null());
        json_object_set_new(inst, "verify_token_source", json_null());
        json_object_set_new(inst, "verified_by", json_null());
    }
    pthread_mutex_unlock(&srv->lock);
    if (!found)
        return sb_hc_detail(req, 404, "WhatsApp channel not configured");
    return del ? sb_reply_empty(req, 204) : sb_reply_json(req, 200, out);
}

enum MHD_Result sb_hc_method(sb_req *req, const char *allow)
{
    return sb_reply_json_hdr(req, 405, json_pack("{s:s}", "detail", "Method Not Allowed"),
                             MHD_HTTP_HEADER_ALLOW, allow);
}

/* Everything under /hydracore. Meta's challenge takes no key and no fail control: it is
 * Meta calling, not the console. */
enum MHD_Result sb_hydracore_route(sb_req *req, const char *rest)
{
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    if (n == 3 && !strcmp(seg[0], "webhooks") && !strcmp(seg[1], "whatsapp"))
        return sb_is_get(req) ? sb_hc_challenge(req, seg[2]) : sb_hc_method(req, "GET");
    enum MHD_Result ret;
    if (sb_fail_take(req->srv, &req->srv->hc_fail))
        return sb_hc_detail(req, 500, "Internal Server Error");
    if (!hc_authorized(req, &ret))
        return ret;
    if (req->too_big)
        return sb_hc_detail(req, 413, "Request Entity Too Large");
    if (n != 5 || strcmp(seg[0], "v1") || strcmp(seg[1], "instances") ||
        strcmp(seg[3], "channels") || strcmp(seg[4], "whatsapp"))
        return sb_hc_detail(req, 404, "Not Found");
    if (sb_is_get(req))
        return channel_op(req, seg[2], false);
    if (!strcmp(req->method, "DELETE"))
        return channel_op(req, seg[2], true);
    if (sb_is_post(req))
        return setup_post(req, seg[2]);
    return sb_hc_method(req, "GET, POST, DELETE");
}

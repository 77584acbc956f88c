/* hubmessage.c: the HubMessage API under /hubmessage/v1: create a channel, connect it with
 * what the browser SDK handed over (wabaId, phoneId, code, coexistence), read it, send a test
 * message inside the 24 h customer window; and its /_sandbox/hubmessage controls. */
#include "sb.h"

#include <stdio.h>
#include <string.h>

#define HM_CHANNELS_MAX 256
#define HM_LIST_MAX 200
#define HM_DIGITS "0123456789"

/* The error envelope is not published; this is the spec's guess:
 * {"error":{"code","message","field"?}}. */
static enum MHD_Result hm_error(sb_req *req, unsigned status, const char *code, const char *msg,
                                const char *field)
{
    json_t *e = json_pack("{s:s,s:s}", "code", code, "message", msg);
    if (e && field)
        json_object_set_new(e, "field", json_string(field));
    return sb_reply_json(req, status, json_pack("{s:o}", "error", e));
}

static enum MHD_Result hm_method(sb_req *req, const char *allow)
{
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", "METHOD_NOT_ALLOWED", "message",
                             "method not allowed on this route");
    return sb_reply_json_hdr(req, 405, body, MHD_HTTP_HEADER_ALLOW, allow);
}

/* The secret key only; a public key gets a sentence saying where it belongs, since pasting
 * the wrong one of the pair is the likely mistake. */
static bool hm_authorized(sb_req *req, enum MHD_Result *ret)
{
    sb_server *srv = req->srv;
    if (sb_bearer_is(req, srv->hm_token, srv->hm_len))
        return true;
    const char *b = sb_bearer(req);
    bool pub = b && (!strncmp(b, "hm_pk_", 6) || !strncmp(b, "pk_", 3));
    *ret = hm_error(req, 401, "UNAUTHORIZED",
                    pub ? "this is a public key: public keys are for the browser SDK "
                          "(@hubmessage/connect); the API takes the secret key"
                        : "missing or invalid secret key",
                    NULL);
    return false;
}

/* Lock held. The channel with this id ("latest": the newest, for controls), or NULL. */
static json_t *channel_find(sb_server *srv, const char *id, bool allow_latest)
{
    json_t *list = json_object_get(srv->hubmessage, "channels");
    size_t n = json_array_size(list);
    if (allow_latest && !strcmp(id, "latest"))
        return n ? json_array_get(list, n - 1) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(list, i);
        if (!strcmp(json_string_value(json_object_get(c, "id")), id))
            return c;
    }
    return NULL;
}

/* POST /v1/channels {"name","type":"META_WHATSAPP"} -> 201 {"id"} */
static enum MHD_Result channel_create(sb_req *req)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return hm_error(req, 400, "INVALID_FIELD", "the body must be a JSON object", NULL);
    json_t *name = json_object_get(in, "name"), *type = json_object_get(in, "type");
    const char *field = NULL, *msg = NULL;
    if (!json_is_string(name) || !json_string_length(name) || json_string_length(name) > 100)
        field = "name", msg = "name is required: a string of 1 to 100 characters";
    else if (!json_is_string(type) || strcmp(json_string_value(type), "META_WHATSAPP"))
        field = "type", msg = "type must be META_WHATSAPP";
    if (field) {
        json_decref(in);
        return hm_error(req, 400, "INVALID_FIELD", msg, field);
    }
    char id[37];
    sb_random_uuid(id);
    json_t *ch =
        json_pack("{s:s,s:O,s:s,s:s,s:n,s:n,s:n}", "id", id, "name", name, "type", "META_WHATSAPP",
                  "status", "CREATED", "wabaId", "phoneId", "coexistence");
    json_decref(in);
    if (!ch)
        return hm_error(req, 500, "SERVER_ERROR", "cannot create the channel", NULL);
    pthread_mutex_lock(&req->srv->lock);
    sb_list_append(json_object_get(req->srv->hubmessage, "channels"), ch, HM_CHANNELS_MAX);
    pthread_mutex_unlock(&req->srv->lock);
    return sb_reply_json(req, 201, json_pack("{s:s}", "id", id));
}

/* GET /v1/channels/{id}: OUR addition (the hub may have no such route), for the status. */
static enum MHD_Result channel_get(sb_req *req, const char *id)
{
    pthread_mutex_lock(&req->srv->lock);
    json_t *c = channel_find(req->srv, id, false);
    json_t *out = c ? json_deep_copy(c) : NULL;
    pthread_mutex_unlock(&req->srv->lock);
    if (!out)
        return hm_error(req, 404, "CHANNEL_NOT_FOUND", "no channel with this id", NULL);
    return sb_reply_json(req, 200, out);
}

/* The first problem of a connect body, or NULL; *field names it as the body does. */
static const char *connect_problem(json_t *in, const char **field)
{
    if (!sb_json_chars(json_object_get(in, "wabaId"), HM_DIGITS, 5, 32))
        return *field = "wabaId", "wabaId is required: the WhatsApp Business Account id (digits)";
    if (!sb_json_chars(json_object_get(in, "phoneId"), HM_DIGITS, 5, 32))
        return *field = "phoneId", "phoneId is required: the phone number id (digits)";
    json_t *code = json_object_get(in, "code");
    if (!json_is_string(code) || !json_string_length(code) || json_string_length(code) > 1024)
        return *field = "code", "code is required: the authorization code from the SDK";
    if (!json_is_boolean(json_object_get(in, "coexistence")))
        return *field = "coexistence", "coexistence is required and must be a boolean";
    return NULL;
}

/* A code the sandbox refuses as Meta would: "EXPIRED", or anything starting "bad". */
static const char *code_problem(const char *code)
{
    if (!strcmp(code, "EXPIRED"))
        return "authorization code expired: run the signup again";
    if (!strncmp(code, "bad", 3))
        return "authorization code rejected by WhatsApp: run the signup again";
    return NULL;
}

/* POST /v1/channels/{id}/connect {wabaId, phoneId, code, coexistence} -> {"success":true} */
static enum MHD_Result channel_connect(sb_req *req, const char *id)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return hm_error(req, 400, "INVALID_FIELD", "the body must be a JSON object", NULL);
    const char *field = NULL, *msg = connect_problem(in, &field);
    if (msg) {
        json_decref(in);
        return hm_error(req, 400, "INVALID_FIELD", msg, field);
    }
    const char *bad_code = code_problem(json_string_value(json_object_get(in, "code")));
    sb_server *srv = req->srv;
    unsigned status = 200;
    pthread_mutex_lock(&srv->lock);
    json_t *c = channel_find(srv, id, false);
    if (!c)
        status = 404;
    else if (!strcmp(json_string_value(json_object_get(c, "status")), "CONNECTED"))
        status = 409;
    else if (bad_code)
        status = 400;
    else { /* the code is one-time: it is not kept */
        json_object_set_new(c, "status", json_string("CONNECTED"));
        json_object_set(c, "wabaId", json_object_get(in, "wabaId"));
        json_object_set(c, "phoneId", json_object_get(in, "phoneId"));
        json_object_set(c, "coexistence", json_object_get(in, "coexistence"));
    }
    pthread_mutex_unlock(&srv->lock);
    json_decref(in);
    if (status == 404)
        return hm_error(req, 404, "CHANNEL_NOT_FOUND", "no channel with this id", NULL);
    if (status == 409)
        return hm_error(req, 409, "ALREADY_CONNECTED", "the channel is already connected", NULL);
    if (status == 400)
        return hm_error(req, 400, "INVALID_CODE", bad_code, "code");
    return sb_reply_json(req, 200, json_pack("{s:b}", "success", 1));
}

/* The first problem of a message body, or NULL; *field names it by its path in the body. */
static const char *message_problem(json_t *in, const char **field)
{
    json_t *recipient = json_object_get(in, "recipient"), *content = json_object_get(in, "content");
    json_t *body = json_object_get(content, "body");
    json_t *text = json_object_get(body, "message");
    if (!sb_json_chars(json_object_get(recipient, "identifier"), HM_DIGITS, 8, 15))
        return *field = "recipient.identifier",
               "recipient.identifier is required: the phone with country code, 8 to 15 digits";
    json_t *type = json_object_get(content, "type");
    if (!json_is_string(type) || strcmp(json_string_value(type), "TEXT"))
        return *field = "content.type", "content.type must be TEXT";
    if (!json_is_string(text) || !json_string_length(text) || json_string_length(text) > 4096)
        return *field = "content.body.message",
               "content.body.message is required: 1 to 4096 characters";
    return NULL;
}

/* Lock held: the window control opened it for this number. */
static bool window_listed(sb_server *srv, const char *number)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(srv->hubmessage, "windows"), i, w)
    {
        if (!strcmp(json_string_value(w), number))
            return true;
    }
    return false;
}

/* Lock held. Sandbox rule: a number ending in an even digit wrote in the last 24 h; others
 * only once the window control opened it for them. */
static bool in_window(sb_server *srv, const char *number)
{
    size_t len = strlen(number);
    return (len && (number[len - 1] - '0') % 2 == 0) || window_listed(srv, number);
}

/* Lock held: the answer's status after the channel's state and the window are checked; a
 * message that goes out is kept for the control view. */
static unsigned message_take(sb_server *srv, const char *id, json_t *in, char msg_id[37])
{
    json_t *c = channel_find(srv, id, false);
    const char *to =
        json_string_value(json_object_get(json_object_get(in, "recipient"), "identifier"));
    if (!c)
        return 404;
    if (strcmp(json_string_value(json_object_get(c, "status")), "CONNECTED"))
        return 409;
    if (!in_window(srv, to))
        return 422;
    sb_random_uuid(msg_id);
    json_t *text =
        json_object_get(json_object_get(json_object_get(in, "content"), "body"), "message");
    sb_list_append(json_object_get(srv->hubmessage, "messages"),
                   json_pack("{s:s,s:s,s:s,s:O}", "messageId", msg_id, "channelId", id, "to", to,
                             "message", text),
                   HM_LIST_MAX);
    return 200;
}

/* POST /v1/channels/{id}/messages -> {"messageId"} */
static enum MHD_Result channel_message(sb_req *req, const char *id)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return hm_error(req, 400, "INVALID_FIELD", "the body must be a JSON object", NULL);
    const char *field = NULL, *msg = message_problem(in, &field);
    if (msg) {
        json_decref(in);
        return hm_error(req, 400, "INVALID_FIELD", msg, field);
    }
    char msg_id[37];
    pthread_mutex_lock(&req->srv->lock);
    unsigned status = message_take(req->srv, id, in, msg_id);
    pthread_mutex_unlock(&req->srv->lock);
    json_decref(in);
    if (status == 404)
        return hm_error(req, 404, "CHANNEL_NOT_FOUND", "no channel with this id", NULL);
    if (status == 409)
        return hm_error(req, 409, "CHANNEL_NOT_CONNECTED", "the channel is not connected yet",
                        NULL);
    if (status == 422)
        return hm_error(req, 422, "OUTSIDE_WINDOW",
                        "the recipient has not written in the last 24 hours: only a template "
                        "message can start the conversation",
                        "recipient.identifier");
    return sb_reply_json(req, 200, json_pack("{s:s}", "messageId", msg_id));
}

/* Everything under /hubmessage: the fail control first, then the key, then the route. */
enum MHD_Result sb_hubmessage_route(sb_req *req, const char *rest)
{
    enum MHD_Result ret;
    if (sb_fail_take(req->srv, &req->srv->hm_fail))
        return hm_error(req, 500, "SERVER_ERROR", "internal server error (sandbox fail control)",
                        NULL);
    if (!hm_authorized(req, &ret))
        return ret;
    if (req->too_big)
        return hm_error(req, 413, "PAYLOAD_TOO_LARGE", "the body is too large", NULL);
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    bool post = sb_is_post(req);
    if (n < 2 || n > 4 || strcmp(seg[0], "v1") || strcmp(seg[1], "channels"))
        return hm_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (n == 2)
        return post ? channel_create(req) : hm_method(req, "POST");
    if (n == 3)
        return sb_is_get(req) ? channel_get(req, seg[2]) : hm_method(req, "GET");
    if (!strcmp(seg[3], "connect"))
        return post ? channel_connect(req, seg[2]) : hm_method(req, "POST");
    if (!strcmp(seg[3], "messages"))
        return post ? channel_message(req, seg[2]) : hm_method(req, "POST");
    return hm_error(req, 404, "NOT_FOUND", "no such route", NULL);
}

/* POST /_sandbox/hubmessage/window/{number}: this number has now written to the business. */
static enum MHD_Result window_open(sb_req *req, const char *number)
{
    if (!sb_is_post(req))
        return sb_reply_method(req, "POST");
    size_t len = strlen(number);
    if (len < 8 || len > 15 || strspn(number, HM_DIGITS) != len)
        return sb_reply_error(req, 400, "INVALID_REQUEST",
                              "the number must be 8 to 15 digits, no +", NULL);
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    json_t *windows = json_object_get(srv->hubmessage, "windows");
    if (!window_listed(srv, number))
        sb_list_append(windows, json_string(number), HM_LIST_MAX);
    json_t *all = json_deep_copy(windows);
    pthread_mutex_unlock(&srv->lock);
    return sb_reply_json(req, 200,
                         json_pack("{s:b,s:s,s:o}", "ok", 1, "number", number, "windows", all));
}

/*
 * /_sandbox/hubmessage: GET everything (channels with their connect fields, open windows,
 * messages sent); GET channels/{id|latest}; POST window/{number}; POST fail?times=N.
 */
enum MHD_Result sb_hubmessage_control(sb_req *req, char segs[][128], size_t n)
{
    sb_server *srv = req->srv;
    if (n == 2 && !strcmp(segs[0], "window"))
        return window_open(req, segs[1]);
    if (n == 1 && !strcmp(segs[0], "fail"))
        return sb_fail_control(req, &srv->hm_fail);
    if (n != 0 && (n != 2 || strcmp(segs[0], "channels")))
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (!sb_is_get(req))
        return sb_reply_method(req, "GET");
    pthread_mutex_lock(&srv->lock);
    json_t *out = NULL;
    if (n == 0) {
        out = json_deep_copy(srv->hubmessage);
        json_object_set_new(out, "fail_next", json_integer(srv->hm_fail));
    } else {
        json_t *c = channel_find(srv, segs[1], true);
        out = c ? json_deep_copy(c) : NULL;
    }
    pthread_mutex_unlock(&srv->lock);
    if (!out)
        return sb_reply_error(req, 404, "NOT_FOUND", "no such HubMessage channel", NULL);
    return sb_reply_json(req, 200, out);
}

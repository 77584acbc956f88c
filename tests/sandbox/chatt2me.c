/* chatt2me.c: the Chatt2.me API under /chatt2me/v1: send a message from one of the key's
 * application's channels, create and list webhooks (one event type each); plus its
 * /_sandbox/chatt2me controls. Channels are made in the hub's dashboard, so here they are a
 * fixed table (printed by --help). */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define C2M_LIST_MAX 200
#define C2M_DIGITS "0123456789"

static const struct {
    const char *key, *name;
} apps[] = {{SB_CHATT2ME_KEY, "Sandbox App"}, {SB_CHATT2ME_OTHER_KEY, "Other App"}};

static const struct {
    const char *id, *kind, *app;
} channels[] = {
    {"6cbd6789-1d2b-47e0-9391-5eb91d2839ea", "whatsapp", "Sandbox App"},
    {"2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10", "sms", "Sandbox App"},
    {"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "telegram", "Sandbox App"},
    {"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "instagram", "Sandbox App"},
    {"4d5e6f70-8192-4a3b-9c4d-5e6f70819203", "messenger", "Sandbox App"},
    {"5e6f7081-92a3-4b4c-8d5e-6f708192a3b4", "webchatt", "Sandbox App"},
    {"7f808192-a3b4-4c5d-9e6f-708192a3b4c5", "whatsapp", "Other App"},
};

#define NCHANNELS (sizeof channels / sizeof *channels)

static const char *const kinds[] = {"whatsapp", "instagram", "messenger",
                                    "telegram", "sms",       "webchatt"};

static enum MHD_Result c2m_error(sb_req *req, unsigned status, const char *code, const char *msg)
{
    return sb_reply_json(req, status,
                         json_pack("{s:s,s:s}", "errorCode", code, "errorMessage", msg));
}

/* The application the x-api-key opens; NULL when it opens none. Every key is compared in
 * full, so the time taken does not tell which one nearly matched. */
static const char *c2m_app(sb_req *req)
{
    const char *got = sb_header(req, "x-api-key"), *app = NULL;
    for (size_t i = 0; got && i < sizeof apps / sizeof *apps; i++)
        if (strlen(got) == strlen(apps[i].key) &&
            !sodium_memcmp(got, apps[i].key, strlen(apps[i].key)))
            app = apps[i].name;
    return app;
}

/* The channel with this UUID in the application, or -1: a key sees its own channels only. */
static int channel_find(const char *app, const char *id)
{
    for (size_t i = 0; i < NCHANNELS; i++)
        if (!strcasecmp(channels[i].id, id) && !strcmp(channels[i].app, app))
            return (int)i;
    return -1;
}

static bool known_kind(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i], kind))
            return true;
    return false;
}

/* What `to` must look like per kind (seed 004); NULL when it fits, else the sentence. */
static const char *recipient_problem(const char *kind, json_t *to)
{
    const char *s = json_string_value(to);
    size_t len = json_string_length(to);
    if (!strcmp(kind, "whatsapp"))
        return sb_json_chars(to, C2M_DIGITS, 8, 15) && s[0] != '0'
                   ? NULL
                   : "WhatsApp takes an E.164 number without +, e.g. 5511993986082";
    if (!strcmp(kind, "sms"))
        return len >= 9 && len <= 16 && s[0] == '+' && s[1] != '0' &&
                       strspn(s + 1, C2M_DIGITS) == len - 1
                   ? NULL
                   : "SMS takes an E.164 number with +, e.g. +5511944574999";
    if (!strcmp(kind, "webchatt")) {
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
                return "Web Chatt takes the visitor identifier from an inbound webhook";
        return len <= 200 ? NULL : "Web Chatt takes the visitor identifier from an inbound webhook";
    }
    const char *digits = !strcmp(kind, "telegram") && s[0] == '-' ? s + 1 : s;
    size_t dlen = len - (size_t)(digits - s);
    if (dlen && dlen <= 32 && strspn(digits, C2M_DIGITS) == dlen)
        return NULL;
    if (!strcmp(kind, "telegram"))
        return "Telegram takes the user or group chat_id, e.g. 8568649397";
    return !strcmp(kind, "instagram") ? "Instagram takes the IGSID, e.g. 847495124317323"
                                      : "Messenger takes the PSID, e.g. 26203292189261166";
}

/* The first problem of a message body's shape, or NULL. */
static const char *payload_problem(json_t *in)
{
    json_t *from = json_object_get(in, "from"), *to = json_object_get(in, "to");
    json_t *text = json_object_get(json_object_get(in, "content"), "text");
    if (!json_is_string(from) || !sb_is_uuid(json_string_value(from)))
        return "from is required: the UUID of the sending channel";
    if (!json_is_string(to) || !json_string_length(to))
        return "to is required: the recipient's identifier on the channel";
    if (!json_is_string(text) || !json_string_length(text))
        return "content.text is required and must not be empty";
    if (json_string_length(text) > 4096)
        return "content.text is longer than 4096 characters";
    return NULL;
}

/* The channel the path names: a kind, or (the sandbox also takes it) a channel UUID. Returns
 * NULL when it fits channel i, else the error code; *msg is the sentence. */
static const char *path_problem(const char *app, const char *path_ch, int i, const char **msg)
{
    const char *kind = path_ch;
    if (sb_is_uuid(path_ch)) {
        int j = channel_find(app, path_ch);
        if (j < 0)
            return *msg = "no channel with this id in the application", "CHANNEL_NOT_FOUND";
        kind = channels[j].kind;
    } else if (!known_kind(path_ch))
        return *msg = "unknown channel type in the path (whatsapp, instagram, messenger, "
                      "telegram, sms, webchatt)",
               "CHANNEL_KIND_MISMATCH";
    if (strcmp(kind, channels[i].kind))
        return *msg = "the from channel is not of the channel type in the path",
               "CHANNEL_KIND_MISMATCH";
    return NULL;
}

/* Keeps the message for the controls; the answer: "enqueued" for WhatsApp and Messenger
 * (queued at Meta), "sent" for the others, "error" for a recipient ending in 0000. */
static json_t *message_take(sb_server *srv, const char *app, int i, json_t *in)
{
    char id[37];
    sb_random_uuid(id);
    json_t *to = json_object_get(in, "to");
    const char *s = json_string_value(to);
    size_t len = json_string_length(to);
    bool unreachable = len >= 4 && !strcmp(s + len - 4, "0000");
    const char *kind = channels[i].kind;
    bool queued = !strcmp(kind, "whatsapp") || !strcmp(kind, "messenger");
    json_t *out = json_pack("{s:s,s:s}", "messageId", id, "status",
                            unreachable ? "error"
                            : queued    ? "enqueued"
                                        : "sent");
    if (out && unreachable) {
        json_object_set_new(out, "errorCode", json_string("RECIPIENT_UNREACHABLE"));
        json_object_set_new(out, "errorMessage",
                            json_string("The recipient cannot be reached on this channel"));
    }
    json_t *kept = json_pack(
        "{s:s,s:s,s:s,s:O,s:O,s:O}", "application", app, "kind", kind, "from", channels[i].id, "to",
        to, "text", json_object_get(json_object_get(in, "content"), "text"), "answer", out);
    pthread_mutex_lock(&srv->lock);
    sb_list_append(json_object_get(srv->chatt2me, "messages"), kept, C2M_LIST_MAX);
    pthread_mutex_unlock(&srv->lock);
    return out;
}

/* The checks, in the order the hub most likely makes them. Returns 0 when the message can
 * go out (*i is its channel), else the status with *code and *msg. */
static unsigned message_check(const char *app, const char *path_ch, json_t *in, int *i,
                              const char **code, const char **msg)
{
    *code = "INVALID_PAYLOAD";
    if ((*msg = payload_problem(in)))
        return 400;
    *i = channel_find(app, json_string_value(json_object_get(in, "from")));
    if (*i < 0) {
        *code = "CHANNEL_NOT_FOUND";
        *msg = "the from channel is not a channel of this application";
        return 404;
    }
    if ((*code = path_problem(app, path_ch, *i, msg)))
        return strcmp(*code, "CHANNEL_NOT_FOUND") ? 400 : 404;
    *code = "INVALID_RECIPIENT";
    *msg = recipient_problem(channels[*i].kind, json_object_get(in, "to"));
    return *msg ? 400 : 0;
}

/* POST /v1/communication/{channel}/message {"from","to","content":{"text"}} */
static enum MHD_Result message_post(sb_req *req, const char *app, const char *path_ch)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return c2m_error(req, 400, "INVALID_PAYLOAD", "the body must be a JSON object");
    const char *code, *msg;
    int i = -1;
    unsigned status = message_check(app, path_ch, in, &i, &code, &msg);
    json_t *out = status ? NULL : message_take(req->srv, app, i, in);
    json_decref(in);
    if (status)
        return c2m_error(req, status, code, msg);
    return out ? sb_reply_json(req, 200, out) : c2m_error(req, 500, "INTERNAL_ERROR", "no memory");
}

/* The host of an https:// URL (userinfo and port left out) into host; false if none. */
static bool https_host(const char *url, char *host, size_t n)
{
    if (strncasecmp(url, "https://", 8) || strpbrk(url, " \t\r\n"))
        return false;
    const char *a = url + 8;
    size_t alen = strcspn(a, "/?#");
    const char *at = memchr(a, '@', alen);
    if (at) {
        alen -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    size_t hlen = a[0] == '[' ? strcspn(a, "]") + 1 : strcspn(a, ":/?#");
    if (hlen > alen)
        hlen = alen;
    if (!hlen || hlen >= n)
        return false;
    snprintf(host, n, "%.*s", (int)hlen, a);
    return true;
}

/* POST /v1/organization/webhook {"label","endpoint","eventType"} -> 201 */
static enum MHD_Result webhook_post(sb_req *req, const char *app)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return c2m_error(req, 400, "INVALID_PAYLOAD", "the body must be a JSON object");
    json_t *label = json_object_get(in, "label"), *endpoint = json_object_get(in, "endpoint");
    json_t *event = json_object_get(in, "eventType");
    const char *ev = json_string_value(event), *msg = NULL, *code = "INVALID_PAYLOAD";
    char host[256];
    if (!json_is_string(label) || !json_string_length(label) || json_string_length(label) > 100)
        msg = "label is required: 1 to 100 characters";
    else if (!json_is_string(endpoint) || json_string_length(endpoint) > 2000)
        msg = "endpoint is required: the https:// URL to call";
    else if (!ev)
        msg = "eventType is required: Message or MessageStatus";
    else if (strcmp(ev, "Message") && strcmp(ev, "MessageStatus"))
        code = "INVALID_EVENT_TYPE", msg = "eventType must be Message or MessageStatus";
    else if (!https_host(json_string_value(endpoint), host, sizeof host))
        code = "INVALID_ENDPOINT", msg = "the endpoint must be an https:// URL with a host";
    else if (!strcasecmp(host, "unreachable.example"))
        code = "ENDPOINT_VERIFICATION_FAILED",
        msg = "the endpoint did not answer 200 to the verification request";
    if (msg) {
        json_decref(in);
        return c2m_error(req, 400, code, msg);
    }
    char id[37];
    sb_random_uuid(id);
    json_t *hook = json_pack("{s:s,s:O,s:O,s:s,s:b}", "id", id, "label", label, "endpoint",
                             endpoint, "eventType", ev, "active", 1);
    json_t *kept = json_copy(hook);
    json_object_set_new(kept, "application", json_string(app));
    json_decref(in);
    pthread_mutex_lock(&req->srv->lock);
    sb_list_append(json_object_get(req->srv->chatt2me, "webhooks"), kept, C2M_LIST_MAX);
    pthread_mutex_unlock(&req->srv->lock);
    return hook ? sb_reply_json(req, 201, hook)
                : c2m_error(req, 500, "INTERNAL_ERROR", "no memory");
}

/* GET /v1/organization/webhook -> {"data":[...]}: the ones this application's key made, since
 * a key only ever sees its own application's things (seed 004). */
static enum MHD_Result webhook_list(sb_req *req, const char *app)
{
    json_t *data = json_array();
    size_t i;
    json_t *h;
    pthread_mutex_lock(&req->srv->lock);
    json_array_foreach(json_object_get(req->srv->chatt2me, "webhooks"), i, h)
    {
        if (strcmp(json_string_value(json_object_get(h, "application")), app))
            continue;
        json_t *copy = json_copy(h);
        json_object_del(copy, "application");
        json_array_append_new(data, copy);
    }
    pthread_mutex_unlock(&req->srv->lock);
    return sb_reply_json(req, 200, json_pack("{s:o}", "data", data));
}

static enum MHD_Result c2m_method(sb_req *req, const char *allow)
{
    return sb_reply_json_hdr(req, 405,
                             json_pack("{s:s,s:s}", "errorCode", "METHOD_NOT_ALLOWED",
                                       "errorMessage", "method not allowed on this route"),
                             MHD_HTTP_HEADER_ALLOW, allow);
}

/* Everything under /chatt2me: the fail control first, then the key, then the route. */
enum MHD_Result sb_chatt2me_route(sb_req *req, const char *rest)
{
    if (sb_fail_take(req->srv, &req->srv->c2m_fail))
        return c2m_error(req, 500, "INTERNAL_ERROR",
                         "internal server error (sandbox fail control)");
    const char *app = c2m_app(req);
    if (!app)
        return c2m_error(req, 401, "UNAUTHORIZED", "Invalid API key");
    if (req->too_big)
        return c2m_error(req, 413, "PAYLOAD_TOO_LARGE", "the body is too large");
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    if (n == 4 && !strcmp(seg[0], "v1") && !strcmp(seg[1], "communication") &&
        !strcmp(seg[3], "message"))
        return sb_is_post(req) ? message_post(req, app, seg[2]) : c2m_method(req, "POST");
    if (n == 3 && !strcmp(seg[0], "v1") && !strcmp(seg[1], "organization") &&
        !strcmp(seg[2], "webhook")) {
        if (sb_is_post(req))
            return webhook_post(req, app);
        return sb_is_get(req) ? webhook_list(req, app) : c2m_method(req, "GET, POST");
    }
    return c2m_error(req, 404, "NOT_FOUND", "no such route");
}

/* The fixed channel table, per application, for the controls. */
static json_t *channels_json(void)
{
    json_t *list = json_array();
    for (size_t i = 0; i < NCHANNELS; i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "id", channels[i].id, "kind",
                                              channels[i].kind, "application", channels[i].app));
    return list;
}

/* /_sandbox/chatt2me: GET the channels, the messages sent and the webhooks created;
 * POST fail?times=N (the next N requests answer 500). */
enum MHD_Result sb_chatt2me_control(sb_req *req, char segs[][128], size_t n)
{
    sb_server *srv = req->srv;
    if (n == 1 && !strcmp(segs[0], "fail"))
        return sb_fail_control(req, &srv->c2m_fail);
    if (n)
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (!sb_is_get(req))
        return sb_reply_method(req, "GET");
    pthread_mutex_lock(&srv->lock);
    json_t *out = json_deep_copy(srv->chatt2me);
    json_object_set_new(out, "fail_next", json_integer(srv->c2m_fail));
    pthread_mutex_unlock(&srv->lock);
    json_object_set_new(out, "channels", channels_json());
    return sb_reply_json(req, 200, out);
}

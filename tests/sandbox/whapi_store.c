/* whapi_store.c: Whapi channels: creation, lookup by id or token, the health timeline and
 * the rotating rowdata QR; plus the /whapi routing and its test controls. */
#include "whapi.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_MS 86400000LL

static void random_chars(const char *alphabet, char *out, size_t len)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)k)];
    out[len] = '\0';
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void channel_free(sb_wchannel *c)
{
    sodium_memzero(c->token, sizeof c->token);
    free(c->name);
    free(c->project_id);
    free(c->rowdata);
    json_decref(c->settings);
    free(c);
}

void sb_whapi_free(sb_server *srv)
{
    if (!srv->whapi)
        return;
    for (size_t i = 0; i < srv->whapi->n; i++)
        channel_free(srv->whapi->items[i]);
    free(srv->whapi);
    srv->whapi = NULL;
}

sb_wchannel *sb_wchannel_new(sb_server *srv, const char *name, const char *project)
{
    if (!srv->whapi && !(srv->whapi = calloc(1, sizeof *srv->whapi)))
        return NULL;
    sb_wchannel *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->name = strdup(name);
    c->project_id = strdup(project);
    if (!c->name || !c->project_id) {
        channel_free(c);
        return NULL;
    }
    memcpy(c->id, "SHAZAM-", 7);
    random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", c->id + 7, 5);
    random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", c->token,
                 SB_WHAPI_TOKEN_LEN);
    c->created_wall_ms = wall_ms();
    c->created_ms = sb_now_ms();
    memcpy(c->mode, "trial", 6);
    sb_whapi *w = srv->whapi;
    if (w->n == SB_WHAPI_CHANNELS_MAX) {
        channel_free(w->items[0]);
        memmove(w->items, w->items + 1, --w->n * sizeof *w->items);
    }
    w->items[w->n++] = c;
    return c;
}

sb_wchannel *sb_wchannel_find(sb_server *srv, const char *id)
{
    sb_whapi *w = srv->whapi;
    if (!w || !w->n)
        return NULL;
    if (!strcmp(id, "latest"))
        return w->items[w->n - 1];
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->items[i]->id, id))
            return w->items[i];
    return NULL;
}

/* Compares every token in full, so the time taken does not tell which one nearly matched. */
sb_wchannel *sb_wchannel_by_token(sb_server *srv, const char *token)
{
    sb_wchannel *hit = NULL;
    if (!token || strlen(token) != SB_WHAPI_TOKEN_LEN || !srv->whapi)
        return NULL;
    for (size_t i = 0; i < srv->whapi->n; i++)
        if (!sodium_memcmp(srv->whapi->items[i]->token, token, SB_WHAPI_TOKEN_LEN))
            hit = srv->whapi->items[i];
    return hit;
}

bool sb_wchannel_delete(sb_server *srv, const char *id)
{
    sb_whapi *w = srv->whapi;
    for (size_t i = 0; w && i < w->n; i++)
        if (!strcmp(w->items[i]->id, id)) {
            channel_free(w->items[i]);
            memmove(w->items + i, w->items + i + 1, (w->n - i - 1) * sizeof *w->items);
            w->n--;
            return true;
        }
    return false;
}

/*
 * The timeline of a new channel: INIT for the first half of --whapi-launch-ms, LAUNCH for
 * the second, then QR until a scan makes it AUTH. (How long the real phases last is not
 * published; a few seconds is what users report.)
 */
sb_whealth sb_wchannel_health(sb_server *srv, const sb_wchannel *c, int64_t now)
{
    if (c->authed)
        return SB_W_AUTH;
    int64_t age = now - c->created_ms;
    if (age >= srv->cfg.whapi_launch_ms)
        return SB_W_QR;
    return age * 2 < srv->cfg.whapi_launch_ms ? SB_W_INIT : SB_W_LAUNCH;
}

/* When rowdata number `attempt` stops being valid: the Keebai QR timings, from QR time on. */
static int64_t row_deadline(const sb_server *srv, const sb_wchannel *c, int attempt)
{
    return c->created_ms + srv->cfg.whapi_launch_ms + srv->cfg.qr_first_ms +
           (int64_t)(attempt - 1) * srv->cfg.qr_next_ms;
}

/*
 * Brings the rowdata up to now (call in the QR phase) and returns the ms it has left.
 * Unlike a Keebai session it never runs out: OUR GUESS is that a Whapi channel keeps
 * offering QRs for as long as it lives.
 */
int64_t sb_wchannel_rowdata(sb_server *srv, sb_wchannel *c, int64_t now)
{
    int attempt = c->attempt ? c->attempt : 1;
    while (now >= row_deadline(srv, c, attempt))
        attempt++;
    if (attempt != c->attempt || !c->rowdata) {
        free(c->rowdata);
        c->rowdata = sb_pairing_string();
        c->attempt = attempt;
    }
    return row_deadline(srv, c, attempt) - now;
}

/* The seed's channel object. ownerId, server and the 5-day trial / 6-day activeTill spans
 * copy the seed's example values. */
json_t *sb_wchannel_json(const sb_server *srv, const sb_wchannel *c, const char *origin,
                         bool with_token)
{
    char api[160];
    snprintf(api, sizeof api, "%s/whapi/gate/", origin);
    json_t *j = json_pack(
        "{s:s,s:s,s:I,s:s,s:I,s:i,s:b,s:s,s:I,s:s,s:s,s:s}", "apiUrl", api, "id", c->id,
        "creationTS", (json_int_t)c->created_wall_ms, "ownerId", "hdSandboxOwner00000000000000",
        "activeTill", (json_int_t)(c->created_wall_ms + 6 * DAY_MS), "server", 6, "stopped", 0,
        "status", "active", "trial", (json_int_t)(c->created_wall_ms + 5 * DAY_MS), "mode", c->mode,
        "name", c->name, "projectId", c->project_id);
    if (j && with_token)
        json_object_set_new(j, "token", json_string(c->token));
    return j;
}

enum MHD_Result sb_whapi_error(sb_req *req, unsigned status, const char *msg, const char *details)
{
    return sb_reply_json(req, status,
                         json_pack("{s:{s:i,s:s,s:s}}", "error", "code", (int)status, "message",
                                   msg, "details", details ? details : ""));
}

enum MHD_Result sb_whapi_method(sb_req *req, const char *allow)
{
    return sb_reply_json_hdr(req, 405,
                             json_pack("{s:{s:i,s:s,s:s}}", "error", "code", 405, "message",
                                       "Method not allowed", "details", allow),
                             MHD_HTTP_HEADER_ALLOW, allow);
}

/* Everything under /whapi: /manager takes the partner token, /gate a channel's own token. */
enum MHD_Result sb_whapi_route(sb_req *req, const char *rest)
{
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    if (n >= 1 && n <= 8 && !strcmp(seg[0], "manager"))
        return sb_whapi_manager(req, seg + 1, n - 1);
    if (n >= 1 && n <= 8 && !strcmp(seg[0], "gate"))
        return sb_whapi_gate(req, seg + 1, n - 1);
    return sb_whapi_error(req, 404, "Not found", "no such route");
}

static const char *health_text(sb_whealth h)
{
    static const char *const names[] = {"INIT", "LAUNCH", "QR", "AUTH"};
    return names[h];
}

/* POST .../{action}, lock held: what the phone (scan) or the hub (mobile, fail) would do.
 * Returns the HTTP status. */
static unsigned control_action(sb_req *req, sb_wchannel *c, const char *action, int64_t now)
{
    if (!strcmp(action, "scan")) {
        if (sb_wchannel_health(req->srv, c, now) != SB_W_QR)
            return 409; /* only a channel showing a QR can be scanned */
        c->authed = true;
    } else if (!strcmp(action, "mobile")) {
        c->mobile = true; /* from now on rowdata answers 406 */
    } else {
        long times = 1;
        const char *v = sb_arg(req, "times");
        if (v && !sb_parse_long(v, 0, 100, &times))
            return 400;
        c->fail_next = (int)times; /* the next gate requests answer 503 */
    }
    return 200;
}

/*
 * /_sandbox/whapi/channels/{id|latest}: GET the channel as the hub sees it (with its token and
 * the last settings body); POST .../scan (what the phone does), .../mobile (make it a mobile
 * channel: no QR), .../fail?times=N (the next N gate requests with its token answer 503).
 */
enum MHD_Result sb_whapi_control(sb_req *req, const char *id, const char *action)
{
    if (action && strcmp(action, "scan") && strcmp(action, "mobile") && strcmp(action, "fail"))
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (action ? !sb_is_post(req) : !sb_is_get(req))
        return sb_reply_method(req, action ? "POST" : "GET");
    sb_server *srv = req->srv;
    int64_t now = sb_now_ms();
    unsigned status = 200;
    json_t *body = NULL;
    pthread_mutex_lock(&srv->lock);
    sb_wchannel *c = sb_wchannel_find(srv, id);
    if (!c)
        status = 404;
    else if (action)
        status = control_action(req, c, action, now);
    if (status == 200) {
        sb_whealth h = sb_wchannel_health(srv, c, now);
        if (h == SB_W_QR)
            sb_wchannel_rowdata(srv, c, now);
        body = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s,s:i,s:b,s:O?,s:s}", "id", c->id, "name",
                         c->name, "token", c->token, "status", health_text(h), "rowdata",
                         h == SB_W_QR ? c->rowdata : NULL, "mode", c->mode, "attempt", c->attempt,
                         "mobile", c->mobile, "settings", c->settings, "login_phone",
                         c->login_phone);
    }
    pthread_mutex_unlock(&srv->lock);
    if (status == 404)
        return sb_reply_error(req, 404, "NOT_FOUND", "no such Whapi channel", NULL);
    if (status == 409)
        return sb_reply_error(req, 409, "CONFLICT", "the channel is not showing a QR", NULL);
    if (status == 400)
        return sb_reply_error(req, 400, "INVALID_REQUEST", "times must be 0..100", NULL);
    return sb_reply_json(req, 200, body);
}

/* For the gate: the health's text and number (INIT=1, LAUNCH=2, QR=3 are documented; AUTH=4
 * is OUR GUESS, clients go by the text). */
json_t *sb_whapi_health_json(sb_whealth h)
{
    return json_pack("{s:{s:i,s:s}}", "status", "code", (int)h + 1, "text", health_text(h));
}

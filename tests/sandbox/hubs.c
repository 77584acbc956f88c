/* hubs.c: what the HubMessage, HydraCore and Chatt2.me sandboxes share: their routing under
 * one port, the fail-N-times controls, masking of secrets, UUIDs, bounded lists. */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SB_FAIL_MAX 100

bool sb_hubs_init(sb_server *srv)
{
    srv->hubmessage = json_pack("{s:[],s:[],s:[]}", "channels", "windows", "messages");
    srv->hydracore = json_object();
    srv->chatt2me = json_pack("{s:[],s:[]}", "messages", "webhooks");
    return srv->hubmessage && srv->hydracore && srv->chatt2me;
}

void sb_hubs_free(sb_server *srv)
{
    json_decref(srv->hubmessage);
    json_decref(srv->hydracore);
    json_decref(srv->chatt2me);
    srv->hubmessage = srv->hydracore = srv->chatt2me = NULL;
}

static bool under(const char *path, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) || (path[n] != '\0' && path[n] != '/'))
        return false;
    *rest = path + n;
    return true;
}

/*
 * /hubmessage, /hydracore and /chatt2me, each with its own authentication and error shape
 * (checked in its file). Every request is logged, secrets masked, so a test can see which
 * hub a driver called and with which key, without the log holding the key.
 */
enum MHD_Result sb_hubs_route(sb_req *req)
{
    const char *rest;
    if (under(req->path, "/hubmessage", &rest)) {
        sb_hub_record(req, "hubmessage");
        return sb_hubmessage_route(req, rest);
    }
    if (under(req->path, "/hydracore", &rest)) {
        sb_hub_record(req, "hydracore");
        return sb_hydracore_route(req, rest);
    }
    if (under(req->path, "/chatt2me", &rest)) {
        sb_hub_record(req, "chatt2me");
        return sb_chatt2me_route(req, rest);
    }
    return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
}

/* One request's worth of a fail control: true when this request must answer 500. */
bool sb_fail_take(sb_server *srv, long *counter)
{
    pthread_mutex_lock(&srv->lock);
    bool fail = *counter > 0;
    if (fail)
        (*counter)--;
    pthread_mutex_unlock(&srv->lock);
    return fail;
}

/* POST /_sandbox/{hub}/fail?times=N (default 1, 0 cancels): the next N requests answer 500. */
enum MHD_Result sb_fail_control(sb_req *req, long *counter)
{
    if (!sb_is_post(req))
        return sb_reply_method(req, "POST");
    long times = 1;
    const char *v = sb_arg(req, "times");
    if (v && !sb_parse_long(v, 0, SB_FAIL_MAX, &times))
        return sb_reply_error(req, 400, "INVALID_REQUEST", "times must be 0..100", NULL);
    pthread_mutex_lock(&req->srv->lock);
    *counter = times;
    pthread_mutex_unlock(&req->srv->lock);
    return sb_reply_json(req, 200, json_pack("{s:b,s:I}", "ok", 1, "fail_next", (json_int_t)times));
}

/* "****" and the last 4 characters (all hidden when there are 8 or fewer): enough for a test
 * to tell which secret it was, not enough to use it. */
void sb_mask(const char *s, size_t len, char *out, size_t n)
{
    if (!s || len <= 8)
        snprintf(out, n, "****");
    else
        snprintf(out, n, "****%.4s", s + len - 4);
}

/* A masked copy of a JSON string (new reference); anything else is copied as it is. */
json_t *sb_mask_json(json_t *v)
{
    if (!json_is_string(v))
        return json_deep_copy(v);
    char m[16];
    sb_mask(json_string_value(v), json_string_length(v), m, sizeof m);
    return sb_json_lossy(m, strlen(m));
}

/* A random (version 4) UUID, lower case. */
void sb_random_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

bool sb_is_uuid(const char *s)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    if (!s || strlen(s) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr(hex, s[i]) || !s[i])
            return false;
    }
    return true;
}

/* A JSON string of min..max bytes, all from `set` (an embedded NUL never passes). */
bool sb_json_chars(json_t *s, const char *set, size_t min, size_t max)
{
    if (!json_is_string(s))
        return false;
    size_t len = json_string_length(s);
    return len >= min && len <= max && strspn(json_string_value(s), set) == len;
}

/* A status without a body (204). */
enum MHD_Result sb_reply_empty(sb_req *req, unsigned status)
{
    return sb_queue(req, status, MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT));
}

/* Appends item (reference stolen); the lists are bounded so a long test run cannot grow them
 * without end. */
void sb_list_append(json_t *list, json_t *item, size_t max)
{
    if (!item)
        return;
    while (json_array_size(list) >= max)
        json_array_remove(list, 0);
    json_array_append_new(list, item);
}

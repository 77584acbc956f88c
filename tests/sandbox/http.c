/* http.c: the sandbox's HTTP layer: MHD daemon, body intake, top-level routing, error envelopes. */
#include "sb.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sb_header(sb_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *sb_arg(sb_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* HEAD is served as GET; MHD leaves the body out. */
bool sb_is_get(const sb_req *req)
{
    return !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
}

bool sb_is_post(const sb_req *req)
{
    return !strcmp(req->method, "POST");
}

/* Keebai-style names for the statuses the sandbox answers with. */
const char *sb_error_code(unsigned status)
{
    switch (status) {
    case 400:
        return "INVALID_REQUEST";
    case 401:
        return "UNAUTHORIZED";
    case 403:
        return "FORBIDDEN";
    case 404:
        return "NOT_FOUND";
    case 405:
        return "METHOD_NOT_ALLOWED";
    case 409:
        return "CONFLICT";
    case 413:
        return "PAYLOAD_TOO_LARGE";
    case 422:
        return "VALIDATION_ERROR";
    case 429:
        return "THROTTLED";
    case 501:
        return "NOT_IMPLEMENTED";
    case 503:
        return "SERVICE_UNAVAILABLE";
    }
    if (status >= 500)
        return "SERVER_ERROR";
    if (status >= 400)
        return "CLIENT_ERROR";
    return "OK";
}

/* Queues resp (NULL = out of memory) and drops our reference to it. */
enum MHD_Result sb_queue(sb_req *req, unsigned status, struct MHD_Response *resp)
{
    if (!resp)
        return MHD_NO;
    enum MHD_Result r = MHD_queue_response(req->conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

/* Sends body (reference stolen) as application/json, with one optional extra header. */
enum MHD_Result sb_reply_json_hdr(sb_req *req, unsigned status, json_t *body, const char *hname,
                                  const char *hvalue)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (hname)
        MHD_add_response_header(resp, hname, hvalue);
    return sb_queue(req, status, resp);
}

enum MHD_Result sb_reply_json(sb_req *req, unsigned status, json_t *body)
{
    return sb_reply_json_hdr(req, status, body, NULL, NULL);
}

/* The Keebai envelope: {"error":{"code","message","details"}}; details stolen, NULL = {}. */
json_t *sb_envelope(const char *code, const char *msg, json_t *details)
{
    return json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", msg, "details",
                     details ? details : json_object());
}

enum MHD_Result sb_reply_error(sb_req *req, unsigned status, const char *code, const char *msg,
                               json_t *details)
{
    return sb_reply_json(req, status, sb_envelope(code, msg, details));
}

enum MHD_Result sb_reply_status(sb_req *req, unsigned status)
{
    char msg[64];
    snprintf(msg, sizeof msg, "sandbox answered HTTP %u", status);
    return sb_reply_error(req, status, sb_error_code(status), msg, NULL);
}

enum MHD_Result sb_reply_method(sb_req *req, const char *allow)
{
    json_t *body = sb_envelope("METHOD_NOT_ALLOWED", "method not allowed on this route",
                               json_pack("{s:s}", "allow", allow));
    return sb_reply_json_hdr(req, 405, body, MHD_HTTP_HEADER_ALLOW, allow);
}

/*
 * The origin to put in URLs we hand out. Normally the bound address, so a client can check
 * that a stream URL is on the API's origin; when bound to a wildcard address that would be
 * useless, so the Host header the client used is taken instead (if it looks like one).
 */
void sb_request_origin(sb_req *req, char *out, size_t n)
{
    const char *host = sb_header(req, MHD_HTTP_HEADER_HOST);
    if (req->srv->wildcard && host && *host && strlen(host) < 80 &&
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
            strlen(host))
        snprintf(out, n, "http://%s", host);
    else
        snprintf(out, n, "%s", req->srv->origin);
}

/* The bearer token of the request, without the scheme; NULL when there is none. */
const char *sb_bearer(sb_req *req)
{
    const char *h = sb_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7))
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

/* Bearer token check; the comparison does not leak where the strings differ. */
bool sb_bearer_is(sb_req *req, const char *token, size_t len)
{
    const char *h = sb_bearer(req);
    return h && token && strlen(h) == len && sodium_memcmp(h, token, len) == 0;
}

static bool authorized(sb_req *req)
{
    return sb_bearer_is(req, req->srv->token, req->srv->token_len);
}

/* The upload parsed as a JSON object (new reference), or NULL when it is not one. */
json_t *sb_body_object(sb_req *req)
{
    json_t *in = req->body ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    if (json_is_object(in))
        return in;
    json_decref(in);
    return NULL;
}

static bool path_under(const char *path, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) || (path[n] != '\0' && path[n] != '/'))
        return false;
    *rest = path + n;
    return true;
}

static bool client_is_loopback(sb_req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci && sb_is_loopback(ci->client_addr);
}

static enum MHD_Result dispatch(sb_req *req)
{
    const char *rest;
    if (path_under(req->path, "/keebai", &rest)) {
        if (!authorized(req))
            return sb_reply_json_hdr(
                req, 401, sb_envelope("UNAUTHORIZED", "missing or invalid bearer token", NULL),
                MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"hubdesk-sandbox\"");
        if (req->too_big)
            return sb_reply_status(req, 413);
        return sb_keebai_route(req, rest);
    }
    if (path_under(req->path, "/keebai-portal", &rest))
        return sb_signup_portal(req); /* a browser page: no bearer token */
    if (path_under(req->path, "/whapi", &rest)) {
        if (req->too_big)
            return sb_reply_status(req, 413);
        return sb_whapi_route(req, rest); /* two APIs, two kinds of token: checked there */
    }
    if (path_under(req->path, "/_sandbox", &rest)) {
        if (!client_is_loopback(req))
            return sb_reply_error(req, 403, "FORBIDDEN", "test controls answer loopback only",
                                  NULL);
        sb_control_record(req);
        if (req->too_big)
            return sb_reply_status(req, 413);
        return sb_control_route(req, rest);
    }
    return sb_hubs_route(req); /* /hubmessage, /hydracore, /chatt2me (hubs.c); else 404 */
}

/* Keeps at most SB_MAX_BODY bytes; past that the request is only marked, and answered 413. */
static void take_upload(sb_req *req, const char *data, size_t size)
{
    if (req->too_big || req->body_len + size > SB_MAX_BODY) {
        req->too_big = true;
        free(req->body);
        req->body = NULL;
        req->body_len = 0;
        return;
    }
    char *grown = realloc(req->body, req->body_len + size + 1);
    if (!grown) {
        req->too_big = true;
        return;
    }
    memcpy(grown + req->body_len, data, size);
    req->body = grown;
    req->body_len += size;
    req->body[req->body_len] = '\0';
}

/* A declared Content-Length over the limit is refused before the body is read. */
static bool declared_too_big(struct MHD_Connection *conn)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    long n;
    return cl && (!sb_parse_long(cl, 0, SB_MAX_BODY, &n));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    sb_req *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->srv = cls;
        *con_cls = req;
        if (!declared_too_big(conn))
            return MHD_YES;
        req->too_big = true; /* answer now: no point reading what we will refuse */
    } else if (*upload_size) {
        take_upload(req, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    req->conn = conn;
    req->method = method;
    req->path = url;
    return dispatch(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    sb_req *req = *con_cls;
    if (!req)
        return;
    free(req->body);
    free(req);
    *con_cls = NULL;
}

/*
 * MHD's own diagnostics, minus what clients cause all the time in tests (hang-ups, drops we
 * make on purpose, malformed requests MHD already answered): those would bury real problems.
 */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    static const char *const routine[] = {"application error",   "closed by remote",
                                          "no longer available", "Error processing request",
                                          "incomplete request",  "Failed to send"};
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    for (size_t i = 0; i < sizeof routine / sizeof *routine; i++)
        if (strstr(msg, routine[i]))
            return;
    fprintf(stderr, "hubdesk-sandbox: %s", msg);
}

/*
 * Thread per connection: a stream's content callback may block on srv->cond without
 * holding up any other client, which keeps the stream live and the hub responsive.
 */
struct MHD_Daemon *sb_http_start(sb_server *srv, int listen_fd, int family)
{
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
}

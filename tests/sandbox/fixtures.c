/* fixtures.c: the /_sandbox/test/ HTTP-layer fixtures for the console's HTTP client tests. */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_COUNTERS_MAX 4096
#define SB_BIG_MAX (64L * 1024 * 1024)

static bool arg_long(sb_req *req, const char *name, long def, long min, long max, long *out)
{
    const char *v = sb_arg(req, name);
    if (!v) {
        *out = def;
        return true;
    }
    return sb_parse_long(v, min, max, out);
}

static enum MHD_Result bad_arg(sb_req *req, const char *what)
{
    return sb_reply_error(req, 400, "INVALID_REQUEST", what, NULL);
}

static enum MHD_Result ok_calls(sb_req *req, long calls)
{
    return sb_reply_json(req, 200, json_pack("{s:b,s:I}", "ok", 1, "calls", (json_int_t)calls));
}

/* Counts calls per fixture and key ("ratelimit/abc"); the table is bounded for safety. */
static long count_call(sb_server *srv, const char *fixture, const char *key)
{
    char name[300];
    snprintf(name, sizeof name, "%s/%s", fixture, key);
    pthread_mutex_lock(&srv->lock);
    json_t *c = json_object_get(srv->counters, name);
    long calls = c ? (long)json_integer_value(c) + 1 : 1;
    if (!c && json_object_size(srv->counters) >= SB_COUNTERS_MAX)
        json_object_clear(srv->counters);
    json_object_set_new(srv->counters, name, json_integer(calls));
    pthread_mutex_unlock(&srv->lock);
    return calls;
}

/* status/{code}: that code with a Keebai envelope (no body where HTTP forbids one). */
static enum MHD_Result status_fixture(sb_req *req, const char *code_text)
{
    long code;
    if (!sb_is_get(req) && !sb_is_post(req))
        return sb_reply_method(req, "GET, POST");
    if (!sb_parse_long(code_text, 200, 599, &code))
        return bad_arg(req, "status code must be 200..599");
    if (code == 204 || code == 304)
        return sb_queue(req, (unsigned)code,
                        MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT));
    return sb_reply_status(req, (unsigned)code);
}

/* ratelimit/{key}?times=N&after=S: 429 + Retry-After the first N calls, then 200. */
static enum MHD_Result ratelimit_fixture(sb_req *req, const char *key)
{
    long times, after;
    if (!arg_long(req, "times", 1, 0, 1000000, &times) ||
        !arg_long(req, "after", 1, 0, 86400, &after))
        return bad_arg(req, "times and after must be whole numbers");
    long calls = count_call(req->srv, "ratelimit", key);
    if (calls > times)
        return ok_calls(req, calls);
    char secs[24];
    snprintf(secs, sizeof secs, "%ld", after);
    return sb_reply_json_hdr(req, 429,
                             sb_envelope("THROTTLED", "rate limited by the sandbox", NULL),
                             MHD_HTTP_HEADER_RETRY_AFTER, secs);
}

/* flaky/{key}?times=N: 500 the first N calls, then 200. */
static enum MHD_Result flaky_fixture(sb_req *req, const char *key)
{
    long times;
    if (!arg_long(req, "times", 1, 0, 1000000, &times))
        return bad_arg(req, "times must be a whole number");
    long calls = count_call(req->srv, "flaky", key);
    return calls > times ? ok_calls(req, calls) : sb_reply_status(req, 500);
}

/* big?bytes=N: a valid JSON body of exactly N bytes, for response size limits. */
static enum MHD_Result big_fixture(sb_req *req)
{
    long n;
    if (!arg_long(req, "bytes", 1024, 2, SB_BIG_MAX, &n))
        return bad_arg(req, "bytes must be 2..67108864");
    char *buf = malloc((size_t)n);
    if (!buf)
        return sb_reply_status(req, 500);
    if (n >= 10) { /* {"pad":"xxx..."} */
        memcpy(buf, "{\"pad\":\"", 8);
        memset(buf + 8, 'x', (size_t)n - 10);
        memcpy(buf + n - 2, "\"}", 2);
    } else { /* too small for a member: {} and spaces */
        memset(buf, ' ', (size_t)n);
        memcpy(buf, "{}", 2);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer((size_t)n, buf, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    return sb_queue(req, 200, r);
}

/* redirect?to=URL[&code=302] */
static enum MHD_Result redirect_fixture(sb_req *req)
{
    const char *to = sb_arg(req, "to");
    long code;
    if (!to || !*to || strcspn(to, "\r\n\t") != strlen(to) || strlen(to) > 2048)
        return bad_arg(req, "to must be a URL");
    if (!arg_long(req, "code", 302, 300, 308, &code) || code == 304 || code == 305 || code == 306)
        return bad_arg(req, "code must be 300..303, 307 or 308");
    return sb_reply_json_hdr(req, (unsigned)code, json_pack("{s:s}", "location", to),
                             MHD_HTTP_HEADER_LOCATION, to);
}

/* echo: what arrived (the request is already in the log, like every /_sandbox request). */
static enum MHD_Result echo_fixture(sb_req *req)
{
    const char *auth = sb_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *key = sb_header(req, "X-Api-Key");
    json_t *j = json_pack("{s:s,s:o,s:o,s:o,s:o}", "method", req->method, "path",
                          sb_json_lossy(req->path, strlen(req->path)), "authorization",
                          auth ? sb_json_lossy(auth, strlen(auth)) : json_null(), "x_api_key",
                          key ? sb_json_lossy(key, strlen(key)) : json_null(), "body",
                          sb_json_lossy(req->body ? req->body : "", req->body_len));
    return sb_reply_json(req, 200, j);
}

/* slow?ms=N: answers after N ms (a shutdown cuts the wait short with a 503). */
static enum MHD_Result slow_fixture(sb_req *req)
{
    long ms;
    if (!arg_long(req, "ms", 1000, 0, 600000, &ms))
        return bad_arg(req, "ms must be 0..600000");
    if (!sb_sleep_ms(req->srv, ms))
        return sb_reply_status(req, 503);
    return sb_reply_json(req, 200, json_pack("{s:b,s:I}", "ok", 1, "slept_ms", (json_int_t)ms));
}

/* /_sandbox/test/{fixture}[/{arg}] */
enum MHD_Result sb_fixture_route(sb_req *req, char segs[][128], size_t n)
{
    const char *f = segs[1];
    if (n == 3 && !strcmp(f, "status"))
        return status_fixture(req, segs[2]);
    if (n == 3 && !strcmp(f, "ratelimit"))
        return ratelimit_fixture(req, segs[2]);
    if (n == 3 && !strcmp(f, "flaky"))
        return flaky_fixture(req, segs[2]);
    if (n == 2 && !strcmp(f, "big"))
        return big_fixture(req);
    if (n == 2 && !strcmp(f, "redirect"))
        return redirect_fixture(req);
    if (n == 2 && !strcmp(f, "echo"))
        return echo_fixture(req);
    if (n == 2 && !strcmp(f, "slow"))
        return slow_fixture(req);
    if (n == 2 && !strcmp(f, "sse"))
        return sb_is_get(req) ? sb_fixture_sse(req) : sb_reply_method(req, "GET");
    return sb_reply_error(req, 404, "NOT_FOUND", "no such fixture", NULL);
}

/* test_http.c: the HTTP layer against the sandbox hub over real loopback HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/rawhub.h"
#include "../lib/sandbox_proc.h"
#include "duration.h"
#include "http.h"
#include "provider.h"
#include "secret.h"

static sandbox_proc sb;

typedef struct result {
    int done;
    http_response r;
    char body[4096];
    int retries;
    long last_delay;
    long retry_code;
} result;

static void on_done(const http_response *r, void *arg)
{
    result *res = arg;
    res->done = 1;
    res->r = *r;
    snprintf(res->body, sizeof res->body, "%s", r->body);
    res->r.body = res->body;
}

static void on_retry(long delay_ms, const http_response *why, void *arg)
{
    result *res = arg;
    res->retries++;
    res->last_delay = delay_ms;
    res->retry_code = why->code;
}

/* Runs one request to completion on a fresh loop. */
static hd_status run(http_opts *o, result *res)
{
    loop *l = loop_new();
    http_client *c = http_client_new(l);
    hd_status why = HD_OK;
    memset(res, 0, sizeof *res);
    o->on_retry = on_retry;
    http_request *req = http_start(c, o, on_done, NULL, res, &why);
    uint64_t deadline = loop_now_ms() + 20000;
    while (req && !res->done && loop_now_ms() < deadline)
        loop_run_once(l, 100);
    http_client_free(c);
    loop_free(l);
    return req ? HD_OK : why;
}

static char *url(const char *host, const char *path)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "http://%s:%d%s", host, sb.port, path);
    return buf[i];
}

static json_t *control_get(const char *path);

static int setup(void **state)
{
    return sandbox_start(NULL, &sb) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    sandbox_stop(&sb);
    return 0;
}

static void test_token_is_sent_to_its_origin(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/echo"), .token = "tok-abcdef123456"};
    assert_int_equal(run(&o, &res), HD_OK);
    assert_true(res.done);
    assert_int_equal(res.r.status, HD_OK);
    assert_int_equal(res.r.code, 200);
    json_t *j = json_loads(res.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "authorization")),
                        "Bearer tok-abcdef123456");
    json_decref(j);
}

/* The second secret header (HydraCore's X-Api-Key) is refused like the token when it could
 * write headers of its own: nothing is sent, and only a status says why. */
static void test_unsafe_api_key_is_refused(void **state)
{
    static const char *const bad[] = {"k\r\nX-Injected: 1", "key\nmore", "a b", "tab\there",
                                      "del\x7f", ""};
    result res;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/echo"),
                       .token = "tok-abcdef123456",
                       .api_key = bad[i],
                       .api_key_header = "X-Api-Key"};
        assert_int_equal(run(&o, &res), HD_ERR_USAGE);
        assert_false(res.done);
    }
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/echo"),
                   .token = "tok-abcdef123456",
                   .api_key = "hc_key_sandbox_7f3a",
                   .api_key_header = "X-Api-Key"};
    assert_int_equal(run(&o, &res), HD_OK);
    assert_int_equal(res.r.code, 200);
    json_t *j = json_loads(res.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "x_api_key")), "hc_key_sandbox_7f3a");
    json_decref(j);
}

/* Tokens and API keys of up to 4096 bytes (what secret_is_token_safe allows) arrive whole:
 * a 1024-byte line cut them, and the hub then refused a token we never sent. */
static void test_long_token_arrives_whole(void **state)
{
    static char token[4001], key[4097], bearer[4100];
    for (size_t i = 0; i < sizeof token - 1; i++)
        token[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof key - 1; i++)
        key[i] = (char)('A' + i % 26);
    snprintf(bearer, sizeof bearer, "Bearer %s", token);
    rawhub *hub = rawhub_start();
    assert_non_null(hub);
    http_opts o = {.url = rawhub_url(hub), .token = token, .api_key = key,
                   .api_key_header = "X-Api-Key", .last_event_id = token};
    result res;
    run(&o, &res);
    assert_int_equal(res.r.code, 200);
    rawhub_seen seen;
    assert_int_equal(rawhub_last(hub, &seen), 0);
    assert_non_null(seen.authorization);
    assert_int_equal(strlen(seen.authorization), strlen(bearer));
    assert_string_equal(seen.authorization, bearer);
    assert_string_equal(seen.x_api_key, key);
    rawhub_seen_clear(&seen);
    /* a custom header name too */
    http_opts c = {.url = rawhub_url(hub), .token = key, .token_header = "X-Api-Key"};
    run(&c, &res);
    assert_int_equal(rawhub_last(hub, &seen), 0);
    assert_string_equal(seen.x_api_key, key);
    rawhub_seen_clear(&seen);
    rawhub_stop(hub);
}

static void test_custom_token_header_and_json_body(void **state)
{
    result res;
    http_opts o = {.method = "POST", .url = url("127.0.0.1", "/_sandbox/test/echo"),
                   .token = "key-1", .token_header = "x-api-key", .json_body = "{\"a\":1}"};
    assert_int_equal(run(&o, &res), HD_OK);
    json_t *j = json_loads(res.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "x_api_key")), "key-1");
    assert_true(json_is_null(json_object_get(j, "authorization")));
    assert_string_equal(json_string_value(json_object_get(j, "method")), "POST");
    assert_string_equal(json_string_value(json_object_get(j, "body")), "{\"a\":1}");
    json_decref(j);
}

static void test_401_is_reported_with_the_envelope(void **state)
{
    result res;
    char text[256];
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/status/401"), .token = "t"};
    run(&o, &res);
    assert_int_equal(res.r.status, HD_OK);
    assert_int_equal(res.r.code, 401);
    assert_int_equal(res.retries, 0); /* a refusal is not retried */
    assert_int_equal(http_status_for_code(res.r.code), HD_ERR_AUTH);
    provider_error_text(&res.r, text, sizeof text);
    assert_non_null(strstr(text, "UNAUTHORIZED"));
}

static void test_429_waits_as_told_by_retry_after(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/ratelimit/k429?times=1&after=1")};
    uint64_t start = loop_now_ms();
    run(&o, &res);
    assert_int_equal(res.r.code, 200);
    assert_int_equal(res.retries, 1);
    assert_int_equal(res.retry_code, 429);
    assert_int_equal(res.last_delay, 1000); /* exactly what Retry-After said */
    assert_int_equal(res.r.attempts, 2);
    assert_true(loop_now_ms() - start >= 1000); /* it did wait, it did not hammer */
}

static void test_429_longer_than_allowed_is_returned(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/ratelimit/klong?times=5&after=600"),
                   .max_wait_ms = 5000};
    run(&o, &res);
    assert_int_equal(res.r.code, 429);
    assert_int_equal(res.r.retry_after_s, 600);
    assert_int_equal(res.retries, 0);
}

/* Retry-After values no real hub sends: each is clamped to the stated maximum (a day), which
 * is longer than http waits by itself, so the 429 comes back at once with that wait for the
 * caller to show. Before, 2^63 s overflowed into a negative wait (shown as "waiting
 * -9146744073709550 s") that never ended, and some values wrapped into a retry at once. */
static void test_429_absurd_retry_after_is_clamped(void **state)
{
    static const char *const values[] = {
        "9223372036854775807", "9223372036854776", "18446744073709552",
        "99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT",
    };
    rawhub *hub = rawhub_start();
    assert_non_null(hub);
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char hdr[96];
        snprintf(hdr, sizeof hdr, "Retry-After: %s", values[i]);
        const char *const headers[] = {hdr, NULL};
        rawhub_reply(hub, 429, headers, "{\"error\":{\"code\":\"THROTTLED\",\"message\":\"slow\"}}");
        http_opts o = {.url = rawhub_url(hub), .backoff_base_ms = 10};
        result res;
        uint64_t start = loop_now_ms();
        run(&o, &res);
        if (!res.done || res.r.retry_after_s != DURATION_MAX_S)
            print_error("Retry-After: %s -> done %d, retry_after_s %ld, last delay %ld\n",
                        values[i], res.done, res.r.retry_after_s, res.last_delay);
        assert_true(res.done);
        assert_int_equal(res.r.code, 429);
        assert_int_equal(res.r.retry_after_s, DURATION_MAX_S);
        assert_int_equal(res.retries, 0);
        assert_true(loop_now_ms() - start < 5000);
    }
    /* A date in the past means now: retried at once, within max_retries. */
    const char *const past[] = {"Retry-After: Thu, 01 Jan 1970 00:00:01 GMT", NULL};
    rawhub_reply(hub, 429, past, "{}");
    http_opts o = {.url = rawhub_url(hub), .max_retries = 2};
    result res;
    run(&o, &res);
    assert_int_equal(res.r.code, 429);
    assert_int_equal(res.retries, 2);
    assert_int_equal(res.last_delay, 0);
    assert_int_equal(res.r.retry_after_s, 0);
    rawhub_stop(hub);
}

static void test_500_then_success_with_backoff(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/flaky/k500?times=2"),
                   .backoff_base_ms = 20};
    run(&o, &res);
    assert_int_equal(res.r.code, 200);
    assert_int_equal(res.r.attempts, 3);
    assert_int_equal(res.retries, 2);
    assert_true(res.last_delay >= 20 && res.last_delay <= 40); /* second delay: 40 with jitter */
    json_t *j = json_loads(res.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "calls")), 3);
    json_decref(j);
}

static void test_500_gives_up_after_max_retries(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/status/503"), .backoff_base_ms = 10,
                   .max_retries = 2};
    run(&o, &res);
    assert_int_equal(res.r.code, 503);
    assert_int_equal(res.r.attempts, 3);
    assert_int_equal(http_status_for_code(res.r.code), HD_ERR_SERVER);
}

static void test_oversized_body_is_refused(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/big?bytes=300000"), .max_body = 100000};
    run(&o, &res);
    assert_int_equal(res.r.status, HD_ERR_TOO_LARGE);
    assert_int_equal(res.retries, 0);
    assert_non_null(strstr(res.r.error, "100000"));
    http_opts ok = {.url = url("127.0.0.1", "/_sandbox/test/big?bytes=90000"), .max_body = 100000};
    run(&ok, &res);
    assert_int_equal(res.r.status, HD_OK);
    assert_int_equal(res.r.body_len, 90000);
}

/* Test control through the sandbox helper: tests may block, the console may not. */
static json_t *control(const char *method, const char *path)
{
    return sandbox_json(&sb, method, path);
}

static json_t *control_get(const char *path)
{
    return control("GET", path);
}

/* Finds the last log entry for a path; the log is a list or {"requests":[...]} */
static json_t *log_entry_for(json_t *log, const char *path)
{
    json_t *list = json_is_array(log) ? log : json_object_get(log, "requests");
    json_t *found = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *p = json_string_value(json_object_get(v, "path"));
        if (p && strncmp(p, path, strlen(path)) == 0)
            found = v;
    }
    return found;
}

/* 127.0.0.1 and localhost are the same server but different origins: the redirect is
 * refused, so the other origin sees nothing at all (no token, no request). */
static void test_redirect_to_another_host_is_refused(void **state)
{
    result res;
    char path[512], other[64];
    json_decref(control("POST", "/_sandbox/test/log/clear"));
    snprintf(path, sizeof path, "/_sandbox/test/redirect?to=http://localhost:%d/_sandbox/test/echo",
             sb.port);
    http_opts o = {.url = url("127.0.0.1", path), .token = "tok-must-not-travel"};
    run(&o, &res);
    assert_true(res.done);
    assert_int_equal(res.r.status, HD_ERR_PROTOCOL);
    snprintf(other, sizeof other, "(http://localhost:%d)", sb.port);
    assert_non_null(strstr(res.r.error, "the hub redirected to another site"));
    assert_non_null(strstr(res.r.error, other));
    assert_non_null(strstr(res.r.error, "hubdesk does not follow it"));
    assert_int_equal(res.r.body_len, 0); /* the redirect's own body is not the hub's answer */
    json_t *log = control_get("/_sandbox/test/log");
    json_t *first = log_entry_for(log, "/_sandbox/test/redirect");
    assert_non_null(first);
    assert_string_equal(json_string_value(json_object_get(first, "authorization")),
                        "Bearer tok-must-not-travel");
    assert_null(log_entry_for(log, "/_sandbox/test/echo"));
    json_decref(log);
}

/* Two origins (two ports): a hub call that carries secrets in its body and headers meets a
 * redirect to the other one, of every kind. The other origin receives nothing, and the
 * answer is an error that names where the hub pointed, never the other origin's answer. */
static void test_cross_origin_redirect_carries_nothing(void **state)
{
    static const long codes[] = {301, 302, 303, 307, 308};
    static const char *const methods[] = {"POST", "GET", "PUT"};
    rawhub *hub = rawhub_start(), *other = rawhub_start();
    assert_non_null(hub);
    assert_non_null(other);
    rawhub_reply(other, 200, NULL, "{\"status\":\"connected\"}");
    char loc[128], status[16], other_origin[80];
    snprintf(loc, sizeof loc, "Location: %s/steal", rawhub_url(other));
    snprintf(other_origin, sizeof other_origin, "(%s)", rawhub_url(other));
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
            const char *const headers[] = {loc, NULL};
            rawhub_reply(hub, (unsigned)codes[i], headers, "{\"error\":\"see other\"}");
            char u[128];
            snprintf(u, sizeof u, "%s/v1/instances/x/credentials", rawhub_url(hub));
            http_opts o = {.method = methods[m],
                           .url = u,
                           .json_body = strcmp(methods[m], "GET")
                                            ? "{\"access_token\":\"EAAG-meta-secret\"}"
                                            : NULL,
                           .token = "tok-hydra-secret",
                           .api_key = "hc-key-secret",
                           .api_key_header = "X-Api-Key"};
            result res;
            snprintf(status, sizeof status, "%ld %s", codes[i], methods[m]);
            assert_int_equal(run(&o, &res), HD_OK);
            assert_true(res.done);
            if (res.r.status != HD_ERR_PROTOCOL)
                print_error("%s: status %d, code %ld\n", status, res.r.status, res.r.code);
            assert_int_equal(res.r.status, HD_ERR_PROTOCOL);
            assert_non_null(strstr(res.r.error, "the hub redirected to another site"));
            assert_non_null(strstr(res.r.error, other_origin));
            assert_int_equal(res.r.body_len, 0);
            assert_int_equal(res.retries, 0);
        }
    }
    assert_int_equal(rawhub_count(hub), 15);
    assert_int_equal(rawhub_count(other), 0); /* the other origin never heard from us */
    rawhub_stop(hub);
    rawhub_stop(other);
}

/* Same origin: 303 (and 301/302 after a POST) become a GET without the body; 307 and 308 keep
 * the method, the body and the token. */
static void test_same_origin_redirect_semantics(void **state)
{
    static const struct {
        long code;
        const char *method, *want_method, *want_body;
    } cases[] = {
        {303, "POST", "GET", ""},   {303, "PUT", "GET", ""},    {302, "POST", "GET", ""},
        {301, "POST", "GET", ""},   {307, "POST", "POST", "{}"}, {308, "PUT", "PUT", "{}"},
        {308, "POST", "POST", "{}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        result res;
        char path[512];
        snprintf(path, sizeof path,
                 "/_sandbox/test/redirect?to=http://127.0.0.1:%d/_sandbox/test/echo&code=%ld",
                 sb.port, cases[i].code);
        http_opts o = {.method = cases[i].method, .json_body = "{}",
                       .url = url("127.0.0.1", path), .token = "tok-same"};
        run(&o, &res);
        assert_int_equal(res.r.status, HD_OK);
        assert_int_equal(res.r.code, 200);
        json_t *j = json_loads(res.body, 0, NULL);
        assert_string_equal(json_string_value(json_object_get(j, "authorization")),
                            "Bearer tok-same");
        assert_string_equal(json_string_value(json_object_get(j, "method")), cases[i].want_method);
        assert_string_equal(json_string_value(json_object_get(j, "body")), cases[i].want_body);
        json_decref(j);
    }
}

/* The rule itself, for what a loopback test cannot serve (https). */
static void test_redirect_policy(void **state)
{
    /* no https -> http downgrade, not even to this machine */
    assert_int_equal(http_redirect_check("https://hub.example/a", "http://127.0.0.1:8080/b"),
                     HD_ERR_INSECURE_URL);
    assert_int_equal(http_redirect_check("https://127.0.0.1:8443/a", "http://127.0.0.1:8443/b"),
                     HD_ERR_INSECURE_URL);
    assert_int_equal(http_redirect_check("https://hub.example/a", "http://hub.example/b"),
                     HD_ERR_INSECURE_URL);
    assert_int_equal(http_redirect_check("https://hub.example/a", "https://evil.example/b"),
                     HD_ERR_PROTOCOL);
    assert_int_equal(http_redirect_check("https://hub.example/a", "https://hub.example:8443/b"),
                     HD_ERR_PROTOCOL);
    assert_int_equal(http_redirect_check("http://127.0.0.1:1/a", "http://localhost:1/a"),
                     HD_ERR_PROTOCOL);
    assert_int_equal(http_redirect_check("https://hub.example/a", "ftp://hub.example/b"),
                     HD_ERR_BAD_URL);
    assert_int_equal(http_redirect_check("https://hub.example/a", "https://HUB.example:443/b"),
                     HD_OK);
    assert_int_equal(http_redirect_check("http://127.0.0.1:1/a", "http://127.0.0.1:1/b?c"), HD_OK);
}

static void test_same_origin_redirect_keeps_the_token(void **state)
{
    result res;
    char path[512];
    snprintf(path, sizeof path, "/_sandbox/test/redirect?to=http://127.0.0.1:%d/_sandbox/test/echo&code=307",
             sb.port);
    http_opts o = {.method = "POST", .json_body = "{}", .url = url("127.0.0.1", path), .token = "tok-same"};
    run(&o, &res);
    json_t *j = json_loads(res.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "authorization")), "Bearer tok-same");
    assert_string_equal(json_string_value(json_object_get(j, "method")), "POST"); /* 307 keeps it */
    json_decref(j);
}

static void test_redirect_to_plain_http_elsewhere_is_refused(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/redirect?to=http://example.com/x"),
                   .token = "tok"};
    run(&o, &res);
    assert_int_equal(res.r.status, HD_ERR_PROTOCOL); /* the hub was reached: not a usage error */
    assert_string_equal(res.r.error, "the hub redirected to an insecure URL (http://example.com:80); "
                                     "hubdesk does not follow it");
}

static void test_url_policy(void **state)
{
    assert_int_equal(http_url_check("https://api.keebai.com/v1"), HD_OK);
    assert_int_equal(http_url_check("http://127.0.0.1:8080/x"), HD_OK);
    assert_int_equal(http_url_check("http://127.8.9.10/x"), HD_OK);
    assert_int_equal(http_url_check("http://localhost/x"), HD_OK);
    assert_int_equal(http_url_check("http://[::1]:99/x"), HD_OK);
    assert_int_equal(http_url_check("http://api.keebai.com/v1"), HD_ERR_INSECURE_URL);
    assert_int_equal(http_url_check("http://127.0.0.1.evil.example/"), HD_ERR_INSECURE_URL);
    assert_int_equal(http_url_check("http://localhost.evil.example/"), HD_ERR_INSECURE_URL);
    assert_int_equal(http_url_check("ftp://127.0.0.1/x"), HD_ERR_BAD_URL);
    assert_int_equal(http_url_check("file:///etc/passwd"), HD_ERR_BAD_URL);
    assert_int_equal(http_url_check("not a url"), HD_ERR_BAD_URL);
    assert_int_equal(http_url_check(""), HD_ERR_BAD_URL);
    assert_int_equal(http_url_check(NULL), HD_ERR_BAD_URL);
    assert_true(http_same_origin("https://A.example/x", "https://a.example:443/y"));
    assert_false(http_same_origin("https://a.example/x", "http://a.example/x"));
    assert_false(http_same_origin("http://127.0.0.1:1/x", "http://localhost:1/x"));
    assert_false(http_same_origin("http://127.0.0.1:1/x", "http://127.0.0.1:2/x"));
    result res;
    http_opts o = {.url = "http://example.com/x"};
    assert_int_equal(run(&o, &res), HD_ERR_INSECURE_URL);
    assert_false(res.done);
}

/* Proxies from the environment, set to a socket nobody serves (and no exceptions from the
 * test runner's environment, which would make these tests prove nothing). */
static const char *const proxy_vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                         "ALL_PROXY",  "all_proxy",  "no_proxy",    "NO_PROXY"};

static void proxies_unset(void)
{
    for (size_t i = 0; i < sizeof proxy_vars / sizeof *proxy_vars; i++)
        unsetenv(proxy_vars[i]);
}

/* A loopback hub is never reached through a proxy (http_proxy, then ALL_PROXY alone): the
 * token would go in clear to the proxy's host. The hub gets the request, the proxy nothing. */
static void test_loopback_never_goes_through_a_proxy(void **state)
{
    static const char *const sets[][2] = {{"http_proxy", NULL}, {"ALL_PROXY", NULL},
                                          {"all_proxy", "https_proxy"}};
    int port;
    int trap = rawhub_trap_open(&port);
    rawhub *hub = rawhub_start();
    assert_true(trap >= 0);
    assert_non_null(hub);
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", port);
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        proxies_unset();
        for (size_t k = 0; k < 2 && sets[i][k]; k++)
            setenv(sets[i][k], proxy, 1);
        char u[128];
        snprintf(u, sizeof u, "%s/v1/me", rawhub_url(hub));
        http_opts o = {.url = u, .token = "tok-not-for-the-proxy", .timeout_ms = 2000,
                       .max_retries = -1};
        result res;
        run(&o, &res);
        proxies_unset();
        if (res.r.status != HD_OK)
            print_error("with %s: %s\n", sets[i][0], res.r.error);
        assert_int_equal(res.r.status, HD_OK);
        assert_int_equal(res.r.code, 200);
        assert_int_equal(rawhub_trap_hits(trap), 0);
        rawhub_seen seen;
        assert_int_equal(rawhub_last(hub, &seen), 0);
        assert_string_equal(seen.authorization, "Bearer tok-not-for-the-proxy");
        rawhub_seen_clear(&seen);
    }
    assert_int_equal(rawhub_count(hub), 3);
    rawhub_stop(hub);
    close(trap);
}

/* Elsewhere (https) a proxy only ever gets a CONNECT tunnel: it sees the host name, never the
 * request or the token. The trap does not answer, so the request times out. */
static void test_https_through_a_proxy_is_a_tunnel(void **state)
{
    int port;
    int trap = rawhub_trap_open(&port);
    assert_true(trap >= 0);
    char proxy[64], got[2048];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", port);
    setenv("https_proxy", proxy, 1);
    http_opts o = {.url = "https://hub.invalid/v1/me", .token = "tok-not-for-the-proxy",
                   .timeout_ms = 800, .max_retries = -1};
    result res;
    run(&o, &res);
    proxies_unset();
    assert_int_not_equal(res.r.status, HD_OK);
    assert_true(rawhub_trap_take(trap, got, sizeof got) > 0);
    assert_memory_equal(got, "CONNECT hub.invalid:443 ", 24);
    assert_null(strstr(got, "tok-not-for-the-proxy"));
    close(trap);
}

/* ---- copies of the token left in memory ------------------------------------------------- */

#define SCAN_CHUNK ((size_t)1 << 20)
#define SCAN_KEY 0x5A /* the needle is kept xor-ed, so that it is no copy of the token itself */

/* Matches of the xor-ed needle in buf[0..len), starting before `limit`. */
static int count_in(const unsigned char *buf, size_t len, size_t limit, const unsigned char *enc,
                    size_t n)
{
    int found = 0;
    for (size_t i = 0; i + n <= len && i < limit; i++) {
        size_t k = 0;
        while (k < n && (buf[i + k] ^ SCAN_KEY) == enc[k])
            k++;
        found += k == n;
    }
    return found;
}

/* Copies of the (xor-ed) needle in the process's writable mappings, read through
 * /proc/self/mem (so that ASan does not take it for a use after free); huge reservations
 * (ASan's shadow) and the scan buffer itself are skipped. */
static int copies_in_memory(const unsigned char *enc, size_t n)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    unsigned char *buf = mmap(NULL, SCAN_CHUNK, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char line[512];
    int found = 0;
    assert_non_null(maps);
    assert_true(mem >= 0 && buf != MAP_FAILED);
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            perms[1] != 'w' || hi - lo > (1UL << 30) || lo == (unsigned long)buf)
            continue;
        for (unsigned long a = lo; a < hi; a += SCAN_CHUNK - n) {
            size_t want = hi - a < SCAN_CHUNK ? hi - a : SCAN_CHUNK;
            ssize_t got = pread(mem, buf, want, (off_t)a);
            if (got <= 0)
                break;
            int last = a + (unsigned long)got >= hi;
            found += count_in(buf, (size_t)got, last ? (size_t)got : SCAN_CHUNK - n, enc, n);
            if (last)
                break;
        }
    }
    munmap(buf, SCAN_CHUNK);
    close(mem);
    fclose(maps);
    return found;
}

/* After a request with a token has ended and the client is freed, no plain copy of the token
 * is left anywhere in our memory: ours were in guarded memory, and what libcurl copied (the
 * header list, the request it builds and sends) is wiped when it is freed. The hub is the
 * sandbox, another process, so its copies do not count. */
static void test_no_copy_of_the_token_is_left(void **state)
{
    unsigned char enc[48];
    char token[sizeof enc + 1];
    for (size_t i = 0; i < sizeof enc; i++) {
        token[i] = (char)("hdwipe0123456789abcdefghijklmnopqrstuvwxyzABCDEF"[(i * 7 + 3) % 48]);
        enc[i] = (unsigned char)token[i] ^ SCAN_KEY;
    }
    token[sizeof enc] = '\0';
    assert_true(copies_in_memory(enc, sizeof enc) >= 1); /* the scan sees our own array */
    for (int round = 0; round < 3; round++) { /* a POST and a retried GET too */
        result res;
        http_opts o = {.url = url("127.0.0.1", round == 2 ? "/_sandbox/test/flaky/wipe?times=1"
                                                          : "/_sandbox/test/status/200"),
                       .token = token,
                       .method = round == 1 ? "POST" : NULL,
                       .json_body = round == 1 ? "{\"a\":1}" : NULL,
                       .backoff_base_ms = 10};
        run(&o, &res);
        assert_int_equal(res.r.code, 200);
    }
    secret_wipe(token, sizeof token);
    int left = copies_in_memory(enc, sizeof enc);
    if (left)
        print_error("%d copies of the token left\n", left);
    assert_int_equal(left, 0);
}

static void test_closed_port_is_a_network_error_after_retries(void **state)
{
    result res;
    http_opts o = {.url = "http://127.0.0.1:1/x", .backoff_base_ms = 10, .max_retries = 2};
    run(&o, &res);
    assert_int_equal(res.r.status, HD_ERR_NETWORK);
    assert_int_equal(res.r.attempts, 3);
    assert_int_equal(res.r.code, 0);
    assert_true(res.r.error[0] != '\0');
    assert_int_equal(hd_status_exit_code(res.r.status), 5);
}

static void test_slow_answer_times_out(void **state)
{
    result res;
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/slow?ms=3000"), .timeout_ms = 300,
                   .max_retries = -1};
    run(&o, &res);
    assert_int_equal(res.r.status, HD_ERR_TIMEOUT);
}

static int cancel_count;
static void on_done_never(const http_response *r, void *arg)
{
    cancel_count++;
}

static void test_cancel_means_no_callback(void **state)
{
    loop *l = loop_new();
    http_client *c = http_client_new(l);
    http_opts o = {.url = url("127.0.0.1", "/_sandbox/test/slow?ms=300")};
    http_request *a = http_start(c, &o, on_done_never, NULL, NULL, NULL);
    http_request *b = http_start(c, &o, on_done_never, NULL, NULL, NULL);
    assert_non_null(a);
    loop_run_once(l, 50);
    http_cancel(a);
    for (int i = 0; i < 20; i++)
        loop_run_once(l, 50);
    assert_int_equal(cancel_count, 1); /* only b */
    (void)b;
    http_request *pending = http_start(c, &o, on_done_never, NULL, NULL, NULL);
    (void)pending;
    http_client_free(c); /* frees what is still running, without callbacks */
    loop_free(l);
    assert_int_equal(cancel_count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_is_sent_to_its_origin),
        cmocka_unit_test(test_unsafe_api_key_is_refused),
        cmocka_unit_test(test_long_token_arrives_whole),
        cmocka_unit_test(test_custom_token_header_and_json_body),
        cmocka_unit_test(test_401_is_reported_with_the_envelope),
        cmocka_unit_test(test_429_waits_as_told_by_retry_after),
        cmocka_unit_test(test_429_longer_than_allowed_is_returned),
        cmocka_unit_test(test_429_absurd_retry_after_is_clamped),
        cmocka_unit_test(test_500_then_success_with_backoff),
        cmocka_unit_test(test_500_gives_up_after_max_retries),
        cmocka_unit_test(test_oversized_body_is_refused),
        cmocka_unit_test(test_redirect_to_another_host_is_refused),
        cmocka_unit_test(test_cross_origin_redirect_carries_nothing),
        cmocka_unit_test(test_same_origin_redirect_semantics),
        cmocka_unit_test(test_redirect_policy),
        cmocka_unit_test(test_same_origin_redirect_keeps_the_token),
        cmocka_unit_test(test_redirect_to_plain_http_elsewhere_is_refused),
        cmocka_unit_test(test_url_policy),
        cmocka_unit_test(test_loopback_never_goes_through_a_proxy),
        cmocka_unit_test(test_https_through_a_proxy_is_a_tunnel),
        cmocka_unit_test(test_no_copy_of_the_token_is_left),
        cmocka_unit_test(test_closed_port_is_a_network_error_after_retries),
        cmocka_unit_test(test_slow_answer_times_out),
        cmocka_unit_test(test_cancel_means_no_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_sandbox.c: hubdesk-sandbox over real HTTP: options, Keebai QR sessions, SSE, fixtures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/sandbox_proc.h"

#define TOKEN "hubdesk-sandbox-token"
#define AUTH "Authorization: Bearer " TOKEN
#define CONNECT_PATH "/keebai/v1/channels/whatsapp/connect"

static sandbox_proc g_sb;  /* default timings, short scan delay and keepalive */
static sandbox_proc g_rot; /* fast QR rotation */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- small HTTP helpers ------------------------------------------------------------------ */

static long call(const sandbox_proc *sb, const char *method, const char *path,
                 const char *const *headers, const char *body, sandbox_reply *r)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", sb->base_url, path);
    return sandbox_http(method, url, headers, body, body ? strlen(body) : 0, r);
}

static json_t *body_json(const sandbox_reply *r)
{
    json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
    assert_non_null(j);
    return j;
}

/* Asserts a Keebai error envelope with this status and code; returns its details. */
static json_t *expect_envelope(sandbox_reply *r, long status, const char *code)
{
    assert_int_equal(r->status, status);
    json_t *j = body_json(r);
    json_t *err = json_object_get(j, "error");
    assert_true(json_is_object(err));
    assert_string_equal(json_string_value(json_object_get(err, "code")), code);
    assert_true(json_is_string(json_object_get(err, "message")));
    json_t *details = json_incref(json_object_get(err, "details"));
    assert_true(json_is_object(details));
    json_decref(j);
    sandbox_reply_free(r);
    return details;
}

static long post_connect(const sandbox_proc *sb, const char *body, sandbox_reply *r)
{
    const char *const h[] = {AUTH, "Content-Type: application/json", NULL};
    return call(sb, "POST", CONNECT_PATH, h, body, r);
}

/* Starts a QR session; fills its id and stream URL. */
static void create_session(const sandbox_proc *sb, const char *name, char *sid, char *url)
{
    char body[256];
    snprintf(body, sizeof body, "{\"mode\":\"qr\",\"name\":\"%s\"}", name);
    sandbox_reply r;
    assert_int_equal(post_connect(sb, body, &r), 201);
    json_t *j = body_json(&r);
    snprintf(sid, 64, "%s", json_string_value(json_object_get(j, "session_id")));
    snprintf(url, 512, "%s", json_string_value(json_object_get(j, "stream_url")));
    json_decref(j);
    sandbox_reply_free(&r);
}

static json_t *control_json(const sandbox_proc *sb, const char *method, const char *path,
                            long want_status)
{
    char *body = NULL;
    long st =
        !strcmp(method, "GET") ? sandbox_get(sb, path, &body) : sandbox_post(sb, path, NULL, &body);
    assert_int_equal(st, want_status);
    json_t *j = json_loads(body, 0, NULL);
    free(body);
    assert_non_null(j);
    return j;
}

/* ---- an SSE client on libcurl easy, optionally on its own thread ------------------------- */

typedef struct sse_ev {
    long id;
    char event[32];
    char data[640];
} sse_ev;

typedef struct stream {
    char url[512];
    bool with_token;
    long last_id; /* -1: no Last-Event-ID */
    long timeout_ms;
    int stop_after; /* abort after this many events; 0 = run to the end or timeout */
    pthread_mutex_t mu;
    char *buf;
    size_t len;
    int events;
    CURLcode rc;
    long status;
    pthread_t th;
} stream;

static void stream_init(stream *s, const char *url, long last_id, long timeout_ms, int stop)
{
    memset(s, 0, sizeof *s);
    snprintf(s->url, sizeof s->url, "%s", url);
    s->with_token = true;
    s->last_id = last_id;
    s->timeout_ms = timeout_ms;
    s->stop_after = stop;
    pthread_mutex_init(&s->mu, NULL);
}

/* Parses complete events (blocks ended by a blank line that name an event). */
static int parse_events(const char *buf, sse_ev *evs, int max)
{
    int n = 0;
    const char *end;
    for (const char *p = buf; (end = strstr(p, "\n\n")); p = end + 2) {
        sse_ev ev = {.id = -1};
        for (const char *l = p; l < end; l = strchr(l, '\n') + 1) {
            int len = (int)(strchr(l, '\n') - l);
            if (!strncmp(l, "id: ", 4))
                ev.id = atol(l + 4);
            else if (!strncmp(l, "event: ", 7))
                snprintf(ev.event, sizeof ev.event, "%.*s", len - 7, l + 7);
            else if (!strncmp(l, "data: ", 6))
                snprintf(ev.data, sizeof ev.data, "%.*s", len - 6, l + 6);
        }
        if (ev.event[0] && n < max)
            evs[n++] = ev;
        else if (ev.event[0])
            n++;
    }
    return n;
}

static size_t on_stream_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    stream *s = userdata;
    size_t n = size * nmemb;
    pthread_mutex_lock(&s->mu);
    s->buf = realloc(s->buf, s->len + n + 1);
    memcpy(s->buf + s->len, ptr, n);
    s->len += n;
    s->buf[s->len] = '\0';
    s->events = parse_events(s->buf, NULL, 0);
    bool stop = s->stop_after && s->events >= s->stop_after;
    pthread_mutex_unlock(&s->mu);
    return stop ? 0 : n;
}

static void *stream_run(void *arg)
{
    stream *s = arg;
    char last[64];
    struct curl_slist *h = curl_slist_append(NULL, "Accept: text/event-stream");
    if (s->with_token)
        h = curl_slist_append(h, AUTH);
    if (s->last_id >= 0) {
        snprintf(last, sizeof last, "Last-Event-ID: %ld", s->last_id);
        h = curl_slist_append(h, last);
    }
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_stream_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    s->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &s->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return NULL;
}

static void stream_start(stream *s)
{
    assert_int_equal(pthread_create(&s->th, NULL, stream_run, s), 0);
}

/* Waits (up to timeout_ms) until the stream has n complete events. */
static bool stream_wait(stream *s, int n, long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int have = s->events;
        pthread_mutex_unlock(&s->mu);
        if (have >= n)
            return true;
        if (now_ms() > deadline)
            return false;
        usleep(10000);
    }
}

static void stream_done(stream *s)
{
    free(s->buf);
    pthread_mutex_destroy(&s->mu);
}

/* ---- group fixtures ----------------------------------------------------------------------- */

static int start_main(void **state)
{
    const char *const args[] = {"--scan-delay-ms", "200", "--keepalive-ms", "150", NULL};
    return sandbox_start(args, &g_sb);
}

static int start_rotation(void **state)
{
    const char *const args[] = {
        "--qr-first-ms", "300", "--qr-next-ms", "200", "--qr-attempts", "3", NULL};
    return sandbox_start(args, &g_rot);
}

/* The last test of each group checks the exit status; this only cleans up after a failure. */
static int stop_all(void **state)
{
    sandbox_stop(&g_sb);
    sandbox_stop(&g_rot);
    return 0;
}

/* ---- the process and the API's edges ----------------------------------------------------- */

static void test_port_line(void **state)
{
    char want[64];
    assert_true(g_sb.port > 0 && g_sb.port < 65536);
    snprintf(want, sizeof want, "http://127.0.0.1:%d", g_sb.port);
    assert_string_equal(g_sb.base_url, want);
}

static void test_requires_token(void **state)
{
    sandbox_reply r;
    char buf[128];
    const char *const wrong[] = {"Authorization: Bearer nope", NULL};
    call(&g_sb, "POST", CONNECT_PATH, NULL, "{\"mode\":\"qr\"}", &r);
    assert_non_null(sandbox_reply_header(&r, "WWW-Authenticate", buf, sizeof buf));
    json_decref(expect_envelope(&r, 401, "UNAUTHORIZED"));
    call(&g_sb, "POST", CONNECT_PATH, wrong, "{\"mode\":\"qr\"}", &r);
    json_decref(expect_envelope(&r, 401, "UNAUTHORIZED"));
    call(&g_sb, "GET", CONNECT_PATH "/cs_x/stream", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 401, "UNAUTHORIZED"));
    call(&g_sb, "GET", "/keebai/v1/anything", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 401, "UNAUTHORIZED"));
}

static void test_bad_json(void **state)
{
    sandbox_reply r;
    post_connect(&g_sb, "{\"mode\":", &r);
    json_decref(expect_envelope(&r, 400, "INVALID_REQUEST"));
    post_connect(&g_sb, "[1,2]", &r);
    json_decref(expect_envelope(&r, 400, "INVALID_REQUEST"));
    post_connect(&g_sb, "", &r);
    json_decref(expect_envelope(&r, 400, "INVALID_REQUEST"));
}

static void test_validation_422(void **state)
{
    sandbox_reply r;
    char body[1024], name[512] = "";
    post_connect(&g_sb, "{\"mode\":\"qr\",\"name\":5}", &r);
    json_t *d = expect_envelope(&r, 422, "VALIDATION_ERROR");
    assert_true(json_is_string(json_object_get(d, "name")));
    json_decref(d);
    memset(name, 'a', 101);
    snprintf(body, sizeof body, "{\"mode\":\"qr\",\"name\":\"%s\"}", name);
    post_connect(&g_sb, body, &r);
    d = expect_envelope(&r, 422, "VALIDATION_ERROR");
    assert_non_null(json_object_get(d, "name"));
    json_decref(d);
    name[0] = '\0'; /* 100 characters, 200 bytes: within the limit */
    for (int i = 0; i < 100; i++)
        strcat(name, "\xc3\xa3");
    snprintf(body, sizeof body, "{\"mode\":\"qr\",\"name\":\"%s\"}", name);
    assert_int_equal(post_connect(&g_sb, body, &r), 201);
    sandbox_reply_free(&r);
    post_connect(&g_sb, "{\"mode\":\"fax\"}", &r);
    d = expect_envelope(&r, 422, "VALIDATION_ERROR");
    assert_non_null(json_object_get(d, "mode"));
    json_decref(d);
}

static void test_routes_404_405_413_501(void **state)
{
    sandbox_reply r;
    char buf[64];
    const char *const h[] = {AUTH, NULL};
    call(&g_sb, "GET", "/nope", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 404, "NOT_FOUND"));
    call(&g_sb, "GET", "/keebai/v1/nope", h, NULL, &r);
    json_decref(expect_envelope(&r, 404, "NOT_FOUND"));
    call(&g_sb, "GET", "/_sandbox/nope", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 404, "NOT_FOUND"));
    call(&g_sb, "GET", CONNECT_PATH, h, NULL, &r);
    assert_string_equal(sandbox_reply_header(&r, "Allow", buf, sizeof buf), "POST");
    json_decref(expect_envelope(&r, 405, "METHOD_NOT_ALLOWED"));
    char *big = malloc(70001);
    memset(big, ' ', 70000);
    big[70000] = '\0';
    post_connect(&g_sb, big, &r);
    free(big);
    json_decref(expect_envelope(&r, 413, "PAYLOAD_TOO_LARGE"));
    post_connect(&g_sb, "{\"mode\":\"embedded_signup\",\"coexistence_enabled\":\"yes\"}", &r);
    json_decref(expect_envelope(&r, 422, "VALIDATION_ERROR"));
}

static void test_create_session(void **state)
{
    sandbox_reply r;
    char want[512];
    assert_int_equal(post_connect(&g_sb, "{\"mode\":\"qr\",\"name\":\"Loja Centro\"}", &r), 201);
    json_t *j = body_json(&r);
    const char *sid = json_string_value(json_object_get(j, "session_id"));
    assert_non_null(sid);
    assert_memory_equal(sid, "cs_", 3);
    snprintf(want, sizeof want, "%s" CONNECT_PATH "/%s/stream", g_sb.base_url, sid);
    assert_string_equal(json_string_value(json_object_get(j, "stream_url")), want);
    assert_int_equal(json_integer_value(json_object_get(j, "expires_in")), 160);
    json_decref(j);
    sandbox_reply_free(&r);
}

/* ---- the QR stream ------------------------------------------------------------------------ */

/* Checks a pairing string's shape: 2@ref,key,key,key with 44-character base64 keys. */
static void assert_pairing_string(const char *qr)
{
    size_t len = strlen(qr);
    assert_true(len >= 215 && len <= 240);
    assert_memory_equal(qr, "2@", 2);
    const char *c1 = strchr(qr, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    const char *c3 = c2 ? strchr(c2 + 1, ',') : NULL;
    assert_non_null(c3);
    assert_null(strchr(c3 + 1, ','));
    assert_int_equal(c2 - c1 - 1, 44);
    assert_int_equal(c3 - c2 - 1, 44);
    assert_int_equal(strlen(c3 + 1), 44);
}

static json_t *event_data(const sse_ev *ev)
{
    json_t *j = json_loads(ev->data, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_stream_first_qr(void **state)
{
    char sid[64], url[512];
    sse_ev ev[4];
    stream s;
    create_session(&g_sb, "Loja Centro", sid, url);
    stream_init(&s, url, -1, 5000, 1);
    stream_run(&s);
    assert_int_equal(s.status, 200);
    assert_memory_equal(s.buf, "retry: 2000\n", 12);
    assert_int_equal(parse_events(s.buf, ev, 4), 1);
    assert_string_equal(ev[0].event, "qr");
    assert_int_equal(ev[0].id, 1);
    json_t *d = event_data(&ev[0]);
    const char *qr = json_string_value(json_object_get(d, "qr"));
    assert_pairing_string(qr);
    assert_int_equal(json_integer_value(json_object_get(d, "attempt")), 1);
    assert_int_equal(json_integer_value(json_object_get(d, "expires_in")), 60);
    json_t *latest = control_json(&g_sb, "GET", "/_sandbox/sessions/latest", 200);
    assert_string_equal(json_string_value(json_object_get(latest, "session_id")), sid);
    assert_string_equal(json_string_value(json_object_get(latest, "state")), "waiting");
    assert_string_equal(json_string_value(json_object_get(latest, "qr")), qr);
    assert_string_equal(json_string_value(json_object_get(latest, "name")), "Loja Centro");
    assert_true(json_is_null(json_object_get(latest, "channel_id")));
    json_decref(latest);
    json_decref(d);
    stream_done(&s);
}

/* Without Last-Event-ID a client gets the current QR again; with it, nothing old, but pings. */
static void test_reconnect_and_keepalive(void **state)
{
    char sid[64], url[512];
    sse_ev ev[4];
    stream s;
    create_session(&g_sb, "Reconnect", sid, url);
    stream_init(&s, url, -1, 5000, 1);
    stream_run(&s);
    stream_done(&s);
    stream_init(&s, url, -1, 5000, 1);
    stream_run(&s);
    assert_int_equal(parse_events(s.buf, ev, 4), 1);
    assert_int_equal(ev[0].id, 1);
    assert_string_equal(ev[0].event, "qr");
    stream_done(&s);
    stream_init(&s, url, 1, 500, 0);
    stream_run(&s);
    assert_int_equal(s.rc, CURLE_OPERATION_TIMEDOUT);
    assert_int_equal(parse_events(s.buf, ev, 4), 0);
    assert_non_null(strstr(s.buf, "\n: ping\n\n")); /* keepalive 150 ms */
    stream_done(&s);
}

static void test_scan_connects(void **state)
{
    char sid[64], url[512];
    sse_ev ev[8];
    stream s;
    create_session(&g_sb, "Scan Me", sid, url);
    stream_init(&s, url, -1, 5000, 0);
    stream_start(&s);
    assert_true(stream_wait(&s, 1, 3000));
    json_t *j = control_json(&g_sb, "POST", "/_sandbox/sessions/latest/scan", 200);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "scanned");
    json_decref(j);
    pthread_join(s.th, NULL);
    assert_int_equal(s.rc, CURLE_OK); /* the stream ended by itself after connected */
    assert_int_equal(parse_events(s.buf, ev, 8), 3);
    assert_string_equal(ev[1].event, "scanned");
    assert_string_equal(ev[2].event, "connected");
    assert_true(ev[0].id < ev[1].id && ev[1].id < ev[2].id);
    json_t *d = event_data(&ev[2]);
    const char *ch = json_string_value(json_object_get(d, "channel_id"));
    assert_memory_equal(ch, "ch_", 3);
    assert_memory_equal(json_string_value(json_object_get(d, "phone_number")), "+5511", 5);
    assert_string_equal(json_string_value(json_object_get(d, "name")), "Scan Me");
    j = control_json(&g_sb, "GET", "/_sandbox/sessions/latest", 200);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "connected");
    assert_string_equal(json_string_value(json_object_get(j, "channel_id")), ch);
    json_decref(j);
    json_decref(d);
    j = control_json(&g_sb, "POST", "/_sandbox/sessions/latest/scan", 409);
    json_decref(j);
    stream_done(&s);
}

/* /drop hangs up every stream of the session; a client resumes with Last-Event-ID. */
static void test_drop_and_resume(void **state)
{
    char sid[64], url[512];
    sse_ev ev[8];
    stream s;
    create_session(&g_sb, "Drop", sid, url);
    stream_init(&s, url, -1, 5000, 0);
    stream_start(&s);
    assert_true(stream_wait(&s, 1, 3000));
    json_t *j = control_json(&g_sb, "POST", "/_sandbox/sessions/latest/drop", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "dropped")), 1);
    json_decref(j);
    pthread_join(s.th, NULL);
    assert_true(s.rc != CURLE_OK && s.rc != CURLE_OPERATION_TIMEDOUT);
    assert_int_equal(parse_events(s.buf, ev, 8), 1);
    stream_done(&s);
    stream_init(&s, url, 1, 5000, 0);
    stream_start(&s);
    usleep(300000);
    assert_false(stream_wait(&s, 1, 0)); /* qr 1 is not replayed */
    json_decref(control_json(&g_sb, "POST", "/_sandbox/sessions/latest/scan", 200));
    pthread_join(s.th, NULL);
    assert_int_equal(s.rc, CURLE_OK);
    assert_int_equal(parse_events(s.buf, ev, 8), 2);
    assert_int_equal(ev[0].id, 2);
    assert_string_equal(ev[0].event, "scanned");
    assert_string_equal(ev[1].event, "connected");
    stream_done(&s);
}

static void test_session_not_found(void **state)
{
    sandbox_reply r;
    const char *const h[] = {AUTH, NULL};
    call(&g_sb, "GET", CONNECT_PATH "/cs_nope/stream", h, NULL, &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
    call(&g_sb, "GET", CONNECT_PATH "/latest/stream", h, NULL, &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
    call(&g_sb, "GET", "/_sandbox/sessions/cs_nope", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
}

/* ---- rotation, on the fast sandbox ------------------------------------------------------- */

static void test_rotation_expires(void **state)
{
    char sid[64], url[512];
    sse_ev ev[8];
    stream s;
    create_session(&g_rot, "Rotate", sid, url);
    long t0 = now_ms();
    stream_init(&s, url, -1, 5000, 0);
    stream_run(&s);
    assert_int_equal(s.rc, CURLE_OK);
    assert_in_range(now_ms() - t0, 550, 3000); /* 300 + 200 + 200 ms of QRs */
    assert_int_equal(parse_events(s.buf, ev, 8), 4);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(ev[i].event, "qr");
        assert_int_equal(ev[i].id, i + 1);
        json_t *d = event_data(&ev[i]);
        assert_int_equal(json_integer_value(json_object_get(d, "attempt")), i + 1);
        assert_int_equal(json_integer_value(json_object_get(d, "expires_in")), 1);
        assert_pairing_string(json_string_value(json_object_get(d, "qr")));
        json_decref(d);
    }
    assert_string_not_equal(ev[0].data, ev[1].data);
    assert_string_not_equal(ev[1].data, ev[2].data);
    assert_string_equal(ev[3].event, "expired");
    assert_int_equal(ev[3].id, 4);
    assert_string_equal(ev[3].data, "{\"reason\":\"qr_attempts_exhausted\"}");
    json_t *j = control_json(&g_rot, "GET", "/_sandbox/sessions/latest", 200);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "expired");
    assert_true(json_is_null(json_object_get(j, "qr")));
    json_decref(j);
    stream_done(&s);
}

/* The session clock runs from creation; replay sends only ids after Last-Event-ID. */
static void test_replay_last_event_id(void **state)
{
    char sid[64], url[512];
    sse_ev ev[8];
    stream s;
    create_session(&g_rot, "Replay", sid, url);
    usleep(900000); /* no stream open: the session still rotates and expires */
    stream_init(&s, url, 2, 3000, 0);
    stream_run(&s);
    assert_int_equal(s.rc, CURLE_OK);
    assert_int_equal(parse_events(s.buf, ev, 8), 2);
    assert_int_equal(ev[0].id, 3);
    assert_string_equal(ev[0].event, "qr");
    assert_int_equal(ev[1].id, 4);
    assert_string_equal(ev[1].event, "expired");
    stream_done(&s);
    stream_init(&s, url, -1, 3000, 0); /* a late client without an id: just the ending */
    stream_run(&s);
    assert_int_equal(parse_events(s.buf, ev, 8), 1);
    assert_string_equal(ev[0].event, "expired");
    stream_done(&s);
}

/* ---- HTTP-layer fixtures ----------------------------------------------------------------- */

static void test_fixture_status(void **state)
{
    sandbox_reply r;
    call(&g_sb, "GET", "/_sandbox/test/status/503", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 503, "SERVICE_UNAVAILABLE"));
    call(&g_sb, "POST", "/_sandbox/test/status/500", NULL, "{}", &r);
    json_decref(expect_envelope(&r, 500, "SERVER_ERROR"));
    call(&g_sb, "GET", "/_sandbox/test/status/403", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 403, "FORBIDDEN"));
    call(&g_sb, "GET", "/_sandbox/test/status/42", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 400, "INVALID_REQUEST"));
}

static void test_fixture_ratelimit(void **state)
{
    sandbox_reply r;
    char buf[32];
    const char *path = "/_sandbox/test/ratelimit/rl1?times=2&after=3";
    for (int i = 0; i < 2; i++) {
        call(&g_sb, "GET", path, NULL, NULL, &r);
        assert_string_equal(sandbox_reply_header(&r, "Retry-After", buf, sizeof buf), "3");
        json_decref(expect_envelope(&r, 429, "THROTTLED"));
    }
    json_t *j = control_json(&g_sb, "GET", path, 200);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_int_equal(json_integer_value(json_object_get(j, "calls")), 3);
    json_decref(j);
}

static void test_fixture_flaky(void **state)
{
    sandbox_reply r;
    const char *path = "/_sandbox/test/flaky/f1?times=2";
    for (int i = 0; i < 2; i++) {
        call(&g_sb, "POST", path, NULL, "{}", &r);
        json_decref(expect_envelope(&r, 500, "SERVER_ERROR"));
    }
    json_t *j = control_json(&g_sb, "POST", path, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "calls")), 3);
    json_decref(j);
}

static void test_fixture_big(void **state)
{
    sandbox_reply r;
    assert_int_equal(call(&g_sb, "GET", "/_sandbox/test/big?bytes=200000", NULL, NULL, &r), 200);
    assert_int_equal(r.body_len, 200000);
    json_decref(body_json(&r));
    sandbox_reply_free(&r);
    assert_int_equal(call(&g_sb, "GET", "/_sandbox/test/big?bytes=5", NULL, NULL, &r), 200);
    assert_int_equal(r.body_len, 5);
    json_decref(body_json(&r));
    sandbox_reply_free(&r);
}

static void test_fixture_echo(void **state)
{
    sandbox_reply r;
    const char *const h[] = {"Authorization: Bearer abc", "X-Api-Key: k1", NULL};
    assert_int_equal(call(&g_sb, "PUT", "/_sandbox/test/echo?x=1", h, "raw \"body\"", &r), 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "method")), "PUT");
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/_sandbox/test/echo");
    assert_string_equal(json_string_value(json_object_get(j, "authorization")), "Bearer abc");
    assert_string_equal(json_string_value(json_object_get(j, "x_api_key")), "k1");
    assert_string_equal(json_string_value(json_object_get(j, "body")), "raw \"body\"");
    json_decref(j);
    sandbox_reply_free(&r);
    call(&g_sb, "GET", "/_sandbox/test/echo", NULL, NULL, &r);
    j = body_json(&r);
    assert_true(json_is_null(json_object_get(j, "authorization")));
    json_decref(j);
    sandbox_reply_free(&r);
}

/* A redirect to another host name: curl drops the token, and the log proves it. */
static void test_fixture_redirect_and_log(void **state)
{
    char path[256], loc[128], buf[256], host[64];
    sandbox_reply r;
    snprintf(loc, sizeof loc, "http://localhost:%d/_sandbox/test/echo", g_sb.port);
    snprintf(path, sizeof path, "/_sandbox/test/redirect?to=%s&code=307", loc);
    assert_int_equal(call(&g_sb, "GET", path, NULL, NULL, &r), 307);
    assert_string_equal(sandbox_reply_header(&r, "Location", buf, sizeof buf), loc);
    sandbox_reply_free(&r);
    json_decref(control_json(&g_sb, "POST", "/_sandbox/test/log/clear", 200));
    char url[512];
    snprintf(url, sizeof url, "%s%s", g_sb.base_url, path);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer secret-t");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fwrite);
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    fclose(devnull);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    json_t *log = control_json(&g_sb, "GET", "/_sandbox/test/log", 200);
    assert_int_equal(json_array_size(log), 3); /* redirect, echo, this GET */
    json_t *first = json_array_get(log, 0), *second = json_array_get(log, 1);
    snprintf(host, sizeof host, "127.0.0.1:%d", g_sb.port);
    assert_string_equal(json_string_value(json_object_get(first, "host")), host);
    assert_string_equal(json_string_value(json_object_get(first, "authorization")),
                        "Bearer secret-t");
    snprintf(host, sizeof host, "localhost:%d", g_sb.port);
    assert_string_equal(json_string_value(json_object_get(second, "host")), host);
    assert_string_equal(json_string_value(json_object_get(second, "path")), "/_sandbox/test/echo");
    assert_true(json_is_null(json_object_get(second, "authorization")));
    json_decref(log);
}

static void test_fixture_slow(void **state)
{
    long t0 = now_ms();
    json_t *j = control_json(&g_sb, "GET", "/_sandbox/test/slow?ms=300", 200);
    assert_true(now_ms() - t0 >= 290);
    json_decref(j);
}

static void test_fixture_sse(void **state)
{
    char url[256];
    sse_ev ev[8];
    stream s;
    snprintf(url, sizeof url, "%s/_sandbox/test/sse?events=5&drop_after=2", g_sb.base_url);
    long want[][3] = {{-1, 1, 2}, {2, 3, 4}, {4, 5, 5}}; /* Last-Event-ID, first, last */
    for (int i = 0; i < 3; i++) {
        stream_init(&s, url, want[i][0], 3000, 0);
        s.with_token = false;
        stream_run(&s);
        int n = parse_events(s.buf, ev, 8);
        assert_memory_equal(s.buf, "id: ", 4); /* no retry: unless asked for */
        assert_int_equal(n, want[i][2] - want[i][1] + 1);
        assert_int_equal(ev[0].id, want[i][1]);
        assert_int_equal(ev[n - 1].id, want[i][2]);
        if (i < 2)
            assert_true(s.rc != CURLE_OK); /* dropped mid-stream */
        else
            assert_int_equal(s.rc, CURLE_OK);
        stream_done(&s);
    }
    snprintf(url, sizeof url, "%s/_sandbox/test/sse?events=1&silent_ms=2000&retry=50",
             g_sb.base_url);
    stream_init(&s, url, -1, 400, 0);
    stream_run(&s);
    assert_memory_equal(s.buf, "retry: 50\n\n", 11);
    assert_int_equal(s.rc, CURLE_OPERATION_TIMEDOUT);
    assert_int_equal(parse_events(s.buf, ev, 8), 1);
    stream_done(&s);
}

/* ---- robustness, options, exit ------------------------------------------------------------ */

/* Sends raw bytes on a fresh connection and reads whatever comes back (up to 1 s). */
static void raw_exchange(int port, const char *data, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
    (void)w;
    shutdown(fd, SHUT_WR);
    char buf[4096];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, 1000) > 0 && recv(fd, buf, sizeof buf, 0) > 0)
        ;
    close(fd);
}

static void test_garbage_input(void **state)
{
    static const char binary[] = "\x00\xff\xfe garbage\r\n\r\n";
    static const char *const inputs[] = {
        "GET /keebai/v1/channels/whatsapp/connect/%00/stream HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer " TOKEN "\r\n\r\n",
        "POST /keebai/v1/channels/whatsapp/connect HTTP/1.1\r\nHost: x\r\nAuthorization: "
        "Bearer " TOKEN "\r\nContent-Length: 50\r\n\r\n{\"mode\":",
        "POST /_sandbox/test/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "zz\r\n",
        "GET /_sandbox/test/big?bytes=-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /_sandbox/test/sse?events=99999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /_sandbox/sessions/latest/scan/x/y/z/a/b/c/d/e/f HTTP/1.1\r\n\r\n",
    };
    raw_exchange(g_sb.port, binary, sizeof binary - 1);
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        raw_exchange(g_sb.port, inputs[i], strlen(inputs[i]));
    char *line = malloc(40000); /* an oversized request line */
    memset(line, 'a', 39999);
    memcpy(line, "GET /", 5);
    line[39999] = '\0';
    raw_exchange(g_sb.port, line, strlen(line));
    free(line);
    char sid[64], url[512];
    create_session(&g_sb, "Still here", sid, url);
    stream s; /* and the hub still streams */
    stream_init(&s, url, -1, 3000, 1);
    stream_run(&s);
    assert_int_equal(s.events, 1);
    stream_done(&s);
}

static void test_clean_exit(void **state)
{
    stream s; /* an open stream must not keep the hub from stopping */
    char sid[64], url[512];
    create_session(&g_sb, "Open", sid, url);
    stream_init(&s, url, -1, 5000, 0);
    stream_start(&s);
    assert_true(stream_wait(&s, 1, 3000));
    assert_int_equal(sandbox_stop(&g_sb), 0);
    pthread_join(s.th, NULL);
    stream_done(&s);
}

static void test_rotation_clean_exit(void **state)
{
    assert_int_equal(sandbox_stop(&g_rot), 0);
}

static void test_token_file(void **state)
{
    char path[] = "/tmp/hubdesk-sandbox-token-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char content[] = "  file-token-123 \t\nsecond line\n";
    assert_int_equal(write(fd, content, sizeof content - 1), (ssize_t)(sizeof content - 1));
    close(fd);
    const char *const args[] = {"--token-file", path, NULL};
    sandbox_proc sb;
    assert_int_equal(sandbox_start(args, &sb), 0);
    sandbox_reply r;
    const char *const good[] = {"Authorization: Bearer file-token-123", NULL};
    post_connect(&sb, "{\"mode\":\"qr\"}", &r);
    json_decref(expect_envelope(&r, 401, "UNAUTHORIZED"));
    assert_int_equal(call(&sb, "POST", CONNECT_PATH, good, "{\"mode\":\"qr\"}", &r), 201);
    sandbox_reply_free(&r);
    call(&sb, "GET", "/_sandbox/sessions/nope", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
    assert_int_equal(sandbox_stop(&sb), 0);
    unlink(path);
}

static void test_no_session_yet(void **state)
{
    sandbox_proc sb;
    sandbox_reply r;
    assert_int_equal(sandbox_start(NULL, &sb), 0);
    call(&sb, "GET", "/_sandbox/sessions/latest", NULL, NULL, &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
    call(&sb, "POST", "/_sandbox/sessions/latest/scan", NULL, "", &r);
    json_decref(expect_envelope(&r, 404, "SESSION_NOT_FOUND"));
    assert_int_equal(sandbox_stop(&sb), 0);
}

/* Runs the sandbox with exactly these args; returns its exit code, stderr into err. */
static int run_sandbox(const char *const *args, char *err, size_t errsz)
{
    const char *bin = getenv("HUBDESK_SANDBOX");
    const char *argv[16] = {bin && *bin ? bin : "build/hubdesk-sandbox"};
    for (size_t i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < errsz && (n = read(fds[0], err + len, errsz - len - 1)) > 0)
        len += (size_t)n;
    err[len] = '\0';
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_bad_options(void **state)
{
    static const char *const cases[][4] = {
        {"--bogus", NULL},
        {"--qr-attempts", "0", NULL},
        {"--retry-ms", "12x", NULL},
        {"extra", NULL},
        {"--listen", "127.0.0.1", NULL},
    };
    char err[4096];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(run_sandbox(cases[i], err, sizeof err), 2);
        assert_non_null(strstr(err, "usage") ? err : strstr(err, "--listen"));
    }
    /* Asked for, help is not an error: exit 0 (the text goes to stdout). */
    static const char *const help[] = {"--help", NULL};
    assert_int_equal(run_sandbox(help, err, sizeof err), 0);
    assert_non_null(strstr(err, "--listen"));
}

static void test_refuses_remote(void **state)
{
    const char *const args[] = {"--listen", "0.0.0.0:0", NULL};
    char err[4096];
    assert_int_equal(run_sandbox(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--allow-remote"));
    assert_null(strstr(err, TOKEN)); /* the token is never printed */
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest main_tests[] = {
        cmocka_unit_test(test_port_line),
        cmocka_unit_test(test_requires_token),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_validation_422),
        cmocka_unit_test(test_routes_404_405_413_501),
        cmocka_unit_test(test_create_session),
        cmocka_unit_test(test_stream_first_qr),
        cmocka_unit_test(test_reconnect_and_keepalive),
        cmocka_unit_test(test_scan_connects),
        cmocka_unit_test(test_drop_and_resume),
        cmocka_unit_test(test_session_not_found),
        cmocka_unit_test(test_fixture_status),
        cmocka_unit_test(test_fixture_ratelimit),
        cmocka_unit_test(test_fixture_flaky),
        cmocka_unit_test(test_fixture_big),
        cmocka_unit_test(test_fixture_echo),
        cmocka_unit_test(test_fixture_redirect_and_log),
        cmocka_unit_test(test_fixture_slow),
        cmocka_unit_test(test_fixture_sse),
        cmocka_unit_test(test_garbage_input),
        cmocka_unit_test(test_clean_exit),
    };
    const struct CMUnitTest rotation_tests[] = {
        cmocka_unit_test(test_rotation_expires),
        cmocka_unit_test(test_replay_last_event_id),
        cmocka_unit_test(test_rotation_clean_exit),
    };
    const struct CMUnitTest process_tests[] = {
        cmocka_unit_test(test_token_file),
        cmocka_unit_test(test_no_session_yet),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_refuses_remote),
    };
    int failed = cmocka_run_group_tests_name("sandbox", main_tests, start_main, stop_all);
    failed +=
        cmocka_run_group_tests_name("sandbox rotation", rotation_tests, start_rotation, stop_all);
    failed += cmocka_run_group_tests_name("sandbox process", process_tests, NULL, NULL);
    curl_global_cleanup();
    return failed ? 1 : 0;
}

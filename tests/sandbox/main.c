/* main.c: hubdesk-sandbox entry: options, token, loopback listen socket, signals, clean exit. */
#include "keebai.h"
#include "secret.h"

#include <ctype.h>
#include <getopt.h>
#include <netdb.h>
#include <stddef.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: hubdesk-sandbox [options]\n"
    "  --listen HOST:PORT     address to serve on (default 127.0.0.1:0; port 0 = any free port)\n"
    "  --allow-remote         allow a non-loopback HOST\n"
    "  --token-file FILE      accepted bearer token: FILE's first line (default: the fixed\n"
    "                         token " SB_DEFAULT_TOKEN ")\n"
    "  --qr-first-ms MS       lifetime of the first QR (default 60000)\n"
    "  --qr-next-ms MS        lifetime of each later QR (default 20000)\n"
    "  --qr-attempts N        QRs per session before it expires (default 6)\n"
    "  --scan-delay-ms MS     time from scanned to connected (default 1500)\n"
    "  --keepalive-ms MS      interval of SSE comment pings (default 15000)\n"
    "  --retry-ms MS          reconnect delay announced by streams (default 2000)\n"
    "  --embedded-signup      serve Keebai's embedded_signup mode (the default; kept for scripts)\n"
    "  --signup-expires-s S   lifetime of an embedded-signup session (default 900)\n"
    "  --signup-poll-s S      poll_interval announced for it (default 5)\n"
    "  --rate-per-min N       Keebai requests per token in a rolling minute (default 60)\n"
    "  --whapi-partner-token-file FILE  Whapi manager token: FILE's first line (default:\n"
    "                         the fixed token " SB_WHAPI_PARTNER_TOKEN ")\n"
    "  --whapi-projects-bare  GET /whapi/manager/projects answers a bare array\n"
    "  --whapi-launch-ms MS   time a new Whapi channel takes from INIT to QR (default 3000)\n"
    "  --whapi-channels-per-30min N  Whapi channel creations allowed in 30 minutes (default 20)\n"
    "  --hubmessage-token-file FILE  HubMessage secret key: FILE's first line (default: the\n"
    "                         fixed key " SB_HUBMESSAGE_TOKEN "; the public key\n"
    "                         " SB_HUBMESSAGE_PUBLIC_KEY " gets a 401: it is for the browser SDK)\n"
    "  --hydracore-token-file FILE   HydraCore bearer token: FILE's first line (default: the\n"
    "                         fixed token " SB_HYDRACORE_TOKEN ")\n"
    "  --hydracore-api-key K  HydraCore also requires X-Api-Key: K (default: not required)\n"
    "  --qr-junk esc|c1|bytes Keebai and Whapi QR texts carry an escape sequence, a C1 control\n"
    "                         or invalid UTF-8 (Keebai only: its qr data is then bare text)\n"
    "  --help                 this text\n"
    "\n"
    "hubs (one port; each hub's base URL is ORIGIN/<hub>):\n"
    "  /keebai, /whapi        see the README\n"
    "  /hubmessage/v1         Bearer " SB_HUBMESSAGE_TOKEN "; a recipient ending in an even digit\n"
    "                         has written in the last 24 h, odd ones have not\n"
    "  /hydracore/v1/instances/{uuid}/channels/whatsapp  Bearer " SB_HYDRACORE_TOKEN "; any\n"
    "                         UUID is an instance except 00000000-0000-0000-0000-000000000000;\n"
    "                         Meta's challenge: GET /hydracore/webhooks/whatsapp/{uuid}\n"
    "  /chatt2me/v1           x-api-key " SB_CHATT2ME_KEY " (application \"Sandbox App\") or\n"
    "                         " SB_CHATT2ME_OTHER_KEY " (\"Other App\"); fixed channels:\n"
    "      Sandbox App whatsapp  6cbd6789-1d2b-47e0-9391-5eb91d2839ea\n"
    "      Sandbox App sms       2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10\n"
    "      Sandbox App telegram  9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n"
    "      Sandbox App instagram 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\n"
    "      Sandbox App messenger 4d5e6f70-8192-4a3b-9c4d-5e6f70819203\n"
    "      Sandbox App webchatt  5e6f7081-92a3-4b4c-8d5e-6f708192a3b4\n"
    "      Other App   whatsapp  7f808192-a3b4-4c5d-9e6f-708192a3b4c5\n"
    "                         a recipient ending in 0000 gets status \"error\"; a webhook\n"
    "                         endpoint on host unreachable.example fails its verification\n"
    "\n"
    "test controls (loopback only; GET shows a hub's state, secrets masked to the last 4):\n"
    "  GET  /_sandbox/hubmessage, /_sandbox/hubmessage/channels/{id|latest}\n"
    "  POST /_sandbox/hubmessage/window/{number}  that number has written: messages may go\n"
    "  GET  /_sandbox/hydracore, /_sandbox/hydracore/{uuid}  (last setup body, masked)\n"
    "  POST /_sandbox/hydracore/{uuid}/verify     Meta's challenge passed: status connected\n"
    "  GET  /_sandbox/chatt2me                    channels, messages sent, webhooks made\n"
    "  POST /_sandbox/{hubmessage|hydracore|chatt2me}/fail?times=N  the hub's next N requests\n"
    "                         answer 500 (HydraCore: not Meta's challenge; default N=1, 0 stops)\n"
    "  GET  /_sandbox/test/log (or /_sandbox/log), POST .../log/clear  requests so far\n"
    "                         (the new hubs' keys masked to their last 4)\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

static bool set_long(const char *arg, long min, long max, long *out)
{
    if (sb_parse_long(arg, min, max, out))
        return true;
    fprintf(stderr, "hubdesk-sandbox: bad number '%s' (expected %ld..%ld)\n", arg, min, max);
    return false;
}

#define DAY_MS 86400000L
enum {
    O_LISTEN = 256,
    O_REMOTE,
    O_TOKEN,
    O_SIGNUP,
    O_PARTNER,
    O_BARE,
    O_HM_TOKEN,
    O_HC_TOKEN,
    O_HC_KEY,
    O_QR_JUNK,
    O_NUM
};

/* The numeric options, in the order of their O_NUM + i option values. */
static const struct {
    size_t off;
    long min, max;
} num_opts[] = {
    {offsetof(sb_config, qr_first_ms), 1, DAY_MS},
    {offsetof(sb_config, qr_next_ms), 1, DAY_MS},
    {offsetof(sb_config, qr_attempts), 1, 1000},
    {offsetof(sb_config, scan_delay_ms), 0, DAY_MS},
    {offsetof(sb_config, keepalive_ms), 10, DAY_MS},
    {offsetof(sb_config, retry_ms), 0, DAY_MS},
    {offsetof(sb_config, signup_expires_s), 1, 86400},
    {offsetof(sb_config, signup_poll_s), 1, 3600},
    {offsetof(sb_config, rate_per_min), 1, 1000000},
    {offsetof(sb_config, whapi_launch_ms), 0, DAY_MS},
    {offsetof(sb_config, whapi_channels_per_30min), 1, 1000000},
};

static const struct option long_opts[] = {
    {"listen", required_argument, 0, O_LISTEN},
    {"allow-remote", no_argument, 0, O_REMOTE},
    {"token-file", required_argument, 0, O_TOKEN},
    {"qr-first-ms", required_argument, 0, O_NUM + 0},
    {"qr-next-ms", required_argument, 0, O_NUM + 1},
    {"qr-attempts", required_argument, 0, O_NUM + 2},
    {"scan-delay-ms", required_argument, 0, O_NUM + 3},
    {"keepalive-ms", required_argument, 0, O_NUM + 4},
    {"retry-ms", required_argument, 0, O_NUM + 5},
    {"signup-expires-s", required_argument, 0, O_NUM + 6},
    {"signup-poll-s", required_argument, 0, O_NUM + 7},
    {"rate-per-min", required_argument, 0, O_NUM + 8},
    {"whapi-launch-ms", required_argument, 0, O_NUM + 9},
    {"whapi-channels-per-30min", required_argument, 0, O_NUM + 10},
    {"embedded-signup", no_argument, 0, O_SIGNUP},
    {"whapi-partner-token-file", required_argument, 0, O_PARTNER},
    {"whapi-projects-bare", no_argument, 0, O_BARE},
    {"hubmessage-token-file", required_argument, 0, O_HM_TOKEN},
    {"hydracore-token-file", required_argument, 0, O_HC_TOKEN},
    {"hydracore-api-key", required_argument, 0, O_HC_KEY},
    {"qr-junk", required_argument, 0, O_QR_JUNK},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

/* Applies one getopt_long result; false for --help and anything unknown or out of range. */
static bool apply_option(int o, const char *arg, sb_config *c)
{
    size_t i = (size_t)(o - O_NUM);
    switch (o) {
    case O_LISTEN:
        c->listen = arg;
        return true;
    case O_REMOTE:
        c->allow_remote = true;
        return true;
    case O_TOKEN:
        c->token_file = arg;
        return true;
    case O_SIGNUP:
        c->embedded_signup = true;
        return true;
    case O_PARTNER:
        c->whapi_partner_token_file = arg;
        return true;
    case O_BARE:
        c->whapi_projects_bare = true;
        return true;
    case O_HM_TOKEN:
        c->hubmessage_token_file = arg;
        return true;
    case O_HC_TOKEN:
        c->hydracore_token_file = arg;
        return true;
    case O_QR_JUNK:
        c->qr_junk = !strcmp(arg, "esc")     ? SB_QR_JUNK_ESC
                     : !strcmp(arg, "c1")    ? SB_QR_JUNK_C1
                     : !strcmp(arg, "bytes") ? SB_QR_JUNK_BYTES
                                             : SB_QR_JUNK_NONE;
        if (!c->qr_junk)
            fputs("hubdesk-sandbox: --qr-junk takes esc, c1 or bytes\n", stderr);
        return c->qr_junk != SB_QR_JUNK_NONE;
    case O_HC_KEY:
        c->hydracore_api_key = arg;
        if (!*arg)
            fputs("hubdesk-sandbox: --hydracore-api-key wants a key\n", stderr);
        return *arg != '\0';
    }
    if (o < O_NUM || i >= sizeof num_opts / sizeof *num_opts)
        return false;
    return set_long(arg, num_opts[i].min, num_opts[i].max, (long *)((char *)c + num_opts[i].off));
}

/* Returns 0 to run, -1 after --help, else the exit code (2: usage). */
static int parse_options(int argc, char **argv, sb_config *c)
{
    *c = (sb_config){.listen = "127.0.0.1:0",
                     .qr_first_ms = 60000,
                     .qr_next_ms = 20000,
                     .qr_attempts = 6,
                     .scan_delay_ms = 1500,
                     .keepalive_ms = 15000,
                     .retry_ms = 2000,
                     .signup_expires_s = 900,
                     .signup_poll_s = 5,
                     .embedded_signup = true,
                     .rate_per_min = 60,
                     .whapi_launch_ms = 3000,
                     .whapi_channels_per_30min = 20};
    int o;
    bool ok = true;
    while (ok && (o = getopt_long(argc, argv, "+", long_opts, NULL)) != -1) {
        if (o == 'h') {
            fputs(usage_text, stdout); /* asked for: stdout, success (GNU convention) */
            return -1;
        }
        ok = apply_option(o, optarg, c);
    }
    return ok && optind == argc ? 0 : usage();
}

/* A token is a file's first line, trimmed. Errors name the file, never its content. */
static bool read_token(const char *path, const char *fallback, char **tok, size_t *len)
{
    if (!path) {
        *tok = strdup(fallback);
        *len = *tok ? strlen(*tok) : 0;
        return *tok != NULL;
    }
    FILE *f = fopen(path, "r");
    char line[4096];
    bool got = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    if (!got) {
        fprintf(stderr, "hubdesk-sandbox: cannot read the token file %s\n", path);
        return false;
    }
    char *p = line, *end = line + strcspn(line, "\r\n");
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    *tok = p < end ? strndup(p, (size_t)(end - p)) : NULL;
    *len = (size_t)(end - p);
    sodium_memzero(line, sizeof line);
    if (!*tok)
        fprintf(stderr, "hubdesk-sandbox: the token file %s has an empty first line\n", path);
    return *tok != NULL;
}

/* The Keebai token, the Whapi partner token, the HubMessage and HydraCore tokens. */
static bool load_token(sb_server *srv)
{
    const sb_config *c = &srv->cfg;
    return read_token(c->token_file, SB_DEFAULT_TOKEN, &srv->token, &srv->token_len) &&
           read_token(c->whapi_partner_token_file, SB_WHAPI_PARTNER_TOKEN, &srv->partner_token,
                      &srv->partner_len) &&
           read_token(c->hubmessage_token_file, SB_HUBMESSAGE_TOKEN, &srv->hm_token,
                      &srv->hm_len) &&
           read_token(c->hydracore_token_file, SB_HYDRACORE_TOKEN, &srv->hc_token, &srv->hc_len);
}

static void free_token(char *tok, size_t len)
{
    if (tok)
        sodium_memzero(tok, len);
    free(tok);
}

/* Splits "host:port" or "[v6]:port" into host and port strings. */
static bool split_listen(const char *spec, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= pn)
        return false;
    const char *h = spec;
    size_t len = (size_t)(colon - spec);
    if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
        h++;
        len -= 2;
    }
    if (!len || len >= hn)
        return false;
    memcpy(host, h, len);
    host[len] = '\0';
    snprintf(port, pn, "%s", colon + 1);
    long p;
    return sb_parse_long(port, 0, 65535, &p);
}

static bool is_wildcard(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
    return sa->sa_family == AF_INET6 &&
           IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* Binds the first usable address; records the origin ("http://127.0.0.1:PORT"). */
static int bind_one(sb_server *srv, const struct addrinfo *ai, int *family)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[64], port[8]; /* numeric: an IPv6 address with scope fits */
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64) ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) ||
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV)) {
        close(fd);
        return -1;
    }
    bool v6 = ss.ss_family == AF_INET6;
    snprintf(srv->origin, sizeof srv->origin, "http://%s%s%s:%s", v6 ? "[" : "", host,
             v6 ? "]" : "", port);
    srv->wildcard = is_wildcard((struct sockaddr *)&ss);
    *family = ss.ss_family;
    return fd;
}

/* Returns the listening socket, or -1 after saying why (exit code in *code). */
static int open_listener(sb_server *srv, int *family, int *code)
{
    char host[256], port[16];
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
    *code = 2;
    if (!split_listen(srv->cfg.listen, host, sizeof host, port, sizeof port)) {
        fprintf(stderr, "hubdesk-sandbox: --listen wants HOST:PORT, got '%s'\n", srv->cfg.listen);
        return -1;
    }
    if (getaddrinfo(host, port, &hints, &res)) {
        fprintf(stderr, "hubdesk-sandbox: cannot resolve '%s'\n", host);
        return -1;
    }
    int fd = -1;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        if (!srv->cfg.allow_remote && !sb_is_loopback(ai->ai_addr))
            continue; /* a name may resolve to loopback and non-loopback addresses */
        fd = bind_one(srv, ai, family);
        if (fd < 0)
            *code = 1;
    }
    bool any = res != NULL;
    freeaddrinfo(res);
    if (fd < 0 && *code == 2 && any)
        fprintf(stderr,
                "hubdesk-sandbox: refusing non-loopback address '%s' "
                "(use --allow-remote)\n",
                host);
    else if (fd < 0)
        fprintf(stderr, "hubdesk-sandbox: cannot listen on %s\n", srv->cfg.listen);
    return fd;
}

static bool server_init(sb_server *srv)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* waits must not jump with wall time */
    bool ok = !pthread_mutex_init(&srv->lock, NULL) && !pthread_cond_init(&srv->cond, &ca);
    pthread_condattr_destroy(&ca);
    srv->log = json_array();
    srv->counters = json_object();
    srv->webhooks = json_array();
    srv->rates = json_object();
    return ok && srv->log && srv->counters && srv->webhooks && srv->rates && sb_hubs_init(srv);
}

static void server_free(sb_server *srv)
{
    sb_sessions_free(srv);
    json_decref(srv->log);
    json_decref(srv->counters);
    sb_signups_free(srv);
    sb_whapi_free(srv);
    json_decref(srv->webhooks);
    json_decref(srv->rates);
    sb_hubs_free(srv);
    free_token(srv->token, srv->token_len);
    free_token(srv->partner_token, srv->partner_len);
    free_token(srv->hm_token, srv->hm_len);
    free_token(srv->hc_token, srv->hc_len);
    pthread_cond_destroy(&srv->cond);
    pthread_mutex_destroy(&srv->lock);
}

/* Serves until SIGINT/SIGTERM; wakes every blocked stream before stopping the daemon. */
static int serve(sb_server *srv, int fd, int family, const sigset_t *stop_sigs)
{
    struct MHD_Daemon *d = sb_http_start(srv, fd, family);
    if (!d) {
        fprintf(stderr, "hubdesk-sandbox: cannot start the HTTP server\n");
        close(fd);
        return 1;
    }
    printf("hubdesk-sandbox listening on %s\n", srv->origin);
    fflush(stdout);
    int sig;
    sigwait(stop_sigs, &sig);
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_cond_broadcast(&srv->cond);
    pthread_mutex_unlock(&srv->lock);
    MHD_stop_daemon(d); /* joins every connection thread; closes the listening socket */
    return 0;
}

int main(int argc, char **argv)
{
    static sb_server srv;
    int code = parse_options(argc, argv, &srv.cfg);
    if (code)
        return code < 0 ? 0 : code;
    secret_harden_json(); /* HydraCore setups carry tokens: what jansson frees is wiped */
    json_object_seed(0);  /* seed jansson's hash once, before threads race to do it */
    if (sodium_init() < 0 || !server_init(&srv))
        return 1;
    int family = AF_INET, fd = -1;
    if (!load_token(&srv))
        code = 2;
    else if ((fd = open_listener(&srv, &family, &code)) >= 0) {
        /* Blocked here, before MHD starts, so every thread inherits the mask and only
         * sigwait() sees the stop signals; SIGPIPE from a vanished client is ignored. */
        sigset_t stop_sigs;
        sigemptyset(&stop_sigs);
        sigaddset(&stop_sigs, SIGINT);
        sigaddset(&stop_sigs, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
        signal(SIGPIPE, SIG_IGN);
        code = serve(&srv, fd, family, &stop_sigs);
    }
    server_free(&srv);
    return code;
}

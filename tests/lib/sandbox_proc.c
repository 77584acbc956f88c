/* sandbox_proc.c: spawn/stop hubdesk-sandbox for tests, plus tiny blocking libcurl calls. */
#include "sandbox_proc.h"

#include <jansson.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_PREFIX "hubdesk-sandbox listening on "

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static const char *sandbox_path(void)
{
    const char *bin = getenv("HUBDESK_SANDBOX");
    return bin && *bin ? bin : "build/hubdesk-sandbox";
}

/* In the child (only async-signal-safe calls): stdout to the pipe, then exec. */
static void exec_child(int out_fd, const char *const *argv)
{
    static const char msg[] = "sandbox_start: cannot run the sandbox (set HUBDESK_SANDBOX)\n";
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* a crashed test must not leave a hub behind */
    dup2(out_fd, STDOUT_FILENO);
    execv(argv[0], (char *const *)argv);
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* Reads one line (up to 10 s) from fd into buf. */
static bool read_line(int fd, char *buf, size_t n)
{
    size_t len = 0;
    long deadline = now_ms() + 10000;
    while (len + 1 < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = deadline - now_ms();
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t r = read(fd, buf + len, 1);
        if (r <= 0)
            return false;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return true;
}

static bool parse_line(const char *line, sandbox_proc *out)
{
    size_t plen = strlen(LISTEN_PREFIX);
    const char *url = line + plen;
    const char *colon = strrchr(line, ':');
    if (strncmp(line, LISTEN_PREFIX, plen) || strncmp(url, "http://127.0.0.1:", 17) || !colon)
        return false;
    out->port = atoi(colon + 1);
    snprintf(out->base_url, sizeof out->base_url, "http://127.0.0.1:%d", out->port);
    return out->port > 0 && out->port < 65536 && !strcmp(url, out->base_url);
}

int sandbox_start(const char *const *extra_args, sandbox_proc *out)
{
    const char *argv[64] = {sandbox_path(), "--listen", "127.0.0.1:0"};
    size_t n = 3;
    for (size_t i = 0; extra_args && extra_args[i] && n < 63; i++)
        argv[n++] = extra_args[i];
    int fds[2];
    memset(out, 0, sizeof *out);
    if (pipe2(fds, O_CLOEXEC))
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        exec_child(fds[1], argv);
    }
    close(fds[1]);
    char line[256];
    bool ok = pid > 0 && read_line(fds[0], line, sizeof line) && parse_line(line, out);
    close(fds[0]); /* the hub writes nothing else to stdout, and ignores SIGPIPE */
    if (pid > 0)
        out->pid = pid;
    if (!ok) {
        if (pid > 0)
            sandbox_stop(out);
        return -1;
    }
    return 0;
}

static int decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

int sandbox_stop(sandbox_proc *p)
{
    if (!p || p->pid <= 0)
        return -1;
    int st = 0;
    kill(p->pid, SIGTERM);
    long deadline = now_ms() + 2000;
    pid_t r;
    while ((r = waitpid(p->pid, &st, WNOHANG)) == 0 && now_ms() < deadline)
        usleep(10000);
    if (r == 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, &st, 0);
        p->pid = 0;
        return 128 + SIGKILL;
    }
    p->pid = 0;
    return r < 0 ? -1 : decode_status(st);
}

typedef struct grow_buf {
    char *data;
    size_t len;
} grow_buf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    grow_buf *b = userdata;
    size_t n = size * nmemb;
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, ptr, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static struct curl_slist *header_list(const char *const *headers)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    return list;
}

long sandbox_http(const char *method, const char *url, const char *const *headers, const char *body,
                  size_t body_len, sandbox_reply *out)
{
    grow_buf b = {0}, h = {0};
    memset(out, 0, sizeof *out);
    out->status = -1;
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    struct curl_slist *list = header_list(headers);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(list);
    out->body = b.data ? b.data : calloc(1, 1);
    out->body_len = b.len;
    out->headers = h.data ? h.data : calloc(1, 1);
    return out->status;
}

void sandbox_reply_free(sandbox_reply *r)
{
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

const char *sandbox_reply_header(const sandbox_reply *r, const char *name, char *buf, size_t n)
{
    const char *found = NULL;
    size_t nl = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1 + strspn(p + nl + 1, " \t");
            snprintf(buf, n, "%.*s", (int)strcspn(v, "\r\n"), v);
            found = buf; /* keep looking: after a redirect the last one counts */
        }
        p = eol ? eol + 1 : NULL;
    }
    return found;
}

static long control_call(const sandbox_proc *p, const char *method, const char *path,
                         const char *json, char **body_out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", p->base_url, path);
    const char *const headers[] = {"Content-Type: application/json", NULL};
    sandbox_reply r;
    long status = sandbox_http(method, url, headers, json, json ? strlen(json) : 0, &r);
    if (body_out) {
        *body_out = r.body;
        r.body = NULL;
    }
    sandbox_reply_free(&r);
    return status;
}

long sandbox_get(const sandbox_proc *p, const char *path, char **body_out)
{
    return control_call(p, "GET", path, NULL, body_out);
}

long sandbox_post(const sandbox_proc *p, const char *path, const char *json, char **body_out)
{
    return control_call(p, "POST", path, json ? json : "", body_out);
}

struct json_t *sandbox_json(const sandbox_proc *p, const char *method, const char *path)
{
    char *body = NULL;
    if (strcmp(method, "POST") == 0)
        sandbox_post(p, path, NULL, &body);
    else
        sandbox_get(p, path, &body);
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    free(body);
    return j;
}

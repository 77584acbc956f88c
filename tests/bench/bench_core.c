/* bench_core.c: time per QR rotation (encode, fit, render) and SSE parser throughput. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qr.h"
#include "sse_parser.h"
#include "vault.h"

#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A 225-character pairing string shaped like WhatsApp's. */
static void pairing_string(char *out, unsigned seed)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    out[o++] = '2';
    out[o++] = '@';
    for (int i = 0; i < 88; i++)
        out[o++] = b64[(seed = seed * 1103515245u + 12345u) >> 26];
    for (int k = 0; k < 3; k++) {
        out[o++] = ',';
        for (int i = 0; i < 43; i++)
            out[o++] = b64[(seed = seed * 1103515245u + 12345u) >> 26];
        out[o++] = '=';
    }
    out[o] = '\0';
}

static double rotation_us(unsigned seed, int cols, int rows)
{
    char s[300];
    pairing_string(s, seed);
    double t0 = now_us();
    qr_matrix *m = qr_matrix_encode(s);
    qr_style style;
    int quiet;
    qr_autofit(m, cols, rows, true, true, &style, &quiet, NULL, NULL);
    qr_render *r = qr_render_make(m, style, quiet);
    double t = now_us() - t0;
    qr_render_free(r);
    qr_matrix_free(m);
    return t;
}

static int events;
static void count_event(const sse_event *ev, void *arg)
{
    events++;
}

static double sse_mb_per_s(void)
{
    const char *ev = "id: 12\nevent: qr\ndata: {\"qr\":\"2@AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
                     "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789,abc=,def=,ghi=\",\"expires_in\":20,"
                     "\"attempt\":2}\n\n: ping\n\n";
    size_t el = strlen(ev), total = 0;
    char *buf = malloc(1 << 20);
    while (total + el < (1 << 20)) {
        memcpy(buf + total, ev, el);
        total += el;
    }
    sse_parser *p = sse_parser_new(0, count_event, NULL);
    double t0 = now_us();
    for (int rep = 0; rep < 50; rep++)
        for (size_t off = 0; off < total; off += 1500) /* network-sized chunks */
            sse_parser_feed(p, buf + off, total - off < 1500 ? total - off : 1500);
    double secs = (now_us() - t0) / 1e6;
    sse_parser_free(p);
    free(buf);
    return 50.0 * total / (1024 * 1024) / secs;
}

/* Median time to unlock a vault made with the default Argon2id parameters. */
static double unlock_ms(void)
{
    char dir[] = "/tmp/hd-bench-XXXXXX", path[64], cmd[96];
    double t[5];
    vault *v = NULL;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/v/vault", dir);
    if (vault_create(path, "bench passphrase", &v) != VAULT_OK)
        return -1;
    vault_close(v);
    for (int i = 0; i < 5; i++) {
        double t0 = now_us();
        if (vault_open(path, "bench passphrase", &v) != VAULT_OK)
            return -1;
        t[i] = (now_us() - t0) / 1000;
        vault_close(v);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return -1;
    qsort(t, 5, sizeof t[0], cmp_double);
    return t[2];
}

int main(void)
{
    enum { N = 200 };
    static const int areas[][2] = {{78, 22}, {118, 38}, {238, 68}};
    printf("| measurement | result | target |\n|---|---|---|\n");
    for (size_t a = 0; a < 3; a++) {
        double t[N];
        for (int i = 0; i < N; i++)
            t[i] = rotation_us((unsigned)i + 1, areas[a][0], areas[a][1]);
        qsort(t, N, sizeof t[0], cmp_double);
        printf("| QR rotation (encode + fit + render), %dx%d area, median / p95 | %.0f us / %.0f us "
               "| < 5000 us |\n",
               areas[a][0], areas[a][1], t[N / 2], t[N * 95 / 100]);
    }
    double mbs = sse_mb_per_s(); /* before reading `events`, which it counts */
    printf("| SSE parser throughput, 1500-byte chunks | %.0f MB/s (%d events) | > 50 MB/s |\n",
           mbs, events);
    vault_kdf k = vault_kdf_default();
    printf("| vault unlock, Argon2id opslimit %llu memlimit %llu MiB, median of 5 | %.0f ms "
           "| < 1000 ms |\n",
           (unsigned long long)k.opslimit, (unsigned long long)(k.memlimit >> 20), unlock_ms());
    return 0;
}

/* ratelimit.c: rolling-window request limits (Keebai per token, Whapi channel creations). */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SB_RATE_KEYS_MAX 1024

/*
 * Keys are hashed: the table would otherwise keep every bearer token a client ever sent.
 * Each key holds the times (ms) of its requests inside the window, oldest first; at most
 * `limit` of them, so memory stays bounded by the limit.
 */
static void key_hash(const char *key, char *hex, size_t n)
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
    sodium_bin2hex(hex, n, h, sizeof h);
}

bool sb_rate_take(sb_server *srv, const char *key, long limit, int64_t window_ms, long *retry_s)
{
    char hex[33];
    key_hash(key, hex, sizeof hex);
    int64_t now = sb_now_ms();
    bool ok = true;
    pthread_mutex_lock(&srv->lock);
    json_t *times = json_object_get(srv->rates, hex);
    if (!times) {
        if (json_object_size(srv->rates) >= SB_RATE_KEYS_MAX)
            json_object_clear(srv->rates);
        times = json_array();
        json_object_set_new(srv->rates, hex, times);
    }
    while (json_array_size(times) &&
           json_integer_value(json_array_get(times, 0)) + window_ms <= now)
        json_array_remove(times, 0);
    if ((long)json_array_size(times) >= limit) {
        int64_t free_at = json_integer_value(json_array_get(times, 0)) + window_ms;
        *retry_s = (long)((free_at - now + 999) / 1000);
        if (*retry_s < 1)
            *retry_s = 1;
        ok = false;
    } else {
        json_array_append_new(times, json_integer(now));
    }
    pthread_mutex_unlock(&srv->lock);
    return ok;
}

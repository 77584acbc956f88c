/* duration.c: server-supplied durations, parsed without overflow and clamped (duration.h). */
#include "duration.h"

#include <curl/curl.h>
#include <string.h>

/* The effective maximum in ms: never above one day, so every result fits a 32-bit long. */
static long cap_ms(long max_ms)
{
    return max_ms < 0 || max_ms > DURATION_MAX_MS ? DURATION_MAX_MS : max_ms;
}

long duration_ms_from_s(double s, long max_ms)
{
    long cap = cap_ms(max_ms);
    if (!(s >= 0)) /* negative, or NaN (every comparison with NaN is false) */
        return -1;
    /* Compared before multiplying: converting an out-of-range double to long is undefined. */
    if (s * 1000.0 >= (double)cap)
        return cap;
    return (long)(s * 1000.0);
}

long duration_ms_from_whole_s(long long s, long max_ms)
{
    long cap = cap_ms(max_ms);
    if (s < 0)
        return -1;
    if (s > cap / 1000 + 1) /* s * 1000 would pass the cap (and may overflow): not computed */
        return cap;
    long long ms = s * 1000; /* s <= 86401 here */
    return ms > cap ? cap : (long)ms;
}

long duration_clamp_ms(long long ms, long max_ms)
{
    long cap = cap_ms(max_ms);
    if (ms < 0)
        return -1;
    return ms > cap ? cap : (long)ms;
}

long duration_parse_digits(const char *s, size_t n, long max)
{
    long v = 0;
    if (!s || n == 0 || max < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        int d = s[i] - '0';
        v = v > (max - d) / 10 ? max : v * 10 + d; /* saturates before it could overflow */
    }
    return v;
}

/* An HTTP-date as seconds after now, clamped; -1 when curl cannot read it as a date. */
static long date_after_s(const char *v, size_t n, time_t now, long cap_s)
{
    char buf[128];
    if (n >= sizeof buf)
        return -1; /* no HTTP-date is that long */
    memcpy(buf, v, n);
    buf[n] = '\0';
    time_t when = curl_getdate(buf, NULL);
    if (when == -1)
        return -1;
    if (now < 0)
        now = 0;
    if (when <= now)
        return 0;
    /* when > now >= 0: the difference cannot overflow */
    return when - now > (time_t)cap_s ? cap_s : (long)(when - now);
}

long duration_retry_after_s(const char *value, time_t now, long max_s)
{
    long cap_s = max_s < 0 || max_s > DURATION_MAX_S ? DURATION_MAX_S : max_s;
    if (!value)
        return -1;
    const char *v = value + strspn(value, " \t");
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0)
        return -1;
    if (strspn(v, "0123456789") >= n)
        return duration_parse_digits(v, n, cap_s);
    return date_after_s(v, n, now, cap_s);
}

/* duration.h: every wait a server asks for, parsed without overflow and clamped to a maximum. */
#ifndef HD_DURATION_H
#define HD_DURATION_H

#include <stddef.h>
#include <time.h>

/*
 * A hostile or broken hub can send any number where a duration goes (Retry-After, SSE
 * `retry:`, Keebai `expires_in` and `poll_interval`, Whapi `expire`). Each of them goes
 * through one of the functions below, with its stated maximum; nothing multiplies a server's
 * number by itself. The maxima, all in milliseconds that fit a 32-bit long:
 *
 *   DURATION_MAX_MS            one day: the ceiling of every duration from a server; also
 *                              Retry-After's (http waits by itself only up to its max_wait_ms,
 *                              120 s by default, and hands a longer wait to the caller)
 *   DURATION_SSE_RETRY_MAX_MS  60 s: an SSE stream's reconnection time (`retry:`); a QR lives
 *                              20 to 60 s, a longer pause would only miss them
 *   DURATION_QR_MAX_MS         5 min: one QR's lifetime (Keebai `expires_in`, Whapi `expire`)
 *   KB_SIGNUP_MAX_S, KB_POLL_MAX_S (keebai_decode.h): a browser signup session, its polls
 */
#define DURATION_MAX_S 86400L
#define DURATION_MAX_MS (DURATION_MAX_S * 1000L)
#define DURATION_SSE_RETRY_MAX_MS 60000L
#define DURATION_QR_MAX_MS 300000L

/*
 * Seconds given as a double (a JSON number: fractional, huge, 1e300, inf) as milliseconds
 * in [0, max_ms]; -1 when it is no duration (negative or NaN). A max_ms above
 * DURATION_MAX_MS (or below 0) counts as DURATION_MAX_MS.
 */
long duration_ms_from_s(double s, long max_ms);

/* Whole seconds (any long long, LLONG_MAX included) as milliseconds in [0, max_ms]; -1 when
 * negative. max_ms as above. */
long duration_ms_from_whole_s(long long s, long max_ms);

/* Milliseconds (any long long) clamped to [0, max_ms]; -1 when negative. max_ms as above. */
long duration_clamp_ms(long long ms, long max_ms);

/*
 * The n bytes at s as a number made of plain ASCII digits only (no sign, no space, no
 * dot), saturating at max (>= 0) instead of overflowing; -1 when n is 0 or a byte is not a
 * digit. Leading zeros are fine.
 */
long duration_parse_digits(const char *s, size_t n, long max);

/*
 * An HTTP Retry-After value, delta-seconds or an HTTP-date, as seconds from `now` in
 * [0, max_s] (a date in the past is 0); -1 when it is neither. Surrounding spaces and tabs
 * are ignored. max_s above DURATION_MAX_S (or below 0) counts as DURATION_MAX_S.
 */
long duration_retry_after_s(const char *value, time_t now, long max_s);

#endif

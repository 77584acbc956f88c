/* text.c: sanitizing and masking of strings bound for the terminal. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    /* C1 controls (U+0080..U+009F) and bidi overrides/isolates can reorder what is shown. */
    if (cp >= 0x80 && cp <= 0x9F)
        return 0;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return n;
}

char *text_sanitize(const char *in, char *out, size_t outsz)
{
    size_t o = 0;
    if (!out || outsz == 0)
        return out;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s && o + 1 < outsz) {
        size_t n = utf8_seq_len(s);
        if (n == 1 && (*s < 0x20 || *s == 0x7F)) {
            out[o++] = (*s == '\n' || *s == '\t' || *s == '\r') ? ' ' : '?';
            s++;
        } else if (n == 0) {
            out[o++] = '?';
            s++;
        } else {
            if (o + n >= outsz)
                break;
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
    }
    out[o] = '\0';
    return out;
}

char *text_sanitize_dup(const char *in)
{
    size_t len = in ? strlen(in) : 0;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    return text_sanitize(in, out, len + 1);
}

char *text_mask_secret(const char *secret, char *out, size_t outsz)
{
    size_t len = secret ? strlen(secret) : 0;
    const char *tail = len > 4 ? secret + len - 4 : "";
    char clean[8];
    text_sanitize(tail, clean, sizeof clean);
    /* Short secrets show nothing at all: 4 of 6 characters would be most of it. */
    if (len < 12)
        clean[0] = '\0';
    {
        size_t o = 0;
        const char *dots = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"; /* 4 bullets */
        size_t dl = strlen(dots), cl = strlen(clean);
        if (outsz == 0)
            return out;
        if (dl + cl + 1 > outsz)
            dl = cl = 0;
        memcpy(out + o, dots, dl);
        o += dl;
        memcpy(out + o, clean, cl);
        o += cl;
        out[o] = '\0';
    }
    return out;
}

int text_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq_len(p);
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7F)))
            return 0;
        p += n;
    }
    return 1;
}

/* The value of the 4 hex digits at s, or -1 if they are not all hex digits. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/*
 * At out[i] == '\\' (a JSON escape), how many bytes it spans, rewriting \u0000 and lone
 * surrogates as \u003f in place. out is NUL-terminated at n, so the look-ahead stops there.
 */
static size_t json_escape_fix(char *out, size_t i, size_t n)
{
    if (i + 1 >= n || out[i + 1] != 'u')
        return i + 1 < n && out[i + 1] > 0x20 && out[i + 1] < 0x7F ? 2 : 1;
    long v = i + 6 <= n ? hex4(out + i + 2) : -1;
    if (v < 0)
        return 2;
    int high = v >= 0xD800 && v <= 0xDBFF;
    long next = high && i + 12 <= n && out[i + 6] == '\\' && out[i + 7] == 'u'
                    ? hex4(out + i + 8)
                    : -1;
    if (high && next >= 0xDC00 && next <= 0xDFFF)
        return 12; /* a well-formed pair */
    if (v == 0 || high || (v >= 0xDC00 && v <= 0xDFFF))
        memcpy(out + i + 2, "003f", 4);
    return 6;
}

char *text_json_lossy(const char *in, size_t n)
{
    char *out = in ? malloc(n + 1) : NULL;
    if (!out)
        return NULL;
    memcpy(out, in, n);
    out[n] = '\0';
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)out[i];
        /* out[n] is NUL, which no sequence continues through: nothing is read past n */
        size_t len = utf8_seq_len((const unsigned char *)out + i);
        if (c == '\\')
            i += json_escape_fix(out, i, n);
        else if (len == 0) /* each byte of a refused sequence, as text_sanitize does */
            out[i++] = '?';
        else if (c < 0x20)
            out[i++] = c == '\n' || c == '\t' || c == '\r' ? ' ' : '?';
        else
            i += len;
    }
    return out;
}

int text_cols(const char *utf8)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int w = 0;
    for (const char *p = utf8; *p;) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            n = 1;
            wc = L'?';
        }
        int cw = wcwidth(wc);
        w += cw < 0 ? 1 : cw;
        p += n;
    }
    return w;
}

/* The most entries a key bar has; more are joined to the last one. */
enum { HINT_MAX = 24 };

/* Splits hints (modified in place) at runs of two or more spaces; returns the entries. */
static int hint_split(char *s, char *ent[HINT_MAX])
{
    int n = 0;
    while (*s == ' ')
        s++;
    while (*s && n < HINT_MAX) {
        ent[n++] = s;
        char *gap = strstr(s, "  ");
        if (!gap || n == HINT_MAX)
            break;
        *gap = '\0';
        for (s = gap + 1; *s == ' '; s++)
            ;
    }
    if (n) { /* trailing spaces of the last entry */
        char *e = ent[n - 1] + strlen(ent[n - 1]);
        while (e > ent[n - 1] && e[-1] == ' ')
            *--e = '\0';
    }
    return n;
}

/* The width of the kept entries joined by two spaces. */
static int hint_width(char *const ent[], const int keep[], int n)
{
    int w = 0, k = 0;
    for (int i = 0; i < n; i++)
        if (keep[i])
            w += (k++ ? 2 : 0) + text_cols(ent[i]);
    return w;
}

/* Drops entries until the kept ones fit w: the middle right to left, then the first, then all
   but the last (see text_hint_fit). */
static void hint_drop(char *const ent[], int keep[], int n, int w)
{
    for (int i = n - 3; i >= 1 && hint_width(ent, keep, n) > w; i--)
        if (strncmp(ent[i], "Esc ", 4) != 0) /* the way back goes last: it is how to leave */
            keep[i] = 0;
    for (int i = n - 3; i >= 1 && hint_width(ent, keep, n) > w; i--)
        keep[i] = 0;
    for (int i = 0; i < n - 1 && hint_width(ent, keep, n) > w; i++)
        keep[i] = 0;
}

int text_hint_fit(const char *hints, int w, char *out, size_t n)
{
    char *copy = strdup(hints ? hints : ""), *ent[HINT_MAX];
    int keep[HINT_MAX], cnt = copy ? hint_split(copy, ent) : 0;
    if (n)
        out[0] = '\0';
    for (int i = 0; i < cnt; i++)
        keep[i] = 1;
    hint_drop(ent, keep, cnt, w);
    size_t len = 0;
    for (int i = 0; i < cnt && n; i++)
        if (keep[i] && len < n) {
            int k = snprintf(out + len, n - len, "%s%s", len ? "  " : "", ent[i]);
            len += k > 0 ? (size_t)k : 0;
        }
    free(copy);
    return n ? text_cols(out) : 0;
}

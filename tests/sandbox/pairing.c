/* pairing.c: random WhatsApp-style pairing strings, ids and phone numbers for the sandbox. */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Real multi-device strings are "2@<ref>,<noise key>,<identity key>,<adv secret>": the three
 * keys are base64 of 32 bytes (44 characters each) and the ref is base64 of server bytes.
 * A 66-byte ref (88 characters) gives 225 characters in all, mid-range of what phones show,
 * so the console's QR sizing is tested against a realistic version 9-10 code.
 */
#define SB_REF_BYTES 66
#define SB_KEY_BYTES 32

static size_t append_b64(char *out, size_t len, size_t bytes)
{
    unsigned char raw[SB_REF_BYTES];
    randombytes_buf(raw, bytes);
    size_t cap = sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(out + len, cap, raw, bytes, sodium_base64_VARIANT_ORIGINAL);
    return len + strlen(out + len);
}

char *sb_qr_wire(sb_qr_junk junk, const char *qr)
{
    static const char *const junks[] = {"", "\x1b[2J", "\302\2332J", "\xff\xfe"}; /* C1: octal */
    const char *j = junks[junk];
    size_t head = strncmp(qr, "2@", 2) == 0 ? 2 : 0, len = strlen(qr) + strlen(j) + 1;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%.*s%s%s", (int)head, qr, j, qr + head);
    return out;
}

/* A fresh pairing string (malloc'd), different at every call. */
char *sb_pairing_string(void)
{
    size_t cap = 2 + sodium_base64_ENCODED_LEN(SB_REF_BYTES, sodium_base64_VARIANT_ORIGINAL) +
                 3 * (1 + sodium_base64_ENCODED_LEN(SB_KEY_BYTES, sodium_base64_VARIANT_ORIGINAL));
    char *s = malloc(cap);
    if (!s)
        return NULL;
    memcpy(s, "2@", 3);
    size_t len = append_b64(s, 2, SB_REF_BYTES);
    for (int i = 0; i < 3; i++) {
        s[len++] = ',';
        len = append_b64(s, len, SB_KEY_BYTES);
    }
    return s;
}

/* "cs_" / "ch_" + 26 Crockford base32 characters, the shape of Keebai's ULID-like ids. */
void sb_random_id(const char *prefix, char *out, size_t n)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char body[27];
    for (size_t i = 0; i < 26; i++)
        body[i] = alphabet[randombytes_uniform(32)];
    body[26] = '\0';
    snprintf(out, n, "%s%s", prefix, body);
}

/* A Brazilian mobile number (+55 11 9xxxx-xxxx), like the example in api-notes.md. */
void sb_random_phone(char *out, size_t n)
{
    snprintf(out, n, "+55119%08u", (unsigned)randombytes_uniform(100000000));
}

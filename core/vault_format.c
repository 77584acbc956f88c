/* vault_format.c: parse and build the vault's header and plaintext; seal and unseal the body. */
#include "vault_format.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Smallest encoded entry: kind, name_len, 1-byte name, owner_len, two times, secret_len, 1 byte. */
#define ENTRY_MIN (1 + 1 + 1 + 1 + 8 + 8 + 4 + 1)
/* Subkey context for crypto_kdf: the key and the key check must never be the same bytes. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES] = {'h', 'd', 'v', 'a', 'u', 'l', 't', '1'};
enum { SUBKEY_AEAD = 1, SUBKEY_CHECK = 2 };

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

int vault_fmt_kdf_ok(uint64_t opslimit, uint64_t memlimit)
{
    return opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN && opslimit <= VAULT_KDF_MAX_OPSLIMIT &&
           memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN && memlimit <= VAULT_KDF_MAX_MEMLIMIT;
}

/* BLAKE2b-256 of the first len - 32 bytes of file. */
static void sum_of(const unsigned char *file, size_t len, unsigned char *out)
{
    crypto_generichash(out, VAULT_FMT_SUM_LEN, file, len - VAULT_FMT_SUM_LEN, NULL, 0);
}

/* 1 if the last 32 bytes of file are the checksum of the bytes before them. */
static int sum_matches(const unsigned char *file, size_t len)
{
    unsigned char sum[VAULT_FMT_SUM_LEN];
    sum_of(file, len, sum);
    return memcmp(sum, file + len - VAULT_FMT_SUM_LEN, VAULT_FMT_SUM_LEN) == 0;
}

vault_status vault_fmt_header_parse(const unsigned char *buf, size_t len, vault_fmt_header *h)
{
    /* A short prefix of a real file must read as "truncated", so compare what there is. */
    size_t m = len < VAULT_FMT_MAGIC_LEN ? len : VAULT_FMT_MAGIC_LEN;
    if (m > 0 && memcmp(buf, VAULT_FMT_MAGIC, m) != 0)
        return VAULT_ERR_TAMPERED;
    if (len < 10)
        return VAULT_ERR_TRUNCATED;
    memset(h, 0, sizeof *h);
    h->version = (uint16_t)get_le(buf + 8, 2);
    if (h->version == 0)
        return VAULT_ERR_TAMPERED;
    /* Before the length check: a newer format may have a longer header. */
    if (h->version > VAULT_FMT_VERSION)
        return VAULT_ERR_VERSION;
    if (len < VAULT_FMT_HEADER_LEN)
        return VAULT_ERR_TRUNCATED;
    h->kdf_alg = buf[10];
    h->opslimit = get_le(buf + 12, 8);
    h->memlimit = get_le(buf + 20, 8);
    memcpy(h->salt, buf + 28, VAULT_FMT_SALT_LEN);
    memcpy(h->nonce, buf + 44, VAULT_FMT_NONCE_LEN);
    memcpy(h->check, buf + 68, VAULT_FMT_CHECK_LEN);
    h->body_len = (uint32_t)get_le(buf + 84, 4);
    /* Version 1 defines exactly one KDF: any other id is damage, not the future. */
    if (h->kdf_alg != VAULT_FMT_KDF_ARGON2ID13 || buf[11] != 0)
        return VAULT_ERR_TAMPERED;
    if (!vault_fmt_kdf_ok(h->opslimit, h->memlimit))
        return VAULT_ERR_TAMPERED;
    if (h->body_len < VAULT_FMT_TAG_LEN + 4 || h->body_len > VAULT_FMT_BODY_MAX)
        return VAULT_ERR_TAMPERED;
    size_t sum = h->version == VAULT_FMT_VERSION_NO_SUM ? 0 : VAULT_FMT_SUM_LEN;
    if (len - VAULT_FMT_HEADER_LEN < (size_t)h->body_len + sum)
        return VAULT_ERR_TRUNCATED;
    if (len - VAULT_FMT_HEADER_LEN > (size_t)h->body_len + sum)
        return VAULT_ERR_TAMPERED;
    return sum && !sum_matches(buf, len) ? VAULT_ERR_TAMPERED : VAULT_OK;
}

void vault_fmt_header_write(const vault_fmt_header *h, unsigned char *out)
{
    memcpy(out, VAULT_FMT_MAGIC, VAULT_FMT_MAGIC_LEN);
    put_le(out + 8, h->version, 2);
    out[10] = h->kdf_alg;
    out[11] = 0;
    put_le(out + 12, h->opslimit, 8);
    put_le(out + 20, h->memlimit, 8);
    memcpy(out + 28, h->salt, VAULT_FMT_SALT_LEN);
    memcpy(out + 44, h->nonce, VAULT_FMT_NONCE_LEN);
    memcpy(out + 68, h->check, VAULT_FMT_CHECK_LEN);
    put_le(out + 84, h->body_len, 4);
}

int vault_name_is_valid(const char *name)
{
    size_t n = 0;
    for (; name && name[n]; n++)
        if ((unsigned char)name[n] < 0x21 || (unsigned char)name[n] > 0x7e)
            return 0;
    return n >= 1 && n <= VAULT_NAME_MAX;
}

int vault_fmt_owner_is_valid(const char *owner)
{
    size_t n = 0;
    /* Owners are shown on screen; UTF-8 is fine, control bytes never are. */
    for (; owner && owner[n]; n++)
        if ((unsigned char)owner[n] < 0x20 || owner[n] == 0x7f)
            return 0;
    return n <= VAULT_OWNER_MAX;
}

int vault_fmt_entry_cmp(const void *a, const void *b)
{
    return strcmp(((const vault_fmt_entry *)a)->meta.name, ((const vault_fmt_entry *)b)->meta.name);
}

static int kind_ok(unsigned k)
{
    return k >= VAULT_KIND_API_TOKEN && k <= VAULT_KIND_WEBHOOK_SECRET;
}

/* A bounded reader over the plaintext: every take checks the remaining length first. */
typedef struct reader {
    const unsigned char *p;
    size_t len, off;
} reader;

static const unsigned char *take(reader *r, size_t n)
{
    if (r->len - r->off < n)
        return NULL;
    r->off += n;
    return r->p + r->off - n;
}

static int take_int(reader *r, int n, uint64_t *v)
{
    const unsigned char *q = take(r, (size_t)n);
    if (q)
        *v = get_le(q, n);
    return q != NULL;
}

/* Reads a length-prefixed string into out (cap includes the NUL). */
static int take_str(reader *r, char *out, size_t cap)
{
    uint64_t n;
    const unsigned char *q;
    if (!take_int(r, 1, &n) || n >= cap || !(q = take(r, n)))
        return 0;
    memcpy(out, q, n);
    out[n] = '\0';
    return memchr(out, '\0', n) == NULL;
}

static int parse_entry(reader *r, vault_fmt_entry *e)
{
    uint64_t kind, created, updated, slen;
    if (!take_int(r, 1, &kind) || !kind_ok((unsigned)kind))
        return 0;
    if (!take_str(r, e->meta.name, sizeof e->meta.name) || !vault_name_is_valid(e->meta.name))
        return 0;
    if (!take_str(r, e->meta.owner, sizeof e->meta.owner) ||
        !vault_fmt_owner_is_valid(e->meta.owner))
        return 0;
    if (!take_int(r, 8, &created) || !take_int(r, 8, &updated) || !take_int(r, 4, &slen))
        return 0;
    if (slen < 1 || slen > VAULT_SECRET_MAX || !(e->secret = take(r, slen)))
        return 0;
    e->meta.kind = (vault_kind)kind;
    e->meta.created = (int64_t)created;
    e->meta.updated = (int64_t)updated;
    e->meta.secret_len = (size_t)slen;
    return 1;
}

vault_status vault_fmt_body_parse(const unsigned char *p, size_t len, vault_fmt_entry **out,
                                  size_t *n)
{
    reader r = {p, len, 0};
    uint64_t count;
    *out = NULL;
    *n = 0;
    if (!take_int(&r, 4, &count))
        return VAULT_ERR_TAMPERED;
    if (count == 0)
        return len == 4 ? VAULT_OK : VAULT_ERR_TAMPERED;
    /* The count must be possible for the length before anything is allocated for it. */
    if (count > VAULT_ENTRIES_MAX || count > (len - 4) / ENTRY_MIN)
        return VAULT_ERR_TAMPERED;
    vault_fmt_entry *e = calloc((size_t)count, sizeof *e);
    if (!e)
        return VAULT_ERR_NOMEM;
    for (size_t i = 0; i < count; i++) {
        /* Strictly increasing names: unique, and one canonical encoding per table. */
        if (!parse_entry(&r, &e[i]) || (i > 0 && vault_fmt_entry_cmp(&e[i - 1], &e[i]) >= 0)) {
            free(e);
            return VAULT_ERR_TAMPERED;
        }
    }
    if (r.off != len) {
        free(e);
        return VAULT_ERR_TAMPERED;
    }
    *out = e;
    *n = (size_t)count;
    return VAULT_OK;
}

size_t vault_fmt_body_size(const vault_fmt_entry *e, size_t n)
{
    size_t total = 4;
    for (size_t i = 0; i < n; i++) {
        total += 1 + 1 + strlen(e[i].meta.name) + 1 + strlen(e[i].meta.owner) + 8 + 8 + 4;
        if (e[i].meta.secret_len > VAULT_SECRET_MAX)
            return SIZE_MAX;
        total += e[i].meta.secret_len;
        if (total > VAULT_FMT_PLAIN_MAX)
            return SIZE_MAX;
    }
    return total;
}

static int entry_ok(const vault_fmt_entry *e)
{
    return kind_ok(e->meta.kind) && vault_name_is_valid(e->meta.name) &&
           vault_fmt_owner_is_valid(e->meta.owner) && e->secret && e->meta.secret_len >= 1 &&
           e->meta.secret_len <= VAULT_SECRET_MAX;
}

static unsigned char *put_str(unsigned char *q, const char *s)
{
    size_t n = strlen(s);
    *q++ = (unsigned char)n;
    memcpy(q, s, n);
    return q + n;
}

vault_status vault_fmt_body_write(const vault_fmt_entry *e, size_t n, unsigned char *out,
                                  size_t cap)
{
    size_t need = vault_fmt_body_size(e, n);
    if (n > VAULT_ENTRIES_MAX || need == SIZE_MAX || need > cap)
        return VAULT_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!entry_ok(&e[i]) || (i > 0 && vault_fmt_entry_cmp(&e[i - 1], &e[i]) >= 0))
            return VAULT_ERR_INVALID;
    unsigned char *q = out;
    put_le(q, n, 4);
    q += 4;
    for (size_t i = 0; i < n; i++) {
        *q++ = (unsigned char)e[i].meta.kind;
        q = put_str(q, e[i].meta.name);
        q = put_str(q, e[i].meta.owner);
        put_le(q, (uint64_t)e[i].meta.created, 8);
        put_le(q + 8, (uint64_t)e[i].meta.updated, 8);
        put_le(q + 16, e[i].meta.secret_len, 4);
        memcpy(q + 20, e[i].secret, e[i].meta.secret_len);
        q += 20 + e[i].meta.secret_len;
    }
    return VAULT_OK;
}

vault_status vault_fmt_derive(const char *passphrase, size_t len, const vault_fmt_header *h,
                              unsigned char *key, unsigned char *check)
{
    if (sodium_init() < 0)
        return VAULT_ERR_NOMEM;
    if (h->kdf_alg != VAULT_FMT_KDF_ARGON2ID13 || !vault_fmt_kdf_ok(h->opslimit, h->memlimit))
        return VAULT_ERR_INVALID_KDF;
    unsigned char *master = sodium_malloc(crypto_kdf_KEYBYTES);
    if (!master)
        return VAULT_ERR_NOMEM;
    vault_status st = VAULT_OK;
    /* crypto_pwhash fails only when it cannot allocate memlimit bytes. */
    if (crypto_pwhash(master, crypto_kdf_KEYBYTES, passphrase, len, h->salt, h->opslimit,
                      (size_t)h->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
        st = VAULT_ERR_NOMEM;
    else if (crypto_kdf_derive_from_key(key, VAULT_FMT_KEY_LEN, SUBKEY_AEAD, kdf_context,
                                        master) != 0 ||
             crypto_kdf_derive_from_key(check, VAULT_FMT_CHECK_LEN, SUBKEY_CHECK, kdf_context,
                                        master) != 0)
        st = VAULT_ERR_NOMEM;
    sodium_free(master);
    return st;
}

vault_status vault_fmt_seal(vault_fmt_header *h, const unsigned char *key,
                            const unsigned char *plain, size_t plen, unsigned char *file)
{
    if (plen < 4 || plen > VAULT_FMT_PLAIN_MAX)
        return VAULT_ERR_INVALID;
    h->version = VAULT_FMT_VERSION;
    h->body_len = (uint32_t)(plen + VAULT_FMT_TAG_LEN);
    vault_fmt_header_write(h, file);
    /* The whole header is associated data: no byte of it can change unnoticed. */
    crypto_aead_xchacha20poly1305_ietf_encrypt(file + VAULT_FMT_HEADER_LEN, NULL, plain, plen,
                                               file, VAULT_FMT_HEADER_LEN, NULL, h->nonce, key);
    sum_of(file, VAULT_FMT_FILE_LEN(plen), file + VAULT_FMT_HEADER_LEN + h->body_len);
    return VAULT_OK;
}

vault_status vault_fmt_unseal(const unsigned char *file, size_t len, const vault_fmt_header *h,
                              const unsigned char *key, unsigned char *plain)
{
    size_t sum = h->version == VAULT_FMT_VERSION_NO_SUM ? 0 : VAULT_FMT_SUM_LEN;
    if (len != (size_t)VAULT_FMT_HEADER_LEN + h->body_len + sum || h->body_len < VAULT_FMT_TAG_LEN)
        return VAULT_ERR_TAMPERED;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, file + VAULT_FMT_HEADER_LEN,
                                                   h->body_len, file, VAULT_FMT_HEADER_LEN,
                                                   h->nonce, key) != 0)
        return VAULT_ERR_TAMPERED;
    return VAULT_OK;
}

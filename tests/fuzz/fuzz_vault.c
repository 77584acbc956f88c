/* fuzz_vault.c: libFuzzer target: arbitrary bytes as a vault file, a header and a plaintext. */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault.h"
#include "vault_format.h"

#define PASS "fuzz"

/*
 * Authentication stops random bytes long before the entry parser, so each input is used four
 * ways: as a header, as a decrypted plaintext, as a whole file given to vault_open, and sealed
 * with a known key as the plaintext of a real file, which vault_open must then read exactly as
 * the plaintext parser did.
 */
static char path[64];
static unsigned char *key;
static vault_fmt_header sealing;

/* The cheapest Argon2id: a hostile header could ask for more, so inputs are clamped to it. */
static void cheap_kdf(unsigned char *hdr)
{
    static const unsigned char ops_mem[16] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0};
    memcpy(hdr + 12, ops_mem, sizeof ops_mem);
}

static char dir_made[64];

static void remove_scratch(void)
{
    unlink(path);
    rmdir(dir_made);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* tmpfs when there is one: every run writes the file twice. */
    char dir[] = "/dev/shm/fuzz-vault-XXXXXX", alt[] = "/tmp/fuzz-vault-XXXXXX";
    const char *d = mkdtemp(dir) ? dir : mkdtemp(alt);
    if (!d || sodium_init() < 0 || !(key = sodium_malloc(VAULT_FMT_KEY_LEN)))
        abort();
    snprintf(path, sizeof path, "%s/vault", d);
    snprintf(dir_made, sizeof dir_made, "%s", d);
    atexit(remove_scratch);
    sealing = (vault_fmt_header){.version = VAULT_FMT_VERSION,
                                 .kdf_alg = VAULT_FMT_KDF_ARGON2ID13,
                                 .opslimit = 1,
                                 .memlimit = 8192};
    memset(sealing.salt, 0x5a, sizeof sealing.salt);
    if (vault_fmt_derive(PASS, strlen(PASS), &sealing, key, sealing.check) != VAULT_OK)
        abort();
    return 0;
}

static void write_file(const unsigned char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, p, n) != (ssize_t)n)
        abort();
    close(fd);
}

/* A parsed plaintext must serialize back to exactly the same bytes: one encoding per table. */
static vault_status plaintext_round_trip(const uint8_t *data, size_t size, size_t *count)
{
    vault_fmt_entry *e;
    vault_status st = vault_fmt_body_parse(data, size, &e, count);
    if (st != VAULT_OK)
        return st;
    unsigned char *again = malloc(size);
    if (!again || vault_fmt_body_size(e, *count) != size ||
        vault_fmt_body_write(e, *count, again, size) != VAULT_OK || memcmp(again, data, size))
        abort();
    free(again);
    free(e);
    return st;
}

/* The input as a file on disk, KDF clamped so a run stays fast. */
static void open_as_file(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size + 1);
    vault *v;
    if (!copy)
        abort();
    memcpy(copy, data, size);
    if (size >= VAULT_FMT_HEADER_LEN)
        cheap_kdf(copy);
    write_file(copy, size);
    if (vault_open(path, PASS, &v) == VAULT_OK)
        vault_close(v); /* only reachable by forging Poly1305: a finding in itself */
    free(copy);
}

/* The input sealed as a real vault's plaintext, read back through vault_open. */
static void open_sealed(const uint8_t *data, size_t size, vault_status parsed, size_t count)
{
    vault_fmt_header h = sealing;
    size_t len = VAULT_FMT_FILE_LEN(size);
    unsigned char *file = malloc(len);
    vault *v;
    if (!file)
        abort();
    memset(h.nonce, 0xa5, sizeof h.nonce);
    sodium_mprotect_readonly(key);
    vault_status sealed = vault_fmt_seal(&h, key, data, size, file);
    if (sealed == VAULT_OK)
        write_file(file, len);
    vault_status st = sealed == VAULT_OK ? vault_open(path, PASS, &v) : sealed;
    if ((st == VAULT_OK) != (parsed == VAULT_OK))
        abort(); /* the file reader and the plaintext parser disagree */
    if (st == VAULT_OK) {
        size_t n;
        const vault_entry *e = vault_entries(v, &n);
        if (n != count)
            abort();
        for (size_t i = 0; i < n; i++) {
            unsigned char *s;
            size_t slen;
            if (vault_get(v, e[i].name, &s, &slen) != VAULT_OK || slen != e[i].secret_len)
                abort();
            vault_secret_free(s);
        }
        vault_close(v);
    }
    free(file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vault_fmt_header h;
    size_t count = 0;
    vault_fmt_header_parse(size ? data : NULL, size, &h);
    vault_status parsed = plaintext_round_trip(data, size, &count);
    open_as_file(data, size);
    if (size <= VAULT_FMT_PLAIN_MAX)
        open_sealed(data, size, parsed, count);
    return 0;
}

/* vault_format.h: the vault file's bytes (header, entry table) and its crypto, without I/O. */
#ifndef HD_VAULT_FORMAT_H
#define HD_VAULT_FORMAT_H

#include "vault.h"

#include <stddef.h>
#include <stdint.h>

/*
 * File layout, version 2 (integers little-endian):
 *   off  len  field
 *     0    8  magic "HDVAULT\0"
 *     8    2  format version (2; 1 is still read)
 *    10    1  KDF algorithm (1 = Argon2id v1.3)
 *    11    1  reserved, 0
 *    12    8  Argon2id opslimit
 *    20    8  Argon2id memlimit, bytes
 *    28   16  salt
 *    44   24  XChaCha20-Poly1305 nonce, new on every write
 *    68   16  key check: a subkey of the passphrase key, tells a wrong passphrase from tampering
 *    84    4  body length (ciphertext + 16-byte tag)
 *    88  ...  body: XChaCha20-Poly1305(plaintext), associated data = bytes 0..87
 *   end   32  (version 2 only) BLAKE2b-256, unkeyed, of every byte before it
 * Why the checksum: the AEAD tag needs the key, and the key comes from the salt and the KDF
 * fields, so a flipped bit there (or in the key check) used to read as "wrong passphrase", and
 * a user could reset a vault that was only damaged. The checksum is checked before any key
 * derivation: a mismatch is damage, whatever the passphrase. Being unkeyed, it proves nothing
 * against someone who rewrites the file on purpose; the AEAD tag still does that.
 * Version 1 is the same without the checksum; it is read as before and written as version 2
 * on its next change.
 * Plaintext: u32 count, then per entry, sorted by name (strictly increasing, so unique):
 *   u8 kind, u8 name_len, name, u8 owner_len, owner, i64 created, i64 updated,
 *   u32 secret_len, secret.
 */
#define VAULT_FMT_MAGIC "HDVAULT"
#define VAULT_FMT_MAGIC_LEN 8
#define VAULT_FMT_VERSION 2
#define VAULT_FMT_VERSION_NO_SUM 1 /* the first format: no checksum */
#define VAULT_FMT_KDF_ARGON2ID13 1
#define VAULT_FMT_HEADER_LEN 88
#define VAULT_FMT_SALT_LEN 16
#define VAULT_FMT_NONCE_LEN 24
#define VAULT_FMT_CHECK_LEN 16
#define VAULT_FMT_KEY_LEN 32
#define VAULT_FMT_TAG_LEN 16
#define VAULT_FMT_SUM_LEN 32
#define VAULT_FMT_PLAIN_MAX (16u << 20)
#define VAULT_FMT_BODY_MAX (VAULT_FMT_PLAIN_MAX + VAULT_FMT_TAG_LEN)
#define VAULT_FMT_FILE_MAX (VAULT_FMT_HEADER_LEN + VAULT_FMT_BODY_MAX + VAULT_FMT_SUM_LEN)
/* Bytes of a file written now (version 2) whose plaintext has plen bytes. */
#define VAULT_FMT_FILE_LEN(plen) (VAULT_FMT_HEADER_LEN + (plen) + VAULT_FMT_TAG_LEN + VAULT_FMT_SUM_LEN)

typedef struct vault_fmt_header {
    uint16_t version;
    uint8_t kdf_alg;
    uint64_t opslimit;
    uint64_t memlimit;
    unsigned char salt[VAULT_FMT_SALT_LEN];
    unsigned char nonce[VAULT_FMT_NONCE_LEN];
    unsigned char check[VAULT_FMT_CHECK_LEN];
    uint32_t body_len;
} vault_fmt_header;

/* One parsed entry: metadata, and its secret pointing into the (guarded) plaintext. */
typedef struct vault_fmt_entry {
    vault_entry meta;
    const unsigned char *secret;
} vault_fmt_entry;

/*
 * Parses the header of a whole file of len bytes (buf may be NULL if len is 0). Checks, in
 * order: magic, version (VAULT_ERR_VERSION if newer), KDF id and reserved byte, KDF caps,
 * body length against len (TRUNCATED if short, TAMPERED if there is more), then for version 2
 * the checksum over the whole file (TAMPERED if it differs). A prefix of a valid file always
 * gives VAULT_ERR_TRUNCATED.
 */
vault_status vault_fmt_header_parse(const unsigned char *buf, size_t len, vault_fmt_header *h);
/* Writes the 88 header bytes of h to out. */
void vault_fmt_header_write(const vault_fmt_header *h, unsigned char *out);

/* 1 if kdf is within [libsodium's minimum, our cap]. */
int vault_fmt_kdf_ok(uint64_t opslimit, uint64_t memlimit);
/* 1 if owner is at most 128 bytes without control characters (NULL counts as ""). */
int vault_fmt_owner_is_valid(const char *owner);
/* qsort comparator: by name, bytewise. */
int vault_fmt_entry_cmp(const void *a, const void *b);

/*
 * Parses a decrypted plaintext. On VAULT_OK *out is a malloc'd array of *n entries (free()
 * it; may be NULL when *n is 0) whose secrets point into p, so p must outlive it. Any
 * malformation (bad lengths, kinds, names, order, trailing bytes) is VAULT_ERR_TAMPERED.
 */
vault_status vault_fmt_body_parse(const unsigned char *p, size_t len, vault_fmt_entry **out,
                                  size_t *n);
/* Bytes vault_fmt_body_write needs for these entries (SIZE_MAX past VAULT_FMT_PLAIN_MAX). */
size_t vault_fmt_body_size(const vault_fmt_entry *e, size_t n);
/*
 * Serializes n entries, which must be valid and sorted by strictly increasing name, into out
 * (cap bytes; out should be guarded memory: it receives the secrets). VAULT_ERR_INVALID if
 * they are not, or cap is too small.
 */
vault_status vault_fmt_body_write(const vault_fmt_entry *e, size_t n, unsigned char *out,
                                  size_t cap);

/*
 * Derives the 32-byte encryption key (into guarded memory the caller owns) and the key
 * check from the passphrase and h's KDF parameters and salt. VAULT_ERR_NOMEM if Argon2id
 * could not get its memory.
 */
vault_status vault_fmt_derive(const char *passphrase, size_t len, const vault_fmt_header *h,
                              unsigned char *key, unsigned char *check);
/*
 * Encrypts plain (plen bytes) with key and h->nonce into a file of the current version: sets
 * h->version (an old file is upgraded here) and h->body_len, writes header, body and checksum
 * to file, which must have VAULT_FMT_FILE_LEN(plen) bytes.
 */
vault_status vault_fmt_seal(vault_fmt_header *h, const unsigned char *key,
                            const unsigned char *plain, size_t plen, unsigned char *file);
/*
 * Decrypts the body of file (len bytes, already parsed into h) into plain, which must have
 * h->body_len - VAULT_FMT_TAG_LEN bytes. VAULT_ERR_TAMPERED if authentication fails.
 */
vault_status vault_fmt_unseal(const unsigned char *file, size_t len, const vault_fmt_header *h,
                              const unsigned char *key, unsigned char *plain);

#endif

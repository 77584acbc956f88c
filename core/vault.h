/* vault.h: the encrypted secret store (Argon2id + XChaCha20-Poly1305), one file per user. */
#ifndef HD_VAULT_H
#define HD_VAULT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every call may block: unlocking runs Argon2id (about a quarter of a second with the default
 * parameters), writes fsync. Call from a place where that is acceptable (before the loop
 * starts, or behind a "working..." frame). Nothing here logs, and no message holds a secret.
 */

/* X(name, message). The message is for the user; vault_describe adds the path and the fix. */
#define VAULT_STATUS_LIST(X)                                                                     \
    X(VAULT_OK, N_("done"))                                                                      \
    X(VAULT_ERR_NO_VAULT, N_("there is no vault yet; create one first"))                         \
    X(VAULT_ERR_EXISTS, N_("a vault already exists there"))                                      \
    X(VAULT_ERR_WRONG_PASSPHRASE, N_("wrong passphrase"))                                        \
    X(VAULT_ERR_TAMPERED, N_("the vault file is damaged or was tampered with"))                  \
    X(VAULT_ERR_TRUNCATED, N_("the vault file is truncated (incomplete)"))                       \
    X(VAULT_ERR_VERSION, N_("the vault file was written by a newer hubdesk; upgrade hubdesk"))   \
    X(VAULT_ERR_UNSAFE_FILE, N_("other users can read or change the vault file"))                \
    X(VAULT_ERR_UNSAFE_DIR, N_("other users can read or change the vault directory"))            \
    X(VAULT_ERR_LOCKED, N_("another hubdesk process is using the vault; try again"))             \
    X(VAULT_ERR_KEY_CHANGED, N_("the vault passphrase was changed elsewhere; unlock again"))     \
    X(VAULT_ERR_IO, N_("could not read or write the vault file"))                                \
    X(VAULT_ERR_NO_SPACE, N_("disk full: no space left on the device, or your disk quota is used up")) \
    X(VAULT_ERR_SYMLINK, N_("the vault file is a symbolic link, which hubdesk does not follow"))  \
    X(VAULT_ERR_NAME_EXISTS, N_("an entry with that name already exists"))                       \
    X(VAULT_ERR_NOT_FOUND, N_("no entry with that name"))                                        \
    X(VAULT_ERR_INVALID_NAME, N_("invalid name: use 1 to 64 visible ASCII characters, no spaces")) \
    X(VAULT_ERR_INVALID, N_("invalid entry: check its kind, owner and secret"))                  \
    X(VAULT_ERR_INVALID_PASSPHRASE, N_("the passphrase must be 1 to 1024 bytes"))                \
    X(VAULT_ERR_INVALID_KDF, N_("the key derivation parameters are out of range"))               \
    X(VAULT_ERR_PATH, N_("no vault path: set HOME or an absolute XDG_DATA_HOME"))                \
    X(VAULT_ERR_NOMEM, N_("out of memory"))

typedef enum {
#define VAULT_STATUS_ENUM(name, msg) name,
    VAULT_STATUS_LIST(VAULT_STATUS_ENUM)
#undef VAULT_STATUS_ENUM
        VAULT_STATUS_COUNT
} vault_status;

typedef enum {
    VAULT_KIND_API_TOKEN = 1,
    VAULT_KIND_CHANNEL_TOKEN = 2,
    VAULT_KIND_APP_SECRET = 3,
    VAULT_KIND_WEBHOOK_SECRET = 4,
} vault_kind;

#define VAULT_NAME_MAX 64
#define VAULT_OWNER_MAX 128
#define VAULT_SECRET_MAX 65536
#define VAULT_ENTRIES_MAX 10000
#define VAULT_PASSPHRASE_MAX 1024

/* Argon2id cost. The defaults unlock in about 0.25 s on a 2-core 2020s machine. */
typedef struct vault_kdf {
    uint64_t opslimit;
    uint64_t memlimit; /* bytes */
} vault_kdf;

#define VAULT_KDF_DEFAULT_OPSLIMIT 3
#define VAULT_KDF_DEFAULT_MEMLIMIT (128ull << 20)
/* A file asking for more is refused as damaged: a hostile header must not hang or OOM us. */
#define VAULT_KDF_MAX_OPSLIMIT 16
#define VAULT_KDF_MAX_MEMLIMIT (1ull << 30)

/* Metadata of one entry: never the secret itself. */
typedef struct vault_entry {
    char name[VAULT_NAME_MAX + 1];
    char owner[VAULT_OWNER_MAX + 1]; /* profile or channel it belongs to; may be "" */
    vault_kind kind;
    int64_t created; /* seconds since the epoch */
    int64_t updated;
    size_t secret_len;
} vault_entry;

typedef enum {
    VAULT_PUT_ADD,     /* fails with VAULT_ERR_NAME_EXISTS if the name is taken */
    VAULT_PUT_REPLACE, /* fails with VAULT_ERR_NOT_FOUND if it is not */
    VAULT_PUT_UPSERT,  /* either */
} vault_put_mode;

typedef struct vault vault;

/* Translated message for a status. Never NULL, never holds a secret. */
const char *vault_status_message(vault_status st);
/*
 * Writes a full sentence for the user into out (always terminated when n > 0): the message,
 * and for the statuses that have one, the path and the command that fixes it
 * ("chmod 600 FILE", "chmod 700 DIR", for a symbolic link "mv TARGET FILE": never chmod, which
 * would change the target). `err` is an errno value shown for VAULT_ERR_IO (0: none). path
 * may be NULL. Returns out.
 */
char *vault_describe(vault_status st, const char *path, int err, char *out, size_t n);

/* "api-token", "channel-token", "app-secret", "webhook-secret"; "?" for anything else. */
const char *vault_kind_name(vault_kind kind);
/* The reverse of vault_kind_name; 0 if unknown. */
vault_kind vault_kind_from_name(const char *name);
/* 1 if name is 1..64 visible ASCII characters (0x21..0x7e): names are typed as arguments. */
int vault_name_is_valid(const char *name);

/* The default Argon2id parameters. */
vault_kdf vault_kdf_default(void);

/*
 * $XDG_DATA_HOME/hubdesk/vault, or ~/.local/share/hubdesk/vault when XDG_DATA_HOME is unset,
 * empty or relative (the XDG spec says relative values are invalid). HOME falls back to the
 * password database. VAULT_ERR_PATH if there is no home or the result does not fit in n.
 */
vault_status vault_default_path(char *out, size_t n);

/*
 * Creates a new vault at path holding no entries, with the default KDF parameters, and
 * returns it unlocked in *out (close with vault_close). Missing directories are created 0700;
 * an existing directory open to group or others is refused (VAULT_ERR_UNSAFE_DIR). Refuses
 * with VAULT_ERR_EXISTS if a file is already there. passphrase: NUL-terminated, 1..1024 bytes,
 * only read (keep it in guarded memory; it is not copied). *out is NULL on failure.
 */
vault_status vault_create(const char *path, const char *passphrase, vault **out);
/* The same with explicit KDF parameters (kdf NULL: defaults); tests use the cheapest ones. */
vault_status vault_create_with_params(const char *path, const char *passphrase,
                                      const vault_kdf *kdf, vault **out);

/*
 * Reads and unlocks the vault at path. *out is set only on VAULT_OK. Reports, before any
 * key derivation: NO_VAULT, SYMLINK (path is a link: never followed), UNSAFE_FILE/UNSAFE_DIR,
 * TRUNCATED, VERSION, TAMPERED (checksum differs, or KDF parameters beyond the caps); after
 * it: WRONG_PASSPHRASE (key check differs) or TAMPERED (key right, body or header altered).
 * Never changes the file.
 */
vault_status vault_open(const char *path, const char *passphrase, vault **out);

/* Re-reads the file with the key held (to see other processes' changes). */
vault_status vault_refresh(vault *v);

/*
 * The entries, sorted by name, metadata only; *n gets their count (n may be NULL). The array
 * belongs to v and stays valid until the next call that changes or refreshes v.
 */
const vault_entry *vault_entries(const vault *v, size_t *n);
/* The entry called name, or NULL; same lifetime as vault_entries. */
const vault_entry *vault_find(const vault *v, const char *name);
/* The KDF parameters of the file as last read or written. */
vault_kdf vault_kdf_of(const vault *v);
/* Milliseconds a write waits for another process's lock before VAULT_ERR_LOCKED (default 10000). */
void vault_set_lock_timeout(vault *v, int ms);

/*
 * Decrypts one secret, as last read (vault_refresh for the newest). On VAULT_OK *secret is a
 * sodium_malloc copy of *len bytes plus a terminating NUL, owned by the caller: free it with
 * vault_secret_free as soon as it has been used. len may be NULL.
 */
vault_status vault_get(vault *v, const char *name, unsigned char **secret, size_t *len);
/* Wipes and frees a secret from vault_get; NULL is fine. */
void vault_secret_free(unsigned char *secret);

/*
 * Stores secret (1..65536 bytes, any values; only read) under name, with kind and owner
 * (NULL: ""; at most 128 bytes, no control characters). Replacing keeps `created` and sets
 * `updated`. Like every write: takes the lock, re-reads the file, applies the change to that
 * fresh state and replaces the file atomically; on any error the file is unchanged (a full
 * disk or quota is VAULT_ERR_NO_SPACE).
 */
vault_status vault_put(vault *v, const char *name, vault_kind kind, const char *owner,
                       const void *secret, size_t len, vault_put_mode mode);
/* Renames an entry: NOT_FOUND, NAME_EXISTS, INVALID_NAME. `updated` is left alone. */
vault_status vault_rename(vault *v, const char *from, const char *to);
/* Removes an entry: NOT_FOUND if there is none. */
vault_status vault_remove(vault *v, const char *name);
/*
 * Re-encrypts everything under a new passphrase with a new salt, and kdf (NULL: keep the
 * current parameters). Other processes holding the old key get VAULT_ERR_KEY_CHANGED.
 */
vault_status vault_change_passphrase(vault *v, const char *passphrase, const vault_kdf *kdf);

/*
 * Deletes the vault file at path, for a forgotten passphrase: every secret in it is gone.
 * Asks nothing: the caller has confirmed with the user. NO_VAULT if there was none.
 */
vault_status vault_reset(const char *path);

/* Wipes the key and frees v; NULL is fine. */
void vault_close(vault *v);

#endif

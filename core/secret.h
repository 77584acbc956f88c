/* secret.h: copies of secrets in guarded memory (libsodium), wiped when freed. */
#ifndef HD_SECRET_H
#define HD_SECRET_H

#include <stddef.h>

/* Copies s into sodium_malloc memory. NULL if s is NULL or on OOM. */
char *secret_dup(const char *s);
/*
 * 1 if a token can travel in an HTTP header: 1..4096 visible ASCII characters. Anything
 * else (spaces, CR/LF that would inject headers, UTF-8) is refused before any request.
 */
int secret_is_token_safe(const char *s);

/* A zeroed buffer of n bytes in guarded memory (free with secret_free). NULL on OOM. */
char *secret_alloc(size_t n);
/* Zeroes n bytes in a way the compiler cannot drop (buffers that held secret bytes). */
void secret_wipe(void *p, size_t n);

/* Wipes and frees; NULL is fine. */
void secret_free(char *s);

/*
 * Makes jansson wipe every block it frees. Request bodies are built with jansson and some
 * hold secrets (HydraCore's access_token, HubMessage's authorization code); answers hold
 * channel tokens. Call once at start, before any JSON value exists.
 */
void secret_harden_json(void);

#endif

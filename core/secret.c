/* secret.c: guarded copies of secrets; sodium_init here so no caller can forget it. */
#include "secret.h"

#include <jansson.h>
#include <malloc.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

char *secret_dup(const char *s)
{
    if (!s || sodium_init() < 0)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = sodium_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *secret_alloc(size_t n)
{
    if (n == 0 || sodium_init() < 0)
        return NULL;
    char *p = sodium_malloc(n);
    if (p)
        sodium_memzero(p, n);
    return p;
}

void secret_wipe(void *p, size_t n)
{
    if (p)
        sodium_memzero(p, n);
}

int secret_is_token_safe(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E)
            return 0;
    return n > 0 && n <= 4096;
}

void secret_free(char *s)
{
    if (s)
        sodium_free(s);
}

static void *json_alloc(size_t n)
{
    return malloc(n);
}

/* malloc_usable_size is glibc's; it covers the whole block, padding included. */
static void json_free(void *p)
{
    if (p)
        secret_wipe(p, malloc_usable_size(p));
    free(p);
}

void secret_harden_json(void)
{
    json_set_alloc_funcs(json_alloc, json_free);
}

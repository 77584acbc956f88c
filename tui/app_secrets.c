/* app_secrets.c: the flow's secrets: profile tokens and channel tokens from the vault, and
 * secrets the hub hands out (channel tokens, webhook signing secrets) into it. Without a
 * vault (demo, HUBDESK_TOKEN) they are kept in guarded memory for this run only. */
#include "app.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *profile_name(const app *a)
{
    const flow_profile *p = a->f.profile >= 0 ? &a->f.profiles[a->f.profile] : NULL;
    return p && p->name ? p->name : "session";
}

/* A vault entry as a guarded, NUL-terminated copy; NULL with why. */
static char *vault_fetch(app *a, const char *entry, char *why, size_t whysz)
{
    unsigned char *sec = NULL;
    char clean[VAULT_NAME_MAX + 1];
    text_sanitize(entry, clean, sizeof clean);
    if (!a->vault) {
        snprintf(why, whysz, "%s", _("the vault is locked"));
        return NULL;
    }
    /* See entries added meanwhile by `hubdesk vault add` in another shell. */
    vault_status st = vault_refresh(a->vault);
    if (st != VAULT_ERR_KEY_CHANGED)
        st = vault_get(a->vault, entry, &sec, NULL);
    if (st == VAULT_ERR_NOT_FOUND) {
        snprintf(why, whysz, _("the secret %s is not in the vault; add it in the vault screen (v)"),
                 clean);
        return NULL;
    }
    if (st != VAULT_OK) {
        vault_describe(st, a->vault_path, 0, why, whysz);
        return NULL;
    }
    char *out = secret_is_token_safe((const char *)sec) ? secret_dup((const char *)sec) : NULL;
    if (!out)
        snprintf(why, whysz, _("the secret %s holds characters no token has (spaces, line "
                               "breaks); replace it in the vault screen"), clean);
    vault_secret_free(sec);
    return out;
}

static char *mem_fetch(app *a, const char *entry)
{
    for (size_t i = 0; i < a->nmem_secrets; i++)
        if (!strcmp(a->mem_secrets[i].name, entry))
            return secret_dup(a->mem_secrets[i].secret);
    return NULL;
}

static char *profile_token(flow *f, int index, char *why, size_t whysz, void *arg)
{
    app *a = arg;
    const char *entry = app_profile_secret(a, index);
    (void)f;
    if (!entry || !entry[0]) {
        snprintf(why, whysz, "%s", _("this profile names no vault entry for its token"));
        return NULL;
    }
    char *tok = vault_fetch(a, entry, why, whysz);
    if (!tok)
        snprintf(a->token_error, sizeof a->token_error, "%s", why);
    return tok;
}

char *app_stored_secret(app *a, const char *tag, const char *id, char *why, size_t whysz)
{
    char entry[VAULT_NAME_MAX + 1];
    if (provider_secret_name(entry, sizeof entry, profile_name(a), tag, id) < 0) {
        snprintf(why, whysz, "%s", _("the profile name is too long to name a vault entry"));
        return NULL;
    }
    if (a->vault)
        return vault_fetch(a, entry, why, whysz);
    char *sec = mem_fetch(a, entry);
    if (!sec)
        snprintf(why, whysz, "%s",
                 _("not known in this session (no vault): what was set up elsewhere needs "
                   "hubdesk with a vault"));
    return sec;
}

void app_reveal_off(app *a)
{
    a->reveal = 0;
    secret_free(a->revealed);
    a->revealed = NULL;
    a->reveal_why[0] = '\0';
}

static char *channel_token(flow *f, const char *channel_id, char *why, size_t whysz, void *arg)
{
    (void)f;
    char *tok = app_stored_secret(arg, "ch", channel_id, why, whysz);
    if (!tok && !((app *)arg)->vault)
        snprintf(why, whysz, "%s",
                 _("this channel's token is not known in this session (no vault): channels "
                   "created elsewhere need hubdesk with a vault"));
    return tok;
}

static int mem_store(app *a, const char *entry, const char *secret)
{
    char *copy = secret_dup(secret);
    for (size_t i = 0; copy && i < a->nmem_secrets; i++)
        if (!strcmp(a->mem_secrets[i].name, entry)) {
            secret_free(a->mem_secrets[i].secret);
            a->mem_secrets[i].secret = copy;
            return 0;
        }
    struct app_mem_secret *n =
        copy ? realloc(a->mem_secrets, (a->nmem_secrets + 1) * sizeof *n) : NULL;
    if (!n) {
        secret_free(copy);
        return -1;
    }
    a->mem_secrets = n;
    snprintf(n[a->nmem_secrets].name, sizeof n->name, "%s", entry);
    n[a->nmem_secrets++].secret = copy;
    return 0;
}

static int store(flow *f, const char *tag, const char *id, const char *secret, char *saved_as,
                 size_t savedsz, char *why, size_t whysz, void *arg)
{
    app *a = arg;
    char entry[VAULT_NAME_MAX + 1];
    (void)f;
    if (provider_secret_name(entry, sizeof entry, profile_name(a), tag, id) < 0) {
        snprintf(why, whysz, "%s", _("the profile name is too long to name a vault entry"));
        return -1;
    }
    if (!a->vault) {
        if (mem_store(a, entry, secret) < 0) {
            snprintf(why, whysz, "%s", _("out of memory"));
            return -1;
        }
        snprintf(saved_as, savedsz, "%s", entry);
        return 1;
    }
    vault_kind kind = !strcmp(tag, "ch")          ? VAULT_KIND_CHANNEL_TOKEN
                      : !strcmp(tag, "waba")      ? VAULT_KIND_API_TOKEN
                      : !strcmp(tag, "appsecret") ? VAULT_KIND_APP_SECRET
                                                  : VAULT_KIND_WEBHOOK_SECRET;
    vault_status st = vault_put(a->vault, entry, kind, profile_name(a), secret, strlen(secret),
                                VAULT_PUT_UPSERT);
    if (st != VAULT_OK) {
        vault_describe(st, a->vault_path, 0, why, whysz);
        return -1;
    }
    snprintf(saved_as, savedsz, "%s", entry);
    return 0;
}

/* A deleted channel's token: out of the vault (or of memory), so nothing stale is kept and q
   does not ask about a secret that opens nothing. */
static void drop(flow *f, const char *tag, const char *id, void *arg)
{
    app *a = arg;
    char entry[VAULT_NAME_MAX + 1];
    (void)f;
    if (provider_secret_name(entry, sizeof entry, profile_name(a), tag, id) < 0)
        return;
    if (a->vault) {
        vault_remove(a->vault, entry); /* not there (made elsewhere, no vault then): fine */
        return;
    }
    for (size_t i = 0; i < a->nmem_secrets; i++)
        if (!strcmp(a->mem_secrets[i].name, entry)) {
            secret_free(a->mem_secrets[i].secret);
            a->mem_secrets[i] = a->mem_secrets[--a->nmem_secrets];
            return;
        }
}

/* HydraCore's X-Api-Key: optional, so no entry named is no error (why stays ""). */
static char *profile_api_key(flow *f, int index, char *why, size_t whysz, void *arg)
{
    app *a = arg;
    const char *entry = app_profile_api_key(a, index);
    (void)f;
    *why = '\0';
    return entry && *entry ? vault_fetch(a, entry, why, whysz) : NULL;
}

static int remember(flow *f, int index, const json_t *remembered, char *why, size_t whysz,
                    void *arg)
{
    (void)f;
    return app_profile_remember(arg, index, remembered, why, whysz);
}

void app_secrets_install(app *a)
{
    a->f.secrets = (flow_secrets){
        .profile_token = a->use_vault ? profile_token : NULL,
        .channel_token = channel_token,
        .store = store,
        .drop = drop,
        .profile_api_key = a->use_vault ? profile_api_key : NULL,
        .remember = a->use_vault ? remember : NULL,
        .arg = a,
    };
}

void app_secrets_forget(app *a)
{
    app_reveal_off(a);
    for (size_t i = 0; i < a->nmem_secrets; i++)
        secret_free(a->mem_secrets[i].secret);
    free(a->mem_secrets);
    a->mem_secrets = NULL;
    a->nmem_secrets = 0;
}

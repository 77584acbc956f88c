/* profile.h: hub accounts (no secrets), kept as JSON in $XDG_CONFIG_HOME/hubdesk/. */
#ifndef HD_PROFILE_H
#define HD_PROFILE_H

#include <jansson.h>
#include <stddef.h>

#define PROFILE_NAME_MAX 64

typedef struct profile {
    char name[PROFILE_NAME_MAX + 1];   /* unique: 1..64 visible ASCII, typed as an argument */
    char provider[32];                 /* driver id: "keebai" */
    char base_url[512];                /* the hub's API base (Whapi: the manager API) */
    char gate_url[512];                /* Whapi: the gate API ("" = the driver's default) */
    char label[128];                   /* shown in lists; defaults to the name */
    char secret[PROFILE_NAME_MAX + 1]; /* name of its vault entry ("" = none yet) */
    char api_key_secret[PROFILE_NAME_MAX + 1]; /* HydraCore: vault entry of the optional
                                                  X-Api-Key ("" = none); JSON "api_key_secret" */
    char customer_lang[8]; /* the language of this account's customers: "es", "pt_BR", "en";
                              "" = the agent's. Phone steps and the test message use it. */
    char country[3];                   /* ISO 3166 alpha-2, upper case, for national phone
                                          numbers typed without +CC ("" = none); optional */
    /*
     * What the hub cannot list and the agent entered (JSON "remembered"), owned, NULL = none:
     * {"instances": [{"id", "name"}], "channels": [{"id", "name", "kind"}]}. Strings are
     * checked on load like the rest (clean, bounded); ids unique per list.
     */
    json_t *remembered;
} profile;

typedef struct profile_list {
    profile *items;
    size_t n;
} profile_list;

/* 1 when `lang` is exactly a customer language hubdesk has: "es", "pt_BR" or "en". */
int profile_customer_lang_ok(const char *lang);

/* $XDG_CONFIG_HOME/hubdesk/profiles.json (~/.config/... when unset, empty or relative). */
int profile_default_path(char *out, size_t n);

#define PROFILE_FILE_MAX (1024 * 1024) /* bytes of profiles.json */
#define PROFILE_LOCK_TIMEOUT_MS 10000    /* waiting for another writer, like the vault */

/*
 * Parses the text of a profiles file: buf, len bytes (need not end in NUL; more than
 * PROFILE_FILE_MAX is refused). `name` (the path) only goes into messages. No I/O. On -1,
 * err says what is wrong, ending "fix or move it, it was not changed", and out is empty.
 */
int profile_parse(const char *buf, size_t len, const char *name, profile_list *out, char *err,
                  size_t errsz);

/* The list as the text of a profiles file (indented JSON, final line break); malloc'd, or
   NULL (out of memory). profile_parse reads it back to the same list. */
char *profile_serialize(const profile_list *l);

/*
 * Loads the list. A missing file is an empty list (returns 0). The file decides where vault
 * tokens are sent, so it is refused (-1, with the chmod/chown that fixes it in err) when
 * another user could have written it: the file or its directory owned by another uid, or
 * writable by group or others; also when it is not a regular file. A file that is not ours
 * (bad JSON, wrong shape, a bad profile) is refused with a sentence in err (returns -1) and
 * is left alone: nothing is ever written over a file we could not read.
 */
int profile_load(const char *path, profile_list *out, char *err, size_t errsz);

/* One change to the profiles file, made by profile_transact under its lock. */
typedef struct profile_change {
    /* Changes l, the list as the file holds it now: 0 = write it, 1 = nothing to write,
       -1 = refused (with err). */
    int (*apply)(profile_list *l, void *arg, char *err, size_t errsz);
    /* NULL, or called (still under the lock) when apply returned 0 but the file could not be
       written: it undoes what apply did outside the list, e.g. a vault entry it stored. */
    void (*undo)(void *arg);
    void *arg;
} profile_change;

/*
 * The one way to change the profiles file at path (every writer: line mode, console):
 * creates its directory (0700) if missing, takes the exclusive lock PATH.lock (waits up to
 * PROFILE_LOCK_TIMEOUT_MS), reads the file as it is now (profile_load, with its checks),
 * calls c->apply, and when it returns 0 replaces the file atomically (temp file, fsync,
 * rename, fsync dir; 0600); then releases the lock. So concurrent hubdesk processes never
 * lose each other's changes. Returns apply's 0 or 1, or -1 with err: apply refused, or the
 * file could not be read, locked or written (then c->undo has run, and the file is as it was).
 */
int profile_transact(const char *path, const profile_change *c, char *err, size_t errsz);

/* Checks one profile: name, known provider, usable URL, label, secret name and country (""
   or two upper-case ASCII letters). 0 or -1. */
int profile_validate(const profile *p, char *err, size_t errsz);

/* Index of the profile called name, or -1. */
int profile_find(const profile_list *l, const char *name);
/* Appends a copy (after profile_validate and a unique name; `remembered` is deep-copied, the
   caller keeps its own). 0 or -1 with err. */
int profile_add(profile_list *l, const profile *p, char *err, size_t errsz);
/* Removes by name (and frees what it owned). 0, or -1 if there is none. */
int profile_remove(profile_list *l, const char *name);
/* Renames; the new name must be valid and free. 0 or -1 with err. */
int profile_rename(profile_list *l, const char *from, const char *to, char *err, size_t errsz);

/* Frees every profile's `remembered` and the list. */
void profile_list_free(profile_list *l);

/* *dst = *src with `remembered` deep-copied (release dst with profile_clear). 0 or -1 (OOM). */
int profile_copy(profile *dst, const profile *src);
/* Frees what a profile owns (`remembered`); the fixed fields stay. */
void profile_clear(profile *p);

#define PROFILE_REMEMBER_MAX 200 /* items per list */
#define PROFILE_ITEM_ID_MAX 128  /* bytes: visible ASCII */
#define PROFILE_ITEM_NAME_MAX 128 /* characters (UTF-8) */

/* The list "instances" or "channels" of a profile (borrowed array), NULL if empty. */
json_t *profile_remembered(const profile *p, const char *list);
/*
 * Adds or updates (same id) an item: id 1..128 clean characters, name 0..128 (NULL = keep),
 * kind NULL or a known channel kind. At most 200 per list. 0 or -1 with err.
 */
int profile_remember(profile *p, const char *list, const char *id, const char *name,
                     const char *kind, char *err, size_t errsz);
/* Removes the item with this id. 0, or -1 if there is none. */
int profile_forget(profile *p, const char *list, const char *id);

#endif

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

/* $XDG_CONFIG_HOME/hubdesk/profiles.json (~/.config/... when unset, empty or relative). */
int profile_default_path(char *out, size_t n);

/*
 * Loads the list. A missing file is an empty list (returns 0). A file that is not ours
 * (bad JSON, wrong shape, a bad profile) is refused with a sentence in err (returns -1) and
 * is left alone: nothing is ever written over a file we could not read.
 */
int profile_load(const char *path, profile_list *out, char *err, size_t errsz);

/* Writes the list atomically (temp file, fsync, rename, fsync dir; 0600 in a 0700 dir). */
int profile_save(const char *path, const profile_list *l, char *err, size_t errsz);

/* Checks one profile: name, known provider, usable URL, label and secret name. 0 or -1. */
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

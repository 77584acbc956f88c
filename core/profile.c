/* profile.c: the profile list on disk: strict reading, atomic writing, no secrets. */
#include "profile.h"
#include "http.h"
#include "i18n.h"
#include "provider.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROFILE_FILE_MAX (1024 * 1024)

static int name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E)
            return 0;
    return n >= 1 && n <= PROFILE_NAME_MAX;
}

int profile_default_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(out, n, "%s/hubdesk/profiles.json", xdg);
    else if (home && home[0] == '/')
        w = snprintf(out, n, "%s/.config/hubdesk/profiles.json", home);
    else
        return -1;
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int profile_validate(const profile *p, char *err, size_t errsz)
{
    if (!name_ok(p->name)) {
        snprintf(err, errsz, "%s", _("invalid profile name: use 1 to 64 visible ASCII characters, no spaces"));
        return -1;
    }
    if (!provider_find(p->provider)) {
        snprintf(err, errsz, _("profile %s: unknown provider"), p->name);
        return -1;
    }
    hd_status st = http_url_check(p->base_url);
    if (st != HD_OK) {
        snprintf(err, errsz, _("profile %s: %s"), p->name, hd_status_message(st));
        return -1;
    }
    if (p->gate_url[0] && (st = http_url_check(p->gate_url)) != HD_OK) {
        snprintf(err, errsz, _("profile %s: gate URL: %s"), p->name, hd_status_message(st));
        return -1;
    }
    if (!text_is_clean(p->label) || (p->secret[0] && !name_ok(p->secret))) {
        snprintf(err, errsz, _("profile %s: invalid label or secret name"), p->name);
        return -1;
    }
    return 0;
}

int profile_find(const profile_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Copies a JSON string field into a fixed buffer; -1 if present but not a fitting string. */
static int copy_field(json_t *o, const char *key, char *out, size_t n, int required)
{
    json_t *v = json_object_get(o, key);
    out[0] = '\0';
    if (!v)
        return required ? -1 : 0;
    if (!json_is_string(v) || json_string_length(v) >= n ||
        strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int parse_one(json_t *o, profile *p, char *err, size_t errsz)
{
    memset(p, 0, sizeof *p);
    if (!json_is_object(o) || copy_field(o, "name", p->name, sizeof p->name, 1) < 0 ||
        copy_field(o, "provider", p->provider, sizeof p->provider, 1) < 0 ||
        copy_field(o, "base_url", p->base_url, sizeof p->base_url, 1) < 0 ||
        copy_field(o, "label", p->label, sizeof p->label, 0) < 0 ||
        copy_field(o, "gate_url", p->gate_url, sizeof p->gate_url, 0) < 0 ||
        copy_field(o, "secret", p->secret, sizeof p->secret, 0) < 0) {
        snprintf(err, errsz, "%s", _("a profile is missing name, provider or base_url, or has a field that is too long"));
        return -1;
    }
    if (!p->label[0])
        snprintf(p->label, sizeof p->label, "%s", p->name);
    return profile_validate(p, err, errsz);
}

static int parse_list(json_t *root, profile_list *out, char *err, size_t errsz)
{
    json_t *arr = json_object_get(root, "profiles");
    if (!json_is_object(root) || !json_is_array(arr)) {
        snprintf(err, errsz, "%s", _("expected {\"profiles\": [...]}"));
        return -1;
    }
    size_t n = json_array_size(arr);
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (!out->items)
        return -1;
    for (size_t i = 0; i < n; i++) {
        profile p;
        if (parse_one(json_array_get(arr, i), &p, err, errsz) < 0)
            return -1;
        if (profile_find(out, p.name) >= 0) {
            snprintf(err, errsz, _("profile %s appears twice"), p.name);
            return -1;
        }
        out->items[out->n++] = p;
    }
    return 0;
}

int profile_load(const char *path, profile_list *out, char *err, size_t errsz)
{
    char detail[256];
    json_error_t jerr;
    out->items = NULL;
    out->n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
        return -1;
    }
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    long size = ftell(f);
    fclose(f);
    int rc = -1;
    if (!root) {
        text_sanitize(jerr.text, detail, sizeof detail);
        snprintf(err, errsz, _("%s is not valid JSON (line %d: %s); fix or move it, it was not changed"),
                 path, jerr.line, detail);
    } else if (size > PROFILE_FILE_MAX) {
        snprintf(err, errsz, _("%s is larger than 1 MiB; it was not changed"), path);
    } else if (parse_list(root, out, detail, sizeof detail) < 0) {
        snprintf(err, errsz, _("%s: %s; fix or move it, it was not changed"), path, detail);
    } else {
        rc = 0;
    }
    json_decref(root);
    if (rc < 0)
        profile_list_free(out);
    return rc;
}

static json_t *list_to_json(const profile_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        const profile *p = &l->items[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", p->name, "provider", p->provider,
                              "base_url", p->base_url, "label", p->label, "secret", p->secret);
        if (o && p->gate_url[0]) /* only when set: files stay as they were for other hubs */
            json_object_set_new(o, "gate_url", json_string(p->gate_url));
        json_array_append_new(arr, o);
    }
    return json_pack("{s:i,s:o}", "version", 1, "profiles", arr);
}

/* Creates the directory of path (0700) and each missing parent. */
static int make_dirs(const char *path)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    char *dir = dirname(buf);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int profile_save(const char *path, const profile_list *l, char *err, size_t errsz)
{
    char tmp[1100], dirbuf[1024];
    json_t *root = list_to_json(l);
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(root);
    int fd = -1, rc = -1;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (!text || make_dirs(path) < 0 ||
        (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
        write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
        snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(errno));
    } else if (rename(tmp, path) < 0) {
        snprintf(err, errsz, _("cannot replace %s: %s"), path, strerror(errno));
    } else {
        snprintf(dirbuf, sizeof dirbuf, "%s", path);
        int dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd); /* the rename itself must survive a crash */
            close(dfd);
        }
        rc = 0;
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    free(text);
    return rc;
}

int profile_add(profile_list *l, const profile *p, char *err, size_t errsz)
{
    if (profile_validate(p, err, errsz) < 0)
        return -1;
    if (profile_find(l, p->name) >= 0) {
        snprintf(err, errsz, _("a profile called %s already exists"), p->name);
        return -1;
    }
    profile *n = realloc(l->items, (l->n + 1) * sizeof *n);
    if (!n)
        return -1;
    l->items = n;
    l->items[l->n++] = *p;
    return 0;
}

int profile_remove(profile_list *l, const char *name)
{
    int i = profile_find(l, name);
    if (i < 0)
        return -1;
    memmove(&l->items[i], &l->items[i + 1], (l->n - (size_t)i - 1) * sizeof *l->items);
    l->n--;
    return 0;
}

int profile_rename(profile_list *l, const char *from, const char *to, char *err, size_t errsz)
{
    int i = profile_find(l, from);
    if (i < 0) {
        snprintf(err, errsz, _("no profile called %s"), from);
        return -1;
    }
    if (!name_ok(to) || profile_find(l, to) >= 0) {
        snprintf(err, errsz, _("%s is not a valid, free profile name"), to);
        return -1;
    }
    snprintf(l->items[i].name, sizeof l->items[i].name, "%s", to);
    return 0;
}

void profile_list_free(profile_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

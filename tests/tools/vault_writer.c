/* vault_writer.c: rewrites a vault in a loop or adds entries, for crash and concurrency tests. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault.h"

#define EXIT_VAULT 1
#define EXIT_USAGE 2

static void usage(void)
{
    fputs("usage: vault_writer [--passphrase-fd N] PATH counter NAME\n"
          "       vault_writer [--passphrase-fd N] PATH add PREFIX COUNT\n"
          "The passphrase is read from descriptor N, or else from the file named by\n"
          "HUBDESK_PASSPHRASE_FILE (first line). Never from the command line.\n"
          "counter: forever, add 1 to the decimal secret NAME and print each committed value.\n"
          "add: add entries PREFIX-0 .. PREFIX-(COUNT-1), then print \"done COUNT\".\n",
          stderr);
}

/* Reads the first line of fd into guarded memory; NULL if empty or unreadable. */
static char *read_passphrase(int fd)
{
    char *p = sodium_malloc(VAULT_PASSPHRASE_MAX + 2);
    size_t got = 0;
    if (!p)
        return NULL;
    while (got < VAULT_PASSPHRASE_MAX + 1) {
        ssize_t r = read(fd, p + got, VAULT_PASSPHRASE_MAX + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    p[got] = '\0';
    p[strcspn(p, "\r\n")] = '\0';
    if (!p[0]) {
        sodium_free(p);
        return NULL;
    }
    return p;
}

static char *passphrase_from(int fd_arg)
{
    if (fd_arg >= 0)
        return read_passphrase(fd_arg);
    const char *file = getenv("HUBDESK_PASSPHRASE_FILE");
    int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return NULL;
    char *p = read_passphrase(fd);
    close(fd);
    return p;
}

static int fail(vault_status st, const char *path)
{
    char msg[512];
    fprintf(stderr, "vault_writer: %s\n", vault_describe(st, path, errno, msg, sizeof msg));
    return EXIT_VAULT;
}

/* Writes one line with a single write(2): a reader never sees half of it. */
static void report(const char *line)
{
    ssize_t r;
    do
        r = write(STDOUT_FILENO, line, strlen(line));
    while (r < 0 && errno == EINTR);
}

static int run_counter(vault *v, const char *path, const char *name)
{
    for (;;) {
        unsigned char *s;
        char next[32], line[40];
        vault_status st = vault_get(v, name, &s, NULL);
        if (st != VAULT_OK)
            return fail(st, path);
        uint64_t value = strtoull((const char *)s, NULL, 10) + 1;
        vault_secret_free(s);
        snprintf(next, sizeof next, "%" PRIu64, value);
        st = vault_put(v, name, VAULT_KIND_API_TOKEN, "counter", next, strlen(next),
                       VAULT_PUT_REPLACE);
        if (st != VAULT_OK)
            return fail(st, path);
        snprintf(line, sizeof line, "%s\n", next);
        report(line);
    }
}

static int run_add(vault *v, const char *path, const char *prefix, long count)
{
    for (long i = 0; i < count; i++) {
        char name[VAULT_NAME_MAX + 1], secret[96];
        snprintf(name, sizeof name, "%s-%ld", prefix, i);
        snprintf(secret, sizeof secret, "%s-secret", name);
        vault_status st = vault_put(v, name, VAULT_KIND_CHANNEL_TOKEN, prefix, secret,
                                    strlen(secret), VAULT_PUT_ADD);
        if (st != VAULT_OK)
            return fail(st, path);
    }
    char line[40];
    snprintf(line, sizeof line, "done %ld\n", count);
    report(line);
    return 0;
}

int main(int argc, char **argv)
{
    int argi = 1, fd = -1;
    if (argc > 2 && strcmp(argv[1], "--passphrase-fd") == 0) {
        fd = atoi(argv[2]);
        argi = 3;
    }
    if (argc - argi < 3 || sodium_init() < 0) {
        usage();
        return EXIT_USAGE;
    }
    const char *path = argv[argi], *cmd = argv[argi + 1];
    int is_add = strcmp(cmd, "add") == 0;
    if ((!is_add && strcmp(cmd, "counter") != 0) || (is_add && argc - argi < 4)) {
        usage();
        return EXIT_USAGE;
    }
    char *pass = passphrase_from(fd);
    if (!pass) {
        fputs("vault_writer: no passphrase (use --passphrase-fd or HUBDESK_PASSPHRASE_FILE)\n",
              stderr);
        return EXIT_USAGE;
    }
    vault *v;
    vault_status st = vault_open(path, pass, &v);
    sodium_free(pass); /* the key is all that is needed from here on */
    if (st != VAULT_OK)
        return fail(st, path);
    int rc = is_add ? run_add(v, path, argv[argi + 2], atol(argv[argi + 3]))
                    : run_counter(v, path, argv[argi + 2]);
    vault_close(v);
    return rc;
}

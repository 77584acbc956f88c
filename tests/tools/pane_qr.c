/* pane_qr.c: decode the QR code in a `tmux capture-pane -p -e` dump, per terminal theme. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/qrscan.h"
#include "../lib/termgrid.h"

#define TEXT_MAX 8192
/* A pane capture is a few hundred KB at most; more means the wrong file was given. */
#define INPUT_MAX (16u << 20)

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

typedef struct options {
    const char *expect;
    const char *expect_file;
    const char *input;
    const char *save_pgm;
    bool themes[2]; /* indexed by qrscan_theme */
    bool verbose;
} options;

static void usage(FILE *f)
{
    fputs("usage: pane_qr [--expect TEXT | --expect-file FILE] [--theme dark|light|both]\n"
          "               [--save-pgm PREFIX] [-v] [FILE|-]\n"
          "Decodes the QR code in a tmux capture-pane -p -e dump as seen on a dark theme\n"
          "(light grey on black) and a light theme (black on white). Prints one line per\n"
          "theme: '<theme> ok <text>' or '<theme> FAIL <reason>'. Exit 0 if every theme\n"
          "decoded (and matched --expect), 1 if not, 2 on usage or input errors.\n",
          f);
}

/* Reads a whole stream; NULL on error or if it exceeds INPUT_MAX. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = cap >= INPUT_MAX ? NULL : realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *read_path(const char *path, size_t *len)
{
    if (strcmp(path, "-") == 0)
        return read_all(stdin, len);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = read_all(f, len);
    fclose(f);
    return data;
}

static bool set_theme(options *o, const char *name)
{
    int t = qrscan_theme_from_name(name);
    o->themes[QRSCAN_DARK] = t == QRSCAN_DARK || strcmp(name, "both") == 0;
    o->themes[QRSCAN_LIGHT] = t == QRSCAN_LIGHT || strcmp(name, "both") == 0;
    return o->themes[QRSCAN_DARK] || o->themes[QRSCAN_LIGHT];
}

/* Returns 0 to go on, or an exit status. */
static int parse_args(int argc, char **argv, options *o)
{
    o->themes[QRSCAN_DARK] = o->themes[QRSCAN_LIGHT] = true;
    o->input = "-";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return -1;
        } else if (strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--expect") == 0 && has_val) {
            o->expect = argv[++i];
        } else if (strcmp(a, "--expect-file") == 0 && has_val) {
            o->expect_file = argv[++i];
        } else if (strcmp(a, "--save-pgm") == 0 && has_val) {
            o->save_pgm = argv[++i];
        } else if (strcmp(a, "--theme") == 0 && has_val) {
            if (!set_theme(o, argv[++i]))
                return EXIT_USAGE;
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && i == argc - 1) {
            o->input = a;
        } else {
            return EXIT_USAGE;
        }
    }
    return (o->expect && o->expect_file) ? EXIT_USAGE : 0;
}

/* The expected text from --expect-file, without the trailing newlines editors add. */
static char *load_expect(const char *path)
{
    size_t len;
    char *s = read_path(path, &len);
    if (!s)
        return NULL;
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = '\0';
    return s;
}

static void save_image(const termgrid *g, qrscan_theme t, const char *prefix)
{
    qrscan_image img;
    char path[4096];
    snprintf(path, sizeof path, "%s-%s.pgm", prefix, qrscan_theme_name(t));
    if (qrscan_paint(g, t, QRSCAN_MARGIN, &img) != 0 || qrscan_write_pgm(&img, path) != 0)
        fprintf(stderr, "pane_qr: cannot write %s\n", path);
    qrscan_image_free(&img);
}

static void report_geometry(const termgrid *g, qrscan_theme t, int found, const qrscan_box *b)
{
    qrscan_box ink;
    fprintf(stderr, "pane_qr: %s: grid %dx%d", qrscan_theme_name(t), g->cols, g->rows);
    if (found > 0)
        fprintf(stderr, ", qr cells %dx%d at %d,%d", b->x1 - b->x0, b->y1 - b->y0, b->x0, b->y0);
    if (qrscan_ink_box(g, t, &ink) == 0)
        fprintf(stderr, ", ink %dx%d at %d,%d", ink.x1 - ink.x0, ink.y1 - ink.y0, ink.x0,
                ink.y0);
    fputc('\n', stderr);
}

/* Decodes in one theme and prints its line. True if it decoded as expected. */
static bool check_theme(const termgrid *g, qrscan_theme t, const char *expect, const options *o)
{
    static char text[TEXT_MAX];
    qrscan_box box;
    int found = qrscan_decode_grid_box(g, t, text, sizeof text, &box);
    const char *name = qrscan_theme_name(t);
    if (o->save_pgm)
        save_image(g, t, o->save_pgm);
    if (o->verbose)
        report_geometry(g, t, found, &box);
    if (found < 0) {
        printf("%s FAIL cannot paint or scan (out of memory?)\n", name);
        return false;
    }
    if (found == 0) {
        printf("%s FAIL no QR found\n", name);
        return false;
    }
    if (expect && strcmp(text, expect) != 0) {
        printf("%s FAIL text differs from expected: %s\n", name, text);
        return false;
    }
    printf("%s ok %s\n", name, text);
    return true;
}

int main(int argc, char **argv)
{
    options o = {0};
    int st = parse_args(argc, argv, &o);
    if (st != 0) {
        if (st > 0)
            usage(stderr);
        return st > 0 ? st : 0;
    }
    char *expect_buf = o.expect_file ? load_expect(o.expect_file) : NULL;
    if (o.expect_file && !expect_buf) {
        fprintf(stderr, "pane_qr: cannot read %s: %s\n", o.expect_file, strerror(errno));
        return EXIT_USAGE;
    }
    size_t len = 0;
    char *data = read_path(o.input, &len);
    if (!data) {
        fprintf(stderr, "pane_qr: cannot read %s: %s\n", o.input, strerror(errno));
        free(expect_buf);
        return EXIT_USAGE;
    }
    termgrid *g = termgrid_parse_capture(data, len);
    free(data);
    bool all_ok = g != NULL;
    for (int t = QRSCAN_DARK; g && t <= QRSCAN_LIGHT; t++)
        if (o.themes[t] && !check_theme(g, (qrscan_theme)t, expect_buf ? expect_buf : o.expect, &o))
            all_ok = false;
    if (!g)
        fputs("pane_qr: out of memory\n", stderr);
    termgrid_free(g);
    free(expect_buf);
    return all_ok ? 0 : EXIT_MISMATCH;
}

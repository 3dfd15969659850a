// SPDX-License-Identifier: GPL-2.0
/**
 * @file compare.c
 * @brief The differential errno check: two --diff logs of the same seed,
 * one from minikvm and one from the real KVM, call by call.
 *
 * A log line is "SEQ OP TARGET ARGS = RESULT": the call (the same on
 * both targets, by construction: ops.c never lets an answer change what
 * is drawn next) and its answer ("0", "=value", "fd" or an errno name).
 * For every call whose answers differ, the allow-list (tests/fuzz/
 * errno-allow) is searched for an entry "OP TARGET ARGS MINIKVM KVM",
 * each field a shell glob (fnmatch); an entry says in its comment why
 * KVM permits the difference.  A difference no entry explains is a
 * MISMATCH, and so is a pair of logs whose calls stop matching (the
 * sequence "diverged": a state change on one target only).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ALLOW	256

struct allow {
	char *f[5];		/**< op, target, args, minikvm, kvm */
	int line;		/**< in the allow file */
	long used;		/**< differences it explained */
};

static struct allow allows[MAX_ALLOW];
static int nallow;

static int load_allow(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int ln = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;
		struct allow *a = &allows[nallow];
		int n = 0;

		ln++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		for (tok = strtok_r(line, " \t", &save); tok && n < 5;
		     tok = strtok_r(NULL, " \t", &save))
			a->f[n++] = strdup(tok);
		if (n != 5 || tok) {
			fprintf(stderr, "%s:%d: want OP TARGET ARGS MINIKVM KVM\n", path, ln);
			fclose(f);
			return -1;
		}
		a->line = ln;
		if (++nallow == MAX_ALLOW)
			break;
	}
	fclose(f);
	return 0;
}

/** A parsed log line. */
struct call {
	char *op, *target, *args, *res;
	char buf[1024];
};

static int parse(char *line, struct call *c)
{
	char *save = NULL;

	snprintf(c->buf, sizeof(c->buf), "%s", line);
	c->buf[strcspn(c->buf, "\n")] = 0;
	if (!strtok_r(c->buf, " ", &save))	/* the sequence number */
		return -1;
	c->op = strtok_r(NULL, " ", &save);
	c->target = strtok_r(NULL, " ", &save);
	c->args = strtok_r(NULL, " ", &save);
	if (!c->args || !(c->res = strtok_r(NULL, " ", &save)) || strcmp(c->res, "="))
		return -1;
	c->res = strtok_r(NULL, " ", &save);
	return c->res ? 0 : -1;
}

/**
 * The allow-list entry that explains the difference between @m and @k, or
 * NULL.  An argument passed one byte off alignment ("ptr=odd", the last
 * word of ARGS: world.c) holds the same bytes and must get the answer the
 * aligned call gets, so the entries for the aligned call cover it too.
 */
static struct allow *allowed(const struct call *m, const struct call *k)
{
	static const char odd[] = ",ptr=odd";
	char aligned[1024];
	size_t n = strlen(m->args);

	snprintf(aligned, sizeof(aligned), "%s", m->args);
	if (n > sizeof(odd) - 1 && !strcmp(m->args + n - (sizeof(odd) - 1), odd))
		aligned[n - (sizeof(odd) - 1)] = 0;
	for (int i = 0; i < nallow; i++) {
		struct allow *a = &allows[i];

		if (!fnmatch(a->f[0], m->op, 0) && !fnmatch(a->f[1], m->target, 0) &&
		    (!fnmatch(a->f[2], m->args, 0) || !fnmatch(a->f[2], aligned, 0)) &&
		    !fnmatch(a->f[3], m->res, 0) && !fnmatch(a->f[4], k->res, 0))
			return a;
	}
	return NULL;
}

/** The header lines of a log ("# ..."), up to the first call. */
static void header(FILE *f, char *seed, size_t len, int *features)
{
	char line[256];
	long pos = ftell(f);

	seed[0] = 0;
	*features = -1;
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		unsigned int x;

		pos = ftell(f);
		if (!strncmp(line, "# kvm-fuzz diff log:", 20))
			snprintf(seed, len, "%s", line);
		else if (sscanf(line, "# features %x", &x) == 1)
			*features = (int)x;
	}
	fseek(f, pos, SEEK_SET);
}

int log_features(const char *path)
{
	FILE *f = fopen(path, "r");
	char seed[256];
	int features;

	if (!f)
		return -1;
	header(f, seed, sizeof(seed), &features);
	fclose(f);
	return features;
}

int compare_logs(const char *mine, const char *theirs, const char *allow_path, int max_print)
{
	FILE *fm = fopen(mine, "r"), *fk = fopen(theirs, "r");
	char lm[512], lk[512], sm[256], sk[256], prev[4][512] = { "", "", "", "" };
	long calls = 0, same = 0, ok_diff = 0, bad = 0;
	int featm, featk, diverged = 0;

	if (!fm || !fk) {
		perror(!fm ? mine : theirs);
		return 2;
	}
	if (load_allow(allow_path))
		return 2;
	header(fm, sm, sizeof(sm), &featm);
	header(fk, sk, sizeof(sk), &featk);
	if (strcmp(sm, sk) || featm != featk) {
		printf("compare: the logs are not of the same run: minikvm '%.*s' features %#x, "
		       "kvm '%.*s' features %#x\n", (int)strcspn(sm, "\n"), sm, featm,
		       (int)strcspn(sk, "\n"), sk, featk);
		return 1;
	}
	for (;;) {
		char *a = fgets(lm, sizeof(lm), fm), *b = fgets(lk, sizeof(lk), fk);
		struct call cm, ck;
		struct allow *al;

		if (!a || !b) {
			if (a || b) {
				printf("compare: MISMATCH: the %s log ends first, after %ld calls\n",
				       a ? "kvm" : "minikvm", calls);
				bad++;
			}
			break;
		}
		if (parse(lm, &cm) || parse(lk, &ck)) {
			printf("compare: unreadable line %ld\n", calls + 1);
			return 2;
		}
		calls++;
		if (strcmp(cm.op, ck.op) || strcmp(cm.target, ck.target) || strcmp(cm.args, ck.args)) {
			printf("compare: MISMATCH: the calls diverged at line %ld (an earlier "
			       "difference changed state on one target only), after:\n", calls);
			for (int i = 4; i >= 1; i--)
				if (calls > i)
					printf("compare:   both:    %s", prev[(calls - i) % 4]);
			printf("compare:   minikvm: %scompare:   kvm:     %s", lm, lk);
			diverged = 1;
			bad++;
			break;
		}
		snprintf(prev[calls % 4], sizeof(prev[0]), "%s", lk);
		if (!strcmp(cm.res, ck.res)) {
			same++;
			continue;
		}
		al = allowed(&cm, &ck);
		if (al) {
			al->used++;
			ok_diff++;
			continue;
		}
		if (bad++ < max_print)
			printf("compare: MISMATCH %s %s %s: minikvm %s, kvm %s\n", cm.op, cm.target,
			       cm.args, cm.res, ck.res);
	}
	if (bad > max_print)
		printf("compare: ... %ld mismatches in all\n", bad);
	for (int i = 0; i < nallow; i++)
		if (allows[i].used)
			printf("compare: allowed (%s line %d) %ld time%s: %s %s %s minikvm %s kvm %s\n",
			       allow_path, allows[i].line, allows[i].used,
			       allows[i].used == 1 ? "" : "s", allows[i].f[0], allows[i].f[1],
			       allows[i].f[2], allows[i].f[3], allows[i].f[4]);
	printf("compare: %ld calls: %ld same answer, %ld allowed differences, %ld unexplained%s\n",
	       calls, same, ok_diff, bad, diverged ? " (diverged)" : "");
	fclose(fm);
	fclose(fk);
	return bad ? 1 : 0;
}

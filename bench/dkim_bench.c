/*
 * dkim_bench.c - in-process cost of dkim_sign_fd() (key files read and
 * imported, body hashed, header fields canonicalised, one signature per
 * key) for a message file, so the number is not buried under process
 * start-up.  Built and run by bench/dkim.sh; not part of "make check".
 *
 * Usage: dkim_bench CONFIG MESSAGE ITERATIONS
 * Prints the best and the mean microseconds per message over batches of
 * ITERATIONS / 10 messages (the best batch is the least disturbed by
 * other load on the machine).
 */
#include "compat.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "dkim.h"

static double	now_us(void);

static double
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct diag d;
	struct buf sigs;
	double t0, best = -1, total = 0, per;
	long n, batch, i, b;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: dkim_bench CONFIG MESSAGE N\n");
		return 64;
	}
	n = strtol(argv[3], NULL, 10);
	batch = n / 10 > 0 ? n / 10 : 1;
	config_defaults(&cfg);
	if (config_load(argv[1], NULL, &cfg, &d) == -1) {
		fprintf(stderr, "%s\n", d.text);
		return 78;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd == -1) {
		perror(argv[2]);
		return 66;
	}
	for (b = 0; b < 10; b++) {
		t0 = now_us();
		for (i = 0; i < batch; i++) {
			buf_init(&sigs, DKIM_SIGS_MAX);
			if (cfg.dkim_key_file != NULL && dkim_sign_fd(&cfg, fd,
			    time(NULL), &sigs, &d) == -1) {
				fprintf(stderr, "%s\n", d.text);
				return 1;
			}
			buf_free(&sigs);
		}
		per = (now_us() - t0) / (double)batch;
		total += per;
		if (best < 0 || per < best)
			best = per;
	}
	printf("%.0f us best, %.0f us mean\n", best, total / 10);
	(void)close(fd);
	config_free(&cfg);
	return 0;
}

/*
 * test_manpage.c - sendsmtp.conf(5) documents exactly the keys config.c
 * knows: every known key has an ".It Cm KEY" entry or is named in the
 * msmtp lists, and every ".It Cm KEY" entry is a key config.c accepts.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

#define PAGE_MAX	(256 * 1024)

static char	*page;

static void
load_page(void)
{
	const char *top = getenv("top_srcdir");
	char *path;
	FILE *fp;
	size_t n;

	path = xasprintf("%s/man/sendsmtp.conf.5", top != NULL ? top : ".");
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	page = xcalloc(1, PAGE_MAX + 1);
	n = fread(page, 1, PAGE_MAX, fp);
	ck_assert_msg(n > 0 && n < PAGE_MAX, "%s: bad size %zu", path, n);
	fclose(fp);
	free(path);
}

/* 1 if ".Cm KEY" appears in the page as a whole word. */
static int
page_names(const char *key)
{
	const char *p = page;
	size_t klen = strlen(key);

	while ((p = strstr(p, "Cm ")) != NULL) {
		p += 3;
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' ||
		    p[klen] == '\n' || p[klen] == ','))
			return 1;
	}
	return 0;
}

static int
is_known(const char *word, size_t len)
{
	const char *const *k;

	for (k = config_known_keys(); *k != NULL; k++)
		if (strlen(*k) == len && strncmp(*k, word, len) == 0)
			return 1;
	return 0;
}

START_TEST(every_key_is_documented)
{
	const char *const *k;
	int n = 0;

	load_page();
	for (k = config_known_keys(); *k != NULL; k++, n++)
		ck_assert_msg(page_names(*k), "key \"%s\" is not documented "
		    "in man/sendsmtp.conf.5", *k);
	ck_assert_int_gt(n, 20);
	free(page);
}
END_TEST

START_TEST(every_documented_key_exists)
{
	const char *p;
	int n = 0;

	load_page();
	for (p = page; (p = strstr(p, "\n.It Cm ")) != NULL; n++) {
		size_t len;

		p += strlen("\n.It Cm ");
		len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		ck_assert_msg(is_known(p, len), "man/sendsmtp.conf.5 documents "
		    "\"%.*s\", which config.c does not know", (int)len, p);
	}
	ck_assert_int_gt(n, 20);
	free(page);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("manpage");
	TCase *tc = tcase_create("keys");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, every_key_is_documented);
	tcase_add_test(tc, every_documented_key_exists);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * dkim_sign.c - DKIM key files and signing the message file, once, at
 * submission (submit.c), so every delivery attempt sends the same
 * signed bytes.
 *
 * RFC 6376 3.7 (body hash, then the hash of the signed header fields and
 * the signature header with b= empty), 5.4 (what to sign); RFC 8463 3
 * (ed25519-sha256 signs the SHA-256 of that data); RFC 8301 (rsa-sha256
 * only, RSA keys of at least 1024 bits; we require 2048).
 *
 * What is signed is exactly what goes on the wire: the file msg.c wrote
 * (CRLF line ends, long lines folded or broken, Date/Message-ID/From
 * added, Bcc removed).  The new file is the signature fields followed by
 * that file, written next to it and renamed over it, so the path, the
 * queue entry and SIZE all carry the signature.
 *
 * Security notes:
 *  - A key file is a secret: opened with O_NOFOLLOW | O_NONBLOCK, then it
 *    must pass config_check_secure() as a secret-holding file (owner
 *    root or us, not group/world-writable, not world-readable), checked
 *    on the open fd.  Its bytes are read into one buffer sized from
 *    fstat, wiped with explicit_bzero as soon as GnuTLS has imported
 *    the key, and never quoted in a message or a log line.
 *  - The body is streamed through the canonicaliser in IO_CHUNK pieces;
 *    only the header section (bounded by HDR_BLOCK_MAX) is held.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "b64.h"
#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "diag.h"
#include "dkim.h"
#include "log.h"
#include "msg.h"
#include "util.h"

/* One configured key, loaded. */
struct dkim_key {
	char			 selector[ADDR_DOMAIN_MAX + 1];
	char			 path[CONF_LINE_MAX];
	struct crypto_key	*key;
};

static int	dkim_keys_load(const struct config *cfg,
		    struct dkim_key *keys, size_t *nkeys, struct diag *d);
static void	dkim_keys_free(struct dkim_key *keys, size_t n);
static int	dkim_read_headers(int fd, off_t size, struct buf *hb,
		    off_t *body, struct diag *d);
static int	dkim_body_hash(int fd, off_t from, off_t size,
		    unsigned char out[CRYPTO_SHA256_LEN], struct diag *d);
static void	dkim_hash_sink(void *arg, const void *p, size_t n);
static int	dkim_sign_one(const struct config *cfg,
		    const struct dkim_key *k, const struct dkim_hdrs *h,
		    const char *hlist, const char *bh, time_t now,
		    struct buf *sigs, struct diag *d);
static int	dkim_write_all(int fd, const void *p, size_t n);
static int	dkim_rewrite(struct msg *m, const struct buf *sigs,
		    struct diag *d);

/* ------------------------------------------------ keys */

int
dkim_key_load(const char *path, struct crypto_key **out, struct diag *d)
{
	struct stat st;
	struct diag cd;
	char *pem = NULL, *what;
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return diag_set(d, EX_CONFIG, "cannot open dkim_key_file %s: "
		    "%s; check \"dkim_key_file\" in the configuration", path,
		    errno == ELOOP ? "it is a symbolic link (name the file "
		    "itself)" : strerror(errno));
	/* The password-file rules, worded for a key. */
	if (config_check_secure(fd, path, 0, &cd) == -1) {
		(void)close(fd);
		return diag_set(d, cd.exitcode, "dkim_key_file: %s", cd.text);
	}
	if (fstat(fd, &st) == -1)
		memset(&st, 0, sizeof(st));	/* not reached */
	if (st.st_mode & S_IROTH) {
		(void)close(fd);
		return diag_set(d, EX_CONFIG, "dkim_key_file %s holds a "
		    "private key and is world-readable (mode %04o); run "
		    "\"chmod 0640 %s\"", path, (unsigned)st.st_mode & 07777,
		    path);
	}
	if (st.st_size <= 0 ||
	    st.st_size > DKIM_KEY_FILE_MAX) {
		(void)close(fd);
		return diag_set(d, EX_CONFIG, "dkim_key_file %s is empty or "
		    "larger than %d bytes; it must hold one PEM private key",
		    path, DKIM_KEY_FILE_MAX);
	}
	pem = xmalloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		n = read(fd, pem + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	(void)close(fd);
	if (got != (size_t)st.st_size)
		(void)diag_set(d, EX_CONFIG, "cannot read dkim_key_file %s",
		    path);
	else {
		what = xasprintf("dkim_key_file %s", path);
		rc = crypto_key_load(pem, got, what, out, d);
		free(what);
	}
	explicit_bzero(pem, (size_t)st.st_size);
	free(pem);
	return rc;
}

static void
dkim_keys_free(struct dkim_key *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		crypto_key_free(keys[i].key);
}

static int
dkim_keys_load(const struct config *cfg, struct dkim_key *keys,
    size_t *nkeys, struct diag *d)
{
	const char *sp = cfg->dkim_selector, *kp = cfg->dkim_key_file;
	size_t n = 0;
	int a, b;

	*nkeys = 0;
	for (;;) {
		if (n == DKIM_KEYS_MAX)
			break;
		memset(&keys[n], 0, sizeof(keys[n]));
		a = dkim_list_next(&sp, keys[n].selector,
		    sizeof(keys[n].selector));
		b = dkim_list_next(&kp, keys[n].path, sizeof(keys[n].path));
		if (a == 0 && b == 0)
			break;
		if (a != 1 || b != 1) {
			dkim_keys_free(keys, n);
			return diag_set(d, EX_CONFIG, "%s: dkim_selector and "
			    "dkim_key_file must list the same number of "
			    "items", cfg->path != NULL ? cfg->path : "config");
		}
		if (dkim_key_load(keys[n].path, &keys[n].key, d) == -1) {
			dkim_keys_free(keys, n);
			return -1;
		}
		n++;
	}
	*nkeys = n;
	return 0;
}

/* ------------------------------------------------ reading the message */

/*
 * The header section (without the empty line) into hb; *body is where
 * the body starts (size when there is no empty line).
 */
static int
dkim_read_headers(int fd, off_t size, struct buf *hb, off_t *body,
    struct diag *d)
{
	char chunk[8192];
	const char *end;
	off_t pos = 0;
	size_t from;
	ssize_t n;

	*body = size;
	buf_init(hb, HDR_BLOCK_MAX + 4);
	while (pos < size) {
		n = pread(fd, chunk, sizeof(chunk), pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return diag_set(d, EX_IOERR, "cannot read the message "
			    "file to sign it: %s", n == 0 ? "short file" :
			    strerror(errno));
		from = hb->len > 3 ? hb->len - 3 : 0;
		if (buf_add(hb, chunk, (size_t)n) == -1)
			return diag_set(d, EX_DATAERR, "the header section is "
			    "larger than %d bytes; cannot sign it",
			    HDR_BLOCK_MAX);
		pos += n;
		if (hb->len >= 2 && memcmp(hb->data, "\r\n", 2) == 0) {
			*body = 2;
			hb->len = 0;
			return 0;
		}
		end = memmem(hb->data + from, hb->len - from, "\r\n\r\n", 4);
		if (end != NULL) {
			*body = (off_t)(end - hb->data) + 4;
			hb->len = (size_t)(end - hb->data) + 2;
			return 0;
		}
	}
	return 0;
}

static void
dkim_hash_sink(void *arg, const void *p, size_t n)
{
	crypto_hash_add(arg, p, n);
}

static int
dkim_body_hash(int fd, off_t from, off_t size,
    unsigned char out[CRYPTO_SHA256_LEN], struct diag *d)
{
	struct dkim_body b;
	struct crypto_hash *h = crypto_hash_new();
	char *chunk = xmalloc(IO_CHUNK);
	ssize_t n;
	int rc = 0;

	dkim_body_init(&b, dkim_hash_sink, h);
	while (from < size) {
		n = pread(fd, chunk, IO_CHUNK, from);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = diag_set(d, EX_IOERR, "cannot read the message "
			    "file to sign it: %s", n == 0 ? "short file" :
			    strerror(errno));
			break;
		}
		dkim_body_feed(&b, chunk, (size_t)n);
		from += n;
	}
	dkim_body_end(&b);
	crypto_hash_end(h, out);
	free(chunk);
	return rc;
}

/* ------------------------------------------------ signing */

static int
dkim_sign_one(const struct config *cfg, const struct dkim_key *k,
    const struct dkim_hdrs *h, const char *hlist, const char *bh,
    time_t now, struct buf *sigs, struct diag *d)
{
	struct dkim_sig s;
	struct buf hdr, data;
	unsigned char sig[CRYPTO_SIG_MAX], digest[CRYPTO_SHA256_LEN];
	char b64[B64_LEN(CRYPTO_SIG_MAX) + 1];
	size_t siglen, blen;
	int ed = crypto_key_alg(k->key) == CRYPTO_KEY_ED25519, rc = -1;

	memset(&s, 0, sizeof(s));
	s.alg = ed ? "ed25519-sha256" : "rsa-sha256";
	s.domain = cfg->dkim_domain;
	s.selector = k->selector;
	s.t = (long long)now;
	s.hlist = hlist;
	s.bh = bh;
	buf_init(&hdr, DKIM_SIGS_MAX);
	buf_init(&data, HDR_BLOCK_MAX + DKIM_SIGS_MAX);
	if (dkim_sig_header(&s, &hdr) == -1 ||
	    dkim_hdrs_canon(h, hlist, &data) == -1 ||
	    dkim_canon_header(hdr.data, hdr.len, &data) == -1) {
		(void)diag_set(d, EX_SOFTWARE, "cannot build the DKIM "
		    "signature header (too long)");
		goto out;
	}
	data.len -= 2;		/* RFC 6376 3.7: no CRLF after it */
	if (ed) {
		/* RFC 8463 3: Ed25519 signs the SHA-256 of the data. */
		(void)crypto_sha256(data.data, data.len, digest);
		rc = crypto_key_sign(k->key, digest, sizeof(digest), sig,
		    sizeof(sig), &siglen, d);
	} else
		rc = crypto_key_sign(k->key, data.data, data.len, sig,
		    sizeof(sig), &siglen, d);
	if (rc == -1)
		goto out;
	rc = -1;
	if (b64_encode(sig, siglen, b64, sizeof(b64), &blen) == -1 ||
	    dkim_sig_add_b(&hdr, b64, blen) == -1 ||
	    buf_add(sigs, hdr.data, hdr.len) == -1) {
		(void)diag_set(d, EX_SOFTWARE, "the DKIM signature headers "
		    "are longer than %d bytes (internal error)",
		    DKIM_SIGS_MAX);
		goto out;
	}
	rc = 0;
out:
	buf_free(&hdr);
	buf_free(&data);
	return rc;
}

int
dkim_sign_fd(const struct config *cfg, int fd, time_t now,
    struct buf *sigs, struct diag *d)
{
	struct dkim_key keys[DKIM_KEYS_MAX];
	struct dkim_hdrs h;
	struct buf hb, hlist;
	struct stat st;
	unsigned char bh[CRYPTO_SHA256_LEN];
	char bh64[B64_LEN(CRYPTO_SHA256_LEN) + 1];
	size_t nkeys = 0, i, n;
	off_t body;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	buf_init(&hb, HDR_BLOCK_MAX + 4);
	buf_init(&hlist, CONF_LINE_MAX);
	if (dkim_keys_load(cfg, keys, &nkeys, d) == -1)
		goto out;
	if (fstat(fd, &st) == -1) {
		(void)diag_set(d, EX_IOERR, "cannot examine the message file: "
		    "%s", strerror(errno));
		goto out;
	}
	if (dkim_read_headers(fd, st.st_size, &hb, &body, d) == -1 ||
	    dkim_body_hash(fd, body, st.st_size, bh, d) == -1)
		goto out;
	if (dkim_hdrs_parse(hb.data != NULL ? hb.data : "", hb.len,
	    &h) == -1 || dkim_hlist(&h, &hlist) == -1) {
		(void)diag_set(d, EX_DATAERR, "the header section cannot be "
		    "parsed for DKIM signing");
		goto out;
	}
	(void)b64_encode(bh, sizeof(bh), bh64, sizeof(bh64), &n);
	for (i = 0; i < nkeys; i++)
		if (dkim_sign_one(cfg, &keys[i], &h, buf_str(&hlist), bh64,
		    now, sigs, d) == -1)
			goto out;
	rc = 0;
out:
	dkim_keys_free(keys, nkeys);
	dkim_hdrs_free(&h);
	buf_free(&hb);
	buf_free(&hlist);
	return rc;
}

/* ------------------------------------------------ the new file */

static int
dkim_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* sigs + the old file -> a new file renamed over m->path. */
static int
dkim_rewrite(struct msg *m, const struct buf *sigs, struct diag *d)
{
	char *tmp, *chunk = NULL, *slash;
	off_t pos = 0;
	ssize_t n;
	int fd, err = 0;

	slash = strrchr(m->path, '/');
	tmp = xasprintf("%.*s/dkim.XXXXXX", slash == NULL ? 1 :
	    (int)(slash - m->path), slash == NULL ? "." : m->path);
	fd = mkstemp(tmp);
	if (fd == -1) {
		err = errno;
		free(tmp);
		return diag_set(d, err == ENOSPC || err == EIO ? EX_TEMPFAIL :
		    EX_CANTCREAT, "cannot create the signed copy of the "
		    "message: %s; check the spool directory", strerror(err));
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    dkim_write_all(fd, sigs->data, sigs->len) == -1)
		err = errno;
	chunk = xmalloc(IO_CHUNK);
	while (err == 0 && (n = pread(m->fd, chunk, IO_CHUNK, pos)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || dkim_write_all(fd, chunk, (size_t)n) == -1)
			err = errno;
		else
			pos += n;
	}
	free(chunk);
	if (err == 0 && (lseek(fd, 0, SEEK_SET) == -1 ||
	    rename(tmp, m->path) == -1))
		err = errno;
	if (err != 0) {
		(void)close(fd);
		(void)unlink(tmp);
		free(tmp);
		return diag_set(d, err == EACCES || err == EPERM ||
		    err == EROFS ? EX_CANTCREAT : EX_TEMPFAIL, "cannot write "
		    "the signed copy of the message: %s; free space on the "
		    "spool file system", strerror(err));
	}
	free(tmp);
	(void)close(m->fd);
	m->fd = fd;
	m->size = pos + (off_t)sigs->len;
	return 0;
}

int
dkim_sign_msg(const struct config *cfg, struct msg *m, time_t now,
    struct diag *d)
{
	struct buf sigs;
	int rc;

	if (cfg->dkim_key_file == NULL)
		return 0;
	if (m == NULL || m->fd < 0 || m->path == NULL)
		return diag_set(d, EX_SOFTWARE, "dkim_sign_msg: no message "
		    "file (internal error)");
	buf_init(&sigs, DKIM_SIGS_MAX);
	rc = dkim_sign_fd(cfg, m->fd, now, &sigs, d);
	if (rc == 0)
		rc = dkim_rewrite(m, &sigs, d);
	if (rc == 0)
		log_info("dkim: signed for d=%s s=%s (%zu header bytes)",
		    cfg->dkim_domain, cfg->dkim_selector, sigs.len);
	buf_free(&sigs);
	return rc;
}
